"""The demo's work plans, from seed 000 (重庆市民政局2019年政务公开工作方案).

The seed plan is of 2019 and the demo site runs years later, so the demo holds two plans
of the bureau decomposed from the same text, as a supervisor would through the admin's
"从文本分解任务" (``plans.decompose`` then ``plans.outline.plan_add_outline``):

- the 2019 plan, linked to the seed document, every task done through accepted reports
  (some late, one report returned first) and archived: what a finished year looks like;
- this year's plan, under way on the day the demo is loaded: deadlines and reports placed
  around today, so the report page shows tasks done, in progress, due soon, overdue, not
  started, reported late, and one report waiting for the supervisor.

Every report goes through ``update_submit``/``update_accept``/``update_return`` with the
date it was made; a 100 % report cites published documents (or the seed plan's published
interpretation) as evidence. Loading is idempotent per plan (organization, year, title).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from disclosure.demo import SHANGHAI, WORK_PLAN
from disclosure.models import Document
from interpretation.models import Interpretation
from plans import services
from plans.decompose import Outline, decompose
from plans.models import Frequency, Plan, Task, Update
from plans.outline import known_organizations, plan_add_outline, plan_departments
from portal.models import Organization

SEED_INDEX_NUMBER = "115000000092759914/2019-01946"
BUREAU = "重庆市民政局"
OFFICE, LAW, PUBLICITY, NAMES = "局办公室", "执法监督处", "宣传信息处", "区划地名处"
UNITS = ("市婚姻收养登记管理中心", "市石桥铺殡仪馆")
M, Q, H = Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.HALF_YEARLY


@dataclass(frozen=True)
class Assignment:
    """The supervisor's corrections to one decomposed task: departments by short name,
    the 2019 deadline (None: 持续推进), frequency and weight."""

    lead: str
    cooperating: tuple[str, ...] = ()
    due: tuple[int, int] | None = None
    frequency: str = ""
    weight: int = 1


# Keyed by the task's number. Where the text names a department (四、(一), 五、(一),
# 五、(五)) it leads or cooperates; elsewhere the department whose work it is leads.
ASSIGNMENTS = {
    "二、(一)": Assignment(OFFICE, due=(8, 31)),
    "二、(二)": Assignment(LAW, (OFFICE,), (10, 31), H, 2),
    "二、(三)": Assignment(OFFICE, (PUBLICITY,), (9, 30), weight=2),
    "三、(一)": Assignment(PUBLICITY, (OFFICE,), None, Q, 3),
    "三、(二)": Assignment(LAW, (OFFICE,), (11, 30), weight=2),
    "三、(三)": Assignment(OFFICE, (LAW,), None, Q, 2),
    "三、(四)": Assignment(PUBLICITY, due=(10, 31)),
    "四、(一)": Assignment(LAW, (PUBLICITY,), (12, 31), weight=3),
    "四、(二)": Assignment(PUBLICITY, (OFFICE,), (11, 30), weight=2),
    "四、(三)": Assignment(OFFICE, (PUBLICITY,), None, Q, 2),
    "五、(一)": Assignment(PUBLICITY, (NAMES, *UNITS), (12, 31), weight=3),
    "五、(二)": Assignment(OFFICE, due=(12, 31)),
    "五、(三)": Assignment(PUBLICITY, frequency=M),
    "五、(四)": Assignment(PUBLICITY, due=(12, 15)),
    "五、(五)": Assignment(OFFICE, frequency=Q),
}

# 2019: (month, day, progress) of each accepted report, in order; a report marked
# "returned" is returned with that reason before the next one. Late completions: 二、(二)
# and 三、(二) finish after their deadlines.
RETURNED = "请补充具体做法和数据，并附已公开的相关文件。"
STORY_2019 = {
    "二、(一)": [(7, 30, 100)],
    "二、(二)": [(8, 20, 40), (10, 25, 80), (11, 8, 100)],
    "二、(三)": [(8, 15, 50), (9, 26, 100)],
    "三、(一)": [(9, 30, 30), (12, 20, 100)],
    "三、(二)": [(9, 10, 30), (11, 20, "returned"), (11, 25, 70), (12, 16, 100)],
    "三、(三)": [(9, 30, 50), (12, 25, 100)],
    "三、(四)": [(8, 30, 60), (10, 18, 100)],
    "四、(一)": [(8, 5, 40), (11, 15, 70), (12, 18, 100)],
    "四、(二)": [(9, 12, 50), (11, 26, 100)],
    "四、(三)": [(9, 30, 45), (12, 24, 100)],
    "五、(一)": [(9, 20, 30), (11, 10, 60), (12, 23, 100)],
    "五、(二)": [(10, 15, 50), (12, 10, 100)],
    "五、(三)": [(8, 31, 30), (9, 30, 50), (10, 31, 70), (11, 29, 85), (12, 27, 100)],
    "五、(四)": [(9, 5, 40), (12, 2, 100)],
    "五、(五)": [(9, 30, 50), (12, 26, 100)],
}

# This year: the deadline in days from today (None: 持续推进) and the reports as (days
# before today, progress); "returned" is returned, "pending" left for the supervisor.
STORY_NOW = {
    "二、(一)": (-40, [(70, 50), (45, 100)]),  # done on time
    "二、(二)": (-20, [(60, 40), (25, 70)]),  # past its deadline at 70 %
    "二、(三)": (30, [(30, 60)]),
    "三、(一)": (None, [(100, 25), (10, 50)]),
    "三、(二)": (10, [(40, 30)]),  # due within days
    "三、(三)": (None, [(120, 20)]),  # quarterly, last reported four months ago
    "三、(四)": (-10, [(20, 100)]),
    "四、(一)": (60, [(50, 40), (5, "returned")]),
    "四、(二)": (-5, [(30, 20)]),  # overdue since five days
    "四、(三)": (None, [(80, 30), (15, 55), (2, "pending")]),
    "五、(一)": (90, []),  # not started
    "五、(二)": (120, [(20, 10)]),
    "五、(三)": (None, [(40, 50), (8, 60)]),
    "五、(四)": (15, [(12, 80)]),
    "五、(五)": (None, [(50, 40)]),
}

# Words that pick a fitting published document as a report's evidence.
EVIDENCE_WORDS = {
    "四、(二)": "舆情",
    "四、(三)": "信箱",
    "三、(四)": "网站",
    "三、(一)": "低保",
}


def _outline(departments: dict[str, Organization], year: int, deadlines: dict) -> Outline:
    """Seed 000 decomposed, its goal statement (一、目标任务, no tasks) left out and the
    supervisor's corrections applied; ``deadlines`` maps a task's number to its due date
    (None: 持续推进)."""
    outline = decompose(
        WORK_PLAN.read_text(encoding="utf-8"),
        year=year,
        organizations=known_organizations(departments.values()),
    )
    outline.items = [section for section in outline.items if section.children]
    by_short = {organization.short_name: name for name, organization in departments.items()}
    for section in outline.items:
        for item in section.children:
            number = f"{section.number}{item.number}"
            assignment = ASSIGNMENTS[number]
            item.lead = by_short[assignment.lead]
            item.cooperating = tuple(by_short[short] for short in assignment.cooperating)
            item.due_on = deadlines[number]
            item.frequency, item.weight = assignment.frequency, assignment.weight
    return outline


class _Evidence:
    """Published documents and interpretations to cite, read once."""

    def __init__(self, seed: Document):
        self.seed = seed
        self.documents = list(Document.objects.published().order_by("published_at"))
        self.interpretations = list(
            Interpretation.objects.published().filter(documents=seed).order_by("published_at")
        )

    def for_task(self, number: str, on: date) -> dict:
        moment = datetime.combine(on, time(23, 59), SHANGHAI)
        if number == "四、(一)":  # 积极做好政策解读: the plan's own interpretation
            cited = [i for i in self.interpretations if i.published_at <= moment]
            if cited:
                return {"interpretations": cited[:1]}
        earlier = [d for d in self.documents if d.published_at <= moment]
        word = EVIDENCE_WORDS.get(number)
        fitting = [d for d in earlier if word and word in d.title]
        return {"documents": (fitting or earlier or [self.seed])[-1:]}


def _at(day: date, hour: int) -> datetime:
    return min(datetime.combine(day, time(hour, 0), SHANGHAI), timezone.now())


def _report(task, *, on: date, progress, by, supervisor, evidence: _Evidence) -> Update:
    """One report made on ``on`` and decided the next working morning (or left)."""
    text_progress = 0 if progress in ("returned", "pending") else progress
    if progress == "returned":
        text_progress = max(task.progress, 10)
    cited = evidence.for_task(task.number, on) if text_progress == 100 else {}
    words = "已全部完成，佐证材料见所附公开文件。" if text_progress == 100 else "正按计划推进。"
    update = services.update_submit(
        task=task, by=by, reported_on=on, text=f"{task.title}：{words}",
        progress=text_progress, now=_at(on, 10), **cited,
    )  # fmt: skip
    if progress == "pending":
        return update
    decided = _at(on + timedelta(days=1), 9)
    if progress == "returned":
        return services.update_return(update=update, by=supervisor, note=RETURNED, now=decided)
    return services.update_accept(update=update, by=supervisor, note="同意采纳。", now=decided)


def _reporter(task, users):
    """The lead department's clerk when the demo has one, else the administrator entering
    a report received on paper (a supervisor never accepts their own)."""
    return users["clerk"] if services.may_report(users["clerk"], task) else users["admin"]


def _tasks_by_number(plan: Plan) -> dict[str, Task]:
    return {task.number: task for task in plan.tasks.select_related("plan")}


def _new_plan(*, year, title, bureau, seed, users, deadlines, drafted) -> Plan:
    plan = services.plan_create(
        year=year, title=title, organization=bureau, by=users["supervisor"],
        source_document=seed, is_public=True,
    )  # fmt: skip
    departments = plan_departments(plan)
    plan_add_outline(
        plan=plan,
        outline=_outline(departments, year, deadlines),
        departments=departments,
        by=users["supervisor"],
        now=drafted,
    )
    return services.plan_activate(plan=plan, by=users["supervisor"], now=drafted)


def load_2019(*, bureau, seed, users, evidence) -> Plan | None:
    title = "重庆市民政局2019年政务公开工作方案"
    if Plan.objects.filter(organization=bureau, year=2019, title=title).exists():
        return None
    deadlines = {
        number: date(2019, *assignment.due) if assignment.due else None
        for number, assignment in ASSIGNMENTS.items()
    }
    plan = _new_plan(year=2019, title=title, bureau=bureau, seed=seed, users=users,
                     deadlines=deadlines, drafted=_at(date(2019, 7, 22), 9))  # fmt: skip
    tasks = _tasks_by_number(plan)
    steps = [
        (date(2019, month, day), number, progress)
        for number, reports in STORY_2019.items()
        for month, day, progress in reports
    ]
    for on, number, progress in sorted(steps):
        task = Task.objects.select_related("plan").get(pk=tasks[number].pk)
        _report(task, on=on, progress=progress, by=_reporter(task, users),
                supervisor=users["supervisor"], evidence=evidence)  # fmt: skip
    # Every task done: no deadline run for 2019 (it would reach this year's plan too).
    return services.plan_archive(plan=plan, by=users["supervisor"], now=_at(date(2020, 1, 10), 9))


def load_current(*, bureau, users, evidence, today: date) -> Plan | None:
    year = today.year
    title = f"重庆市民政局{year}年政务公开工作方案"
    if Plan.objects.filter(organization=bureau, year=year, title=title).exists():
        return None
    deadlines = {
        number: None if offset is None else today + timedelta(days=offset)
        for number, (offset, _) in STORY_NOW.items()
    }
    plan = _new_plan(year=year, title=title, bureau=bureau, seed=None, users=users,
                     deadlines=deadlines, drafted=_at(today - timedelta(days=130), 9))  # fmt: skip
    tasks = _tasks_by_number(plan)
    steps = [
        (today - timedelta(days=days_ago), number, progress)
        for number, (_, reports) in STORY_NOW.items()
        for days_ago, progress in reports
    ]
    for on, number, progress in sorted(steps):
        task = Task.objects.select_related("plan").get(pk=tasks[number].pk)
        _report(task, on=on, progress=progress, by=_reporter(task, users),
                supervisor=users["supervisor"], evidence=evidence)  # fmt: skip
    services.tasks_mark_overdue(today=today)
    return plan


@transaction.atomic
def load(*, admin, clerk, supervisor, today: date | None = None) -> list[Plan]:
    """Both demo plans, each once. Needs ``load_demo`` (the bureau, its departments, the
    seed document and the accounts) and, for the interpretation cited, the interpretation
    demo."""
    today = today or timezone.localdate()
    bureau = Organization.objects.get(name=BUREAU)
    seed = Document.objects.get(index_number=SEED_INDEX_NUMBER)
    users = {"admin": admin, "clerk": clerk, "supervisor": supervisor}
    evidence = _Evidence(seed)
    plans = [
        load_2019(bureau=bureau, seed=seed, users=users, evidence=evidence),
        load_current(bureau=bureau, users=users, evidence=evidence, today=today),
    ]
    return [plan for plan in plans if plan is not None]
