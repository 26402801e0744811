from django.contrib.auth.models import Group


class RoleGrant(Group):
    """Carries the permissions of authorisation itself (no table of its own): who may grant
    roles and who may reset another account's second factor."""

    class Meta:
        proxy = True
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        default_permissions = ()
        permissions = [
            ("grant_roles", "可授予和撤销角色与权限"),
            ("reset_two_factor", "可重置他人的双因素认证"),
        ]
