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
