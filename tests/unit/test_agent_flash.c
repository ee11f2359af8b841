/* SPDX-License-Identifier: Apache-2.0 */
/* The agent over the flash queue when a waiting record's body is damaged
 * after it was written (bit rot at rest, after boot): that body is never
 * sent, the loss is counted and reported to the application as the
 * notification's outcome, and the notification behind it still goes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "herald/herald.h"
#include "herald_flash_file.h"
#include "agent_fixture.h"

static uint8_t *find(uint8_t *mem, size_t n, const char *s)
{
    size_t len = strlen(s);
    for (size_t i = 0; i + len <= n; i++) {
        if (memcmp(mem + i, s, len) == 0) {
            return mem + i;
        }
    }
    return NULL;
}

static void test_a_body_damaged_after_boot_is_never_sent(void **state)
{
    fixture_t *f = *state;
    static const herald_flash_geometry_t geo = { 4096u, 4u, 4u };
    herald_flash_file_t ff;
    herald_flash_t fl;
    herald_flash_queue_t fq;
    uint32_t h[2];
    uint8_t *at;
    assert_int_equal(herald_flash_file_open(&ff, NULL, &geo, 0u, &fl), HERALD_OK);
    /* the agent's queue becomes a flash queue (it holds a pointer to it) */
    assert_int_equal(herald_flash_queue_init(&fq, &fl, &f->queue), HERALD_OK);
    assert_int_equal(herald_notify(&f->agent, &seed, &h[0]), HERALD_OK);
    assert_int_equal(herald_notify(&f->agent, &seed, &h[1]), HERALD_OK);
    /* one bit of the first record's body, after it was checked at commit */
    at = find(ff.mem, ff.size, "ORD-12345");
    assert_non_null(at);
    at[4] ^= 0x01u;
    f->net.script[0] = resp(200, "", OK_BODY);
    f->net.script[1] = resp(200, "", OK_BODY);
    f->net.nscript = 2;
    for (int i = 0; i < 20 && !herald_idle(&f->agent); i++) {
        run(f);
        f->now += 60000u;
    }
    assert_true(herald_idle(&f->agent));
    f->net.sent[f->net.sent_len < sizeof f->net.sent ? f->net.sent_len : sizeof f->net.sent - 1u] = '\0';
    assert_null(strstr(f->net.sent, "ORD-02345")); /* the damaged body never went out */
    assert_int_equal(f->net.requests, 1);
    assert_int_equal(herald_counters(&f->agent)->damaged, 1u);
    assert_int_equal(herald_counters(&f->agent)->sent, 1u);
    /* the lost one is said to the application, the next one delivered */
    assert_int_equal(f->noutcomes, 2);
    assert_int_equal(f->outcomes[0].handle, h[0]);
    assert_int_equal(f->outcomes[0].status, HERALD_E_FLASH);
    assert_int_equal(f->outcomes[1].handle, h[1]);
    assert_int_equal(f->outcomes[1].status, HERALD_OK);
    herald_flash_file_close(&ff);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_a_body_damaged_after_boot_is_never_sent, setup, teardown),
    };
    return cmocka_run_group_tests_name("agent_flash", tests, NULL, NULL);
}
