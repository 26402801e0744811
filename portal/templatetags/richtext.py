from django import template
from django.utils.safestring import mark_safe

from portal.richtext import sanitize_html

register = template.Library()


@register.filter
def sanitized(value: str) -> str:
    """Clerk-authored HTML, cleaned again at display time: rows written without ``save()``
    (bulk imports, ``update()``, fixtures) must not be able to carry a script."""
    return mark_safe(sanitize_html(value))  # noqa: S308 - cleaned by nh3 just above
