"""Keeps the current request for the audit recorders, and audits what a view refuses
(PermissionDenied → 403) and what staff download from the admin (exports, attachments,
generated letters) without each view having to."""

from django.core.exceptions import PermissionDenied

from portal.audit.context import current_request


class AuditContextMiddleware:
    """After AuthenticationMiddleware (the recorders read ``request.user``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
            if response.status_code == 403:  # a 403 without PermissionDenied (CSRF, …)
                from portal.audit.recorder import record_refusal

                record_refusal(request, getattr(response, "reason_phrase", ""))
            elif _is_admin_download(request, response):
                from portal.audit.recorder import record_download

                record_download(request, response)
            return response
        finally:
            current_request.reset(token)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            from portal.audit.recorder import record_refusal

            record_refusal(request, exception)
        return None


def _is_admin_download(request, response) -> bool:
    disposition = response.get("Content-Disposition", "") if hasattr(response, "get") else ""
    user = getattr(request, "user", None)
    return (
        disposition.startswith("attachment")
        and request.path.startswith("/admin/")
        and user is not None
        and user.is_authenticated
        and response.status_code == 200
        and not getattr(request, "_audit_download_recorded", False)
    )
