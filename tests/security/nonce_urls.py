"""A page with an inline script, for the CSP tests: no page of the portal has one (yet)."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from portal.publication import cached_page
from tests.urls import urlpatterns as test_urlpatterns

PAGE = '<p>统计</p><script nonce="{{ csp_nonce }}">document.title = "统计";</script>'


def inline_script_page(request):
    def render():
        return HttpResponse(engines["django"].from_string(PAGE).render(request=request))

    return cached_page(request, render)


urlpatterns = [path("inline-script/", inline_script_page), *test_urlpatterns]
