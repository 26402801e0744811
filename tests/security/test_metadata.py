"""Public attachments and editor images are stored without their author and location
metadata (``portal.metadata_stripping``), their content untouched."""

import io
import struct
import uuid
import zipfile

import docx
import olefile
import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, NumberObject, StreamObject

from portal.metadata_stripping import strip_jpeg, strip_png
from portal.uploads import DOCUMENT_KINDS, inspect_upload, strip_public_metadata
from tests.disclosure.factories import DocumentFactory
from tests.disclosure.test_views import attach
from tests.portal.test_editor import UPLOAD

pytestmark = pytest.mark.django_db

GPS = 0x8825
ORIENTATION = 0x0112
PERSONAL = "张三"


def picture() -> Image.Image:
    image = Image.new("RGB", (64, 48), (200, 10, 10))
    for x in range(64):
        image.putpixel((x, x % 48), (0, 0, x * 4))
    return image


def exif(orientation: int = 6) -> bytes:
    data = Image.Exif()
    data[ORIENTATION] = orientation
    data[0x010F] = "Canon"  # camera make
    data[0x013B] = "Zhang San"  # Artist
    data[GPS] = {1: "N", 2: (29.0, 33.0, 1.5), 3: "E", 4: (106.0, 30.0, 0.0)}
    return data.tobytes()


XMP = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>{PERSONAL}</dc:creator></x:xmpmeta>'


def photo(orientation: int = 6) -> bytes:
    out = io.BytesIO()
    picture().save(
        out, "JPEG", exif=exif(orientation), comment=b"shot by Zhang San", xmp=XMP.encode()
    )
    return out.getvalue()


def png_with_metadata() -> bytes:
    info = PngInfo()
    info.add_text("Author", "Zhang San")
    info.add_itxt("XML:com.adobe.xmp", XMP)
    out = io.BytesIO()
    picture().save(out, "PNG", pnginfo=info, exif=exif())
    return out.getvalue()


def stored(attachment) -> bytes:
    with attachment.file.open("rb") as handle:
        return handle.read()


def scan_data(jpeg: bytes) -> bytes:
    return jpeg[jpeg.index(b"\xff\xda") :]


def test_a_photo_loses_gps_camera_author_xmp_and_comment_but_not_a_pixel_or_its_rotation():
    original = photo()
    kept = stored(attach(DocumentFactory(), "现场照片.jpg", original))
    image = Image.open(io.BytesIO(kept))
    assert image.getexif().get_ifd(GPS) == {}
    assert dict(image.getexif()) == {ORIENTATION: 6}  # the rotation alone stays
    assert "xmp" not in image.info and "comment" not in image.info
    for secret in (b"Zhang", b"Canon", PERSONAL.encode()):
        assert secret not in kept
    # Lossless: the compressed image is the same bytes, so the same pixels.
    assert scan_data(kept) == scan_data(original)
    assert image.tobytes() == Image.open(io.BytesIO(original)).tobytes()


def test_an_upright_photo_keeps_no_exif_at_all():
    kept = strip_jpeg(photo(orientation=1))
    assert b"Exif" not in kept and Image.open(io.BytesIO(kept)).getexif() == {}


def test_a_png_loses_its_text_xmp_and_exif_chunks_but_not_a_pixel():
    original = png_with_metadata()
    kept = stored(attach(DocumentFactory(), "图表.png", original))
    for chunk in (b"tEXt", b"iTXt", b"eXIf", b"Zhang"):
        assert chunk in original and chunk not in kept
    assert Image.open(io.BytesIO(kept)).tobytes() == Image.open(io.BytesIO(original)).tobytes()


def word_with_author() -> bytes:
    document = docx.Document()
    document.add_paragraph("关于做好2026年政务公开工作的通知")
    document.core_properties.author = PERSONAL
    document.core_properties.last_modified_by = "李四"
    document.core_properties.title = "政务公开通知"
    out = io.BytesIO()
    document.save(out)
    return add_company(out.getvalue(), "某某科技有限公司")


def add_company(archive: bytes, company: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/app.xml":
                data = data.replace(
                    b"</Properties>", f"<Company>{company}</Company></Properties>".encode()
                )
            target.writestr(info, data)
    return out.getvalue()


def properties(archive: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        return "".join(
            source.read(name).decode()
            for name in ("docProps/core.xml", "docProps/app.xml")
            if name in source.namelist()
        )


def test_a_word_file_loses_author_last_editor_and_company_but_keeps_its_text_and_title():
    original = word_with_author()
    assert PERSONAL in properties(original) and "某某科技" in properties(original)
    attachment = attach(DocumentFactory(), "通知.docx", original)
    kept = stored(attachment)
    assert PERSONAL not in properties(kept) and "李四" not in properties(kept)
    assert "某某科技" not in properties(kept)
    document = docx.Document(io.BytesIO(kept))
    assert (
        document.core_properties.author == "" and document.core_properties.title == "政务公开通知"
    )
    assert document.paragraphs[0].text == "关于做好2026年政务公开工作的通知"
    assert "政务公开工作" in attachment.text  # still searchable
    assert attachment.size == len(kept)


def test_a_spreadsheet_loses_its_author():
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "预算"
    workbook.properties.creator = PERSONAL
    workbook.properties.lastModifiedBy = "李四"
    out = io.BytesIO()
    workbook.save(out)
    kept = stored(attach(DocumentFactory(), "预算.xlsx", out.getvalue()))
    assert PERSONAL not in properties(kept) and "李四" not in properties(kept)
    assert openpyxl.load_workbook(io.BytesIO(kept)).active["A1"].value == "预算"


def pdf(**info) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata(info)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_loses_author_creator_producer_and_xmp_but_keeps_its_title():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf(**{"/Title": "通知"}))))
    writer.add_metadata({"/Author": PERSONAL, "/Creator": "WPS 文字", "/Producer": "WPS"})
    xmp = StreamObject()
    xmp.set_data(XMP.encode())
    writer.root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    out = io.BytesIO()
    writer.write(out)
    kept = PdfReader(io.BytesIO(stored(attach(DocumentFactory(), "通知.pdf", out.getvalue()))))
    assert dict(kept.metadata) == {"/Title": "通知"}
    assert "/Metadata" not in kept.trailer["/Root"]
    assert len(kept.pages) == 1


def test_a_signed_pdf_is_left_byte_for_byte():
    reader = PdfReader(io.BytesIO(pdf(**{"/Author": "市民政局"})))
    writer = PdfWriter(clone_from=reader)
    writer.root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/SigFlags"): NumberObject(3)}
    )
    out = io.BytesIO()
    writer.write(out)
    original = out.getvalue()
    assert stored(attach(DocumentFactory(), "签章文件.pdf", original)) == original


def test_a_large_upload_spooled_to_disk_is_rewritten_in_place():
    """Storage moves a temporary upload's file rather than copying the object's bytes."""
    original = photo()
    upload = TemporaryUploadedFile("照片.jpg", "image/jpeg", len(original), None)
    upload.write(original)
    upload.flush()
    upload.seek(0)
    strip_public_metadata(upload, inspect_upload(upload))
    with open(upload.temporary_file_path(), "rb") as handle:
        on_disk = handle.read()
    assert b"Canon" not in on_disk and upload.size == len(on_disk)
    upload.close()


def test_a_file_without_metadata_is_not_rewritten():
    out = io.BytesIO()
    picture().save(out, "PNG")
    upload = SimpleUploadedFile("图.png", out.getvalue())
    strip_public_metadata(upload, DOCUMENT_KINDS["png"])
    assert upload.read() == out.getvalue()


def test_an_editor_image_is_served_without_its_gps_position(client, agency):
    client.force_login(agency.clerk)
    response = client.post(
        UPLOAD, {"alt": "现场照片", "image": SimpleUploadedFile("现场.jpg", photo())}
    )
    assert response.status_code == 201
    name = response.json()["url"].rstrip("/").rsplit("/", 1)[-1]
    with default_storage.open(f"editor-images/{name}", "rb") as handle:
        kept = handle.read()
    assert Image.open(io.BytesIO(kept)).getexif().get_ifd(GPS) == {}
    served = client.get(response.json()["url"])
    assert b"".join(served.streaming_content) == kept
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Type"] == "image/jpeg"


def test_a_downloaded_attachment_is_an_attachment_and_never_sniffed(client):
    attachment = attach(DocumentFactory(published=True), "通知.docx", word_with_author())
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert PERSONAL not in properties(b"".join(response.streaming_content))


# --- A Word 97 file with summary information, built byte by byte (olefile cannot write) ---

FREE, END_OF_CHAIN, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
SUMMARY_FMTID = uuid.UUID("F29F85E0-4FF9-1068-AB91-08002B27B3D9").bytes_le


def summary_information(author: str, title: str) -> bytes:
    """A property set with the code page (936), the title and the author, padded to a
    full 4 KiB so it lives in ordinary sectors rather than the mini stream."""

    def string(value: str) -> bytes:
        encoded = value.encode("gbk") + b"\0"
        return struct.pack("<II", 0x1E, len(encoded)) + encoded.ljust(
            -(-len(encoded) // 4) * 4, b"\0"
        )

    values = [(1, struct.pack("<IHH", 2, 936, 0)), (2, string(title)), (4, string(author))]
    offset, table, body = 8 + 8 * len(values), b"", b""
    for identifier, value in values:
        table += struct.pack("<II", identifier, offset + len(body))
        body += value
    section = struct.pack("<II", 8 + len(table) + len(body), len(values)) + table + body
    header = struct.pack("<HHI", 0xFFFE, 0, 0x00020006) + bytes(16) + struct.pack("<I", 1)
    return (header + SUMMARY_FMTID + struct.pack("<I", 48) + section).ljust(4096, b"\0")


def ole_word_with_author(author: str, title: str) -> bytes:
    def entry(name, kind, *, right=NO_STREAM, child=NO_STREAM, start=END_OF_CHAIN, size=0):
        encoded = (name + "\0").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB3I", len(encoded), kind, 1, NO_STREAM, right, child)
            + bytes(36)
            + struct.pack("<IQ", start, size)
        )

    directory = (
        entry("Root Entry", 5, child=1)
        + entry("WordDocument", 2, right=2, start=0, size=4096)
        + entry("\x05SummaryInformation", 2, start=8, size=4096)
    ).ljust(512, b"\0")
    fat = [*range(1, 8), END_OF_CHAIN, *range(9, 16), END_OF_CHAIN, END_OF_CHAIN, FAT_SECTOR]
    fat += [FREE] * (128 - len(fat))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<5H", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<9I", 0, 1, 16, 0, 4096, END_OF_CHAIN, 0, END_OF_CHAIN, 0)
        + struct.pack("<109I", 17, *[FREE] * 108)
    )
    word = b"\xec\xa5\xc1\x00".ljust(4096, b"\0")
    return (
        header + word + summary_information(author, title) + directory + struct.pack("<128I", *fat)
    )


def test_a_word_97_file_loses_its_author_and_keeps_its_title():
    original = ole_word_with_author(PERSONAL, "政务公开通知")
    with olefile.OleFileIO(original) as ole:
        assert ole.get_metadata().author == PERSONAL.encode("gbk")  # the builder is right
    kept = stored(attach(DocumentFactory(), "通知.doc", original))
    assert len(kept) == len(original) and PERSONAL.encode("gbk") not in kept
    with olefile.OleFileIO(kept) as ole:
        metadata = ole.get_metadata()
        assert metadata.author in (b"", None)
        assert metadata.title == "政务公开通知".encode("gbk")
        assert ole.openstream("WordDocument").read()[:4] == b"\xec\xa5\xc1\x00"


# --- the JPEG and PNG walkers on their own ----------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [{"progressive": True}, {"restart_marker_blocks": 1}, {"subsampling": 0, "quality": 100}],
    ids=["progressive (several scans)", "restart markers", "4:4:4 at quality 100"],
)
def test_every_kind_of_jpeg_keeps_its_pixels(options):
    out = io.BytesIO()
    picture().save(out, "JPEG", exif=exif(), comment=b"Zhang San", **options)
    original = out.getvalue()
    kept = strip_jpeg(original)
    assert b"Zhang" not in kept and b"Canon" not in kept
    assert Image.open(io.BytesIO(kept)).tobytes() == Image.open(io.BytesIO(original)).tobytes()


def test_whatever_follows_the_end_of_an_image_is_dropped():
    trailer = b"\xff\xd8 a second picture, with its own EXIF: Zhang San \xff\xd9"
    assert strip_jpeg(photo() + trailer).endswith(b"\xff\xd9")
    assert b"Zhang" not in strip_jpeg(photo() + trailer)
    png = png_with_metadata()
    assert strip_png(png + b"Zhang San").endswith(b"IEND\xaeB`\x82")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(min_size=1, max_size=60).filter(lambda t: "\x00" not in t))
def test_any_comment_or_artist_is_gone_and_the_image_unchanged(text):
    data = Image.Exif()
    data[0x013B] = text
    out = io.BytesIO()
    picture().save(out, "JPEG", exif=data.tobytes(), comment=text.encode())
    original = out.getvalue()
    kept = strip_jpeg(original)
    image = Image.open(io.BytesIO(kept))
    assert "comment" not in image.info and 0x013B not in image.getexif()
    assert scan_data(kept) == scan_data(original)


def with_parts(archive: bytes, changes: dict[str, bytes]) -> bytes:
    """The archive with parts replaced or added (``changes``: name → new bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename not in changes:
                target.writestr(info, source.read(info))
        for name, data in changes.items():
            target.writestr(name, data)
    return out.getvalue()


def every_part(archive: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        return "".join(source.read(name).decode(errors="replace") for name in source.namelist())


def test_comment_and_revision_authors_and_custom_properties_are_blanked():
    from portal.metadata_stripping import strip_office

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    with zipfile.ZipFile(io.BytesIO(word_with_author())) as source:
        body = source.read("word/document.xml").decode()
    tracked = body.replace(
        "<w:p>", f'<w:p><w:ins w:id="1" w:author="{PERSONAL}" w:date="2026-11-30T09:00:00Z"/>', 1
    )
    original = with_parts(
        word_with_author(),
        {
            "word/document.xml": tracked.encode(),
            "word/comments.xml": f'<w:comments {w}><w:comment w:id="0" w:author="{PERSONAL}" '
            f'w:initials="ZS"><w:p><w:r><w:t>意见</w:t></w:r></w:p></w:comment></w:comments>'.encode(),
            "docProps/custom.xml": f"<Properties><property name='审核人'><vt:lpwstr>{PERSONAL}"
            "</vt:lpwstr></property></Properties>".encode(),
        },
    )
    assert every_part(original).count(PERSONAL) >= 4
    kept = strip_office(original)
    assert PERSONAL not in every_part(kept) and 'w:initials="ZS"' not in every_part(kept)
    assert "意见" in every_part(kept)  # the comment's text stays: only who wrote it goes
    assert docx.Document(io.BytesIO(kept)).paragraphs[0].text == "关于做好2026年政务公开工作的通知"
