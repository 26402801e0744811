"""Feed generators for every app's RSS and Atom feeds."""

from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from portal.plaintext import xml_safe


class XmlSafe:
    """A feed generator that drops what XML cannot carry from every text it is given, so
    that no stored value (one saved before today's input rules, say) can break a feed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*(xml_safe(a) for a in args), **_xml_safe_values(kwargs))

    def add_item(self, *args, **kwargs):
        super().add_item(*(xml_safe(a) for a in args), **_xml_safe_values(kwargs))


def _xml_safe_values(kwargs: dict) -> dict:
    def clean(value):
        if isinstance(value, list | tuple):
            return type(value)(xml_safe(v) for v in value)
        return xml_safe(value)

    return {name: clean(value) for name, value in kwargs.items()}


class SafeRssFeed(XmlSafe, Rss201rev2Feed):
    pass


class SafeAtomFeed(XmlSafe, Atom1Feed):
    pass
