/* SPDX-License-Identifier: Apache-2.0 */
/* Batch mode from an iterator: 10 and 10,000 targets go through the same
 * buffers with the same stack depth, the body is exact, and out-of-range
 * counts are refused locally. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "herald/herald.h"
#include "herald/request.h"
#include "cJSON.h"
#include "mock_net.h"

static char target_buf[32];
static size_t iter_calls;

static const char *target_at(void *ctx, size_t i)
{
    (void)ctx;
    iter_calls++;
    snprintf(target_buf, sizeof target_buf, "user-%05zu", i);
    return target_buf;
}

static const herald_var_t vars[] = { { "customerName", "Jane", 0 }, { "orderId", "ORD-12345", 0 } };

static herald_notification_t batch(size_t n)
{
    herald_notification_t b;
    memset(&b, 0, sizeof b);
    b.template_key = "order-confirmation";
    b.vars = vars;
    b.nvars = 2;
    b.ntargets = n;
    b.mode = HERALD_MODE_BATCH;
    b.target_at = target_at;
    return b;
}

/* A sink that records how deep the stack is when it is called: the writer's
 * working set must not grow with the number of targets. */
typedef struct {
    uintptr_t lowest;
    size_t bytes;
    size_t calls;
    size_t largest;
} depth_sink_t;

static herald_status_t depth_sink(void *ctx, const char *data, size_t len)
{
    depth_sink_t *d = ctx;
    volatile char marker = 0;
    uintptr_t here = (uintptr_t)&marker;
    (void)data;
    if (d->lowest == 0u || here < d->lowest) {
        d->lowest = here;
    }
    d->bytes += len;
    d->calls++;
    if (len > d->largest) {
        d->largest = len;
    }
    return HERALD_OK;
}

static uintptr_t write_depth(size_t n, depth_sink_t *d)
{
    herald_notification_t b = batch(n);
    volatile char top = 0;
    memset(d, 0, sizeof *d);
    assert_int_equal(herald_request_write(&b, depth_sink, d), HERALD_OK);
    return (uintptr_t)&top - d->lowest;
}

static void test_same_stack_and_buffers_for_10_and_10000(void **state)
{
    depth_sink_t small, big;
    uintptr_t d10, d10k;
    size_t len10 = 0, len10k = 0;
    herald_notification_t b10 = batch(10), b10k = batch(10000);
    (void)state;
    d10 = write_depth(10, &small);
    d10k = write_depth(10000, &big);
    assert_int_equal(d10, d10k);
    assert_int_equal(small.largest <= 128u, 1); /* the same small write buffer */
    assert_int_equal(big.largest <= 128u, 1);
    assert_int_equal(herald_request_length(&b10, &len10), HERALD_OK);
    assert_int_equal(herald_request_length(&b10k, &len10k), HERALD_OK);
    assert_int_equal(len10, small.bytes);
    assert_int_equal(len10k, big.bytes);
    print_message("batch: 10 targets %zu bytes, 10000 targets %zu bytes, writer stack depth %zu bytes both\n",
                  len10, len10k, (size_t)d10);
}

static void test_limits_refused_locally(void **state)
{
    herald_notification_t b = batch(0);
    (void)state;
    assert_int_equal(herald_check_shape(&b), HERALD_E_TARGET_LIMIT);
    b = batch(10001);
    assert_int_equal(herald_check_shape(&b), HERALD_E_TARGET_LIMIT);
    b = batch(10000);
    assert_int_equal(herald_check_shape(&b), HERALD_OK);
    b.target_at = NULL;
    assert_int_equal(herald_check_shape(&b), HERALD_E_INVALID_ARG);
}

static void test_agent_delivers_10000_targets_with_exact_length(void **state)
{
    static herald_agent_t agent;
    static mock_net_t net;
    static uint8_t qbuf[200 * 1024];
    herald_net_t transport;
    herald_ram_queue_t rq;
    herald_queue_t queue;
    herald_config_t cfg;
    herald_notification_t b = batch(10000);
    const char *body;
    cJSON *root, *targets;
    char reply[256];
    static const char ok[] = "{\"notificationId\":\"notif_batch\",\"mode\":\"batch\"}";
    (void)state;
    mock_net_init(&net, &transport);
    snprintf(reply, sizeof reply, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n%s", strlen(ok), ok);
    net.script[0] = reply;
    net.nscript = 1;
    herald_ram_queue_init(&rq, qbuf, sizeof qbuf, &queue);
    memset(&cfg, 0, sizeof cfg);
    cfg.app_id = "app1";
    cfg.api_key = "k";
    cfg.base_url = "https://127.0.0.1";
    cfg.transport = &transport;
    cfg.queue = &queue;
    assert_int_equal(herald_init(&agent, &cfg), HERALD_OK);
    iter_calls = 0;
    assert_int_equal(herald_notify(&agent, &b, NULL), HERALD_OK);
    print_message("batch: %zu iterator calls for 10000 targets (check, length, write)\n", iter_calls);
    for (int i = 0; i < 100000 && !herald_idle(&agent); i++) {
        herald_poll(&agent, 0);
    }
    assert_true(herald_idle(&agent));
    assert_int_equal(herald_counters(&agent)->sent, 1);
    net.sent[net.sent_len] = '\0';
    body = strstr(net.sent, "\r\n\r\n") + 4;
    assert_int_equal(strtoul(strstr(net.sent, "Content-Length: ") + 16, NULL, 10), strlen(body));
    root = cJSON_Parse(body);
    assert_non_null(root);
    targets = cJSON_GetObjectItem(root, "targets");
    assert_int_equal(cJSON_GetArraySize(targets), 10000);
    assert_string_equal(cJSON_GetArrayItem(targets, 9999)->valuestring, "user-09999");
    assert_string_equal(cJSON_GetObjectItem(root, "mode")->valuestring, "batch");
    cJSON_Delete(root);
}

/* Targets of a chosen length: "user-NNNNN" padded with 'x' (36 like a
 * UUID, 128 the longest HERALD_TARGET_MAX_LEN allows). */
static size_t long_len;
static char long_buf[HERALD_TARGET_MAX_LEN + 1];

static const char *long_target_at(void *ctx, size_t i)
{
    (void)ctx;
    int n = snprintf(target_buf, sizeof target_buf, "user-%05zu", i);
    memset(long_buf, 'x', long_len);
    long_buf[long_len] = '\0';
    memcpy(long_buf, target_buf, (size_t)n);
    return long_buf;
}

/* A transport that keeps everything sent (the mock's buffer is 256 KiB, a
 * batch of long ids is over 1 MB) and answers 200 once the whole request is
 * in. */
typedef struct {
    char *sent;
    size_t len, cap, reply_off;
    const char *reply;
} big_net_t;

static int big_connect(void *ctx, const char *host, uint16_t port)
{
    (void)ctx;
    (void)host;
    (void)port;
    return 1;
}

static int big_send(void *ctx, const uint8_t *data, size_t len)
{
    big_net_t *b = ctx;
    if (len > b->cap - b->len) {
        return HERALD_E_NET;
    }
    memcpy(b->sent + b->len, data, len);
    b->len += len;
    return (int)len;
}

static int big_recv(void *ctx, uint8_t *buf, size_t len)
{
    big_net_t *b = ctx;
    const char *head_end, *cl;
    size_t n;
    b->sent[b->len] = '\0';
    head_end = strstr(b->sent, "\r\n\r\n");
    cl = strstr(b->sent, "Content-Length: ");
    if (!head_end || !cl || b->len < (size_t)(head_end + 4 - b->sent) + strtoul(cl + 16, NULL, 10)) {
        return 0; /* the request is not all in yet */
    }
    n = strlen(b->reply + b->reply_off);
    n = n < len ? n : len;
    memcpy(buf, b->reply + b->reply_off, n);
    b->reply_off += n;
    return n ? (int)n : HERALD_E_NET_CLOSED;
}

static void big_close(void *ctx)
{
    (void)ctx;
}

/* What an application does for the platform's largest batch: count the
 * body first, size its RAM queue for it, and deliver it. */
static void deliver_sized(size_t target_len)
{
    static herald_agent_t agent;
    static const char ok[] = "{\"notificationId\":\"notif_batch\",\"mode\":\"batch\"}";
    static char reply[256];
    big_net_t net;
    herald_net_t transport = { big_connect, big_send, big_recv, big_close, &net };
    herald_ram_queue_t rq;
    herald_queue_t queue;
    herald_config_t cfg;
    herald_notification_t b = batch(HERALD_BATCH_MAX_TARGETS);
    size_t len = 0, need;
    uint8_t *qbuf;
    cJSON *root, *targets;
    const char *body;

    long_len = target_len;
    b.target_at = long_target_at;
    assert_int_equal(herald_request_length(&b, &len), HERALD_OK);
    need = herald_ram_queue_need(len);
    print_message("batch: 10000 targets of %zu bytes: body %zu bytes, RAM queue %zu bytes\n", target_len, len,
                  need);
    /* a word short of the figure cannot hold it (the queue counts in whole
     * words): the figure is exact */
    qbuf = malloc(need);
    assert_non_null(qbuf);
    assert_int_equal(herald_ram_queue_init(&rq, qbuf, need - 4u, &queue), HERALD_OK);
    assert_int_equal(queue.begin(queue.ctx, &(herald_queue_rec_t){ .body_len = (uint32_t)len }),
                     HERALD_E_NOSPACE);
    assert_int_equal(herald_ram_queue_init(&rq, qbuf, need, &queue), HERALD_OK);

    memset(&net, 0, sizeof net);
    net.cap = len + 4096u;
    net.sent = malloc(net.cap + 1u);
    assert_non_null(net.sent);
    snprintf(reply, sizeof reply, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n%s", strlen(ok), ok);
    net.reply = reply;
    memset(&cfg, 0, sizeof cfg);
    cfg.app_id = "app1";
    cfg.api_key = "k";
    cfg.base_url = "https://127.0.0.1";
    cfg.transport = &transport;
    cfg.queue = &queue;
    assert_int_equal(herald_init(&agent, &cfg), HERALD_OK);
    assert_int_equal(herald_notify(&agent, &b, NULL), HERALD_OK);
    for (int i = 0; i < 1000000 && !herald_idle(&agent); i++) {
        herald_poll(&agent, 0);
    }
    assert_true(herald_idle(&agent));
    assert_int_equal(herald_counters(&agent)->sent, 1);
    net.sent[net.len] = '\0';
    body = strstr(net.sent, "\r\n\r\n") + 4;
    assert_int_equal(strlen(body), len);
    root = cJSON_Parse(body);
    assert_non_null(root);
    targets = cJSON_GetObjectItem(root, "targets");
    assert_int_equal(cJSON_GetArraySize(targets), HERALD_BATCH_MAX_TARGETS);
    assert_int_equal(strlen(cJSON_GetArrayItem(targets, 9999)->valuestring), target_len);
    assert_memory_equal(cJSON_GetArrayItem(targets, 9999)->valuestring, "user-09999", 10);
    cJSON_Delete(root);
    free(net.sent);
    free(qbuf);
}

static void test_ram_queue_sized_for_10000_uuid_targets(void **state)
{
    (void)state;
    deliver_sized(36);
}

static void test_ram_queue_sized_for_10000_longest_targets(void **state)
{
    (void)state;
    deliver_sized(HERALD_TARGET_MAX_LEN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_stack_and_buffers_for_10_and_10000),
        cmocka_unit_test(test_limits_refused_locally),
        cmocka_unit_test(test_agent_delivers_10000_targets_with_exact_length),
        cmocka_unit_test(test_ram_queue_sized_for_10000_uuid_targets),
        cmocka_unit_test(test_ram_queue_sized_for_10000_longest_targets),
    };
    return cmocka_run_group_tests_name("batch", tests, NULL, NULL);
}
