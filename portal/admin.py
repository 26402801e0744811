from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from mptt.admin import DraggableMPTTAdmin

from portal.accounts.user_admin import TemporaryPasswordUserAdminMixin
from portal.models import CalendarDay, Organization, User
from portal.roles.user_admin import RoleGrantsUserAdminMixin


@admin.register(Organization)
class OrganizationAdmin(DraggableMPTTAdmin):
    list_display = ["tree_actions", "indented_title", "short_name", "kind", "credit_code"]
    list_display_links = ["indented_title"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "credit_code"]
    mptt_level_indent = 20


@admin.register(User)
class PortalUserAdmin(
    TemporaryPasswordUserAdminMixin,  # a password set by an administrator is temporary
    RoleGrantsUserAdminMixin,  # 三员分立 (portal.roles)
    UserAdmin,
):
    list_display = ["username", "last_name", "first_name", "organization", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "organization"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    fieldsets = [
        *UserAdmin.fieldsets[:1],
        ("个人信息", {"fields": ["last_name", "first_name", "email", "organization"]}),
        *UserAdmin.fieldsets[2:],
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["username", "organization", "password1", "password2"]},
        )
    ]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["day", "kind", "name"]
    list_filter = ["kind", ("day", admin.DateFieldListFilter)]
    search_fields = ["name"]
    date_hierarchy = "day"
    ordering = ["-day"]
