"""An agency with the four roles, for workflow tests."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group

from portal.models import Organization
from tests.portal.factories import OrganizationFactory, UserFactory


@dataclass
class Agency:
    bureau: Organization
    office: Organization
    publicity: Organization
    elsewhere: Organization
    clerk: object
    second_clerk: object
    reviewer: object
    publisher: object
    supervisor: object
    outside_reviewer: object
    clerk_and_reviewer: object


def staff(username, organization, *roles):
    user = UserFactory(username=username, organization=organization, is_staff=True)
    user.groups.set(Group.objects.filter(name__in=roles))
    return user


@pytest.fixture
def agency(db) -> Agency:
    bureau = OrganizationFactory(name="重庆市民政局", short_name="市民政局")
    office = OrganizationFactory(name="局办公室", parent=bureau, credit_code="")
    publicity = OrganizationFactory(name="宣传信息处", parent=bureau, credit_code="")
    elsewhere = OrganizationFactory(name="另一个局")
    return Agency(
        bureau=bureau,
        office=office,
        publicity=publicity,
        elsewhere=elsewhere,
        clerk=staff("clerk", office, "信息员"),
        second_clerk=staff("clerk2", office, "信息员"),
        reviewer=staff("reviewer", office, "审核员"),
        publisher=staff("publisher", publicity, "发布员"),
        supervisor=staff("supervisor", bureau, "督查员"),
        outside_reviewer=staff("outsider", elsewhere, "审核员"),
        clerk_and_reviewer=staff("both", office, "信息员", "审核员"),
    )
