"""Consent and redaction: the public reply is a publication whose consent is checked
under the lock, and a letter with a phone number, an ID number, a name and an address
never leaks them on any public page, search result or feed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mailbox import services
from mailbox.models import Reply
from portal import workflow
from tests.mailbox.conftest import ID_NUMBER, close, publish_reply, submit

SECRETS = [
    "13812345678",
    "138 1234 5678",
    ID_NUMBER,
    "张三丰",
    "zhangsf@example.com",
    "龙山路123号",
]


@pytest.mark.django_db
def test_a_published_reply_leaks_no_personal_data_anywhere_public(client, mailbox, agency):
    letter = close(submit(mailbox, subject="张三丰咨询低保 13812345678"), agency)
    reply = publish_reply(Reply.objects.get(letter=letter), agency)
    assert reply.is_public
    pages = [
        reverse("mailbox:mailbox-list"),
        reverse("mailbox:reply-list", kwargs={"slug": "director"}),
        reverse("mailbox:reply-list", kwargs={"slug": "director"}) + "?q=低保",
        reply.get_absolute_url(),
        reverse("mailbox:reply-feed", kwargs={"slug": "director"}),
        reverse("search") + "?q=低保",
        reverse("search") + "?q=低保&kind=reply",
        reverse("mailbox:stats"),
        reverse("mailbox:stats-csv"),
        reverse("home"),
        "/sitemap.xml",
    ]
    found_reply = False
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        found_reply |= reply.get_absolute_url() in text
        for secret in SECRETS:
            assert secret not in text, (url, secret)
    assert found_reply
    search = client.get(reverse("search") + "?q=低保&kind=reply").content.decode()
    assert "信件答复" in search


@pytest.mark.django_db
def test_searching_for_the_phone_number_finds_nothing(client, mailbox, agency):
    reply = publish_reply(Reply.objects.get(letter=close(submit(mailbox), agency)), agency)
    assert reply.get_absolute_url() in client.get(reverse("search") + "?q=低保").content.decode()
    for query in ("13812345678", ID_NUMBER, "张三丰"):
        text = client.get(reverse("search"), {"q": query}).content.decode()
        assert reply.get_absolute_url() not in text, query


@pytest.mark.django_db
def test_a_reply_without_consent_cannot_be_approved_or_published(mailbox, agency):
    letter = close(submit(mailbox, consents_to_publish=False), agency)
    reply = services.reply_prepare(letter=letter, by=agency.clerk)
    reply = workflow.perform(reply, step="submit", by=agency.clerk)
    with pytest.raises(ValidationError, match="未同意公开"):
        workflow.perform(reply, step="approve", by=agency.reviewer, note="同意")
    assert Reply.objects.get(pk=reply.pk).status == "submitted"


@pytest.mark.django_db
def test_personal_data_left_in_the_public_text_blocks_approval(mailbox, agency):
    letter = close(submit(mailbox), agency)
    reply = Reply.objects.get(letter=letter)
    reply.letter_text += "\n补充：我的手机 13900001111。"
    reply = services.reply_save(reply=reply, by=agency.clerk)
    reply = workflow.perform(reply, step="submit", by=agency.clerk)
    with pytest.raises(ValidationError, match="电话"):
        workflow.perform(reply, step="approve", by=agency.reviewer, note="同意")


@pytest.mark.django_db
def test_the_drafter_of_the_public_version_cannot_approve_it(mailbox, agency):
    letter = close(submit(mailbox), agency)
    reply = workflow.perform(Reply.objects.get(letter=letter), step="submit", by=agency.clerk)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        workflow.perform(reply, step="approve", by=agency.clerk, note="同意")


@pytest.mark.django_db
def test_drafts_and_withdrawn_replies_are_not_public(client, mailbox, agency):
    draft = Reply.objects.get(letter=close(submit(mailbox), agency))
    live = publish_reply(Reply.objects.get(letter=close(submit(mailbox), agency)), agency)
    withdrawn = workflow.perform(live, step="withdraw", by=agency.publisher, note="调整")
    listing = client.get(
        reverse("mailbox:reply-list", kwargs={"slug": "director"})
    ).content.decode()
    assert draft.get_absolute_url() not in listing
    assert withdrawn.get_absolute_url() not in listing
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(withdrawn.get_absolute_url()).status_code == 410


@pytest.mark.django_db
def test_a_public_reply_shows_dates_department_letter_and_answer(
    client, mailbox, agency, department
):
    letter = close(submit(mailbox), agency, department=department)
    reply = publish_reply(Reply.objects.get(letter=letter), agency)
    page = client.get(reply.get_absolute_url()).content.decode()
    for text in (
        "受理日期",
        "答复日期",
        "答复部门",
        "社会救助处",
        "【电话】",
        "请携带身份证到街道办理",
    ):
        assert text in page


@pytest.mark.django_db
def test_the_sitemap_lists_published_replies_only(client, mailbox, agency):
    from django.utils import timezone

    live = publish_reply(Reply.objects.get(letter=close(submit(mailbox), agency)), agency)
    draft = Reply.objects.get(letter=close(submit(mailbox), agency))
    # A row made live behind the workflow's back for a writer who did not consent.
    refused = services.reply_prepare(
        letter=close(submit(mailbox, consents_to_publish=False), agency), by=agency.clerk
    )
    Reply.objects.filter(pk=refused.pk).update(is_live=True, published_at=timezone.now())
    assert "sitemap-mailbox-replies.xml" in client.get("/sitemap.xml").content.decode()
    sitemap = client.get("/sitemap-mailbox-replies.xml").content.decode()
    assert live.get_absolute_url() in sitemap
    assert draft.get_absolute_url() not in sitemap
    assert refused.get_absolute_url() not in sitemap
