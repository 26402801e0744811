"""三员分立 on the user admin (PortalUserAdmin in portal/admin.py mixes this in): the user
form refuses two administrator roles, or a role beside content rights, with a clear message;
grants are edited only by whoever holds roles.grant_roles (never on one's own account); a
security administrator resets a colleague's second factor; only a superuser sets the
password of an administrator. Registers nothing itself: the portal's admin module imports
it before django.contrib.auth's admin has run."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from portal.roles.definitions import ADMIN_PERMISSIONS
from portal.roles.rules import administrator_roles, role_conflicts
from portal.roles.signals import checks_deferred, permission_names
from portal.roles.two_factor import two_factor_reset

GRANT_FIELDS = ["groups", "user_permissions"]
ACCOUNT_FIELDS = ["username", "first_name", "last_name", "email", "organization", "is_active"]
ACCOUNT_FIELDS += ["is_staff"]


class RoleCheckedUserChangeForm(UserChangeForm):
    def clean(self):
        cleaned = super().clean()
        user = self.instance

        def value(name, stored):
            return cleaned.get(name) if name in self.fields else stored()

        groups = value("groups", lambda: user.groups.all())
        direct = value("user_permissions", lambda: user.user_permissions.all())
        is_superuser = value("is_superuser", lambda: user.is_superuser)
        if groups is None or direct is None:
            return cleaned  # a field error is already shown
        held = Permission.objects.filter(
            Q(group__in=list(groups)) | Q(pk__in=[p.pk for p in direct])
        ).distinct()
        for problem in role_conflicts(
            group_names=[group.name for group in groups],
            permissions=permission_names(held),
            is_superuser=bool(is_superuser),
        ):
            self.add_error(None, problem)
        return cleaned


@admin.action(description="重置所选用户的双因素认证", permissions=["reset_two_factor"])
def reset_two_factor(modeladmin, request, queryset):
    for user in queryset:
        try:
            removed = two_factor_reset(user=user, by=request.user)
        except PermissionDenied:
            why = (
                "不能重置自己的双因素认证，请由另一位安全管理员操作"
                if user.pk == request.user.pk
                else "超级用户的双因素认证只能由超级用户重置"
            )
            modeladmin.message_user(request, f"{user}：{why}。", messages.ERROR)
            continue
        if removed:
            modeladmin.message_user(request, f"{user}：已重置，下次登录时需重新绑定身份验证器。")
        else:
            modeladmin.message_user(
                request, f"{user}：尚未绑定身份验证器，无需重置。", messages.WARNING
            )


class RoleGrantsUserAdminMixin:
    form = RoleCheckedUserChangeForm
    actions = [reset_two_factor]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        actor = request.user
        if actor.is_superuser or obj is None:
            return fields
        fields.append("is_superuser")  # only a superuser makes another
        if not actor.has_perm("roles.grant_roles") or obj.pk == actor.pk:
            fields += GRANT_FIELDS  # 安全管理员 grants, and never to themselves
        if not actor.has_perm("portal.add_user"):
            fields += ACCOUNT_FIELDS  # who creates accounts edits them (系统管理员)
        return fields

    def has_change_permission(self, request, obj=None):
        # A superuser's account is changed by a superuser only: whoever could set its
        # password or grants would hold every right (三员分立).
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    # The form has checked the final state; the model checks wait for it too, so that the
    # steps of one save (flags, then groups, then permissions) are not judged one by one:
    # adding a role while dropping a direct permission, or dropping a role while ticking
    # superuser, is one valid change.
    def save_model(self, request, obj, form, change):
        # save_related follows in the same transaction and checks the final state.
        with checks_deferred(obj, check_after=False):
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        with checks_deferred(form.instance):
            super().save_related(request, form, formsets, change)

    def has_reset_two_factor_permission(self, request):
        return request.user.has_perm("roles.reset_two_factor")

    def user_change_password(self, request, id, form_url=""):
        # Setting someone's password is account administration, not authorisation.
        if not (request.user.is_superuser or request.user.has_perm("portal.add_user")):
            raise PermissionDenied
        target = self.get_object(request, unquote(id))
        if target is not None and not request.user.is_superuser:
            # Whoever sets an administrator's password could act as that administrator:
            # a 系统管理员 would become the 安全管理员 or 审计管理员 (三员分立).
            if target.is_superuser or holds_administrator_role(target):
                raise PermissionDenied
        return super().user_change_password(request, id, form_url)


def holds_administrator_role(user) -> bool:
    """Whether ``user`` holds any of the three roles, by group or by a role's permission."""
    groups = user.groups.values_list("name", flat=True)
    return bool(
        administrator_roles(group_names=groups, permissions=user.get_all_permissions())
        or ADMIN_PERMISSIONS & user.get_all_permissions()
    )
