from datetime import date, datetime
from zoneinfo import ZoneInfo

import factory

from disclosure.models import Document, Genre, TopicCategory
from tests.portal.factories import OrganizationFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    class Params:
        published = factory.Trait(
            status=Document.Status.PUBLISHED,
            published_at=factory.LazyAttribute(
                lambda o: datetime(
                    o.written_on.year, o.written_on.month, o.written_on.day, 10, 30, tzinfo=SHANGHAI
                )
            ),
        )

    title = factory.Sequence(lambda n: f"关于做好第{n}项民政工作的通知")
    organization = factory.SubFactory(OrganizationFactory)
    category = factory.LazyFunction(lambda: TopicCategory.objects.get(name="社会福利"))
    genre = factory.LazyFunction(lambda: Genre.objects.get(name="通知"))
    written_on = date(2024, 5, 6)
