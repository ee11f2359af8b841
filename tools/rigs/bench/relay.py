#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A counting TCP relay on loopback: forwards every connection to a target
and counts the TCP payload bytes each way (TLS records included, TCP/IP
headers not), so clients that keep no counters (curl) and Herald are
measured by the same ruler.

As a module: r = Relay(("127.0.0.1", port)); r.port; r.wait_idle();
r.snapshot(); r.reset(); r.close().
As a program: relay.py --target HOST:PORT [--port N] prints
"relay listening on PORT", and on SIGINT/SIGTERM one JSON line of counts.
"""

import argparse
import json
import signal
import socket
import sys
import threading
import time

CHUNK = 65536


class Relay:
    def __init__(self, target, host="127.0.0.1", port=0):
        self.target = target
        self.lock = threading.Lock()
        self.idle = threading.Condition(self.lock)
        self.up = 0            # client -> server bytes
        self.down = 0          # server -> client bytes
        self.connections = 0
        self.active = 0
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((host, port))
        self.listener.listen(128)
        self.port = self.listener.getsockname()[1]
        self.closing = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            for s in (client, server):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self.lock:
                self.connections += 1
                self.active += 1
            pair = {"open": 2}
            threading.Thread(target=self._pump, args=(client, server, "up", pair), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, "down", pair), daemon=True).start()

    def _pump(self, src, dst, way, pair):
        try:
            while True:
                data = src.recv(CHUNK)
                if not data:
                    break
                with self.lock:
                    if way == "up":
                        self.up += len(data)
                    else:
                        self.down += len(data)
                dst.sendall(data)
        except OSError:
            # A reset on one side is passed on as a close of the other.
            pass
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        with self.lock:
            pair["open"] -= 1
            if pair["open"] == 0:
                src.close()
                dst.close()
                self.active -= 1
                self.idle.notify_all()

    def wait_idle(self, timeout=10.0):
        """Wait until every relayed connection has closed both ways, so the
        counts include the closing alerts; False on timeout."""
        end = time.monotonic() + timeout
        with self.lock:
            while self.active:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self.idle.wait(left)
        return True

    def snapshot(self):
        with self.lock:
            return {"up": self.up, "down": self.down, "total": self.up + self.down,
                    "connections": self.connections, "active": self.active}

    def reset(self):
        with self.lock:
            self.up = self.down = self.connections = 0

    def close(self):
        self.listener.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--target", required=True, help="HOST:PORT to forward to")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    a = p.parse_args()
    host, _, port = a.target.rpartition(":")
    relay = Relay((host or "127.0.0.1", int(port)), port=a.port)
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    print("relay listening on %d" % relay.port, flush=True)
    while not done.wait(0.5):
        pass
    relay.wait_idle(2.0)
    print(json.dumps(relay.snapshot()), flush=True)
    relay.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
