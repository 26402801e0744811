import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disclosure.models import Attachment
from tests.disclosure.factories import DocumentFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def test_the_metadata_table_follows_the_seed_order_and_labels(client):
    document = DocumentFactory(
        document_number="渝民办〔2019〕97号",
        validity="有效",
        written_on=date(2019, 7, 19),
        published=True,
    )
    html = client.get(document.get_absolute_url()).content.decode()
    labels = re.findall(r'<th scope="row">(.+?)</th>', html)
    assert labels == [
        "索引号",
        "主题分类",
        "体裁分类",
        "发布机构",
        "成文日期",
        "发布日期",
        "标题",
        "发文字号",
        "有效性",
    ]
    for value in [
        document.index_number,
        "社会福利",
        "通知",
        "2019-07-19",
        "2019-07-19 10:30",
        "渝民办〔2019〕97号",
    ]:
        assert value in html


def test_breadcrumbs_lead_back_through_the_catalogue_and_topic(client):
    document = DocumentFactory(published=True)
    html = client.get(document.get_absolute_url()).content.decode()
    crumbs = html.split('aria-label="当前位置"')[1].split("</nav>")[0]
    assert [t for t in re.findall(r">([^<>]+)</a>", crumbs)] == [
        "首页",
        "政务公开",
        "政府信息公开目录",
        "民政、扶贫、救灾",
        "社会福利",
    ]


def test_a_draft_is_not_found(client):
    assert client.get(DocumentFactory().get_absolute_url()).status_code == 404


def test_an_unknown_id_is_not_found(client):
    assert (
        client.get(reverse("disclosure:document-detail", kwargs={"pk": 987654})).status_code == 404
    )


def test_the_body_is_sanitised_on_save():
    document = DocumentFactory(
        body='<p onclick="x()">正文</p><script>alert(1)</script><a href="javascript:x">链接</a>'
    )
    assert "<script" not in document.body
    assert "onclick" not in document.body
    assert "javascript:" not in document.body
    assert "<p>正文</p>" in document.body


def test_an_amended_document_links_to_its_replacement(client):
    new = DocumentFactory(title="新办法", published=True)
    old = DocumentFactory(title="旧办法", validity="已修改", superseded_by=new, published=True)
    html = client.get(old.get_absolute_url()).content.decode()
    assert "本文件已被修改" in html and new.get_absolute_url() in html


def test_a_replacement_that_is_not_public_is_not_linked(client):
    draft = DocumentFactory(title="未发布的新办法")
    old = DocumentFactory(validity="废止", superseded_by=draft, published=True)
    assert draft.get_absolute_url() not in client.get(old.get_absolute_url()).content.decode()


def test_the_detail_page_query_count_does_not_grow_with_attachments(
    client, django_assert_num_queries
):
    document = DocumentFactory(published=True)
    for n in range(5):
        attach(document, f"附件{n}.pdf", PDF)
    # the publication counter, the document, its attachments, what it repealed or amended,
    # its 相关解读 (``portal.related``)
    with django_assert_num_queries(5):
        client.get(document.get_absolute_url())


def attach(document, name, content):
    """An attachment, public when its document is (as publishing makes it)."""
    attachment = Attachment(
        document=document, file=SimpleUploadedFile(name, content), is_live=document.is_live
    )
    attachment.full_clean()
    attachment.save()
    return attachment


def test_an_attachment_is_downloaded_with_its_chinese_name(client):
    attachment = attach(DocumentFactory(published=True), "2019年政务公开工作方案.pdf", PDF)
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''2019%E5%B9%B4" in disposition
    assert b"".join(response.streaming_content) == PDF


def test_the_stored_file_name_never_reuses_the_uploaded_name():
    attachment = attach(DocumentFactory(), "../../etc/passwd.pdf", PDF)
    assert "passwd" not in attachment.file.name and ".." not in attachment.file.name
    assert attachment.original_name == "passwd.pdf"


def test_an_attachment_of_a_draft_is_not_found(client):
    attachment = attach(DocumentFactory(), "草稿附件.pdf", PDF)
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_a_program_renamed_to_pdf_is_refused_by_its_content():
    with pytest.raises(ValidationError) as caught:
        attach(DocumentFactory(), "通知.pdf", EXE)
    assert "不支持的文件类型" in caught.value.message_dict["file"][0]


def test_a_pdf_named_as_a_word_file_is_refused():
    with pytest.raises(ValidationError) as caught:
        attach(DocumentFactory(), "通知.docx", PDF)
    assert "与文件内容（PDF）不符" in caught.value.message_dict["file"][0]


def test_an_oversized_attachment_is_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError) as caught:
        attach(DocumentFactory(), "通知.pdf", PDF)
    assert "文件过大" in caught.value.message_dict["file"][0]


def test_the_attachment_list_shows_name_kind_and_size(client):
    document = DocumentFactory(published=True)
    attach(document, "附件一.pdf", PDF)
    html = client.get(document.get_absolute_url()).content.decode()
    assert "附件一.pdf" in html and "PDF" in html


def test_live_documents_need_a_publish_date():
    document = DocumentFactory()
    document.is_live = True
    with pytest.raises(ValidationError) as caught:
        document.full_clean()
    assert "published_at" in caught.value.message_dict
