"""RSS of a mailbox's newest public replies: the reviewed redacted text only."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404

from mailbox.models import Mailbox, Reply
from portal.feeds import SafeRssFeed

ITEMS = 20


class ReplyFeed(Feed):
    feed_type = SafeRssFeed

    def get_object(self, request, slug):
        return get_object_or_404(Mailbox, slug=slug)

    def title(self, mailbox):
        return f"{mailbox.name} · 最新公开答复"

    def description(self, mailbox):
        return f"{mailbox.name}经来信人同意公开的来信及答复（已隐去个人信息）。"

    def link(self, mailbox):
        return mailbox.get_absolute_url()

    def items(self, mailbox):
        return (
            Reply.objects.published()
            .filter(mailbox=mailbox)
            .select_related("mailbox", "department")
            .order_by("-published_at", "-pk")[:ITEMS]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return f"{item.letter_text[:200]}\n\n答复：{item.answer[:300]}"

    def item_pubdate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return item.department.display_name
