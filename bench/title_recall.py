"""Does a search find the document it names? Distinctive titles, older than the generated
catalogue (as documents from other provinces' catalogues would be), are mixed into it; for
each, a query of its own words must bring every document whose title holds all of those
words onto the first page, however many newer documents mention them elsewhere."""

from datetime import date, datetime, time
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from disclosure.models import Document, Genre, TopicCategory
from portal import search
from portal.models import Organization, Status
from portal.search.query import run_search

SHANGHAI = ZoneInfo("Asia/Shanghai")
# (title, query): titles in the style of provincial civil-affairs catalogues.
REAL_TITLES = [
    ("广东省最低生活保障制度实施办法", "最低生活保障 实施办法"),
    ("江苏省特困人员救助供养办法", "特困人员 供养办法"),
    ("浙江省临时救助办法", "临时救助办法"),
    ("山东省城乡低保办法", "城乡低保办法"),
    ("四川省养老机构管理办法", "养老机构管理办法"),
    ("湖北省婚姻登记工作规范", "婚姻登记 工作规范"),
    ("河南省殡葬管理条例实施细则", "殡葬管理条例"),
    ("湖南省社会组织登记管理办法", "社会组织登记管理办法"),
    ("福建省地名管理办法", "地名管理办法"),
    ("安徽省自然灾害救助办法", "自然灾害救助"),
    ("江西省优抚对象抚恤补助标准", "抚恤补助标准"),
    ("河北省农村留守儿童关爱保护实施意见", "留守儿童 关爱保护"),
    ("山西省残疾人两项补贴制度实施办法", "残疾人两项补贴"),
    ("陕西省慈善组织公开募捐管理办法", "公开募捐"),
    ("云南省流浪乞讨人员救助管理办法", "流浪乞讨人员"),
    ("贵州省农村低保专项治理工作方案", "低保专项治理"),
    ("广西壮族自治区居家养老服务条例", "居家养老服务条例"),
    ("辽宁省社区工作者管理办法", "社区工作者管理办法"),
    ("吉林省行政区划变更审批办法", "行政区划变更"),
    ("黑龙江省孤儿基本生活保障办法", "孤儿基本生活保障"),
    ("甘肃省困难群众基本生活救助实施办法", "困难群众基本生活救助"),
    ("海南省养老服务设施规划建设办法", "养老服务设施"),
    ("重庆市城乡低保对象认定办法", "低保对象认定"),
    ("四川省政务公开工作要点", "政务公开 工作要点"),
    ("山东省政府信息公开保密审查办法", "保密审查办法"),
    ("江苏省依申请公开办理规范", "依申请公开 办理规范"),
    ("浙江省政策解读工作细则", "政策解读 工作细则"),
    ("湖北省政务舆情回应办法", "政务舆情回应"),
    ("广东省市长信箱办理规定", "市长信箱办理"),
    ("河南省门户网站安全防护规定", "门户网站安全防护"),
]


def add_real_titles() -> list[Document]:
    organization = Organization.objects.filter(credit_code__gt="").first()
    category = TopicCategory.objects.exclude(parent=None).first()
    genre = Genre.objects.get(name="通知")
    documents = []
    for n, (title, _query) in enumerate(REAL_TITLES):
        day = date(2016 + n % 3, 1 + n % 12, 1 + n % 27)
        published = datetime.combine(day, time(9), SHANGHAI)
        documents.append(
            Document(
                title=title, index_number=f"BENCH-{n:04d}", organization=organization,
                owner_organization=organization, category=category, genre=genre,
                written_on=day, published_at=published, last_published_at=published,
                status=Status.PUBLISHED, is_live=True, body=f"<p>{title}全文。</p>",
            )
        )  # fmt: skip
    created = Document.objects.bulk_create(documents)
    search.index_items(created)
    return created


def _expected(query: str) -> set[int]:
    condition = Q()
    for word in query.split():
        condition &= Q(title__contains=word)
    return set(Document.objects.published().filter(condition).values_list("pk", flat=True))


def measure_title_recall() -> list[tuple[str, str, str]]:
    add_real_titles()
    wanted = found = measured = 0
    for _title, query in REAL_TITLES:
        expected = _expected(query)
        if len(expected) > 20:
            continue  # more title matches than a page holds: no first-page test
        outcome = run_search(QueryDict(urlencode({"q": query})), now=timezone.now())
        page = outcome.page_obj.object_list
        on_page = {entry.object_id for entry in page if entry.kind == "document"}
        wanted += len(expected)
        found += len(expected & on_page)
        measured += 1
    share = found / wanted if wanted else 1
    return [
        (
            "标题命中在首页的比例",
            f"{share:.0%}",
            f"{measured} 个查询：标题含全部检索词的 {wanted} 篇中 {found} 篇在第一页（混入 {len(REAL_TITLES)} 篇较早的真实风格文件）",
        )
    ]
