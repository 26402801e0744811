from django import template

register = template.Library()


@register.filter
def lookup(mapping, key):
    """``mapping[key]``, or the key itself when it is not there."""
    return mapping.get(key, key) if hasattr(mapping, "get") else key
