"""Demo applications for disclosure on request (依申请公开): about thirty requests to the
demo bureau (重庆市民政局, the agency that receives applications, as the public form does
by default) over this year and the last, handled by its office (重庆市民政局办公室, where
the demo clerk works: the 政府信息公开工作机构, 条例 Art 4), by every channel and every
applicant type, in every status, answered with a range of outcome leaves.

Everything goes through the services with the day each step happened (``now=``), as the
office would have done it: the clerk registers, confirms, handles and asks for extensions,
the reviewer (the office head) approves them and reviews the answer letters (four eyes:
never the drafter), the publisher issues them. Dates are working days before today, so the open cases stay open, due soon
or overdue whenever the demo is loaded.

Applicants are invented: resident ID numbers are check-digit valid (GB 11643) with
sequence codes 001–099, credit codes check-valid (GB 32100), phones 1380000xxxx, streets
named 示例路/演示街. Idempotent: an application is known by its 所需信息名称 (online ones
also by their fixed submission token), so a second run finds it and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from disclosure.applications import fees, services
from disclosure.applications.models import Application
from disclosure.applications.vocabularies import (
    ApplicantType,
    Channel,
    DeliveryForm,
    DeliveryMethod,
    IdType,
    ServiceMethod,
)
from portal import credit_code, id_numbers
from portal.models import CalendarDay, Organization

# The receiving agency: answer letters go out in its name.
AGENCY = "重庆市民政局"
# The application a demo visitor can track: its token is fixed, so its query password is
# the same on every run (the tracking code is drawn at random on the first run).
TRACKING_TOKEN = "demo-apply-tracking"

A, F, M = ApplicantType, DeliveryForm, DeliveryMethod


def resident_id(district: str, born: str, sequence: int) -> str:
    first = f"{district}{born}{sequence:03d}"
    return first + id_numbers.check_character(first)


def org_code(prefix: str, district: str, body: str) -> str:
    first = f"{prefix}{district}{body}"
    return first + credit_code.check_character(first)


@dataclass(frozen=True)
class Applicant:
    kind: str
    name: str
    id_number: str
    phone: str
    address: str
    contact_person: str = ""
    email: str = ""

    def data(self) -> dict:
        natural = self.kind == A.NATURAL
        return {
            "applicant_type": self.kind, "name": self.name,
            "id_type": IdType.RESIDENT_ID if natural else IdType.CREDIT_CODE,
            "id_number": self.id_number, "contact_person": self.contact_person,
            "phone": self.phone, "address": self.address, "email": self.email,
        }  # fmt: skip


P = {
    "wang": Applicant(A.NATURAL, "王建国", resident_id("500112", "19680315", 31), "13800001001", "重庆市渝北区示例路88号3栋2单元501室"),
    "li": Applicant(A.NATURAL, "李秀英", resident_id("500103", "19550101", 22), "13800001002", "重庆市渝中区演示街12号附1号"),
    "zhang": Applicant(A.NATURAL, "张伟", resident_id("500106", "19900720", 13), "13800001003", "重庆市沙坪坝区样例大道200号", email="zhangwei@example.com"),
    "chen": Applicant(A.NATURAL, "陈明", resident_id("500107", "19760402", 55), "13800001004", "重庆市九龙坡区示例路6号"),
    "liu": Applicant(A.NATURAL, "刘芳", resident_id("500108", "19851111", 28), "13800001005", "重庆市南岸区演示街66号7-2", email="liufang@example.com"),
    "zhao": Applicant(A.NATURAL, "赵德才", resident_id("500113", "19470909", 17), "13800001006", "重庆市巴南区样例村3组"),
    "sun": Applicant(A.NATURAL, "孙丽", resident_id("500105", "19921203", 46), "13800001007", "重庆市江北区示例路9号5楼"),
    "zhou": Applicant(A.NATURAL, "周强", resident_id("500104", "19810618", 71), "13800001008", "重庆市大渡口区演示街101号"),
    "wu": Applicant(A.NATURAL, "吴静", resident_id("500109", "19880228", 64), "13800001009", "重庆市北碚区样例路18号", email="wujing@example.com"),
    "jialing": Applicant(A.COMMERCIAL, "重庆嘉陵示范康养服务有限公司", org_code("91", "500105", "MA5DEM001"), "13800002001", "重庆市江北区示例路1号", "何经理", "hr@example.com"),
    "shancheng": Applicant(A.COMMERCIAL, "重庆山城示例数据咨询有限公司", org_code("91", "500112", "MA5DEM002"), "13800002002", "重庆市渝北区演示大道88号12楼", "冯敏", "data@example.com"),
    "institute": Applicant(A.RESEARCH, "重庆示例社会政策研究院", org_code("12", "500000", "DEM000003"), "13800003001", "重庆市沙坪坝区样例大道33号", "郑教授", "policy@example.com"),
    "chunhui": Applicant(A.PUBLIC_WELFARE, "重庆市示例春晖公益基金会", org_code("53", "500000", "DEM000004"), "13800004001", "重庆市渝中区演示街5号", "许秘书长", "chunhui@example.com"),
    "yuxin": Applicant(A.LEGAL_SERVICE, "重庆示例渝信律师事务所", org_code("31", "500000", "DEM000005"), "13800005001", "重庆市江北区示例路21号20楼", "唐律师", "law@example.com"),
    "committee": Applicant(A.OTHER_ORG, "南岸区演示街道示例社区居民委员会", org_code("54", "500108", "DEM000006"), "13800006001", "重庆市南岸区演示街道示例路2号", "黄主任"),
}  # fmt: skip


@dataclass(frozen=True)
class Demo:
    """One demo application. ``start`` is how many working days before today its first
    event happened (None: mid-December of last year, the one carried over); each step is
    (working days after the first event, step, arguments)."""

    who: str
    channel: str
    title: str
    number: str
    description: str
    form: str
    method: str
    start: int | None
    steps: tuple[tuple[int, str, dict], ...] = ()
    token: str = ""
    fee_waiver: bool = False


def answer(outcome: str, **letter) -> dict:
    return {"outcome": outcome, **letter}


def answered(draft: int, outcome: dict, serve: int | None = None, how=ServiceMethod.POST):
    """The usual end: drafted and submitted, reviewed the next working day, issued that
    day, served ``serve`` days after the draft (or not yet)."""
    steps = [(draft, "draft", outcome), (draft + 1, "approve", {}), (draft + 1, "issue", {})]
    if serve is not None:
        steps.append((draft + serve, "serve", {"method": how}))
    return tuple(steps)


THIRD_PARTY_BASIS = "《中华人民共和国政府信息公开条例》第十五条、第三十二条"
PROCESS_BASIS = "《中华人民共和国政府信息公开条例》第十六条第二款"

DEMOS = [
    # --- answered and served ---------------------------------------------------------------
    Demo("wang", Channel.ONLINE, "重庆市民政局 重庆市财政局关于提高城乡居民最低生活保障标准的通知", "渝民发〔2026〕12号",
         "请提供本年度城乡低保标准调整文件全文，我需要了解母亲的低保金是否随之调整。",
         F.PAPER, M.POST, 30, ((0, "confirm", {}), *answered(9, answer("1"), 3)), token=TRACKING_TOKEN),
    Demo("yuxin", Channel.EMAIL, "重庆市养老机构名录（2026年版）", "",
         "为代理客户选择养老机构，需要全市已备案养老机构的名称、地址、床位数。",
         F.EMAIL, M.EMAIL, 262, answered(6, answer("1", letter_type="already_public",
             published_where="重庆市民政局门户网站“政府信息公开—法定主动公开内容—养老服务”栏目"), 1)),
    Demo("chunhui", Channel.REGISTERED_MAIL, "2025年度市级社会组织年检（年报）结果", "渝民〔2026〕35号",
         "请提供年检结论为“基本合格”和“不合格”的社会组织名单及原因，用于公益项目合作方审查。",
         F.PAPER, M.POST, 95, answered(14, answer("2",
             reasons="名单中社会组织负责人的身份证号码和联系电话属于个人信息，已作区分处理后提供其余内容。",
             legal_basis="《中华人民共和国政府信息公开条例》第十五条、第三十七条"), 2)),
    Demo("chunhui", Channel.REGISTERED_MAIL, "2025年度市级社会组织年检结果（基本合格和不合格名单）", "渝民〔2026〕35号",
         "再次申请市级社会组织年检结果中基本合格和不合格名单。",
         F.PAPER, M.POST, 70, answered(8, answer("5.2",
             reasons="您申请的信息与您此前提出的申请内容相同，本机关已作出答复并提供了相关信息。"), 2)),
    Demo("jialing", Channel.IN_PERSON, "重庆嘉陵康养中心养老机构等级评定申报材料", "",
         "申请公开同行业养老机构在等级评定中提交的财务报表和运营数据。",
         F.PAPER, M.PICKUP, 300, ((5, "consult", {"party": "重庆嘉陵康养中心"}),
             (14, "consulted", {"party": "重庆嘉陵康养中心", "note": "第三方书面答复不同意公开，认为涉及商业秘密。"}),
             *answered(16, answer("3.4",
                 reasons="所申请的财务报表和运营数据涉及第三方商业秘密，经书面征求第三方意见，第三方不同意公开，且不公开不会对公共利益造成重大影响。",
                 legal_basis=THIRD_PARTY_BASIS), 2, ServiceMethod.IN_PERSON))),
    Demo("institute", Channel.ONLINE, "城乡低保标准调整测算过程稿及局长办公会讨论记录", "",
         "研究低保标准调整机制，希望获得测算过程稿和内部讨论记录。",
         F.ELECTRONIC, M.POST, 420, ((0, "confirm", {}), *answered(12, answer("3.6",
             reasons="所申请的测算过程稿和会议讨论记录属于行政机关在履行行政管理职能过程中形成的讨论记录、过程稿。",
             legal_basis=PROCESS_BASIS), 2))),
    Demo("zhao", Channel.ORDINARY_MAIL, "2008年以前本村农村五保供养对象名册", "",
         "想查当年我父亲是否列入五保供养名单。",
         F.PAPER, M.POST, 205, ((1, "confirm", {}), *answered(10, answer("4.1",
             reasons="经检索本机关档案，未保存2008年以前各村农村五保供养对象名册，该信息由当时的乡镇人民政府登记保管。"), 3))),
    Demo("li", Channel.ORAL, "2026年重庆市企业退休人员基本养老金调整方案", "",
         "口头申请，由工作人员代为填写：想了解今年退休金怎么调整。",
         F.PAPER, M.PICKUP, 90, answered(3, answer("4.1", letter_type="not_ours",
             other_agency_name="重庆市人力资源和社会保障局", other_agency_contact="咨询电话 12333"), 1,
             ServiceMethod.IN_PERSON)),
    Demo("chen", Channel.FAX, "关于低保的那个文件", "",
         "我要低保的文件。",
         F.PAPER, M.POST, 270, ((1, "confirm", {}), (3, "supplement", {"items":
             "请写明所需信息的名称、文号或者便于本机关查询的其他特征性描述（如发文年份、涉及的具体低保事项）。"}),
             (19, "supplement_expired", {}))),
    Demo("shancheng", Channel.ONLINE, "2019—2025年全市婚姻登记数据（按月份、区县、年龄段）", "",
         "用于商业数据分析，需要全部原始统计表。",
         F.ELECTRONIC, M.EMAIL, 150, ((0, "confirm", {}), (5, "fee", {"pages": 240}), (26, "fee_expired", {}))),
    Demo("sun", Channel.EMAIL, "江北区特困人员救助供养机构名单", "",
         "想了解江北区有哪些特困供养机构。",
         F.EMAIL, M.EMAIL, 255, ((4, "withdraw", {"note": "申请人来电表示已在区政府网站查到，书面邮件撤回申请。"}),)),
    Demo("institute", Channel.REGISTERED_MAIL, "2020—2025年各区县养老机构床位使用率月度统计", "",
         "研究养老服务供需，需要分区县、分月份的床位使用率。",
         F.ELECTRONIC, M.POST, 350, ((17, "request_extension", {"working_days": 15,
             "reason": "所需信息涉及38个区县多年数据，需逐一检索核实，无法在20个工作日内答复。"}),
             (17, "approve_extension", {"note": "同意延长15个工作日。"}),
             *answered(28, answer("4.2",
                 reasons="本机关未按区县、月份统计床位使用率，现有统计为年度汇总数；按您的要求提供需要另行加工制作。"), 2))),
    Demo("yuxin", Channel.ONLINE, "市级福利彩票公益金资助养老服务项目清单（2025年度）", "",
         "为公益诉讼准备材料，需要项目名称、承担单位、资助金额。",
         F.PAPER, M.POST, 200, ((0, "confirm", {}), (6, "fee", {"pages": 86}), (11, "fee_paid", {}),
             *answered(20, answer("1"), 2))),
    Demo("zhou", Channel.IN_PERSON, "石桥铺殡仪馆违规收费问题的查处结果", "",
         "要求查处殡仪馆乱收费并公开处理结果。",
         F.PAPER, M.PICKUP, 240, answered(7, answer("5.1",
             reasons="您的申请实质是投诉举报，本机关已转相关处室按投诉举报程序处理并另行答复。"), 2,
             ServiceMethod.IN_PERSON)),
    Demo("committee", Channel.IN_PERSON, "全市公墓年检结果", "渝民办〔2025〕48号",
         "社区居民咨询较多，请提供年度公墓年检结果。",
         F.PAPER, M.PICKUP, None, answered(15, answer("1"), 2, ServiceMethod.IN_PERSON)),
    Demo("liu", Channel.ONLINE, "重庆市殡葬服务收费标准", "渝发改价〔2023〕8号",
         "家中老人过世，需要了解基本殡葬服务收费标准和减免政策。",
         F.EMAIL, M.EMAIL, 280, ((0, "confirm", {}), *answered(5, answer("1"), 1))),
    Demo("wu", Channel.ORAL, "经济困难高龄失能老年人养老服务补贴申领条件", "渝民发〔2025〕20号",
         "口头申请，由工作人员代为填写：母亲八十五岁，想了解补贴条件。",
         F.PAPER, M.PICKUP, 320, answered(2, answer("1"), 1, ServiceMethod.IN_PERSON)),
    # --- answered, not yet served ---------------------------------------------------------------
    Demo("committee", Channel.EMAIL, "2026年社区养老服务站运营补贴发放名单", "",
         "核对本社区养老服务站的补贴到账情况。",
         F.EMAIL, M.EMAIL, 12, answered(9, answer("2",
             reasons="名单中服务站负责人的身份证号码属于个人信息，已遮盖后提供其余内容。",
             legal_basis="《中华人民共和国政府信息公开条例》第十五条、第三十七条"))),
    # --- open -----------------------------------------------------------------------------------
    Demo("zhang", Channel.ONLINE, "2026年第三季度全市婚姻登记数据", "", "需要分区县的结婚、离婚登记数。",
         F.EMAIL, M.EMAIL, 0, token="demo-apply-pending"),
    Demo("chen", Channel.ORDINARY_MAIL, "临时救助资金使用情况（2026年上半年）", "", "请寄送纸质材料。",
         F.PAPER, M.POST, 0),
    Demo("zhao", Channel.IN_PERSON, "特困人员救助供养标准（2026年）", "渝民发〔2026〕31号", "",
         F.PAPER, M.PICKUP, 17),
    Demo("jialing", Channel.EMAIL, "2026年养老机构综合责任保险补助资金分配结果", "", "了解本公司所属机构是否在列。",
         F.EMAIL, M.EMAIL, 16),
    Demo("yuxin", Channel.REGISTERED_MAIL, "某社会组织行政处罚决定书（渝民罚〔2026〕3号）", "渝民罚〔2026〕3号", "代理当事人申请。",
         F.PAPER, M.POST, 23),
    Demo("wu", Channel.ORAL, "社区老年食堂建设补助标准", "", "口头申请，由工作人员代为填写。",
         F.PAPER, M.PICKUP, 2),
    Demo("chunhui", Channel.ONLINE, "2026年慈善组织认定名单", "", "用于公益合作伙伴筛选。",
         F.EMAIL, M.EMAIL, 13, ((0, "confirm", {}), (12, "draft", answer("1"))), token="demo-apply-review"),
    Demo("liu", Channel.FAX, "我区敬老院的那个评估结果", "", "传真申请。",
         F.PAPER, M.POST, 6, ((1, "confirm", {}), (3, "supplement", {"items":
             "请写明敬老院的名称、所在区县和所需评估结果的年份；如需他人信息，请说明与本人的关系。"}))),
    Demo("shancheng", Channel.IN_PERSON, "重庆嘉陵康养中心2025年度运营情况报告", "", "了解行业经营状况。",
         F.PAPER, M.PICKUP, 8, ((8, "consult", {"party": "重庆嘉陵康养中心",
             "note": "所申请信息可能涉及第三方商业秘密，书面征求其意见。"}),)),
    Demo("committee", Channel.REGISTERED_MAIL, "2026年城市社区综合服务设施建设项目验收结果", "", "",
         F.PAPER, M.POST, 22, ((18, "request_extension", {"working_days": 15,
             "reason": "所需信息需向各区县民政局调取核实，无法在20个工作日内答复。"}),
             (18, "approve_extension", {}))),
    Demo("institute", Channel.ONLINE, "2021—2025年全市收养登记数据（按年度、区县）", "", "科研用途。",
         F.ELECTRONIC, M.POST, 6, ((0, "confirm", {}), (6, "fee", {"pages": 150})), fee_waiver=True,
         token="demo-apply-fee"),
]  # fmt: skip


class Calendar:
    """The demo's dates counted back from today by the stored calendar (read once:
    ``portal.workdays.Calendar``)."""

    def __init__(self, today: date):
        self.today = today
        self.days = CalendarDay.objects.window(today - timedelta(days=500), today)

    def is_working(self, day: date) -> bool:
        return self.days.is_working_day(day)

    def back(self, days: int) -> date:
        """The working day ``days`` working days before today (0: today or the last one)."""
        day = self.today
        while not self.is_working(day):
            day -= timedelta(days=1)
        for _ in range(days):
            day -= timedelta(days=1)
            while not self.is_working(day):
                day -= timedelta(days=1)
        return day

    def add(self, day: date, days: int) -> date:
        return self.days.add(day, days)

    def first_day(self, spec: Demo) -> date:
        return self.carried_start() if spec.start is None else self.back(spec.start)

    def carried_start(self) -> date:
        """A working day in mid-December of last year (the year before the last 1 February)."""
        year = self.today.year - 1 if self.today < date(self.today.year, 2, 1) else self.today.year
        day = date(year - 1, 12, 16)
        while not self.is_working(day):
            day += timedelta(days=1)
        return day


def load(*, clerk, reviewer, publisher, now: datetime | None = None) -> tuple[int, int, str, str]:
    """Create the demo applications that are missing. Returns (demo applications, created
    now, tracking code, query password) of the application a visitor can track."""
    now = now or timezone.now()
    agency = Organization.objects.get(name=AGENCY)
    calendar = Calendar(timezone.localdate(now))
    users = {"clerk": clerk, "reviewer": reviewer, "publisher": publisher}
    created = 0
    # In the order they came in, so that the 申请编号 follow the submission dates.
    for _came, _n, first, spec in sorted(
        (_came_in(calendar.first_day(s), s), n, calendar.first_day(s), s)
        for n, s in enumerate(DEMOS)
    ):
        if _existing(agency, spec) is None:
            _create(agency, spec, first, calendar, now, users)
            created += 1
    if created:
        # What the daily job does: the years roll over, the open clocks count to today.
        carried = calendar.carried_start()
        services.applications_rollover(
            carried.year + 1, now=_at(date(carried.year + 1, 1, 2), 0, now)
        )
        services.recompute_open_applications(now=now)
    tracked = Application.objects.get(submission_token=TRACKING_TOKEN)
    total = Application.objects.filter(
        organization=agency, info_title__in={spec.title for spec in DEMOS}
    ).count()
    return total, created, tracked.tracking_code, services.query_password(TRACKING_TOKEN)


def _existing(agency, spec: Demo) -> Application | None:
    if spec.token:
        found = Application.objects.filter(submission_token=spec.token).first()
        if found is not None:
            return found
    return Application.objects.filter(organization=agency, info_title=spec.title).first()


def _came_in(first: date, spec: Demo) -> date:
    """An online application is submitted the evening before the office confirms it."""
    return first - timedelta(days=1) if spec.channel == Channel.ONLINE else first


def _at(day: date, index: int, now: datetime) -> datetime:
    """When step ``index`` of an application was taken on ``day``: in office hours, one
    step after another; never later than now (early in the morning, today's steps are
    the last hour's)."""
    zone = timezone.get_current_timezone()
    at = datetime.combine(day, time(9, 0), zone) + timedelta(minutes=25 * index)
    if at <= now - timedelta(minutes=5):
        return at
    start = max(datetime.combine(day, time(0, 0), zone), now - timedelta(hours=1))
    return start + timedelta(minutes=index)


def _create(agency, spec: Demo, first: date, calendar: Calendar, now: datetime, users):
    person = P[spec.who]
    data = {
        **person.data(), "organization": agency, "info_title": spec.title,
        "info_number": spec.number, "description": spec.description,
        "delivery_form": spec.form, "delivery_method": spec.method,
        "fee_waiver_requested": spec.fee_waiver,
    }  # fmt: skip
    if spec.channel == Channel.ONLINE:
        submitted = datetime.combine(
            _came_in(first, spec), time(20, 40), timezone.get_current_timezone()
        )
        application = services.application_submit(
            data=data, submission_token=spec.token or f"demo-apply-{spec.title}"[:64],
            now=min(submitted, now),
        )  # fmt: skip
    else:
        waits = spec.channel in (Channel.FAX, Channel.ORDINARY_MAIL)
        application, _password = services.application_register(
            data=data, channel=spec.channel, received_on=None if waits else first,
            by=users["clerk"], now=_at(first, 0, now),
        )  # fmt: skip
    for index, (offset, name, arguments) in enumerate(spec.steps, start=1):
        day = calendar.add(first, offset)
        application = _step(application, name, arguments, at=_at(day, index, now), users=users)
    return application


def _step(application: Application, name: str, arguments: dict, *, at: datetime, users):
    clerk = users["clerk"]
    if name == "confirm":
        return services.application_confirm(application=application, by=clerk, now=at)
    if name == "supplement":
        return services.application_request_supplement(
            application=application, by=clerk, now=at, **arguments
        )
    if name == "supplement_expired":
        return services.application_supplement_expired(application=application, by=clerk, now=at)
    if name == "consult":
        return services.application_consult(application=application, by=clerk, now=at, **arguments)
    if name == "consulted":
        return services.application_consultation_answered(
            application=application, by=clerk, now=at, **arguments
        )
    if name == "request_extension":
        return services.application_request_extension(
            application=application, by=clerk, now=at, **arguments
        )
    if name == "approve_extension":  # the office head, never the clerk who asked
        return services.application_approve_extension(
            application=application, by=users["reviewer"], now=at, **arguments
        )
    if name == "fee":
        application, _fee = services.application_fee_notice(
            application=application, by=clerk, method=fees.PER_PAGE, now=at, **arguments
        )
        return application
    if name == "fee_paid":
        return services.application_fee_paid(application=application, by=clerk, now=at)
    if name == "fee_expired":
        return services.application_fee_expired(application=application, by=clerk, now=at)
    if name == "withdraw":
        return services.application_withdraw(application=application, by=clerk, now=at, **arguments)
    if name == "draft":
        letter = services.application_answer(application=application, by=clerk, now=at, **arguments)
        services.answer_letter_submit(letter=letter, by=clerk, now=at + timedelta(minutes=5))
    elif name == "approve":
        services.answer_letter_approve(
            letter=application.answer_letter, by=users["reviewer"], now=at,
            note="经保密审查，内容准确，同意发出。",
        )  # fmt: skip
    elif name == "issue":
        services.answer_letter_issue(
            letter=application.answer_letter, by=users["publisher"], now=at
        )
    elif name == "serve":
        return services.application_serve(application=application, by=clerk, now=at, **arguments)
    else:
        raise ValueError(f"unknown demo step {name!r}")
    return Application.objects.get(pk=application.pk)
