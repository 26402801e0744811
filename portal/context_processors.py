from django.conf import settings


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_SHORT_NAME": settings.SITE_SHORT_NAME,
        "SITE_ICP": settings.SITE_ICP,
        "SITE_IDENTIFIER": settings.SITE_IDENTIFIER,
    }
