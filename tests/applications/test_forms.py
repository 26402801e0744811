"""The application form: every field valid or refused in Chinese, never an exception; the
applicant's documents checked by their check characters."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disclosure.applications.forms import ApplicationForm
from portal.citizen_forms import TrackForm
from portal.id_numbers import check_character

RESIDENT_ID = "11010519491231002X"  # GB 11643's own example
CREDIT_CODE = "115000000092759914"  # the seed bureau's code (checked in tests/portal)
TODAY = date(2026, 11, 30)

PERSON = {
    "applicant_kind": "natural", "organization_type": "", "name": "王五",
    "contact_person": "", "id_type": "resident_id", "id_number": RESIDENT_ID,
    "phone": "13983001234", "address": "重庆市渝中区人民路1号", "postcode": "",
    "email": "", "info_title": "2025年城乡低保资金发放情况", "info_number": "",
    "description": "", "delivery_form": "paper", "delivery_method": "post",
    "captcha": "PASSED", "captcha_token": "", "submission_token": "t0k3n-0123456789abcdef",
}  # fmt: skip
COMPANY = {
    **PERSON, "applicant_kind": "organization", "organization_type": "commercial",
    "name": "重庆某某科技有限公司", "contact_person": "李四", "id_type": "credit_code",
    "id_number": CREDIT_CODE,
}  # fmt: skip


def form(data):
    return ApplicationForm(data, today=TODAY)


def has_chinese(text):
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def test_a_person_with_a_valid_resident_id_passes():
    f = form(PERSON)
    assert f.is_valid(), f.errors
    assert f.application_data()["applicant_type"] == "natural"
    assert f.application_data()["contact_person"] == ""


def test_a_resident_id_computed_by_the_standard_passes_whatever_its_check():
    first_17 = "50010319851107321"
    assert form({**PERSON, "id_number": first_17 + check_character(first_17)}).is_valid()


def test_a_wrong_check_digit_is_refused_in_chinese():
    f = form({**PERSON, "id_number": RESIDENT_ID[:17] + "1"})
    assert not f.is_valid()
    assert "校验位" in f.errors["id_number"][0]


def test_an_impossible_birth_date_is_refused():
    first_17 = "11010519490231002"
    f = form({**PERSON, "id_number": first_17 + check_character(first_17)})
    assert "出生日期" in f.errors["id_number"][0]


def test_full_width_and_lower_case_id_numbers_are_normalised():
    f = form({**PERSON, "id_number": "１１０１０５ １９４９１２３１００２ｘ"})
    assert f.is_valid(), f.errors
    assert f.cleaned_data["id_number"] == RESIDENT_ID


def test_an_organisation_with_a_valid_credit_code_passes():
    f = form(COMPANY)
    assert f.is_valid(), f.errors
    data = f.application_data()
    assert data["applicant_type"] == "commercial"
    assert data["contact_person"] == "李四"


def test_an_organisation_needs_its_kind_and_a_contact_person():
    f = form({**COMPANY, "organization_type": "", "contact_person": ""})
    assert "组织类别" in f.errors["organization_type"][0]
    assert "联系人" in f.errors["contact_person"][0]


def test_a_wrong_credit_code_is_refused():
    f = form({**COMPANY, "id_number": CREDIT_CODE[:17] + "5"})
    assert "校验位错误" in f.errors["id_number"][0]


def test_a_person_cannot_prove_identity_with_a_credit_code():
    f = form({**PERSON, "id_type": "credit_code", "id_number": CREDIT_CODE})
    assert "自然人" in f.errors["id_type"][0]


def test_an_organisation_cannot_use_a_passport():
    f = form({**COMPANY, "id_type": "passport", "id_number": "E12345678"})
    assert "统一社会信用代码" in f.errors["id_type"][0]


@pytest.mark.parametrize("number", ["E12345678", "H1234567890", "c-123456(8)"])
def test_other_documents_are_allowed_with_a_sane_pattern(number):
    assert form({**PERSON, "id_type": "passport", "id_number": number}).is_valid()


@pytest.mark.parametrize("number", ["<script>", "12", "护照一二三四"])
def test_other_documents_with_odd_characters_are_refused(number):
    f = form({**PERSON, "id_type": "passport", "id_number": number})
    assert "证件号码格式不正确" in f.errors["id_number"][0]


@pytest.mark.parametrize(
    ("field", "value"), [("delivery_method", "email"), ("delivery_form", "email")]
)
def test_e_mail_delivery_needs_an_e_mail_address(field, value):
    f = form({**PERSON, field: value})
    assert "电子邮箱" in f.errors["email"][0]
    assert form({**PERSON, field: value, "email": "wang@example.com"}).is_valid()


def test_the_information_title_is_required_and_the_number_is_not():
    f = form({**PERSON, "info_title": "  "})
    assert f.errors["info_title"] == ["请填写所需信息名称。"]
    assert form({**PERSON, "info_number": ""}).is_valid()


def test_a_bad_phone_and_postcode_are_refused():
    f = form({**PERSON, "phone": "12345", "postcode": "4000"})
    assert "联系电话" in f.errors["phone"][0]
    assert "6位数字" in f.errors["postcode"][0]


def test_the_captcha_and_submission_token_are_required():
    f = form({**PERSON, "captcha": "", "submission_token": ""})
    assert f.errors["captcha"] == ["请回答验证问题。"]
    assert "submission_token" in f.errors


TEXT_FIELDS = ["applicant_kind", "organization_type", "name", "contact_person", "id_type",
               "id_number", "phone", "address", "postcode", "email", "info_title",
               "info_number", "description", "delivery_form", "delivery_method", "captcha",
               "captcha_token", "submission_token"]  # fmt: skip


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    base=st.sampled_from([PERSON, COMPANY]),
    field=st.sampled_from(TEXT_FIELDS),
    value=st.text(max_size=300),
)
def test_any_text_in_any_field_is_valid_or_refused_in_chinese(base, field, value):
    f = form({**base, field: value})
    if f.is_valid():
        assert f.application_data()["info_title"]
    else:
        for errors in f.errors.values():
            for error in errors:
                assert has_chinese(error), error


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=2001, max_size=2300))
def test_an_oversized_description_is_refused(value):
    f = form({**PERSON, "description": value})
    if not f.is_valid():
        assert all(has_chinese(e) for errors in f.errors.values() for e in errors)
    else:  # what is left after dropping control characters fits
        assert len(f.cleaned_data["description"]) <= 2000


@given(code=st.text(max_size=60), password=st.text(max_size=60))
def test_the_track_form_takes_any_text_without_an_exception(code, password):
    f = TrackForm({"tracking_code": code, "password": password})
    if not f.is_valid():
        assert all(has_chinese(e) for errors in f.errors.values() for e in errors)
