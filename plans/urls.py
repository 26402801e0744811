"""The supervisors' plan reports and the optional public task list."""

app_name = "plans"

urlpatterns = []
