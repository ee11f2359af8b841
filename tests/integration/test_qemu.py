# SPDX-License-Identifier: Apache-2.0
"""The firmware itself: the qemu-mps2-an385 image (Cortex-M3, lwIP, Mbed TLS)
under QEMU against the platform simulator.

It delivers the seed's order confirmation and a system alert over TLS, the
simulator records both and the console shows their notificationIds; TLS 1.3
and 1.2 sessions resume on a second connection; the guest can reach nothing
but the one forwarded address (user networking with restrict=on); and
notifications queued in (semihosted) flash survive QEMU being killed, a
power cut, and are delivered after the restart, once.

The image is built here when it is missing or stale (make BOARD=
qemu-mps2-an385, needing gcc-arm-none-eabi), and QEMU must be installed
(tools/scripts/bootstrap.sh qemu): without them these tests fail, they never skip."""

import os
import re
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from simlib import REPO, build_dir, start_simulator

BOARD = "qemu-mps2-an385"
RUN_SH = REPO / "tools" / "scripts" / "run-qemu.sh"
# The credentials the image is built with (boards/qemu-mps2-an385/board.mk).
APP_ID = "demo-app"
API_KEY = "demo-key"
DELIVERED = re.compile(r"^delivered handle=(\d+) notificationId=(\S+) channels=(\S+) attempts=(\d+)$")


def elf_path():
    return build_dir() / BOARD / "herald.elf"


def build_image():
    """make the image in $HERALD_BUILD; (ok, output)."""
    build = build_dir()
    try:
        build_arg = os.path.relpath(build, REPO)
    except ValueError:
        build_arg = str(build)
    # A make above us (make test) must not pass its board or goals down, but
    # the dependency folders it was pointed at are the ones to build with.
    flags = os.environ.get("MAKEFLAGS", "")
    deps = []
    for var in ("MBEDTLS_DIR", "LWIP_DIR", "CJSON_DIR"):
        m = re.search(r"(?:^|\s)%s=(\S+)" % var, flags)
        value = os.environ.get(var) or (m.group(1) if m else None)
        if value:
            deps.append("%s=%s" % (var, value))
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    proc = subprocess.run(["make", "--no-print-directory", "BOARD=" + BOARD, "BUILD=" + build_arg] + deps + ["all"],
                          cwd=str(REPO), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc.returncode == 0, proc.stdout


class Firmware:
    """One QEMU run of the image; its console is read line by line."""

    def __init__(self, sim_port, *args):
        cmd = ["sh", str(RUN_SH), "--elf", str(elf_path()), "--sim-port", str(sim_port), "--"] + list(args)
        # run-qemu.sh execs QEMU, so this pid is QEMU's own: killing it is a power cut.
        self.proc = subprocess.Popen(cmd, cwd=str(REPO), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.lines = []
        self._partial = b""

    def _read(self, timeout):
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return True
        chunk = os.read(self.proc.stdout.fileno(), 4096)
        if not chunk:
            return False
        data = self._partial + chunk
        *done, self._partial = data.split(b"\n")
        self.lines += [d.decode("utf-8", "replace").rstrip("\r") for d in done]
        return True

    def wait_line(self, pattern, timeout=30.0):
        """The first console line matching pattern (a regex), waiting for it."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for line in self.lines[seen:]:
                if rx.search(line):
                    return line
            seen = len(self.lines)
            left = deadline - time.monotonic()
            if left <= 0 or not self._read(min(left, 0.2)):
                if not any(rx.search(line) for line in self.lines[seen:]):
                    raise AssertionError("no console line matching %r; console:\n%s" % (pattern, self.console()))

    def wait_exit(self, timeout=90.0):
        """The firmware's exit status (semihosting SYS_EXIT, via QEMU)."""
        deadline = time.monotonic() + timeout
        while self._read(0.2):
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError("QEMU still running after %gs; console:\n%s" % (timeout, self.console()))
        return self.proc.wait(10)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self.proc.stdout.close()

    def console(self):
        return "\n".join(self.lines + ([self._partial.decode("utf-8", "replace")] if self._partial else []))

    def delivered(self):
        """{handle: (notificationId, [channels])} from the console."""
        out = {}
        for line in self.lines:
            m = DELIVERED.match(line)
            if m:
                out[int(m.group(1))] = (m.group(2), m.group(3).split(","))
        return out


def closed_port():
    """A loopback port nobody listens on: the platform is unreachable."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class QemuFirmwareTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        missing = [t for t in ("qemu-system-arm", "arm-none-eabi-gcc") if shutil.which(t) is None]
        if missing:
            raise AssertionError("test_qemu needs %s: run tools/scripts/bootstrap.sh qemu" % " and ".join(missing))
        ok, out = build_image()
        if not ok:
            raise AssertionError("make BOARD=%s failed:\n%s" % (BOARD, out[-4000:]))

    def start_sim(self):
        return start_simulator(self, app_id=APP_ID, api_key=API_KEY)

    def run_firmware(self, sim_port, *args):
        fw = Firmware(sim_port, *args)
        self.addCleanup(fw.kill)
        return fw

    def assert_records(self, sim, delivered):
        """The simulator holds exactly the seed notification and the alert,
        under the notificationIds the firmware printed."""
        records = sim.records()
        self.assertEqual(len(records), 2, records)
        order, alert = records
        self.assertEqual(order["body"], {
            "template": {"key": "order-confirmation",
                         "variables": {"customerName": "Jane", "orderId": "ORD-12345"}},
            "targets": ["user-jane-123"], "mode": "realtime", "title": "Order Confirmed"})
        self.assertEqual(alert["body"]["template"]["key"], "system-alert")
        self.assertEqual(alert["body"]["template"]["variables"],
                         {"device": "mps2-an385", "message": "Herald firmware booted"})
        self.assertEqual(alert["body"]["targets"], ["user-jane-123"])
        self.assertEqual(alert["headers"]["appid"], APP_ID)
        self.assertEqual({h: d[0] for h, d in delivered.items()},
                         {1: order["notificationId"], 2: alert["notificationId"]})
        self.assertEqual(delivered[1][1], ["in_app", "push"])
        self.assertEqual(delivered[2][1], ["push"])

    def test_delivers_seed_and_alert_over_tls(self):
        sim = self.start_sim()
        fw = self.run_firmware(sim.port)
        status = fw.wait_exit()
        console = fw.console()
        self.assertEqual(status, 0, console)
        self.assertIn("templates: HERALD_OK(0), 5 loaded", console)
        self.assertRegex(console, r"counters: raised=2 refused_local=0 queued=2 sent=2 refused_platform=0 ")
        self.assertRegex(console, r"net: DHCP bound 10\.0\.2\.\d+")
        self.assertIn("done: 2 delivered, 0 failed", console)
        self.assertIn("tls: 1 full and 0 resumed handshakes", console)
        self.assert_records(sim, fw.delivered())

    def test_second_connection_resumes_the_session(self):
        sim = self.start_sim()
        fw = self.run_firmware(sim.port, "resume=1")
        status = fw.wait_exit()
        console = fw.console()
        self.assertEqual(status, 0, console)
        self.assertIn("tls: 1 full and 1 resumed handshakes", console)
        self.assertRegex(console, r"tls-heap: send 1 \(full handshake\) peak \d+ bytes")
        self.assertRegex(console, r"tls-heap: send 2 \(resumed handshake\) peak \d+ bytes")
        self.assert_records(sim, fw.delivered())

    def test_tls12_full_and_resumed(self):
        sim = start_simulator(self, "--tls-max", "1.2", app_id=APP_ID, api_key=API_KEY)
        fw = self.run_firmware(sim.port, "resume=1")
        status = fw.wait_exit()
        console = fw.console()
        self.assertEqual(status, 0, console)
        self.assertIn("tls: 1 full and 1 resumed handshakes", console)
        self.assert_records(sim, fw.delivered())

    def test_guest_reaches_nothing_but_the_forwarded_address(self):
        # 10.0.2.2 is QEMU's alias for the host: without restrict=on the
        # guest could reach the simulator's port through it.
        sim = self.start_sim()
        fw = self.run_firmware(sim.port, "url=https://10.0.2.2:%d" % sim.port, "timeout=4")
        status = fw.wait_exit()
        console = fw.console()
        self.assertEqual(status, 1, console)
        self.assertIn("timeout: 0 of 2 delivered, last status HERALD_E(-", console)
        self.assertEqual(sim.records(), [])

    def test_queued_notifications_survive_a_power_cut(self):
        tmp = tempfile.TemporaryDirectory(prefix="herald-qemu-")
        self.addCleanup(tmp.cleanup)
        flash = os.path.join(tmp.name, "flash.bin")

        # Boot 1: the platform is unreachable, so both notifications stay
        # queued in flash while the agent retries; then the power goes.
        fw = self.run_firmware(closed_port(), "flash=" + flash)
        fw.wait_line(r"^queued: 2 \(0 from before this boot\)$")
        fw.wait_line(r"^net: DHCP bound ")
        time.sleep(1.5)               # a few refused attempts and backoff
        self.assertIsNone(fw.proc.poll(), "the firmware stopped by itself:\n" + fw.console())
        fw.kill()
        self.assertEqual(fw.proc.returncode, -signal.SIGKILL)
        self.assertFalse(fw.delivered(), fw.console())

        # Boot 2: the platform is back; nothing new is raised.
        sim = self.start_sim()
        fw2 = self.run_firmware(sim.port, "flash=" + flash, "raise=0")
        status = fw2.wait_exit()
        console = fw2.console()
        self.assertEqual(status, 0, console)
        self.assertRegex(console, r"queue: flash 8x4096 bytes in \S+, 2 waiting")
        self.assertIn("queued: 2 (2 from before this boot)", console)
        self.assertIn("done: 2 delivered, 0 failed", console)
        self.assert_records(sim, fw2.delivered())

        # Boot 3: delivered means retired: nothing is sent twice.
        fw3 = self.run_firmware(sim.port, "flash=" + flash, "raise=0")
        self.assertEqual(fw3.wait_exit(), 0, fw3.console())
        self.assertIn("queued: 0 (0 from before this boot)", fw3.console())
        self.assertEqual(len(sim.records()), 2)


if __name__ == "__main__":
    unittest.main()
