"""Public replies in the portal's search index as their own kind, 信件答复: the reviewed
redacted text only (registered in ``MailboxConfig.ready``)."""

from mailbox.models import Reply
from portal import search


def reply_entries(replies: list[Reply]):
    return [
        search.entry(
            "reply",
            reply,
            title=reply.title,
            text=f"{reply.letter_text}\n{reply.answer}",
            organization_id=reply.department_id,
        )
        for reply in replies
    ]


def reply_texts(ids: list[int]) -> dict[int, str]:
    rows = Reply.objects.filter(pk__in=ids).values_list("pk", "letter_text", "answer")
    return {pk: f"{letter_text}\n答复：{answer}" for pk, letter_text, answer in rows}


REPLIES = search.SearchKind(
    name="reply", label="信件答复", model=Reply, entries=reply_entries, snippet_texts=reply_texts
)
