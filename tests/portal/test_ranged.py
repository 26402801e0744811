"""Byte ranges for media (a browser seeking in a video; Safari playing one at all)."""

import pytest
from django.core.files.base import ContentFile
from django.test import RequestFactory

from portal.ranged import ranged_file_response

DATA = bytes(range(256)) * 4  # 1,024 bytes


def answer(range_header=None):
    headers = {"HTTP_RANGE": range_header} if range_header else {}
    request = RequestFactory().get("/media/1/", **headers)
    response = ranged_file_response(
        request, ContentFile(DATA, name="a.mp4"), content_type="video/mp4"
    )
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_no_range_gives_the_whole_file():
    response, body = answer()
    assert response.status_code == 200 and body == DATA
    assert response["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-99", 0, 99), ("bytes=1000-", 1000, 1023), ("bytes=-24", 1000, 1023),
     ("bytes=500-5000", 500, 1023)],
)  # fmt: skip
def test_a_single_range_is_answered_with_206(header, start, end):
    response, body = answer(header)
    assert response.status_code == 206
    assert body == DATA[start : end + 1]
    assert response["Content-Range"] == f"bytes {start}-{end}/1024"
    assert response["Content-Length"] == str(end - start + 1)


@pytest.mark.parametrize("header", ["bytes=1024-", "bytes=2000-3000", "bytes=-0", "bytes=9-3"])
def test_a_range_outside_the_file_is_416(header):
    response, _ = answer(header)
    assert response.status_code == 416 and response["Content-Range"] == "bytes */1024"


@pytest.mark.parametrize("header", ["bytes=0-1,5-9", "items=0-5", "bytes=-", "garbage"])
def test_anything_else_gets_the_whole_file(header):
    response, body = answer(header)
    assert response.status_code == 200 and body == DATA
