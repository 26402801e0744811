"""Realistic demo documents recombined from the seed documents' sentences.

Deterministic for a given seed, so demo sites and benchmarks are reproducible. The
generated 发文字号 are unique per organization and serve as the natural key that makes
loading idempotent.
"""

import random
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings

SEED_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
WORK_PLAN = SEED_DIR / "seed_000_work_plan_2019.txt"
KEY_POINTS = SEED_DIR / "seed_003_key_points_2016.txt"
SHANGHAI = ZoneInfo("Asia/Shanghai")

# Pinyin with tone marks that a conversion tool left behind in seed 003: 務(wù).
PINYIN_ANNOTATION = re.compile(r"\([a-z\u00e0-\u01dc]+\)")

SUBJECTS = [
    ("进一步做好城乡低保工作", "社会福利"),
    ("加强特困人员救助供养工作", "社会福利"),
    ("做好临时救助工作", "社会福利"),
    ("推进婚姻登记服务规范化建设", "社会福利"),
    ("加强养老服务机构安全管理", "社会福利"),
    ("开展殡葬领域突出问题专项整治", "社会福利"),
    ("规范社会组织登记管理", "社团管理"),
    ("做好行政区划和地名管理工作", "行政区划与地名"),
    ("做好防汛抗旱救灾工作", "减灾救灾"),
    ("做好优抚对象走访慰问工作", "优抚安置"),
    ("巩固脱贫攻坚成果同乡村振兴有效衔接", "扶贫"),
    ("推进政务公开工作", "政务公开"),
    ("加强政务舆情回应工作", "政务公开"),
    ("做好“市长信箱”“局长信箱”办理工作", "信访"),
    ("加强门户网站安全防护", "电子政务"),
]
GENRE_SUFFIX = {
    "通知": "的通知",
    "意见": "的意见",
    "通报": "的通报",
    "公告": "的公告",
    "函": "的函",
    "报告": "的报告",
}
VALIDITY_WEIGHTS = [("有效", 70), ("失效", 10), ("废止", 8), ("", 12)]


@dataclass
class DemoDocument:
    title: str
    document_number: str
    organization: str
    category: str
    genre: str
    written_on: date
    published_at: datetime
    validity: str
    body_paragraphs: list[str]


def seed_work_plan() -> list[str]:
    """Seed 000's body paragraphs (the text below its metadata header)."""
    lines = WORK_PLAN.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("字\u00a0号")) + 1
    return [line.strip() for line in lines[start:] if line.strip()]


def seed_key_points() -> tuple[str, list[str]]:
    """Seed 003's title and paragraphs, pinyin annotations removed."""
    text = PINYIN_ANNOTATION.sub("", KEY_POINTS.read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0], lines[2:]


def _sentences() -> list[str]:
    sentences = []
    for paragraph in seed_work_plan():
        sentences += [s + "。" for s in paragraph.split("。") if len(s) > 20]
    return sentences


def generate(
    count: int,
    *,
    seed: int = 2019,
    organizations: list[str],
    series: str = "渝民发",
    numbers: dict[int, int] | None = None,
) -> list[DemoDocument]:
    """``count`` documents spread over the organizations, subjects, genres and years."""
    rng = random.Random(seed)
    sentences = _sentences()
    validities, weights = zip(*VALIDITY_WEIGHTS, strict=True)
    # ``numbers`` carries each year's last 文号 sequence across calls (batches).
    documents = []
    per_year = numbers if numbers is not None else {}
    this_year = date.today().year
    for _ in range(count):
        subject, category = rng.choice(SUBJECTS)
        genre = rng.choice(list(GENRE_SUFFIX))
        organization = rng.choice(organizations)
        year = rng.randint(2019, this_year)
        per_year[year] = per_year.get(year, 0) + 1
        written_on = date(year, 1, 1) + timedelta(days=rng.randint(0, 330))
        if written_on > date.today():
            written_on = date.today() - timedelta(days=rng.randint(1, 30))
        published_on = min(written_on + timedelta(days=rng.randint(0, 6)), date.today())
        published_at = datetime.combine(
            published_on, time(rng.randint(8, 17), rng.choice([0, 15, 30, 45])), SHANGHAI
        )
        issuer = (
            "重庆市民政局"
            if organization == "重庆市民政局"
            else f"重庆市民政局{organization.removeprefix('重庆市民政局')}"
        )
        documents.append(
            DemoDocument(
                title=f"{issuer}关于{subject}{GENRE_SUFFIX[genre]}",
                document_number=f"{series}〔{year}〕{per_year[year]}号",
                organization=organization,
                category=category,
                genre=genre,
                written_on=written_on,
                published_at=published_at,
                validity=rng.choices(validities, weights)[0],
                body_paragraphs=rng.sample(sentences, k=min(len(sentences), rng.randint(4, 9))),
            )
        )
    return documents


# --- normative documents (规范性文件库) ----------------------------------------------------
# (统一编号, title, genre, published day, 有效性, replaced by the entry with this 统一编号,
# sent to the gazette): one in force and due for evaluation, one expired by its dates (试行:
# two years), one repealed and its replacement, one amended and the amending 决定, one
# published but not yet in force.
NORMATIVE = [
    ("渝民规〔2020〕3号", "重庆市民政局关于印发《重庆市临时救助实施办法》的通知", "通知",
     date(2020, 6, 1), "废止", "渝民规〔2025〕1号", True),
    ("渝民规〔2021〕5号", "重庆市民政局关于印发《重庆市最低生活保障审核确认办法》的通知", "通知",
     date(2021, 12, 20), "", "", True),
    ("渝民规〔2022〕4号", "重庆市民政局关于印发《重庆市养老机构等级评定管理办法》的通知", "通知",
     date(2022, 9, 1), "已修改", "渝民规〔2026〕2号", True),
    ("渝民规〔2023〕1号", "重庆市民政局关于印发《重庆市特困人员认定办法（试行）》的通知", "通知",
     date(2023, 3, 10), "", "", True),
    ("渝民规〔2025〕1号", "重庆市民政局关于印发《重庆市临时救助工作规程》的通知", "通知",
     date(2025, 5, 20), "", "", True),
    ("渝民规〔2026〕2号", "重庆市民政局关于修改《重庆市养老机构等级评定管理办法》的决定", "决定",
     date(2026, 6, 15), "", "", False),
    ("渝民规〔2026〕3号", "重庆市民政局关于印发《重庆市社会救助家庭经济状况核对办法》的通知", "通知",
     date(2026, 11, 20), "", "", False),
]  # fmt: skip


def load_normative(*, organization, by) -> list:
    """The demo's normative documents, migrated as published records; once (by 统一编号)."""
    from disclosure.models import Document, Genre, TopicCategory
    from disclosure.services import document_migrate, document_record_gazette
    from portal.richtext import plain_text_to_html

    category = TopicCategory.objects.get(name="社会福利")
    genres = {genre.name: genre for genre in Genre.objects.all()}
    numbers = {row[0] for row in NORMATIVE}
    existing = {
        d.registration_number: d for d in Document.objects.filter(registration_number__in=numbers)
    }
    # Replacements first: a repealed or amended document names the one that did it.
    for number, title, genre, day, validity, replaced_by, sent in sorted(
        NORMATIVE, key=lambda r: bool(r[5])
    ):
        if number in existing:
            continue
        written_on = day - timedelta(days=3)
        document = document_migrate(
            document=Document(
                title=title,
                document_number=number.replace("渝民规", "渝民"),  # its 发文字号
                organization=organization,
                category=category,
                genre=genres[genre],
                written_on=written_on,
                published_at=datetime.combine(day, time(10, 0), SHANGHAI),
                validity=validity,
                superseded_by=existing.get(replaced_by),
                is_normative=True,
                registration_number=number,
                registered_on=day - timedelta(days=1),
                body=plain_text_to_html(
                    f"{title.removesuffix('的通知').removesuffix('的决定')}，经市司法局合法性审核，"
                    "现予印发，请认真贯彻执行。\n本文件自发布之日起30日后施行。"
                ),
            ),
            by=by,
        )
        if sent:
            document_record_gazette(
                document=document, by=by, submitted_on=written_on + timedelta(days=4)
            )
        existing[number] = document
    return [existing[row[0]] for row in NORMATIVE]
