"""Personal data kept out of logs and error reports (个人信息保护法 Art 51; GB/T 22239-2019
8.1.4.11 剩余信息保护).

- ``PersonalDataFilter``, on every handler in ``settings.LOGGING``: masks resident ID
  numbers, mobile and landline numbers in each record's message, arguments and
  traceback before any handler writes or mails it. A log line that names a citizen is a
  copy of personal data nobody audits; a masked one still says what happened.
- ``PersonalDataReporterFilter`` (``DEFAULT_EXCEPTION_REPORTER_FILTER``): Django's error
  page and the error mail to ADMINS hide POST fields and local variables named like
  personal data, and mask numbers in the rest.
"""

from __future__ import annotations

import logging
import re

from django.views.debug import SafeExceptionReporterFilter

from portal.redaction import mask_id_number, mask_phone

_DIGIT = "0-9０-９"
# An 18-character resident ID number (the last may be X) or an old 15-digit one.
# Letters around it do not stop it (id=…, …X in a URL): a log errs on the side of masking.
ID_NUMBER = re.compile(rf"(?<![{_DIGIT}])(?:[{_DIGIT}]{{17}}[{_DIGIT}Xx]|[{_DIGIT}]{{15}})(?![{_DIGIT}])")  # fmt: skip
# A mobile number, with +86 and blanks or hyphens between the groups.
MOBILE = re.compile(rf"(?<![{_DIGIT}])(?:\+?86[\s\-]?)?1[3-9][0-9](?:[\s\-]?[0-9]{{4}}){{2}}(?![{_DIGIT}])")  # fmt: skip
# A landline with its area code: 023-67891234, (023)6789 1234, 02367891234.
LANDLINE = re.compile(rf"(?<![{_DIGIT}])(?:[(（]0[1-9][0-9]{{1,2}}[)）]|0[1-9][0-9]{{1,2}})[\s\-]?[0-9]{{3,4}}[\s\-]?[0-9]{{4}}(?![{_DIGIT}])")  # fmt: skip

SENSITIVE_NAMES = re.compile(
    r"phone|mobile|tel|id_number|id_no|idcard|address|addr|name|email|mail|postcode|"
    r"contact|password|passwd|captcha|token|secret|key",
    re.IGNORECASE,
)


def mask_text(text: str) -> str:
    """``text`` with every ID number and telephone number partly masked, as in lists:
    500***********1234, 138****5678."""
    text = ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text)
    text = MOBILE.sub(lambda m: mask_phone(m.group()), text)
    return LANDLINE.sub(lambda m: mask_phone(m.group()), text)


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


class _Shown:
    """A value the error report prints as given (it reprs every variable)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self):
        return self.text


class PersonalDataReporterFilter(SafeExceptionReporterFilter):
    """Django's safe filter, also when a view forgot ``sensitive_post_parameters``: the
    fields and variables named like personal data or secrets are replaced whole, and
    numbers that look like ID or phone numbers are masked in what remains."""

    hidden_settings = re.compile(
        r"API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DATABASE_URL|PII", flags=re.I
    )

    def is_active(self, request):
        return True  # also with DEBUG on: a debug page is a screen someone may share

    def get_post_parameters(self, request):
        if request is None:
            return {}
        parameters = super().get_post_parameters(request).copy()
        for name in list(parameters):
            if SENSITIVE_NAMES.search(name):
                parameters[name] = self.cleansed_substitute
            else:
                parameters.setlist(name, [mask_text(v) for v in parameters.getlist(name)])
        return parameters

    def get_traceback_frame_variables(self, request, tb_frame):
        cleansed = []
        for name, value in super().get_traceback_frame_variables(request, tb_frame):
            if SENSITIVE_NAMES.search(name) and value != self.cleansed_substitute:
                value = self.cleansed_substitute
            elif isinstance(value, str):
                value = mask_text(value)
            else:
                value = _Shown(mask_text(_safe_repr(value)))
            cleansed.append((name, value))
        return cleansed


REPR_LIMIT = 4096


def _safe_repr(value) -> str:
    """A variable's repr for the report, which must not fail or run on: a queryset in a
    broken transaction raises, another would query, a huge one would fill the page."""
    try:
        text = repr(value)
    except Exception as error:  # the report is written because something failed already
        return f"<{type(value).__name__}: repr 失败（{type(error).__name__}）>"
    return text if len(text) <= REPR_LIMIT else text[:REPR_LIMIT] + "…"
