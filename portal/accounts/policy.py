"""The password policy presets, chosen by the ``PASSWORD_POLICY`` setting.

- ``dengbao``: what 等保 2.0 assessors test (GB/T 22239-2019 8.1.4.1 身份鉴别: 口令具有复杂度
  要求并定期更换): at least 12 characters of 3 of the 4 classes, not containing the
  username, not a common password, not one of the last 5, changed every 90 days with a
  warning in the 7 days before.
- ``asvs``: OWASP ASVS 4.0 V2.1: length (at least 12, long passphrases allowed) and the
  common-password list, no composition rules, no periodic rotation.

This module is read by ``portal.settings`` (``AUTH_PASSWORD_VALIDATORS`` comes from
:func:`validators_for`), so it imports nothing from Django's models.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

VALIDATORS = "portal.accounts.validators"


@dataclass(frozen=True)
class Preset:
    min_length: int
    classes: int  # how many of upper, lower, digit, other a password needs (0: no rule)
    forbid_username: bool
    history: int  # how many earlier passwords may not come back (0: none)
    max_age_days: int  # 0: passwords never expire
    warn_days: int


PRESETS = {
    "dengbao": Preset(
        min_length=12, classes=3, forbid_username=True, history=5, max_age_days=90, warn_days=7
    ),
    "asvs": Preset(
        min_length=12, classes=0, forbid_username=False, history=0, max_age_days=0, warn_days=0
    ),
}


def preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"PASSWORD_POLICY must be one of {', '.join(PRESETS)}, not {name!r}."
        ) from None


def validators_for(name: str) -> list[dict]:
    """``AUTH_PASSWORD_VALIDATORS`` for the preset ``name``. The history validator is always
    there: its ``password_changed`` hook records each new password (its age, whether an
    administrator set it) and ends the account's sessions, whatever the preset."""
    chosen = preset(name)
    validators = [
        {
            "NAME": f"{VALIDATORS}.MinimumLengthValidator",
            "OPTIONS": {"min_length": chosen.min_length},
        },
        {"NAME": f"{VALIDATORS}.CommonPasswordValidator"},
    ]
    if chosen.classes:
        validators.append(
            {
                "NAME": f"{VALIDATORS}.CharacterClassesValidator",
                "OPTIONS": {"required": chosen.classes},
            }
        )
    if chosen.forbid_username:
        validators.append({"NAME": f"{VALIDATORS}.UsernameNotContainedValidator"})
    validators.append(
        {"NAME": f"{VALIDATORS}.PasswordHistoryValidator", "OPTIONS": {"remember": chosen.history}}
    )
    return validators
