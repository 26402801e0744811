"""Files the portal hands out are downloads, never pages: ``Content-Disposition:
attachment`` and ``nosniff``, so a browser never renders an uploaded file as HTML."""

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mailbox.models import LetterAttachment, Mailbox
from tests.mailbox.conftest import submit

pytestmark = pytest.mark.django_db

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def test_a_letters_attachment_is_downloaded_by_its_handler_never_shown_inline(client, agency):
    mailbox = Mailbox.objects.create(name="局长信箱", slug="director", organization=agency.office)
    letter = submit(mailbox)
    LetterAttachment.objects.create(
        letter=letter,
        file=SimpleUploadedFile("照片.png", PNG),
        original_name="照片.png",
        content_type="image/png",
        size=len(PNG),
    )
    attachment = LetterAttachment.objects.get(letter=letter)
    url = reverse("admin:mailbox_letter_attachment", args=[letter.pk, attachment.pk])
    client.force_login(agency.clerk)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG


def test_nobody_else_downloads_a_letters_attachment(client, agency):
    mailbox = Mailbox.objects.create(name="局长信箱", slug="director", organization=agency.office)
    letter = submit(mailbox)
    attachment = LetterAttachment.objects.create(
        letter=letter, file=SimpleUploadedFile("照片.png", PNG), original_name="照片.png"
    )
    url = reverse("admin:mailbox_letter_attachment", args=[letter.pk, attachment.pk])
    assert client.get(url).status_code == 302  # to the log-in page
    client.force_login(agency.outside_reviewer)
    assert client.get(url).status_code in (403, 404)
