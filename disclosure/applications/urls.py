"""The citizen's pages: the application form and the tracking page."""

from django.urls import include, path

from disclosure.applications import views

app_name = "applications"

apply_pages: list = [
    path("", views.application_create, name="application-create"),
    path("track/", views.application_track, name="application-track"),
    path("track/letter.pdf", views.letter_pdf, name="letter-pdf"),
    path("track/letter.docx", views.letter_docx, name="letter-docx"),
]

urlpatterns = [path("disclosure/apply/", include(apply_pages))]
