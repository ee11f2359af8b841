/* SPDX-License-Identifier: Apache-2.0 */
/* An OpenSSL peer for tests of port/mbedtls: tests/support/tls_echo_server.py
 * in a child process on a free loopback port (see that script for what it
 * answers).  Its stderr goes to /dev/null unless HERALD_TEST_VERBOSE is set. */
#ifndef TLS_PEER_H
#define TLS_PEER_H

#include <stdint.h>
#include <sys/types.h>

typedef struct {
    pid_t pid; /* -1 when not running */
    uint16_t port;
} tls_peer_t;

/* Start the server with certificate cert_dir/NAME.pem and .key, TLS version
 * "1.2", "1.3" or "any"; with plain set it speaks no TLS (name and tls are
 * then unused).  src_dir is the repository root.  0 once it listens, -1 if
 * it did not start within 10 s. */
int tls_peer_start(tls_peer_t *p, const char *src_dir, const char *cert_dir, const char *name,
                   const char *tls, int plain);

/* Stop it (SIGTERM) and reap it; safe on a stopped peer. */
void tls_peer_stop(tls_peer_t *p);

/* Stop every peer still running, e.g. after a test failed half-way. */
void tls_peer_stop_all(void);

#endif
