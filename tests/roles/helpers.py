"""Accounts in each administrator role, for the roles tests."""

from django.contrib.auth.models import Group

from tests.portal.factories import UserFactory


def holder(role: str, **fields):
    """A staff account in ``role`` (a group name) only."""
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role))
    return user
