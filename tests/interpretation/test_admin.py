"""The clerks' side: scopes, linking, media, preview and the supervisors' 解读比例."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interpretation.models import Interpretation
from tests.disclosure.factories import DocumentFactory
from tests.interpretation.factories import InterpretationFactory
from tests.portal.roles import staff

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
CHANGELIST = reverse("admin:interpretation_interpretation_changelist")
ADD = reverse("admin:interpretation_interpretation_add")
RATIO = reverse("admin:interpretation_ratio")


@pytest.fixture
def outsider_clerk(agency):
    return staff("outside-clerk", agency.elsewhere, "信息员")


def test_a_clerk_of_another_organization_does_not_see_it(client, agency, outsider_clerk):
    document = DocumentFactory(organization=agency.office, by=agency.clerk)
    interpretation = InterpretationFactory(
        organization=agency.office, title="本局解读", documents=[document], by=agency.clerk
    )
    client.force_login(outsider_clerk)
    assert "本局解读" not in client.get(CHANGELIST).content.decode()
    change = reverse("admin:interpretation_interpretation_change", args=[interpretation.pk])
    assert client.get(change).status_code in (302, 404)  # admin redirects a missing object
    client.force_login(agency.clerk)
    assert "本局解读" in client.get(CHANGELIST).content.decode()


def test_the_admin_form_refuses_another_organizations_document(client, agency, outsider_clerk):
    theirs = DocumentFactory(organization=agency.office, by=agency.clerk)
    client.force_login(outsider_clerk)
    response = client.post(ADD, {
        "title": "越权关联", "kind": "qa", "documents": [theirs.pk],
        "organization": agency.elsewhere.pk, "body": "正文",
        "media-TOTAL_FORMS": 0, "media-INITIAL_FORMS": 0,
    })  # fmt: skip
    assert response.status_code == 200  # the form again, with an error
    assert "documents" in response.context["adminform"].form.errors
    assert not Interpretation.objects.filter(title="越权关联").exists()


def test_a_clerk_drafts_an_interpretation_with_the_editor(client, agency):
    document = DocumentFactory(organization=agency.office, by=agency.clerk)
    client.force_login(agency.clerk)
    page = client.get(ADD).content.decode()
    assert "正文" in page and "prose" in page.lower()  # the rich-text editor's widget
    response = client.post(ADD, {
        "title": "政策问答", "kind": "qa", "documents": [document.pk],
        "organization": agency.office.pk, "interpreter": "李四", "body": "<h2>问</h2><p>答</p>",
        "media-TOTAL_FORMS": 0, "media-INITIAL_FORMS": 0,
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    interpretation = Interpretation.objects.get(title="政策问答")
    assert interpretation.status == "draft" and interpretation.owner_organization == agency.office
    assert list(interpretation.documents.all()) == [document]
    assert "<h2>问</h2>" in interpretation.body


VIDEO = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 200  # an MP4 header, by content


def post_media(client, agency, interpretation, upload, *, kind, description, **media_fields):
    """The clerk's change form of ``interpretation`` with one new media row."""
    client.force_login(agency.clerk)
    change = reverse("admin:interpretation_interpretation_change", args=[interpretation.pk])
    return client.post(change, {
        "title": interpretation.title, "kind": kind,
        "documents": list(interpretation.documents.values_list("pk", flat=True)),
        "organization": agency.office.pk, "body": "正文",
        "media-TOTAL_FORMS": 1, "media-INITIAL_FORMS": 0,
        "media-0-file": upload, "media-0-description": description, "media-0-sort_order": 0,
        **{f"media-0-{name}": value for name, value in media_fields.items()},
    })  # fmt: skip


def test_media_needs_captions_or_a_transcript(client, agency):
    document = DocumentFactory(organization=agency.office, by=agency.clerk)
    interpretation = InterpretationFactory(
        organization=agency.office, documents=[document], by=agency.clerk
    )
    video = SimpleUploadedFile("talk.mp4", VIDEO, "video/mp4")
    response = post_media(
        client, agency, interpretation, video, kind="media", description="负责人访谈"
    )
    assert response.status_code == 200
    assert "音视频须提供字幕或文字稿" in response.content.decode()
    assert not interpretation.media.exists()


def test_a_disguised_file_is_refused_in_chinese(client, agency):
    document = DocumentFactory(organization=agency.office, by=agency.clerk)
    interpretation = InterpretationFactory(
        organization=agency.office, documents=[document], by=agency.clerk
    )
    fake = SimpleUploadedFile("picture.png", b"MZ\x90\x00" + b"\x00" * 100, "image/png")
    response = post_media(client, agency, interpretation, fake, kind="graphic", description="图解")
    assert response.status_code == 200
    assert "不支持的文件类型" in response.content.decode()


def test_preview_shows_the_version_under_review(client, agency):
    document = DocumentFactory(organization=agency.office, by=agency.clerk)
    interpretation = InterpretationFactory(
        organization=agency.office, title="待审解读", documents=[document], by=agency.clerk
    )
    client.force_login(agency.clerk)
    url = reverse("admin:interpretation_interpretation_preview", args=[interpretation.pk])
    page = client.get(url).content.decode()
    assert "预览" in page and "待审解读" in page and document.title in page


def _published(agency, document, day, *, year=2024, **kwargs):
    return InterpretationFactory(
        organization=agency.office, documents=[document], published=True,
        published_at=datetime(year, *day, 10, 0, tzinfo=SHANGHAI), **kwargs,
    )  # fmt: skip


def test_the_ratio_page_counts_what_a_supervisor_would(client, agency):
    """Hand count for 2024: four documents need interpretation, two have a public one,
    one of which came late; one more document needs none; a 2023 one does not count."""

    def policy(day, *, needs=True, year=2024):
        return DocumentFactory(
            organization=agency.office, needs_interpretation=needs, published=True,
            written_on=datetime(year, *day).date(),
        )  # fmt: skip

    a, b, c, d = policy((3, 4)), policy((4, 1)), policy((5, 6)), policy((6, 3))
    policy((7, 1), needs=False)
    old = policy((3, 1), year=2023)
    _published(agency, a, (3, 5), title="按时解读")
    _published(
        agency, b, (4, 10), title="迟到解读"
    )  # due 4-07: 清明 4-04..06 off, Sunday 4-07 worked
    _published(agency, old, (3, 20), year=2023, title="去年解读")  # late, but in 2023
    client.force_login(agency.supervisor)
    page = client.get(RATIO, {"year": 2024}).content.decode()
    assert '<td id="ratio-needing">4</td>' in page
    assert '<td id="ratio-interpreted">2</td>' in page
    assert '<td id="ratio-value">50%</td>' in page
    assert c.title in page and d.title in page
    assert "迟到解读" in page and '<td id="ratio-late-count">1</td>' in page
    assert "按时解读" not in page.split('id="ratio-late"')[1]


@pytest.mark.parametrize(
    "query", [{"year": "abc"}, {"year": "99999"}, {"organization": "x"}, {"organization": "999999"}]
)
def test_the_ratio_page_takes_bad_input_calmly(client, agency, query):
    client.force_login(agency.supervisor)
    assert client.get(RATIO, query).status_code == 200


def test_the_ratio_page_is_for_staff_with_the_view_permission(client, agency):
    nobody = staff("nobody", agency.office)
    client.force_login(nobody)
    assert client.get(RATIO).status_code == 403


CAPTIONS = "WEBVTT\n\n00:00.000 --> 00:02.000\n各位好，今天解读低保新政。\n"


def test_a_video_with_captions_plays_on_the_public_page_once_published(client, agency):
    document = DocumentFactory(organization=agency.office, published=True)
    interpretation = InterpretationFactory(
        organization=agency.office, documents=[document], by=agency.clerk
    )
    video = SimpleUploadedFile("talk.mp4", VIDEO, "video/mp4")
    response = post_media(
        client, agency, interpretation, video, kind="media", description="负责人访谈",
        captions=CAPTIONS,
    )  # fmt: skip
    assert response.status_code == 302
    media = interpretation.media.get()
    assert media.kind == "video" and not media.is_live
    client.logout()
    assert client.get(media.get_absolute_url()).status_code == 404  # not public yet

    from tests.interpretation.conftest import through_review

    through_review(interpretation, agency, steps=["submit", "approve", "publish"])
    media.refresh_from_db()
    assert media.is_live
    page = client.get(interpretation.get_absolute_url()).content.decode()
    assert f'<source src="{media.get_absolute_url()}" type="video/mp4">' in page
    assert (
        f'<track kind="captions" srclang="zh" label="中文字幕" src="{media.captions_url}" default>'
        in page
    )
    captions = client.get(media.captions_url)
    assert captions["Content-Type"] == "text/vtt; charset=utf-8"
    assert "今天解读低保新政" in captions.content.decode()
    assert client.get(media.get_absolute_url())["Content-Type"] == "video/mp4"
    seek = client.get(media.get_absolute_url(), HTTP_RANGE="bytes=4-11")  # a player seeking
    assert seek.status_code == 206 and b"".join(seek.streaming_content) == b"ftypmp42"


def test_captions_must_be_webvtt(agency):
    from django.core.exceptions import ValidationError

    from interpretation.models import Media

    media = Media(
        kind=Media.Kind.VIDEO, description="访谈", captions="1\n00:00:00,000 --> 00:00:02,000\n字幕"
    )
    with pytest.raises(ValidationError) as refused:
        media.clean()
    assert "WEBVTT" in str(refused.value)
