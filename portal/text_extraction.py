"""The text of PDF and Word attachments, for the search index.

These functions parse hostile input with third-party libraries; ``portal.uploads`` runs
them in a forked child with a time and memory budget and turns any exception into a
refusal. They take the file's bytes and return plain text cut to ``max_chars``. The
libraries are imported here, in the worker, so that each child starts with them loaded.
"""

import io

import docx
from pypdf.errors import LimitReachedError

from portal.pdf_checks import open_pdf
from portal.upload_checks import too_complex


def pdf_text(data: bytes, *, max_chars: int, max_pages: int) -> str:
    """The text layer of the first ``max_pages`` pages; empty for a scanned PDF, which has
    none, and for a file too bare for pypdf to read (see ``open_pdf``)."""
    reader = open_pdf(data)
    if reader is None:
        return ""
    pieces, length = [], 0
    try:
        for page in reader.pages[:max_pages]:
            piece = page.extract_text() or ""
            pieces.append(piece)
            length += len(piece) + 1
            if length >= max_chars:
                break
    except LimitReachedError as error:  # pypdf's own guard against inflated streams
        raise too_complex() from error
    return _storable("\n".join(pieces)[:max_chars])


def docx_text(data: bytes, *, max_chars: int) -> str:
    """The paragraphs of a Word document. python-docx parses every XML part it loads with
    entity resolution off, and libxml2 stops entity amplification, so a damaged part or an
    entity bomb raises here instead of being read."""
    paragraphs = docx.Document(io.BytesIO(data)).paragraphs
    pieces, length = [], 0
    for paragraph in paragraphs:
        piece = paragraph.text
        pieces.append(piece)
        length += len(piece) + 1
        if length >= max_chars:
            break
    return _storable("\n".join(pieces)[:max_chars])


def _storable(text: str) -> str:
    """PostgreSQL text cannot hold NUL, and UTF-8 cannot encode the lone surrogates some
    PDF fonts map glyphs to."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
