"""The supervisors' plan reports and the optional public task list."""

from django.urls import include, path

from plans import views

app_name = "plans"

plan_pages = [
    path("", views.plan_list, name="plan-list"),
    path("<int:pk>/", views.plan_report, name="plan-report"),
    path("<int:pk>/weights/", views.plan_weights, name="plan-weights"),
    path("<int:pk>/ledger.xlsx", views.plan_ledger, name="plan-ledger"),
    path("<int:pk>/print/", views.plan_print, name="plan-print"),
    path("<int:pk>/summary/", views.plan_summary, name="plan-summary"),
    path("public/", views.plan_public_list, name="plan-public-list"),
    path("<int:pk>/public/", views.plan_public, name="plan-public"),
    path("<int:plan_pk>/tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path(
        "<int:plan_pk>/tasks/<int:task_pk>/files/<int:pk>/",
        views.evidence_file,
        name="evidence-file",
    ),
]

urlpatterns = [path("plans/", include(plan_pages))]
