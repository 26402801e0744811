"""RSS and Atom feeds of the newest public documents: overall, per topic, per organization."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from disclosure.models import Document, TopicCategory
from portal.feeds import PublicationFeed, SafeAtomFeed
from portal.models import Organization

ITEMS = 20


class DocumentFeed(PublicationFeed):
    title = "最新政府信息公开文件"
    description = "政府信息公开目录中最新发布的文件。"

    def link(self, obj=None):
        return reverse("disclosure:document-list")

    def documents(self, obj):
        return Document.objects.published().select_related("organization", "category")

    def items(self, obj=None):
        return self.documents(obj).newest_first()[:ITEMS]

    def item_categories(self, item):
        return [item.category.name]


class SubtreeFeed(DocumentFeed):
    """The newest documents of one node of a tree (a topic or an organization), its
    descendants included, as the catalogue filter with the same ``param`` shows them."""

    model = None
    param = ""
    field = ""

    def get_object(self, request, pk):
        return get_object_or_404(self.model, pk=pk)

    def title(self, obj):
        return f"最新公开文件：{getattr(obj, 'display_name', obj.name)}"

    def link(self, obj):
        return f"{reverse('disclosure:document-list')}?{self.param}={obj.pk}"

    def documents(self, obj):
        ids = obj.get_descendants(include_self=True).values_list("pk", flat=True)
        return super().documents(obj).filter(**{f"{self.field}_id__in": ids})


class CategoryFeed(SubtreeFeed):
    model, param, field = TopicCategory, "category", "category"


class OrganizationFeed(SubtreeFeed):
    model, param, field = Organization, "org", "organization"


class AtomDocumentFeed(DocumentFeed):
    feed_type = SafeAtomFeed
    subtitle = DocumentFeed.description


class AtomCategoryFeed(CategoryFeed):
    feed_type = SafeAtomFeed


class AtomOrganizationFeed(OrganizationFeed):
    feed_type = SafeAtomFeed
