"""Files that follow an item's publication: a document's attachments, an interpretation's
images and media. The rule is the same for each (the public keeps what was reviewed):

- a file added to a live item waits (``is_live=False``) and goes public with the item's
  next published version;
- a live file deleted from a live item is only marked ``remove_on_publish`` until then;
- a live file is never changed in place (delete it and upload a new one);
- of an item that is not live, changes take effect at once.

A follower model has the boolean fields ``is_live`` and ``remove_on_publish`` and a
foreign key to its item; ``publish_followers`` runs in the item's ``on_publish`` hook.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

LIVE_FILE_FROZEN = "已公开的{noun}不能直接修改：请删除后重新上传，新{noun}随修改一起审核、发布。"


def publish_followers(queryset) -> None:
    """The followers of items whose new versions just went public (two queries)."""
    queryset.filter(remove_on_publish=True).delete()
    queryset.filter(is_live=False).update(is_live=True)


def validate_followers(*, item, changed: Iterable, noun: str = "附件") -> None:
    """Refuse a change in place of a live item's public file: it would reach the public
    unreviewed (an admin inline calls this to show the refusal on the form)."""
    if item.is_live and any(f.pk and f.is_live for f in changed):
        raise ValidationError(LIVE_FILE_FROZEN.format(noun=noun), code="attachment_live")


def save_followers(*, item, field: str, saved: Iterable = (), deleted: Iterable = (),
                   noun: str = "附件") -> None:  # fmt: skip
    """Add, change and delete an item's followers by the rule above; ``field`` names the
    follower's foreign key to the item."""
    saved, deleted = list(saved), list(deleted)
    validate_followers(item=item, changed=[f for f in saved if f.pk], noun=noun)
    with transaction.atomic():
        for follower in deleted:
            if item.is_live and follower.is_live:
                follower.remove_on_publish = True
                follower.save(update_fields=["remove_on_publish"])
            else:
                follower.delete()
        for follower in saved:
            if follower.pk is None:
                follower.is_live = False  # goes public with the item's next version
            setattr(follower, field, item)
            follower.save()
