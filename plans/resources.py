"""Bulk update of a plan's tasks through a spreadsheet (django-import-export): the
supervisor exports the tasks to XLSX, the departments' answers are filled in, and the
sheet comes back through the library's preview-then-confirm import.

- Rows are matched by the ``ID`` column (the task's id) and must belong to the plan the
  ``方案`` column names; an import only updates tasks, it never creates or moves them
  (a new task is added in the tree, where its place is chosen).
- Importable: 编号, 任务, 工作要求, 牵头部门 and 配合部门 (names, full or short; 配合部门
  separated by 、), 完成时限 (a date, or 持续推进/blank), 报送频次, 权重.
- Not importable: 状态 and 进度. They come from accepted progress reports and roll up
  from sub-tasks; the columns are exported for reading and ignored on the way back.
- Every changed task gets one ``IMPORTED`` event with the importer and old → new, through
  ``services.task_change``; a row that changes nothing is skipped.
- An unknown department, frequency or date is that row's error, in Chinese; a file with
  any invalid row writes nothing.
- Tree rows are written one by one (no bulk mode): django-mptt keeps the tree's numbers.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from disclosure.resources import DateWidget, TextWidget, neutralise_formula
from plans.models import Frequency, Plan, Task, TaskEvent
from plans.services import task_change
from portal.models import Organization
from portal.plaintext import clean_block, normalise_line, xml_safe

REQUIRED_HEADERS = ("ID", "方案", "任务")
CONTINUOUS = "持续推进"
SEPARATORS = ("、", "，", ",", "；", ";")
IMPORTED_FIELDS = ("number", "title", "requirement", "lead_department", "due_on", "frequency",
                   "weight")  # fmt: skip


def organization_names() -> dict[str, Organization]:
    """Every organization by its full name, and by its short name where that is unique."""
    names, short = {}, {}
    for organization in Organization.objects.all():
        names[organization.name] = organization
        if organization.short_name:
            short.setdefault(organization.short_name, []).append(organization)
    for name, found in short.items():
        if len(found) == 1:
            names.setdefault(name, found[0])
    return names


class DepartmentWidget(widgets.Widget):
    def __init__(self, label: str, names: dict, *, many: bool = False):
        super().__init__()
        self.label, self.names, self.many = label, names, many

    def clean(self, value, row=None, **kwargs):
        text = normalise_line(value)
        for separator in SEPARATORS[1:]:
            text = text.replace(separator, SEPARATORS[0])
        found = []
        for name in (part.strip() for part in text.split(SEPARATORS[0])):
            if not name:
                continue
            if name not in self.names:
                raise ValueError(f"未知的{self.label}“{name}”：请填写机构全称或简称。")
            found.append(self.names[name])
        if not self.many and len(found) > 1:
            raise ValueError(f"{self.label}只能填写一个部门，其余请填入“配合部门”。")
        return found if self.many else (found[0] if found else None)

    def render(self, value, obj=None, **kwargs):
        if self.many:
            organizations = value.all() if hasattr(value, "all") else value  # a related manager
            return "、".join(o.name for o in organizations)
        return value.name if value else ""


class DeadlineWidget(DateWidget):
    """A date, or 持续推进 (or blank) for a task reported on a frequency instead."""

    def clean(self, value, row=None, **kwargs):
        if normalise_line(value) in ("", CONTINUOUS):
            return None
        return super().clean(value, row, **kwargs)

    def render(self, value, obj=None, **kwargs):
        return super().render(value) if value else CONTINUOUS


class FrequencyWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = normalise_line(value)
        by_label = {str(label): value for value, label in Frequency.choices}
        if text in by_label:
            return by_label[text]
        if text in Frequency.values:
            return text
        allowed = "、".join(str(label) for label in Frequency.labels)
        raise ValueError(f"报送频次“{text}”无效，应为{allowed}之一。")

    def render(self, value, obj=None, **kwargs):
        return Frequency(value or "").label


class WeightWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = normalise_line(value)
        try:
            weight = int(float(text)) if text else 1
        except (ValueError, OverflowError):  # "abc", "inf"
            raise ValueError(f"权重“{text}”应为正整数。") from None
        if weight < 1 or weight > 1000:
            raise ValueError(f"权重“{text}”应为 1 到 1000 之间的整数。")
        return weight

    def render(self, value, obj=None, **kwargs):
        return value


class BlockWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return clean_block("" if value is None else str(value)).strip()

    def render(self, value, obj=None, **kwargs):
        return value or ""


class TaskResource(resources.ModelResource):
    """One row per task of a plan, in tree order. See the module's docstring for what an
    import changes (not 状态 nor 进度: they come from accepted reports)."""

    id = fields.Field("id", "ID", widgets.IntegerWidget())
    plan = fields.Field("plan", "方案", readonly=True)
    number = fields.Field("number", "编号", TextWidget("编号", 20))
    title = fields.Field("title", "任务", TextWidget("任务", 200, required=True))
    requirement = fields.Field("requirement", "工作要求", BlockWidget())
    lead_department = fields.Field("lead_department", "牵头部门")
    cooperating_departments = fields.Field("cooperating_departments", "配合部门")
    due_on = fields.Field("due_on", "完成时限", DeadlineWidget("完成时限"))
    frequency = fields.Field("frequency", "报送频次", FrequencyWidget())
    weight = fields.Field("weight", "权重", WeightWidget())
    status = fields.Field("get_status_display", "状态", readonly=True)
    progress = fields.Field("progress", "进度（%）", readonly=True)

    class Meta:
        model = Task
        fields = ("id", "plan", "number", "title", "requirement", "lead_department",
                  "cooperating_departments", "due_on", "frequency", "weight", "status",
                  "progress")  # fmt: skip
        export_order = fields
        import_id_fields = ("id",)
        use_bulk = False  # django-mptt maintains the tree row by row
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        name = "任务"

    def __init__(self, *, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        names = organization_names()
        self.fields["lead_department"].widget = DepartmentWidget("牵头部门", names)
        self.fields["cooperating_departments"].widget = DepartmentWidget(
            "配合部门", names, many=True
        )
        self._departments = {}

    # --- reading rows ------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        missing = [header for header in REQUIRED_HEADERS if header not in (dataset.headers or [])]
        if missing:
            raise ValidationError(f"文件缺少必需的列：{'、'.join(missing)}。请使用导出的表格填写。")
        ids = []
        for value in dataset["ID"]:
            try:
                ids.append(int(float(normalise_line(value))))
            except (ValueError, OverflowError):
                continue  # reported as that row's error
        self._tasks = (  # only tasks the importer may see (an ID from elsewhere is unknown)
            Task.objects.visible_to(self.user)
            .select_related("plan", "lead_department")
            .prefetch_related("cooperating_departments")
            .in_bulk(ids)
        )

    def get_instance(self, instance_loader, row):
        text = normalise_line(row.get("ID"))
        try:
            task = self._tasks.get(int(float(text))) if text else None
        except (ValueError, OverflowError):
            raise ValidationError({"id": f"ID“{text}”应为导出表格中的任务编号。"}) from None
        if task is None:
            raise ValidationError(
                {
                    "id": "找不到该任务：导入只更新已有任务（请保留导出的“ID”列），新增任务请在方案中添加。"
                }
            )
        if normalise_line(row.get("方案")) not in (str(task.plan), task.plan.title):
            raise ValidationError({"plan": f"该任务属于“{task.plan}”，与本行的“方案”不符。"})
        return task

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        for name in (*IMPORTED_FIELDS, "cooperating_departments"):
            field = self.fields[name]
            if field.column_name not in row:
                continue  # a column left out of the sheet keeps its values
            try:
                value = field.clean(row, **kwargs)
            except ValueError as error:
                errors[name] = str(error)
                continue
            if name == "cooperating_departments":
                self._departments[instance.pk] = value
            else:
                setattr(instance, name, value)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        same = all(getattr(instance, name) == getattr(original, name) for name in IMPORTED_FIELDS)
        departments = self._departments.get(instance.pk)
        if departments is not None:
            before = {o.pk for o in original.cooperating_departments.all()}
            same = same and before == {o.pk for o in departments}
        return same

    # --- writing: one task at a time, through the service -------------------------------

    def save_instance(self, instance, is_create, row, **kwargs):
        changes = {name: getattr(instance, name) for name in IMPORTED_FIELDS}
        if instance.pk in self._departments:
            changes["cooperating_departments"] = self._departments[instance.pk]
        task_change(task=instance, by=self.user, action=TaskEvent.Action.IMPORTED, **changes)
        # The preview's diff reads 配合部门 again, not the prefetch from before the change.
        getattr(instance, "_prefetched_objects_cache", {}).pop("cooperating_departments", None)

    def save_m2m(self, instance, row, **kwargs):
        pass  # 配合部门 were saved by ``task_change``

    # --- exporting -----------------------------------------------------------------------

    def dehydrate_plan(self, task):
        return str(task.plan)

    def dehydrate_cooperating_departments(self, task):
        # From the prefetch (``filter_export``); a fresh task (the import's diff) queries.
        return "、".join(o.name for o in task.cooperating_departments.all())

    def export_field(self, field, instance, **kwargs):
        return neutralise_formula(xml_safe(super().export_field(field, instance, **kwargs)))

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("plan", "lead_department").prefetch_related(
            "cooperating_departments"
        )


def plan_export_queryset(plan: Plan):
    """A plan's tasks in tree order, with what the sheet shows."""
    return TaskResource().filter_export(Task.objects.filter(plan=plan))
