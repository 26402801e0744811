"""Every write to applications with a rule (依申请公开, 条例 Arts 27–45). Each step locks
the application row, checks the step against ``models.ALLOWED``, appends its event and
re-derives status and clock from the whole timeline (``clock.compute``), in one
transaction. Names are re-exported here; callers import from this package."""

from disclosure.applications.services.answer import (
    answer_letter_approve,
    answer_letter_issue,
    answer_letter_return,
    answer_letter_submit,
    answer_letter_went_live,
    application_answer,
    application_serve,
    generated_text,
    letter_types_for,
    placeholder_text,
)
from disclosure.applications.services.base import clock_of
from disclosure.applications.services.handling import (
    application_approve_extension,
    application_consult,
    application_consultation_answered,
    application_fee_expired,
    application_fee_notice,
    application_fee_paid,
    application_receive_supplement,
    application_refuse_extension,
    application_request_extension,
    application_request_supplement,
    application_supplement_expired,
    pending_extension,
)
from disclosure.applications.services.intake import (
    application_confirm,
    application_find,
    application_register,
    application_submit,
    application_withdraw,
    high_volume_threshold,
    monthly_count,
    query_password,
    receiving_organization,
)
from disclosure.applications.services.jobs import (
    applications_calendar_changed,
    applications_rollover,
    daily,
    recompute_open_applications,
)

__all__ = [
    "answer_letter_approve", "answer_letter_issue", "answer_letter_return",
    "answer_letter_submit", "answer_letter_went_live", "application_answer",
    "application_approve_extension", "application_confirm", "application_consult",
    "application_consultation_answered", "application_fee_expired", "application_fee_notice",
    "application_fee_paid", "application_find", "application_receive_supplement",
    "application_refuse_extension", "application_register", "application_request_extension",
    "application_request_supplement", "application_serve", "application_submit",
    "application_supplement_expired", "application_withdraw", "applications_calendar_changed",
    "applications_rollover", "clock_of", "daily", "generated_text", "high_volume_threshold",
    "letter_types_for", "monthly_count", "pending_extension", "placeholder_text",
    "query_password", "receiving_organization", "recompute_open_applications",
]  # fmt: skip
