/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "herald/config.h"
#include "herald/response.h"
#include "../../firmware/src/json_arena.h"

static herald_json_arena_t json_arena; /* zero bytes: ready */

static void test_trailing_garbage_is_not_json(void **state)
{
    int ex = -1;
    (void)state;
    assert_null(herald_json_parse(&json_arena, "{\"a\":1} junk", 12, &ex));
    assert_int_equal(ex, 0);
    assert_null(herald_json_parse(&json_arena, "{\"a\":1}{}", 9, NULL));
    assert_non_null(herald_json_parse(&json_arena, "{\"a\":1} \r\n\t", 11, NULL));
}

static void test_length_bounded_input_needs_no_nul(void **state)
{
    char buf[16];
    cJSON *root;
    (void)state;
    memcpy(buf, "[1,2,3]XXXXXXXXX", 16); /* the bytes after len must be ignored */
    root = herald_json_parse(&json_arena, buf, 7, NULL);
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
    assert_null(herald_json_parse(&json_arena, big, n, &ex));
    assert_int_equal(ex, 1);
    assert_true(herald_json_arena_peak(&json_arena) <= HERALD_JSON_ARENA_SIZE);
    assert_non_null(herald_json_parse(&json_arena, "{}", 2, &ex)); /* the next parse starts afresh */
    assert_int_equal(ex, 0);
    free(big);
}

/* Each arena holds its own tree: a parse on one leaves the other's valid. */
static void test_arenas_are_independent(void **state)
{
    static herald_json_arena_t other;
    cJSON *a;
    cJSON *b;
    (void)state;
    herald_json_arena_init(&other);
    assert_int_equal(herald_json_arena_peak(&other), 0);
    a = herald_json_parse(&json_arena, "{\"k\":\"first\"}", 13, NULL);
    b = herald_json_parse(&other, "{\"k\":\"second\"}", 14, NULL);
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(a, "k")->valuestring, "first");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(b, "k")->valuestring, "second");
    assert_true(herald_json_arena_peak(&other) > 0u);
    herald_json_arena_init(&other);
    assert_int_equal(herald_json_arena_peak(&other), 0);
}

/* After a parse cJSON's own allocator is back: the application's cJSON
 * reads a document larger than the whole arena, and frees it, with no
 * cJSON_InitHooks of its own. */
static void test_hooks_are_given_back(void **state)
{
    size_t n = 4u * HERALD_JSON_ARENA_SIZE;
    char *big = malloc(n + 1u);
    cJSON *root;
    (void)state;
    assert_non_null(herald_json_parse(&json_arena, "[1]", 3, NULL));
    big[0] = '[';
    for (size_t i = 1; i + 1 < n; i += 2) {
        big[i] = '0';
        big[i + 1] = ',';
    }
    big[n - 2] = '0';
    big[n - 1] = ']';
    big[n] = '\0';
    root = cJSON_Parse(big);
    assert_non_null(root);
    assert_int_equal(cJSON_GetArraySize(root), (int)(n / 2u - 1u));
    cJSON_Delete(root);
    free(big);
}

/* The response reader on a caller's arena, and on another one after it:
 * arenas are independent. */
static void test_response_read_on_own_arena(void **state)
{
    static const char body[] = "{\"notificationId\":\"n-1\",\"channels\":[\"push\"]}";
    herald_send_result_t res;
    herald_platform_error_t err;
    (void)state;
    assert_int_equal(herald_response_read(&json_arena, 201, body, sizeof body - 1u, &res, &err), HERALD_OK);
    assert_string_equal(res.notification_id, "n-1");
    assert_int_equal(res.nchannels, 1);
    {
        static herald_json_arena_t other;
        assert_int_equal(herald_response_read(&other, 201, body, sizeof body - 1u, &res, &err), HERALD_OK);
    }
    assert_string_equal(res.notification_id, "n-1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trailing_garbage_is_not_json),
        cmocka_unit_test(test_length_bounded_input_needs_no_nul),
        cmocka_unit_test(test_exhausted_arena_is_reported),
        cmocka_unit_test(test_arenas_are_independent),
        cmocka_unit_test(test_hooks_are_given_back),
        cmocka_unit_test(test_response_read_on_own_arena),
    };
    return cmocka_run_group_tests_name("json_arena", tests, NULL, NULL);
}
