import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from mailbox import services
from mailbox.models import Kind, Mailbox
from portal import workflow
from tests.portal.factories import OrganizationFactory
from tests.portal.roles import staff

SHANGHAI = ZoneInfo("Asia/Shanghai")
_tokens = itertools.count()

WRITER = {"name": "张三丰", "phone": "13812345678", "email": "zhangsf@example.com"}
ID_NUMBER = "500101199001011234"
SECRET_BODY = (
    f"我叫张三丰，身份证号{ID_NUMBER}，电话13812345678，家住渝北区龙山路123号5栋2单元301室。"
    "想咨询城乡低保申请需要哪些材料。"
)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def mailbox(agency):
    return Mailbox.objects.create(name="局长信箱", slug="director", organization=agency.office)


@pytest.fixture
def department(agency):
    return OrganizationFactory(
        name="社会救助处", short_name="", parent=agency.bureau, credit_code=""
    )


@pytest.fixture
def department_clerk(department):
    return staff("deptclerk", department, "信息员")


def submit(mailbox, *, now=None, **overrides):
    data = {
        "kind": Kind.CONSULT,
        "subject": "城乡低保申请材料",
        "body": SECRET_BODY,
        **WRITER,
        "consents_to_publish": True,
        "submission_token": f"token-{next(_tokens)}",
        **overrides,
    }
    letter, _created = services.letter_submit(mailbox=mailbox, now=now, **data)
    return letter


def close(letter, agency, *, department=None, handler=None, now=None):
    """Accept, (assign), reply and approve: the letter is 已办结."""
    letter = services.letter_accept(letter=letter, by=agency.clerk, now=now)
    if department is not None:
        letter = services.letter_assign(letter=letter, by=agency.clerk, department=department,
                                        now=now)  # fmt: skip
    letter = services.letter_reply(
        letter=letter, by=handler or agency.clerk, text="您好，请携带身份证到街道办理。", now=now
    )
    return services.letter_approve_reply(letter=letter, by=agency.reviewer, now=now)


def publish_reply(reply, agency):
    for step, by in (("submit", agency.clerk), ("approve", agency.reviewer),
                     ("publish", agency.publisher)):  # fmt: skip
        reply = workflow.perform(reply, step=step, by=by, note="同意公开。")
    return reply
