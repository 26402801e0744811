"""Notices in the search index: all an app writes to be searched."""

from portal import search
from portal.richtext import plain_text
from tests.publishing.models import Notice


def notice_entries(notices):
    return [
        search.entry(
            "notice",
            notice,
            title=notice.title,
            text=plain_text(notice.body),
            organization_id=notice.owner_organization_id,
        )
        for notice in notices
    ]


def notice_texts(ids):
    return {
        pk: plain_text(body)
        for pk, body in Notice.objects.filter(pk__in=ids).values_list("pk", "body")
    }


NOTICES = search.SearchKind(
    name="notice", label="通告", model=Notice, entries=notice_entries, snippet_texts=notice_texts
)
