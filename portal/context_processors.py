from django.conf import settings


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_SHORT_NAME": settings.SITE_SHORT_NAME,
        "SITE_ICP": settings.SITE_ICP,
        "SITE_IDENTIFIER": settings.SITE_IDENTIFIER,
    }


def csp_nonce(request):
    """``{{ csp_nonce }}`` for ``<script nonce="…">``: writing it makes the response name
    it in its Content-Security-Policy and keeps the page out of the page cache
    (``portal.middleware.CSPNonce``)."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
