# SPDX-License-Identifier: Apache-2.0
"""Hostile answers for the simulator's fault schedule: what a broken or
malicious server could send to an agent whose response buffers are small and
fixed.  The default sizes are above the largest buffer the agent's
configuration allows (HERALD_HTTP_HDR_MAX and HERALD_HTTP_BODY_MAX are at
most 16384), so they overflow every board's buffers.

    huge-headers     a 200 whose head is "bytes" long (default 20000), in
                     header lines of "line" bytes each (default 64; a "line"
                     of "bytes" or more makes one single long line)
    huge-body        a 200 whose JSON body is "bytes" long (default 20000),
                     framed by "framing": "length" (Content-Length, the
                     default), "chunked" (chunks of "size" bytes, default 256)
                     or "close" (no length, then the connection closes)
    endless-chunked  a 200 with chunks of "size" bytes (default 64) every
                     "delay" seconds (default 0.001) until the client closes
                     the connection, or for at most "seconds" (default 15)
    early            an answer sent as soon as the connection is ready to
                     read a request, before reading it: "status" (default
                     503) with the error envelope of "code" (default
                     ERR_SERVICE_UNAVAILABLE) and Connection: close.  It is
                     taken from the schedule when it is at its head and a
                     request is about to be read, so it also hits a /_sim/
                     control connection: give it with --faults, and read the
                     stats only once it is used up.
    answer           an answer spelled out byte for byte, after the platform
                     processed the request ("accept" defaults to true here):
                     "status" (default 200), "head" (raw header lines, sent
                     as given: a line that starts with a space is an
                     obs-fold), "body" (a string sent as latin-1, so "\u00ff"
                     is the byte FF: invalid UTF-8 on purpose), framed by
                     Content-Length unless "framing" is "none" (e.g. a 204).
                     The connection then stays open for the next request.

None of them but answer processes the request (the platform records nothing).  After
the answer (but for huge-body framed by close, and endless-chunked, which
logs how its stream ended) the server waits up to "wait" seconds (default 5)
for the client to close the connection and logs what it saw, one of:
    herald-sim: PEER fault KIND: client closed the connection (N bytes after the answer)
    herald-sim: PEER fault KIND: client kept the connection open for Ws
so that a test can check that the agent dropped a connection it could not
trust, rather than reuse it."""

import json
import sys
import time

import sim_api
from sim_http import chunk_body, response_head

KINDS = {"huge-headers", "huge-body", "endless-chunked", "early", "answer"}
# Hostile kinds that let the platform process the request first by default.
ACCEPTING = {"answer"}
JSON_TYPE = ("Content-Type", "application/json; charset=utf-8")
DEFAULT_BYTES = 20000


def log(conn, msg):
    sys.stderr.write("herald-sim: %s %s\n" % (conn.peer, msg))
    sys.stderr.flush()


def padded_json(size):
    """A JSON object of exactly size bytes (at least 40): a plausible
    success body with a padding field."""
    head = b'{"notificationId":"notif_hostile","padding":"'
    return head + b"x" * max(0, size - len(head) - 2) + b'"}'


def huge_headers(fault):
    size, line = int(fault.get("bytes", DEFAULT_BYTES)), int(fault.get("line", 64))
    lines, total, i = [], 0, 0
    while total < size:
        name = "X-Filler-%04d: " % i
        value = "h" * max(1, min(line, size - total) - len(name) - 2)
        lines.append(name + value)
        total += len(name) + len(value) + 2
        i += 1
    body = b"{}"
    head = "HTTP/1.1 200 OK\r\n" + "\r\n".join(lines) + \
        "\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
    return head.encode("latin-1") + body


def huge_body(fault):
    body = padded_json(int(fault.get("bytes", DEFAULT_BYTES)))
    framing = fault.get("framing", "length")
    if framing == "chunked":
        return response_head(200, [JSON_TYPE, ("Transfer-Encoding", "chunked")], None, False) + \
            chunk_body(body, int(fault.get("size", 256)))
    if framing == "close":
        return response_head(200, [JSON_TYPE], None, True) + body
    if framing == "length":
        return response_head(200, [], len(body), False) + body
    raise ValueError("huge-body framing is length, chunked or close: %r" % framing)


def spelled_answer(fault):
    status = int(fault.get("status", 200))
    body = str(fault.get("body", "")).encode("latin-1")
    lines = ["HTTP/1.1 %d X" % status] + [str(h) for h in fault.get("head", [])]
    if fault.get("framing", "length") != "none":
        lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def early_answer(fault):
    code = fault.get("code", "ERR_SERVICE_UNAVAILABLE")
    reply = sim_api.ApiError(code, "Early answer", status=int(fault.get("status", 503)),
                             dev_message="sent before the request was read").reply()
    body = reply.body_bytes()
    return response_head(reply.status, reply.headers, len(body), True) + body


def await_close(conn, kind, fault):
    """Wait for the client to close the connection; log what it did."""
    limit = float(fault.get("wait", 5.0))
    start = time.monotonic()
    extra = 0
    try:
        # The socket itself, not conn.rfile: a file object that timed out
        # once refuses every later read.  Nothing is buffered there: the
        # request was read whole, or (early) not at all.
        conn.sock.settimeout(0.1)
        while time.monotonic() - start < limit:
            try:
                data = conn.sock.recv(4096)
            except TimeoutError:
                continue
            if not data:
                break
            extra += len(data)
        else:
            log(conn, "fault %s: client kept the connection open for %gs" % (kind, limit))
            return
    except (OSError, ValueError):
        pass                            # a reset or an SSL error: closed all the same
    log(conn, "fault %s: client closed the connection (%d bytes after the answer)" % (kind, extra))


def endless_chunked(conn, fault):
    size, delay = int(fault.get("size", 64)), float(fault.get("delay", 0.001))
    limit = float(fault.get("seconds", 15))
    conn.send(response_head(200, [JSON_TYPE, ("Transfer-Encoding", "chunked")], None, False))
    chunk = b"%x\r\n" % size + b"c" * size + b"\r\n"
    start, sent = time.monotonic(), 0
    try:
        while time.monotonic() - start < limit:
            conn.send(chunk)
            sent += size
            time.sleep(delay)
    except (OSError, ValueError):
        log(conn, "fault endless-chunked: client closed the connection after %d body bytes in %.2fs"
                 % (sent, time.monotonic() - start))
        return
    log(conn, "fault endless-chunked: gave up after %gs and %d body bytes" % (limit, sent))


def answer(conn, kind, fault):
    """Send the hostile answer for kind; the connection then ends."""
    if kind == "endless-chunked":
        endless_chunked(conn, fault)
        return
    if kind == "early":
        conn.send(early_answer(fault))
        log(conn, "fault early: answered before reading a request")
    elif kind == "huge-headers":
        conn.send(huge_headers(fault))
    elif fault.get("framing") == "close":
        conn.send(huge_body(fault))
        return                          # the close delimits the body
    else:
        conn.send(huge_body(fault))
    await_close(conn, kind, fault)


def validate(fault):
    """Raise ValueError for options a hostile kind cannot use."""
    if fault["fault"] == "huge-body" and fault.get("framing", "length") not in ("length", "chunked", "close"):
        raise ValueError("huge-body framing is length, chunked or close: %s" % json.dumps(fault))
