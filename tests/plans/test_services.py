"""Plans, task trees and progress reports through ``plans.services``: each service's happy
path and each refusal, workflows as state lists, the roll-up, the deadline run."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from plans import services
from plans.models import Plan, Task, TaskEvent, Update
from tests.interpretation.factories import InterpretationFactory
from tests.plans.factories import PlanFactory, TaskFactory
from tests.plans.trees import DAY, accepted, active_plan, leaf, public_document, report, screenshot
from tests.portal.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
S = Task.Status
NOON = datetime(2019, 5, 10, 12, tzinfo=ZoneInfo("Asia/Shanghai"))


def events(task, action=None):
    found = TaskEvent.objects.filter(task=task).order_by("pk")
    return list(found.filter(action=action) if action else found)


# --- plans ---------------------------------------------------------------------------------


def test_a_supervisor_drafts_a_plan(agency):
    plan = services.plan_create(year=2019, title="2019年政务公开工作方案",
                                organization=agency.bureau, by=agency.supervisor)  # fmt: skip
    assert plan.status == Plan.Status.DRAFTING and plan.created_by == agency.supervisor


def test_a_clerk_cannot_draft_a_plan(agency):
    with pytest.raises(PermissionDenied, match="新建工作方案"):
        services.plan_create(year=2019, title="方案", organization=agency.bureau, by=agency.clerk)


def test_a_plan_year_out_of_range_is_refused(agency):
    with pytest.raises(ValidationError):
        services.plan_create(year=1999, title="方案", organization=agency.bureau,
                             by=agency.supervisor)  # fmt: skip


def test_a_plan_starts_and_is_archived_by_a_supervisor(agency):
    plan = PlanFactory(organization=agency.bureau, status=Plan.Status.DRAFTING)
    TaskFactory(plan=plan)
    plan = services.plan_activate(plan=plan, by=agency.supervisor, now=NOON)
    assert (plan.status, plan.activated_on) == (Plan.Status.ACTIVE, date(2019, 5, 10))
    plan = services.plan_archive(plan=plan, by=agency.supervisor, now=datetime(
        2020, 1, 10, 9, tzinfo=ZoneInfo("Asia/Shanghai")))  # fmt: skip
    plan = Plan.objects.get(pk=plan.pk)
    assert (plan.status, plan.archived_on) == (Plan.Status.ARCHIVED, date(2020, 1, 10))
    history = LogEntry.objects.filter(object_id=str(plan.pk)).order_by("pk")
    assert [entry.change_message for entry in history] == ["编制中 → 执行中", "执行中 → 已归档"]


def test_a_plan_without_tasks_does_not_start(agency):
    plan = PlanFactory(organization=agency.bureau, status=Plan.Status.DRAFTING)
    with pytest.raises(ValidationError, match="还没有任务"):
        services.plan_activate(plan=plan, by=agency.supervisor)


def test_an_active_plan_does_not_start_again_nor_a_draft_archive(agency):
    plan = active_plan(agency)
    with pytest.raises(ValidationError, match="只有编制中"):
        services.plan_activate(plan=plan, by=agency.supervisor)
    draft = PlanFactory(organization=agency.bureau, status=Plan.Status.DRAFTING)
    with pytest.raises(ValidationError, match="只有执行中"):
        services.plan_archive(plan=draft, by=agency.supervisor)


def test_a_clerk_cannot_start_a_plan(agency):
    plan = PlanFactory(organization=agency.bureau, status=Plan.Status.DRAFTING)
    with pytest.raises(PermissionDenied):
        services.plan_activate(plan=plan, by=agency.clerk)


# --- the task tree -------------------------------------------------------------------------


def test_tasks_are_inserted_into_the_tree_in_order(agency):
    plan = PlanFactory(organization=agency.bureau, status=Plan.Status.DRAFTING)
    section = services.task_create(plan=plan, title="一、推进决策公开", by=agency.supervisor)
    second = services.task_create(plan=plan, parent=section, title="乙", by=agency.supervisor,
                                  position=5, lead_department=agency.office,
                                  cooperating_departments=[agency.publicity])  # fmt: skip
    services.task_create(plan=plan, parent=section, title="甲", position=2, by=agency.supervisor)
    last = services.task_create(plan=plan, parent=section, title="丙", by=agency.supervisor)
    assert last.position == 6  # after the last sibling
    section.refresh_from_db()
    assert [t.title for t in section.get_children()] == ["甲", "乙", "丙"]
    assert list(second.cooperating_departments.all()) == [agency.publicity]
    assert events(second) == []  # drafting needs no history


def test_a_task_in_an_active_plan_is_recorded_and_rolls_up(agency):
    plan = active_plan(agency)
    section = TaskFactory(plan=plan)
    done = leaf(plan, agency, parent=section)
    accepted(done, agency, 100, evidence=[public_document(agency)])
    assert Task.objects.get(pk=section.pk).status == S.COMPLETED
    added = services.task_create(plan=plan, parent=section, title="新增", by=agency.supervisor)
    assert [e.note for e in events(added)] == ["新增任务"]
    section.refresh_from_db()
    assert (section.status, section.progress) == (S.IN_PROGRESS, 50)


def test_a_clerk_cannot_create_tasks(agency):
    with pytest.raises(PermissionDenied):
        services.task_create(plan=active_plan(agency), title="任务", by=agency.clerk)


def test_an_archived_plan_gets_no_new_tasks(agency):
    plan = PlanFactory(organization=agency.bureau, status=Plan.Status.ARCHIVED)
    with pytest.raises(ValidationError, match="已归档"):
        services.task_create(plan=plan, title="任务", by=agency.supervisor)


def test_a_reported_task_cannot_be_split(agency):
    plan = active_plan(agency)
    task = leaf(plan, agency)
    report(task, agency, 30)
    with pytest.raises(ValidationError, match="不能再分解"):
        services.task_create(plan=plan, parent=task, title="子任务", by=agency.supervisor)


def test_a_parent_from_another_plan_is_refused(agency):
    other = TaskFactory()
    with pytest.raises(ValidationError):
        services.task_create(plan=active_plan(agency), parent=other, title="子任务",
                             by=agency.supervisor)  # fmt: skip


def test_a_change_in_an_active_plan_records_old_and_new(agency):
    task = leaf(active_plan(agency), agency, due_on=date(2019, 6, 30), weight=1)
    services.task_change(task=task, by=agency.supervisor, due_on=date(2019, 9, 30),
                         lead_department=agency.publicity, weight=3,
                         cooperating_departments=[agency.office])  # fmt: skip
    (event,) = events(task, TaskEvent.Action.CHANGED)
    assert "完成时限：2019-06-30 → 2019-09-30" in event.note
    assert "牵头部门：局办公室 → 宣传信息处" in event.note
    assert "权重：1 → 3" in event.note and "配合部门：无 → 局办公室" in event.note
    assert event.by == agency.supervisor


def test_a_change_while_drafting_records_nothing(agency):
    plan = PlanFactory(organization=agency.bureau, status=Plan.Status.DRAFTING)
    task = leaf(plan, agency)
    services.task_change(task=task, by=agency.supervisor, due_on=date(2019, 9, 30))
    assert events(task) == [] and Task.objects.get(pk=task.pk).due_on == date(2019, 9, 30)


def test_a_change_that_changes_nothing_records_nothing(agency):
    task = leaf(active_plan(agency), agency, due_on=date(2019, 6, 30))
    services.task_change(task=task, by=agency.supervisor, due_on=date(2019, 6, 30))
    assert events(task) == []


def test_a_later_deadline_settles_an_overdue_task_at_once(agency):
    task = leaf(active_plan(agency), agency, due_on=date(2019, 3, 31))
    services.tasks_mark_overdue(today=DAY)
    assert Task.objects.get(pk=task.pk).status == S.OVERDUE
    services.task_change(task=task, by=agency.supervisor, due_on=date(2019, 12, 31), now=NOON)
    assert Task.objects.get(pk=task.pk).status == S.NOT_STARTED


def test_a_clerk_cannot_change_a_task_nor_anyone_an_archived_one(agency):
    task = leaf(active_plan(agency), agency)
    with pytest.raises(PermissionDenied):
        services.task_change(task=task, by=agency.clerk, title="改名")
    Plan.objects.filter(pk=task.plan_id).update(status=Plan.Status.ARCHIVED)
    with pytest.raises(ValidationError, match="已归档"):
        services.task_change(task=task, by=agency.supervisor, title="改名")


def test_status_and_progress_are_not_changeable(agency):
    with pytest.raises(TypeError):
        services.task_change(task=leaf(active_plan(agency), agency), by=agency.supervisor,
                             status=S.COMPLETED)  # fmt: skip


# --- reports -------------------------------------------------------------------------------


def test_the_lead_departments_clerk_reports_with_evidence(agency):
    task = leaf(active_plan(agency), agency)
    document = public_document(agency)
    interpretation = InterpretationFactory(
        organization=agency.office, published=True, documents=[document]
    )
    update = services.update_submit(
        task=task, by=agency.clerk, reported_on=DAY, text="  已印发通知。\r\n ", progress=40,
        documents=[document], interpretations=[interpretation], files=[screenshot()],
    )  # fmt: skip
    assert update.status == Update.Status.SUBMITTED and update.text == "已印发通知。"
    assert list(update.documents.all()) == [document]
    assert list(update.interpretations.all()) == [interpretation]
    (evidence,) = update.files.all()
    assert evidence.name == "会议记录.png" and evidence.size > 0
    (event,) = events(task)
    assert (event.action, event.update, event.by) == ("submitted", update, agency.clerk)
    assert Task.objects.get(pk=task.pk).progress == 0  # counts only once accepted


def test_a_clerk_of_the_bureau_reports_for_its_office(agency):
    from tests.portal.roles import staff

    bureau_clerk = staff("bureau-clerk", agency.bureau, "信息员")
    update = report(leaf(active_plan(agency), agency), agency, 20, by=bureau_clerk)
    assert update.submitted_by == bureau_clerk


@pytest.mark.parametrize("who", ["outsider_clerk", "reviewer", "publicity_clerk"])
def test_only_the_lead_department_reports(agency, who):
    from tests.portal.roles import staff

    users = {
        "outsider_clerk": staff("outsider-clerk", agency.elsewhere, "信息员"),
        "reviewer": agency.reviewer,  # of the office, but no reporting role
        "publicity_clerk": staff("publicity-clerk", agency.publicity, "信息员"),
    }
    task = leaf(active_plan(agency), agency, cooperating_departments=[agency.publicity])
    with pytest.raises(PermissionDenied, match="本机构牵头"):
        report(task, agency, 20, by=users[who])
    assert not Update.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reported_on": date(2099, 1, 1)}, "不能晚于今天"),
        ({"text": " \u200f\x00 "}, "请填写进展情况"),
        ({"progress": 101}, "0 到 100"),
        ({"progress": 100}, "须附佐证材料"),
    ],
)
def test_a_report_breaking_a_rule_is_refused(agency, fields, message):
    task = leaf(active_plan(agency), agency)
    arguments = {"task": task, "by": agency.clerk, "reported_on": DAY, "text": "进展",
                 "progress": 50, **fields}  # fmt: skip
    with pytest.raises(ValidationError, match=message):
        services.update_submit(**arguments)
    assert not Update.objects.exists() and events(task) == []


def test_unpublished_evidence_is_refused(agency):
    from tests.disclosure.factories import DocumentFactory

    task = leaf(active_plan(agency), agency)
    draft = DocumentFactory(organization=agency.office, title="草稿通知")
    interpretation = InterpretationFactory(organization=agency.office, title="草稿解读",
                                           documents=[draft])  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.update_submit(task=task, by=agency.clerk, reported_on=DAY, text="进展",
                               progress=50, documents=[draft],
                               interpretations=[interpretation])  # fmt: skip
    assert refused.value.message_dict == {
        "documents": ["“草稿通知”尚未公开，不能作为佐证。"],
        "interpretations": ["“草稿解读”尚未公开，不能作为佐证。"],
    }


def test_a_file_the_upload_checks_refuse_is_refused(agency):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("记录.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        report(leaf(active_plan(agency), agency), agency, 30, files=[fake])
    assert refused.value.message_dict["files"][0].startswith("记录.pdf：不支持的文件类型")


def test_only_leaves_of_active_plans_open_tasks_are_reported(agency):
    plan = active_plan(agency)
    section = leaf(plan, agency)
    child = leaf(plan, agency, parent=section)
    with pytest.raises(ValidationError, match="有下级任务"):
        report(section, agency, 10)
    services.task_suspend(task=child, by=agency.supervisor, reason="机构调整")
    with pytest.raises(ValidationError, match="任务已暂缓"):
        report(child, agency, 10)
    draft = PlanFactory(organization=agency.bureau, status=Plan.Status.DRAFTING)
    with pytest.raises(ValidationError, match="不在执行中"):
        report(leaf(draft, agency), agency, 10)


def test_one_report_waits_at_a_time(agency):
    task = leaf(active_plan(agency), agency)
    report(task, agency, 10)
    with pytest.raises(ValidationError, match="尚待审核"):
        report(task, agency, 20)


def test_accepting_a_report_moves_the_task(agency):
    task = leaf(active_plan(agency), agency)
    update = report(task, agency, 40)
    services.update_accept(update=update, by=agency.supervisor, note="属实", now=NOON)
    task.refresh_from_db()
    assert (task.status, task.progress, task.last_reported_on) == (S.IN_PROGRESS, 40, DAY)
    update.refresh_from_db()
    assert (update.status, update.decided_by, update.decision_note) == (
        Update.Status.ACCEPTED, agency.supervisor, "属实")  # fmt: skip
    assert [e.action for e in events(task)] == ["submitted", "accepted", "status"]


def test_a_complete_report_with_evidence_completes_the_task_on_its_date(agency):
    task = leaf(active_plan(agency), agency)
    accepted(task, agency, 100, files=[screenshot()])
    task.refresh_from_db()
    assert (task.status, task.progress, task.completed_on) == (S.COMPLETED, 100, DAY)


def test_a_complete_report_without_evidence_is_not_accepted(agency):
    task = leaf(active_plan(agency), agency)
    update = Update.objects.create(task=task, reported_on=DAY, text="完成", progress=100,
                                   submitted_by=agency.clerk)  # fmt: skip
    with pytest.raises(ValidationError, match="须附佐证材料"):
        services.update_accept(update=update, by=agency.supervisor)
    assert Update.objects.get(pk=update.pk).status == Update.Status.SUBMITTED
    assert Task.objects.get(pk=task.pk).status == S.NOT_STARTED


def test_evidence_withdrawn_since_the_report_no_longer_completes(agency):
    from portal import workflow

    task = leaf(active_plan(agency), agency)
    document = public_document(agency)
    update = report(task, agency, 100, evidence=[document])
    workflow.perform(document, step="withdraw", by=agency.publisher, note="内容调整。")
    with pytest.raises(ValidationError, match="须附佐证材料"):
        services.update_accept(update=update, by=agency.supervisor)


def test_a_clerk_cannot_accept_and_no_one_their_own_report(agency):
    task = leaf(active_plan(agency), agency)
    with pytest.raises(PermissionDenied, match="只有督查员"):
        services.update_accept(update=report(task, agency, 10), by=agency.clerk)
    own = Update.objects.create(task=leaf(task.plan, agency), reported_on=DAY, text="自报",
                                progress=10, submitted_by=agency.supervisor)  # fmt: skip
    with pytest.raises(PermissionDenied, match="不能采纳自己报送"):
        services.update_accept(update=own, by=agency.supervisor)


def test_a_decided_report_is_not_decided_again(agency):
    update = report(leaf(active_plan(agency), agency), agency, 10)
    services.update_return(update=update, by=agency.supervisor, note="请补充材料")
    with pytest.raises(ValidationError, match="已被他人处理（已退回）"):
        services.update_accept(update=update, by=agency.supervisor)


def test_a_returned_report_does_not_count(agency):
    task = leaf(active_plan(agency), agency)
    update = report(task, agency, 60)
    services.update_return(update=update, by=agency.supervisor, note="数据不实")
    task.refresh_from_db()
    assert (task.status, task.progress, task.last_reported_on) == (S.NOT_STARTED, 0, None)
    update.refresh_from_db()
    assert (update.status, update.decision_note) == (Update.Status.RETURNED, "数据不实")
    report(task, agency, 30)  # the department reports anew


def test_returning_needs_a_reason_and_a_supervisor(agency):
    update = report(leaf(active_plan(agency), agency), agency, 10)
    with pytest.raises(ValidationError, match="说明理由"):
        services.update_return(update=update, by=agency.supervisor, note="  ")
    with pytest.raises(PermissionDenied):
        services.update_return(update=update, by=agency.clerk, note="退回")


def test_an_older_report_accepted_late_is_history_only(agency):
    task = leaf(active_plan(agency), agency)
    accepted(task, agency, 50, on=date(2019, 5, 6))
    old = Update.objects.create(task=task, reported_on=date(2019, 4, 1), text="四月",
                                progress=20, submitted_by=agency.clerk)  # fmt: skip
    services.update_accept(update=old, by=agency.supervisor)
    task.refresh_from_db()
    assert (task.progress, task.last_reported_on) == (50, date(2019, 5, 6))


# --- workflows as state lists -------------------------------------------------------------


def test_a_task_from_start_to_completion(agency):
    task = leaf(active_plan(agency), agency)
    seen = [Task.objects.get(pk=task.pk).status]
    accepted(task, agency, 30)
    seen.append(Task.objects.get(pk=task.pk).status)
    services.update_return(update=report(task, agency, 100, files=[screenshot()]),
                           by=agency.supervisor, note="佐证不足")  # fmt: skip
    seen.append(Task.objects.get(pk=task.pk).status)
    accepted(task, agency, 100, evidence=[public_document(agency)])
    seen.append(Task.objects.get(pk=task.pk).status)
    assert seen == [S.NOT_STARTED, S.IN_PROGRESS, S.IN_PROGRESS, S.COMPLETED]


def test_a_task_overdue_suspended_resumed_and_completed(agency):
    task = leaf(active_plan(agency), agency, due_on=date(2019, 4, 30))
    seen = []
    services.tasks_mark_overdue(today=DAY)
    seen.append(Task.objects.get(pk=task.pk).status)
    services.task_suspend(task=task, by=agency.supervisor, reason="上级政策调整")
    seen.append(Task.objects.get(pk=task.pk).status)
    services.task_resume(task=task, by=agency.supervisor, reason="政策明确")
    seen.append(Task.objects.get(pk=task.pk).status)  # still past its deadline
    accepted(task, agency, 100, files=[screenshot()])
    seen.append(Task.objects.get(pk=task.pk).status)
    assert seen == [S.OVERDUE, S.SUSPENDED, S.OVERDUE, S.COMPLETED]


def test_suspending_needs_a_supervisor_a_reason_and_something_to_suspend(agency):
    task = leaf(active_plan(agency), agency)
    with pytest.raises(PermissionDenied):
        services.task_suspend(task=task, by=agency.clerk, reason="理由")
    with pytest.raises(ValidationError, match="说明理由"):
        services.task_suspend(task=task, by=agency.supervisor, reason="")
    with pytest.raises(ValidationError, match="无需恢复"):
        services.task_resume(task=task, by=agency.supervisor, reason="理由")
    accepted(task, agency, 100, files=[screenshot()])
    with pytest.raises(ValidationError, match="无需暂缓"):
        services.task_suspend(task=task, by=agency.supervisor, reason="理由")


# --- roll-up -------------------------------------------------------------------------------


def test_a_three_level_tree_rolls_up_by_weight_without_its_suspended_child(agency):
    plan = active_plan(agency)
    root = TaskFactory(plan=plan, title="一、")
    section = TaskFactory(parent=root, weight=3, title="（一）")
    other = leaf(plan, agency, parent=root, weight=1, title="（二）")
    a = leaf(plan, agency, parent=section, weight=1)
    b = leaf(plan, agency, parent=section, weight=3)
    paused = leaf(plan, agency, parent=section, weight=10)
    services.task_suspend(task=paused, by=agency.supervisor, reason="暂缓实施")
    accepted(a, agency, 100, files=[screenshot()])
    accepted(b, agency, 20)
    section.refresh_from_db()
    # (100×1 + 20×3) / 4 = 40; the suspended weight 10 leaves the mean.
    assert (section.status, section.progress) == (S.IN_PROGRESS, 40)
    root.refresh_from_db()
    assert (root.status, root.progress) == (S.IN_PROGRESS, 30)  # (40×3 + 0×1) / 4
    accepted(b, agency, 100, files=[screenshot()])
    accepted(other, agency, 100, files=[screenshot()])
    root.refresh_from_db()
    section.refresh_from_db()
    # Every active task is done, but the deferred one is not: neither parent completes.
    assert (section.status, section.progress, root.status, root.progress) == (
        S.IN_PROGRESS, 99, S.IN_PROGRESS, 99)  # fmt: skip
    assert root.completed_on is None
    assert [e.to_status for e in events(root, TaskEvent.Action.ROLLED_UP)] == [S.IN_PROGRESS]


def test_a_parent_is_overdue_when_a_child_is(agency):
    plan = active_plan(agency)
    section = TaskFactory(plan=plan)
    leaf(plan, agency, parent=section, due_on=date(2019, 4, 1))
    leaf(plan, agency, parent=section)
    services.tasks_mark_overdue(today=DAY)
    assert Task.objects.get(pk=section.pk).status == S.OVERDUE


@pytest.mark.parametrize(
    ("children", "expected"),
    [
        ([], (0, S.NOT_STARTED)),
        ([(S.SUSPENDED, 0, 1)], (0, S.SUSPENDED)),
        ([(S.NOT_STARTED, 0, 1), (S.NOT_STARTED, 0, 2)], (0, S.NOT_STARTED)),
        ([(S.COMPLETED, 100, 1), (S.NOT_STARTED, 0, 1)], (50, S.IN_PROGRESS)),
        ([(S.COMPLETED, 100, 99), (S.IN_PROGRESS, 0, 1)], (99, S.IN_PROGRESS)),
        ([(S.OVERDUE, 10, 1), (S.COMPLETED, 100, 1)], (55, S.OVERDUE)),
        ([(S.COMPLETED, 100, 1), (S.SUSPENDED, 0, 5)], (99, S.IN_PROGRESS)),  # one deferred
    ],
)
def test_rolled_up_figures(children, expected):
    tasks = [Task(status=s, progress=p, weight=w) for s, p, w in children]
    assert services.rolled_up(tasks, today=DAY) == expected


# --- the daily deadline run ------------------------------------------------------------------


def test_the_deadline_run_marks_and_reverses_and_is_idempotent(agency):
    plan = active_plan(agency)
    late = leaf(plan, agency, due_on=date(2019, 5, 5))
    due_today = leaf(plan, agency, due_on=DAY)
    continuous = leaf(plan, agency, due_on=None)
    done = leaf(plan, agency, due_on=date(2019, 5, 1))
    accepted(done, agency, 100, files=[screenshot()])
    assert services.tasks_mark_overdue(today=DAY) == 1
    assert services.tasks_mark_overdue(today=DAY) == 0
    statuses = {t.pk: t.status for t in Task.objects.all()}
    assert [statuses[t.pk] for t in (late, due_today, continuous, done)] == [
        S.OVERDUE, S.NOT_STARTED, S.NOT_STARTED, S.COMPLETED]  # fmt: skip
    # Rescheduled without the service (an import or a correction in the database): the
    # next run sets it back.
    Task.objects.filter(pk=late.pk).update(due_on=date(2019, 6, 30))
    assert services.tasks_mark_overdue(today=DAY) == 1
    assert Task.objects.get(pk=late.pk).status == S.NOT_STARTED
    assert [e.note for e in events(late)] == ["已超过完成时限", "完成时限已调整"]


def test_a_drafting_plan_has_no_overdue_tasks(agency):
    plan = PlanFactory(organization=agency.bureau, status=Plan.Status.DRAFTING)
    task = leaf(plan, agency, due_on=date(2019, 1, 1))
    assert services.tasks_mark_overdue(today=DAY) == 0
    assert Task.objects.get(pk=task.pk).status == S.NOT_STARTED


def test_the_command_runs_the_deadline_check(agency, capsys):
    task = leaf(active_plan(agency), agency, due_on=date(2019, 5, 5))
    call_command("plans_deadlines", "--today", "2019-05-06")
    assert "2019-05-06：1 项任务状态已更新" in capsys.readouterr().out
    assert Task.objects.get(pk=task.pk).status == S.OVERDUE


def test_the_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="无效"):
        call_command("plans_deadlines", "--today", "2019-02-30")


# --- history is append-only ---------------------------------------------------------------


def test_the_database_refuses_to_rewrite_or_delete_history(agency):
    from django.db import InternalError, transaction

    task = leaf(active_plan(agency), agency)
    report(task, agency, 10)
    for rewrite in (lambda: TaskEvent.objects.update(note="改写"),
                    lambda: TaskEvent.objects.all().delete()):  # fmt: skip
        with pytest.raises(InternalError, match="append-only"), transaction.atomic():
            rewrite()
    assert TaskEvent.objects.get().note == ""


def test_every_department_of_another_agency_stays_out(agency):
    task = leaf(active_plan(agency), agency, lead_department=OrganizationFactory())
    with pytest.raises(PermissionDenied):
        report(task, agency, 10)


# --- races ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_concurrent_double_accept_records_one_acceptance(agency):
    import threading

    from django.db import connections

    from tests.portal.roles import staff

    second_supervisor = staff("supervisor2", agency.bureau, "督查员")
    task = leaf(active_plan(agency), agency)
    update = report(task, agency, 100, files=[screenshot()])
    barrier = threading.Barrier(2)
    outcomes = []

    def accept(user):
        try:
            barrier.wait()
            services.update_accept(update=Update.objects.get(pk=update.pk), by=user)
            outcomes.append("ok")
        except (ValidationError, PermissionDenied) as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(user,))
               for user in (agency.supervisor, second_supervisor)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1
    refusal = next(outcome for outcome in outcomes if outcome != "ok")
    assert "已被他人处理" in refusal.messages[0]
    assert TaskEvent.objects.filter(task=task, action="accepted").count() == 1
    assert TaskEvent.objects.filter(task=task, to_status=S.COMPLETED).count() == 1
