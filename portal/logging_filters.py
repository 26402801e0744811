"""Personal data kept out of error reports (个人信息保护法 Art 51): with
``PersonalDataReporterFilter`` (``DEFAULT_EXCEPTION_REPORTER_FILTER``), Django's error page
and the error mail to ADMINS hide POST fields and local variables named like personal
data, and mask numbers in the rest. Log lines are masked by ``portal.log_masking``.
"""

from __future__ import annotations

import re

from django.views.debug import SafeExceptionReporterFilter

from portal.log_masking import mask_text

SENSITIVE_NAMES = re.compile(
    r"phone|mobile|tel|id_number|id_no|idcard|address|addr|name|email|mail|postcode|"
    r"contact|password|passwd|captcha|token|secret|key",
    re.IGNORECASE,
)


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
