"""The request being served, for receivers that get none (``post_save``, ``m2m_changed``):
they read the actor and the source address from here. Set by ``AuditContextMiddleware``;
empty in commands and other threads."""

from contextvars import ContextVar

current_request: ContextVar = ContextVar("audit_current_request", default=None)


def request_or_none():
    return current_request.get()
