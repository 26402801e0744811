"""Password validators of the presets (``portal.accounts.policy``), with Chinese messages.

The character classes are ASCII upper case, ASCII lower case, digits and everything else
(punctuation, spaces, Chinese characters…), so the rule means the same on every keyboard.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from portal.accounts import passwords, sessions
from portal.accounts.demo import DEMO_PASSWORD

CLASS_NAMES = ("大写字母", "小写字母", "数字", "其他字符（符号等）")
USERNAME_MIN_CHARS = 3  # a one- or two-letter name would forbid half of all passwords


def character_classes(password: str) -> set[int]:
    """Which of the four classes (indexes into ``CLASS_NAMES``) ``password`` uses."""
    found = set()
    for char in password:
        if "A" <= char <= "Z":
            found.add(0)
        elif "a" <= char <= "z":
            found.add(1)
        elif "0" <= char <= "9":
            found.add(2)
        else:
            found.add(3)
    return found


class MinimumLengthValidator:
    def __init__(self, min_length: int = 12):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                f"密码太短：至少需要 {self.min_length} 个字符。", code="password_too_short"
            )

    def get_help_text(self):
        return f"密码至少 {self.min_length} 个字符（可以更长，长句更安全）。"


class CharacterClassesValidator:
    def __init__(self, required: int = 3):
        self.required = required

    def validate(self, password, user=None):
        if len(character_classes(password)) < self.required:
            raise ValidationError(
                f"密码需包含{'、'.join(CLASS_NAMES)}中的至少 {self.required} 类。",
                code="password_too_simple",
            )

    def get_help_text(self):
        return f"需包含{'、'.join(CLASS_NAMES)}中的至少 {self.required} 类。"


class UsernameNotContainedValidator:
    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").strip()
        if len(username) >= USERNAME_MIN_CHARS and username.casefold() in password.casefold():
            raise ValidationError("密码不能包含用户名。", code="password_contains_username")

    def get_help_text(self):
        return "不能包含用户名（不区分大小写）。"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's list of 20,000 common passwords, plus the demo password everyone can read
    in the README."""

    def validate(self, password, user=None):
        if password.strip().lower() == DEMO_PASSWORD.lower():
            raise ValidationError("不能使用演示密码。", code="password_is_demo")
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError(
                "这个密码太常见，容易被猜中，请换一个。", code="password_too_common"
            ) from None

    def get_help_text(self):
        return "不能是常见密码。"


class PasswordHistoryValidator:
    """Refuses the current password and the ``remember`` before it; on every new password
    (Django calls ``password_changed`` after saving it) records it and ends the account's
    sessions: the one changing its own password keeps its session under a new key
    (``update_session_auth_hash``), every other one is logged out."""

    def __init__(self, remember: int = 5):
        self.remember = remember

    def validate(self, password, user=None):
        if not self.remember or user is None or not user.pk:
            return
        if passwords.was_used_before(user=user, password=password, remember=self.remember):
            raise ValidationError(
                f"不能使用最近 {self.remember} 次用过的密码。", code="password_reused"
            )

    def password_changed(self, password, user=None):
        if user is None or not user.pk:
            return
        if passwords.password_set(user=user, password=password, remember=self.remember):
            sessions.sessions_end(user=user)

    def get_help_text(self):
        if not self.remember:
            return "修改密码后，该账号在其他地方的登录将退出。"
        return f"不能与最近 {self.remember} 次用过的密码相同。"
