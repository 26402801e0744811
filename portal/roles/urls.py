from django.urls import path

from portal.roles import views

app_name = "roles"

urlpatterns = [
    path("", views.otp_verify, name="otp-verify"),
    path("setup/", views.otp_setup, name="otp-setup"),
]
