# SPDX-License-Identifier: Apache-2.0
"""HTTP/1.1 framing for the simulator: reading one request (bounded head,
Content-Length or chunked body) and writing a response head."""

from email.utils import formatdate
from http import HTTPStatus

MAX_HEADER_BYTES = 16 * 1024
MAX_HEADERS = 100
MAX_BODY_BYTES = 4 * 1024 * 1024


class HttpError(Exception):
    """A request the server cannot read; answered, then the connection closes."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class Request:
    def __init__(self, method, target, version, headers):
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers          # lower-case name -> value (repeats joined by ", ")
        self.body = b""

    def keep_alive(self):
        tokens = {t.strip().lower() for t in self.headers.get("connection", "").split(",")}
        if self.version == "HTTP/1.0":
            return "keep-alive" in tokens
        return "close" not in tokens


def _readline(rfile, budget):
    """One CRLF line within budget bytes; HttpError 431 when it does not fit."""
    line = rfile.readline(budget + 1)
    if len(line) > budget:
        raise HttpError(431, "request header block over %d bytes" % MAX_HEADER_BYTES)
    return line


def read_request(rfile, send_interim):
    """Read one request (head and body) or return None on a clean EOF."""
    budget = MAX_HEADER_BYTES
    line = _readline(rfile, budget)
    while line in (b"\r\n", b"\n"):         # stray line ends between requests are allowed
        line = _readline(rfile, budget)
    if not line:
        return None
    if not line.endswith(b"\n"):
        return None                          # the peer went away mid-line
    budget -= len(line)
    parts = line.decode("latin-1").rstrip("\r\n").split(" ")
    if len(parts) != 3 or parts[2] not in ("HTTP/1.1", "HTTP/1.0") or not parts[1].startswith("/"):
        raise HttpError(400, "bad request line")
    req = Request(parts[0], parts[1], parts[2], {})
    nheaders = 0
    while True:
        line = _readline(rfile, budget)
        if not line.endswith(b"\n"):
            return None
        budget -= len(line)
        if line in (b"\r\n", b"\n"):
            break
        nheaders += 1
        if nheaders > MAX_HEADERS:
            raise HttpError(431, "more than %d header fields" % MAX_HEADERS)
        text = line.decode("latin-1").rstrip("\r\n")
        name, sep, value = text.partition(":")
        if not sep or not name or name != name.strip() or " " in name or text[0] in " \t":
            raise HttpError(400, "bad header line")
        name, value = name.lower(), value.strip()
        req.headers[name] = req.headers[name] + ", " + value if name in req.headers else value
    req.body = _read_body(rfile, req, send_interim)
    return req


def _read_body(rfile, req, send_interim):
    te = req.headers.get("transfer-encoding")
    cl = req.headers.get("content-length")
    if te is not None and cl is not None:
        raise HttpError(400, "both Transfer-Encoding and Content-Length")
    if te is None and cl is None:
        if req.method in ("POST", "PUT", "PATCH"):
            raise HttpError(411, "Content-Length required")
        return b""
    if req.headers.get("expect", "").lower() == "100-continue":
        send_interim()
    if te is not None:
        if te.lower() != "chunked":
            raise HttpError(501, "unsupported Transfer-Encoding %s" % te)
        return _read_chunked(rfile)
    if not cl.isdigit():
        raise HttpError(400, "bad Content-Length")
    n = int(cl)
    if n > MAX_BODY_BYTES:
        raise HttpError(413, "body over %d bytes" % MAX_BODY_BYTES)
    body = rfile.read(n)
    if len(body) != n:
        raise EOFError("body cut short")
    return body


def _read_chunked(rfile):
    body = bytearray()
    while True:
        line = rfile.readline(1024)
        if len(line) == 1024:
            raise HttpError(400, "chunk size line too long")
        if not line.endswith(b"\n"):
            raise EOFError("chunk size line cut short")
        size_text = line.split(b";")[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise HttpError(400, "bad chunk size") from None
        if size == 0:
            break
        if len(body) + size > MAX_BODY_BYTES:
            raise HttpError(413, "body over %d bytes" % MAX_BODY_BYTES)
        chunk = rfile.read(size)
        crlf = rfile.read(2)
        if len(chunk) != size or len(crlf) != 2:
            raise EOFError("chunk cut short")
        if crlf != b"\r\n":
            raise HttpError(400, "chunk not followed by CRLF")
        body += chunk
    budget = MAX_HEADER_BYTES                # trailers, ignored
    while True:
        line = _readline(rfile, budget)
        if not line.endswith(b"\n"):
            raise EOFError("trailers cut short")
        budget -= len(line)
        if line in (b"\r\n", b"\n"):
            return bytes(body)


def response_head(status, headers, length, close):
    """The status line and headers; length None means none is sent."""
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    lines = ["HTTP/1.1 %d %s" % (status, reason), "Server: herald-sim",
             "Date: " + formatdate(usegmt=True)]
    if length is not None:
        lines.append("Content-Type: application/json; charset=utf-8")
        lines.append("Content-Length: %d" % length)
    lines += ["%s: %s" % h for h in headers]
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def chunk_body(body, size):
    out = bytearray()
    for i in range(0, len(body), size):
        piece = body[i:i + size]
        out += b"%x\r\n" % len(piece) + piece + b"\r\n"
    return bytes(out + b"0\r\n\r\n")
