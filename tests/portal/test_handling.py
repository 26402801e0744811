"""portal.handling: a queryset of handled cases must name who handles what."""

import pytest
from django.db.models import Q

from portal.handling import HandledQuerySet


def test_a_handled_queryset_without_its_rule_is_refused_when_defined():
    with pytest.raises(TypeError, match="handling_condition"):

        class Unruled(HandledQuerySet):
            pass


def test_a_handled_queryset_with_its_rule_is_accepted():
    class Ruled(HandledQuerySet):
        @staticmethod
        def handling_condition(user):
            return None if user is None else Q(pk=user)

    assert Ruled.handling_condition(None) is None
