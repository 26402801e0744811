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

from django.core.exceptions import ValidationError
from django.db.models import Q

from interpretation.models import Interpretation
from portal import workflow
from portal.models import Status
from portal.scopes import acting_scope, in_scope

NEEDS_INTERPRETATION = (
    "该文件需要解读：请先审核通过至少一篇关联的政策解读（政策文件与解读材料同步审核、同步发布）。"
)
DOCUMENT_NOT_PUBLIC = "所解读的政策文件尚未发布：解读随文件一起发布，或在文件发布之后发布。"


def ready_interpretations(document):
    return Interpretation.objects.filter(documents=document).filter(
        Q(status=Status.APPROVED) | Q(is_live=True)
    )


def hold_document_for_interpretation(sender, item, step, **kwargs):
    if getattr(item, "needs_interpretation", False) and not ready_interpretations(item).exists():
        raise ValidationError(NEEDS_INTERPRETATION, code="needs_interpretation")


def publish_interpretations_with_document(sender, item, by, now, **kwargs):
    """The approved interpretations the publisher may publish go live with the document
    (the others wait for their own agency's publisher)."""
    publisher = by.has_perm(workflow.permission_name(Interpretation, "publish"))
    scope = acting_scope(by, publishing=True)
    scheduled = item.published_at if item.published_at and item.published_at > now else None
    waiting = Interpretation.objects.filter(documents=item, status=Status.APPROVED).order_by("pk")
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


def hold_interpretation_for_document(sender, item, step, **kwargs):
    if step.goes_live and not item.documents.filter(is_live=True).exists():
        raise ValidationError(DOCUMENT_NOT_PUBLIC, code="document_not_public")
