from django.contrib import admin

from portal.workflow_admin import ReviewQueueFilter, WorkflowAdminMixin
from tests.publishing.models import Notice


@admin.register(Notice)
class NoticeAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    list_display = ["title", "status_badge"]
    list_filter = [ReviewQueueFilter, "status"]
    search_fields = ["title"]
    ordering = ["-pk"]
