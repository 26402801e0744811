from django.contrib import admin
from django.urls import include, path

from portal import views

admin.site.site_header = "政务公开门户管理"
admin.site.site_title = "政务公开门户管理"
admin.site.index_title = "信息发布与管理"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("search/", views.search, name="search"),
    path("favicon.ico", views.favicon),
    path("disclosure/", include("disclosure.urls")),
    path("admin/", admin.site.urls),
]
