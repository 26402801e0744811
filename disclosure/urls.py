from django.urls import path

from disclosure import views

app_name = "disclosure"

urlpatterns = [
    path("", views.document_list, name="document-list"),
    path("<int:pk>/", views.document_detail, name="document-detail"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("guide/", views.disclosure_guide, name="guide"),
    path("columns/<slug:slug>/", views.column_page, name="column-page"),
]
