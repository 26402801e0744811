"""Refusing PDFs that run something when opened, and PDFs we cannot read.

A PDF can carry JavaScript, launch a program or fire actions on opening or on page
events. Names may be written with ``#xx`` escapes (``/J#61vaScript``) and objects may sit
in compressed object streams, so a byte search alone is not enough: a cheap pass over the
raw bytes catches the plain cases, then every object pypdf can reach or finds in the
cross-reference table is looked at, escapes decoded and object streams unpacked.
"""

import io
import re

from django.core.exceptions import ValidationError
from pypdf import PasswordType, PdfReader
from pypdf.errors import LimitReachedError, PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from portal.upload_checks import damaged, too_complex

# Beyond this many indirect objects the document is refused as too complex rather than
# half inspected; long real documents have tens of thousands.
MAX_PDF_OBJECTS = 300_000

_ACTIVE = {
    "/JavaScript": "JavaScript 脚本",
    "/JS": "JavaScript 脚本",
    "/Launch": "启动外部程序的动作（Launch）",
    "/AA": "自动触发的动作（AA）",
}
# ISO 32000 7.2.2: the characters that end a name (white space and delimiters).
_NAME_END = r"\x00\t\n\f\r /%()<>\[\]{}"


def _escapable(name: str) -> str:
    """A pattern for ``name`` (``/JS``) that also matches any character written as #xx."""
    parts = []
    for char in name[1:]:
        high, low = f"{ord(char):02x}"
        parts.append(f"(?:{re.escape(char)}|#{high}[{low}{low.upper()}])")
    return "/" + "".join(parts)


_RAW_ACTIVE = re.compile(
    f"(?:{'|'.join(_escapable(name) for name in _ACTIVE)})(?![^{_NAME_END}])".encode()
)
# A stream body holds compressed or binary data in which the bytes of a name can occur by
# chance; the object walk reads what streams really contain.
_STREAM_START = re.compile(rb">>[\x00\t\n\f\r ]*stream(?:\r\n|\n|\r)")


def check_pdf(data: bytes, *, max_objects: int = MAX_PDF_OBJECTS) -> None:
    """Refuse a PDF with JavaScript, a Launch action, additional actions (/AA), an opening
    action other than going to a page, a password needed to open it, or a structure pypdf
    cannot read."""
    _scan_raw(data)
    try:
        reader = open_pdf(data)
        if reader is not None:
            _walk(reader, max_objects=max_objects)
    except LimitReachedError as error:
        raise too_complex() from error


def open_pdf(data: bytes) -> PdfReader | None:
    """A reader for ``data``, decrypted when it opens without a password; ``None`` for a
    file whose structure pypdf cannot find but that holds no stream at all: with nothing
    compressed in it, the raw scan has seen every name, and it has no text to index."""
    try:
        reader = PdfReader(io.BytesIO(data))
    except PyPdfError as error:
        if b"stream" not in data:
            return None
        raise damaged("PDF 结构无法读取", cause=error) from error
    if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
        raise ValidationError(
            "PDF 文件设有打开密码或使用无法识别的加密方式，请去除密码后重新上传。",
            code="encrypted",
        )
    return reader


def _scan_raw(data: bytes) -> None:
    """The cheap first pass: active names in the bytes outside stream bodies."""
    position = 0
    while position < len(data):
        stream = _STREAM_START.search(data, position)
        end = stream.start() + 2 if stream else len(data)  # keep the ">>" that ends a name
        found = _RAW_ACTIVE.search(data, position, end)
        if found:
            name = re.sub(rb"#([0-9a-fA-F]{2})", lambda m: bytes.fromhex(m[1].decode()), found[0])
            raise _active_content(_ACTIVE[name.decode("ascii")])
        if stream is None:
            return
        body_end = data.find(b"endstream", stream.end())
        if body_end < 0:
            return
        position = body_end + len(b"endstream")


def _walk(reader: PdfReader, *, max_objects: int) -> None:
    """Look into the trailer, everything it reaches, and every object the cross-reference
    table lists, reached or not (a viewer may repair its way to an orphan)."""
    pending = [reader.trailer]
    pending += [IndirectObject(n, gen, reader) for gen, ids in reader.xref.items() for n in ids]
    pending += [IndirectObject(n, 0, reader) for n in reader.xref_objStm]
    seen = set()
    while pending:
        value = pending.pop()
        if isinstance(value, IndirectObject):
            if (value.idnum, value.generation) in seen:
                continue
            seen.add((value.idnum, value.generation))
            if len(seen) > max_objects:
                raise too_complex()
            value = value.get_object()
        if isinstance(value, DictionaryObject):  # streams too: their dictionary
            for key, item in dict.items(value):  # unresolved: references go on the stack
                if key in _ACTIVE:
                    raise _active_content(_ACTIVE[key])
                if key == "/OpenAction":
                    _check_open_action(item.get_object())
                pending.append(item)
        elif isinstance(value, ArrayObject):
            pending.extend(value)
        elif isinstance(value, NameObject) and value in _ACTIVE:  # /S /JavaScript, /S /Launch
            raise _active_content(_ACTIVE[value])


def _check_open_action(action) -> None:
    """Opening at a page (a destination array or a GoTo action) is what office suites and
    LaTeX write; any other opening action runs, submits or fetches something unasked."""
    if isinstance(action, ArrayObject):
        return
    if isinstance(action, DictionaryObject) and action.get("/S") == "/GoTo":
        return  # a chained /Next action is still walked like everything else
    raise _active_content("打开时自动执行的动作（OpenAction）")


def _active_content(what: str) -> ValidationError:
    return ValidationError(
        f"PDF 文件含有{what}，出于安全原因不予接受，请另存为不含此类内容的 PDF 后上传。",
        code="active_content",
    )
