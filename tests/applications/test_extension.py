"""The extension (延期, 条例 Art 33) in two steps: the handling clerk asks (days ≤ 20 and
the reason; the clock is untouched), the office head — ``approve_extension`` in the
agency, never the clerk who asked — approves (the period grows) or refuses (a reason is
required). The services' happy paths and each refusal, then the admin's buttons."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from disclosure.applications import services
from disclosure.applications.models import ApplicationEvent
from tests.applications.factories import at, received
from tests.portal.roles import staff

pytestmark = pytest.mark.django_db

Kind = ApplicationEvent.Kind
MARCH_2 = date(2026, 3, 2)  # a Monday; due 30 March
MARCH_20 = at(date(2026, 3, 20))
REASON = "需调取多年档案逐一核实。"


def kinds(application):
    return list(application.timeline().values_list("kind", flat=True))


@pytest.fixture
def app(agency):
    """Received by the agency (the default receiving body), handled by its office."""
    return received(agency.bureau, agency.clerk, MARCH_2)


def ask(agency, application, *, by=None, days=20, now=MARCH_20):
    return services.application_request_extension(
        application=application, by=by or agency.clerk, working_days=days, reason=REASON, now=now
    )


# --- services -------------------------------------------------------------------------------


def test_a_request_leaves_the_clock_and_the_approval_extends_it(agency, app):
    ask(agency, app)
    app.refresh_from_db()
    assert (app.status, app.due_on, app.extended_days) == ("processing", date(2026, 3, 30), 0)
    request = app.timeline().last()
    assert (request.kind, request.by, request.note) == (Kind.EXTENSION_REQUESTED, agency.clerk,
                                                        REASON)  # fmt: skip
    assert request.data["working_days"] == 20
    assert services.pending_extension(app) == request
    services.application_approve_extension(
        application=app, by=agency.reviewer, note="同意。", now=at(date(2026, 3, 23))
    )
    app.refresh_from_db()
    assert (app.extended_days, app.due_on) == (20, date(2026, 4, 28))
    approved = app.timeline().last()
    assert (approved.kind, approved.by, approved.note) == (Kind.EXTENDED, agency.reviewer, REASON)
    assert approved.data["approver"] == agency.reviewer.pk
    assert approved.data["working_days"] == 20 and approved.data["request"] == request.pk
    assert approved.data["approval_note"] == "同意。"
    assert services.pending_extension(app) is None


def test_a_refusal_needs_a_reason_leaves_the_clock_and_allows_a_new_request(agency, app):
    ask(agency, app, days=10)
    with pytest.raises(ValidationError, match="不批准延期的理由"):
        services.application_refuse_extension(application=app, by=agency.reviewer, note=" ")
    services.application_refuse_extension(
        application=app, by=agency.reviewer, note="理由不充分。", now=MARCH_20
    )
    app.refresh_from_db()
    assert (app.due_on, app.extended_days) == (date(2026, 3, 30), 0)
    assert kinds(app)[-2:] == [Kind.EXTENSION_REQUESTED, Kind.EXTENSION_REFUSED]
    assert app.timeline().last().by == agency.reviewer
    ask(agency, app, days=5, now=at(date(2026, 3, 23)))
    services.application_approve_extension(application=app, by=agency.reviewer,
                                           now=at(date(2026, 3, 23)))  # fmt: skip
    app.refresh_from_db()
    assert app.extended_days == 5


def test_the_requester_cannot_decide_on_the_own_request(agency, app):
    both = agency.clerk_and_reviewer
    ask(agency, app, by=both)
    with pytest.raises(PermissionDenied, match="本人提出的延期申请"):
        services.application_approve_extension(application=app, by=both, now=MARCH_20)
    with pytest.raises(PermissionDenied, match="本人提出的延期申请"):
        services.application_refuse_extension(application=app, by=both, note="x", now=MARCH_20)
    assert kinds(app)[-1] == Kind.EXTENSION_REQUESTED


def test_approval_needs_the_permission(agency, app):
    ask(agency, app)
    for user in (agency.second_clerk, agency.publisher, agency.supervisor):
        with pytest.raises(PermissionDenied, match="没有批准延期的权限"):
            services.application_approve_extension(application=app, by=user, now=MARCH_20)
    assert kinds(app)[-1] == Kind.EXTENSION_REQUESTED


def test_an_approver_of_another_agency_cannot_decide(agency, app):
    ask(agency, app)
    with pytest.raises(PermissionDenied, match="不归您所在机构"):
        services.application_approve_extension(
            application=app, by=agency.outside_reviewer, now=MARCH_20
        )
    with pytest.raises(PermissionDenied, match="不归您所在机构"):
        services.application_refuse_extension(
            application=app, by=agency.outside_reviewer, note="x", now=MARCH_20
        )


def test_one_request_at_a_time_and_one_extension_only(agency, app):
    ask(agency, app, days=5)
    with pytest.raises(ValidationError, match="等待机构负责人批准"):
        ask(agency, app, days=5)
    services.application_approve_extension(application=app, by=agency.reviewer, now=MARCH_20)
    with pytest.raises(ValidationError, match="只能延长一次"):
        ask(agency, app, days=5)
    with pytest.raises(ValidationError, match="没有等待批准的延期申请"):
        services.application_approve_extension(application=app, by=agency.reviewer, now=MARCH_20)


def test_no_request_or_approval_after_the_due_date(agency, app):
    with pytest.raises(ValidationError, match="2026-03-30 已过，不能再申请延期"):
        ask(agency, app, now=at(date(2026, 3, 31)))
    ask(agency, app, now=at(date(2026, 3, 30)))
    with pytest.raises(ValidationError, match="2026-03-30 已过，不能再批准延期"):
        services.application_approve_extension(
            application=app, by=agency.reviewer, now=at(date(2026, 3, 31))
        )
    assert kinds(app)[-1] == Kind.EXTENSION_REQUESTED


@pytest.mark.parametrize("days", [0, 21, -1, True])
def test_a_request_is_for_one_to_twenty_working_days(agency, app, days):
    with pytest.raises(ValidationError, match="1 至 20 个工作日"):
        ask(agency, app, days=days)


def test_a_request_needs_a_reason_and_the_handling_permission(agency, app):
    with pytest.raises(ValidationError, match="请填写延期理由"):
        services.application_request_extension(
            application=app, by=agency.clerk, working_days=5, reason=""
        )
    with pytest.raises(PermissionDenied):
        ask(agency, app, by=agency.reviewer)  # approves, does not handle


# --- admin ----------------------------------------------------------------------------------


def change_url(application):
    return reverse("admin:applications_application_change", args=[application.pk])


def step_url(application, step):
    return reverse("admin:applications_application_step", args=[application.pk, step])


def html_for(client, user, application):
    client.force_login(user)
    response = client.get(change_url(application))
    assert response.status_code == 200
    return response.content.decode()


def yesterday():
    """Received yesterday (registered at 10:00 then, before any step taken now), so
    nothing is due yet."""
    return timezone.localdate() - timedelta(days=1)


@pytest.fixture
def asked(agency):
    """An application with a pending request for 10 working days."""
    application = received(agency.bureau, agency.clerk, yesterday())
    services.application_request_extension(
        application=application, by=agency.clerk, working_days=10, reason=REASON
    )
    return application


def test_the_clerk_asks_through_the_button_and_the_form_names_no_approver(client, agency):
    application = received(agency.bureau, agency.clerk, yesterday())
    html = html_for(client, agency.clerk, application)
    assert step_url(application, "request_extension") in html
    form = client.get(step_url(application, "request_extension")).content.decode()
    assert "批准人" not in form and 'name="approver"' not in form
    response = client.post(step_url(application, "request_extension"),
                           {"working_days": "10", "note": REASON}, follow=True)  # fmt: skip
    assert "已申请延期" in response.content.decode()
    assert kinds(application)[-1] == Kind.EXTENSION_REQUESTED
    assert html_for(client, agency.reviewer, application).count("批准延期") >= 1


def test_the_decision_buttons_go_to_approvers_other_than_the_requester(client, agency, asked):
    approve, refuse = step_url(asked, "approve_extension"), step_url(asked, "refuse_extension")
    clerk_page = html_for(client, agency.clerk, asked)
    assert approve not in clerk_page and refuse not in clerk_page
    assert step_url(asked, "request_extension") not in clerk_page  # one request at a time
    assert 'id="extension-request"' in clerk_page and REASON in clerk_page
    reviewer_page = html_for(client, agency.reviewer, asked)  # no handle_application
    assert approve in reviewer_page and refuse in reviewer_page
    assert step_url(asked, "consult") not in reviewer_page  # approving is not handling
    client.force_login(agency.outside_reviewer)
    assert client.get(change_url(asked)).status_code == 404
    assert client.post(approve).status_code == 404
    mine = received(agency.bureau, agency.clerk_and_reviewer, asked.received_on)
    services.application_request_extension(
        application=mine, by=agency.clerk_and_reviewer, working_days=5, reason=REASON
    )
    own_page = html_for(client, agency.clerk_and_reviewer, mine)
    assert step_url(mine, "approve_extension") not in own_page
    response = client.post(step_url(mine, "approve_extension"), {}, follow=True)
    assert "批准延期未完成" in response.content.decode()
    assert kinds(mine)[-1] == Kind.EXTENSION_REQUESTED


def test_the_approver_approves_on_the_page_showing_the_request(client, agency, asked):
    client.force_login(agency.reviewer)
    form = client.get(step_url(asked, "approve_extension")).content.decode()
    assert REASON in form and "10</strong> 个工作日" in form
    response = client.post(step_url(asked, "approve_extension"), {"note": "同意。"}, follow=True)
    assert "已批准延期" in response.content.decode()
    asked.refresh_from_db()
    assert asked.extended_days == 10 and kinds(asked)[-1] == Kind.EXTENDED
    timeline = html_for(client, agency.clerk, asked)
    timeline = timeline[timeline.index("办理记录（按时间顺序") :]
    assert timeline.index("申请延期") < timeline.index("批准人：reviewer")
    assert step_url(asked, "request_extension") not in html_for(client, agency.clerk, asked)


def test_refusing_on_the_page_needs_a_reason(client, agency, asked):
    client.force_login(agency.reviewer)
    empty = client.post(step_url(asked, "refuse_extension"), {"note": ""})
    assert "请填写不批准的理由" in empty.content.decode()
    client.post(step_url(asked, "refuse_extension"), {"note": "理由不充分。"})
    asked.refresh_from_db()
    assert kinds(asked)[-1] == Kind.EXTENSION_REFUSED and asked.extended_days == 0
    assert step_url(asked, "request_extension") in html_for(client, agency.clerk, asked)


def test_a_handler_without_the_approval_permission_sees_no_decision_buttons(client, agency, asked):
    other = staff("clerk3", agency.office, "信息员")
    html = html_for(client, other, asked)
    assert step_url(asked, "approve_extension") not in html
    assert step_url(asked, "consult") in html


def test_the_timeline_says_days_asked_for_a_request_and_a_refusal_and_granted_once_approved(
    client, agency, app
):
    from disclosure.applications.admin import event_details

    ask(agency, app, days=15)
    services.application_refuse_extension(application=app, by=agency.reviewer, note="理由不充分。",
                                          now=at(date(2026, 3, 23)))  # fmt: skip
    ask(agency, app, days=10, now=at(date(2026, 3, 24)))
    services.application_approve_extension(application=app, by=agency.reviewer,
                                           now=at(date(2026, 3, 25)))  # fmt: skip
    details = {e.kind: event_details(e, "") for e in app.timeline()}
    assert "申请延长：15" in details[Kind.EXTENSION_REFUSED]
    assert "延长工作日" not in details[Kind.EXTENSION_REFUSED]
    assert "申请延长：10" in details[Kind.EXTENSION_REQUESTED]  # the last request
    assert "延长工作日：10" in details[Kind.EXTENDED]
    html = html_for(client, agency.clerk, app)
    assert html.count("申请延长：") == 3 and html.count("延长工作日：") == 1
