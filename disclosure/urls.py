from django.urls import include, path

from disclosure import feeds, views

app_name = "disclosure"

catalogue = [
    path("", views.document_list, name="document-list"),
    path("<int:pk>/", views.document_detail, name="document-detail"),
    path("normative/", views.normative_list, name="normative-list"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("guide/", views.disclosure_guide, name="guide"),
    path("columns/<slug:slug>/", views.column_page, name="column-page"),
]

subscriptions = [
    path("documents/", feeds.DocumentFeed(), name="feed-documents"),
    path("documents/atom/", feeds.AtomDocumentFeed(), name="feed-documents-atom"),
    path("categories/<int:pk>/", feeds.CategoryFeed(), name="feed-category"),
    path("categories/<int:pk>/atom/", feeds.AtomCategoryFeed(), name="feed-category-atom"),
    path("organizations/<int:pk>/", feeds.OrganizationFeed(), name="feed-organization"),
    path(
        "organizations/<int:pk>/atom/",
        feeds.AtomOrganizationFeed(),
        name="feed-organization-atom",
    ),
]

urlpatterns = [path("disclosure/", include(catalogue)), path("feeds/", include(subscriptions))]
