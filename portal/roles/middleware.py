"""After the password, the second factor: an account that must verify (or has enrolled a
device) reaches nothing but the verification and enrolment pages, logout and static files
until it has entered a valid code. Placed after django_otp's OTPMiddleware."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse

from portal.roles.two_factor import HAS_DEVICE_SESSION_KEY, requires_two_factor


def password_has_expired(request) -> bool:
    from django.utils import timezone

    from portal.accounts.middleware import password_expiry

    expires_at = password_expiry(request, request.user)
    return expires_at is not None and timezone.now() >= expires_at


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Without a session cookie nobody is logged in: the session is not even read, so
        # anonymous pages keep their caching headers.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and self.must_verify(request):
            if not self.is_open(request):
                return self.to_verification(request)
        return self.get_response(request)

    @staticmethod
    def must_verify(request) -> bool:
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return False
        return bool(request.session.get(HAS_DEVICE_SESSION_KEY)) or requires_two_factor(user)

    @staticmethod
    def is_open(request) -> bool:
        path = request.path_info
        open_paths = {
            reverse("roles:otp-verify"),
            reverse("roles:otp-setup"),
            reverse("admin:logout"),
        }
        if path in open_paths or path.startswith(settings.STATIC_URL):
            return True
        # portal.accounts sends an expired or administrator-set password to the password
        # change page from every admin page, ours included: that change comes first, or
        # the two would send each other round in circles.
        password_pages = {reverse("admin:password_change"), reverse("admin:password_change_done")}
        return path in password_pages and password_has_expired(request)

    @staticmethod
    def to_verification(request) -> HttpResponseRedirect:
        target = reverse("roles:otp-verify")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)
