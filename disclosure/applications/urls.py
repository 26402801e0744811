"""The citizen's pages: the application form and the tracking page."""

from django.urls import include, path

app_name = "applications"

apply_pages: list = []

urlpatterns = [path("disclosure/apply/", include(apply_pages))]
