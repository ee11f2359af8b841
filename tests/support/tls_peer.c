/* SPDX-License-Identifier: Apache-2.0 */
#include "tls_peer.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t running[8]; /* to kill if a test fails half-way */

static void forget(pid_t pid)
{
    for (size_t i = 0; i < sizeof running / sizeof running[0]; i++) {
        if (running[i] == pid) {
            running[i] = 0;
        }
    }
}

static void stop_pid(pid_t pid)
{
    forget(pid);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

int tls_peer_start(tls_peer_t *p, const char *src_dir, const char *cert_dir, const char *name,
                   const char *tls, int plain)
{
    char script[600], cert[600], key[600], line[64];
    int pfd[2];
    p->pid = -1;
    p->port = 0;
    snprintf(script, sizeof script, "%s/tests/support/tls_echo_server.py", src_dir);
    snprintf(cert, sizeof cert, "%s/%s.pem", cert_dir, name);
    snprintf(key, sizeof key, "%s/%s.key", cert_dir, name);
    if (pipe(pfd) != 0) {
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(pfd[0]);
        close(pfd[1]);
        return -1;
    }
    if (pid == 0) {
        /* A test that crashes must not leave its server behind (Linux). */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getenv("HERALD_TEST_VERBOSE") == NULL) {
            int null = open("/dev/null", O_WRONLY);
            dup2(null, STDERR_FILENO);
        }
        dup2(pfd[1], STDOUT_FILENO);
        close(pfd[0]);
        close(pfd[1]);
        if (plain) {
            execlp("python3", "python3", script, "--plain", (char *)NULL);
        } else {
            execlp("python3", "python3", script, "--cert", cert, "--key", key, "--tls", tls, (char *)NULL);
        }
        _exit(127);
    }
    close(pfd[1]);
    /* The server prints "PORT <n>" once it listens. */
    size_t n = 0;
    struct pollfd pp = { .fd = pfd[0], .events = POLLIN, .revents = 0 };
    while (n < sizeof line - 1 && poll(&pp, 1, 10000) == 1) {
        if (read(pfd[0], line + n, 1) != 1 || line[n] == '\n') {
            break;
        }
        n++;
    }
    line[n] = '\0';
    close(pfd[0]);
    unsigned port = 0;
    if (sscanf(line, "PORT %u", &port) != 1 || port == 0 || port > 65535) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        fprintf(stderr, "tls_peer: tls_echo_server did not start (got \"%s\")\n", line);
        return -1;
    }
    for (size_t i = 0; i < sizeof running / sizeof running[0]; i++) {
        if (running[i] == 0) {
            running[i] = pid;
            break;
        }
    }
    p->pid = pid;
    p->port = (uint16_t)port;
    return 0;
}

void tls_peer_stop(tls_peer_t *p)
{
    if (p->pid > 0) {
        stop_pid(p->pid);
    }
    p->pid = -1;
}

void tls_peer_stop_all(void)
{
    for (size_t i = 0; i < sizeof running / sizeof running[0]; i++) {
        if (running[i] > 0) {
            stop_pid(running[i]);
        }
    }
}
