"""What a public attachment can never be: SVG (script in an image), HTML, a program, an
Office file with macros — refused by content whatever the file is called."""

import io
import zipfile

import docx
import pytest
from django.core.exceptions import ValidationError

from tests.disclosure.factories import DocumentFactory
from tests.disclosure.test_views import attach
from tests.portal.test_uploads import ole_word

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 200


def word_with_macros() -> bytes:
    document = docx.Document()
    document.add_paragraph("通知")
    plain = io.BytesIO()
    document.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\x00" * 60)
    return out.getvalue()


REFUSED = {
    "an SVG image": ("图.svg", SVG, "不支持的文件类型"),
    "an SVG named .png": ("图.png", SVG, "不支持的文件类型"),
    "an HTML page": ("通知.html", HTML, "不支持的文件类型"),
    "an HTML page named .pdf": ("通知.pdf", HTML, "不支持的文件类型"),
    "a Windows program named .pdf": ("通知.pdf", EXE, "不支持的文件类型"),
    "a Linux program named .docx": ("通知.docx", ELF, "不支持的文件类型"),
    "a macro-enabled Word file named .docx": ("通知.docx", word_with_macros(), "文件包含宏"),
    "a Word 97 file with macros": ("通知.doc", ole_word("Macros"), "文件包含宏"),
}


@pytest.mark.parametrize(("name", "content", "phrase"), REFUSED.values(), ids=REFUSED.keys())
def test_a_dangerous_attachment_is_refused_in_chinese(name, content, phrase):
    with pytest.raises(ValidationError) as caught:
        attach(DocumentFactory(), name, content)
    assert phrase in caught.value.message_dict["file"][0]
