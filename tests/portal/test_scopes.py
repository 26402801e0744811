"""portal.scopes: who acts on and sees which organizations' items (谁公开、谁审查)."""

import pytest

from portal.scopes import ALL, acting_scope, agency_organizations, in_scope, visible_scope
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db
PUBLISH = "disclosure.publish_document"


def test_clerks_and_reviewers_act_on_their_subtree(agency):
    assert acting_scope(agency.clerk) == {agency.office.pk}
    assert acting_scope(agency.reviewer) == {agency.office.pk}


def test_publishers_act_on_their_whole_agency(agency):
    scope = acting_scope(agency.publisher, publishing=True)
    assert scope == {agency.bureau.pk, agency.office.pk, agency.publicity.pk}
    assert agency.elsewhere.pk not in scope


def test_supervisors_see_everything_and_superusers_act_everywhere(agency):
    assert visible_scope(agency.supervisor, publish_permission=PUBLISH) is ALL
    assert acting_scope(UserFactory(is_superuser=True)) is ALL


def test_a_publisher_sees_the_agency_a_clerk_only_the_subtree(agency):
    assert agency.bureau.pk in visible_scope(agency.publisher, publish_permission=PUBLISH)
    assert visible_scope(agency.clerk, publish_permission=PUBLISH) == {agency.office.pk}


def test_an_account_without_organization_acts_on_nothing():
    assert acting_scope(UserFactory(organization=None)) == set()


def test_an_unowned_item_is_in_every_scope_until_first_edited(agency):
    assert in_scope(None, {agency.office.pk}) and in_scope(agency.office.pk, ALL)
    assert not in_scope(agency.elsewhere.pk, {agency.office.pk})


def test_the_organizations_a_clerk_may_name_are_their_agencys(agency):
    names = set(agency_organizations(agency.clerk).values_list("name", flat=True))
    assert names == {"重庆市民政局", "局办公室", "宣传信息处"}
