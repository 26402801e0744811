"""The user admin's part of the password policy: a password an administrator sets for
someone else (a new account, a reset) is temporary and must be changed at the next login."""

from django.contrib.admin.utils import unquote

from portal.accounts.passwords import password_mark_temporary


class TemporaryPasswordUserAdminMixin:
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():
            password_mark_temporary(user=obj)

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        before = user.password if user is not None else None
        response = super().user_change_password(request, id, form_url)
        if user is not None and request.method == "POST" and user.pk != request.user.pk:
            user.refresh_from_db(fields=["password"])
            if user.password != before and user.has_usable_password():
                password_mark_temporary(user=user)
        return response
