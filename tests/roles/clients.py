"""A test client whose logins end where the real admin login ends: an account that must use
a second factor (portal.roles) has a confirmed TOTP device and a verified session, as if it
had typed its code. The two-factor tests use a plain django.test.Client instead."""

from django.contrib.auth import get_user_model
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.roles.two_factor import confirmed_device, requires_two_factor


def verify_session(client: Client, user) -> TOTPDevice:
    """Give ``user`` a confirmed device if it has none and mark the client's session as
    verified by it (what django_otp.login does after a correct code)."""
    device = confirmed_device(user) or TOTPDevice.objects.create(
        user=user, name="测试", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


class VerifiedClient(Client):
    def _login(self, user, backend=None):
        super()._login(user, backend)
        # A fresh copy: reading permissions caches them on the object, and the test may
        # still change the permissions of the one it holds.
        if requires_two_factor(get_user_model().objects.get(pk=user.pk)):
            verify_session(self, user)


def logged_in(user) -> Client:
    """A plain client logged in as ``user``, its session not yet past a second factor."""
    client = Client()
    client.force_login(user)
    return client


def enrolled(user) -> TOTPDevice:
    """``user`` with a confirmed TOTP device, as after enrolment."""
    return TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
