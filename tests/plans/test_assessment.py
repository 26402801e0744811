"""考核 scores of the hand-worked tree (tests/plans/report_tree.py) with the plan's
default weights 60/30/10 and with others."""

import pytest

from plans import reports
from plans.assessment import Weights, assess
from plans.models import Plan, Task
from tests.plans.report_tree import NATIONAL_DAY, START, TODAY, hand_tree, task

Status = Task.Status


@pytest.fixture
def report():
    return reports.build_report(hand_tree(), today=TODAY, calendar=NATIONAL_DAY, start=START)


def by_name(results):
    return {result.name: result for result in results}


def test_scores_by_hand_highest_first(report):
    results = assess(report, weights=Weights(60, 30, 10))
    assert [result.name for result in results] == ["未指定牵头部门", "局办公室", "宣传信息处"]
    office, publicity, nobody = (
        by_name(results)[n] for n in ("局办公室", "宣传信息处", "未指定牵头部门")
    )
    # Office: T1 on time, T2 past due → 1/2; progress (200 + 40) ÷ 3 = 80 %; T2 reported
    # monthly on 9-10, due again 10-10 → 1/1. (60×0.5 + 30×0.8 + 10×1) ÷ 100 × 100 = 64.
    assert (office.on_time.numerator, office.on_time.denominator) == (1, 2)
    assert office.progress == pytest.approx(0.8)
    assert (office.reporting.numerator, office.reporting.denominator) == (1, 1)
    assert office.score == pytest.approx(64.0)
    # Publicity (T32 suspended, left out): T31 done late → 0/1; T4 not yet judged;
    # progress 300 ÷ 5 = 60 %; T4 quarterly, never reported → 0/1. 30×0.6 = 18.
    assert (publicity.tasks, publicity.on_time.value, publicity.reporting.value) == (2, 0, 0)
    assert publicity.score == pytest.approx(18.0)
    # Nobody: T5 not yet due (nothing missed → 1), 60 %, no frequency (→ 1): 60 + 18 + 10.
    assert nobody.on_time.denominator == 0 and nobody.on_time.value == 1
    assert nobody.score == pytest.approx(88.0)


def test_other_weights_change_the_scores(report):
    results = by_name(assess(report, weights=Weights(0, 1, 0)))
    assert results["局办公室"].score == pytest.approx(80.0)  # progress alone
    results = by_name(assess(report, weights=Weights(1, 0, 1)))
    assert results["局办公室"].score == pytest.approx(75.0)  # (0.5 + 1) ÷ 2


def test_the_formula_and_the_working_show_the_numbers(report):
    weights = Weights.of(Plan(on_time_weight=60, progress_weight=30, reporting_weight=10))
    assert weights.formula() == (
        "得分 = (60 × 按期完成率 + 30 × 平均进度 + 10 × 按频次报送率) ÷ 100 × 100"
    )
    office = by_name(assess(report, weights=weights))["局办公室"]
    assert office.working(weights) == "(60 × 0.500 + 30 × 0.800 + 10 × 1.000) ÷ 100 × 100 = 64.0"


def test_a_department_whose_tasks_are_all_suspended_has_no_score():
    lone = task(1, status=Status.SUSPENDED, due_on=TODAY)
    report = reports.build_report([lone], today=TODAY, calendar=NATIONAL_DAY, start=START)
    (result,) = assess(report, weights=Weights(60, 30, 10))
    assert result.score is None and result.tasks == 0
    assert result.working(Weights(60, 30, 10)) == "全部任务已暂缓，不计分"


def test_a_continuous_task_completed_counts_as_on_time():
    done = task(1, status=Status.COMPLETED, progress=100, completed_on=TODAY)
    report = reports.build_report([done], today=TODAY, calendar=NATIONAL_DAY, start=START)
    (result,) = assess(report, weights=Weights(1, 0, 0))
    assert (result.on_time.numerator, result.on_time.denominator, result.score) == (1, 1, 100.0)
