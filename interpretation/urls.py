from django.urls import include, path

from interpretation import feeds, views

app_name = "interpretation"

pages = [
    path("", views.interpretation_list, name="list"),
    path("<int:pk>/", views.interpretation_detail, name="detail"),
    path("media/<int:pk>/", views.media_file, name="media"),
    path("media/<int:pk>/captions.vtt", views.media_captions, name="captions"),
]

subscriptions = [
    path("", feeds.InterpretationFeed(), name="feed"),
    path("atom/", feeds.AtomInterpretationFeed(), name="feed-atom"),
]

urlpatterns = [
    path("interpretations/", include(pages)),
    path("feeds/interpretations/", include(subscriptions)),
]
