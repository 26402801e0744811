"""interpretation.querysets (and the PublishableQuerySet it extends): what the public sees
of interpretations, and what a list row loads."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from interpretation.models import Interpretation
from interpretation.services import interpretation_save
from portal import workflow
from tests.disclosure.factories import DocumentFactory
from tests.interpretation.conftest import through_review
from tests.interpretation.factories import InterpretationFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def document(agency):
    return DocumentFactory(organization=agency.office, published=True)


def interpretation_of(document, agency, **fields):
    """A draft by the office's clerk; with ``published=True``, migrated by the publisher."""
    by = agency.publisher if fields.get("published") else agency.clerk
    return InterpretationFactory(organization=agency.office, documents=[document], by=by, **fields)


@pytest.fixture
def every_state(agency, document):
    """One interpretation in each state the public must or must not see."""
    live = interpretation_of(document, agency, title="已发布", published=True)
    interpretation_of(document, agency, title="草稿")
    through_review(interpretation_of(document, agency, title="待审核"), agency, steps=["submit"])
    through_review(interpretation_of(document, agency, title="已审核未发布"), agency)
    withdrawn = interpretation_of(document, agency, title="已撤回", published=True)
    through_review(withdrawn, agency, steps=["withdraw"])
    scheduled = through_review(interpretation_of(document, agency, title="定时发布"), agency)
    in_two_days = timezone.now() + timedelta(days=2)
    workflow.perform(scheduled, step="publish", by=agency.publisher, publish_at=in_two_days)
    return live, Interpretation.objects.get(pk=scheduled.pk)


def titles(queryset) -> set[str]:
    return set(queryset.values_list("title", flat=True))


def test_the_public_sees_only_a_published_interpretation(every_state):
    assert titles(Interpretation.objects.published()) == {"已发布"}


def test_a_scheduled_interpretation_is_public_once_its_time_has_come(every_state):
    _live, scheduled = every_state
    assert scheduled.is_live and scheduled.is_scheduled
    later = scheduled.published_at + timedelta(minutes=1)
    assert titles(Interpretation.objects.published(now=later)) == {"已发布", "定时发布"}
    just_before = scheduled.published_at - timedelta(minutes=1)
    assert titles(Interpretation.objects.published(now=just_before)) == {"已发布"}


def test_published_takes_the_moment_it_is_asked_about(agency, document):
    interpretation_of(
        document,
        agency,
        title="2024年解读",
        published=True,
        published_at=datetime(2024, 5, 7, 9, 0, tzinfo=SHANGHAI),
    )
    before = datetime(2024, 5, 7, 8, 59, tzinfo=SHANGHAI)
    assert not Interpretation.objects.published(now=before).exists()
    assert titles(Interpretation.objects.published()) == {"2024年解读"}


def test_an_edit_of_a_live_interpretation_keeps_the_public_version_listed(agency, document):
    live = interpretation_of(document, agency, title="公开的标题", published=True)
    edit = Interpretation.objects.get(pk=live.pk)
    edit.title = "待审的标题"
    interpretation_save(interpretation=edit, by=agency.clerk)
    assert titles(Interpretation.objects.published()) == {"公开的标题"}


def test_a_listing_joins_the_organization_and_leaves_the_body(
    agency, document, django_assert_num_queries
):
    for n in range(3):
        interpretation_of(document, agency, title=f"解读{n}", summary="概述", published=True)
    with django_assert_num_queries(1):
        rows = list(Interpretation.objects.published().for_listing())
        assert {row.organization.display_name for row in rows} == {agency.office.display_name}
        assert {(row.title[:2], row.kind, row.summary) for row in rows} == {("解读", "qa", "概述")}
        assert all(row.published_at for row in rows)
    assert len(rows) == 3
    assert {"body", "interpreter", "owner_organization_id"} <= rows[0].get_deferred_fields()


def test_in_organizations_filters_by_the_owning_organization(agency):
    mine = InterpretationFactory(organization=agency.bureau, owner_organization=agency.office)
    InterpretationFactory(organization=agency.elsewhere)
    assert list(Interpretation.objects.in_organizations([agency.office.pk])) == [mine]
    assert not Interpretation.objects.in_organizations([agency.bureau.pk]).exists()
