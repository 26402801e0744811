"""Demo interpretations (``manage.py load_interpretation_demo``, run by ``make run`` after
the catalogue's demo): the seed 2019 work plan gets a 政策问答 and a 图解 with its image,
several generated policy documents get interpretations (one of them late), and a few
documents that need one are left without, so the 解读比例 page shows something real."""

from datetime import timedelta

from django.conf import settings
from django.core.files import File

from disclosure.models import Document
from interpretation.models import Interpretation, Media
from interpretation.services import interpretation_save, media_save
from portal import workflow

SEED_PLAN_INDEX_NUMBER = "115000000092759914/2019-01946"
DEMO_POLICY_DOCUMENTS = 7
GRAPHIC = settings.BASE_DIR / "fixtures" / "demo" / "interpretation_2019_plan_graphic.png"

PLAN_QA = """
<h2>一、为什么要制定这个方案？</h2>
<p>为贯彻《重庆市人民政府办公厅关于印发2019年重庆市政务公开工作要点的通知》（渝府办发〔2019〕71号），结合市民政局实际，细化政务公开工作任务，提升政务公开质量。</p>
<h2>二、方案提出了哪些重点任务？</h2>
<p>强化统筹、夯实基础；突出重点、加大政务信息公开力度；心系群众、加强公开解读回应；拓宽渠道、推进政务公开平台建设。</p>
<h2>三、群众最关心的信息在哪里公开？</h2>
<p>脱贫攻坚、城乡低保、特困人员救助供养、临时救助等重点领域信息分层分级公开，市局和区县民政部门通过门户网站公开，乡镇（街道）和村（居）在政务公开栏公开救助对象、救助金额等情况。</p>
<h2>四、政策解读怎么做？</h2>
<p>按照“谁起草、谁解读、谁负责”的原则，政策文件与解读方案、解读材料同步起草、同步审核、同步发布，解读材料与政策文件相关联。</p>
"""

GRAPHIC_TRANSCRIPT = (
    "一图读懂重庆市民政局2019年政务公开工作方案。"
    "一、强化统筹，夯实基础：成立政务公开工作小组，谁主管、谁负责、谁公开、谁审查，目录清单管理。"
    "二、突出重点，加大公开力度：重点领域信息分层分级公开，决策和执行公开，依申请公开按法定时限办理。"
    "三、心系群众，加强解读回应：政策文件与解读材料同步发布，建立规范性文件库，市长信箱、局长信箱件件有回音。"
    "四、拓宽渠道，推进平台建设：网站集约化整合，网上办、掌上办，行政规范性文件5个工作日内报送市政府公报室。"
)


def load(*, admin, clerk) -> int:
    """Create the demo interpretations once; returns how many exist afterwards."""
    plan = Document.objects.filter(index_number=SEED_PLAN_INDEX_NUMBER).first()
    if plan is not None:
        _plan_interpretations(plan, admin)
    _generated(admin)
    _in_review(clerk)
    return Interpretation.objects.count()


def _published(*, title: str, document: Document, kind, by, body: str, days_after: int = 0,
               interpreter: str = "", media: list[Media] = ()) -> Interpretation | None:  # fmt: skip
    """A migrated, already-published interpretation ``days_after`` the document."""
    if Interpretation.objects.filter(title=title).exists():
        return None
    interpretation = Interpretation(
        title=title, kind=kind, organization=document.organization, interpreter=interpreter,
        body=body, published_at=document.published_at + timedelta(days=days_after),
    )  # fmt: skip
    interpretation = interpretation_save(interpretation=interpretation, by=by, documents=[document])
    if media:
        media_save(interpretation=interpretation, saved=media)
    return workflow.item_migrate_published(interpretation, by=by)


def _plan_interpretations(plan: Document, admin) -> None:
    _published(
        title="《重庆市民政局2019年政务公开工作方案》政策问答",
        document=plan,
        kind=Interpretation.Kind.QA,
        by=admin,
        body=PLAN_QA,
        interpreter="市民政局办公室负责人",
        days_after=0,
    )
    if Interpretation.objects.filter(title__startswith="一图读懂").exists():
        return
    with GRAPHIC.open("rb") as handle:
        image = Media(
            file=File(handle, name=GRAPHIC.name),
            description="一图读懂重庆市民政局2019年政务公开工作方案：四个方面的重点任务",
            transcript=GRAPHIC_TRANSCRIPT,
        )
        image.full_clean(exclude=["interpretation"])
        _published(
            title="一图读懂：重庆市民政局2019年政务公开工作方案",
            document=plan,
            kind=Interpretation.Kind.GRAPHIC,
            by=admin,
            body="<p>用一张图读懂2019年政务公开工作方案的四个方面重点任务。</p>",
            days_after=1,
            media=[image],
        )


def _mark_policy_documents() -> None:
    """The generated catalogue was migrated as published records, which keep what they
    carry; mark the normative documents and a few of the agency's policy documents as the
    rule marks new ones (``disclosure.services.document_create``)."""
    policy = (
        Document.objects.published()
        .filter(
            genre__name__in=settings.NEEDS_INTERPRETATION_GENRES,
            needs_interpretation=False,
            organization__kind="agency",
            interpretations__isnull=True,
        )  # fmt: skip
        .exclude(index_number=SEED_PLAN_INDEX_NUMBER)
        .order_by("-published_at", "pk")
        .values_list("pk", flat=True)[:DEMO_POLICY_DOCUMENTS]
    )
    published = Document.objects.published()
    if not published.filter(needs_interpretation=True).exists():  # once
        normative = published.filter(is_normative=True).values_list("pk", flat=True)
        marked = [*policy, *normative]
        Document.objects.filter(pk__in=marked).update(needs_interpretation=True)


def _generated(admin) -> None:
    """Interpretations of some generated policy documents: most in time, one late; the
    other documents that need one stay without."""
    _mark_policy_documents()
    documents = list(
        Document.objects.published()
        .filter(needs_interpretation=True, interpretations__isnull=True)
        .exclude(index_number=SEED_PLAN_INDEX_NUMBER)
        .filter(is_normative=False)
        .order_by("-published_at", "pk")[:4]
    )
    for number, document in enumerate(documents):
        late = number == len(documents) - 1 > 0  # the last one came late
        _published(
            title=f"《{document.title}》解读",
            document=document,
            kind=[
                Interpretation.Kind.TEXT,
                Interpretation.Kind.OFFICIAL,
                Interpretation.Kind.EXPERT,
                Interpretation.Kind.TEXT,
            ][number],  # fmt: skip
            by=admin,
            body=(
                f"<p>一、出台背景：为做好相关民政工作，{document.organization.display_name}"
                f"制定了《{document.title}》。</p><p>二、主要内容：明确工作目标、重点任务和保障措施。</p>"
                "<p>三、适用对象：全市各级民政部门和相关服务对象。</p>"
            ),
            interpreter="起草处室负责人",
            days_after=9 if late else 1,
        )


def _in_review(clerk) -> None:
    """One interpretation waiting in the reviewer's queue."""
    title = "关于调整城乡低保标准的通知（解读稿）"
    document = Document.objects.filter(title="关于调整城乡低保标准的通知").first()
    if document is None or Interpretation.objects.filter(title=title).exists():
        return
    interpretation = Interpretation(
        title=title, kind=Interpretation.Kind.TEXT, organization=document.organization,
        interpreter="社会救助处负责人", body="<p>本次调整提高城乡低保标准，惠及全市低保对象。</p>",
    )  # fmt: skip
    interpretation = interpretation_save(
        interpretation=interpretation, by=clerk, documents=[document]
    )
    workflow.perform(interpretation, step="submit", by=clerk)
