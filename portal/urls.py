from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from disclosure import feeds
from portal import views
from portal.sitemaps import SITEMAPS

admin.site.site_header = "政务公开门户管理"
admin.site.site_title = "政务公开门户管理"
admin.site.index_title = "信息发布与管理"

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
    path("feeds/documents/", feeds.DocumentFeed(), name="feed-documents"),
    path("feeds/documents/atom/", feeds.AtomDocumentFeed(), name="feed-documents-atom"),
    path("feeds/categories/<int:pk>/", feeds.CategoryFeed(), name="feed-category"),
    path("feeds/categories/<int:pk>/atom/", feeds.AtomCategoryFeed(), name="feed-category-atom"),
    path("feeds/organizations/<int:pk>/", feeds.OrganizationFeed(), name="feed-organization"),
    path(
        "feeds/organizations/<int:pk>/atom/",
        feeds.AtomOrganizationFeed(),
        name="feed-organization-atom",
    ),
    path("favicon.ico", views.favicon),
    path("disclosure/", include("disclosure.urls")),
    path("admin/", admin.site.urls),
]

if settings.BENCH_ENDPOINTS:
    # `make bench` only: the throughput ceiling, a Django view with no work of its own.
    urlpatterns.append(path("__bench__/minimal/<int:size>/", views.minimal_for_benchmark))
