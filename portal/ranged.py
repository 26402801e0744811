"""Files served with HTTP range requests (RFC 9110 §14): a browser seeks in a video by
asking for a byte range, and Safari plays video only from a server that answers them."""

import re

from django.http import FileResponse, HttpResponse

_SINGLE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def ranged_file_response(request, file, *, content_type: str) -> HttpResponse:
    """``file`` (a Django ``File``, opened for reading) whole, or the one byte range the
    request asks for (206), or 416 for a range outside it. Several ranges in one request
    are answered with the whole file, as RFC 9110 allows."""
    size = file.size
    wanted = _range(request.headers.get("Range", ""), size)
    if wanted is None:
        response = FileResponse(file, content_type=content_type)
    elif wanted == ():
        file.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    else:
        start, end = wanted
        file.seek(start)
        response = FileResponse(_limited(file, end - start + 1), content_type=content_type)
        response.status_code = 206
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    return response


def _range(header: str, size: int):
    """(start, end) inclusive; () when unsatisfiable; None for no usable single range."""
    match = _SINGLE_RANGE.match(header.replace(" ", ""))
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        length = int(last)
        return (max(0, size - length), size - 1) if length and size else ()
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        return ()
    return start, end


def _limited(file, length: int, chunk: int = 64 * 1024):
    try:
        while length > 0:
            data = file.read(min(chunk, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        file.close()
