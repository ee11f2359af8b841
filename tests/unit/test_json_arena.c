/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "herald/config.h"
#include "../../firmware/src/json_arena.h"

static void test_trailing_garbage_is_not_json(void **state)
{
    int ex = -1;
    (void)state;
    assert_null(herald_json_parse("{\"a\":1} junk", 12, &ex));
    assert_int_equal(ex, 0);
    assert_null(herald_json_parse("{\"a\":1}{}", 9, NULL));
    assert_non_null(herald_json_parse("{\"a\":1} \r\n\t", 11, NULL));
}

static void test_length_bounded_input_needs_no_nul(void **state)
{
    char buf[16];
    cJSON *root;
    (void)state;
    memcpy(buf, "[1,2,3]XXXXXXXXX", 16); /* the bytes after len must be ignored */
    root = herald_json_parse(buf, 7, NULL);
    assert_non_null(root);
    assert_int_equal(cJSON_GetArraySize(root), 3);
}

static void test_exhausted_arena_is_reported(void **state)
{
    size_t n = HERALD_JSON_ARENA_SIZE;
    char *big = malloc(n);
    int ex = 0;
    (void)state;
    /* an array of n/2 zeros needs far more than n bytes of cJSON nodes */
    big[0] = '[';
    for (size_t i = 1; i + 1 < n; i += 2) {
        big[i] = '0';
        big[i + 1] = ',';
    }
    big[n - 2] = '0';
    big[n - 1] = ']';
    assert_null(herald_json_parse(big, n, &ex));
    assert_int_equal(ex, 1);
    assert_true(herald_json_arena_peak() <= HERALD_JSON_ARENA_SIZE);
    assert_non_null(herald_json_parse("{}", 2, &ex)); /* the next parse starts afresh */
    assert_int_equal(ex, 0);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trailing_garbage_is_not_json),
        cmocka_unit_test(test_length_bounded_input_needs_no_nul),
        cmocka_unit_test(test_exhausted_arena_is_reported),
    };
    return cmocka_run_group_tests_name("json_arena", tests, NULL, NULL);
}
