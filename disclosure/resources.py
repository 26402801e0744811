"""Bulk import and export of the catalogue (django-import-export), with the catalogue's own
labels as column headers.

One resource serves the admin (a clerk's import lands as drafts of the clerk's
organization) and ``manage.py import_documents`` (rows land as drafts of the organizations
they name, or, with ``--publish-as``, are published at once as a recorded migration).

- Names, not ids: 发布机构 by full or short name, 主题分类 by a unique name or a path such
  as ``民政、扶贫、救灾/社会福利``, 体裁分类 by name. An unknown name is a row error.
- A row updates the document it matches (by 索引号; else 发布机构 + 发文字号; else
  发布机构 + 标题 + 发布日期), so importing a file twice changes nothing the second time.
- A file with any invalid row writes nothing (the resource's transaction is rolled back).
- A live document is never changed in place by a clerk's import: the row becomes its
  pending edit, reviewed like any other.
- Rows are only read and checked here; ``disclosure.services.documents_import`` writes
  them, with their 索引号, states, history and revisions, in bulk, ``WRITE_ROWS`` at a time
  through a ``portal.bulk`` pipeline: the database writes while the next rows are read
  (see ``make bench``). A command run without --publish-as records the system actor in
  the history.
"""

from __future__ import annotations

import copy
import re
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from import_export import fields, resources, widgets

from disclosure.index_numbers import IndexNumberPool, index_codes
from disclosure.metadata_rules import EARLIEST_DATE, date_errors, index_number_error
from disclosure.models import Document, Genre, TopicCategory
from disclosure.services import (
    LIVE_NEEDS_A_PERSON,
    NO_INDEX_CODE,
    UNDER_REVIEW,
    documents_import,
)
from portal import bulk
from portal.models import Organization, Status
from portal.plaintext import line_problem, normalise_line, xml_safe
from portal.richtext import to_html
from portal.scopes import ALL, acting_scope, agency_organizations
from portal.workflow import permission_name, snapshot, system_actor

REQUIRED_HEADERS = ["标题", "发布机构", "主题分类", "体裁分类"]
DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"]
DATETIME_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
# Rows handed to ``documents_import`` at a time: at most WRITE_ROWS, and as few as
# FIRST_ROWS whenever the database has written everything it was given, or once fewer
# rows are left to read than are waiting. The database does not wait for a first full
# batch, and the last batch, written while nothing else is read, stays small.
WRITE_ROWS = 500
FIRST_ROWS = 100
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_ISO_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?\Z", re.ASCII)


def neutralise_formula(value):
    """Spreadsheet programs run a cell that starts with = + - @ as a formula (CSV
    injection); a leading apostrophe makes it plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalise_line(value)


class NameWidget(widgets.Widget):
    """A foreign key given by name; ``names`` maps every accepted spelling to a row."""

    def __init__(self, label: str, names: dict, render_name, ambiguous: set[str] = frozenset()):
        super().__init__()
        self.label, self.names, self.render_name, self.ambiguous = (
            label,
            names,
            render_name,
            ambiguous,
        )

    def clean(self, value, row=None, **kwargs):
        name = _text(value)
        if not name:
            raise ValueError(f"{self.label}不能为空。")
        if name in self.ambiguous:
            raise ValueError(f"{self.label}“{name}”不唯一，请写成路径，例如“上级分类/{name}”。")
        if name not in self.names:
            raise ValueError(f"未知的{self.label}“{name}”。")
        return self.names[name]

    def render(self, value, obj=None, **kwargs):
        return self.render_name(value) if value is not None else ""


class DateWidget(widgets.Widget):
    def __init__(self, label: str, *, with_time: bool = False, today=None, tz=None):
        """``today`` and ``tz``: one import's date and time zone, fixed once (looked up
        per row, they cost more than parsing the date); None: looked up at each use."""
        super().__init__()
        self.label, self.with_time, self.today, self.tz = label, with_time, today, tz

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime):
            parsed = value
        elif isinstance(value, date):
            parsed = datetime.combine(value, time())
        else:
            parsed = self._parse(_text(value))
        if not EARLIEST_DATE.year <= parsed.year <= (self.today or timezone.localdate()).year + 1:
            # Before any time zone arithmetic, which year 1 or 9999 would overflow.
            raise ValueError(f"{self.label}“{parsed:%Y-%m-%d}”不合理，请检查年份。")
        if not self.with_time:
            return parsed.date()
        return timezone.make_aware(parsed, self.tz) if timezone.is_naive(parsed) else parsed

    def _parse(self, text: str) -> datetime:
        if _ISO_SHAPE.match(text) and (self.with_time or len(text) == 10):
            # The common spelling (2019-07-19, 2019-07-19 09:30) without strptime's cost.
            try:
                return datetime.fromisoformat(text)
            except ValueError:
                pass  # 2019-02-30: reported below in the same words as any other
        formats = (DATETIME_FORMATS if self.with_time else []) + DATE_FORMATS
        for pattern in formats:
            try:
                return datetime.strptime(text, pattern)
            except ValueError:
                continue
        raise ValueError(f"{self.label}“{text}”不是有效日期（应为 2019-07-19 这样的格式）。")

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        return value.strftime("%Y-%m-%d")


def _unneutralised(text: str) -> str:
    """Our own export's formula neutralisation, undone on the way back."""
    return text[1:] if text[:1] == "'" and text[1:2] in FORMULA_PREFIXES else text


class TextWidget(widgets.Widget):
    """A single-line value, cleaned as every form cleans it (``portal.plaintext``)."""

    def __init__(self, label: str, max_length: int | None = None, *, required: bool = False):
        super().__init__()
        self.label, self.max_length, self.required = label, max_length, required

    def clean(self, value, row=None, **kwargs):
        text = _unneutralised(_text(value))  # _text normalises
        if problem := line_problem(text):
            raise ValueError(f"{self.label}{problem}")
        if self.required and not text:
            raise ValueError(f"{self.label}不能为空。")
        if self.max_length and len(text) > self.max_length:
            raise ValueError(f"{self.label}过长：{len(text)} 字，最多 {self.max_length} 字。")
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


VALIDITIES = frozenset(Document.Validity.values)


class ValidityWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row).replace(" ", "")
        if text and text not in VALIDITIES:
            allowed = "、".join(Document.Validity.values)
            raise ValueError(f"有效性“{text}”无效，应为{allowed}或留空。")
        return text


class BodyWidget(TextWidget):
    """正文 as HTML, or plain text that becomes paragraphs (sanitised either way)."""

    def clean(self, value, row=None, **kwargs):
        return to_html(_unneutralised(_text(value)))


def organization_names() -> dict:
    names = {}
    for organization in Organization.objects.all():
        names[organization.name] = organization
        names.setdefault(organization.short_name or organization.name, organization)
    return names


def category_names() -> tuple[dict, set]:
    nodes = list(TopicCategory.objects.all())
    by_pk = {node.pk: node for node in nodes}
    names, seen = {}, {}
    for node in nodes:
        path = "/".join(n.name for n in _path(node, by_pk))
        names[path] = node
        seen.setdefault(node.name, []).append(node)
    ambiguous = {name for name, found in seen.items() if len(found) > 1}
    for name, found in seen.items():
        if len(found) == 1:
            names.setdefault(name, found[0])
    return names, ambiguous


def _path(node, by_pk) -> list:
    chain = [node]
    while chain[-1].parent_id:
        chain.append(by_pk[chain[-1].parent_id])
    return chain[::-1]


def category_path(category) -> str:
    parent = category.parent if category.parent_id else None
    return f"{parent.name}/{category.name}" if parent else category.name


class DocumentResource(resources.ModelResource):
    index_number = fields.Field("index_number", "索引号", widgets.CharWidget())
    title = fields.Field("title", "标题")
    document_number = fields.Field("document_number", "发文字号")
    organization = fields.Field("organization", "发布机构")
    category = fields.Field("category", "主题分类")
    genre = fields.Field("genre", "体裁分类")
    written_on = fields.Field("written_on", "成文日期", DateWidget("成文日期"))
    published_at = fields.Field("published_at", "发布日期", DateWidget("发布日期", with_time=True))
    validity = fields.Field("validity", "有效性", ValidityWidget("有效性"))
    body = fields.Field("body", "正文", BodyWidget("正文"))
    keywords = fields.Field("keywords", "关键词", TextWidget("关键词", 200))

    class Meta:
        model = Document
        fields = ("index_number", "title", "document_number", "organization", "category",
                  "genre", "written_on", "published_at", "validity", "body", "keywords")  # fmt: skip
        export_order = fields
        import_id_fields = ()
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        use_transactions = True

    def __init__(self, *, user=None, publish_as=None, **kwargs):
        """``user``: the clerk importing in the admin; ``publish_as``: the publisher in
        whose name the command publishes a migration. Neither: drafts of the named
        organizations, recorded as the system actor's (the command without --publish-as)."""
        super().__init__(**kwargs)
        self.user, self.publish_as = user, publish_as
        self.person = user or publish_as  # None: no one to answer for a public change
        organizations = organization_names()
        categories, ambiguous = category_names()
        self.fields["title"].widget = TextWidget("标题", 300, required=True)
        self.fields["document_number"].widget = TextWidget("发文字号", 100)
        self.fields["index_number"].widget = TextWidget("索引号", 64)
        self.fields["organization"].widget = NameWidget(
            "发布机构", organizations, lambda o: o.display_name
        )
        self.fields["category"].widget = NameWidget(
            "主题分类", categories, category_path, ambiguous
        )
        self.fields["genre"].widget = NameWidget(
            "体裁分类", {g.name: g for g in Genre.objects.all()}, str
        )
        self.allowed_organizations = (
            {o.pk for o in agency_organizations(user)} if user and not user.is_superuser else ALL
        )
        self.editable_scope = acting_scope(user) if user else ALL
        self.today, self.tz = timezone.localdate(), timezone.get_current_timezone()
        self.fields["written_on"].widget = DateWidget("成文日期", today=self.today, tz=self.tz)
        self.fields["published_at"].widget = DateWidget(
            "发布日期", with_time=True, today=self.today, tz=self.tz
        )
        self._import_fields = self.get_import_fields()
        self.index_codes = index_codes()
        self.created, self.updated = [], []
        self._before = {}
        self._failed = False
        self._now = timezone.now()  # one moment for every row of the import

    # --- reading rows ------------------------------------------------------------------

    def import_data(self, dataset, **kwargs):
        # The rows read so far are written while later ones are read (``save_instance``).
        # The pipeline is one transaction around the library's own: whatever it does
        # inside, every queued statement has run before anything commits.
        with bulk.pipelined():
            result = super().import_data(dataset, **kwargs)
        result.total_rows = len(dataset)
        result.source_encoding = getattr(dataset, "source_encoding", None)
        return result

    def before_import(self, dataset, **kwargs):
        missing = [header for header in REQUIRED_HEADERS if header not in (dataset.headers or [])]
        if missing:
            raise ValidationError(f"文件缺少必需的列：{'、'.join(missing)}。第一行应为列名。")
        # Each row's match key is worked out once here; ``get_instance`` looks it up by
        # the row's number (the widgets' cleaning is most of a row's reading time).
        rows = dataset.dict
        self._row_lookups = [self._lookup_of(row) for row in rows]
        self._matched = self._load_matched(self._row_lookups)
        self._numbers_forecast = [
            self._number_forecast(row)
            for row, pk in zip(rows, self._row_pks, strict=True)
            if pk is None and not _text(row.get("索引号"))
        ]
        self._numbers = None  # drawn with the first batch, before any write is queued
        self.seen_keys = {}
        self._total_rows = len(rows)

    def import_row(self, row, instance_loader, **kwargs):
        self._row_number = kwargs.get("row_number")
        row_result = super().import_row(row, instance_loader, **kwargs)
        self._failed = self._failed or bool(row_result.errors or row_result.validation_error)
        return row_result

    def _lookup_of(self, row) -> tuple | None:
        """What a row is matched by: ("索引号", number); else ("文号", organization,
        文号); else ("标题", organization, 标题, 发布日期). None: a row error, reported
        as that row's own."""
        try:
            index_number = self.fields["index_number"].widget.clean(row.get("索引号"))
            if index_number:
                return ("索引号", index_number)
            organization = self.fields["organization"].widget.names.get(_text(row.get("发布机构")))
            if organization is None:
                return None
            number = self.fields["document_number"].widget.clean(row.get("发文字号"))
            if number:
                return ("文号", organization.pk, number)
            published = self.fields["published_at"].widget.clean(row.get("发布日期"))
            title = self.fields["title"].widget.clean(row.get("标题"))
        except ValueError:
            return None
        # A draft imported without 发布日期 is found again by the same empty date.
        day = timezone.localtime(published, self.tz).date() if published else None
        return ("标题", organization.pk, title, day)

    def _number_forecast(self, row) -> tuple[int, int] | None:
        """The (organization, year) a new row's 索引号 will be drawn for, as
        ``documents_import`` numbers it; None when the row will fail anyway."""
        organization = self.fields["organization"].widget.names.get(_text(row.get("发布机构")))
        try:
            written_on = self.fields["written_on"].widget.clean(row.get("成文日期"))
        except ValueError:
            return None
        if organization is None:
            return None
        return organization.pk, (written_on or self.today).year

    def _load_matched(self, lookups) -> dict:
        """The documents the rows match, found in one query (only what the file's own
        keys can reach, read as plain tuples) and then loaded and row-locked, until the
        import's transaction ends, in a second."""
        index_numbers, numbers, titles, org_ids = [], [], [], set()
        for lookup in filter(None, lookups):
            if lookup[0] == "索引号":
                index_numbers.append(lookup[1])
            else:
                org_ids.add(lookup[1])
                (numbers if lookup[0] == "文号" else titles).append(lookup[2])
        candidates = Document.objects.filter(
            Q(index_number__in=index_numbers)
            | Q(organization_id__in=org_ids, document_number__in=numbers)
            | Q(organization_id__in=org_ids, title__in=titles)
        ).values_list(
            "pk", "index_number", "organization_id", "document_number", "title", "published_at"
        )
        keys = {}
        for pk, index_number, organization_id, number, title, published_at in candidates:
            keys[("索引号", index_number)] = pk
            if number:
                keys[("文号", organization_id, number)] = pk
            day = timezone.localtime(published_at, self.tz).date() if published_at else None
            keys[("标题", organization_id, title, day)] = pk
        self._row_pks = [keys.get(lookup) if lookup else None for lookup in lookups]
        pks = set(filter(None, self._row_pks))
        return Document.objects.select_for_update().in_bulk(pks) if pks else {}

    def get_instance(self, instance_loader, row):
        pk = self._row_pks[self._row_number - 1]
        return self._matched.get(pk) if pk else None

    def import_instance(self, instance, row, **kwargs):
        is_new = instance.pk is None
        published_at = instance.published_at
        if not is_new:
            self._before[instance.pk] = (snapshot(instance), instance.status)
        self._assign_row(instance, row)
        if instance.last_published_at:
            # Once published, the 发布日期 is history: no file rewrites it. On a draft the
            # file's date is kept for matching and replaced by the moment of publication
            # (only --publish-as keeps it, as the migrated record's first publication).
            instance.published_at = published_at
        errors = {}
        if (
            self.allowed_organizations is not ALL
            and instance.organization_id not in self.allowed_organizations
        ):
            errors["organization"] = "发布机构不属于您所在的机关。"
        if not is_new:
            if instance.status in (Status.SUBMITTED, Status.APPROVED) and not self.publish_as:
                errors["title"] = UNDER_REVIEW
            if (
                self.editable_scope is not ALL
                and instance.owner_organization_id not in self.editable_scope
            ):
                errors["organization"] = "该文件属于其他机构，您不能修改。"
            changed = snapshot(instance) != self._before[instance.pk][0]
            if instance.is_live and self.person is None and changed:
                errors["title"] = LIVE_NEEDS_A_PERSON
        elif not instance.index_number and not self.index_codes.get(instance.organization_id):
            errors["organization"] = NO_INDEX_CODE
        elif instance.index_number:
            # Kept exactly as given (other systems' formats vary); marked when not ours.
            instance.has_legacy_index_number = bool(
                index_number_error(instance.index_number, today=self.today)
            )
        errors.update(
            date_errors(instance.written_on, instance.published_at, today=self.today, tz=self.tz)
        )
        # Two rows that reach one document (one by 索引号, one by 文号) are one too many;
        # without either, two notices of one title on different days are two documents.
        published_on = (
            timezone.localtime(instance.published_at, self.tz).date()
            if instance.published_at
            else None
        )
        if instance.pk or instance.index_number:
            key = instance.pk or instance.index_number
        elif instance.document_number:
            key = (instance.organization_id, instance.document_number)
        else:
            key = (instance.organization_id, instance.title, published_on)
        if key in self.seen_keys:
            errors["title"] = f"与第 {self.seen_keys[key]} 行重复。"
        self.seen_keys[key] = kwargs.get("row_number")
        if errors:
            raise ValidationError(errors)

    def _assign_row(self, instance, row) -> None:
        """The library's ``import_instance`` (``import_field`` → ``Field.save`` →
        ``Field.clean`` → widget, per field and row), flattened: these fields are plain
        attributes, none read-only, many-to-many or defaulted, and the layers cost a
        third of reading a row. Errors are collected per field as the library does."""
        errors = {}
        for field in self._import_fields:
            if field.column_name not in row:
                continue
            try:
                value = field.widget.clean(row[field.column_name], row=row)
            except ValueError as error:
                errors[field.attribute] = ValidationError(str(error), code="invalid")
            else:
                setattr(instance, field.attribute, value)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """A row that changes nothing is skipped: importing a file twice is a no-op."""
        if instance.pk is None or import_validation_errors:
            return False
        before, status = self._before[instance.pk]
        unchanged = before == snapshot(instance)
        if self.publish_as:
            return unchanged and instance.is_live and status == Status.PUBLISHED
        return unchanged

    # --- writing: sorted here, written by the service ---------------------------------

    def save_instance(self, instance, is_create, row, **kwargs):
        """Nothing is written per row: batches of rows (``WRITE_ROWS``) go to
        ``documents_import``, which writes them in bulk while the next rows are read
        (the base class's bulk methods find nothing to write). Nothing more is written
        once a row has failed: the import will be rolled back. The body is already clean:
        ``BodyWidget`` made it (cleaning it twice would turn ``&#x27;`` into ``'`` and so
        make a re-imported row look changed), or it is the stored one."""
        (self.created if is_create else self.updated).append(instance)
        pending = len(self.created) + len(self.updated)
        left = self._total_rows - self._row_number
        due = pending >= WRITE_ROWS or (pending >= FIRST_ROWS and (pending >= left or bulk.idle()))
        if due and self._may_write(kwargs):
            self._write_rows()

    def _may_write(self, kwargs) -> bool:
        # A dry run that nothing would roll back writes nothing.
        return not self._failed and not (kwargs["dry_run"] and not kwargs["using_transactions"])

    def _write_rows(self) -> None:
        if self._numbers is None:
            forecast = filter(None, self._numbers_forecast)
            self._numbers = IndexNumberPool(forecast, codes=self.index_codes)
        documents_import(
            created=self.created,
            updated=self.updated,
            by=self.person or system_actor(),
            publish=self.publish_as is not None,
            owner=self.user.organization if self.user else None,
            now=self._now,
            numbers=self._numbers,
            codes=self.index_codes,
        )
        self.created, self.updated = [], []

    def after_import(self, dataset, result, **kwargs):
        failed = result.has_errors() or result.has_validation_errors()  # all rolled back
        if not failed and self._may_write({"dry_run": False, "using_transactions": True, **kwargs}):
            self._write_rows()  # queued behind the batches still being written
        bulk.flush_gathered()  # the facet counts, inside the library's savepoint
        bulk.drain()  # before the library commits or rolls anything back

    # --- exporting -----------------------------------------------------------------------

    def export_field(self, field, instance, **kwargs):
        # xml_safe: a value stored before today's rules must not break an XLSX export.
        return neutralise_formula(xml_safe(super().export_field(field, instance, **kwargs)))

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("organization", "category__parent", "genre")


def preview_rows() -> int:
    return settings.IMPORT_PREVIEW_ROWS


class DocumentPreviewResource(DocumentResource):
    """The admin's import: the dry run shows the values of the first rows (a summary
    counts the rest) before anything is written."""

    class Meta(DocumentResource.Meta):
        skip_diff = False
        name = "公开文件"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The library reads skip_diff from the class's shared options on every row: this
        # resource gets its own copy, so that rows past the preview skip the diff work.
        self._meta = copy.copy(type(self)._meta)
        self._rows_seen = 0

    def import_row(self, row, instance_loader, **kwargs):
        self._meta.skip_diff = self._rows_seen >= preview_rows()
        self._rows_seen += 1
        return super().import_row(row, instance_loader, **kwargs)


def can_publish(user) -> bool:
    return user.has_perm(permission_name(Document, "publish"))
