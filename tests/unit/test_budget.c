/* SPDX-License-Identifier: Apache-2.0 */
/* The rate budget on its own: refill, the burst cap, the platform's
 * X-RateLimit-* correction, and holds that only ever lengthen. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "herald/budget.h"

static void test_refill_is_capped_by_the_burst(void **state)
{
    herald_budget_t b;
    (void)state;
    herald_budget_init(&b, 600, 3, 0); /* 10 a second, 3 at most */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(herald_budget_wait(&b, 0), 0);
        herald_budget_take(&b);
    }
    assert_int_equal(herald_budget_wait(&b, 0), 100);
    assert_int_equal(herald_budget_wait(&b, 60000), 0); /* a minute idle refills only 3 */
    for (int i = 0; i < 3; i++) {
        herald_budget_take(&b);
    }
    assert_int_not_equal(herald_budget_wait(&b, 60000), 0);
    herald_budget_take(&b); /* taking from an empty bucket stays at empty */
    assert_int_equal(herald_budget_wait(&b, 60000), 100);
}

static void test_zero_burst_means_one(void **state)
{
    herald_budget_t b;
    (void)state;
    herald_budget_init(&b, 60, 0, 0);
    assert_int_equal(b.burst, 1);
    herald_budget_take(&b);
    assert_int_equal(herald_budget_wait(&b, 0), 1000);
}

static void test_remaining_clamps_the_bucket(void **state)
{
    herald_budget_t b;
    (void)state;
    herald_budget_init(&b, 600, 10, 0);
    herald_budget_sync(&b, 0, -1, -1, -1); /* no header: no change */
    assert_int_equal(herald_budget_wait(&b, 0), 0);
    herald_budget_sync(&b, 0, 1, 100, 50); /* the platform has one left */
    herald_budget_take(&b);
    assert_int_equal(herald_budget_wait(&b, 0), 100);
    herald_budget_sync(&b, 0, 5, 100, 50); /* more left than we hold: no raise */
    assert_int_equal(herald_budget_wait(&b, 0), 100);
}

static void test_zero_remaining_holds_until_reset(void **state)
{
    herald_budget_t b;
    (void)state;
    herald_budget_init(&b, 0, 0, 0); /* no bucket: the headers alone */
    herald_budget_sync(&b, 1000, 0, 1700000007, 1700000002);
    assert_int_equal(herald_budget_wait(&b, 1000), 5000);
    herald_budget_sync(&b, 1000, 0, 1700000003, 1700000002); /* a shorter hold never shortens */
    assert_int_equal(herald_budget_wait(&b, 1000), 5000);
    assert_int_equal(herald_budget_wait(&b, 6000), 0);
    herald_budget_sync(&b, 6000, 0, -1, 1700000007); /* no reset given: one second */
    assert_int_equal(herald_budget_wait(&b, 6000), 1000);
    herald_budget_sync(&b, 8000, 0, 1700000005, 1700000009); /* a reset in the past: one second */
    assert_int_equal(herald_budget_wait(&b, 8000), 1000);
    herald_budget_sync(&b, 10000, 0, 1700000020, -1); /* wall clock unknown: one second */
    assert_int_equal(herald_budget_wait(&b, 10000), 1000);
}

static void test_a_wild_reset_holds_a_day_at_most(void **state)
{
    herald_budget_t b;
    (void)state;
    herald_budget_init(&b, 0, 1, 0);
    herald_budget_sync(&b, 0, 0, 1700000000000, 1700000000); /* a reset sent in ms */
    assert_int_equal(herald_budget_wait(&b, 0), 86400000u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refill_is_capped_by_the_burst),
        cmocka_unit_test(test_zero_burst_means_one),
        cmocka_unit_test(test_remaining_clamps_the_bucket),
        cmocka_unit_test(test_zero_remaining_holds_until_reset),
        cmocka_unit_test(test_a_wild_reset_holds_a_day_at_most),
    };
    return cmocka_run_group_tests_name("budget", tests, NULL, NULL);
}
