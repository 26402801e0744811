"""A mailbox with a closed letter and its drafted public reply, through the services,
for tests outside this app (the admin smoke test opens every model's pages)."""

import itertools

from mailbox import services
from mailbox.models import Kind, Mailbox, Reply
from tests.portal.factories import UserFactory

_n = itertools.count()


def letter_with_public_reply(organization) -> Reply:
    n = next(_n)
    handler = UserFactory(username=f"mailbox-handler{n}", is_superuser=True, is_staff=True,
                          organization=organization)  # fmt: skip
    reviewer = UserFactory(username=f"mailbox-reviewer{n}", is_superuser=True, is_staff=True,
                           organization=organization)  # fmt: skip
    mailbox, _ = Mailbox.objects.get_or_create(
        slug="director", defaults={"name": "局长信箱", "organization": organization}
    )
    letter, _ = services.letter_submit(
        mailbox=mailbox, kind=Kind.CONSULT, subject="低保申请材料咨询", body="请问申请低保需要什么材料？",
        name="李四", phone="13983001234", consents_to_publish=True, submission_token=f"factory-{n}",
    )  # fmt: skip
    letter = services.letter_accept(letter=letter, by=handler)
    letter = services.letter_reply(letter=letter, by=handler, text="请到街道社会救助窗口申请。")
    letter = services.letter_approve_reply(letter=letter, by=reviewer)
    return Reply.objects.get(letter=letter)
