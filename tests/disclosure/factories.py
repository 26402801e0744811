from datetime import date, datetime
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from disclosure.models import DisclosureGuide, Document, Genre, TopicCategory
from tests.portal.factories import OrganizationFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _morning_of(o):
    day = o.written_on
    return datetime(day.year, day.month, day.day, 10, 30, tzinfo=SHANGHAI)


class DocumentFactory(factory.django.DjangoModelFactory):
    """A draft by default; ``published=True`` gives a live document published at 10:30 on
    its 成文日期 (as a migrated record would be, without going through the workflow)."""

    class Meta:
        model = Document
        skip_postgeneration_save = True

    class Params:
        published = factory.Trait(
            status=Document.Status.PUBLISHED,
            is_live=True,
            published_at=factory.LazyAttribute(_morning_of),
            last_published_at=factory.LazyAttribute(_morning_of),
        )

    title = factory.Sequence(lambda n: f"关于做好第{n}项民政工作的通知")

    @factory.post_generation
    def indexed(document, create, extracted, **kwargs):
        """A live document is in the search index, as publishing would have put it."""
        if create and document.is_live:
            from portal import publication, search

            search.index_item(document)
            publication.bump()

    organization = factory.SubFactory(OrganizationFactory)
    category = factory.LazyFunction(lambda: TopicCategory.objects.get(name="社会福利"))
    genre = factory.LazyFunction(lambda: Genre.objects.get(name="通知"))
    written_on = date(2024, 5, 6)


class DisclosureGuideFactory(factory.django.DjangoModelFactory):
    """A published guide (``published=False`` for a draft)."""

    class Meta:
        model = DisclosureGuide

    class Params:
        published = factory.Trait(
            status=Document.Status.PUBLISHED,
            is_live=True,
            published_at=factory.LazyFunction(timezone.now),
            last_published_at=factory.LazyFunction(timezone.now),
        )

    published = True

    organization = factory.SubFactory(OrganizationFactory, name="重庆市民政局")
    classification = "按主题分类编排"
    how_to_obtain = "网站查阅或依申请公开"
    office_name = "局办公室"
    office_address = "重庆市渝北区某路1号"
    office_hours = "工作日 9:00—17:30"
    phone = "023-11111111"
    fax = "023-22222222"
    internet_contact = "zwgk@example.gov.cn"
