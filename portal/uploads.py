"""Checking uploaded files by their content, not by the name the uploader gave them.

An upload is refused in Chinese (``ValidationError``) rather than crashing or stalling
the worker: the file's type comes from its first bytes, its container's directory or
header is checked before anything parses it (``portal.upload_checks``, PDFs in
``portal.pdf_checks``), and that check and the text extraction
(``portal.text_extraction``) each run in a forked child with a time and memory budget
(``portal.forked_call``).

Settings, read with these defaults when absent:

- ``ATTACHMENT_MAX_BYTES`` (50 MiB in settings): the largest upload accepted.
- ``ATTACHMENT_MAX_UNCOMPRESSED_BYTES`` = 200 MiB: what a ZIP container (docx, xlsx, pptx,
  odt, ods, ofd, zip) may unpack to, by its central directory.
- ``ATTACHMENT_MAX_COMPRESSION_RATIO`` = 100: unpacked size over file size, above which a
  container is taken for a decompression bomb.
- ``ATTACHMENT_MAX_ARCHIVE_ENTRIES`` = 10,000: entries in a ZIP container.
- ``ATTACHMENT_MAX_PIXELS`` = 40,000,000: width × height of a JPEG or PNG.
- ``ATTACHMENT_EXTRACT_SECONDS`` = 10: wall-clock seconds for checking one upload, and as
  many again for extracting its text; the child is killed when they run out.
- ``ATTACHMENT_EXTRACT_MEMORY_BYTES`` = 1 GiB: address space the child may map beyond what
  it inherits from the worker.
"""

import io
import logging
import os
import posixpath
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from portal import text_extraction
from portal.forked_call import ChildFailed, ChildOutOfMemory, ChildTimeout, call_forked
from portal.metadata_stripping import strip_metadata
from portal.pdf_checks import check_pdf
from portal.upload_checks import (
    UploadLimits,
    check_jpeg,
    check_ole,
    check_png,
    check_zip,
    damaged,
    too_complex,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileKind:
    label: str
    mime: str
    extensions: frozenset[str]
    structure: str  # the container format, which decides the checks: pdf, zip, ole, jpeg, png


# Extension groups that share one detected type: Office's legacy formats are all OLE
# compound files, and OOXML and OFD are ZIP archives that filetype tells apart only partly.
DOCUMENT_KINDS = {
    "pdf": FileKind("PDF", "application/pdf", frozenset({"pdf"}), "pdf"),
    "docx": FileKind("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", frozenset({"docx"}), "zip"),
    "xlsx": FileKind("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", frozenset({"xlsx"}), "zip"),
    "pptx": FileKind("PowerPoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation", frozenset({"pptx"}), "zip"),
    "doc": FileKind("Word 97-2003", "application/msword", frozenset({"doc", "wps"}), "ole"),
    "xls": FileKind("Excel 97-2003", "application/vnd.ms-excel", frozenset({"xls", "et"}), "ole"),
    "ppt": FileKind("PowerPoint 97-2003", "application/vnd.ms-powerpoint", frozenset({"ppt", "dps"}), "ole"),
    "odt": FileKind("ODF 文本", "application/vnd.oasis.opendocument.text", frozenset({"odt"}), "zip"),
    "ods": FileKind("ODF 表格", "application/vnd.oasis.opendocument.spreadsheet", frozenset({"ods"}), "zip"),
    "zip": FileKind("ZIP", "application/zip", frozenset({"zip", "ofd"}), "zip"),
    "jpg": FileKind("JPEG", "image/jpeg", frozenset({"jpg", "jpeg"}), "jpeg"),
    "png": FileKind("PNG", "image/png", frozenset({"png"}), "png"),
}  # fmt: skip

# Audio and video a browser plays natively (HTML5 <audio>/<video>), keyed like filetype's
# detected extension; the size limit is the caller's (``max_bytes``). Never parsed here:
# the visitor's browser plays them.
MEDIA_KINDS = {
    "mp4": FileKind("MP4 视频", "video/mp4", frozenset({"mp4", "m4v"}), "media"),
    "webm": FileKind("WebM 视频", "video/webm", frozenset({"webm"}), "media"),
    "mp3": FileKind("MP3 音频", "audio/mpeg", frozenset({"mp3"}), "media"),
    "m4a": FileKind("M4A 音频", "audio/mp4", frozenset({"m4a"}), "media"),
    "ogg": FileKind("Ogg 音频", "audio/ogg", frozenset({"ogg", "oga"}), "media"),
}


MAX_EXTRACTED_CHARS = 200_000
MAX_EXTRACTED_PDF_PAGES = 200


def random_name(folder: str, filename: str, *, token_bytes: int = 12) -> str:
    """A stored name under ``folder`` that never reuses the uploader's name (which only
    becomes the download's Content-Disposition): random, with the extension kept."""
    extension = posixpath.splitext(filename)[1].lower()[:10]
    return f"{folder}/{secrets.token_hex(token_bytes)}{extension}"


def inspect_upload(upload, *, kinds=DOCUMENT_KINDS, max_bytes: int | None = None) -> FileKind:
    """The kind of ``upload`` as read from its first bytes; ValidationError in Chinese when
    it is too large, of a type not allowed, named with an extension that hides its type,
    damaged, a decompression bomb, too many pixels, or carrying macros or PDF scripts."""
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
    if kind.structure != "media":  # a video is not read into memory to check nothing
        _in_budget(kind, _check_structure, _read(upload), kind.structure, _limits())
    return kind


def extract_text(upload, kind: FileKind) -> str:
    """The text of a PDF or Word attachment for the search index, empty for other kinds and
    for a scanned PDF (no text layer). A file the parser fails on, or that needs more than
    the budget, is refused with a ValidationError in Chinese."""
    if kind.structure == "pdf":
        extractor = text_extraction.pdf_text
        options = {"max_pages": MAX_EXTRACTED_PDF_PAGES}
    elif kind.mime == DOCUMENT_KINDS["docx"].mime:
        extractor, options = text_extraction.docx_text, {}
    else:
        return ""
    text = _in_budget(kind, extractor, _read(upload), max_chars=MAX_EXTRACTED_CHARS, **options)
    return text[:MAX_EXTRACTED_CHARS]


def strip_public_metadata(upload, kind: FileKind) -> None:
    """Remove author and location metadata (``portal.metadata_stripping``) from an upload that
    ``inspect_upload`` accepted and the public will download: its bytes are replaced in
    place, so whatever saves ``upload`` next stores the clean file. Within the same budget
    as the checks; a file it cannot rewrite is refused rather than published as it came."""
    data = _read(upload)
    descriptor, path = tempfile.mkstemp(prefix="strip-")  # the child's result is too big
    os.close(descriptor)  # for its JSON pipe: it writes the clean file here
    try:
        if not _in_budget(kind, _strip_into, data, path, kind.structure, kind.mime):
            return
        clean = Path(path).read_bytes()
    finally:
        os.unlink(path)
    if hasattr(upload, "temporary_file_path"):  # storage moves this file: rewrite it
        handle = upload.file
        handle.seek(0)
        handle.write(clean)
        handle.truncate()
        handle.flush()
    else:
        upload.file = io.BytesIO(clean)
    upload.size = len(clean)
    upload.seek(0)


def _strip_into(data: bytes, path: str, structure: str, mime: str) -> bool:
    """In the child: write the clean file to ``path``; whether it differs from ``data``."""
    clean = strip_metadata(data, structure=structure, mime=mime)
    if clean == data:
        return False
    Path(path).write_bytes(clean)
    return True


def _check_structure(data: bytes, structure: str, limits: UploadLimits) -> None:
    if structure == "pdf":
        check_pdf(data)
    elif structure == "zip":
        check_zip(data, limits=limits)
    elif structure == "ole":
        check_ole(data)
    elif structure == "jpeg":
        check_jpeg(data, limits=limits)
    elif structure == "png":
        check_png(data, limits=limits)
    else:
        raise ValueError(f"No check for {structure!r} files")  # a FileKind added without one


def _in_budget(kind: FileKind, func: Callable, *args, **kwargs):
    """``func(*args, **kwargs)`` in a forked child within the configured budget, every
    way it can fail turned into a Chinese refusal."""
    try:
        return call_forked(
            func,
            *args,
            seconds=getattr(settings, "ATTACHMENT_EXTRACT_SECONDS", 10),
            memory_bytes=getattr(settings, "ATTACHMENT_EXTRACT_MEMORY_BYTES", 1024**3),
            **kwargs,
        )
    except (ChildTimeout, ChildOutOfMemory) as error:
        logger.warning("Upload refused: %s over its budget in %s", kind.label, func.__name__)
        raise too_complex() from error
    except OSError as error:  # no process or pipe to be had: the server's fault, not the file's
        logger.error("Upload not checked: cannot start a child process: %s", error)
        raise ValidationError(
            "服务器暂时无法处理此文件，请稍后重试。", code="unavailable"
        ) from error
    except ChildFailed as error:
        logger.warning("Upload refused: %s failed in %s: %s", kind.label, func.__name__, error)
        raise damaged(f"{kind.label} 内容无法读取", cause=error) from error


def _read(upload) -> bytes:
    upload.seek(0)
    try:
        return upload.read()
    finally:
        upload.seek(0)


def _limits() -> UploadLimits:
    return UploadLimits(
        max_uncompressed_bytes=getattr(
            settings, "ATTACHMENT_MAX_UNCOMPRESSED_BYTES", 200 * 1024**2
        ),
        max_compression_ratio=getattr(settings, "ATTACHMENT_MAX_COMPRESSION_RATIO", 100),
        max_archive_entries=getattr(settings, "ATTACHMENT_MAX_ARCHIVE_ENTRIES", 10_000),
        max_pixels=getattr(settings, "ATTACHMENT_MAX_PIXELS", 40_000_000),
    )
