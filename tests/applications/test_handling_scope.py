"""Who handles an application: the agency receives it (重庆市民政局, the public form's
default receiving body) and its 政府信息公开工作机构 — an office below it (局办公室) —
handles all of them (条例 Art 4). A clerk of another agency still cannot."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from disclosure.applications import services
from disclosure.applications.admin_views import may_handle, sees_personal
from disclosure.applications.models import Application, ApplicationEvent
from tests.applications.factories import APPLICANT, at, received
from tests.portal.factories import OrganizationFactory
from tests.portal.roles import staff

pytestmark = pytest.mark.django_db

Kind = ApplicationEvent.Kind
MARCH_2 = date(2026, 3, 2)


@pytest.fixture
def online(agency, settings):
    """An online application with APPLY_ORGANIZATION unset: the agency receives it."""
    settings.APPLY_ORGANIZATION = ""
    return services.application_submit(
        data=dict(APPLICANT), submission_token="scope", now=at(date(2026, 2, 27))
    )


def test_the_public_form_sends_applications_to_the_agency(agency, online):
    assert online.organization == agency.bureau


def test_the_office_clerk_handles_the_agencys_applications(agency, online):
    services.application_confirm(application=online, by=agency.clerk, now=at(MARCH_2))
    services.application_consult(
        application=online, by=agency.clerk, party="第三方", now=at(date(2026, 3, 3))
    )
    online.refresh_from_db()
    assert online.status == Application.Status.CONSULTING
    assert online.received_on == MARCH_2


def test_a_clerk_of_another_agency_cannot_handle_the_agencys_applications(agency, online):
    outsider = staff("outside-clerk", agency.elsewhere, "信息员")
    with pytest.raises(PermissionDenied, match="不归您所在机构"):
        services.application_confirm(application=online, by=outsider, now=at(MARCH_2))
    assert list(online.events.values_list("kind", flat=True)) == [Kind.SUBMITTED]


def test_the_office_clerk_registers_for_the_agency_but_not_for_another(agency):
    application = received(agency.bureau, agency.clerk, MARCH_2)
    assert application.organization == agency.bureau
    with pytest.raises(PermissionDenied, match="只能为本机关登记"):
        received(agency.elsewhere, agency.clerk, MARCH_2)


def test_handlers_and_approvers_of_the_office_see_the_agencys_applicants(agency, online):
    theirs = received(agency.elsewhere, staff("their-clerk", agency.elsewhere, "信息员"), MARCH_2)
    for user in (agency.clerk, agency.reviewer):
        assert list(Application.objects.handled_by(user)) == [online]
        assert set(Application.objects.visible_to(user)) == {online}
        flags = dict(
            Application.objects.with_personal_data_flag(user).values_list("pk", "sees_personal")
        )
        assert flags == {online.pk: True, theirs.pk: False}
        assert sees_personal(user, online) and not sees_personal(user, theirs)
    assert may_handle(agency.clerk, online) and not may_handle(agency.clerk, theirs)
    assert not may_handle(agency.reviewer, online)  # approves extensions, does not handle


def test_the_office_clerk_gets_the_agencys_case_page_with_buttons(client, agency, online):
    client.force_login(agency.clerk)
    url = reverse("admin:applications_application_change", args=[online.pk])
    html = client.get(url).content.decode()
    assert APPLICANT["name"] in html and APPLICANT["phone"] in html
    assert reverse("admin:applications_application_step", args=[online.pk, "confirm"]) in html
    add = client.get(reverse("admin:applications_application_add")).content.decode()
    assert f'<option value="{agency.bureau.pk}"' in add
    assert f'<option value="{agency.elsewhere.pk}"' not in add
    client.force_login(staff("outside-clerk", agency.elsewhere, "信息员"))
    assert client.get(url).status_code == 404


def test_a_unit_below_the_agency_neither_sees_nor_handles_the_agencys_applicants(agency, online):
    """A 直属单位 clerk or reviewer is not the agency's 政府信息公开工作机构 (条例 Art 4):
    the agency's applicants stay out of their sight (个人信息保护法 Art 34)."""
    unit = OrganizationFactory(name="石桥铺殡仪馆", parent=agency.bureau, credit_code="")
    unit_clerk = staff("unit-clerk", unit, "信息员")
    unit_reviewer = staff("unit-reviewer", unit, "审核员")
    with pytest.raises(PermissionDenied):
        services.application_confirm(application=online, by=unit_clerk, now=at(MARCH_2))
    assert not Application.objects.handled_by(unit_clerk).filter(pk=online.pk).exists()
    assert not Application.objects.handled_by(unit_reviewer).filter(pk=online.pk).exists()
    assert not may_handle(unit_clerk, online) and not sees_personal(unit_reviewer, online)
    # Its own applications it handles (a unit may receive applications of its own).
    own = received(unit, unit_clerk, MARCH_2)
    assert Application.objects.handled_by(unit_clerk).filter(pk=own.pk).exists()


def test_the_handling_office_can_be_named_in_the_settings(agency, online, settings):
    settings.APPLY_HANDLING_OFFICES = ["宣传信息处"]
    publicity_clerk = staff("publicity-clerk", agency.publicity, "信息员")
    assert Application.objects.handled_by(publicity_clerk).filter(pk=online.pk).exists()
    assert not Application.objects.handled_by(agency.clerk).filter(pk=online.pk).exists()
