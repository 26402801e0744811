"""Inline rows for the admin that assistive technology can read."""

from django.contrib import admin


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose inputs carry their column's name: a table header cell is not
    a label, and axe-core asks every input for one (WCAG 1.3.1, 4.1.2)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            field.widget.attrs.setdefault("aria-label", str(field.label or db_field.verbose_name))
        return field
