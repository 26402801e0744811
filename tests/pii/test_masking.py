"""Lists and exports show ID and phone numbers masked, even to the handler; the full
values only on the case page of someone who handles it. The clerks' search finds an
applicant by the whole ID number, through the blind index, in their own cases only."""

import pytest
from django.urls import reverse

from tests.applications.factories import RESIDENT_ID
from tests.applications.test_admin import PHONE, register
from tests.mailbox.conftest import mailbox, submit  # noqa: F401  (fixture)

APPLICATIONS = reverse("admin:applications_application_changelist")
LETTERS = reverse("admin:mailbox_letter_changelist")


@pytest.mark.django_db
def test_the_application_list_masks_the_id_and_phone_even_for_the_handler(client, agency):
    application = register(agency)
    client.force_login(agency.clerk)
    listing = client.get(APPLICATIONS).content.decode()
    assert application.number in listing
    assert RESIDENT_ID not in listing and PHONE not in listing
    assert "110***********002X" in listing and "138****5678" in listing
    page = client.get(reverse("admin:applications_application_change", args=[application.pk]))
    assert RESIDENT_ID in page.content.decode() and PHONE in page.content.decode()


@pytest.mark.django_db
def test_the_handler_finds_an_applicant_by_the_whole_id_number(client, agency):
    application = register(agency)
    other = register(agency, id_number="110105194912310021")
    client.force_login(agency.clerk)
    found = client.get(APPLICATIONS, {"q": RESIDENT_ID.lower()}).content.decode()
    assert application.number in found and other.number not in found
    full_width = RESIDENT_ID.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789X"})
    pasted = client.get(APPLICATIONS, {"q": f" {full_width[:6]} {full_width[6:]} "})
    assert application.number in pasted.content.decode()  # folded as the public form folds
    part = client.get(APPLICATIONS, {"q": RESIDENT_ID[:10]})  # no partial match: it is a hash
    assert part.status_code == 200 and application.number not in part.content.decode()


@pytest.mark.django_db
def test_someone_who_does_not_handle_it_cannot_probe_an_id_number(client, agency):
    application = register(agency)
    client.force_login(agency.supervisor)
    assert application.number in client.get(APPLICATIONS).content.decode()
    found = client.get(APPLICATIONS, {"q": RESIDENT_ID}).content.decode()
    assert application.number not in found


@pytest.mark.django_db
def test_the_letter_export_masks_the_phone_even_for_the_handler(client, agency, mailbox):  # noqa: F811
    letter = submit(mailbox)
    client.force_login(agency.clerk)
    for fmt in ("csv", "xlsx"):
        export = client.get(reverse("admin:mailbox_letter_export", args=[fmt])).content
        text = export.decode("utf-8-sig") if fmt == "csv" else _xlsx_text(export)
        assert letter.tracking_code in text
        assert "13812345678" not in text and "zhangsf@example.com" not in text
        assert "138****5678" in text
    listing = client.get(LETTERS).content.decode()
    assert letter.tracking_code in listing and "13812345678" not in listing


def _xlsx_text(content: bytes) -> str:
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return "\n".join(
        ",".join(str(c or "") for c in row) for row in sheet.iter_rows(values_only=True)
    )
