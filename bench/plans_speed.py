"""The supervisor's report page of a 500-task plan: in-process latency (p50/p95) and the
number of queries, which must not grow with the tasks (``plans.views``)."""

import statistics
import time
from datetime import date, timedelta

from django.db import connection
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from plans.models import Frequency, Plan, Task, Update
from portal.models import Organization, User
from portal.roles.two_factor import confirmed_device, requires_two_factor

SECTIONS = 10
REPEATS = 30
STATUSES = [
    Task.Status.IN_PROGRESS,
    Task.Status.IN_PROGRESS,
    Task.Status.COMPLETED,
    Task.Status.NOT_STARTED,
    Task.Status.OVERDUE,
    Task.Status.SUSPENDED,
]
FREQUENCIES = [Frequency.NONE, Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.HALF_YEARLY]


def seed_plan(tasks: int = 500, *, year: int | None = None) -> Plan:
    """A plan of ``tasks`` tasks: ``SECTIONS`` sections, tasks under them and two sub-tasks
    under every fifth task, led by the existing organizations, in every state, half with
    an accepted report. Rows are written directly (seed data, not a workflow)."""
    today = timezone.localdate()
    year = year or today.year
    departments = list(Organization.objects.order_by("tree_id", "lft")[:12])
    if not departments:
        departments = [Organization.objects.create(name="基准测试机关")]
    user = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench-plans", email="", password=None
    )
    runs = Plan.objects.filter(title__startswith="基准测试工作方案").count()
    plan = Plan.objects.create(
        year=year, title=f"基准测试工作方案（{tasks} 项任务，第 {runs + 1} 份）", organization=departments[0], status=Plan.Status.ACTIVE,
        is_public=True,
    )  # fmt: skip
    sections = [
        Task.objects.create(plan=plan, position=n, number=f"{n + 1}、", title=f"第{n + 1}部分")
        for n in range(SECTIONS)
    ]
    made, n = SECTIONS, 0
    leaves = []
    while made < tasks:
        parent = Task.objects.create(
            plan=plan, parent=sections[n % SECTIONS], position=n, title=f"任务{n + 1}",
            lead_department=departments[n % len(departments)],
            due_on=date(year, 1, 1) + timedelta(days=(n * 7) % 365),
            frequency=FREQUENCIES[n % len(FREQUENCIES)], weight=1 + n % 3,
        )  # fmt: skip
        made += 1
        children = []
        if n % 5 == 0 and made + 2 <= tasks:
            for k in range(2):
                children.append(
                    Task.objects.create(
                        plan=plan,
                        parent=parent,
                        position=k,
                        title=f"任务{n + 1}子项{k + 1}",
                        lead_department=departments[(n + k + 1) % len(departments)],
                        due_on=parent.due_on,
                        frequency=parent.frequency,
                    )  # fmt: skip
                )
            made += 2
        leaves += children or [parent]
        n += 1
    for index, task in enumerate(leaves):
        status = STATUSES[index % len(STATUSES)]
        completed = status == Task.Status.COMPLETED
        reported = date(year, 1, 1) + timedelta(days=(index * 11) % 300)
        Task.objects.filter(pk=task.pk).update(
            status=status,
            progress=100 if completed else (index * 13) % 100,
            completed_on=task.due_on if completed else None,
            last_reported_on=reported if index % 2 else None,
        )
        if index % 2:
            Update.objects.create(
                task=task, reported_on=reported, text="按计划推进。", progress=50,
                status=Update.Status.ACCEPTED, submitted_by=user, decided_by=user,
                decided_at=timezone.now(),
            )  # fmt: skip
    return plan


def measure_plans(tasks: int = 500, *, repeats: int = REPEATS) -> list[tuple[str, str, str]]:
    plan = seed_plan(tasks)
    user = User.objects.filter(is_superuser=True).first()
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    if requires_two_factor(user):  # a session past its second factor, as after the code
        device = confirmed_device(user) or TOTPDevice.objects.create(
            user=user, name="基准测试", confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    url = f"/plans/{plan.pk}/"
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    # A wrapper, not CaptureQueriesContext: the debug log is a bounded deque, full after
    # seeding with DEBUG on, and its length then no longer moves.
    with connection.execute_wrapper(count):
        assert client.get(url).status_code == 200  # imports, connections, templates
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return [
        (
            f"督查报表页（{tasks} 项任务的方案）",
            f"p50 {statistics.median(timings):.0f} ms，p95 {p95:.0f} ms",
            f"进程内，{repeats} 次；每次 {len(queries)} 条查询，与任务数无关",
        )
    ]
