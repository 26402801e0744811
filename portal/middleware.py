from django.conf import settings

# Browser features no page of the portal uses: denied, so an injected frame or script
# cannot ask for them either.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
        "magnetometer", "microphone", "midi", "payment", "usb", "xr-spatial-tracking",
    )
)  # fmt: skip


class SecurityHeadersMiddleware:
    """Headers every response carries, error pages included (hence first in MIDDLEWARE:
    it also wraps the responses that a refused Host or a broken request body produce).

    - Content-Security-Policy: every asset from this site only.
    - Permissions-Policy: no browser feature.
    - Cache-Control, deliberately: an anonymous public page may be stored by browsers and
      proxies, but by default (``PUBLIC_CACHE_SECONDS`` = 0) is revalidated on every use,
      so a publication or a withdrawal shows at once; the ETag that
      ``ConditionalGetMiddleware`` adds makes an unchanged page a body-less 304. A
      deployment may allow ``max-age`` seconds instead. Anything a signed-in user sees is
      private.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        admin = request.path.startswith("/admin/")
        response.setdefault(
            "Content-Security-Policy",
            settings.CONTENT_SECURITY_POLICY_ADMIN if admin else settings.CONTENT_SECURITY_POLICY,
        )
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = self._cache_control(request, response, admin)
        return response

    @staticmethod
    def _cache_control(request, response, admin: bool) -> str:
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if admin or signed_in:
            return "private, no-cache"
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            seconds = settings.PUBLIC_CACHE_SECONDS
            return f"public, max-age={seconds}" if seconds > 0 else "public, no-cache"
        return "no-cache"
