"""Checking uploaded files by their content, not by the name the uploader gave them."""

from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat


@dataclass(frozen=True)
class FileKind:
    label: str
    mime: str
    extensions: frozenset[str]


# Extension groups that share one detected type: Office's legacy formats are all OLE
# compound files, and OOXML and OFD are ZIP archives that filetype tells apart only partly.
DOCUMENT_KINDS = {
    "pdf": FileKind("PDF", "application/pdf", frozenset({"pdf"})),
    "docx": FileKind("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", frozenset({"docx"})),
    "xlsx": FileKind("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", frozenset({"xlsx"})),
    "pptx": FileKind("PowerPoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation", frozenset({"pptx"})),
    "doc": FileKind("Word 97-2003", "application/msword", frozenset({"doc", "wps"})),
    "xls": FileKind("Excel 97-2003", "application/vnd.ms-excel", frozenset({"xls", "et"})),
    "ppt": FileKind("PowerPoint 97-2003", "application/vnd.ms-powerpoint", frozenset({"ppt", "dps"})),
    "odt": FileKind("ODF 文本", "application/vnd.oasis.opendocument.text", frozenset({"odt"})),
    "ods": FileKind("ODF 表格", "application/vnd.oasis.opendocument.spreadsheet", frozenset({"ods"})),
    "zip": FileKind("ZIP", "application/zip", frozenset({"zip", "ofd"})),
    "jpg": FileKind("JPEG", "image/jpeg", frozenset({"jpg", "jpeg"})),
    "png": FileKind("PNG", "image/png", frozenset({"png"})),
}  # fmt: skip


MAX_EXTRACTED_CHARS = 200_000


def extract_text(upload, kind: FileKind) -> str:
    """The text of a PDF or Word attachment for the search index; empty for other kinds
    and for files the libraries cannot read (a scanned PDF has no text layer)."""
    import zipfile

    import docx
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    upload.seek(0)
    try:
        if kind.mime == "application/pdf":
            pages = PdfReader(upload).pages
            text = "\n".join(page.extract_text() or "" for page in pages[:200])
        elif kind.extensions == frozenset({"docx"}):
            text = "\n".join(paragraph.text for paragraph in docx.Document(upload).paragraphs)
        else:
            text = ""
    except (PyPdfError, zipfile.BadZipFile, KeyError, ValueError, OSError):
        text = ""  # a damaged file is still a valid attachment; it is just not searchable
    finally:
        upload.seek(0)
    return text[:MAX_EXTRACTED_CHARS]


def inspect_upload(upload, *, kinds=DOCUMENT_KINDS, max_bytes: int | None = None) -> FileKind:
    """The kind of ``upload`` as read from its first bytes; ValidationError in Chinese when
    it is too large, of a type not allowed, or named with an extension that hides its type."""
    max_bytes = max_bytes or settings.ATTACHMENT_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            f"文件过大：{filesizeformat(upload.size)}，上限为{filesizeformat(max_bytes)}。",
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError("文件是空的。", code="empty")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    detected = filetype.guess(head)
    kind = kinds.get(detected.extension) if detected else None
    allowed = "、".join(sorted({k.label for k in kinds.values()}))
    if kind is None:
        raise ValidationError(f"不支持的文件类型。允许的类型：{allowed}。", code="type")
    extension = PurePath(upload.name).suffix.lower().lstrip(".")
    if extension not in kind.extensions:
        raise ValidationError(
            f"文件扩展名“.{extension}”与文件内容（{kind.label}）不符。", code="extension_mismatch"
        )
    return kind
