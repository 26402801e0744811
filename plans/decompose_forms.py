"""The forms of "从文本分解任务": the plan's text (pasted or uploaded), then one editable
row per proposed task.

An uploaded .txt is decoded as UTF-8, else GB18030 (what Chinese Windows editors save);
a .docx goes through the project's upload checks and text extraction
(``portal.uploads``), in a budgeted child process. Every refusal is a Chinese message on
the form, never a server error.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from plans.decompose import Outline, OutlineItem, decompose
from plans.models import Frequency, Plan
from portal.fields import BlockFormField, LineFormField
from portal.plaintext import clean_block, strip_to_line
from portal.uploads import DOCUMENT_KINDS, extract_text, inspect_upload

MAX_TEXT_CHARS = 200_000
MAX_ROWS = 500
MAX_LEVEL = 6
WORD = {"docx": DOCUMENT_KINDS["docx"]}


# Pinyin with a tone mark that a conversion tool left after characters: 政務(wù)公開 (seed
# 003). Letters in brackets without a tone mark, (a) or (ipv), are the plan's own.
PINYIN_ANNOTATION = re.compile(r"\((?=[a-z]*[\u00e0-\u01dc])[a-z\u00e0-\u01dc]{1,6}\)")


def max_upload_bytes() -> int:
    """A plan's text is a few dozen kilobytes; a Word file with a letterhead image a few
    hundred. ``PLANS_TEXT_MAX_BYTES`` (default 5 MiB) bounds what is read at all."""
    return getattr(settings, "PLANS_TEXT_MAX_BYTES", 5 * 1024 * 1024)


def _decoded(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else GB18030; a file with NUL bytes or
    that neither decodes is not a text file."""
    if b"\x00" in data:
        raise ValidationError(
            "文件不是纯文本（含二进制内容），请上传 .txt 文本文件或 .docx 文件。", code="binary"
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(
        "无法识别文件的编码，请另存为 UTF-8 或 GB18030（GBK）编码的文本文件后上传。",
        code="encoding",
    )


def uploaded_text(upload) -> str:
    """The text of an uploaded .txt or .docx; ValidationError in Chinese otherwise."""
    limit = max_upload_bytes()
    extension = PurePath(upload.name or "").suffix.lower()
    if upload.size > limit:
        raise ValidationError(
            f"文件过大：{filesizeformat(upload.size)}，上限为{filesizeformat(limit)}。",
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError("文件是空的。", code="empty")
    if extension == ".txt":
        upload.seek(0)
        return _decoded(upload.read())
    if extension == ".docx":
        return extract_text(upload, inspect_upload(upload, kinds=WORD, max_bytes=limit))
    raise ValidationError(
        "只能上传 .txt 文本文件或 .docx（Word）文件；.doc 等格式请先另存为 .docx。",
        code="type",
    )


class PlanTextForm(forms.Form):
    """Step 1: the plan's text, pasted or in a file (one of the two)."""

    text = forms.CharField(
        label="粘贴方案全文",
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "cols": 100}),
        help_text="从印发通知或方案正文复制，含“一、”“（一）”“1.”等编号。",
    )
    file = forms.FileField(
        label="或上传文件",
        required=False,
        help_text="支持 .txt（UTF-8 或 GB18030 编码）和 .docx。",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx"}),
    )

    def __init__(self, *args, plan: Plan, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.organizations = organizations
        self.outline: Outline | None = None

    def clean(self):
        data = super().clean()
        text, upload = data.get("text", ""), data.get("file")
        if self.errors:
            return data
        if text.strip() and upload:
            raise ValidationError("请粘贴文本或上传文件，二者选其一。", code="both")
        if upload:
            try:
                text = uploaded_text(upload)
            except ValidationError as error:
                self.add_error("file", error)
                return data
        text = PINYIN_ANNOTATION.sub("", clean_block(text))
        if not text.strip():
            raise ValidationError(
                "没有可分解的文本：请粘贴方案全文或上传 .txt/.docx 文件。", code="empty"
            )
        if len(text) > MAX_TEXT_CHARS:
            raise ValidationError(
                f"文本过长（{len(text)}字，上限{MAX_TEXT_CHARS}字），请只保留方案正文。",
                code="too_long",
            )
        outline = decompose(text, year=self.plan.year, organizations=self.organizations)
        if not outline.items:
            raise ValidationError(
                "未识别到带编号的条目。请确认方案各项以“一、”“（一）”“1.”“(1)”等编号开头，"
                "每项另起一行。",
                code="no_numbering",
            )
        if len(outline) > MAX_ROWS:
            raise ValidationError(
                f"识别出的条目过多（{len(outline)}条，上限{MAX_ROWS}条），请分批分解。",
                code="too_many",
            )
        self.outline = outline
        return data


class TaskRowForm(forms.Form):
    """Step 2: one proposed task, as the supervisor corrects it. Departments are plain
    choices built once for the whole formset (a model choice field would query per row)."""

    include = forms.BooleanField(label="纳入", required=False)
    level = forms.TypedChoiceField(
        label="层级", coerce=int, choices=[(n, str(n)) for n in range(1, MAX_LEVEL + 1)]
    )
    number = LineFormField(label="编号", max_length=20, required=False)
    title = LineFormField(label="任务", max_length=200, required=False)
    requirement = BlockFormField(
        label="工作要求", required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 40})
    )
    lead = forms.TypedChoiceField(label="牵头部门", coerce=int, required=False, empty_value=None)
    cooperating = forms.TypedMultipleChoiceField(
        label="配合部门", coerce=int, required=False, widget=forms.SelectMultiple(attrs={"size": 3})
    )
    due_on = forms.DateField(
        label="完成时限", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    frequency = forms.ChoiceField(label="报送频次", choices=Frequency.choices, required=False)
    weight = forms.IntegerField(label="权重", min_value=1, max_value=100, initial=1)
    hints = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, department_choices=(), plan_year=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan_year = plan_year
        self.fields["lead"].choices = [("", "（未指定）"), *department_choices]
        self.fields["cooperating"].choices = list(department_choices)
        row = (self.prefix or "").rsplit("-", 1)[-1]
        where = f"第{int(row) + 1}行 " if row.isdigit() else ""
        for field in self.fields.values():
            # Every input of the table is named for screen readers: "第3行 牵头部门".
            if not field.widget.is_hidden:
                field.widget.attrs["aria-label"] = f"{where}{field.label}"

    def clean(self):
        data = super().clean()
        if not data.get("include"):
            return data
        if not data.get("title"):
            self.add_error("title", "纳入的任务须填写名称。")
        due_on = data.get("due_on")
        if due_on and self.plan_year and abs(due_on.year - self.plan_year) > 1:
            self.add_error("due_on", "完成时限应在方案年度前后一年之内。")
        if data.get("lead") is not None and data["lead"] in data.get("cooperating", []):
            self.add_error("cooperating", "牵头部门不必再列为配合部门。")
        return data

    def item(self, names: dict[int, str]) -> OutlineItem:
        """The row as an outline item, departments by name (what ``plan_add_outline``
        takes)."""
        data = self.cleaned_data
        lead = data.get("lead")
        return OutlineItem(
            level=data["level"],
            number=data.get("number", ""),
            title=data["title"],
            requirement=data.get("requirement", ""),
            lead=names[lead] if lead is not None else "",
            cooperating=tuple(names[pk] for pk in data.get("cooperating", [])),
            due_on=data.get("due_on"),
            frequency=data.get("frequency", ""),
            weight=data.get("weight") or 1,
        )


class BaseTaskRowFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not any(form.cleaned_data.get("include") for form in self.forms):
            raise ValidationError("没有勾选任何任务，请至少纳入一项。", code="nothing")


TaskRowFormSet = forms.formset_factory(
    TaskRowForm,
    formset=BaseTaskRowFormSet,
    extra=0,
    max_num=MAX_ROWS,
    validate_max=True,
    absolute_max=MAX_ROWS,
)


def initial_rows(outline: Outline, *, ids: dict[str, int]) -> list[dict]:
    """The formset's initial data, one row per item in document order. A top-level item
    without tasks under it, in a plan whose other sections have some, is the plan's goal
    statement (seed 000's 一、目标任务): proposed but not ticked."""
    sections_have_tasks = any(item.children for item in outline.items)
    rows = []
    for item in outline:
        hints = [f"未匹配的部门：{phrase}" for phrase in item.unmatched_departments]
        if item.deadline.phrases:
            hints.append(f"时限提示：{'、'.join(item.deadline.phrases)}")
        rows.append(
            {
                "include": not (item.level == 1 and not item.children and sections_have_tasks),
                "level": min(item.level, MAX_LEVEL),
                "number": strip_to_line(item.number)[:20],
                "title": strip_to_line(item.title)[:200],
                "requirement": item.requirement,
                "lead": ids.get(item.lead),
                "cooperating": [ids[name] for name in item.cooperating if name in ids],
                "due_on": item.due_on,
                "frequency": item.frequency,
                "weight": item.weight,
                "hints": "；".join(hints),
            }
        )
    return rows
