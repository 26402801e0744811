"""The published annual reports, and the old column URL that now points at them."""

from django.urls import include, path

app_name = "annual_reports"

report_pages: list = []

urlpatterns = [path("disclosure/annual-reports/", include(report_pages))]
