"""Against abuse of the citizens' forms (mailbox letters, disclosure applications) and
their tracking pages, with no outside service.

- A CAPTCHA anyone can answer: a small sum written out as text (“7 加 5 等于几？”),
  which screen readers speak and older people read at any zoom, in digits and in
  Chinese numerals; the answer may be typed in either. The challenge travels signed in
  the form, its answer only as a keyed hash; each challenge is accepted once.
- Rate limits per IP address and per telephone number, counted in a fixed window in
  Django's cache: the ``RATELIMIT_CACHE`` alias (the database cache by default, so all
  app servers share one count), the default cache where that alias is not configured.
- ``CAPTCHA_TEST_MODE`` (the answer ``PASSED`` is accepted) and ``RATELIMIT_ENABLE=false``
  exist for automated acceptance tests; ``mailbox.checks`` refuses both in production.

Each form signs its challenges in its own ``namespace`` (the mailbox keeps its historic salt
``mailbox.captcha``), so a challenge issued by one form is not accepted by another.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.utils.crypto import constant_time_compare, salted_hmac

from portal.encryption import blind_index

CAPTCHA_NAMESPACE = "mailbox"
CAPTCHA_MAX_AGE = 60 * 60  # seconds: an older person may take their time writing
NUMERALS = "零一二三四五六七八九十"
TEST_ANSWER = "PASSED"


@dataclass(frozen=True)
class Challenge:
    question: str  # 7 加 5 等于几？
    spoken: str  # 七加五等于几？
    token: str


def _chinese(number: int) -> str:
    if number <= 10:
        return NUMERALS[number]
    tens, ones = divmod(number, 10)
    return f"{'' if tens == 1 else NUMERALS[tens]}十{NUMERALS[ones] if ones else ''}"


def _salt(namespace: str) -> str:
    return f"{namespace}.captcha"


def new_challenge(*, namespace: str = CAPTCHA_NAMESPACE) -> Challenge:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    if secrets.randbelow(2) and a != b:
        a, b = max(a, b), min(a, b)
        answer, word = a - b, "减"
    else:
        answer, word = a + b, "加"
    nonce = secrets.token_hex(8)
    salt = _salt(namespace)
    token = signing.dumps({"n": nonce, "h": _answer_hash(salt, nonce, answer)}, salt=salt)
    return Challenge(
        question=f"{a} {word} {b} 等于几？",
        spoken=f"{_chinese(a)}{word}{_chinese(b)}等于几？",
        token=token,
    )


def refresh_challenge(form, *, namespace: str = CAPTCHA_NAMESPACE) -> Challenge:
    """A new question for a form shown (again): a bound form keeps what was typed except
    the answer, which is cleared; an unbound form starts with the new token."""
    challenge = new_challenge(namespace=namespace)
    if form.is_bound:
        data = form.data.copy()
        data["captcha_token"] = challenge.token
        data["captcha"] = ""
        form.data = data
    else:
        form.initial["captcha_token"] = challenge.token
    return challenge


def _answer_hash(salt: str, nonce: str, answer: int) -> str:
    return salted_hmac(salt, f"{nonce}:{answer}", algorithm="sha256").hexdigest()


def parse_answer(text: str) -> int | None:
    """12, １２, 十二 or 一十二 → 12; anything else → None."""
    text = "".join((text or "").split())
    text = text.translate({ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９"})
    if text.isascii() and text.isdigit() and len(text) <= 3:
        return int(text)
    if text and all(c in NUMERALS for c in text) and len(text) <= 3:
        if "十" not in text:
            return int("".join(str(NUMERALS.index(c)) for c in text)) if len(text) == 1 else None
        tens, _, ones = text.partition("十")
        if len(tens) > 1 or len(ones) > 1 or tens == "零" or ones == "零":
            return None
        return (NUMERALS.index(tens) if tens else 1) * 10 + (NUMERALS.index(ones) if ones else 0)
    return None


def check_captcha(token: str, answer: str, *, namespace: str = CAPTCHA_NAMESPACE) -> bool:
    """True once per challenge for its right answer (or ``PASSED`` in test mode)."""
    salt = _salt(namespace)
    if settings.CAPTCHA_TEST_MODE and (answer or "").strip() == TEST_ANSWER:
        return True
    try:
        data = signing.loads(token or "", salt=salt, max_age=CAPTCHA_MAX_AGE)
        nonce, expected = str(data["n"]), str(data["h"])
    except (signing.BadSignature, KeyError, TypeError):
        return False
    number = parse_answer(answer)
    if number is None or not constant_time_compare(_answer_hash(salt, nonce, number), expected):
        return False
    return _cache().add(f"captcha-used:{nonce}", 1, CAPTCHA_MAX_AGE)


# --- rate limits ---------------------------------------------------------------------------


def _cache():
    alias = settings.RATELIMIT_CACHE
    return caches[alias if alias in settings.CACHES else "default"]


def _key(scope: str, value: str) -> str:
    # A keyed hash: no telephone or ID number is ever a cache key in clear, nor a plain
    # hash, which trying every possible number would reverse (portal.encryption).
    return blind_index(value, purpose=f"ratelimit:{scope}")[:40]


def allow(scope: str, value: str, *, limit: int, window: int) -> bool:
    """Count one attempt of ``value`` (an IP, a phone, an ID number) in ``scope``; False once the
    window's count is past ``limit``. Always True with ``RATELIMIT_ENABLE`` off."""
    if not settings.RATELIMIT_ENABLE or not value:
        return True
    key = f"rl:{_key(scope, value)}:{int(time.time() // window)}"
    cache = _cache()
    cache.add(key, 0, window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window + 5)
        count = 1
    return count <= limit


def over_limit(scope: str, value: str, *, limit: int, window: int) -> bool:
    """Whether ``value`` is past its limit, without counting an attempt."""
    if not settings.RATELIMIT_ENABLE or not value:
        return False
    key = f"rl:{_key(scope, value)}:{int(time.time() // window)}"
    return (_cache().get(key) or 0) >= limit


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the proxy's X-Forwarded-For (its last hop)
    only when the site is configured as behind a proxy."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
