#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`make bench` on the native board: Herald measured against what a user
would run instead, in one run, printed as one table and written as Markdown
to BUILD/bench/bench.md.

Benchmarks print figures; they never fail on a number, only when a tool they
need is missing or a measured run did not do what it should (a notification
not delivered, outputs that differ).

  bench.py --build BUILD --bin BUILD/native/bin
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import ssl
import subprocess
import sys
import textwrap
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from relay import Relay  # noqa: E402

APP_ID = "bench-app"
API_KEY = "bench-key"
API_PATH = "/v3/business-messaging/api/notifications/send"
N = 100                 # notifications per wire/CPU measurement
ENC_ITERS = 2000        # encodings per callgrind run (the difference of two runs)
ALLOC_ITERS = 100       # encodings per memcheck run
CURL_CPU_RUNS = 10      # curl processes under callgrind, averaged
RATE_N = 200            # notifications per rate run
RATE_TRIES = 3          # best of
QUEUE_CYCLES = 10000    # enqueue-and-retire cycles on the flash queue


class BenchError(Exception):
    pass


def log(msg):
    sys.stderr.write("bench: %s\n" % msg)
    sys.stderr.flush()


def run(cmd, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, **kw)
    return p.returncode, p.stdout, p.stderr


def callgrind(cmd, out_file, toggle=None):
    """Instructions executed by cmd (user space, every thread), from callgrind."""
    vg = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out_file]
    if toggle:
        vg.append("--toggle-collect=" + toggle)
    rc, out, err = run(vg + cmd)
    m = re.search(r"Collected : (\d+)", err)
    if rc != 0 or not m:
        raise BenchError("callgrind %s failed (exit %d): %s" % (" ".join(cmd[:2]), rc, err[-800:]))
    return int(m.group(1)), out


def memcheck_allocs(cmd):
    rc, _, err = run(["valgrind", "--tool=memcheck", "--leak-check=no"] + cmd)
    m = re.search(r"total heap usage: ([\d,]+) allocs", err)
    if rc != 0 or not m:
        raise BenchError("memcheck %s failed (exit %d): %s" % (" ".join(cmd[:2]), rc, err[-800:]))
    return int(m.group(1).replace(",", ""))


# ---------------------------------------------------------------- the simulator

class Sim:
    def __init__(self, build, work):
        certs = os.path.join(build, "certs")
        rc, _, err = run(["tools/scripts/devcerts.sh", certs])
        if rc != 0:
            raise BenchError("devcerts failed: " + err)
        self.ca = os.path.join(certs, "ca.pem")
        self.out = open(os.path.join(work, "sim.out"), "w+")
        self.err = open(os.path.join(work, "sim.log"), "w")
        self.proc = subprocess.Popen(
            [sys.executable, "tools/sim/herald_sim.py", "--port", "0", "--cert", os.path.join(certs, "server.pem"),
             "--key", os.path.join(certs, "server.key"), "--templates", "tests/data/templates.json",
             "--app-id", APP_ID, "--api-key", API_KEY, "--stop-on-eof"],
            stdin=subprocess.PIPE, stdout=self.out, stderr=self.err)
        end = time.monotonic() + 10
        while True:
            self.out.seek(0)
            m = re.search(r"listening on https://([\d.]+):(\d+)", self.out.read())
            if m:
                break
            if self.proc.poll() is not None or time.monotonic() > end:
                raise BenchError("the simulator did not start (see %s)" % self.err.name)
            time.sleep(0.05)
        self.host, self.port = m.group(1), int(m.group(2))
        self.ctx = ssl.create_default_context(cafile=self.ca)

    def stats(self):
        c = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=10)
        c.request("GET", "/_sim/stats")
        r = json.loads(c.getresponse().read())
        c.close()
        return r

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.out.close()
        self.err.close()


# ---------------------------------------------------------------- the clients

def run_client(name, cmd, wrap, out_file):
    """Runs one client, under callgrind when wrap says so; returns
    (instructions or None, its stdout).  A client that fails is an error."""
    if wrap == "callgrind":
        return callgrind(cmd, out_file)
    rc, out, err = run(cmd)
    if rc != 0:
        raise BenchError("%s failed (exit %d): %s %s" % (name, rc, out, err))
    return None, out


class Clients:
    def __init__(self, binp, sim, body_file):
        self.burst_bin = os.path.join(binp, "herald-burst")
        self.sim = sim
        self.body_file = body_file

    def url(self, port):
        return "https://127.0.0.1:%d" % port

    def burst_cmd(self, port, count, *extra):
        return [self.burst_bin, "--base-url", self.url(port), "--ca", self.sim.ca, "--app-id", APP_ID,
                "--api-key", API_KEY, "--count", str(count)] + list(extra)

    def burst(self, port, count, *extra, wrap=None, out_file=None):
        """Runs herald-burst; returns (its JSON, instructions or None)."""
        ir, out = run_client("herald-burst", self.burst_cmd(port, count, *extra), wrap, out_file)
        res = json.loads(out.strip().splitlines()[-1])
        if res["delivered"] != count:
            raise BenchError("herald-burst delivered %d of %d: %s" % (res["delivered"], count, out))
        return res, ir

    def curl_cmd(self, port, count):
        # The same request as Herald's: same headers (curl's own User-Agent
        # and Accept removed; HTTP/1.1 keeps alive by default), same body bytes.
        cmd = ["curl", "-s", "-S", "--cacert", self.sim.ca, "-w", "%{http_code}\\n",
               "-H", "User-Agent:", "-H", "Accept:", "-H", "appid: " + APP_ID, "-H", "apikey: " + API_KEY,
               "-H", "Content-Type: application/json",
               "--data-binary", "@" + self.body_file]
        for _ in range(count):
            cmd += ["-o", "/dev/null", self.url(port) + API_PATH]
        return cmd

    def curl(self, port, count, wrap=None, out_file=None):
        """One curl process sending count notifications over its one
        connection; returns instructions when wrapped in callgrind."""
        ir, out = run_client("curl", self.curl_cmd(port, count), wrap, out_file)
        codes = out.split()
        if codes != ["200"] * count:
            raise BenchError("curl: expected %d answers 200, got %s" % (count, " ".join(codes[:10])))
        return ir


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


# ---------------------------------------------------------------- measurements

def measure_encoding(binp, work):
    enc = os.path.join(binp, "herald-bench-encode")
    rc, out, err = run([enc, "check"])
    if rc != 0:
        raise BenchError("herald-bench-encode check: the three encodings differ or failed: %s %s" % (out, err))
    check = json.loads(out)
    r = {"body_len": check["body_len"], "title_len": check["title_len"]}
    for way in ("herald", "cjson", "memcpy"):
        # Two runs, N and 2N encodings: the difference drops the set-up call
        # and the first-call symbol binding, leaving N encodings.
        cg = os.path.join(work, "callgrind.encode-%s" % way)
        a, _ = callgrind([enc, way, str(ENC_ITERS)], cg + ".1", toggle="bench_" + way)
        b, _ = callgrind([enc, way, str(2 * ENC_ITERS)], cg + ".2", toggle="bench_" + way)
        r[way + "_ir"] = (b - a) / ENC_ITERS
        a0 = memcheck_allocs([enc, way, "0"])
        a1 = memcheck_allocs([enc, way, str(ALLOC_ITERS)])
        r[way + "_allocs"] = (a1 - a0) / ALLOC_ITERS
    return r


def relay_bytes(relay, fn):
    relay.reset()
    fn()
    if not relay.wait_idle(10):
        raise BenchError("the relay still holds a connection 10 s after the client ended")
    return relay.snapshot()


def measure_wire(cl, sim):
    relay = Relay(("127.0.0.1", sim.port))
    p = relay.port
    burst = []
    try:
        before = sim.stats()["accepted"]
        h100 = relay_bytes(relay, lambda: burst.append(cl.burst(p, N)[0]))
        h1 = relay_bytes(relay, lambda: cl.burst(p, 1))
        cpp = relay_bytes(relay, lambda: [cl.curl(p, 1) for _ in range(N)])
        c100 = relay_bytes(relay, lambda: cl.curl(p, N))
        c1 = relay_bytes(relay, lambda: cl.curl(p, 1))
        accepted = sim.stats()["accepted"] - before
    finally:
        relay.close()
    want = 3 * N + 2
    if accepted != want:
        raise BenchError("the simulator accepted %d notifications, expected %d" % (accepted, want))
    b = burst[0]
    return {
        "herald": h100["total"] / N, "herald_conns": h100["connections"],
        "herald_steady": (h100["total"] - h1["total"]) / (N - 1),
        "herald_self_count": (b["wire_bytes_sent"] + b["wire_bytes_received"]) / N,
        "curl_per_process": cpp["total"] / N, "curl_per_process_conns": cpp["connections"],
        "curl_one": c100["total"] / N, "curl_one_conns": c100["connections"],
        "curl_steady": (c100["total"] - c1["total"]) / (N - 1),
        "herald_steady_up": (h100["up"] - h1["up"]) / (N - 1),
        "herald_steady_down": (h100["down"] - h1["down"]) / (N - 1),
        "curl_steady_up": (c100["up"] - c1["up"]) / (N - 1),
        "curl_steady_down": (c100["down"] - c1["down"]) / (N - 1),
        "http_up": b["http_bytes_sent"] / N, "http_down": b["http_bytes_received"] / N,
    }


def measure_cpu(cl, sim, work):
    cg = lambda name: os.path.join(work, "callgrind." + name)  # noqa: E731
    _, h100 = cl.burst(sim.port, N, wrap="callgrind", out_file=cg("herald-%d" % N))
    _, h1 = cl.burst(sim.port, 1, wrap="callgrind", out_file=cg("herald-1"))
    per_proc = [cl.curl(sim.port, 1, wrap="callgrind", out_file=cg("curl-1-%d" % i)) for i in range(CURL_CPU_RUNS)]
    c100 = cl.curl(sim.port, N, wrap="callgrind", out_file=cg("curl-%d" % N))
    c1 = sum(per_proc) / len(per_proc)
    return {"herald": h100 / N, "herald_steady": (h100 - h1) / (N - 1), "curl_per_process": c1,
            "curl_one": c100 / N, "curl_steady": (c100 - c1) / (N - 1)}


def measure_rate(cl, sim):
    p = sim.port
    best = lambda fn: min(timed(fn) for _ in range(RATE_TRIES))  # noqa: E731
    h = (RATE_N - 1) / max(1e-6, best(lambda: cl.burst(p, RATE_N)) - best(lambda: cl.burst(p, 1)))
    c = (RATE_N - 1) / max(1e-6, best(lambda: cl.curl(p, RATE_N)) - best(lambda: cl.curl(p, 1)))
    return {"herald": h, "curl_one": c}


def measure_tls(cl, sim):
    before = sim.stats()
    res, _ = cl.burst(sim.port, 2, "--reconnect-every", "1")
    after = sim.stats()
    versions = {v: n - before.get("tls_versions", {}).get(v, 0) for v, n in after.get("tls_versions", {}).items()}
    if res["full_handshakes"] != 1 or res["resumed_handshakes"] != 1:
        raise BenchError("expected one full and one resumed handshake: %s" % json.dumps(res))
    return {
        "full": res["full_handshake_sent"] + res["full_handshake_received"],
        "full_sent": res["full_handshake_sent"], "full_received": res["full_handshake_received"],
        "resumed": res["resumed_handshake_sent"] + res["resumed_handshake_received"],
        "resumed_sent": res["resumed_handshake_sent"], "resumed_received": res["resumed_handshake_received"],
        "full_heap": res["full_heap_peak"], "resumed_heap": res["resumed_heap_peak"],
        "version": ", ".join(sorted(v for v, n in versions.items() if n > 0)) or "?",
    }


def measure_queue(binp, work):
    """The flash queue, when its bench program has been built: wear on the
    NOR emulator, instructions on a minimal RAM flash."""
    qb = os.path.join(binp, "herald-bench-queue")
    if not os.path.exists(qb):
        return None
    rc, out, err = run([qb, "--cycles", str(QUEUE_CYCLES)])
    if rc != 0:
        raise BenchError("herald-bench-queue failed (exit %d): %s %s" % (rc, out, err))
    r = json.loads(out.strip().splitlines()[-1])
    if r["violations"]:
        raise BenchError("the flash queue broke a NOR rule %d times" % r["violations"])
    cg = os.path.join(work, "callgrind.queue")
    a, _ = callgrind([qb, "--ram", "1", "--cycles", "1000"], cg + ".1", toggle="bench_enqueue")
    b, _ = callgrind([qb, "--ram", "1", "--cycles", "2000"], cg + ".2", toggle="bench_enqueue")
    r["enqueue_ir"] = (b - a) / 1000
    return r


# ---------------------------------------------------------------- the table

def fmt(x, unit=""):
    if isinstance(x, float) and x < 100 and x != int(x):
        s = "%.1f" % x
    else:
        s = "{:,}".format(int(round(x)))
    return s + unit


def ratio(a, b):
    return a / b if b else float("inf")


def rows_for(enc, wire, cpu, rate, tls, queue):
    """One row per ratio: (measure, Herald, compared with, its figure, ratio,
    target, met); a measure with two comparisons takes two rows."""
    rows = []
    yes = {True: "yes", False: "no", None: ""}

    def row(measure, herald, other, other_val, rat, target="", met=None):
        rows.append([measure, herald, other, other_val, rat, target, yes[met]])

    fewer = ratio(enc["cjson_ir"], enc["herald_ir"])
    floor = ratio(enc["herald_ir"], enc["memcpy_ir"])
    enc_what = "encode seed notification, instructions (%d B body, %d B title)" % (enc["body_len"], enc["title_len"])
    row(enc_what, fmt(enc["herald_ir"]), "snprintf + cJSON", fmt(enc["cjson_ir"]), "%.1fx fewer" % fewer,
        ">=5x fewer", fewer >= 5)
    row("", "", "memcpy of the bytes (floor)", fmt(enc["memcpy_ir"]), "%.1fx the floor" % floor, "<=3x floor",
        floor <= 3)
    row("encode, heap allocations per notification", fmt(enc["herald_allocs"]), "snprintf + cJSON",
        fmt(enc["cjson_allocs"]), "%s vs %s" % (fmt(enc["herald_allocs"]), fmt(enc["cjson_allocs"])), "0",
        enc["herald_allocs"] == 0)
    row("", "", "memcpy of the bytes (floor)", fmt(enc["memcpy_allocs"]), "", "", None)
    r = ratio(wire["herald"], wire["curl_per_process"])
    row("wire bytes/notification, %d in sequence (TLS incl., both ways)" % N, fmt(wire["herald"]),
        "curl, one process per notification", fmt(wire["curl_per_process"]), "%.2fx" % r, "<=0.25x", r <= 0.25)
    row("", "", "curl, one process, one connection", fmt(wire["curl_one"]),
        "%.2fx" % ratio(wire["herald"], wire["curl_one"]))
    row("wire bytes/notification, steady state (open connection)", fmt(wire["herald_steady"]),
        "curl, one connection", fmt(wire["curl_steady"]), "%.2fx" % ratio(wire["herald_steady"], wire["curl_steady"]),
        "<=1 KB", wire["herald_steady"] <= 1024)
    row("CPU instructions/notification, %d in sequence (whole process)" % N, fmt(cpu["herald"]),
        "curl, one process per notification", fmt(cpu["curl_per_process"]),
        "%.1fx fewer" % ratio(cpu["curl_per_process"], cpu["herald"]))
    row("", "", "curl, one process, one connection", fmt(cpu["curl_one"]),
        "%.1fx fewer" % ratio(cpu["curl_one"], cpu["herald"]))
    row("CPU instructions/notification, steady state (open connection)", fmt(cpu["herald_steady"]),
        "curl, one connection", fmt(cpu["curl_steady"]), "%.1fx fewer" % ratio(cpu["curl_steady"], cpu["herald_steady"]))
    row("notifications/s, one connection, loopback (wall time, noisy)", fmt(rate["herald"]),
        "curl, one connection", fmt(rate["curl_one"]), "%.2fx" % ratio(rate["herald"], rate["curl_one"]))
    if queue is None:
        for m in ("queue: bytes programmed/notification", "queue: erase count spread max/min, 10,000 cycles",
                  "queue: instructions/enqueue"):
            row(m, "pending (flash queue not built yet)", "", "", "")
    else:
        body = enc["body_len"]
        geo = "%d x %d B sectors, program unit %d B" % (queue["sectors"], queue["sector_size"],
                                                        queue["program_size"])
        row("queue: bytes programmed/notification (%s)" % geo, fmt(queue["programmed_per_record"]),
            "the body alone", fmt(body), "%.2fx" % ratio(queue["programmed_per_record"], body))
        row("queue: erase count spread, %s enqueue+retire cycles" % fmt(queue["cycles"]),
            "max %d" % queue["erase_max"], "min (least worn sector)", fmt(queue["erase_min"]),
            "max/min %.2f" % ratio(queue["erase_max"], queue["erase_min"]))
        row("queue: instructions/enqueue (begin + write + commit, RAM flash)", fmt(queue["enqueue_ir"]),
            "encoding the same notification", fmt(enc["herald_ir"]),
            "%.2fx" % ratio(queue["enqueue_ir"], enc["herald_ir"]))
    row("TLS handshake bytes, sent+received (%s)" % tls["version"], "resumed %s" % fmt(tls["resumed"]),
        "full", fmt(tls["full"]), "%.2fx" % ratio(tls["resumed"], tls["full"]), "resumed <200 B; full 1.3-5 KB",
        tls["resumed"] < 200 and 1300 <= tls["full"] <= 5120)
    row("TLS: Mbed TLS heap peak of a connection", "resumed %s" % fmt(tls["resumed_heap"]), "full",
        fmt(tls["full_heap"]), "%.2fx" % ratio(tls["resumed_heap"], tls["full_heap"]))
    return rows


HEAD = ["Measure", "Herald", "Compared with (same run)", "", "Ratio", "Target", "Met"]


def text_table(rows):
    w = [max(len(str(r[i])) for r in [HEAD] + rows) for i in range(len(HEAD))]
    line = lambda r: "  ".join(str(c).ljust(w[i]) for i, c in enumerate(r)).rstrip()  # noqa: E731
    return "\n".join([line(HEAD), "  ".join("-" * x for x in w)] + [line(r) for r in rows])


def md_table(rows):
    esc = lambda c: str(c).replace("|", "\\|")  # noqa: E731
    out = ["| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^model name\s*:\s*(.*)$", f.read(), re.M)
            cpu = m.group(1).strip() if m else cpu
    except OSError:
        pass
    return "%s, %s, %d CPUs" % (platform.machine(), cpu, os.cpu_count() or 0)


def notes(wire, tls, queue):
    q = ("Queue: %s enqueue-read-retire cycles of the seed body; bytes and erases from the NOR emulator's "
         "counters (port/posix/flash_file.c, NOR rules enforced, %d violations; %d erases in all, lazy); "
         "instructions per enqueue on a minimal RAM flash (program = memcpy), 1,000 and 2,000 cycles "
         "differenced." % (fmt(queue["cycles"]), queue["violations"], queue["erases"]) if queue else
         "Queue: pending (flash queue not built yet: no herald-bench-queue).")
    return [
        "Instructions: valgrind callgrind (user space, all threads). Encoding: N and 2N encodings, the difference "
        "divided by N (only bench_<way> is counted). Heap allocations: memcheck's `total heap usage` at N minus "
        "at 0 encodings.",
        "Wire: a counting TCP relay on loopback in front of the simulator, TCP payload both ways (TLS records "
        "and close alerts included; TCP/IP headers not). Herald's own counter gave %s B/notification "
        "(relay: %s). Steady state sent/received: Herald %s/%s (HTTP %s/%s), curl %s/%s." % (
            fmt(wire["herald_self_count"]), fmt(wire["herald"]), fmt(wire["herald_steady_up"]),
            fmt(wire["herald_steady_down"]), fmt(wire["http_up"]), fmt(wire["http_down"]),
            fmt(wire["curl_steady_up"]), fmt(wire["curl_steady_down"])),
        "Connections: Herald %d for %d notifications (keep-alive; resumption on reconnect), curl per "
        "notification %d, curl one connection %d." % (wire["herald_conns"], N, wire["curl_per_process_conns"],
                                                      wire["curl_one_conns"]),
        "curl sends the same headers and body (its User-Agent and Accept removed). CPU of curl per notification: "
        "the mean of %d processes under callgrind (scaled, not %d runs)." % (CURL_CPU_RUNS, N),
        "Steady state: (100 notifications - 1 notification) / 99, so the handshake and start-up drop out. "
        "Rate: (%d - 1) notifications / (wall of %d - wall of 1), best of %d; the Python simulator is the "
        "likely bottleneck." % (RATE_N, RATE_N, RATE_TRIES),
        "TLS: herald-burst --count 2 --reconnect-every 1 (%s); handshake bytes stop at the Finished message "
        "(TLS 1.3 tickets come after): full %s sent + %s received, resumed %s + %s; heap peak is the highest "
        "of a whole connection, CA chain included." % (tls["version"], tls["full_sent"], tls["full_received"],
                                                      tls["resumed_sent"], tls["resumed_received"]),
        q,
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--bin", default=None, help="folder with herald-burst and herald-bench-encode")
    a = ap.parse_args()
    binp = a.bin or os.path.join(a.build, "native", "bin")
    work = os.path.join(a.build, "bench")
    os.makedirs(work, exist_ok=True)

    missing = [t for t in ("valgrind", "curl", "openssl") if not shutil.which(t)]
    missing += [p for p in ("herald-burst", "herald-bench-encode") if not os.path.exists(os.path.join(binp, p))]
    if missing:
        log("missing: %s (tools/scripts/bootstrap.sh bench installs the tools; make builds the programs)" % ", ".join(missing))
        return 1

    t0 = time.monotonic()
    body_file = os.path.join(work, "body.json")
    rc, out, err = run([os.path.join(binp, "herald-bench-encode"), "body"])
    if rc != 0:
        log("herald-bench-encode body failed: " + err)
        return 1
    with open(body_file, "w") as f:
        f.write(out)
    sim = None
    try:
        log("encoding (callgrind, memcheck)")
        enc = measure_encoding(binp, work)
        sim = Sim(a.build, work)
        cl = Clients(binp, sim, body_file)
        log("wire bytes through a counting relay (%d notifications each way)" % N)
        wire = measure_wire(cl, sim)
        log("CPU instructions (callgrind)")
        cpu = measure_cpu(cl, sim, work)
        log("notifications per second")
        rate = measure_rate(cl, sim)
        log("TLS full vs resumed")
        tls = measure_tls(cl, sim)
        log("queue")
        queue = measure_queue(binp, work)
    except BenchError as e:
        log(str(e))
        return 1
    finally:
        if sim:
            sim.stop()

    rows = rows_for(enc, wire, cpu, rate, tls, queue)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    mach = machine()
    print("Herald bench, %s, %s" % (stamp, mach))
    print(text_table(rows))
    for n in notes(wire, tls, queue):
        print(textwrap.fill(n, 110, initial_indent="- ", subsequent_indent="  "))
    md = ["# Herald bench", "", "%s on %s." % (stamp, mach), "", md_table(rows), ""]
    md += ["- " + n for n in notes(wire, tls, queue)]
    with open(os.path.join(work, "bench.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("(%.0f s; Markdown: %s)" % (time.monotonic() - t0, os.path.join(work, "bench.md")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
