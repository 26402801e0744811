"""The editor's image upload endpoint and the images it serves (``portal.editor_uploads``):
who may upload, what is refused and in which words, and what is served."""

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from portal.richtext import IMAGE_SOURCE, sanitize_html
from tests.disclosure.test_admin import ADD
from tests.portal.test_editor import OWN_IMAGE, UPLOAD, png, upload_file


def post_image(client, content=None, name="图.png", alt="示意图", **extra):
    data = {"alt": alt} if alt is not None else {}
    if content is not False:
        data["image"] = upload_file(name, png() if content is None else content)
    return client.post(UPLOAD, data, **extra)


@pytest.mark.django_db
def test_anonymous_uploads_are_sent_to_log_in(client):
    response = post_image(client)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not default_storage.exists("editor-images")


@pytest.mark.django_db
def test_staff_without_the_permission_to_edit_documents_are_refused(agency, client):
    client.force_login(agency.reviewer)
    response = post_image(client)
    assert response.status_code == 403
    assert "没有编辑公开文件的权限" in response.json()["error"]


@pytest.mark.django_db
def test_a_user_who_is_not_staff_is_refused_even_with_the_permission(agency, client):
    agency.clerk.is_staff = False
    agency.clerk.save()
    client.force_login(agency.clerk)
    assert post_image(client).status_code == 403


@pytest.mark.django_db
def test_only_post_is_allowed(agency, client):
    client.force_login(agency.clerk)
    assert client.get(UPLOAD).status_code == 405


@pytest.mark.django_db
def test_a_model_whose_admin_has_no_editor_has_no_upload(agency, client):
    client.force_login(agency.clerk)
    for app_label, model_name in [("portal", "user"), ("portal", "searchentry"), ("x", "y")]:
        url = reverse(
            "editor-image-upload", kwargs={"app_label": app_label, "model_name": model_name}
        )
        response = client.post(url, {"alt": "x", "image": upload_file("a.png", png())})
        assert response.status_code == 404 and response.json()["error"] == "此处不能上传图片。"


@pytest.mark.django_db
def test_a_clerk_uploads_an_image_and_gets_its_served_url(agency, client):
    client.force_login(agency.clerk)
    response = post_image(client, alt="  2026年救助流程图 ")
    assert response.status_code == 201
    answer = response.json()
    assert IMAGE_SOURCE.fullmatch(answer["url"]) and answer["alt"] == "2026年救助流程图"
    # A random name, not the uploader's.
    assert "图" not in answer["url"]
    served = Client().get(answer["url"])
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == png()
    assert sanitize_html(f'<img src="{answer["url"]}" alt="x">') != ""


@pytest.mark.django_db
def test_two_uploads_of_one_file_get_different_names(agency, client):
    client.force_login(agency.clerk)
    assert post_image(client).json()["url"] != post_image(client).json()["url"]


@pytest.mark.django_db
def test_an_upload_without_the_csrf_token_is_refused(agency):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agency.clerk)
    assert post_image(client).status_code == 403
    client.get(ADD)  # the admin form sets the token cookie the editor's script sends back
    token = client.cookies["csrftoken"].value
    assert post_image(client, HTTP_X_CSRFTOKEN=token).status_code == 201


@pytest.mark.django_db
def test_an_upload_without_alternative_text_is_refused_in_chinese(agency, client):
    client.force_login(agency.clerk)
    for alt in (None, "", "   "):
        response = post_image(client, alt=alt)
        assert response.status_code == 400
        assert "请填写替代文字" in response.json()["error"]
    assert not default_storage.exists("editor-images")


@pytest.mark.django_db
def test_an_upload_without_a_file_is_refused_in_chinese(agency, client):
    client.force_login(agency.clerk)
    response = post_image(client, content=False)
    assert response.status_code == 400 and "请选择要插入的图片" in response.json()["error"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("报告.png", b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "不支持的文件类型"),
        (
            "脚本.png",
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "不支持的文件类型",
        ),
        ("网页.jpg", b"<html><body>hi</body></html>", "不支持的文件类型"),
        (
            "动图.png",
            b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04",
            "不支持的文件类型",
        ),
        ("图.jpg", None, "与文件内容（PNG）不符"),
        ("坏图.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR" + b"\x00" * 17, "文件已损坏"),
    ],
)
@pytest.mark.django_db
def test_a_file_that_is_not_the_image_it_claims_is_refused_by_its_content(
    agency, client, name, content, message
):
    client.force_login(agency.clerk)
    response = post_image(client, content=content, name=name)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not default_storage.exists("editor-images")


@pytest.mark.django_db
def test_an_image_over_the_size_limit_is_refused(agency, client, settings):
    settings.EDITOR_IMAGE_MAX_BYTES = 50
    client.force_login(agency.clerk)
    response = post_image(client, content=png(200, 200) + b"\x00" * 100)
    assert response.status_code == 413
    assert "文件过大" in response.json()["error"]


@pytest.mark.django_db
def test_an_image_with_too_many_pixels_is_refused(agency, client, settings):
    settings.ATTACHMENT_MAX_PIXELS = 100
    client.force_login(agency.clerk)
    response = post_image(client, content=png(20, 10))
    assert response.status_code == 400
    assert "图片尺寸过大：20×10像素" in response.json()["error"]


@pytest.mark.django_db
def test_only_stored_editor_images_are_served(client):
    assert client.get(OWN_IMAGE).status_code == 404
    assert client.get("/uploads/images/..%2F..%2Fsettings.py").status_code == 404
    assert client.post(OWN_IMAGE).status_code == 405
