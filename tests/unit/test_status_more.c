/* SPDX-License-Identifier: Apache-2.0 */
/* Every status's name and text, through both tables of status.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "herald/config.h"
#include "herald/status.h"

static void test_every_name_is_its_enumerator(void **state)
{
    static const struct {
        herald_status_t st;
        const char *name;
        const char *text;
    } all[] = {
#define X(name, value, cls, text) { name, #name, text },
        HERALD_STATUS_LIST(X)
#undef X
    };
    (void)state;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
#if HERALD_STATUS_TEXT
        assert_string_equal(herald_status_name(all[i].st), all[i].name);
        assert_string_equal(herald_status_str(all[i].st), all[i].text);
#else
        assert_non_null(herald_status_name(all[i].st));
        assert_non_null(herald_status_str(all[i].st));
#endif
    }
}

static void test_unknown_values(void **state)
{
    (void)state;
#if HERALD_STATUS_TEXT
    assert_string_equal(herald_status_name((herald_status_t)-9999), "HERALD_E_UNKNOWN");
    assert_string_equal(herald_status_name((herald_status_t)1), "HERALD_E_UNKNOWN");
    assert_string_equal(herald_status_str((herald_status_t)1), "unknown status");
#else
    assert_string_equal(herald_status_name(HERALD_OK), "HERALD_OK");
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_name_is_its_enumerator),
        cmocka_unit_test(test_unknown_values),
    };
    return cmocka_run_group_tests_name("status_more", tests, NULL, NULL);
}
