"""The format's consistency checks (勾稽关系): each rule rejects a wrong table on its own,
every failed cell is named, and a report cannot be approved or published while one
fails."""

import copy

import pytest
from django.core.exceptions import ValidationError

from disclosure.annual_reports import assembly, checks, layouts
from disclosure.annual_reports.models import AnnualReport
from portal import workflow
from tests.annual_reports.factories import consistent_figures, make_report
from tests.annual_reports.test_assembly import FIXTURE_THREE

L21, L19 = layouts.LAYOUT_2021, layouts.LAYOUT_2019


@pytest.fixture
def matrix():
    return assembly.three_matrix(FIXTURE_THREE)


def test_a_consistent_report_passes_every_check(matrix):
    assert checks.report_errors(L21, matrix, consistent_figures(L21)) == []
    assert (
        checks.report_errors(L19, assembly.layout_matrix(matrix, L19), consistent_figures(L19))
        == []
    )


def test_new_plus_carried_in_must_equal_total_plus_carried_out(matrix):
    matrix["carried_out"]["natural"] += 1
    matrix["carried_out"]["total"] += 1
    errors = checks.balance_errors(L21, matrix)
    assert errors == [
        "表三“自然人”列：一、二项之和（6）不等于（七）总计与四项之和（7）。",
        "表三“总计”列：一、二项之和（9）不等于（七）总计与四项之和（10）。",
    ]
    assert checks.total_column_errors(L21, matrix) == []
    assert checks.result_total_errors(L21, matrix) == []


def test_the_total_column_must_be_the_sum_of_the_six(matrix):
    matrix["new"]["total"] = 9
    errors = checks.total_column_errors(L21, matrix)
    assert errors == [
        "表三“一、本年新收政府信息公开申请数量”行：总计（9）不等于六类申请人之和（8）。"
    ]


def test_the_results_total_must_be_the_sum_of_the_leaves(matrix):
    matrix["3.2"]["research"] = 1
    matrix["3.2"]["total"] = 1
    errors = checks.result_total_errors(L21, matrix)
    assert errors == [
        "表三“科研机构”列：（七）总计（0）不等于（一）至（六）各项之和（1）。",
        "表三“总计”列：（七）总计（7）不等于（一）至（六）各项之和（8）。",
    ]


def test_in_the_2019_layout_other_handling_counts_as_one_leaf(matrix):
    shown = assembly.layout_matrix(matrix, L19)
    shown["6"] = dict(shown["6"], natural=0, total=1)  # the folded row lost one
    assert "（七）总计（5）" in checks.result_total_errors(L19, shown)[0]


def test_table_four_totals_must_add_up():
    figures = consistent_figures()
    figures["after_review.corrected"] = 2
    assert checks.four_errors(figures) == [
        "表四“行政诉讼（复议后起诉）”：总计（0）不等于四种结果之和（2）。"
    ]


def test_every_failed_cell_is_listed_at_once(matrix):
    matrix["new"]["total"] = 99
    figures = consistent_figures()
    figures["review.total"] = 0
    errors = checks.report_errors(L21, matrix, figures)
    assert any("一、本年新收" in error for error in errors)
    assert any("表四“行政复议”" in error for error in errors)
    assert len(errors) >= 3  # the balance of 总计 fails as well


def test_a_cell_that_is_not_a_number_is_named_before_any_sum():
    figures = consistent_figures()
    figures["licensing.decisions"] = "许多"
    errors = checks.report_errors(L21, assembly.three_matrix({}), figures)
    assert errors == ["第二十条第（五）项 行政许可：本年处理决定数量应为数字。"]


@pytest.mark.django_db
def test_a_wrong_table_cannot_be_approved(agency):
    report = make_report(agency.bureau, by=agency.clerk)
    report = workflow.perform(report, step="submit", by=agency.clerk)
    tables = copy.deepcopy(report.tables)
    tables["applications"]["carried_out"]["natural"] = 3  # the records changed by hand
    AnnualReport.objects.filter(pk=report.pk).update(tables=tables)
    with pytest.raises(ValidationError) as refused:
        workflow.perform(report, step="approve", by=agency.reviewer, note="同意")
    assert any("自然人" in message for message in refused.value.messages)
    assert AnnualReport.objects.get(pk=report.pk).status == "submitted"


@pytest.mark.django_db
def test_required_sections_are_checked_with_the_tables(agency):
    report = make_report(agency.bureau, by=agency.clerk, texts={"overview": "", "problems": ""})
    report = workflow.perform(report, step="submit", by=agency.clerk)
    with pytest.raises(ValidationError) as refused:
        workflow.perform(report, step="approve", by=agency.reviewer, note="同意")
    assert "请填写“一、总体情况”。" in refused.value.messages
    assert "请填写“五、存在的主要问题及改进情况”。" in refused.value.messages
