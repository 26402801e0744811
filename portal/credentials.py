"""What a citizen tracks a case with (a mailbox letter, a disclosure application): a random
查询码 and a query password.

The password is derived from the form's one-time submission token with the site's
secret, so that a double click or a replayed POST of the same form shows the same
password again (the case is created once, e.g. ``mailbox.services.letter_submit``), while
the database keeps only a salted hash. Both are long random strings, checked in constant
time; tracking attempts are throttled (``portal.antiabuse``). Each app derives its
passwords in its own ``namespace``, so one app's token never yields another app's password.
"""

import hashlib
import hmac
import re
import secrets

from django.utils.crypto import salted_hmac

# No 0/O, 1/I/L: read aloud or copied from paper without confusion.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
SUBMISSION_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
PASSWORD_LENGTH = 8


def new_tracking_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def new_submission_token() -> str:
    return secrets.token_urlsafe(32)


def is_submission_token(value: str) -> bool:
    """Whether ``value`` looks like what ``new_submission_token`` makes: anything else (a
    NUL byte, a megabyte of text) is refused before it reaches a database lookup."""
    return bool(SUBMISSION_TOKEN.fullmatch(value or ""))


def password_for(submission_token: str, *, namespace: str = "mailbox") -> str:
    """The query password for ``submission_token``. The mailbox's salt stays
    ``mailbox.query-password`` so passwords handed out before the move keep working."""
    salt = f"{namespace}.query-password"
    digest = salted_hmac(salt, submission_token, algorithm="sha256").digest()
    return "".join(ALPHABET[byte % len(ALPHABET)] for byte in digest[:PASSWORD_LENGTH])


def hash_password(password: str) -> str:
    """A salted SHA-256: the password is random (40 bits), not a person's choice, and
    tracking is throttled, so a slow hash would only slow 200 concurrent writers."""
    salt = secrets.token_hex(8)
    return f"sha256${salt}${_digest(salt, password)}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, salt, digest = stored.split("$", 2)
    except ValueError:
        return False
    return hmac.compare_digest(_digest(salt, normalise(password)), digest)


def normalise(value: str) -> str:
    """What people type: lower case, blanks, full-width letters."""
    value = "".join((value or "").split()).upper()
    return value.translate({ord(c): ord(c) - 0xFEE0 for c in map(chr, range(0xFF01, 0xFF5F))})


def _digest(salt: str, password: str) -> str:
    return hashlib.sha256(f"{salt}:{password}".encode()).hexdigest()
