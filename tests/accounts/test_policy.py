"""The password policy presets (portal.accounts.policy) against a reference predicate."""

import functools

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from portal.accounts import policy
from portal.accounts.demo import DEMO_PASSWORD

COMMON = password_validation.CommonPasswordValidator().passwords


class Account:
    """Enough of a user for the validators that do not touch the database."""

    pk = None
    password = ""

    def __init__(self, username):
        self.username = username


@functools.cache
def validators_of(preset: str):
    return password_validation.get_password_validators(policy.validators_for(preset))


def accepted(preset: str, password: str, username: str = "zhangsan") -> bool:
    validators = validators_of(preset)
    try:
        password_validation.validate_password(password, Account(username), validators)
    except ValidationError:
        return False
    return True


def reference_dengbao(password: str, username: str) -> bool:
    classes = sum(
        [
            any("A" <= c <= "Z" for c in password),
            any("a" <= c <= "z" for c in password),
            any("0" <= c <= "9" for c in password),
            any(not ("A" <= c <= "Z" or "a" <= c <= "z" or "0" <= c <= "9") for c in password),
        ]
    )
    return (
        len(password) >= 12
        and classes >= 3
        and username.lower() not in password.lower()
        and password.lower().strip() not in COMMON
        and password.lower().strip() != DEMO_PASSWORD.lower()
    )


def reference_asvs(password: str) -> bool:
    return (
        len(password) >= 12
        and password.lower().strip() not in COMMON
        and password.lower().strip() != DEMO_PASSWORD.lower()
    )


# Pieces that hit each rule: classes, the username in any case, a common password whole.
pieces = st.sampled_from(["a", "Q", "7", "-", "中", " ", "é", "zhangsan", "ZhangSan", "lamp"])
passwords = st.one_of(
    st.lists(pieces, max_size=12).map("".join),
    st.text(max_size=20),
    st.sampled_from(["password1234", "qwertyuiop123", "1234567890ab", DEMO_PASSWORD.upper()]),
)


@given(password=passwords)
@hsettings(max_examples=300)
def test_dengbao_accepts_exactly_what_the_reference_predicate_accepts(password):
    assert accepted("dengbao", password) == reference_dengbao(password, "zhangsan")


@given(password=passwords)
@hsettings(max_examples=300)
def test_asvs_accepts_exactly_what_the_reference_predicate_accepts(password):
    assert accepted("asvs", password) == reference_asvs(password)


@pytest.mark.parametrize(
    ("password", "dengbao", "asvs"),
    [
        ("Kq7-harbour-lamp", True, True),
        ("Kq7-harbour", False, False),  # 11 characters
        ("kq7harbourlamp", False, True),  # two classes: lower and digits
        ("KQ7HARBOURLAMP", False, True),
        ("kq-harbour-lamp", False, True),  # lower case and symbols: two classes
        ("Zhangsan-2026!", False, True),  # contains the username, whatever its case
        ("password1234", False, False),  # on the common list
        (DEMO_PASSWORD, False, False),  # printed in the README
        ("Correct horse battery staple " * 4, True, True),  # long passphrases allowed
    ],
)
def test_examples_of_each_preset(password, dengbao, asvs):
    assert accepted("dengbao", password) is dengbao
    assert accepted("asvs", password) is asvs


def test_asvs_allows_passwords_of_128_characters():
    assert accepted("asvs", "x" * 60 + "y" * 68)


def test_an_unknown_preset_is_refused_at_start():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        policy.validators_for("strong")


def test_the_messages_and_help_texts_are_chinese():
    validators = password_validation.get_password_validators(policy.validators_for("dengbao"))
    with pytest.raises(ValidationError) as refused:
        password_validation.validate_password("abc", Account("zhangsan"), validators)
    assert "至少需要 12 个字符" in " ".join(refused.value.messages)
    helps = password_validation.password_validators_help_texts(validators)
    assert helps and all(any("\u4e00" <= c <= "\u9fff" for c in text) for text in helps)


def test_the_production_settings_use_the_dengbao_preset_by_default():
    from portal import settings as production

    assert production.PASSWORD_POLICY == "dengbao"
    assert production.AUTH_PASSWORD_VALIDATORS == policy.validators_for("dengbao")
