#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""QEMU guestfwd helper: `guestfwd=tcp:ADDR:PORT-cmd:python3 qemu-relay.py HOST PORT`.

QEMU's user network starts this once per guest connection with the
connection on stdin and stdout (one socket), and it relays bytes to and from
HOST:PORT until both sides are done.  stderr is the same socket, so nothing
is ever printed.  If HOST:PORT refuses, the guest sees its connection closed,
as if the platform were unreachable."""

import os
import select
import socket
import sys


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    guest = socket.socket(fileno=os.dup(0))
    try:
        peer = socket.create_connection((host, port), timeout=5)
    except OSError:
        guest.close()
        return 1
    peer.settimeout(None)
    open_ends = {guest: peer, peer: guest}
    while open_ends:
        ready, _, _ = select.select(list(open_ends), [], [], 60)
        if not ready:
            break                     # idle for a minute: give up
        for src in ready:
            dst = open_ends.get(src)
            if dst is None:
                continue
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            if data:
                try:
                    dst.sendall(data)
                    continue
                except OSError:
                    pass
            # src finished: pass the half-close on, stop reading it
            del open_ends[src]
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass
    guest.close()
    peer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
