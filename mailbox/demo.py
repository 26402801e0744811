"""Demo mailboxes: a 市长信箱 and a 局长信箱 with letters in every state and a few public
replies, made through the services as people would. Idempotent: each letter has a
fixed submission token, so a second run finds it instead of writing it again."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from mailbox import services
from mailbox.models import Kind, Letter, Mailbox, Reply
from portal import workflow
from portal.credentials import password_for
from portal.models import Organization, Status


@dataclass(frozen=True)
class DemoLetter:
    box: str
    kind: str
    subject: str
    body: str
    name: str
    phone: str
    consent: bool
    days_ago: int
    steps: tuple[str, ...]  # accept, reject, assign, reply, approve, publish, rate-ok, rate-bad
    department: str = "重庆市民政局办公室"
    answer: str = ""


LETTERS = [
    DemoLetter("mayor", Kind.CONSULT, "城乡低保申请需要哪些材料",
               "我叫王建国，家住渝北区龙山路88号3栋2单元501室，电话13983001234。"
               "母亲今年七十二岁，没有固定收入，想咨询申请城乡低保需要准备哪些材料，在哪里办理。",
               "王建国", "13983001234", True, 30, ("accept", "assign", "reply", "approve", "publish", "rate-ok"),
               "重庆市民政局执法监督处（政策法规处）",
               "王先生您好：申请城乡低保由申请人向户籍所在地乡镇人民政府（街道办事处）提出，需提供身份证、户口簿、"
               "家庭收入和财产状况说明等材料，也可委托村（居）民委员会代为提出。具体可咨询所在街道社会救助窗口。"),
    DemoLetter("mayor", Kind.SUGGESTION, "建议增加社区养老服务站的助餐点",
               "本人李秀英，退休教师，身份证号500103195501011228。小区老人多，建议在社区养老服务站增加助餐点，"
               "方便行动不便的老人就近用餐。联系电话023-68881234。",
               "李秀英", "02368881234", True, 25, ("accept", "assign", "reply", "approve", "publish"),
               "重庆市民政局办公室",
               "感谢您的建议。我局正在推进社区老年食堂和助餐点建设，已将您所在社区纳入今年的布点规划，"
               "建成后将通过社区公告告知居民。"),
    DemoLetter("director", Kind.HELP, "婚姻登记预约系统无法选择日期",
               "我是张伟，准备下周办理结婚登记，但预约系统一直无法选择日期，请帮忙看看。手机13512345678。",
               "张伟", "13512345678", True, 20, ("accept", "assign", "reply", "approve", "publish", "rate-ok"),
               "重庆市婚姻收养登记管理中心",
               "您好：系统故障已于当日修复，现已可正常预约。如仍有问题，请拨打登记中心咨询电话。"),
    DemoLetter("director", Kind.COMPLAINT, "殡仪馆服务收费不透明",
               "殡仪馆服务项目收费没有公示，办理时被告知多项费用，希望核查。",
               "陈明", "13698765432", False, 18, ("accept", "assign", "reply", "approve", "rate-bad"),
               "重庆市石桥铺殡仪馆",
               "经核查，相关收费项目已在服务大厅和网站公示，我们将加强现场告知。"),
    DemoLetter("mayor", Kind.CONSULT, "地名更名后门牌何时更换",
               "我们街道的道路更名了，想问门牌什么时候统一更换，需要自己去办理吗？",
               "刘芳", "13800138000", True, 6, ("accept", "assign", "reply"),
               "重庆市民政局区划地名处", "门牌将由区地名管理部门统一更换，无需个人申请。"),
    DemoLetter("director", Kind.CONSULT, "慈善组织认定的条件",
               "想了解社会组织申请认定为慈善组织需要满足什么条件。",
               "赵磊", "13900001111", False, 4, ("accept", "assign"), "重庆市民政局执法监督处（政策法规处）"),
    DemoLetter("mayor", Kind.HELP, "独居老人冬季取暖困难",
               "邻居是独居老人，冬天取暖困难，能否提供帮助？", "孙丽", "13711112222", True, 2, ("accept",)),
    DemoLetter("mayor", Kind.OTHER, "反映小区噪音扰民", "楼下商铺晚上噪音很大，影响休息。",
               "周强", "13622223333", False, 1, ("reject",)),
    DemoLetter("director", Kind.SUGGESTION, "建议公布婚姻登记各窗口排队情况",
               "建议在网站上实时公布各婚姻登记处排队人数，方便群众选择。", "吴静", "13533334444", True, 0, ()),
    DemoLetter("mayor", Kind.CONSULT, "高龄津贴如何申领",
               "我父亲今年八十岁，请问高龄津贴怎么申领？", "郑涛", "13444445555", True, 0, ()),
]  # fmt: skip


def _mailboxes(office, admin) -> dict[str, Mailbox]:
    boxes = {}
    specs = [
        ("mayor", "市长信箱", 1, "市长信箱转交市民政局办理的来信在此答复。请如实填写，我们将按期答复。"),
        ("director", "局长信箱", 2, "欢迎就民政工作提出咨询、建议、投诉和求助。咨询类来信 3 个工作日内答复，其他 10 个工作日内答复。"),
    ]  # fmt: skip
    for slug, name, order, description in specs:
        mailbox, _ = Mailbox.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "organization": office,
                "description": description,
                "sort_order": order,
            },  # fmt: skip
        )
        mailbox.administrators.add(admin)
        boxes[slug] = mailbox
    return boxes


def load(*, admin, clerk, reviewer, publisher) -> tuple[int, str, str]:
    """Returns the number of letters and one demo letter's tracking code and password."""
    office = Organization.objects.get(name="重庆市民政局办公室")
    boxes = _mailboxes(office, admin)
    now = timezone.now()
    sample = ("", "")
    for n, spec in enumerate(LETTERS):
        token = f"demo-letter-{n:03d}"
        at = now - timedelta(days=spec.days_ago, hours=3)
        letter, created = services.letter_submit(
            mailbox=boxes[spec.box], kind=spec.kind, subject=spec.subject, body=spec.body,
            name=spec.name, phone=spec.phone, consents_to_publish=spec.consent,
            submission_token=token, now=at,
        )  # fmt: skip
        if n == 0:
            sample = (letter.tracking_code, password_for(token))
        if created:
            _handle(letter, spec, at, clerk=clerk, reviewer=reviewer, publisher=publisher)
    return Letter.objects.filter(mailbox__in=boxes.values()).count(), *sample


def _handle(letter, spec: DemoLetter, at, *, clerk, reviewer, publisher) -> None:
    step_at = at + timedelta(hours=2)
    for step in spec.steps:
        if step == "accept":
            letter = services.letter_accept(letter=letter, by=clerk, now=step_at)
        elif step == "reject":
            letter = services.letter_reject(
                letter=letter, by=clerk, now=step_at,
                reason="您反映的噪音问题属于生态环境和公安部门职责，请拨打 12345 热线或向属地派出所反映。",
            )  # fmt: skip
        elif step == "assign":
            department = Organization.objects.get(name=spec.department)
            letter = services.letter_assign(letter=letter, by=clerk, department=department,
                                            now=step_at)  # fmt: skip
        elif step == "reply":
            letter = services.letter_reply(letter=letter, by=clerk, text=spec.answer, now=step_at)
        elif step == "approve":
            letter = services.letter_approve_reply(letter=letter, by=reviewer, now=step_at)
        elif step == "publish":
            reply = Reply.objects.get(letter=letter)
            for name, by in (("submit", clerk), ("approve", reviewer), ("publish", publisher)):
                if reply.status != Status.PUBLISHED:
                    reply = workflow.perform(reply, step=name, by=by, note="经保密审查，同意公开。")
        elif step in ("rate-ok", "rate-bad"):
            satisfaction = "satisfied" if step == "rate-ok" else "unsatisfied"
            letter = services.letter_rate(letter=letter, satisfaction=satisfaction,
                                          comment="", now=step_at)  # fmt: skip
        step_at += timedelta(days=1)
