"""Applications and answer letters with minimal valid defaults. Rows made here skip the
services (no events, no derived clock): tests of the clock and the services build their
applications through ``disclosure.applications.services``."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from disclosure.applications.models import AnswerLetter, Application
from disclosure.applications.vocabularies import (
    ApplicantType,
    Channel,
    DeliveryForm,
    DeliveryMethod,
    IdType,
    LetterType,
)
from tests.portal.factories import OrganizationFactory

# The national standard's own example (GB 11643): a valid check digit, nobody's number.
RESIDENT_ID = "11010519491231002X"


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    organization = factory.SubFactory(OrganizationFactory)
    number = factory.Sequence(lambda n: f"YSQ-2000-{n:05d}")
    channel = Channel.IN_PERSON
    applicant_type = ApplicantType.NATURAL
    name = "王五"
    id_type = IdType.RESIDENT_ID
    id_number = RESIDENT_ID
    phone = "13800000000"
    address = "重庆市渝中区人民路1号"
    info_title = "2025年城乡低保资金发放情况"
    delivery_form = DeliveryForm.PAPER
    delivery_method = DeliveryMethod.POST
    tracking_code = factory.Sequence(lambda n: f"TST{n:08d}")
    password_hash = "!"
    submitted_at = factory.LazyFunction(timezone.now)


class AnswerLetterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnswerLetter

    application = factory.SubFactory(ApplicationFactory)
    owner_organization = factory.SelfAttribute("application.organization")
    letter_type = LetterType.DISCLOSE
    outcome = "1"
    body = "经审查，您申请的政府信息属于公开范围，现予以提供。"


SHANGHAI = ZoneInfo("Asia/Shanghai")
APPLICANT = {
    "applicant_type": ApplicantType.NATURAL,
    "name": "王五",
    "id_type": IdType.RESIDENT_ID,
    "id_number": RESIDENT_ID,
    "phone": "13800000000",
    "address": "重庆市渝中区人民路1号",
    "info_title": "2025年城乡低保资金发放情况",
    "delivery_form": DeliveryForm.PAPER,
    "delivery_method": DeliveryMethod.POST,
}


def at(day: date, hour: int = 10) -> datetime:
    """A moment on ``day`` in the portal's time zone (the day the clock sees)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def received(organization, clerk, on: date, *, channel=Channel.IN_PERSON, **data) -> Application:
    """An application a clerk registered as received on ``on``, through the services."""
    from disclosure.applications import services

    application, _password = services.application_register(
        data={**APPLICANT, "organization": organization, **data},
        channel=channel,
        received_on=on,
        by=clerk,
        now=at(on),
    )
    return application
