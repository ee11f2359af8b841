/* SPDX-License-Identifier: Apache-2.0 */
/* An in-memory transport for agent tests: captures what the agent sends and,
 * for each complete HTTP request it sees, answers with the next scripted
 * response.  Special scripts: MOCK_CLOSE (peer closes before answering) and
 * MOCK_SILENT (never answers). */
#ifndef MOCK_NET_H
#define MOCK_NET_H

#include <stddef.h>
#include "hal/herald_net.h"

#define MOCK_CLOSE "<close>"
#define MOCK_SILENT "<silent>"

typedef struct {
    const char *script[32]; /* responses, one per request */
    size_t nscript;
    int connect_result; /* what connect returns (default 1) */
    size_t max_send;    /* accept at most this many bytes per send (0: all) */
    int drip;           /* answer one byte per poll */
    int drip_gap;
    /* observed */
    char sent[262144];
    size_t sent_len;
    size_t req_start; /* where the current request starts in sent[] */
    size_t requests;
    size_t connects;
    size_t closes;
    int open;
    int peer_closed; /* the peer closed after its answer */
    const char *reply;
    size_t reply_len, reply_off;
    int close_after_reply;
} mock_net_t;

void mock_net_init(mock_net_t *m, herald_net_t *out);

/* The peer closes the idle connection (keep-alive timeout). */
void mock_net_drop(mock_net_t *m);

#endif
