"""Writes with rules for the catalogue. The review workflow (issue 3) extends these."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from disclosure.models import Document


def document_publish(*, document: Document, by, now: datetime | None = None) -> Document:
    """Make a document public. Keeps a publish date a migration brought with it."""
    if not by.has_perm("disclosure.change_document"):
        raise PermissionDenied("没有发布文件的权限。")
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.status == Document.Status.PUBLISHED:
            raise ValidationError("该文件已经发布。", code="already_published")
        document.status = Document.Status.PUBLISHED
        document.published_at = document.published_at or now or timezone.now()
        document.full_clean()
        document.save(update_fields=["status", "published_at", "updated_at"])
    return document


def document_unpublish(*, document: Document, by) -> Document:
    """Take a document back to draft; its URL answers 404 again."""
    if not by.has_perm("disclosure.change_document"):
        raise PermissionDenied("没有撤下文件的权限。")
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.status != Document.Status.PUBLISHED:
            raise ValidationError("该文件尚未发布。", code="not_published")
        document.status = Document.Status.DRAFT
        document.save(update_fields=["status", "updated_at"])
    return document
