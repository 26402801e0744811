"""同步: policy documents and their interpretations are drafted, reviewed and published
together ("同步起草、同步审核、同步发布", the seed plan; statutory.md §6).

- A document marked 需要解读 cannot be approved or published until at least one linked
  interpretation is approved (or already public).
- Publishing the document publishes its approved interpretations in the same
  transaction, scheduled with it when the document is scheduled.
- An interpretation goes public only with or after a document it interprets.

Connected to ``portal.signals`` in ``InterpretationConfig.ready``: the catalogue does not
know this app.
"""

from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from interpretation.models import Interpretation
from portal import workflow
from portal.models import Status
from portal.scopes import acting_scope, in_scope

NEEDS_INTERPRETATION = (
    "该文件需要解读：请先审核通过至少一篇关联的政策解读（政策文件与解读材料同步审核、同步发布）。"
)
DOCUMENT_NOT_PUBLIC = (
    "所解读的政策文件尚未公开：解读随文件一起发布，或在文件公开之后发布"
    "（定时发布的文件，到时公开后再发布解读）。"
)
# The documents whose publication is publishing their interpretations right now.
_going_live_with: ContextVar[frozenset] = ContextVar("going_live_with", default=frozenset())


def ready_interpretations(document):
    return Interpretation.objects.filter(documents=document).filter(
        Q(status=Status.APPROVED) | Q(is_live=True)
    )


def hold_document_for_interpretation(sender, item, step, **kwargs):
    """Before approve and publish. The ready interpretations are locked until the step's
    transaction ends: none can be sent back between this check and the publication."""
    if not getattr(item, "needs_interpretation", False):
        return
    if not list(ready_interpretations(item).select_for_update().order_by("pk")):
        raise ValidationError(NEEDS_INTERPRETATION, code="needs_interpretation")


def publish_interpretations_with_document(sender, item, by, now, **kwargs):
    """The approved interpretations the publisher may publish go live with the document
    (others wait for their own agency's publisher); a document that needs one never goes
    live alone."""
    publisher = by.has_perm(workflow.permission_name(Interpretation, "publish"))
    scope = acting_scope(by, publishing=True)
    scheduled = item.published_at if item.published_at and item.published_at > now else None
    waiting = Interpretation.objects.filter(documents=item, status=Status.APPROVED).order_by("pk")
    token = _going_live_with.set(frozenset({item.pk}))
    try:
        for interpretation in waiting:
            if publisher and in_scope(interpretation.owner_organization_id, scope):
                first_time = interpretation.last_published_at is None
                workflow.perform(
                    interpretation,
                    step="publish",
                    by=by,
                    now=now,
                    publish_at=scheduled if first_time else None,
                    note="随政策文件同步发布",
                )
    finally:
        _going_live_with.reset(token)
    needs_one = getattr(item, "needs_interpretation", False)
    if needs_one and not Interpretation.objects.filter(documents=item, is_live=True).exists():
        raise ValidationError(NEEDS_INTERPRETATION, code="needs_interpretation")


def hold_interpretation_for_document(sender, item, step, **kwargs):
    """An interpretation goes public with its document or after it: never while the
    document is a draft or still scheduled."""
    if not step.goes_live:
        return
    documents = item.documents.all()
    public = documents.filter(is_live=True, published_at__lte=timezone.now())
    if not (public.exists() or documents.filter(pk__in=_going_live_with.get()).exists()):
        raise ValidationError(DOCUMENT_NOT_PUBLIC, code="document_not_public")
