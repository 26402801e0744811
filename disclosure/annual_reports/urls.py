"""The published annual reports, and the old column URL that now points at them."""

from django.urls import include, path

from disclosure.annual_reports import views

app_name = "annual_reports"

report_pages = [
    path("", views.report_list, name="report-list"),
    path("<int:pk>/", views.report_detail, name="report-detail"),
    path("<int:pk>/report.docx", views.report_docx, name="report-docx"),
    path("<int:pk>/report.xlsx", views.report_xlsx, name="report-xlsx"),
]

urlpatterns = [
    path("disclosure/annual-reports/", include(report_pages)),
    # Before disclosure.urls (portal/urls.py): the column's page used to live here.
    path("disclosure/columns/annual-reports/", views.old_column, name="old-column"),
]
