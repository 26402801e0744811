"""Hostile uploads are refused in Chinese: never a crash (500), never a stalled worker.

Every file is built here, byte by byte where no library writes it.
"""

import io
import os
import signal
import struct
import time
import zipfile
import zlib

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter

from portal.uploads import extract_text, inspect_upload


def read(name: str, content: bytes) -> str:
    """What ``Attachment.clean`` does with an upload: inspect it, then extract its text."""
    upload = SimpleUploadedFile(name, content)
    return extract_text(upload, inspect_upload(upload))


def refusal(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        read(name, content)
    return " ".join(caught.value.messages)


# --- Word documents and other ZIP containers ---


def word(*paragraphs: str) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def rezip(archive: bytes, parts: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    """``archive`` with ``parts`` replaced or added, in the original order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        for name in names:
            target.writestr(name, parts.get(name, source.read(name)), compression)
        for name in [name for name in parts if name not in names]:
            target.writestr(name, parts[name], compression)
    return out.getvalue()


def zip_of(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def entity_bomb() -> bytes:
    """Billion laughs: ten entities, each ten of the one before, 10^9 characters."""
    entities = b'<!ENTITY e0 "laughlaugh">' + b"".join(
        b'<!ENTITY e%d "%s">' % (n, b"&e%d;" % (n - 1) * 10) for n in range(1, 10)
    )
    return (
        b'<?xml version="1.0"?><!DOCTYPE w:document [' + entities + b"]>"
        b"<w:document "
        + W
        + b"><w:body><w:p><w:r><w:t>&e9;</w:t></w:r></w:p></w:body></w:document>"
    )


def ten_megabyte_document() -> bytes:
    run = b"<w:p><w:r><w:t>" + "政务公开".encode() * 500 + b"</w:t></w:r></w:p>"
    body = run * (10 * 1024 * 1024 // len(run))
    return b"<w:document " + W + b"><w:body>" + body + b"</w:body></w:document>"


# --- A Word 97 compound file, which olefile cannot write ---

FREE, END_OF_CHAIN, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def ole_word(*storages: str) -> bytes:
    """A Word 97 compound file: a 4 KiB WordDocument stream in sectors 0-7 (starting with the
    magic number filetype looks for), the directory in sector 8, the FAT in sector 9, and
    an empty storage for each of ``storages``."""

    def entry(name, kind, *, right=NO_STREAM, child=NO_STREAM, start=END_OF_CHAIN, size=0):
        encoded = (name + "\0").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB3I", len(encoded), kind, 1, NO_STREAM, right, child)
            + bytes(16 + 4 + 16)  # class id, state bits, creation and modification times
            + struct.pack("<IQ", start, size)
        )

    siblings = [*range(2, 2 + len(storages)), NO_STREAM]  # a chain of right siblings
    directory = entry("Root Entry", 5, child=1) + entry(
        "WordDocument", 2, right=siblings[0], start=0, size=4096
    )
    for number, name in enumerate(storages):
        directory += entry(name, 1, right=siblings[number + 1])
    directory = directory.ljust(512, b"\0")  # unused entries are all zero
    fat = [1, 2, 3, 4, 5, 6, 7, END_OF_CHAIN, END_OF_CHAIN, FAT_SECTOR] + [FREE] * 118
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<5H", 0x3E, 3, 0xFFFE, 9, 6)  # version 3, 512-byte sectors
        + bytes(6)
        + struct.pack("<9I", 0, 1, 8, 0, 4096, END_OF_CHAIN, 0, END_OF_CHAIN, 0)
        + struct.pack("<109I", 9, *[FREE] * 108)
    )
    stream = b"\xec\xa5\xc1\x00".ljust(4096, b"\0")
    return header + stream + directory + struct.pack("<128I", *fat)


# --- PDFs ---


def pdf_file(*objects: bytes, trailer: bytes = b"") -> bytes:
    """Numbered objects with a correct cross-reference table; object 1 is the catalog."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\n" % (len(objects) + 1, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def stream(data: bytes, dictionary: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), dictionary, data)


HELLO = b"BT /F1 24 Tf 72 720 Td (Hello disclosure) Tj ET"


def pdf_objects(*, catalog=b"", page=b"", content=HELLO, content_dictionary=b""):
    return [
        b"<< /Type /Catalog /Pages 2 0 R %s >>" % catalog,
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R %s >>" % page,
        stream(content, content_dictionary),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]


def pdf(*, trailer=b"", **parts) -> bytes:
    return pdf_file(*pdf_objects(**parts), trailer=trailer)


def link_doing(action: bytes) -> bytes:
    return b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A %s >>]" % action


def pdf_with_compressed_annotation(annotation: bytes) -> bytes:
    """The page's annotation (object 7) sits in a Flate-compressed object stream (6),
    listed by a cross-reference stream (8): no byte of it is readable in the file."""
    objects = pdf_objects(page=b"/Annots [7 0 R]")
    packed = b"7 0\n" + annotation
    objects.append(
        stream(zlib.compress(packed), b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode")
    )
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    rows = struct.pack(">BIH", 0, 0, 65535)
    rows += b"".join(struct.pack(">BIH", 1, offset, 0) for offset in offsets)
    rows += struct.pack(">BIH", 2, 6, 0) + struct.pack(">BIH", 1, xref, 0)
    out += b"8 0 obj\n%s\nendobj\n" % stream(rows, b"/Type /XRef /Size 9 /W [1 4 2] /Root 1 0 R")
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def owner_password_pdf() -> bytes:
    """Copying restricted, no password to open: how many government PDFs are published."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf())))
    writer.encrypt(user_password="", owner_password="机关", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- Images ---


def png(width: int, height: int, *, pixels: bytes | None = None) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    data = chunk(b"IDAT", zlib.compress(pixels)) if pixels is not None else b""
    return b"\x89PNG\r\n\x1a\n" + header + data + chunk(b"IEND", b"")


def jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    frame = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + frame + b"\xff\xd9"


HOSTILE = {
    "invalid XML in the document part": (
        "通知.docx",
        lambda: rezip(word("正文"), {"word/document.xml": b"<w:document " + W + b"><oops"}),
        "文件已损坏或格式无法识别",
    ),
    "invalid XML in the styles part": (
        "通知.docx",
        lambda: rezip(word("正文"), {"word/styles.xml": b"<w:styles " + W + b"><w:style"}),
        "文件已损坏或格式无法识别",
    ),
    "invalid XML in the content types": (
        "通知.docx",
        lambda: rezip(word("正文"), {"[Content_Types].xml": b"<Types><Default"}),
        "文件已损坏或格式无法识别",
    ),
    "an XML entity bomb": (
        "通知.docx",
        lambda: rezip(word("正文"), {"word/document.xml": entity_bomb()}),
        "文件已损坏或格式无法识别",
    ),
    "a small document that unpacks to 10 MB": (
        "通知.docx",
        lambda: rezip(word("正文"), {"word/document.xml": ten_megabyte_document()}),
        "压缩比异常",
    ),
    "a Word document cut short": ("通知.docx", lambda: word("正文")[:-200], "文件已损坏"),
    "a macro-enabled document renamed to docx": (
        "通知.docx",
        lambda: rezip(word("正文"), {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macros"}),
        "文件包含宏（VBA）",
    ),
    "a macro project in a folder of a zip": (
        "材料.zip",
        lambda: zip_of({"说明.txt": "见附件".encode(), "材料/VBAPROJECT.BIN": b"\x00" * 64}),
        "文件包含宏（VBA）",
    ),
    "an Excel 4.0 macro sheet": (
        "统计.xlsx",
        lambda: zip_of({"xl/macrosheets/sheet1.xml": b"<xm:macrosheet/>"}),
        "文件包含宏",
    ),
    "a Word 97 file with a Macros storage": (
        "通知.doc",
        lambda: ole_word("Macros"),
        "文件包含宏（VBA）",
    ),
    "a Word 97 file with a damaged directory": (
        "通知.doc",
        lambda: ole_word()[:1024],
        "文件已损坏",
    ),
    "a PDF that acts when opened": (
        "通知.pdf",
        lambda: pdf(catalog=b"/OpenAction << /S /URI /URI (https://example.invalid/) >>"),
        "OpenAction",
    ),
    "a PDF with document JavaScript": (
        "通知.pdf",
        lambda: pdf(
            catalog=b"/Names << /JavaScript << /Names [(a) << /S /JavaScript /JS (app.alert(1)) >>] >> >>"
        ),
        "JavaScript",
    ),
    "a PDF with hex-escaped JavaScript": (
        "通知.pdf",
        lambda: pdf(page=link_doing(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>")),
        "JavaScript",
    ),
    "a PDF with JavaScript in a compressed object stream": (
        "通知.pdf",
        lambda: pdf_with_compressed_annotation(
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /JavaScript /JS (x) >> >>"
        ),
        "JavaScript",
    ),
    "a PDF that launches a program": (
        "通知.pdf",
        lambda: pdf(page=link_doing(b"<< /S /Launch /F (cmd.exe) >>")),
        "Launch",
    ),
    "a PDF with additional actions on a page": (
        "通知.pdf",
        lambda: pdf(page=b"/AA << /O << /S /GoTo /D [3 0 R /Fit] >> >>"),
        "（AA）",
    ),
    "a PDF with an unknown filter": (
        "通知.pdf",
        lambda: pdf(content_dictionary=b"/Filter /Foo"),
        "文件已损坏或格式无法识别",
    ),
    "a PDF with an unknown encryption version": (
        "通知.pdf",
        lambda: pdf(trailer=b"/Encrypt << /Filter /Standard /V 9 /R 9 /O (x) /U (x) /P -4 >>"),
        "文件已损坏或格式无法识别",
    ),
    "a PDF with an unknown encryption revision": (
        "通知.pdf",
        lambda: pdf(trailer=b"/Encrypt << /Filter /Standard /V 2 /R 9 /O (x) /U (x) /P -4 >>"),
        "无法识别的加密方式",
    ),
    "a PDF cut short": ("通知.pdf", lambda: pdf()[:300], "文件已损坏"),
    "a PNG of 10000 × 10000 pixels": ("图表.png", lambda: png(10_000, 10_000), "图片尺寸过大"),
    "a JPEG of 10000 × 10000 pixels": ("照片.jpg", lambda: jpeg(10_000, 10_000), "图片尺寸过大"),
    "a PNG cut inside its header": ("图表.png", lambda: png(10, 10)[:20], "文件已损坏"),
    "a JPEG without a frame header": ("照片.jpg", lambda: jpeg(10, 10)[:22], "文件已损坏"),
}


@pytest.mark.parametrize(("name", "build", "phrase"), HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_upload_is_refused_in_chinese(name, build, phrase):
    assert phrase in refusal(name, build())


def test_a_container_with_more_entries_than_allowed_is_refused(settings):
    settings.ATTACHMENT_MAX_ARCHIVE_ENTRIES = 50
    archive = zip_of({f"附件{n}.txt": b"" for n in range(51)})
    assert "压缩包内文件过多（51个，上限50个）" in refusal("材料.zip", archive)


def test_a_container_that_unpacks_beyond_the_limit_is_refused(settings):
    settings.ATTACHMENT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    stored = rezip(word("正文"), {"word/media/scan.bin": os.urandom(2 * 1024 * 1024)})
    assert "超过上限" in refusal("通知.docx", stored)


ORDINARY = {
    "a Word document": ("通知.docx", lambda: word("关于做好政务公开工作的通知", "各区县："), "关于做好政务公开工作的通知\n各区县："),
    "a PDF": ("通知.pdf", pdf, "Hello disclosure"),
    "a PDF that opens at its first page": ("通知.pdf", lambda: pdf(catalog=b"/OpenAction [3 0 R /Fit]"), "Hello disclosure"),
    "a PDF with a link to a web page": ("通知.pdf", lambda: pdf(page=link_doing(b"<< /S /URI /URI (https://www.gov.cn/) >>")), "Hello disclosure"),
    "a PDF that needs no password to open": ("通知.pdf", owner_password_pdf, "Hello disclosure"),
    "a scanned PDF without a text layer": ("扫描件.pdf", lambda: pdf(content=b"q 0 0 0 rg 0 0 612 792 re f Q"), ""),
    "a PNG": ("图表.png", lambda: png(1, 1, pixels=b"\x00\xff\x00\x00"), ""),
    "a JPEG": ("照片.jpg", lambda: jpeg(640, 480), ""),
    "a Word 97 file without macros": ("通知.doc", ole_word, ""),
    "a ZIP archive": ("材料.zip", lambda: zip_of({"说明.txt": "见附件".encode()}), ""),
}  # fmt: skip


@pytest.mark.parametrize(("name", "build", "text"), ORDINARY.values(), ids=ORDINARY.keys())
def test_an_ordinary_upload_is_accepted_with_its_text(name, build, text):
    assert read(name, build()) == text


def test_long_text_comes_back_whole_up_to_the_cap():
    paragraphs = ["政务公开" * 1000] * 60  # 240,000 characters, far more than a pipe holds
    text = read("通知.docx", word(*paragraphs))
    assert len(text) == 200_000 and text.startswith("政务公开政务公开")


@pytest.fixture
def forked_pids(monkeypatch):
    """The process ids of the children forked during the test."""
    pids, fork = [], os.fork

    def recording_fork():
        pid = fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recording_fork)
    return pids


def assert_reaped(pids):
    assert pids
    for pid in pids:
        with pytest.raises(ChildProcessError):  # not a child of ours any more: no zombie
            os.waitpid(pid, os.WNOHANG)


def test_an_extraction_that_hangs_is_stopped_and_refused_within_its_budget(
    settings, monkeypatch, forked_pids
):
    settings.ATTACHMENT_EXTRACT_SECONDS = 1
    monkeypatch.setattr("portal.text_extraction.pdf_text", lambda data, **options: time.sleep(60))
    upload = SimpleUploadedFile("通知.pdf", pdf())
    kind = inspect_upload(upload)
    started = time.monotonic()
    with pytest.raises(ValidationError) as caught:
        extract_text(upload, kind)
    assert time.monotonic() - started < 3
    assert "文件过于复杂" in caught.value.messages[0]
    assert_reaped(forked_pids)


def test_an_extraction_that_needs_too_much_memory_is_refused(settings, monkeypatch, forked_pids):
    settings.ATTACHMENT_EXTRACT_MEMORY_BYTES = 64 * 1024 * 1024
    monkeypatch.setattr("portal.text_extraction.pdf_text", lambda data, **options: "x" * 1024**3)
    assert "文件过于复杂" in refusal("通知.pdf", pdf())
    assert_reaped(forked_pids)


def test_a_parser_that_crashes_its_process_is_refused(monkeypatch, forked_pids):
    def crash(data, **options):
        os.kill(os.getpid(), signal.SIGSEGV)

    monkeypatch.setattr("portal.text_extraction.pdf_text", crash)
    assert "文件已损坏或格式无法识别" in refusal("通知.pdf", pdf())
    assert_reaped(forked_pids)


@pytest.mark.django_db
def test_a_hostile_attachment_is_a_validation_error_not_a_crash():
    from disclosure.models import Attachment
    from tests.disclosure.factories import DocumentFactory

    upload = SimpleUploadedFile("通知.pdf", pdf(content_dictionary=b"/Filter /Foo"))
    attachment = Attachment(document=DocumentFactory(), file=upload)
    with pytest.raises(ValidationError) as caught:
        attachment.full_clean()
    assert "文件已损坏或格式无法识别" in str(caught.value.messages)
