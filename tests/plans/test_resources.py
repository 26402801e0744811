"""The XLSX round trip of a plan's tasks: export, edit in a spreadsheet program (openpyxl
here), import with a preview, confirm; status and progress never come back in."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.models import Task, TaskEvent
from plans.resources import TaskResource
from tests.plans.trees import accepted, active_plan, leaf

pytestmark = pytest.mark.django_db
IMPORT = reverse("admin:plans_task_import")
PROCESS = reverse("admin:plans_task_process_import")
HEADERS = ["ID", "方案", "编号", "任务", "工作要求", "牵头部门", "配合部门", "完成时限",
           "报送频次", "权重", "状态", "进度（%）"]  # fmt: skip


@pytest.fixture
def tasks(agency):
    plan = active_plan(agency, title="2019年政务公开工作方案")
    first = leaf(plan, agency, title="推进决策公开", due_on=date(2019, 6, 30), number="1",
                 cooperating_departments=[agency.publicity])  # fmt: skip
    second = leaf(plan, agency, title="做好政策解读", frequency="quarterly")
    accepted(second, agency, 40)
    return first, second


def exported(client, plan) -> openpyxl.Workbook:
    data = {"format": "0", "resource": "0",
            **{f"taskresource_{name}": "on" for name in TaskResource.fields}}  # fmt: skip
    response = client.post(reverse("admin:plans_task_export") + f"?plan__id__exact={plan.pk}", data)
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def as_upload(book) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("tasks.xlsx", buffer.getvalue())


def rows(sheet) -> list[dict]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def edit(sheet, task_id, **columns):
    headers = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == task_id:
            for header, value in columns.items():
                row[headers.index(header)].value = value


def test_the_export_has_the_plans_columns(client, agency, tasks):
    first, second = tasks
    client.force_login(agency.supervisor)
    sheet = exported(client, first.plan).active
    assert [cell.value for cell in sheet[1]] == HEADERS
    by_id = {row["ID"]: row for row in rows(sheet)}
    assert by_id[first.pk]["配合部门"] == "宣传信息处"
    assert by_id[first.pk]["完成时限"] == "2019-06-30"
    assert (by_id[second.pk]["完成时限"], by_id[second.pk]["报送频次"]) == ("持续推进", "每季度")
    assert (by_id[second.pk]["状态"], by_id[second.pk]["进度（%）"]) == ("推进中", "40")


def test_a_filled_in_sheet_is_previewed_then_applied_and_recorded(client, agency, tasks):
    first, second = tasks
    client.force_login(agency.supervisor)
    book = exported(client, first.plan)
    edit(
        book.active,
        first.pk,
        完成时限="2019-09-30",
        牵头部门="宣传信息处",
        配合部门="局办公室、市民政局",
    )
    edit(book.active, second.pk, 状态="已完成", **{"进度（%）": 100})  # ignored on the way in
    preview = client.post(IMPORT, {"import_file": as_upload(book), "format": "0", "resource": "0"})
    assert preview.status_code == 200
    assert '<ins style="background:#e6ffe6;">宣传信息处</ins>' in preview.text  # the diff
    assert Task.objects.get(pk=first.pk).due_on == date(2019, 6, 30)  # a preview writes nothing
    assert not TaskEvent.objects.filter(action="imported").exists()
    confirm = preview.context["confirm_form"]
    done = client.post(PROCESS, {**confirm.initial, "resource": "0"}, follow=True)
    assert done.status_code == 200
    first.refresh_from_db()
    assert (first.due_on, first.lead_department) == (date(2019, 9, 30), agency.publicity)
    assert {o.name for o in first.cooperating_departments.all()} == {"局办公室", "重庆市民政局"}
    (event,) = TaskEvent.objects.filter(action="imported")
    assert event.task_id == first.pk and event.by == agency.supervisor
    assert "完成时限：2019-06-30 → 2019-09-30" in event.note
    assert "牵头部门：局办公室 → 宣传信息处" in event.note
    second.refresh_from_db()
    assert (second.status, second.progress) == (Task.Status.IN_PROGRESS, 40)


def test_an_unknown_department_is_a_row_error_and_nothing_is_applied(client, agency, tasks):
    first, second = tasks
    client.force_login(agency.supervisor)
    book = exported(client, first.plan)
    edit(book.active, first.pk, 完成时限="2019-10-31")
    edit(book.active, second.pk, 牵头部门="不存在的处")
    preview = client.post(IMPORT, {"import_file": as_upload(book), "format": "0", "resource": "0"})
    assert "未知的牵头部门“不存在的处”" in preview.text
    assert preview.context.get("confirm_form") is None
    assert Task.objects.get(pk=first.pk).due_on == date(2019, 6, 30)
    assert not TaskEvent.objects.filter(action="imported").exists()


def test_a_row_without_a_known_id_is_refused(client, agency, tasks):
    first, _second = tasks
    client.force_login(agency.supervisor)
    book = exported(client, first.plan)
    book.active.append([None, str(first.plan), "", "新任务"])
    preview = client.post(IMPORT, {"import_file": as_upload(book), "format": "0", "resource": "0"})
    assert "导入只更新已有任务" in preview.text
    assert preview.context.get("confirm_form") is None


def test_an_unchanged_sheet_changes_nothing(client, agency, tasks):
    first, _second = tasks
    client.force_login(agency.supervisor)
    book = exported(client, first.plan)
    preview = client.post(IMPORT, {"import_file": as_upload(book), "format": "0", "resource": "0"})
    confirm = preview.context["confirm_form"]
    client.post(PROCESS, {**confirm.initial, "resource": "0"})
    assert not TaskEvent.objects.filter(action="imported").exists()


def test_clerks_export_but_do_not_import(client, agency, tasks):
    client.force_login(agency.clerk)
    assert client.get(IMPORT).status_code == 403
    sheet = exported(client, tasks[0].plan).active
    assert {row["ID"] for row in rows(sheet)} == {task.pk for task in tasks}
