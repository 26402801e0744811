"""Every write to interpretations with a rule: saving a clerk's edit with its links to
policy documents, and its images and media. Review steps are ``portal.workflow``'s."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from disclosure.models import Document
from interpretation.models import Interpretation
from portal import workflow
from portal.followers import save_followers
from portal.scopes import visible_scope

MEDIA_NOUN = "图片或音视频"


def linkable_documents(user):
    """The policy documents ``user`` may link an interpretation to: those the catalogue
    admin shows them (their own organization's, a publisher's agency's; all for
    supervisors), never another office's."""
    scope = visible_scope(user, publish_permission=workflow.permission_name(Document, "publish"))
    documents = Document.objects.all()
    return documents if scope is None else documents.filter(owner_organization_id__in=scope)


def interpretation_save(
    *, interpretation: Interpretation, by, documents: Iterable[Document] | None = None
) -> Interpretation:
    """Save a clerk's edit (``portal.workflow.item_save``) and, when given, the documents
    it interprets, which must all be ones ``by`` may link."""
    with transaction.atomic():
        saved = workflow.item_save(interpretation, by=by)
        if documents is not None:
            documents_link(interpretation=saved, documents=documents, by=by)
    return saved


LINKS_OF_LIVE = "已公开的解读不能直接改变所解读的文件：请先撤回，修改后重新审核、发布。"


def documents_link(*, interpretation: Interpretation, documents: Iterable[Document], by) -> None:
    """Link the documents an interpretation interprets. The links of a live one are part
    of what the public reads (相关解读 on each document's page) and change only through a
    new review: here they cannot change at all while it is live."""
    documents = list(documents)
    if interpretation.is_live:
        current = set(interpretation.documents.values_list("pk", flat=True))
        if current != {d.pk for d in documents}:
            raise ValidationError(LINKS_OF_LIVE, code="links_of_live")
        return
    allowed = set(
        linkable_documents(by).filter(pk__in=[d.pk for d in documents]).values_list("pk", flat=True)
    )
    if any(d.pk not in allowed for d in documents):
        raise PermissionDenied("不能关联其他机构的文件。")
    interpretation.documents.set(documents)


def media_save(*, interpretation: Interpretation, saved=(), deleted=()) -> None:
    """Images and media follow the interpretation's publication (``portal.followers``)."""
    save_followers(
        item=interpretation, field="interpretation", saved=saved, deleted=deleted, noun=MEDIA_NOUN
    )
