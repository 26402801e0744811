"""Metadata removed from files the public downloads: who wrote them, where a photo was taken.

A clerk's name in a Word file's properties, the GPS position and camera serial in a
photo's EXIF, the author of a PDF: none of it is part of the published information, and
some of it is personal data. Each format is cleaned without touching its content:

- JPEG: the APP1 (EXIF, XMP), APP13 (Photoshop/IPTC) and COM segments are dropped and so
  are the extra images an MPF segment points to; the compressed image is copied byte for
  byte (no re-encoding, no quality loss). A rotation the EXIF recorded is kept, alone, in
  a minimal EXIF segment, so the photo does not turn on its side.
- PNG: the eXIf, tEXt, zTXt, iTXt (XMP) and tIME chunks are dropped, pixels untouched.
- OOXML (docx, xlsx, pptx) and ODF (odt, ods): the author, last editor, company and
  manager properties are emptied; every other part is copied as it was.
- PDF: the document information's Author, Creator and Producer and the XMP metadata
  stream are removed (pypdf rewrites the file). A PDF that is encrypted or carries a
  digital signature (电子签章) is left as it is: rewriting would break the signature or
  the agency's restrictions, and the signer is the publishing agency anyway.

- Legacy Office (doc, xls, ppt, wps, et, dps): the author, last author, manager and
  company strings of the summary information are overwritten with zero bytes in place.

Other formats (plain ZIP, OFD, audio and video) are returned unchanged.
Everything here runs on bytes already accepted by ``portal.upload_checks``; it is called
through ``portal.uploads.strip_public_metadata`` in a budgeted child process.
"""

import io
import re
import shutil
import struct
import zipfile

import olefile
from pypdf import PdfReader, PdfWriter

from portal.pdf_checks import open_pdf
from portal.upload_checks import damaged

# --- JPEG ----------------------------------------------------------------------------------

_APP1, _APP2, _APP13, _COM, _SOS, _EOI = 0xE1, 0xE2, 0xED, 0xFE, 0xDA, 0xD9
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RSTn carry no length
_ORIENTATION_TAG = 0x0112


def strip_jpeg(data: bytes) -> bytes:
    out = bytearray(data[:2])  # SOI
    orientation = 1
    position = 2
    while True:
        marker, start, end = _next_segment(data, position)
        if marker in _STANDALONE:
            out += data[start:end]
        elif marker == _EOI:
            out += b"\xff\xd9"
            break  # anything after the image (MPF's extra pictures) is dropped
        elif marker == _SOS:
            scan_end = _end_of_entropy_data(data, end)
            out += data[start:scan_end]
            end = scan_end
        else:
            payload = data[start + 4 : end]
            if marker == _APP1 and payload.startswith(b"Exif\x00\x00"):
                orientation = _exif_orientation(payload[6:]) or orientation
            if not _is_metadata(marker, payload):
                out += data[start:end]
        position = end
    if orientation != 1:
        out[2:2] = _orientation_segment(orientation)
    return bytes(out)


def _next_segment(data: bytes, position: int) -> tuple[int, int, int]:
    """(marker, start, end) of the segment at ``position``, fill bytes skipped."""
    if position >= len(data) or data[position] != 0xFF:
        raise damaged("JPEG 结构异常")
    while position < len(data) and data[position] == 0xFF:
        position += 1
    if position >= len(data):
        raise damaged("JPEG 结构异常")
    marker = data[position]
    position += 1
    if marker in _STANDALONE or marker == _EOI:
        return marker, position - 2, position
    if position + 2 > len(data):
        raise damaged("JPEG 结构异常")
    end = position + int.from_bytes(data[position : position + 2], "big")
    if end > len(data) or end < position + 2:
        raise damaged("JPEG 结构异常")
    return marker, position - 2, end


def _end_of_entropy_data(data: bytes, position: int) -> int:
    """Where the compressed data after a scan header ends: at the first marker that is not a
    stuffed 0xFF00 or a restart marker."""
    while True:
        position = data.find(b"\xff", position)
        if position < 0 or position + 1 >= len(data):
            raise damaged("JPEG 图像数据不完整")
        following = data[position + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            position += 1 if following == 0xFF else 2
            continue
        return position


def _is_metadata(marker: int, payload: bytes) -> bool:
    if marker in (_APP1, _APP13, _COM):
        return True
    return marker == _APP2 and payload.startswith(b"MPF\x00")  # points at dropped images


def _exif_orientation(tiff: bytes) -> int | None:
    """The Orientation of IFD0 in an EXIF block, if it reads cleanly and is 2–8."""
    try:
        order = {b"II": "<", b"MM": ">"}[tiff[:2]]
        (offset,) = struct.unpack_from(order + "I", tiff, 4)
        (count,) = struct.unpack_from(order + "H", tiff, offset)
        for entry in range(min(count, 512)):
            tag, kind, _n, value = struct.unpack_from(order + "HHIH", tiff, offset + 2 + 12 * entry)
            if tag == _ORIENTATION_TAG and kind == 3 and 2 <= value <= 8:
                return value
    except (KeyError, struct.error):
        return None
    return None


def _orientation_segment(orientation: int) -> bytes:
    """An APP1 EXIF segment holding one tag: IFD0's Orientation."""
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8)
    tiff += struct.pack(">HHHIHH", 1, _ORIENTATION_TAG, 3, 1, orientation, 0) + bytes(4)
    payload = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


# --- PNG -----------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_METADATA = {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}


def strip_png(data: bytes) -> bytes:
    if not data.startswith(_PNG_SIGNATURE):
        raise damaged("PNG 文件头不完整")
    out = bytearray(_PNG_SIGNATURE)
    position = len(_PNG_SIGNATURE)
    while position + 12 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, position)
        end = position + 12 + length
        if end > len(data):
            raise damaged("PNG 数据块不完整")
        if kind not in _PNG_METADATA:
            out += data[position:end]
        position = end
        if kind == b"IEND":
            return bytes(out)  # bytes after the image end are dropped
    raise damaged("PNG 缺少结束块")


# --- OOXML and ODF ---------------------------------------------------------------------------

# Part → the elements (local names, any namespace prefix) emptied in it.
_PROPERTY_PARTS = {
    "docProps/core.xml": ("creator", "lastModifiedBy"),
    "docProps/app.xml": ("Company", "Manager"),
    "meta.xml": ("creator", "initial-creator", "printed-by"),
}


def _blank_elements(xml: bytes, names: tuple[str, ...]) -> bytes:
    """``xml`` with the text of each named element removed. A regular expression, not an
    XML parser: nothing is expanded or resolved, and the rest stays byte for byte."""
    alternatives = "|".join(re.escape(name) for name in names).encode()
    pattern = re.compile(
        rb"<((?:[\w.-]+:)?)(" + alternatives + rb")(\s[^>]*)?>(.*?)</\1\2\s*>", re.S
    )
    return pattern.sub(lambda m: b"<%s%s%s></%s%s>" % (m[1], m[2], m[3] or b"", m[1], m[2]), xml)


# Who commented or tracked a change: Word writes w:author/w:initials on each comment and
# revision; PowerPoint names comment authors by name and initials.
_AUTHOR_ATTRIBUTES = re.compile(rb'(\s(?:w:author|w:initials|name|initials))="[^"]*"')
_AUTHOR_ATTRIBUTE_PARTS = re.compile(r"word/[^/]+\.xml|ppt/commentAuthors\.xml")
# Excel lists comment authors as elements; custom properties can hold any name.
_AUTHOR_ELEMENT_PARTS = {"author": re.compile(r"xl/comments\d*\.xml"),
                         "lpwstr": re.compile(r"docProps/custom\.xml")}  # fmt: skip


def _stripped_part(name: str, xml: bytes) -> bytes | None:
    """The part without who wrote it, or None when it names nobody."""
    if name in _PROPERTY_PARTS:
        return _blank_elements(xml, _PROPERTY_PARTS[name])
    if _AUTHOR_ATTRIBUTE_PARTS.fullmatch(name):
        if name.startswith("ppt/"):
            return _AUTHOR_ATTRIBUTES.sub(rb'\1=""', xml)
        return re.sub(rb'(\sw:(?:author|initials))="[^"]*"', rb'\1=""', xml)
    for element, parts in _AUTHOR_ELEMENT_PARTS.items():
        if parts.fullmatch(name):
            return _blank_elements(xml, (element,))
    return None


def _names_someone(name: str) -> bool:
    return (
        name in _PROPERTY_PARTS
        or bool(_AUTHOR_ATTRIBUTE_PARTS.fullmatch(name))
        or any(parts.fullmatch(name) for parts in _AUTHOR_ELEMENT_PARTS.values())
    )


def strip_office(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        infos = source.infolist()
        if not any(_names_someone(info.filename) for info in infos):
            return data
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for info in infos:
                copy = zipfile.ZipInfo(info.filename, info.date_time)
                copy.compress_type = info.compress_type
                copy.external_attr = info.external_attr
                copy.create_system = info.create_system
                if _names_someone(info.filename):
                    target.writestr(copy, _stripped_part(info.filename, source.read(info)))
                else:
                    with source.open(info) as reader, target.open(copy, "w") as writer:
                        shutil.copyfileobj(reader, writer, 1024 * 1024)
    return out.getvalue()


# --- PDF -----------------------------------------------------------------------------------

_PDF_STRIPPED = {"/Author", "/Creator", "/Producer"}


def strip_pdf(data: bytes) -> bytes:
    reader = open_pdf(data)
    if reader is None:  # too bare for pypdf, and no stream: its names are all in plain sight
        if any(name.encode() in data for name in _PDF_STRIPPED):
            raise damaged("PDF 结构无法读取")
        return data
    if reader.is_encrypted or _signed(reader):
        return data
    info = reader.metadata or {}
    root = _root(reader)
    if not (_PDF_STRIPPED & set(info)) and "/Metadata" not in root:
        return data  # also a PDF without a catalogue, which viewers still open
    writer = PdfWriter(clone_from=reader)
    kept = {name: value for name, value in info.items() if name not in _PDF_STRIPPED}
    writer.metadata = None  # pypdf would otherwise name itself as /Producer
    if kept:
        writer.add_metadata(kept)
        writer._info.get_object().pop("/Producer", None)
    writer.root_object.pop("/Metadata", None)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _root(reader: PdfReader):
    root = reader.trailer.get("/Root")
    return root.get_object() if root is not None else {}


def _signed(reader: PdfReader) -> bool:
    root = _root(reader)
    form = root.get("/AcroForm")
    form = form.get_object() if form is not None else {}
    return "/Perms" in root or int(form.get("/SigFlags", 0)) & 1 == 1


# --- Legacy Office (OLE): Word, Excel, PowerPoint 97-2003, WPS -------------------------------

# Property set stream → property ids whose strings are blanked: author and last author;
# manager and company (MS-OLEPS, PIDSI_* and PIDDSI_*).
_OLE_PROPERTIES = {
    "\x05SummaryInformation": {0x04, 0x08},
    "\x05DocumentSummaryInformation": {0x0E, 0x0F},
}
_VT_LPSTR, _VT_LPWSTR = 0x1E, 0x1F


def strip_ole(data: bytes) -> bytes:
    """The named strings overwritten with zero bytes of the same length, in place: OLE
    streams cannot change size without rebuilding the file, and a string of NULs reads
    as empty."""
    buffer = io.BytesIO(data)
    ole = olefile.OleFileIO(buffer, write_mode=True)
    try:
        changed = False
        for stream, ids in _OLE_PROPERTIES.items():
            if not ole.exists(stream):
                continue
            original = ole.openstream(stream).read()
            blanked = _blank_ole_strings(original, ids)
            if blanked != original:
                ole.write_stream(stream, blanked)
                changed = True
        return buffer.getvalue() if changed else data
    finally:
        ole.close()


def _blank_ole_strings(stream: bytes, ids: set[int]) -> bytes:
    """``stream`` (a property set) with the string values of ``ids`` in its first section
    zeroed; unchanged where the structure does not read cleanly."""
    out = bytearray(stream)
    try:
        (section,) = struct.unpack_from("<I", stream, 44)  # after the header and one FMTID
        _size, count = struct.unpack_from("<II", stream, section)
        for number in range(min(count, 4096)):
            identifier, offset = struct.unpack_from("<II", stream, section + 8 + 8 * number)
            if identifier not in ids:
                continue
            start = section + offset
            kind, length = struct.unpack_from("<II", stream, start)
            kind &= 0xFFFF
            if kind in (_VT_LPSTR, _VT_LPWSTR):
                width = 2 if kind == _VT_LPWSTR else 1
                end = min(start + 8 + length * width, len(out))
                out[start + 8 : end] = bytes(end - start - 8)
    except struct.error:
        return stream
    return bytes(out)


# --- Dispatch ------------------------------------------------------------------------------

_OFFICE_MIMES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
}


def strip_metadata(data: bytes, *, structure: str, mime: str) -> bytes:
    """``data`` without its author and location metadata, or ``data`` itself when its
    format carries none that is removed here."""
    if structure == "jpeg":
        return strip_jpeg(data)
    if structure == "png":
        return strip_png(data)
    if structure == "pdf":
        return strip_pdf(data)
    if structure == "ole":
        return strip_ole(data)
    if structure == "zip" and mime in _OFFICE_MIMES:
        return strip_office(data)
    return data
