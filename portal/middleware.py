import secrets

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


class CSPNonce:
    """This request's Content-Security-Policy nonce, ``request.csp_nonce`` (and
    ``{{ csp_nonce }}`` in templates: ``<script nonce="{{ csp_nonce }}">``).

    It remembers whether it was written into the page: only then does the policy name it.
    No page of the portal has inline script today, so public pages carry a policy without a
    nonce, identical for every request, and the page cache (``portal.publication``), which
    never stores a page that wrote a nonce, can serve a stored page under a fresh header.
    """

    __slots__ = ("value", "used")

    def __init__(self):
        self.value = secrets.token_urlsafe(18)
        self.used = False

    def __str__(self):
        self.used = True
        return self.value


def nonce_used(request) -> bool:
    """Whether the response to ``request`` carries this request's nonce in its body."""
    nonce = getattr(request, "csp_nonce", None)
    return bool(nonce and nonce.used)


def content_security_policy(base: str, *, nonce: str = "") -> str:
    """``base`` with ``script-src`` (and ``style-src`` unless ``base`` sets it) limited to
    this site, plus ``nonce`` when the page used one. The admin's base keeps its
    ``'unsafe-inline'`` styles: a nonce there would make browsers ignore that allowance."""
    directives = {}
    for directive in base.split(";"):
        name, _, value = directive.strip().partition(" ")
        if name:
            directives[name] = value.strip()
    source = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    directives["script-src"] = source
    directives.setdefault("style-src", source)
    return "; ".join(f"{name} {value}".strip() for name, value in directives.items())


class SecurityHeadersMiddleware:
    """Headers every response carries, error pages included (hence first in MIDDLEWARE:
    it also wraps the responses that a refused Host or a broken request body produce).

    - Content-Security-Policy: every asset from this site only; inline script and style
      only with this request's nonce (``CSPNonce``), inline styles also in the admin.
    - Permissions-Policy: no browser feature.
    - Cache-Control, deliberately: an anonymous public page may be stored by browsers and
      proxies, but by default (``PUBLIC_CACHE_SECONDS`` = 0) is revalidated on every use,
      so a publication or a withdrawal shows at once; the ETag that
      ``ConditionalGetMiddleware`` adds makes an unchanged page a body-less 304. A
      deployment may allow ``max-age`` seconds instead. Anything a signed-in user sees is
      private, and so is a page that wrote a nonce (its body is this request's alone).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        nonce = request.csp_nonce = CSPNonce()
        response = self.get_response(request)
        admin = request.path.startswith("/admin/")
        base = settings.CONTENT_SECURITY_POLICY_ADMIN if admin else settings.CONTENT_SECURITY_POLICY
        response.setdefault(
            "Content-Security-Policy",
            content_security_policy(base, nonce=nonce.value if nonce.used else ""),
        )
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = self._cache_control(request, response, admin)
        return response

    @staticmethod
    def _cache_control(request, response, admin: bool) -> str:
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if admin or signed_in or nonce_used(request):
            return "private, no-cache"
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            seconds = settings.PUBLIC_CACHE_SECONDS
            return f"public, max-age={seconds}" if seconds > 0 else "public, no-cache"
        return "no-cache"
