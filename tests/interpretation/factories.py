import factory

from interpretation.models import Interpretation
from interpretation.services import interpretation_save
from portal import workflow
from tests.disclosure.factories import PublishableFactory, factory_publisher
from tests.portal.factories import OrganizationFactory


class InterpretationFactory(PublishableFactory):
    """A draft by default, saved through ``interpretation.services`` with the documents
    it interprets (``documents=[...]``); ``published=True`` then migrates it as
    published (a migration keeps the given ``published_at``)."""

    class Meta:
        model = Interpretation

    title = factory.Sequence(lambda n: f"第{n}号政策文件解读")
    kind = Interpretation.Kind.QA
    organization = factory.SubFactory(OrganizationFactory)
    interpreter = "张三"
    body = "<p>一问一答。</p>"

    @classmethod
    def _create(cls, model_class, *args, published=False, by=None, documents=(), **kwargs):
        by = by or factory_publisher()
        item = model_class(*args, **kwargs)
        if item.owner_organization_id is None:
            item.owner_organization_id = item.organization_id
        item = interpretation_save(interpretation=item, by=by, documents=documents)
        if published:
            item = workflow.item_migrate_published(item, by=by)
        return item
