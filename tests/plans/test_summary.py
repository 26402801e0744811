"""The year-end summary for section 六, written from accepted reports only: done tasks
with the public evidence, unfinished ones with their reason; deterministic."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from disclosure.models import Document
from plans import services
from plans.views import generated_summary
from tests.plans.factories import TaskFactory
from tests.plans.trees import active_plan, leaf, public_document, report

DAY = date(2019, 5, 6)
LATER = date(2019, 7, 1)
NOW = timezone.make_aware(datetime(2019, 5, 6, 10))


def accepted(task, agency, progress, *, text, evidence=()):
    """Reported and accepted on ``DAY``, as the year's work was."""
    update = services.update_submit(
        task=task, by=agency.clerk, reported_on=DAY, text=text, progress=progress,
        documents=evidence, now=NOW,
    )  # fmt: skip
    return services.update_accept(update=update, by=agency.supervisor, now=NOW)


@pytest.fixture
def plan(agency):
    plan = active_plan(agency, title="2019年政务公开工作方案")
    decisions = TaskFactory(plan=plan, number="一、", title="推进决策公开")
    execution = TaskFactory(plan=plan, number="二、", title="推进执行公开")
    notice = public_document(agency, title="关于公开重大决策事项目录的通知", written_on=DAY)
    done = leaf(
        plan, agency, parent=decisions, title="公开重大决策事项目录", due_on=date(2019, 12, 31)
    )
    accepted(done, agency, 100, evidence=[notice], text="目录已公开。")
    drafting = leaf(
        plan, agency, parent=decisions, title="制定决策预公开办法", due_on=date(2019, 12, 31)
    )
    accepted(drafting, agency, 60, text="已完成初稿。正在征求意见。")
    late = leaf(plan, agency, parent=execution, title="公开督查结果", due_on=date(2019, 6, 30))
    report(late, agency, 30, on=DAY, text="这份报送未被采纳，不应出现。")  # waits: never counts
    return plan


def test_evidence_published_after_the_day_of_the_summary_is_not_named(plan):
    Document.objects.filter(title="关于公开重大决策事项目录的通知").update(
        published_at=timezone.make_aware(datetime(2019, 8, 1, 9))
    )
    assert "关于公开重大决策事项目录的通知" not in generated_summary(plan, today=LATER)


def test_the_summary_by_hand(plan, agency):
    assert generated_summary(plan, today=LATER) == (
        "2019年，重庆市民政局按照《2019年政务公开工作方案》的部署，将年度政务公开工作"
        "细化分解为3项具体任务，逐项落实到责任部门。截至2019年7月1日，已完成1项，"
        "其中按期完成1项，总体完成进度53%。\n\n"
        "一、推进决策公开\n"
        "已完成1项：公开重大决策事项目录。相关工作已通过《关于公开重大决策事项目录的通知》公开。\n"
        "尚未完成1项：制定决策预公开办法（完成时限为2019年12月31日，进度60%，已完成初稿）。\n\n"
        "二、推进执行公开\n"
        "尚未完成1项：公开督查结果（已超过完成时限（2019年6月30日），进度0%，"
        "尚无采纳的进展报送）。\n"
    )


def test_the_same_data_gives_the_same_text(plan):
    assert generated_summary(plan, today=LATER) == generated_summary(plan, today=LATER)


def test_evidence_no_longer_public_is_not_named(plan):
    Document.objects.filter(title="关于公开重大决策事项目录的通知").update(is_live=False)
    text = generated_summary(plan, today=LATER)
    assert "关于公开重大决策事项目录的通知" not in text
    assert "已完成1项：公开重大决策事项目录。\n" in text


def test_a_plan_without_tasks_says_so(agency):
    text = generated_summary(active_plan(agency, title="空方案"), today=LATER)
    assert "细化分解为0项具体任务" in text and "总体完成进度" not in text
