"""Who logs in with a second factor, and the TOTP devices behind it (django-otp).

GB/T 22239-2019 8.1.4.1 d): administrators authenticate with two or more factors, one of
them a cryptographic technique. Required for superusers and for any holder of an
administrator permission (portal.roles.definitions.ADMIN_PERMISSIONS); other staff may enrol
of their own accord and are then asked for a code at each login too.
"""

from base64 import b32encode

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import audit
from portal.accounts.sessions import sessions_end
from portal.roles.definitions import ADMIN_PERMISSIONS

HAS_DEVICE_SESSION_KEY = "roles_has_device"
DEVICE_NAME = "身份验证器"


def requires_two_factor(user) -> bool:
    """Whether the account may do nothing before entering a TOTP code. Reads the user's
    permissions through the backend's per-request cache, which the views reuse."""
    if not settings.ADMIN_2FA_REQUIRED or not user.is_authenticated:
        return False
    return user.is_superuser or bool(ADMIN_PERMISSIONS & user.get_all_permissions())


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user) -> TOTPDevice:
    """The device being enrolled: the same secret on each visit until a code confirms it,
    so a reload does not invalidate what the user has scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def readable_secret(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an authenticator app."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code in a data: URI (the CSP allows img-src data:);
    made here, so the secret never leaves the server for a QR service."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2)


def two_factor_reset(*, user, by) -> int:
    """Delete ``user``'s TOTP devices so that the next login enrols a new one, and end the
    account's sessions: a session verified with the lost or stolen device must not outlive
    it. Requires roles.reset_two_factor; nobody resets their own (that would skip the second
    factor). A superuser's only by a superuser. Returns the number of devices removed."""
    if not by.has_perm("roles.reset_two_factor") or by.pk == user.pk:
        raise PermissionDenied
    if user.is_superuser and not by.is_superuser:
        raise PermissionDenied  # a superuser's second factor is a superuser's business
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        sessions_end(user=user)
        audit.record("account_change", obj=user, actor=by, reason="重置双因素认证")
    return removed
