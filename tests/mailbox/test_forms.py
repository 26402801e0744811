"""The letter form with arbitrary Unicode in every text input: valid or a Chinese
error, never an exception."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailbox.forms import LetterForm
from portal.antiabuse import parse_answer

BASE = {"kind": "consult", "subject": "低保申请材料咨询", "body": "请问申请低保需要什么材料？谢谢。",
        "name": "李四", "phone": "13983001234", "email": "", "consent": "yes", "captcha": "7",
        "captcha_token": "", "submission_token": "tok-" + "0" * 40}  # fmt: skip


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(field=st.sampled_from(["subject", "body", "name", "phone", "email", "captcha", "kind",
                             "consent", "submission_token"]),
       value=st.text(max_size=400))  # fmt: skip
def test_any_text_in_any_field_is_valid_or_refused_in_chinese(field, value):
    form = LetterForm({**BASE, field: value})
    if form.is_valid():
        assert form.cleaned_data["subject"]
    else:
        for errors in form.errors.values():
            for error in errors:
                assert any("\u4e00" <= c <= "\u9fff" for c in error), error


def test_the_valid_base_passes():
    assert LetterForm(BASE).is_valid()


@pytest.mark.parametrize(("text", "number"), [("12", 12), ("１２", 12), ("十二", 12), ("七", 7),
                                              ("二十", 20), ("十", 10), ("abc", None), ("", None)])  # fmt: skip
def test_captcha_answers_in_digits_or_chinese_numerals(text, number):
    assert parse_answer(text) == number
