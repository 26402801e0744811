"""Bulk import and export of the catalogue: admin, command line, formats."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from disclosure.models import Document, TopicCategory
from disclosure.resources import DocumentResource, neutralise_formula
from portal import workflow
from portal.models import Status, WorkflowEvent
from tests.disclosure.factories import DocumentFactory

pytestmark = pytest.mark.django_db
HEADERS = ["索引号", "标题", "发文字号", "发布机构", "主题分类", "体裁分类", "成文日期", "发布日期", "有效性", "正文", "关键词"]  # fmt: skip
IMPORT = reverse("admin:disclosure_document_import")
PROCESS = reverse("admin:disclosure_document_process_import")


def csv_bytes(rows, *, bom=False, headers=HEADERS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def row(
    title="关于做好临时救助工作的通知",
    number="渝民发〔2025〕12号",
    organization="市民政局",
    **overrides,
):
    values = {
        "索引号": "", "标题": title, "发文字号": number, "发布机构": organization, "主题分类": "社会福利",
        "体裁分类": "通知", "成文日期": "2025-03-01", "发布日期": "2025-03-05 09:30", "有效性": "有效",
        "正文": "第一段。\n第二段。", "关键词": "临时救助",
    }  # fmt: skip
    values.update(overrides)
    return [values[header] for header in HEADERS]


def import_via_command(tmp_path, content: bytes, *args, name="catalogue.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_documents", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_csv_row_becomes_a_draft_of_the_organization_it_names(agency, tmp_path):
    out, _ = import_via_command(tmp_path, csv_bytes([row()]))
    assert "新增 1，更新 0" in out
    document = Document.objects.get(document_number="渝民发〔2025〕12号")
    assert document.status == Status.DRAFT and not document.is_live
    assert document.organization == agency.bureau and document.owner_organization == agency.bureau
    assert document.category.name == "社会福利" and document.genre.name == "通知"
    assert document.body == "<p>第一段。</p>\n<p>第二段。</p>"
    assert document.index_number == f"{agency.bureau.credit_code}/2025-00001"


def test_a_bom_and_a_category_path_are_understood(agency, tmp_path):
    content = csv_bytes([row(**{"主题分类": "民政、扶贫、救灾/社团管理"})], bom=True)
    import_via_command(tmp_path, content)
    assert Document.objects.get().category.name == "社团管理"


def test_an_xlsx_file_imports_like_a_csv(agency, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(row())
    buffer = io.BytesIO()
    workbook.save(buffer)
    out, _ = import_via_command(tmp_path, buffer.getvalue(), name="catalogue.xlsx")
    assert "新增 1" in out and Document.objects.count() == 1


def test_importing_the_same_file_twice_updates_instead_of_duplicating(agency, tmp_path):
    rows = [
        row(),
        row(title="没有文号的通知", number=""),
        row(title="带索引号", number="", **{"索引号": "01527918X-2020-153077"}),
    ]
    import_via_command(tmp_path, csv_bytes(rows))
    out, _ = import_via_command(tmp_path, csv_bytes(rows))
    assert "新增 0" in out and "未变 3" in out
    assert Document.objects.count() == 3
    changed = [row(title="标题改了")] + rows[1:]
    out, _ = import_via_command(tmp_path, csv_bytes(changed))
    assert "新增 0，更新 1" in out
    assert Document.objects.get(document_number="渝民发〔2025〕12号").title == "标题改了"


def test_a_row_matches_by_organization_title_and_publish_date_without_a_number(agency, tmp_path):
    import_via_command(tmp_path, csv_bytes([row(number="")]))
    out, _ = import_via_command(tmp_path, csv_bytes([row(number="", **{"正文": "新正文"})]))
    assert "更新 1" in out and Document.objects.count() == 1


def test_a_file_with_one_invalid_row_writes_nothing(agency, tmp_path):
    rows = [
        row(),
        row(title="第二行", number="2号", organization="不存在的局", **{"有效性": "有时有效"}),
    ]
    with pytest.raises(CommandError):
        import_via_command(tmp_path, csv_bytes(rows))
    assert Document.objects.count() == 0


def test_row_errors_are_reported_in_chinese(agency, tmp_path, capsys):
    rows = [
        row(
            title="",
            organization="不存在的局",
            **{"主题分类": "其他", "成文日期": "2025-13-01", "有效性": "有时有效"},
        )
    ]
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(rows))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_documents", str(path), stdout=io.StringIO(), stderr=err)
    report = err.getvalue()
    for message in [
        "标题不能为空",
        "未知的发布机构“不存在的局”",
        "主题分类“其他”不唯一",
        "“2025-13-01”不是有效日期",
        "有效性“有时有效”无效",
    ]:
        assert message in report


def test_a_missing_required_column_is_reported(agency, tmp_path):
    with pytest.raises(CommandError):
        import_via_command(tmp_path, csv_bytes([["x"]], headers=["标题"]))
    assert Document.objects.count() == 0


def test_publish_as_publishes_at_once_as_a_recorded_migration(agency, tmp_path):
    out, _ = import_via_command(tmp_path, csv_bytes([row()]), "--publish-as", "publisher")
    document = Document.objects.get()
    assert document.is_public and document.status == Status.PUBLISHED
    assert document.published_at.astimezone().strftime("%Y-%m-%d %H:%M") == "2025-03-05 09:30"
    event = WorkflowEvent.objects.get(object_id=document.pk)
    assert event.action == "migrated" and event.by == agency.publisher


def test_publish_as_needs_a_publisher(agency, tmp_path):
    with pytest.raises(CommandError) as caught:
        import_via_command(tmp_path, csv_bytes([row()]), "--publish-as", "clerk")
    assert "不是发布员" in str(caught.value)
    assert Document.objects.count() == 0


def test_a_reimport_never_changes_a_live_document_in_place(agency, tmp_path):
    from tablib import Dataset

    from tests.portal.roles import staff

    import_via_command(tmp_path, csv_bytes([row()]), "--publish-as", "publisher")
    resource = DocumentResource(user=staff("bureau_clerk", agency.bureau, "信息员"))

    dataset = Dataset(row(title="导入改的标题"), headers=HEADERS)
    result = resource.import_data(
        dataset, use_transactions=True, rollback_on_validation_errors=True
    )
    assert not result.has_errors() and not result.has_validation_errors()
    live = Document.objects.get()
    assert live.title == "关于做好临时救助工作的通知" and live.is_live
    assert workflow.working_version(live).title == "导入改的标题"
    assert live.status == Status.DRAFT


def test_a_clerk_cannot_change_another_departments_document_by_import(agency, tmp_path):
    from tablib import Dataset

    import_via_command(tmp_path, csv_bytes([row()]))  # owned by the bureau, not the office
    result = DocumentResource(user=agency.clerk).import_data(
        Dataset(row(title="改别人的"), headers=HEADERS),
        use_transactions=True,
        rollback_on_validation_errors=True,
    )
    assert result.has_validation_errors()
    assert "属于其他机构" in str(result.invalid_rows[0].error_dict)
    assert Document.objects.get().title == "关于做好临时救助工作的通知"


def login(client, user):
    client.force_login(user)
    return client


def test_the_admin_import_previews_before_writing_and_lands_drafts_in_the_clerks_organization(
    agency, client
):
    client = login(client, agency.clerk)
    upload = SimpleUploadedFile("catalogue.csv", csv_bytes([row()]), content_type="text/csv")
    preview = client.post(IMPORT, {"import_file": upload, "format": "0", "resource": "0"})
    assert preview.status_code == 200
    assert Document.objects.count() == 0  # a dry run only
    assert "关于做好临时救助工作的通知" in preview.content.decode()  # the rows are shown
    confirm = preview.context["confirm_form"]
    assert confirm is not None
    done = client.post(PROCESS, {**confirm.initial, "resource": "0"}, follow=True)
    assert done.status_code == 200
    document = Document.objects.get()
    assert document.status == Status.DRAFT
    assert document.owner_organization == agency.office and document.created_by == agency.clerk
    assert WorkflowEvent.objects.get(object_id=document.pk).by == agency.clerk


def test_an_admin_import_refused_at_confirmation_writes_nothing_and_is_audited(agency, client):
    from portal.audit.models import AuditEvent

    client = login(client, agency.clerk)
    upload = SimpleUploadedFile("catalogue.csv", csv_bytes([row()]), content_type="text/csv")
    preview = client.post(IMPORT, {"import_file": upload, "format": "0", "resource": "0"})
    confirm = preview.context["confirm_form"]
    # The row's 主题分类 is renamed between the preview and the confirmation.
    TopicCategory.objects.filter(name="社会福利").update(name="已改名的分类")
    done = client.post(PROCESS, {**confirm.initial, "resource": "0"}, follow=True)
    assert "导入未执行" in done.content.decode()
    assert not Document.objects.exists()
    event = AuditEvent.objects.filter(action="import").get()
    assert (event.result, event.actor_username) == ("failure", agency.clerk.username)
    assert event.details["error_rows"] == 1 and "已回滚" in event.reason


def test_the_admin_import_shows_row_errors_and_offers_no_confirmation(agency, client):
    client = login(client, agency.clerk)
    upload = SimpleUploadedFile(
        "bad.csv", csv_bytes([row(organization="不存在的局")]), content_type="text/csv"
    )
    preview = client.post(IMPORT, {"import_file": upload, "format": "0", "resource": "0"})
    html = preview.content.decode()
    assert "<strong>发布机构</strong>：未知的发布机构“不存在的局”" in html
    assert preview.context.get("confirm_form") is None


def test_a_clerk_cannot_import_for_another_agency(agency, client):
    client = login(client, agency.clerk)
    upload = SimpleUploadedFile(
        "other.csv", csv_bytes([row(organization=agency.elsewhere.name)]), content_type="text/csv"
    )
    html = client.post(
        IMPORT, {"import_file": upload, "format": "0", "resource": "0"}
    ).content.decode()
    assert "发布机构不属于您所在的机关" in html


def export(client, params=None, file_format="0"):
    url = reverse("admin:disclosure_document_export")
    data = {
        "format": file_format,
        "resource": "0",
        **{f"documentresource_{name}": "on" for name in DocumentResource.fields},
    }
    return client.post(url + (f"?{params}" if params else ""), data)


def test_the_export_has_the_catalogue_headers_and_neutralises_formulae(agency, client):
    DocumentFactory(
        organization=agency.bureau,
        title='=HYPERLINK("http://evil")',
        document_number="+1",
        keywords="@SUM(A1)",
    )
    response = export(login(client, agency.supervisor))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    reader = list(csv.reader(io.StringIO(text)))
    assert reader[0] == HEADERS
    record = dict(zip(reader[0], reader[1], strict=True))
    assert (
        record["标题"].startswith("'=")
        and record["发文字号"] == "'+1"
        and record["关键词"] == "'@SUM(A1)"
    )
    assert record["发布机构"] == "市民政局" and record["主题分类"] == "民政、扶贫、救灾/社会福利"


def test_the_export_follows_the_changelist_filter(agency, client):
    DocumentFactory(organization=agency.bureau, title="有效的", validity="有效")
    DocumentFactory(organization=agency.bureau, title="废止的", validity="废止")
    text = export(
        login(client, agency.supervisor), "validity__exact=%E5%BA%9F%E6%AD%A2"
    ).content.decode("utf-8-sig")
    assert "废止的" in text and "有效的" not in text


def test_the_xlsx_export_reimports(agency, client, tmp_path):
    DocumentFactory(
        organization=agency.bureau, title="往返测试", document_number="渝民发〔2024〕5号"
    )
    response = export(login(client, agency.supervisor), file_format="1")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in next(workbook.active.iter_rows())] == HEADERS
    out, _ = import_via_command(tmp_path, response.content, name="export.xlsx")
    assert "新增 0" in out and Document.objects.count() == 1


@pytest.mark.parametrize(
    "value, expected",
    [("=1+1", "'=1+1"), ("-2", "'-2"), ("@x", "'@x"), ("普通", "普通"), (None, None)],
)
def test_formula_neutralisation(value, expected):
    assert neutralise_formula(value) == expected


def test_a_reimport_never_rewrites_the_publish_date_of_a_published_document(agency, tmp_path):
    import_via_command(tmp_path, csv_bytes([row()]), "--publish-as", "publisher")
    original = Document.objects.get().published_at
    import_via_command(
        tmp_path,
        csv_bytes([row(**{"发布日期": "2001-01-01", "正文": "改了正文"})]),
        "--publish-as",
        "publisher",
    )
    document = Document.objects.get()
    assert document.published_at == original and "改了正文" in document.body


def test_a_command_without_a_user_cannot_change_a_live_document(agency, tmp_path):
    import_via_command(tmp_path, csv_bytes([row()]), "--publish-as", "publisher")
    with pytest.raises(CommandError):
        import_via_command(tmp_path, csv_bytes([row(**{"正文": "无名氏的修改"})]))
    assert "无名氏" not in Document.objects.get().body


def test_an_exported_and_neutralised_cell_comes_back_as_it_was(agency, tmp_path):
    import_via_command(tmp_path, csv_bytes([row(title="=1+1 不是公式", number="")]))
    assert Document.objects.get().title == "=1+1 不是公式"
    out, _ = import_via_command(tmp_path, csv_bytes([row(title="'=1+1 不是公式", number="")]))
    assert "未变 1" in out


def test_two_rows_reaching_one_document_are_an_error(agency, tmp_path):
    import_via_command(tmp_path, csv_bytes([row()]))
    index_number = Document.objects.get().index_number
    rows = [row(), row(number="", **{"索引号": index_number, "正文": "另一种说法"})]
    with pytest.raises(CommandError):
        import_via_command(tmp_path, csv_bytes(rows))


def test_a_bad_id_in_an_admin_url_is_not_a_crash(agency, client):
    client.force_login(agency.clerk)
    for url in [
        "/admin/disclosure/document/abc/change/",
        "/admin/disclosure/document/abc/step/submit/",
        "/admin/disclosure/document/abc/preview/",
    ]:
        assert client.get(url).status_code in (302, 403, 404)


def test_a_publish_as_import_cannot_rewrite_a_document_a_review_published(agency, tmp_path):
    from tests.portal.test_workflow import published

    document = published(agency, document_number="渝民发〔2025〕12号")
    with pytest.raises(CommandError):
        import_via_command(
            tmp_path, csv_bytes([row(title="迁移覆盖")]), "--publish-as", "publisher"
        )
    assert Document.objects.get(pk=document.pk).title != "迁移覆盖"
