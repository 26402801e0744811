"""Does a search find the document it names? Real titles (national regulations and
documents, most older than the generated catalogue, and the two seed documents) are
mixed into it, on their own dates; for
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
# (title, query, year): real titles of national civil-affairs regulations and documents
# and the two seed documents, each with the year it was issued (month and day below are
# placeholders); the query is words of the title that generated titles share too.
REAL_TITLES = [
    ("社会救助暂行办法", "社会救助 暂行办法", 2014),
    ("特困人员认定办法", "特困人员认定办法", 2021),
    ("最低生活保障审核确认办法", "最低生活保障 审核确认", 2021),
    ("养老机构管理办法", "养老机构管理办法", 2020),
    ("婚姻登记工作规范", "婚姻登记 工作规范", 2015),
    ("殡葬管理条例", "殡葬管理条例", 1997),
    ("社会团体登记管理条例", "社会团体登记管理条例", 1998),
    ("地名管理条例", "地名管理条例", 2022),
    ("自然灾害救助条例", "自然灾害救助", 2010),
    ("军人抚恤优待条例", "抚恤优待条例", 2011),
    ("国务院关于加强农村留守儿童关爱保护工作的意见", "留守儿童 关爱保护", 2016),
    ("国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见", "残疾人 护理补贴", 2015),
    ("慈善组织公开募捐管理办法", "公开募捐", 2016),
    ("城市生活无着的流浪乞讨人员救助管理办法", "流浪乞讨人员", 2003),
    ("国务院关于全面建立临时救助制度的通知", "临时救助制度", 2014),
    ("国务院关于进一步加强和改进最低生活保障工作的意见", "改进最低生活保障", 2012),
    ("城市居民最低生活保障条例", "城市居民最低生活保障条例", 1999),
    ("农村五保供养工作条例", "五保供养", 2006),
    ("行政区划管理条例", "行政区划管理条例", 2018),
    ("志愿服务条例", "志愿服务条例", 2017),
    ("基金会管理条例", "基金会管理条例", 2004),
    ("民办非企业单位登记管理暂行条例", "民办非企业单位", 1998),
    ("彩票管理条例", "彩票管理条例", 2009),
    ("国务院办公厅关于加强孤儿保障工作的意见", "孤儿保障", 2010),
    ("中华人民共和国政府信息公开条例", "政府信息公开条例", 2019),
    ("关于全面推进政务公开工作的意见", "全面推进政务公开", 2016),
    ("国务院办公厅关于推进养老服务发展的意见", "推进养老服务发展", 2019),
    ("中华人民共和国老年人权益保障法", "老年人权益保障法", 2018),
    ("重庆市民政局办公室关于印发2019年政务公开工作方案的通知", "2019年政务公开工作方案", 2019),
    ("民政部2016年政务公开工作要点", "政务公开工作要点", 2016),
]


def add_real_titles() -> list[Document]:
    organization = Organization.objects.filter(credit_code__gt="").first()
    category = TopicCategory.objects.exclude(parent=None).first()
    genre = Genre.objects.get(name="通知")
    documents = []
    for n, (title, _query, year) in enumerate(REAL_TITLES):
        day = date(year, 1 + n % 12, 1 + n % 27)
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
    for _title, query, _year in REAL_TITLES:
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
            f"{measured} 个查询：标题含全部检索词的 {wanted} 篇中 {found} 篇在第一页（混入 {len(REAL_TITLES)} 篇真实文件标题，1997–2022 年）",
        )
    ]
