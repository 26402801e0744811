"""What a plan's record keeps: an archived year is not rewritten by the daily run, reports
cannot be dated before the last one, a deferred task keeps its section open, and writes
from the top and from below of one tree do not deadlock."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from plans import services
from plans.assessment import Weights, assess
from plans.models import Plan, Task, TaskEvent
from plans.reports import Calendar, build_report
from tests.plans.factories import TaskFactory
from tests.plans.trees import DAY, accepted, active_plan, leaf, report, screenshot

S = Task.Status


@pytest.mark.django_db
def test_the_daily_run_leaves_an_archived_plan_s_overdue_tasks_as_they_were(agency):
    plan = active_plan(agency)
    late = leaf(plan, agency, due_on=date(2019, 5, 5))
    services.tasks_mark_overdue(today=DAY)
    services.plan_archive(plan=plan, by=agency.supervisor)
    before = TaskEvent.objects.filter(task=late).count()
    assert services.tasks_mark_overdue(today=date(2020, 1, 6)) == 0
    assert Task.objects.get(pk=late.pk).status == S.OVERDUE
    assert TaskEvent.objects.filter(task=late).count() == before


@pytest.mark.django_db
def test_a_report_cannot_be_dated_before_the_last_accepted_one_or_the_plan_year(agency):
    task = leaf(active_plan(agency), agency)
    accepted(task, agency, 40, on=date(2019, 6, 1))
    with pytest.raises(ValidationError, match="不能早于该任务最近采纳的进展（2019-06-01）"):
        report(task, agency, 60, on=date(2019, 5, 20))
    with pytest.raises(ValidationError, match="不能早于方案年度"):
        report(task, agency, 60, on=date(2018, 12, 31))
    assert report(task, agency, 60, on=date(2019, 6, 1)).progress == 60  # the same day is fine


@pytest.mark.django_db
def test_a_section_with_a_deferred_task_is_not_completed(agency):
    plan = active_plan(agency)
    section = TaskFactory(plan=plan)
    done, deferred = leaf(plan, agency, parent=section), leaf(plan, agency, parent=section)
    services.task_suspend(task=deferred, by=agency.supervisor, reason="上级部署调整")
    accepted(done, agency, 100, files=[screenshot()])
    section.refresh_from_db()
    assert (section.status, section.progress, section.completed_on) == (S.IN_PROGRESS, 99, None)


@pytest.mark.django_db
def test_a_task_due_today_and_not_done_is_not_yet_scored_as_missed(agency):
    task = leaf(active_plan(agency), agency, due_on=DAY)
    report_ = build_report([task], today=DAY, calendar=Calendar(), start=date(2019, 1, 1))
    (office,) = assess(report_, weights=Weights(60, 30, 10))
    assert office.on_time.denominator == 0  # judged from tomorrow on


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # roles from migrations
def test_suspending_a_section_while_its_leaf_is_accepted_does_not_deadlock(agency):
    """The suspension locks the section, then its leaves; the acceptance locks the leaf,
    then rolls up to the section. Both take the plan's lock first, so one waits."""
    plan = active_plan(agency)
    section = TaskFactory(plan=plan)
    first, second = leaf(plan, agency, parent=section), leaf(plan, agency, parent=section)
    pending = report(first, agency, 50)
    barrier, failures = threading.Barrier(2), []

    def run(step):
        try:
            barrier.wait()
            step()
        except Exception as error:  # noqa: BLE001 — recorded and asserted below
            failures.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(lambda: services.update_accept(
            update=pending, by=agency.supervisor),)),
        threading.Thread(target=run, args=(lambda: services.task_suspend(
            task=section, by=agency.supervisor, reason="统筹调整"),)),
    ]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not [f for f in failures if "deadlock" in str(f)]
    assert Task.objects.get(pk=second.pk).status == S.SUSPENDED
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.ACTIVE
