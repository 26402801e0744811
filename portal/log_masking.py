"""Personal data masked in log lines, with no Django: Django's handlers
(``settings.LOGGING``) and gunicorn's own logs (``portal.gunicorn_conf``, whose master
process imports no Django) use the same filter (个人信息保护法 Art 51; GB/T 22239-2019
8.1.4.11 剩余信息保护).

``PersonalDataFilter`` masks resident ID numbers, mobile and landline numbers in each
record's message, arguments and traceback before any handler writes or mails it. A log
line that names a citizen is a copy of personal data nobody audits; a masked one still
says what happened. The web server's lines also lose the query strings of the URLs they
name (``QueryStringFilter``): a search or a form sent by GET carries what a citizen typed.
"""

from __future__ import annotations

import logging
import re

from portal.redaction import mask_id_number, mask_phone

_DIGIT = "0-9０-９"
# An 18-character resident ID number (the last may be X) or an old 15-digit one.
# Letters around it do not stop it (id=…, …X in a URL): a log errs on the side of masking.
ID_NUMBER = re.compile(rf"(?<![{_DIGIT}])(?:[{_DIGIT}]{{17}}[{_DIGIT}Xx]|[{_DIGIT}]{{15}})(?![{_DIGIT}])")  # fmt: skip
# A mobile number, with +86 and blanks or hyphens between the groups.
MOBILE = re.compile(rf"(?<![{_DIGIT}])(?:\+?86[\s\-]?)?1[3-9][0-9](?:[\s\-]?[0-9]{{4}}){{2}}(?![{_DIGIT}])")  # fmt: skip
# A landline with its area code: 023-67891234, (023)6789 1234, 02367891234.
LANDLINE = re.compile(rf"(?<![{_DIGIT}])(?:[(（]0[1-9][0-9]{{1,2}}[)）]|0[1-9][0-9]{{1,2}})[\s\-]?[0-9]{{3,4}}[\s\-]?[0-9]{{4}}(?![{_DIGIT}])")  # fmt: skip
# A query string after a path or URL, up to the next blank or quote.
QUERY_STRING = re.compile(r"(?<=[^\s?\"'])\?[^\s\"']*")


def mask_text(text: str) -> str:
    """``text`` with every ID number and telephone number partly masked, as in lists:
    500***********1234, 138****5678."""
    text = ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text)
    text = MOBILE.sub(lambda m: mask_phone(m.group()), text)
    return LANDLINE.sub(lambda m: mask_phone(m.group()), text)


def without_query_strings(text: str) -> str:
    """``/search/?q=张三`` as ``/search/?…``: which page, not what was asked of it."""
    return QUERY_STRING.sub("?…", text)


class PersonalDataFilter(logging.Filter):
    """Rewrites the record in place (the message formatted and masked, the arguments
    dropped) and lets it through: masking, never silencing."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: keep what the caller wrote, masked
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = mask_text(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True


class QueryStringFilter(logging.Filter):
    """Leaves query strings out of a record's message: for gunicorn's own lines, which
    name a failed request by its URL, query string and all (Django's name the path)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = without_query_strings(record.getMessage()), None
        return True


def server_log_filters() -> list[logging.Filter]:
    """What every handler of the web server's own logs gets (``portal.gunicorn_conf``)."""
    return [PersonalDataFilter(), QueryStringFilter()]
