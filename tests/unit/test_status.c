/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "herald/status.h"

static void test_every_status_has_unique_text(void **state)
{
    static const herald_status_t all[] = {
#define X(name, value, cls, text) name,
        HERALD_STATUS_LIST(X)
#undef X
    };
    (void)state;
    assert_int_equal(HERALD_OK, 0);
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (i > 0) {
            assert_true(all[i] < 0);
        }
        for (size_t j = 0; j < i; j++) {
            assert_int_not_equal(all[i], all[j]);
            assert_string_not_equal(herald_status_str(all[i]), herald_status_str(all[j]));
        }
    }
    assert_string_equal(herald_status_name(HERALD_E_NOSPACE), "HERALD_E_NOSPACE");
    assert_string_equal(herald_status_str((herald_status_t)-9999), "unknown status");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_status_has_unique_text),
    };
    return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
