"""The yearly figures the annual report reads count what was issued by the day asked."""

from datetime import date

import pytest

from disclosure import normative
from tests.disclosure.test_normative import normative_document
from tests.portal.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_a_document_published_after_the_day_asked_is_not_yet_issued():
    agency = OrganizationFactory()
    normative_document("渝民规〔2024〕7号", organization=agency, written_on=date(2024, 5, 6))
    before = normative.yearly_counts(2024, agency, today=date(2024, 3, 1))
    after = normative.yearly_counts(2024, agency, today=date(2024, 6, 1))
    assert (before.issued, before.valid) == (0, 0)
    assert (after.issued, after.valid) == (1, 1)
