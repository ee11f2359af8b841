# SPDX-License-Identifier: Apache-2.0
"""tools/scripts/devcerts.sh: the certificates verify as intended, seen from a real
TLS client talking to the simulator, and they are what the agent can use."""

import os
import ssl
import subprocess
import tempfile
import unittest

from simlib import DEVCERTS, certs_dir, client_context, start_simulator

NAMES = ("ca", "other-ca", "server", "expired", "notyet", "wronghost", "selfsigned", "untrusted",
         "ipasdns", "ipwildcard", "ipcn", "iponly", "clientauth")


def handshake_error(test, cert, hostname, ca="ca.pem"):
    """The verification code a client trusting ca gets from the simulator
    serving cert, or 0 when the handshake succeeds."""
    sim = start_simulator(test, cert=cert, templates=None)
    try:
        with sim.tls_connect(server_hostname=hostname, context=client_context(ca)):
            return 0
    except ssl.SSLCertVerificationError as e:
        return e.verify_code
    finally:
        sim.stop()


class DevCertTests(unittest.TestCase):

    def test_server_cert_verifies_for_localhost_and_loopback_ip(self):
        for host in ("localhost", "127.0.0.1"):
            with self.subTest(host):
                self.assertEqual(handshake_error(self, "server", host), 0)

    def test_bad_certificates_fail_for_their_reason(self):
        cases = [  # cert, verify code (X509_V_ERR_*)
            ("expired", 10),      # CERT_HAS_EXPIRED
            ("notyet", 9),        # CERT_NOT_YET_VALID
            ("wronghost", 62),    # HOSTNAME_MISMATCH
            ("selfsigned", 18),   # DEPTH_ZERO_SELF_SIGNED_CERT
            ("untrusted", 20),    # UNABLE_TO_GET_ISSUER_CERT_LOCALLY
        ]
        for cert, code in cases:
            with self.subTest(cert):
                self.assertEqual(handshake_error(self, cert, "localhost"), code)
        self.assertEqual(handshake_error(self, "wronghost", "127.0.0.1"), 64)   # IP_ADDRESS_MISMATCH
        self.assertEqual(handshake_error(self, "untrusted", "localhost", ca="other-ca.pem"), 0)

    def test_ip_literal_certificates(self):
        # OpenSSL, too, matches an IP literal against iPAddress SANs only.
        for cert in ("ipasdns", "ipwildcard", "ipcn"):
            with self.subTest(cert):
                self.assertEqual(handshake_error(self, cert, "127.0.0.1"), 64)  # IP_ADDRESS_MISMATCH
        self.assertEqual(handshake_error(self, "ipasdns", "localhost"), 62)      # HOSTNAME_MISMATCH
        self.assertEqual(handshake_error(self, "iponly", "127.0.0.1"), 0)
        self.assertEqual(handshake_error(self, "iponly", "localhost"), 62)

    def test_client_auth_certificate_is_not_for_servers(self):
        self.assertEqual(handshake_error(self, "clientauth", "localhost"), 26)   # INVALID_PURPOSE

    def test_folder_from_an_older_script_is_made_again(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "certs")
            os.mkdir(out)
            with open(os.path.join(out, ".done"), "w"):
                pass                     # what the script wrote before it listed the names
            r = subprocess.run(["sh", str(DEVCERTS), out], capture_output=True, text=True)
            self.assertEqual((r.returncode, r.stdout), (0, "devcerts: %s\n" % out), r.stderr)
            for name in NAMES:
                self.assertTrue(os.path.exists(os.path.join(out, name + ".pem")), name)

    def test_keys_are_p256_and_signatures_sha256(self):
        out = certs_dir()
        for name in NAMES:
            with self.subTest(name):
                text = subprocess.run(["openssl", "x509", "-in", str(out / (name + ".pem")), "-noout", "-text"],
                                      check=True, capture_output=True, text=True).stdout
                self.assertIn("Signature Algorithm: ecdsa-with-SHA256", text)
                self.assertIn("NIST CURVE: P-256", text)
                key = subprocess.run(["openssl", "pkey", "-in", str(out / (name + ".key")), "-noout", "-text"],
                                     check=True, capture_output=True, text=True).stdout
                self.assertIn("NIST CURVE: P-256", key)
                self.assertEqual(os.stat(out / (name + ".key")).st_mode & 0o077, 0)
                is_ca = "CA:TRUE" in text
                self.assertEqual(is_ca, name in ("ca", "other-ca"))

    def test_fresh_run_says_one_line_and_a_second_run_nothing(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "certs")
            first = subprocess.run(["sh", str(DEVCERTS), out], capture_output=True, text=True)
            self.assertEqual((first.returncode, first.stdout, first.stderr), (0, "devcerts: %s\n" % out, ""))
            self.assertEqual(sorted(f for f in os.listdir(out) if not f.startswith(".")),
                             sorted(n + ext for n in NAMES for ext in (".pem", ".key")))
            with open(os.path.join(out, "ca.pem")) as f:
                ca = f.read()
            second = subprocess.run(["sh", str(DEVCERTS), out], capture_output=True, text=True)
            self.assertEqual((second.returncode, second.stdout, second.stderr), (0, "", ""))
            with open(os.path.join(out, "ca.pem")) as f:
                self.assertEqual(f.read(), ca)

    def test_usage(self):
        r = subprocess.run(["sh", str(DEVCERTS)], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("usage", r.stderr)


if __name__ == "__main__":
    unittest.main()
