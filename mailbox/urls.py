from django.urls import include, path

from mailbox import feeds, views

app_name = "mailbox"

pages = [
    path("", views.mailbox_list, name="mailbox-list"),
    path("track/", views.letter_track, name="letter-track"),
    path("track/rate/", views.letter_rate, name="letter-rate"),
    path("stats/", views.stats_page, name="stats"),
    path("stats/csv/", views.stats_csv, name="stats-csv"),
    path("<slug:slug>/", views.reply_list, name="reply-list"),
    path("<slug:slug>/write/", views.letter_create, name="letter-create"),
    path("<slug:slug>/<int:pk>/", views.reply_detail, name="reply-detail"),
    path("<slug:slug>/feed/", feeds.ReplyFeed(), name="reply-feed"),
]

urlpatterns = [path("mailbox/", include(pages))]
