"""The admin page 从文本分解任务: who may use it, paste → preview → save, uploads and the
refusals (a Chinese message on a 200 page, never a server error)."""

import io
import re

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosure import demo
from plans.models import Plan, Task
from tests.plans.factories import PlanFactory

pytestmark = pytest.mark.django_db

SEED = demo.WORK_PLAN.read_text(encoding="utf-8")
SHORT = "一、总体要求\n（一）加强领导。由局办公室牵头，年底前完成。\n（二）完善制度"


@pytest.fixture
def plan(agency):
    return PlanFactory(organization=agency.bureau, year=2019, status=Plan.Status.DRAFTING)


def url(plan):
    return reverse("admin:plans_plan_decompose", args=[plan.pk])


def preview(client, plan, **data):
    return client.post(url(plan), data)


def errors(response) -> str:
    form = response.context["form"]
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def save_data(formset, **changes) -> dict:
    """The preview's rows posted back as the browser would, with ``changes`` applied
    (``{"rows-3-title": "新名称"}``; ``None`` unticks a checkbox)."""
    data = {
        "step": "save",
        "rows-TOTAL_FORMS": str(formset.total_form_count()),
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "500",
    }
    for form in formset.forms:
        for name in form.fields:
            value, key = form[name].value(), form.add_prefix(name)
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list):
                data[key] = [str(v) for v in value]
            else:
                data[key] = "" if value is None else str(value)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def word_file(*paragraphs, name="方案.docx"):
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


# --- who may use it -------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, plan):
    response = client.get(url(plan))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_clerk_is_refused(client, agency, plan):
    client.force_login(agency.clerk)
    assert client.get(url(plan)).status_code == 403
    assert preview(client, plan, text=SEED).status_code == 403


def test_a_reviewer_is_refused(client, agency, plan):
    client.force_login(agency.reviewer)
    assert client.get(url(plan)).status_code == 403


def test_a_supervisor_gets_the_form_and_the_link_on_the_plan(client, agency, plan):
    client.force_login(agency.supervisor)
    response = client.get(url(plan))
    assert response.status_code == 200
    assert 'name="text"' in response.content.decode()
    change = client.get(reverse("admin:plans_plan_change", args=[plan.pk])).content.decode()
    assert url(plan) in change and "从文本分解任务" in change


def test_an_archived_plan_is_not_decomposed(client, agency):
    archived = PlanFactory(organization=agency.bureau, status=Plan.Status.ARCHIVED)
    client.force_login(agency.supervisor)
    response = client.get(url(archived), follow=True)
    assert "方案已归档，不能再分解任务。" in response.content.decode()
    assert (
        url(archived)
        not in client.get(reverse("admin:plans_plan_change", args=[archived.pk])).content.decode()
    )


def test_an_unknown_plan_is_not_found(client, agency):
    client.force_login(agency.supervisor)
    assert client.get(reverse("admin:plans_plan_decompose", args=[987654])).status_code == 404


# --- paste, preview, save ------------------------------------------------------------------


def test_pasting_seed_000_proposes_its_tree_with_departments(client, agency, plan):
    client.force_login(agency.supervisor)
    response = preview(client, plan, text=SEED)
    assert response.status_code == 200
    rows = response.context["formset"].forms
    assert len(rows) == 20
    initial = [row.initial for row in rows]
    assert initial[0]["title"] == "目标任务" and initial[0]["include"] is False  # goals
    assert all(row["include"] for row in initial[1:])
    filing = next(row for row in initial if row["title"] == "严格落实市政府文件报送工作机制")
    assert filing["lead"] == agency.office.pk  # "由局办公室在5个工作日内报送"
    interpretation = next(row for row in initial if row["title"] == "积极做好政策解读")
    assert interpretation["lead"] == agency.publicity.pk
    page = response.content.decode()
    assert "未匹配的部门：执法监督处(政策法规处)" in page  # not among the agency's
    assert "渝民办〔2019〕97号" in page  # the preamble, shown apart


def test_pasting_seed_003_as_published_drops_the_pinyin_left_after_characters(client, agency, plan):
    raw = demo.KEY_POINTS.read_text(encoding="utf-8")  # 政務(wù)公開, as the seed has it
    client.force_login(agency.supervisor)
    rows = [row.initial for row in preview(client, plan, text=raw).context["formset"].forms]
    assert [row["title"] for row in rows if row["level"] == 1] == [
        "圍繞中央改革重點工作加強公開", "推進行政管理和行政服務公開",
        "落實民政業務安排和政務運行信息公開", "擴大政務參與和加強宣傳解讀", "加強政務公開基礎建設",
    ]  # fmt: skip
    text = "".join(row["title"] + row["requirement"] for row in rows)
    assert "務(wù)" not in text and not re.search(r"\([a-z\u00e0-\u01dc]+\)", text)
    assert "國家人口庫(民政部分)" in text  # brackets of the plan's own stay


def test_saving_the_preview_creates_the_ticked_rows_as_tasks(client, agency, plan):
    client.force_login(agency.supervisor)
    formset = preview(client, plan, text=SEED).context["formset"]
    # Row 19 is 五、(五): left out.
    data = save_data(formset, **{"rows-1-title": "加强统筹（修改后）", "rows-19-include": None})
    response = client.post(url(plan), data)
    assert response.status_code == 302
    assert response["Location"] == (
        f"{reverse('admin:plans_task_changelist')}?plan__id__exact={plan.pk}"
    )
    task_list = client.get(response["Location"])
    assert task_list.status_code == 200 and "加强统筹（修改后）" in task_list.content.decode()
    tasks = Task.objects.filter(plan=plan)
    assert tasks.count() == 18  # 20 rows, the goal statement and 五、(五) unticked
    assert tasks.filter(parent=None).count() == 4
    assert tasks.get(number="二、").title == "加强统筹（修改后）"
    assert tasks.get(number="四、(一)").lead_department == agency.publicity
    assert not tasks.filter(title="严格落实市政府文件报送工作机制").exists()


def test_a_corrected_deadline_and_department_are_saved(client, agency, plan):
    client.force_login(agency.supervisor)
    formset = preview(client, plan, text=SHORT).context["formset"]
    assert formset.forms[1].initial["due_on"].isoformat() == "2019-12-31"  # 年底前
    data = save_data(
        formset,
        **{"rows-1-due_on": "2019-06-30", "rows-1-lead": str(agency.publicity.pk),
           "rows-1-cooperating": [str(agency.office.pk)], "rows-1-weight": "3",
           "rows-1-frequency": "monthly"},
    )  # fmt: skip
    assert client.post(url(plan), data).status_code == 302
    task = Task.objects.get(plan=plan, title="加强领导")
    assert (task.due_on.isoformat(), task.weight, task.frequency) == ("2019-06-30", 3, "monthly")
    assert task.lead_department == agency.publicity
    assert list(task.cooperating_departments.all()) == [agency.office]


def test_a_row_with_errors_is_shown_again_and_nothing_is_saved(client, agency, plan):
    client.force_login(agency.supervisor)
    formset = preview(client, plan, text=SHORT).context["formset"]
    data = save_data(formset, **{"rows-1-due_on": "2030-01-01", "rows-2-title": ""})
    response = client.post(url(plan), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "完成时限应在方案年度前后一年之内。" in page and "纳入的任务须填写名称。" in page
    assert not Task.objects.filter(plan=plan).exists()


def test_unticking_every_row_is_refused(client, agency, plan):
    client.force_login(agency.supervisor)
    formset = preview(client, plan, text=SHORT).context["formset"]
    data = save_data(formset, **{f"rows-{i}-include": None for i in range(3)})
    response = client.post(url(plan), data)
    assert "没有勾选任何任务，请至少纳入一项。" in response.content.decode()


def test_the_preview_queries_do_not_grow_with_the_rows(client, agency, plan):
    client.force_login(agency.supervisor)
    preview(client, plan, text=SHORT)  # sessions and permissions cached alike for both
    with CaptureQueriesContext(connection) as short:
        assert preview(client, plan, text=SHORT).status_code == 200
    with CaptureQueriesContext(connection) as seed:
        assert preview(client, plan, text=SEED).status_code == 200
    assert len(seed) == len(short)


# --- uploads and refusals ------------------------------------------------------------------


def test_a_word_file_is_decomposed(client, agency, plan):
    client.force_login(agency.supervisor)
    upload = word_file("重庆市民政局2019年政务公开工作方案", "一、强化统筹", "（一）加强组织领导。高度重视。",
                       "（二）强化制度建设", "二、突出重点", "（一）推进决策公开")  # fmt: skip
    response = preview(client, plan, file=upload)
    assert response.status_code == 200
    titles = [row.initial["title"] for row in response.context["formset"].forms]
    assert titles == ["强化统筹", "加强组织领导", "强化制度建设", "突出重点", "推进决策公开"]


def test_a_gb18030_text_file_is_decomposed(client, agency, plan):
    client.force_login(agency.supervisor)
    upload = SimpleUploadedFile("方案.txt", SHORT.encode("gb18030"))
    response = preview(client, plan, file=upload)
    assert [row.initial["number"] for row in response.context["formset"].forms] == [
        "一、", "（一）", "（二）",
    ]  # fmt: skip


def test_a_utf8_file_with_a_byte_order_mark_is_decomposed(client, agency, plan):
    client.force_login(agency.supervisor)
    upload = SimpleUploadedFile("方案.txt", "\ufeff".encode() + SHORT.encode())
    assert len(preview(client, plan, file=upload).context["formset"].forms) == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "  \n\u3000 "}, "没有可分解的文本"),
        ({"text": "请各处室认真落实。\n特此通知。"}, "未识别到带编号的条目"),
        (
            {"file": lambda: SimpleUploadedFile("方案.txt", b"\xff\xfe\xfa\x00\x01")},
            "文件不是纯文本",
        ),
        (
            {"file": lambda: SimpleUploadedFile("方案.txt", b"\x81\x30\xff\xff\x80")},
            "无法识别文件的编码",
        ),
        (
            {"file": lambda: SimpleUploadedFile("方案.docx", b"PK\x03\x04 not a zip")},
            "不支持的文件类型。允许的类型：Word。",
        ),
        ({"file": lambda: SimpleUploadedFile("方案.doc", b"anything")}, "只能上传 .txt"),
        ({"file": lambda: SimpleUploadedFile("方案.txt", b"")}, "所提交的是空文件"),
        ({"text": "一、甲", "file": lambda: SimpleUploadedFile("方案.txt", b"1.x")}, "二者选其一"),
    ],
)
def test_bad_input_is_refused_in_chinese_on_the_form(client, agency, plan, data, message):
    client.force_login(agency.supervisor)
    data = {key: value() if callable(value) else value for key, value in data.items()}
    response = preview(client, plan, **data)
    assert response.status_code == 200
    assert "formset" not in response.context
    shown = errors(response)
    assert message in shown, shown
    assert message in response.content.decode()


def test_a_file_too_large_is_refused(client, agency, plan, settings):
    settings.PLANS_TEXT_MAX_BYTES = 1024
    client.force_login(agency.supervisor)
    upload = SimpleUploadedFile("方案.txt", ("一、甲\n" * 400).encode())
    response = preview(client, plan, file=upload)
    assert response.status_code == 200
    assert "文件过大" in errors(response) and "上限为1.0\xa0KB" in errors(response)


def test_a_damaged_word_file_is_a_form_error_not_a_server_error(client, agency, plan):
    client.force_login(agency.supervisor)
    good = word_file("一、甲").read()
    damaged = SimpleUploadedFile("方案.docx", good[: len(good) // 2])
    response = preview(client, plan, file=damaged)
    assert response.status_code == 200
    assert "文件已损坏或格式无法识别" in errors(response)
