# SPDX-License-Identifier: Apache-2.0
"""The CLI's persistent queue: send --queue, drain, queue, stats, against the
simulator.  Nothing accepted is lost: not to a dead uplink, a permanent
refusal ahead of it, a killed process, or two processes at once."""

import hashlib
import json
import os
import random
import signal
import struct
import zlib
import subprocess
import time
import unittest
from pathlib import Path

from simlib import API_KEY, APP_ID, build_dir, certs_dir, herald_cli, start_simulator
from test_cli import run_cli

EXIT_OK, EXIT_LOCAL, EXIT_PLATFORM, EXIT_QUEUED, EXIT_QUEUE_FILE = 0, 3, 4, 6, 8
HDR = 4096  # the queue file's header block; the NOR image follows it


def queue_file(path, sector_size, sectors, program_size=4, next_seq=None):
    """A queue file as herald writes it (tools/cli/herald/qfile.h): header, then
    an erased image; with next_seq, sector 0 already opened at that number
    (firmware/src/queue_flash_priv.h: its header twice, then the erase mark;
    no erase-count tail, as a herald before the counts left it)."""
    head = b"HERALDQF" + struct.pack("<IIII", 1, sector_size, sectors, program_size)
    head += struct.pack("<I", zlib.crc32(head))
    image = bytearray(b"\xff" * (sector_size * sectors))
    if next_seq is not None:
        sec = struct.pack("<III", 0x31534851, 1, next_seq)
        sec += struct.pack("<I", zlib.crc32(sec))
        image[0:32] = sec + sec
    Path(path).write_bytes(head.ljust(HDR, b"\0") + bytes(image))


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
DEAD = "https://127.0.0.1:1"


def order(n, target="user-jane-123"):
    return ["--template", "order-confirmation", "--target", target,
            "--var", "customerName=Jane", "--var", "orderId=ORD-%d" % n]


class QueueCli(unittest.TestCase):
    def setUp(self):
        self.dir = build_dir() / "queue-test" / self.id().rsplit(".", 1)[-1]
        self.dir.mkdir(parents=True, exist_ok=True)
        self.q = str(self.dir / "queue.bin")
        for p in (self.q, self.q + ".state", self.q + ".lock"):
            if os.path.exists(p):
                os.unlink(p)

    def order_ids(self, sim):
        return sorted(r["body"]["template"]["variables"]["orderId"] for r in sim.records())

    def test_offline_then_drained_once(self):
        for n in range(3):
            p = run_cli("send", *order(n), "--queue", self.q, base_url=DEAD)
            self.assertEqual(p.returncode, EXIT_QUEUED, p.stderr)
            self.assertIn("queued", p.stderr)
        before = Path(self.q).read_bytes()
        p = run_cli("queue", "--queue", self.q)
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        lines = p.stdout.splitlines()
        self.assertEqual(lines[-1], "3 queued in %s" % self.q)
        self.assertIn("order-confirmation", lines[1])
        self.assertIn("user-jane-123", lines[1])
        self.assertIn("HERALD_E_NET", lines[1])            # its last attempt
        self.assertEqual(Path(self.q).read_bytes(), before)  # listing changes nothing
        sim = start_simulator(self)
        p = run_cli("drain", "--queue", self.q, "--wait", "20", sim=sim)
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        self.assertEqual(len(p.stdout.splitlines()), 3)
        self.assertEqual(self.order_ids(sim), ["ORD-0", "ORD-1", "ORD-2"])
        p = run_cli("queue", "--queue", self.q)
        self.assertEqual(p.stdout.splitlines()[-1], "0 queued in %s" % self.q)
        p = run_cli("stats", "--queue", self.q)
        stats = dict(line.split() for line in p.stdout.splitlines())
        self.assertEqual((stats["raised"], stats["queued"], stats["sent"], stats["waiting"]), ("3", "3", "3", "0"))
        self.assertEqual(stats["handshakes_full"], "1")

    def test_send_with_wait_delivers_and_prints_the_answer(self):
        sim = start_simulator(self)
        p = run_cli("send", *order(7), "--queue", self.q, "--wait", "10", sim=sim)
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        self.assertIn("notificationId", p.stdout)
        self.assertEqual(self.order_ids(sim), ["ORD-7"])

    def test_a_permanent_refusal_never_blocks_the_rest(self):
        bad = ["--template", "no-such-template", "--target", "u", "--var", "x=1"]
        self.assertEqual(run_cli("send", *bad, "--queue", self.q, base_url=DEAD).returncode, EXIT_QUEUED)
        self.assertEqual(run_cli("send", *order(1), "--queue", self.q, base_url=DEAD).returncode, EXIT_QUEUED)
        sim = start_simulator(self)
        p = run_cli("drain", "--queue", self.q, "--wait", "20", sim=sim)
        self.assertEqual(p.returncode, EXIT_PLATFORM, p.stderr)
        self.assertIn("HERALD_E_PLATFORM_NOT_FOUND", p.stderr)
        self.assertEqual(self.order_ids(sim), ["ORD-1"])
        self.assertEqual(run_cli("queue", "--queue", self.q).stdout.splitlines()[-1], "0 queued in %s" % self.q)

    def test_killed_mid_retry_loses_nothing(self):
        cmd = [str(herald_cli()), "send", *order(42), "--queue", self.q, "--wait", "60",
               "--app-id", APP_ID, "--api-key", API_KEY, "--base-url", DEAD, "--ca", str(certs_dir() / "ca.pem")]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.5)  # queued, and retrying against the dead uplink
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        sim = start_simulator(self)
        p = run_cli("drain", "--queue", self.q, "--wait", "20", sim=sim)
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        self.assertEqual(self.order_ids(sim), ["ORD-42"])

    def test_two_processes_at_once_share_the_file_safely(self):
        base = [str(herald_cli()), "send", "--queue", self.q, "--app-id", APP_ID, "--api-key", API_KEY,
                "--base-url", DEAD, "--ca", str(certs_dir() / "ca.pem")]
        procs = [subprocess.Popen(base + order(n), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                 for n in range(12)]
        for pr in procs:
            _, err = pr.communicate(timeout=60)
            self.assertEqual(pr.returncode, EXIT_QUEUED, err)
        self.assertEqual(run_cli("queue", "--queue", self.q).stdout.splitlines()[-1], "12 queued in %s" % self.q)
        sim = start_simulator(self)
        p = run_cli("drain", "--queue", self.q, "--wait", "30", sim=sim)
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        self.assertEqual(self.order_ids(sim), sorted("ORD-%d" % n for n in range(12)))

    def test_refused_credentials_keep_the_notification_queued(self):
        sim = start_simulator(self)
        p = run_cli("send", *order(5), "--queue", self.q, "--wait", "5", sim=sim, key="wrong-key")
        self.assertEqual(p.returncode, EXIT_QUEUED, p.stderr)
        self.assertIn("HERALD_E_PLATFORM_UNAUTHORIZED", p.stderr)
        lines = run_cli("queue", "--queue", self.q).stdout.splitlines()
        self.assertEqual(lines[-1], "1 queued in %s" % self.q)
        self.assertIn("HERALD_E_PLATFORM_UNAUTHORIZED", lines[1])
        p = run_cli("drain", "--queue", self.q, "--wait", "10", sim=sim, key="wrong-key")
        self.assertEqual(p.returncode, EXIT_QUEUED, p.stderr)
        p = run_cli("drain", "--queue", self.q, "--wait", "10", sim=sim)
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        self.assertEqual(self.order_ids(sim), ["ORD-5"])

    def test_10000_targets_go_through_the_queue(self):
        from test_cli import batch_args
        sim = start_simulator(self)
        base = ["send", "--template", "order-confirmation", "--mode", "batch", "--var", "customerName=Jane",
                "--var", "orderId=ORD-1", "--queue", self.q]
        # a new queue file's 2 MiB sectors hold the platform's limit at the longest ids
        for n, length in enumerate((36, 128)):
            p = run_cli(*base, *batch_args(10000, length), "--wait", "20", sim=sim)
            self.assertEqual(p.returncode, EXIT_OK, p.stderr)
            self.assertEqual(len(sim.records()[n]["body"]["targets"]), 10000)
            self.assertEqual(sim.records()[n]["body"]["targets"][-1], "u09999" + "x" * (length - 6))
        # a file made with smaller sectors keeps them: too large a record is
        # refused, saying what the limit is, and nothing is queued
        os.unlink(self.q)
        queue_file(self.q, 128 * 1024, 16)
        p = run_cli(*base, *batch_args(10000, 36), "--wait", "20", sim=sim)
        self.assertEqual(p.returncode, EXIT_LOCAL, p.stderr)
        # 131072 less the sector's header (36) and erase-count tail (12), and a record's own 36
        self.assertRegex(p.stderr, r"HERALD_E_NOSPACE: the notification is 3901\d\d bytes; "
                                   r"a record of the queue holds at most 130988 ")
        self.assertEqual(len(sim.records()), 2)
        self.assertEqual(run_cli("queue", "--queue", self.q).stdout.splitlines()[-1], "0 queued in %s" % self.q)

    def test_send_returns_without_starting_what_others_queued(self):
        # A's own answer drips for ~2 s; B appends meanwhile and returns 6 (A
        # delivers).  When A's is done, A must not start B's request only to
        # drop it on exit (the platform would have it, and the next drain
        # would send it again).
        sim = start_simulator(self)
        sim.set_faults([{"fault": "drip", "size": 16, "delay": 0.06}])
        cmd = [str(herald_cli()), "send", *order(1), "--queue", self.q, "--wait", "20", "--app-id", APP_ID,
               "--api-key", API_KEY, "--base-url", sim.base_url, "--ca", str(certs_dir() / "ca.pem")]
        a = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: a.poll() is None and (a.kill(), a.wait()))
        deadline = time.monotonic() + 10
        while sim.stats()["requests"] < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        p = run_cli("send", *order(2), "--queue", self.q, "--wait", "20", sim=sim)
        self.assertEqual(p.returncode, EXIT_QUEUED, p.stderr)
        out, err = a.communicate(timeout=30)
        self.assertEqual(a.returncode, EXIT_OK, err)
        self.assertEqual(json.loads(out)["notificationId"], sim.records()[0]["notificationId"])
        time.sleep(0.5)                                   # anything A sent has arrived by now
        self.assertEqual(self.order_ids(sim), ["ORD-1"])
        p = run_cli("drain", "--queue", self.q, "--wait", "10", sim=sim)
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        self.assertEqual(self.order_ids(sim), ["ORD-1", "ORD-2"])   # each once

    def drain_in_background(self, base_url, wait="30"):
        cmd = [str(herald_cli()), "drain", "--queue", self.q, "--wait", wait, "--app-id", APP_ID,
               "--api-key", API_KEY, "--base-url", base_url, "--ca", str(certs_dir() / "ca.pem")]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: proc.poll() is None and (proc.kill(), proc.wait()))
        return proc

    def timed_send(self, n, base_url):
        start = time.monotonic()
        p = run_cli("send", *order(n), "--queue", self.q, "--wait", "10", base_url=base_url)
        return p, time.monotonic() - start

    def test_a_send_never_waits_for_a_drain_on_a_stalled_platform(self):
        self.assertEqual(run_cli("send", *order(1), "--queue", self.q, base_url=DEAD).returncode, EXIT_QUEUED)
        sim = start_simulator(self)
        sim.set_faults([{"fault": "stall", "seconds": 8}])
        drain = self.drain_in_background(sim.base_url)
        deadline = time.monotonic() + 10
        while sim.stats()["requests"] < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(sim.stats()["requests"], 1, "the drain's request never reached the simulator")
        p, took = self.timed_send(2, sim.base_url)   # while the drain waits for its answer
        self.assertEqual(p.returncode, EXIT_QUEUED, p.stderr)
        self.assertIn("another herald is delivering from it", p.stderr)
        self.assertLess(took, 5.0)                   # not the drain's 8 s stall, nor its 30 s --wait
        listing = run_cli("queue", "--queue", self.q).stdout.splitlines()
        self.assertEqual(listing[-1], "2 queued in %s" % self.q)   # durable, and listed meanwhile
        out, err = drain.communicate(timeout=40)
        self.assertEqual(drain.returncode, EXIT_OK, err)
        self.assertEqual(len(out.splitlines()), 2)   # the drain took the late one too
        self.assertEqual(self.order_ids(sim), ["ORD-1", "ORD-2"])   # each once
        self.assertEqual(run_cli("queue", "--queue", self.q).stdout.splitlines()[-1], "0 queued in %s" % self.q)
        stats = dict(line.split() for line in run_cli("stats", "--queue", self.q).stdout.splitlines())
        self.assertEqual((stats["raised"], stats["sent"], stats["waiting"]), ("2", "2", "0"))

    def test_a_send_never_waits_for_a_drain_retrying_a_dead_uplink(self):
        self.assertEqual(run_cli("send", *order(1), "--queue", self.q, base_url=DEAD).returncode, EXIT_QUEUED)
        drain = self.drain_in_background(DEAD)
        time.sleep(1.0)                              # the drain is retrying with backoff
        p, took = self.timed_send(2, DEAD)
        self.assertEqual(p.returncode, EXIT_QUEUED, p.stderr)
        self.assertLess(took, 5.0)
        drain.send_signal(signal.SIGKILL)
        drain.wait()
        self.assertEqual(run_cli("queue", "--queue", self.q).stdout.splitlines()[-1], "2 queued in %s" % self.q)

    def test_a_file_that_is_not_a_queue_is_refused_and_left_untouched(self):
        rnd = random.Random(11)
        for name, data in (("zeros", bytes(2 << 20)), ("random", rnd.randbytes(2 << 20)),
                           ("headerless image of an older herald", b"\xff" * (2 << 20))):
            Path(self.q).write_bytes(data)
            before = digest(self.q)
            for cmd in (["send", *order(1), "--queue", self.q], ["queue", "--queue", self.q],
                        ["drain", "--queue", self.q], ["stats", "--queue", self.q]):
                p = run_cli(*cmd, base_url=DEAD if cmd[0] == "send" else None)
                self.assertEqual(p.returncode, EXIT_QUEUE_FILE, (name, cmd, p.stderr))
                self.assertIn("%s is not a herald queue file" % self.q, p.stderr)
                self.assertEqual(digest(self.q), before, (name, cmd))
            self.assertFalse(os.path.exists(self.q + ".state"))

    def test_the_geometry_the_file_records_is_used(self):
        queue_file(self.q, 4096, 512)  # 512 sectors of 4 KiB, not the default 16 of 128 KiB
        for n in range(3):
            self.assertEqual(run_cli("send", *order(n), "--queue", self.q, base_url=DEAD).returncode, EXIT_QUEUED)
        p = run_cli("queue", "--queue", self.q)
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        self.assertEqual(p.stdout.splitlines()[-1], "3 queued in %s" % self.q)
        self.assertEqual(os.path.getsize(self.q), HDR + 512 * 4096)
        sim = start_simulator(self)
        self.assertEqual(run_cli("drain", "--queue", self.q, "--wait", "20", sim=sim).returncode, EXIT_OK)
        self.assertEqual(self.order_ids(sim), ["ORD-0", "ORD-1", "ORD-2"])

    def test_stats_show_bytes_and_erase_counts(self):
        # The queue's own figures: bytes used and free, and each sector's
        # erase count as the queue keeps it on flash (sector 0 opened once).
        for n in range(2):
            self.assertEqual(run_cli("send", *order(n), "--queue", self.q, base_url=DEAD).returncode, EXIT_QUEUED)
        stats = dict(line.split() for line in run_cli("stats", "--queue", self.q).stdout.splitlines())
        area = 2 * 1024 * 1024 - 36 - 12  # a sector less its header and its erase-count tail
        used, free = int(stats["bytes_used"]), int(stats["bytes_free"])
        self.assertEqual(stats["waiting"], "2")
        self.assertTrue(0 < used < 1000, used)
        self.assertEqual(used + free, 8 * area)
        self.assertEqual((stats["flash_erases"], stats["sector_erases"]), ("1", ",".join(["1"] + ["0"] * 7)))
        sim = start_simulator(self)
        self.assertEqual(run_cli("drain", "--queue", self.q, "--wait", "20", sim=sim).returncode, EXIT_OK)
        stats = dict(line.split() for line in run_cli("stats", "--queue", self.q).stdout.splitlines())
        self.assertEqual((stats["waiting"], stats["bytes_used"]), ("0", "0"))
        self.assertEqual(int(stats["bytes_free"]), 8 * area - used)  # back when sector 0 is next erased

    def test_a_file_from_before_the_erase_counts_is_used_and_says_so(self):
        # sector 0 opened by a herald that kept no erase count: its count is
        # unknown ("?"), the total a lower bound; records go in and out
        queue_file(self.q, 4096, 4, next_seq=5)
        self.assertEqual(run_cli("send", *order(0), "--queue", self.q, base_url=DEAD).returncode, EXIT_QUEUED)
        p = run_cli("stats", "--queue", self.q)
        stats = dict(line.split() for line in p.stdout.splitlines())
        self.assertEqual((stats["waiting"], stats["flash_erases"], stats["sector_erases"]), ("1", "0+", "?,0,0,0"))
        p = run_cli("queue", "--queue", self.q)
        self.assertEqual(p.stdout.splitlines()[1].split()[0], "5")
        sim = start_simulator(self)
        self.assertEqual(run_cli("drain", "--queue", self.q, "--wait", "20", sim=sim).returncode, EXIT_OK)
        self.assertEqual(self.order_ids(sim), ["ORD-0"])

    def test_a_damaged_record_costs_only_itself_and_is_reported(self):
        for n in range(3):
            self.assertEqual(run_cli("send", *order(n), "--queue", self.q, base_url=DEAD).returncode, EXIT_QUEUED)
        data = bytearray(Path(self.q).read_bytes())
        at = data.index(b"ORD-1")
        data[at + 2] ^= 0x04  # one bit of that record's body
        Path(self.q).write_bytes(bytes(data))
        sim = start_simulator(self)
        p = run_cli("drain", "--queue", self.q, "--wait", "20", sim=sim)
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        self.assertIn("1 record found in %s was lost to flash damage" % self.q, p.stderr)
        self.assertEqual(self.order_ids(sim), ["ORD-0", "ORD-2"])
        p = run_cli("queue", "--queue", self.q)
        self.assertEqual(p.stdout.splitlines()[-2:], ["0 queued in %s" % self.q, "1 record lost to flash damage"])
        p = run_cli("stats", "--queue", self.q)
        stats = dict(line.split() for line in p.stdout.splitlines())
        self.assertEqual(stats["damaged"], "1")  # counted once, however often the file is opened
        self.assertIn("lost to flash damage", p.stderr)

    def test_damage_is_counted_when_the_state_file_cannot_be_saved(self):
        # Damage is saved in the state file before it is marked on flash: a
        # run that cannot save it leaves it unmarked, and the next run counts
        # it (once).
        for n in range(2):
            self.assertEqual(run_cli("send", *order(n), "--queue", self.q, base_url=DEAD).returncode, EXIT_QUEUED)
        data = bytearray(Path(self.q).read_bytes())
        data[data.index(b"ORD-1") + 2] ^= 0x04
        Path(self.q).write_bytes(bytes(data))
        os.mkdir(self.q + ".state.tmp")  # every save fails (also for root)
        try:
            run_cli("queue", "--queue", self.q)
        finally:
            os.rmdir(self.q + ".state.tmp")
        for _ in range(2):
            p = run_cli("stats", "--queue", self.q)
            stats = dict(line.split() for line in p.stdout.splitlines())
            self.assertEqual(stats["damaged"], "1", p.stderr)

    def test_links_are_followed_never_replaced_or_written_through(self):
        # The queue behind a symbolic link is made in the file it names; a
        # link planted as FILE.new is never written through.
        target = str(self.dir / "real.q")
        for p in (target, target + ".state", target + ".lock"):
            if os.path.exists(p):
                os.unlink(p)
        open(target, "w").close()
        os.symlink(target, self.q)
        self.addCleanup(lambda: [os.unlink(p) for p in (self.q, target) if os.path.lexists(p)])
        victim = str(self.dir / "victim")
        Path(victim).write_text("precious")
        os.symlink(victim, target + ".new")
        self.addCleanup(lambda: [os.unlink(p) for p in (victim, target + ".new") if os.path.lexists(p)])
        p = run_cli("send", *order(1), "--queue", self.q, base_url=DEAD)
        self.assertEqual(p.returncode, EXIT_QUEUED, p.stderr)
        self.assertTrue(os.path.islink(self.q))
        self.assertEqual(Path(victim).read_text(), "precious")
        self.assertGreater(os.path.getsize(target), 16 << 20)
        self.assertEqual(run_cli("queue", "--queue", self.q).stdout.splitlines()[-1], "1 queued in %s" % self.q)

    def test_a_header_claiming_too_much_is_refused(self):
        # A valid header whose geometry would have a read-only listing map
        # gigabytes: refused as not a queue, left as it is.
        for sector_size, sectors in ((4096, 1048575), (65536, 4097), (32 << 20, 2), (32, 16)):
            with self.subTest(geometry=(sector_size, sectors)):
                head = b"HERALDQF" + struct.pack("<IIII", 1, sector_size, sectors, 4)
                head += struct.pack("<I", zlib.crc32(head))
                with open(self.q, "wb") as f:
                    f.write(head.ljust(HDR, b"\0"))
                    f.truncate(HDR + sector_size * sectors)   # sparse
                def seen():   # the file is sparse and large: its size, time and first MiB
                    st = os.stat(self.q)
                    with open(self.q, "rb") as f:
                        return st.st_size, st.st_mtime_ns, hashlib.sha256(f.read(1 << 20)).hexdigest()
                before = seen()
                p = run_cli("queue", "--queue", self.q, timeout=20)
                self.assertEqual(p.returncode, EXIT_QUEUE_FILE, p.stderr)
                self.assertEqual(seen(), before)
                os.unlink(self.q)

    def test_more_damage_than_one_walk_keeps_is_all_counted(self):
        # The queue keeps at most 8 damaged records whose marks wait for the
        # state file; the rest must be found and counted later, not marked
        # uncounted.
        for n in range(11):
            self.assertEqual(run_cli("send", *order(n), "--queue", self.q, base_url=DEAD).returncode, EXIT_QUEUED)
        data = bytearray(Path(self.q).read_bytes())
        for n in range(10):
            data[data.index(b"ORD-%d\"" % n) + 2] ^= 0x04
        Path(self.q).write_bytes(bytes(data))
        sim = start_simulator(self)
        p = run_cli("drain", "--queue", self.q, "--wait", "20", sim=sim)
        self.assertEqual(p.returncode, EXIT_OK, p.stderr)
        self.assertEqual(self.order_ids(sim), ["ORD-10"])
        stats = dict(line.split() for line in run_cli("stats", "--queue", self.q).stdout.splitlines())
        self.assertEqual(stats["damaged"], "10")

    def test_a_stale_pending_line_hides_no_later_damage(self):
        # A run that marked damage but could not save the file after leaves
        # a "pending" line; it must go at the next run that finds nothing
        # unmarked, or it would hide a later record damaged at that address.
        for n in range(2):
            self.assertEqual(run_cli("send", *order(n), "--queue", self.q, base_url=DEAD).returncode, EXIT_QUEUED)
        state = Path(self.q + ".state")
        self.assertNotIn("pending", state.read_text())
        state.write_text(state.read_text() + "pending 68\n")  # the crash, played
        run_cli("stats", "--queue", self.q)
        self.assertNotIn("pending", state.read_text())

    def test_handles_wrap_and_keep_their_state(self):
        queue_file(self.q, 128 * 1024, 16, next_seq=0xFFFFFFFE)
        for n in range(3):
            self.assertEqual(run_cli("send", *order(n), "--queue", self.q, base_url=DEAD).returncode, EXIT_QUEUED)
        lines = run_cli("queue", "--queue", self.q).stdout.splitlines()
        self.assertEqual(lines[-1], "3 queued in %s" % self.q)
        rows = [line.split() for line in lines[1:-1]]
        self.assertEqual([r[0] for r in rows], ["4294967294", "4294967295", "1"])
        for r in rows:  # the state file kept every handle's state, 1 included (age -1s: none)
            self.assertNotEqual(r[5], "-1s", r)

    def test_not_a_queue_file(self):
        with open(self.q, "wb") as f:
            f.write(b"not a flash image")
        p = run_cli("queue", "--queue", self.q)
        self.assertNotEqual(p.returncode, EXIT_OK)
        self.assertIn("not a herald queue file", p.stderr)


if __name__ == "__main__":
    unittest.main()
