"""After the password, the second factor: an account that must verify (or has enrolled a
device) reaches nothing but the verification and enrolment pages, logout and static files
until it has entered a valid code. Placed after django_otp's OTPMiddleware."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse

from portal.roles.two_factor import HAS_DEVICE_SESSION_KEY, requires_two_factor


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
        # Not even the password change page: whoever has only the password must not
        # replace it before the code (portal.accounts lets these pages through an expired
        # password, so the code comes first and then the change, without a loop).
        return path in open_paths or path.startswith(settings.STATIC_URL)

    @staticmethod
    def to_verification(request) -> HttpResponseRedirect:
        target = reverse("roles:otp-verify")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)
