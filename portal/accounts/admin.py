"""The security administrator's page of login lockouts, with 解锁 for the active ones."""

from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone

from portal.accounts.lockout import lockout_lift
from portal.accounts.models import Lockout
from portal.admin_inlines import ReadOnlyAdminMixin


class LockoutStateFilter(admin.SimpleListFilter):
    title = "状态"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", "锁定中"), ("lifted", "已解锁"), ("expired", "已到期")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "active":
            return queryset.filter(unlocked_at=None, locked_until__gt=now)
        if self.value() == "lifted":
            return queryset.exclude(unlocked_at=None)
        if self.value() == "expired":
            return queryset.filter(unlocked_at=None, locked_until__lte=now)
        return queryset


@admin.register(Lockout)
class LockoutAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["key", "kind", "ip", "locked_at", "locked_until", "state", "unlocked_by"]
    list_filter = [LockoutStateFilter, "kind"]
    search_fields = ["key", "ip"]
    ordering = ["-locked_at"]
    list_select_related = ["unlocked_by"]
    actions = ["lift_selected"]
    readonly_fields = [f.name for f in Lockout._meta.fields]

    @admin.display(description="状态")
    def state(self, lockout):
        if lockout.unlocked_at is not None:
            return "已解锁"
        return "锁定中" if lockout.locked_until > timezone.now() else "已到期"

    @admin.action(description="解锁所选账号或地址", permissions=["unlock"])
    def lift_selected(self, request, queryset):
        active = queryset.filter(Q(unlocked_at=None) & Q(locked_until__gt=timezone.now()))
        lifted = [lockout_lift(lockout=lockout, by=request.user) for lockout in active]
        self.message_user(request, f"已解锁 {len(lifted)} 项。", messages.SUCCESS)

    def has_unlock_permission(self, request):
        return request.user.has_perm("accounts.unlock_account")

    def has_view_permission(self, request, obj=None):
        return self.has_unlock_permission(request) or super().has_view_permission(request, obj)
