"""Structural checks of an upload's bytes, made before anything parses its content.

Each check reads only a container's directory or a header: the ZIP central directory
(sizes, entry names), the OLE directory (storage names), an image's header (dimensions).
They refuse in Chinese with a ``ValidationError`` and are run in a budgeted child by
``portal.uploads.inspect_upload``; PDFs have their own module, ``portal.pdf_checks``.
"""

import io
import logging
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

import olefile
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat


@dataclass(frozen=True)
class UploadLimits:
    max_uncompressed_bytes: int
    max_compression_ratio: float
    max_archive_entries: int
    max_pixels: int


logger = logging.getLogger(__name__)


def damaged(detail: str, *, cause: object = None) -> ValidationError:
    """A refusal in Chinese; what the parser said (English, internals) goes to the log."""
    if cause is not None:
        logger.info("upload refused as damaged (%s): %r", detail, cause)
    return ValidationError(
        f"文件已损坏或格式无法识别（{detail}），请检查后重新上传。", code="damaged"
    )


def too_complex() -> ValidationError:
    return ValidationError(
        "文件过于复杂，无法在限定的时间和内存内处理，请简化或拆分后重新上传。",
        code="too_complex",
    )


def macros_refused(what: str) -> ValidationError:
    return ValidationError(
        f"文件包含宏（{what}），出于安全原因不予接受，请另存为不含宏的格式后上传。",
        code="macros",
    )


# --- ZIP containers: OOXML (docx, xlsx, pptx), ODF (odt, ods), OFD and plain ZIP ---

_EOCD = struct.Struct("<4s4H2LH")  # end of central directory record
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
# zipfile parses the whole central directory before it can count entries; a directory of
# tiny hostile entries costs seconds and hundreds of megabytes, so its byte size is bounded
# first. Real entries (46 bytes plus name and extras) average well under this.
_CENTRAL_DIRECTORY_BYTES_PER_ENTRY = 512


def check_zip(data: bytes, *, limits: UploadLimits) -> None:
    """Refuse a ZIP container that is damaged, holds too many entries, would unpack to too
    much or unpacks suspiciously far (a decompression bomb), or carries macros.

    Sizes come from the central directory; zipfile enforces them when reading (it stops at
    the declared size and checks the CRC), so the parsers that run later cannot unpack more.
    """
    entries, directory_bytes = _central_directory_extent(data)
    if entries > limits.max_archive_entries:
        raise _too_many_entries(entries, limits.max_archive_entries)
    if directory_bytes > limits.max_archive_entries * _CENTRAL_DIRECTORY_BYTES_PER_ENTRY:
        raise damaged("ZIP 目录大小异常")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, struct.error) as e:
        raise damaged("ZIP 无法读取", cause=e) from e
    if len(infos) > limits.max_archive_entries:
        raise _too_many_entries(len(infos), limits.max_archive_entries)
    unpacked = sum(info.file_size for info in infos)
    if unpacked > limits.max_uncompressed_bytes:
        raise ValidationError(
            f"压缩内容解压后共{filesizeformat(unpacked)}，"
            f"超过上限{filesizeformat(limits.max_uncompressed_bytes)}，不予接受。",
            code="uncompressed_too_large",
        )
    ratio = unpacked / len(data)
    if ratio > limits.max_compression_ratio:
        raise ValidationError(
            f"文件压缩比异常（约{ratio:.0f}倍，上限{limits.max_compression_ratio:g}倍），"
            "疑似压缩炸弹，不予接受。",
            code="compression_ratio",
        )
    for info in infos:
        path = PurePosixPath(info.filename.replace("\\", "/").lower())
        # A .docm/.xlsm/.pptm renamed to .docx still runs its VBA project in Office.
        if path.name == "vbaproject.bin":
            raise macros_refused("VBA")
        # Excel 4.0 macro sheets run without any VBA project.
        if "macrosheets" in path.parts[:-1]:
            raise macros_refused("Excel 4.0 宏表")


def _too_many_entries(count, limit):
    return ValidationError(
        f"压缩包内文件过多（{count}个，上限{limit}个）。", code="too_many_entries"
    )


def _central_directory_extent(data: bytes) -> tuple[int, int]:
    """(entries, bytes) of the central directory as its end record declares them, found
    the way zipfile finds it: the last 22 bytes, else the last signature within the
    largest comment, then the ZIP64 record when a locator precedes the end record."""
    if data[-_EOCD.size : -_EOCD.size + 4] == b"PK\x05\x06" and data[-2:] == b"\x00\x00":
        start = len(data) - _EOCD.size
    else:
        start = data.rfind(b"PK\x05\x06", max(0, len(data) - _EOCD.size - 0xFFFF))
    if start < 0 or start + _EOCD.size > len(data):
        raise damaged("ZIP：找不到文件目录")
    *_, entries, directory_bytes, _offset, _comment = _EOCD.unpack_from(data, start)
    locator = start - _ZIP64_LOCATOR.size
    if locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
        _sig, _disk, record, _disks = _ZIP64_LOCATOR.unpack_from(data, locator)
        if record + _ZIP64_EOCD.size > len(data) or data[record : record + 4] != b"PK\x06\x06":
            raise damaged("ZIP64：找不到文件目录")
        *_, entries, directory_bytes, _offset = _ZIP64_EOCD.unpack_from(data, record)
    return entries, directory_bytes


# --- OLE compound files: Word, Excel, PowerPoint 97-2003 and WPS's wps, et, dps ---

# Word keeps its VBA project in "Macros", Excel in "_VBA_PROJECT_CUR", others in "VBA".
_VBA_STORAGES = {"macros", "_vba_project_cur", "vba"}


def check_ole(data: bytes) -> None:
    """Refuse a legacy Office file that carries a VBA project, or whose directory cannot be
    read (olefile raises assorted exception types on malformed input)."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            paths = ole.listdir(streams=True, storages=True)
    except Exception as error:  # any failure to read the directory refuses
        raise damaged("Office 文件目录无法读取", cause=error) from error
    if any(part.lower() in _VBA_STORAGES for path in paths for part in path):
        raise macros_refused("VBA")


# --- Images: the dimensions from the header, without decoding a pixel ---

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Start-of-frame markers carry the dimensions; C4 (DHT), C8 (JPG) and CC (DAC) share the
# range but are not frames.
_JPEG_FRAMES = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}
# Real files have a handful of segments (APPn, DQT, DHT) before the frame header.
_JPEG_MAX_SEGMENTS = 1000


def check_png(data: bytes, *, limits: UploadLimits) -> None:
    if len(data) < 33 or data[8:16] != b"\x00\x00\x00\x0dIHDR":
        raise damaged("PNG 文件头不完整")
    if zlib.crc32(data[12:29]) != int.from_bytes(data[29:33], "big"):
        raise damaged("PNG 文件头校验失败")
    width, height = struct.unpack_from(">II", data, 16)
    _check_pixels(width, height, limits)


def check_jpeg(data: bytes, *, limits: UploadLimits) -> None:
    position = 2  # after the start-of-image marker
    for _ in range(_JPEG_MAX_SEGMENTS):
        if position >= len(data) or data[position] != 0xFF:
            raise damaged("JPEG 文件头不完整")
        while position < len(data) and data[position] == 0xFF:  # fill bytes
            position += 1
        if position + 3 > len(data):
            raise damaged("JPEG 文件头不完整")
        marker = data[position]
        position += 1
        if marker in _JPEG_STANDALONE:
            continue
        if marker in _JPEG_FRAMES:
            if position + 7 > len(data):
                raise damaged("JPEG 文件头不完整")
            height, width = struct.unpack_from(">HH", data, position + 3)
            _check_pixels(width, height, limits)
            return
        if marker in (0xD9, 0xDA):  # end of image or scan data before any frame header
            raise damaged("JPEG 缺少图像尺寸")
        position += int.from_bytes(data[position : position + 2], "big")
    raise damaged("JPEG 文件头异常")


def _check_pixels(width, height, limits):
    if width == 0 or height == 0:
        raise damaged("图片尺寸为零")
    if width * height > limits.max_pixels:
        raise ValidationError(
            f"图片尺寸过大：{width}×{height}像素，上限为{limits.max_pixels / 10_000:g}万像素。",
            code="too_many_pixels",
        )
