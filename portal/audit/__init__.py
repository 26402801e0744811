"""The audit log (安全审计). Other apps call these; the work is in ``portal.audit.recorder``
(imported on call: this package loads before the models are ready)."""


def record(*args, **kwargs):
    """Append one audit event; see ``portal.audit.recorder.record``."""
    from portal.audit.recorder import record as record_event

    return record_event(*args, **kwargs)


def record_personal_data_view(request, obj, fields) -> None:
    """A staff member was shown a citizen's personal data (``fields``: which ones)."""
    from portal.audit.recorder import record_personal_data_view as record_view

    record_view(request, obj, fields)


def record_refusal(request, exception=None) -> None:
    """A refused authorisation (403), recorded once per request."""
    from portal.audit.recorder import record_refusal as record_refused

    record_refused(request, exception)


def record_transition(event, item=None) -> None:
    """A history row written without ``post_save`` (``portal.workflow`` inserts its rows in
    bulk) as a ``workflow_transition``; ``item`` is the object it is about."""
    from portal.audit.receivers import record_transition as record_history

    record_history(event, item)


def client_ip(request) -> str:
    """The client's address, trusting X-Forwarded-For only from ``TRUSTED_PROXIES``."""
    from portal.audit.network import client_ip as address

    return address(request)
