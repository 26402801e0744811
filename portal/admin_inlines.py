"""Admin inlines: rows that assistive technology can read, the inlines of files that follow
an item's publication, and the read-only admins of records nobody edits."""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from portal.followers import validate_followers


class ReadOnlyAdminMixin:
    """For an admin or inline of records nobody edits in the admin (append-only histories,
    the audit log, lockouts, counters): no add, change or delete, whoever asks. The
    signatures take ``obj`` as inlines need and tolerate its absence as model admins do."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose inputs carry their column's name: a table header cell is not
    a label, and axe-core asks every input for one (WCAG 1.3.1, 4.1.2)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            field.widget.attrs.setdefault("aria-label", str(field.label or db_field.verbose_name))
        return field


class FollowerFormSet(BaseInlineFormSet):
    """The inline of files that follow an item's publication (``portal.followers``): a
    change in place of a live item's public file is refused as a form error, before the
    service would refuse it. ``noun`` names the files in the message."""

    noun = "附件"

    def clean(self):
        super().clean()
        changed = [
            form.instance
            for form in self.forms
            if form.has_changed() and not (self.can_delete and self._should_delete_form(form))
        ]
        validate_followers(item=self.instance, changed=changed, noun=self.noun)


class FollowerInlineMixin:
    """``publication``: where a follower stands (read-only column of the inline);
    ``waiting_label`` says what a new one waits for."""

    waiting_label = "随文件发布"

    @admin.display(description="公开状态")
    def publication(self, obj):
        if not obj.pk:
            return ""
        if obj.remove_on_publish:
            return "发布后删除"
        return "已公开" if obj.is_live else self.waiting_label
