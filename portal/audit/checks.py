"""Settings the audit log cannot work without (GB/T 22239-2019 8.1.4.3 d; 网络安全法 Art 21:
network logs kept for at least six months)."""

import ipaddress

from django.conf import settings
from django.core.checks import Error, register

MINIMUM_RETENTION_DAYS = 180


@register()
def audit_settings(app_configs=None, **kwargs):
    errors = []
    days = getattr(settings, "AUDIT_RETENTION_DAYS", MINIMUM_RETENTION_DAYS)
    if not isinstance(days, int) or days < MINIMUM_RETENTION_DAYS:
        errors.append(
            Error(
                f"AUDIT_RETENTION_DAYS 为 {days}，审计日志至少保留 {MINIMUM_RETENTION_DAYS} 天。",
                hint="网络安全法第二十一条：网络日志留存不少于六个月。",
                id="audit.E001",
            )
        )
    for entry in getattr(settings, "TRUSTED_PROXIES", []):
        try:
            ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError:
            errors.append(
                Error(f"TRUSTED_PROXIES 中的 “{entry}” 不是 IP 地址或网段。", id="audit.E002")
            )
    return errors
