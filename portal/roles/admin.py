"""The group admin with 三员分立's checks (a group's permissions fit one role at most, and
no member comes to hold two roles' rights or a role's beside others; portal.roles.rules),
and no device admin: django-otp's would show every account's TOTP secret. The user admin's part is in
portal/roles/user_admin.py."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.forms import ModelForm
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.roles.definitions import ROLE_PERMISSIONS
from portal.roles.rules import role_conflicts
from portal.roles.signals import permission_names


class RoleCheckedGroupForm(ModelForm):
    class Meta:
        model = Group
        fields = ["name", "permissions"]

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("name") or self.instance.name
        permissions = cleaned.get("permissions")
        if permissions is None:
            return cleaned
        granted = permission_names(permissions)
        problems = role_conflicts(group_names=[name], permissions=granted, is_superuser=False)
        # Each member would hold its permissions too (the roles are known by them).
        if self.instance.pk:
            for user in self.instance.user_set.all():
                others = Permission.objects.filter(
                    Q(group__in=user.groups.exclude(pk=self.instance.pk)) | Q(user=user)
                )
                problems += role_conflicts(
                    group_names=user.groups.values_list("name", flat=True),
                    permissions=granted | permission_names(others),
                    is_superuser=user.is_superuser,
                )
        for problem in dict.fromkeys(problems):
            self.add_error("permissions", problem)
        return cleaned


admin.site.unregister(Group)


@admin.register(Group)
class RoleCheckedGroupAdmin(GroupAdmin):
    form = RoleCheckedGroupForm

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.name in ROLE_PERMISSIONS:
            fields.append("name")  # the role is known by its name
        return fields


# django-otp's device admin shows each device's secret and QR code: enrolment and reset
# happen on our own pages instead, so nobody reads another account's key.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
