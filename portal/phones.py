"""Telephone numbers as citizens type them on the public forms (mailbox letters,
disclosure applications): a mainland mobile number or a landline with its area code."""

import re

MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}(?:转\d{1,5})?$")
PHONE_ERROR = "联系电话格式不正确：请填写 11 位手机号码，或带区号的固定电话（如 023-12345678）。"


def normalise_phone(value: str) -> str:
    value = "".join((value or "").split())
    value = value.translate({ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９－（）＋"})
    return re.sub(r"[\-()（）]", "", value)


def is_phone(value: str) -> bool:
    """Whether an already normalised ``value`` is a mobile or a landline number."""
    return bool(MOBILE.match(value) or LANDLINE.match(value))
