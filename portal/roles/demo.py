"""The demo's second factor: the demo administrators share one TOTP secret, printed in the
README and by ``load_demo``, so that whoever tries the demo can log in (type the key into an
authenticator app, or ask ``manage.py demo_totp admin`` for the current code). Like the demo
password it is public, which is why portal.accounts refuses to run with demo accounts in
production."""

import time
from base64 import b32decode

from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

DEMO_TOTP_SECRET = "ZWGKDEMOZWGKDEMOZWGKDEMOZWGKDEMO"  # base32, as authenticator apps take it
DEMO_TOTP_KEY = b32decode(DEMO_TOTP_SECRET).hex()  # as django-otp stores it
DEMO_DEVICE_NAME = "演示身份验证器"


def demo_device_enrol(*, user) -> TOTPDevice:
    """Give ``user`` a confirmed device with the demo secret, once."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user,
        key=DEMO_TOTP_KEY,
        defaults={"name": DEMO_DEVICE_NAME, "confirmed": True},
    )
    return device


def next_code(device: TOTPDevice, *, now: float | None = None) -> str:
    """A code ``device`` will accept: the current one, or the next one when the current one
    has already been used (django-otp accepts each time step once, one step either side)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if now is not None:
        totp.time = now
    current = totp.t()
    step = max(current, device.last_t + 1)
    if step > current + device.tolerance:  # every acceptable code used: wait for the next
        time.sleep(device.step)
        return next_code(device)
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"
