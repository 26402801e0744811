"""The demo's interpretations: what `make run` shows a visitor and a supervisor."""

import os

import pytest
from django.core.management import call_command

from interpretation.models import Interpretation, Media
from interpretation.ratio import ratio_report
from interpretation.timeliness import timeliness

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    quiet = open(os.devnull, "w")
    call_command("load_demo", stdout=quiet)
    call_command("load_interpretation_demo", stdout=quiet)
    call_command("load_interpretation_demo", stdout=quiet)  # a second run changes nothing


def test_the_seed_plan_has_a_question_and_answer_and_a_graphic(demo, client):
    plan_interpretations = Interpretation.objects.published().filter(
        documents__index_number="115000000092759914/2019-01946"
    )
    kinds = set(plan_interpretations.values_list("kind", flat=True))
    assert kinds == {Interpretation.Kind.QA, Interpretation.Kind.GRAPHIC}
    graphic = Media.objects.get(interpretation__kind=Interpretation.Kind.GRAPHIC)
    assert graphic.is_live and graphic.kind == Media.Kind.IMAGE and graphic.description
    assert client.get(graphic.get_absolute_url())["Content-Type"] == "image/png"


def test_the_supervisor_sees_missing_and_late_interpretations(demo):
    interpretations = Interpretation.objects.published()
    assert interpretations.count() >= 5
    timing = timeliness(list(interpretations))
    assert any(t.is_late for t in timing.values())
    reports = [ratio_report(year=year) for year in range(2015, 2028)]
    assert any(r.missing for r in reports)  # documents that need one and have none
    assert any(r.needing and r.interpreted for r in reports)


def test_a_reviewer_finds_an_interpretation_waiting(demo):
    assert Interpretation.objects.filter(status="submitted").exists()
