"""Personal data encrypted at rest (个人信息保护法 Art 51; GB/T 22239-2019 8.1.4.8 保密性).

Citizens' ID numbers, telephone numbers and addresses are stored as Fernet tokens
(AES-128-CBC with an HMAC-SHA256 tag, a random IV: authenticated and randomised) with
keys from the environment, never from the database:

- ``PII_ENCRYPTION_KEYS``: comma-separated Fernet keys (32 random bytes, url-safe
  base64). The first encrypts; every one decrypts, so a key is rotated by putting the new
  one first and keeping the old ones until ``manage.py reencrypt_personal_data`` has
  rewritten every row with the new key.
- ``PII_INDEX_KEY``: a separate secret for the blind index (HMAC-SHA256), the only way to
  find rows by an encrypted value (an applicant's applications by ID number). A keyed
  hash, not a plain one: an ID number or a mobile number has few enough possible values
  to be found from a plain hash by trying them all.

Without the keys the data cannot be read: they are backed up apart from the database.
With DEBUG on (and in the tests, ``PII_DEV_KEYS``) unset keys are derived from
SECRET_KEY so a checkout runs without set-up; with DEBUG off a missing key is refused at
first use and by ``check --deploy`` (``check_keys`` below), never silently derived.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver

from portal.fields import LineField

# Every Fernet token starts with its version byte 0x80, which base64 writes as "gAAAAA".
TOKEN_PREFIX = "gAAAAA"


class PersonalDataKeyError(ImproperlyConfigured):
    """A key is missing or malformed: the portal cannot read or write personal data."""


class UndecryptableError(Exception):
    """A stored value no configured key opens (a key lost, or dropped too early in a
    rotation), or one that was never encrypted. The message names neither the value
    nor the keys."""


def _derived(purpose: str) -> bytes:
    return hashlib.sha256(f"portal-pii-{purpose}:{settings.SECRET_KEY}".encode()).digest()


def _dev_keys_allowed() -> bool:
    return bool(settings.DEBUG or getattr(settings, "PII_DEV_KEYS", False))


def configuration_errors(*, allow_derived: bool | None = None) -> list[str]:
    """What is wrong with the keys as configured (empty when they are usable), in the
    words of the deploy check and of the error at first use. ``allow_derived``: whether
    unset keys may be derived from SECRET_KEY (by default with DEBUG or PII_DEV_KEYS)."""
    if allow_derived is None:
        allow_derived = _dev_keys_allowed()
    keys = list(getattr(settings, "PII_ENCRYPTION_KEYS", []) or [])
    index_key = getattr(settings, "PII_INDEX_KEY", "") or ""
    problems = []
    if not keys and not allow_derived:
        problems.append(
            "PII_ENCRYPTION_KEYS 未设置：个人信息（证件号码、电话、地址）无法加密保存。"
        )
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            problems.append(
                f"PII_ENCRYPTION_KEYS 的第 {position} 个密钥格式不对：应为 32 字节随机数的"
                "URL 安全 Base64 编码（如 Fernet.generate_key() 的结果）。"
            )
    if not index_key and not allow_derived:
        problems.append("PII_INDEX_KEY 未设置：无法按证件号码查找申请。")
    elif index_key and len(index_key) < 32:
        problems.append("PII_INDEX_KEY 太短：至少 32 个字符的随机串。")
    if index_key and index_key in keys:
        problems.append("PII_INDEX_KEY 不能与加密密钥相同。")
    return problems


@checks.register(checks.Tags.security, deploy=True)
def check_keys(app_configs=None, **kwargs):
    """``check --deploy``: the keys are set (not derived from SECRET_KEY) and well formed."""
    # A deployment never runs on keys derived from SECRET_KEY, whatever PII_DEV_KEYS says.
    problems = configuration_errors(allow_derived=settings.DEBUG)
    return [
        checks.Error(problem, hint="见 .env.example 与 README“个人信息保护”。", id="portal.E130")
        for problem in dict.fromkeys(problems)
    ]


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    problems = configuration_errors()
    if problems:
        raise PersonalDataKeyError(" ".join(problems))
    keys = list(settings.PII_ENCRYPTION_KEYS or [])
    if not keys:
        keys = [base64.urlsafe_b64encode(_derived("encryption")).decode()]
    return MultiFernet([Fernet(key) for key in keys])


@lru_cache(maxsize=1)
def _index_key() -> bytes:
    problems = configuration_errors()
    if problems:
        raise PersonalDataKeyError(" ".join(problems))
    configured = settings.PII_INDEX_KEY
    return configured.encode() if configured else _derived("index")


@receiver(setting_changed)
def _forget_keys(*, setting, **kwargs):
    if setting in {"PII_ENCRYPTION_KEYS", "PII_INDEX_KEY", "PII_DEV_KEYS", "SECRET_KEY", "DEBUG"}:
        _fernet.cache_clear()
        _index_key.cache_clear()


def encrypt(value: str) -> str:
    """``value`` as a token under the first key; a new random IV each time."""
    return _fernet().encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The text of ``token``, under whichever configured key wrote it."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError) as error:
        raise UndecryptableError(
            "个人信息无法解密：数据库中的密文不能用 PII_ENCRYPTION_KEYS 中的任何密钥打开"
            "（密钥丢失，或轮换时过早删除了旧密钥），或该值从未加密。"
        ) from error


def rotate(token: str) -> str:
    """``token`` re-encrypted under the first key (key rotation)."""
    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeEncodeError) as error:
        raise UndecryptableError("个人信息无法用现有密钥解密，不能轮换。") from error


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed hash of ``value`` for equality lookups (64 hex characters). ``purpose``
    separates the kinds of value, so equal strings of two kinds never match. Blanks are
    removed and letters upper-cased first: a document number is the same typed either way."""
    normalised = "".join((value or "").split()).upper()
    message = f"{purpose}\x00{normalised}".encode()
    return hmac.new(_index_key(), message, hashlib.sha256).hexdigest()


class EncryptedMixin:
    """Stores the value as a token in a ``text`` column; decrypts on load. Empty stays
    empty (it says only that the person left the field blank). Only ``isnull`` lookups
    work: equal values have different tokens, so use a blind index to find rows."""

    def db_type(self, connection):
        return connection.data_types["TextField"]

    def cast_db_type(self, connection):
        return self.db_type(connection)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise FieldError(
                f"“{self.name}”是加密字段，不能按“{lookup_name}”查询（密文每次不同）；"
                "请用其盲索引字段做等值查找。"
            )
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name):
        raise FieldError(f"“{self.name}”是加密字段，不能按“{lookup_name}”查询。")

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A short value (a telephone number, a document number); ``max_length`` bounds the
    plaintext, the column is ``text``."""


class EncryptedEmailField(EncryptedMixin, models.EmailField):
    """An e-mail address stored encrypted."""


class EncryptedLineField(EncryptedMixin, LineField):
    """A ``LineField`` (cleaned like any typed line) stored encrypted: an address."""


class BlindIndexField(models.CharField):
    """The blind index of another field of the row, kept in step on every save.
    ``QuerySet.update()`` of the source bypasses it: write the source with ``save()``."""

    def __init__(self, *args, source: str = "", purpose: str = "", **kwargs):
        self.source, self.purpose = source, purpose or source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"], kwargs["purpose"] = self.source, self.purpose
        for key, default in (
            ("max_length", 64),
            ("editable", False),
            ("blank", True),
            ("default", ""),
        ):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def digest(self, value: str) -> str:
        """What this field stores for ``value``: filter on it to find equal values."""
        return blind_index(value, purpose=self.purpose) if value else ""

    def pre_save(self, model_instance, add):
        value = self.digest(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value
