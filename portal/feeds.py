"""Feed generators for every app's RSS and Atom feeds."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from portal.plaintext import xml_safe
from portal.richtext import plain_text


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


class PublicationFeed(Feed):
    """A feed of publications with a title, a summary or an HTML body, an issuing
    ``organization`` and the workflow's dates; a subclass gives ``items`` and its names."""

    feed_type = SafeRssFeed

    def item_title(self, item):
        # Plain text: the feed generator escapes it, once (Feed's default would escape
        # it a second time).
        return item.title

    def item_description(self, item):
        # Feed readers take a description as HTML: plain text must stay plain text.
        return escape(item.summary or plain_text(item.body)[:200])

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item):
        return item.organization.display_name
