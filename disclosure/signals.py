"""What the public sees also changes when a column, the guide or a vocabulary changes:
those moves bump the publication counter too (publications bump it through the workflow
and the services)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from disclosure.models import ColumnPage, DisclosureGuide, Genre, TopicCategory
from portal import publication
from portal.models import Organization

VOCABULARIES = (Genre, TopicCategory, Organization)
SHOWN_PUBLICLY = (ColumnPage, DisclosureGuide, *VOCABULARIES)


@receiver([post_save, post_delete])
def public_content_changed(sender, **kwargs):
    if sender in SHOWN_PUBLICLY and not kwargs.get("raw"):
        publication.bump(vocabularies=sender in VOCABULARIES)
