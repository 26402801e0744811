from django.urls import path

from tests.publishing import views

app_name = "publishing"
urlpatterns = [path("<int:pk>/", views.notice_detail, name="notice-detail")]
