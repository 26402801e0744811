from django import template

from portal.import_errors import clerk_message

register = template.Library()


@register.filter
def lookup(mapping, key):
    """``mapping[key]``, or the key itself when it is not there."""
    return mapping.get(key, key) if hasattr(mapping, "get") else key


@register.filter
def import_error_message(error) -> str:
    return clerk_message(error)
