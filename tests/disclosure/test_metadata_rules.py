"""Plausible dates and well-formed 索引号, in the admin form and the import alike."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from disclosure.metadata_rules import date_errors, index_number_error
from tests.disclosure.factories import DocumentFactory
from tests.disclosure.test_admin import ADD, form_data, logged_in

TODAY = date(2026, 11, 30)
SHANGHAI = ZoneInfo("Asia/Shanghai")
VALID_CODE = "11500000MB1543123B"  # check character by GB 32100


@pytest.mark.parametrize(
    "written, published, field",
    [
        (date(1, 1, 1), None, "written_on"),
        (date(9999, 12, 31), None, "written_on"),
        (date(1949, 9, 30), None, "written_on"),
        (None, datetime(1, 1, 2, tzinfo=SHANGHAI), "published_at"),
        (date(2025, 3, 6), datetime(2025, 3, 5, 9, 30, tzinfo=SHANGHAI), "written_on"),
    ],
)
def test_implausible_dates_are_errors(written, published, field):
    errors = date_errors(written, published, today=TODAY)
    assert list(errors) == [field]
    assert "不合理" in errors[field] or "晚于发布日期" in errors[field]


def test_plausible_dates_pass():
    assert date_errors(date(1949, 10, 1), None, today=TODAY) == {}
    assert (
        date_errors(date(2025, 3, 5), datetime(2025, 3, 5, 0, 10, tzinfo=SHANGHAI), today=TODAY)
        == {}
    )


@pytest.mark.parametrize(
    "number, expected",
    [
        (f"{VALID_CODE}/2026-00001", ""),
        (f"{VALID_CODE}/2026-1", ""),
        ("11500000MB1543123A/2026-00001", "校验位"),
        (f"{VALID_CODE}/1800-00001", "年份"),
        (f"{VALID_CODE}/2026-00000", "序号"),
        ("01527918X-2020-153077", "格式"),
        (f"{VALID_CODE}-2026-00001", "格式"),
    ],
)
def test_a_hand_typed_index_number_follows_the_pattern(number, expected):
    error = index_number_error(number, today=TODAY)
    assert (expected in error and error) if expected else error == ""


@pytest.mark.django_db
def test_the_admin_refuses_a_malformed_index_number_unless_marked_legacy(agency, client):
    client = logged_in(client, agency.clerk)
    response = client.post(ADD, form_data(agency, index_number="abc/123"))
    assert "索引号格式不对" in str(response.context["adminform"].form.errors["index_number"])
    client.post(ADD, form_data(agency, index_number="abc/123", has_legacy_index_number="on"))
    from disclosure.models import Document

    assert Document.objects.get().index_number == "abc/123"


@pytest.mark.django_db
def test_the_admin_refuses_a_written_date_after_the_publish_date(agency):
    document = DocumentFactory(
        published=True, written_on=date(2024, 5, 6), organization=agency.bureau
    )
    document.written_on = date(2024, 6, 1)
    with pytest.raises(ValidationError) as refused:
        document.full_clean()
    assert "晚于发布日期" in str(refused.value)


@pytest.mark.django_db
@pytest.mark.parametrize("written", ["0001-01-01", "9999-12-31"])
def test_the_admin_refuses_an_implausible_written_date(agency, client, written):
    response = logged_in(client, agency.clerk).post(ADD, form_data(agency, written_on=written))
    assert response.status_code == 200
    assert "不合理" in str(response.context["adminform"].form.errors["written_on"])
