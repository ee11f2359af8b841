#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""TLS echo peer for tests/unit/test_tls.c, on OpenSSL (Python's ssl), so the
Mbed TLS client is checked against an independent implementation.

Listens on 127.0.0.1 on a free port and prints "PORT <n>" once ready.  Serves
one connection at a time until killed.  Each line the client sends comes back
prefixed with what the server saw: "<version> <full|resumed> <line>", so the
test learns the negotiated version and whether the session was resumed from
the server's side.  A line "sni" is answered with "<version> <how> sni=<name>"
("-" when the client sent no server_name).  After a line "bye" the server
sends close_notify.
With --plain it speaks no TLS: it answers any bytes with an HTTP error.
"""

import argparse
import socket
import ssl
import sys

# The server_name of the connection being served (one at a time), or None.
sni_seen = None


def remember_sni(sslobj, name, ctx):
    global sni_seen
    sni_seen = name


def serve_tls(conn, ctx):
    with ctx.wrap_socket(conn, server_side=True) as s:
        buf = b""
        while True:
            data = s.recv(4096)
            if not data:
                return
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                how = "resumed" if s.session_reused else "full"
                if line == b"sni":
                    line = ("sni=" + (sni_seen or "-")).encode()
                s.sendall(f"{s.version()} {how} ".encode() + line + b"\n")
                if line == b"bye":
                    s.unwrap()
                    return


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--tls", choices=["1.2", "1.3", "any"], default="any")
    ap.add_argument("--plain", action="store_true")
    a = ap.parse_args()

    ctx = None
    if not a.plain:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        ctx.sni_callback = remember_sni
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        if a.tls == "1.2":
            ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        elif a.tls == "1.3":
            ctx.minimum_version = ssl.TLSVersion.TLSv1_3

    ls = socket.create_server(("127.0.0.1", 0))
    print("PORT", ls.getsockname()[1], flush=True)
    global sni_seen
    while True:
        conn, _ = ls.accept()
        sni_seen = None
        conn.settimeout(10)
        try:
            if a.plain:
                conn.recv(4096)
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            else:
                serve_tls(conn, ctx)
        except (OSError, ssl.SSLError) as e:
            print("tls_echo_server:", e, file=sys.stderr, flush=True)
        finally:
            conn.close()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
