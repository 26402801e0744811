"""The site's URLs: the portal's own pages, then each app's ``urls.py``, included by name
(an app's feeds and public pages live there; adding an app adds one line here)."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from portal import editor_uploads, views
from portal.accounts.forms import LockoutAuthenticationForm
from portal.sitemaps import SITEMAPS

admin.site.site_header = "政务公开门户管理"
admin.site.site_title = "政务公开门户管理"
admin.site.index_title = "信息发布与管理"
# Login failures lock the name (and spraying the address): portal.accounts.lockout.
admin.site.login_form = LockoutAuthenticationForm

handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("search/", views.search, name="search"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("favicon.ico", views.favicon),
    # Before disclosure.urls: the old 年报 column URL redirects to the reports.
    path("", include("disclosure.annual_reports.urls")),
    path("", include("disclosure.applications.urls")),
    path("", include("disclosure.urls")),
    path("", include("interpretation.urls")),
    path("", include("mailbox.urls")),
    path("", include("plans.urls")),
    # A file name, not a folder: the image's URL ends in its extension, without a slash.
    path("uploads/images/<str:name>", editor_uploads.image_serve, name="editor-image"),
    # Before the admin, whose catch-all would answer 404 for it.
    path(
        "admin/editor/<str:app_label>/<str:model_name>/images/",
        editor_uploads.image_upload,
        name="editor-image-upload",
    ),
    # The second step of the admin login (portal.roles), before the admin's catch-all.
    path("admin/otp/", include("portal.roles.urls")),
    path("admin/", admin.site.urls),
]

if settings.BENCH_ENDPOINTS:
    # `make bench` only: the throughput ceiling, a Django view with no work of its own.
    urlpatterns.append(path("__bench__/minimal/<int:size>/", views.minimal_for_benchmark))
