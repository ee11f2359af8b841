/* SPDX-License-Identifier: Apache-2.0 */
/* The strict JSON check in front of cJSON (firmware/src/json_check.c), case
 * by case for each class of JSONTestSuite, and through the platform
 * response reader.  With an argument it runs a JSONTestSuite test_parsing
 * folder instead (tests/check_jsontestsuite.sh): every y_ file must pass the
 * reader's JSON layer, every n_ file must be refused, i_ files are listed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "herald/config.h"
#include "herald/response.h"
#include "../../firmware/src/json_arena.h"

static herald_json_arena_t json_arena; /* zero bytes: ready */
#include "../../firmware/src/json_check.h"

static herald_json_arena_t answer_arena; /* zero bytes: ready */

/* A C string with its length: sizeof - 1, so embedded NULs count. */
#define T(s) (s), (sizeof(s) - 1u)

static int check(const char *s, size_t n)
{
    return herald_json_check(s, n, NULL);
}

/* What the response reader makes of a 200 whose success object holds v as
 * the value of an extra member (or, with raw, of the body as given). */
static herald_status_t last_cause; /* err.cause of the latest reader() */

static herald_status_t reader(const char *body, size_t len)
{
    herald_send_result_t res;
    herald_platform_error_t err;
    herald_status_t st = herald_response_read(&answer_arena, 200, body, len, &res, &err);
    last_cause = err.cause;
    return st;
}

static herald_status_t with_member(const char *v, size_t vlen)
{
    char body[256];
    static const char head[] = "{\"notificationId\":\"n-1\",\"v\":";
    assert_true(sizeof head - 1u + vlen + 1u <= sizeof body);
    memcpy(body, head, sizeof head - 1u);
    memcpy(body + sizeof head - 1u, v, vlen);
    body[sizeof head - 1u + vlen] = '}';
    return reader(body, sizeof head + vlen);
}

/* The cases cJSON alone takes though they are not JSON: each is refused by
 * the check, and the reader no longer reads a notification out of it (a
 * 2xx: accepted, its answer unreadable, for that reason). */
static void test_what_cjson_wrongly_takes_is_refused(void **state)
{
    static const struct {
        const char *v;
        size_t n;
    } bad[] = {
        { T("-01") },        { T("01") },      { T("2.") },       { T("-2.") },      { T("0.e1") },
        { T("2.e+3") },      { T("-.123") },   { T("\"a\tb\"") }, { T("\"a\nb\"") }, { T("\"a\x1f\"") },
        { T("\"\\u00A\"") }, { T("[1,\f2]") }, { T("[1,\0 2]") }, { T("\"x\"\f") },
    };
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        print_message("case %zu\n", i);
        assert_int_equal(check(bad[i].v, bad[i].n), HERALD_E_JSON_PARSE);
        assert_int_equal(with_member(bad[i].v, bad[i].n), HERALD_E_ACCEPTED_UNREADABLE);
        assert_int_equal(last_cause, HERALD_E_JSON_PARSE);
    }
    /* White space around the whole body: form feed and NUL are not it. */
    assert_int_equal(reader(T("{\"notificationId\":\"n-1\"}\f")), HERALD_E_ACCEPTED_UNREADABLE);
    assert_int_equal(reader(T("\0{\"notificationId\":\"n-1\"}")), HERALD_E_ACCEPTED_UNREADABLE);
    assert_int_equal(reader(T(" \t\r\n{\"notificationId\":\"n-1\"} \t\r\n")), HERALD_OK);
}

static void test_valid_values_pass_check_and_reader(void **state)
{
    static const struct {
        const char *v;
        size_t n;
    } good[] = {
        { T("0") },
        { T("-0") },
        { T("0e1") },
        { T("0E+1") },
        { T("1E400") },
        { T("-1e-400") },
        { T("1.5e-07") },
        { T("123.456e78") },
        { T("-0.0") },
        { T("true") },
        { T("false") },
        { T("null") },
        { T("\"\"") },
        { T("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"") },
        { T("\"\\uD834\\uDD1E\"") },
        { T("\"\xF0\x9D\x84\x9E \xC3\xA9\"") },
        { T("[]") },
        { T("{}") },
        { T("[[],{},[1,[2,{\"a\":[]}]]]") },
        { T(" [ 1 , 2 ] ") },
        { T("{\"a\":1,\"a\":2}") },
    };
    (void)state;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        print_message("case %zu\n", i);
        assert_int_equal(check(good[i].v, good[i].n), HERALD_OK);
        assert_int_equal(with_member(good[i].v, good[i].n), HERALD_OK);
    }
    /* Any value may be the whole text (RFC 8259), not just an object. */
    assert_int_equal(check(T("1")), HERALD_OK);
    assert_int_equal(check(T(" \"x\" ")), HERALD_OK);
}

/* Bytes that are not UTF-8 inside a string pass: RFC 8259 (8.1) leaves
 * them to the implementation and JSONTestSuite files them under i_.  A 2xx
 * whose echoed title holds one still gives its notificationId; whatever is
 * printed of it is made valid UTF-8 by the result writer. */
static void test_invalid_utf8_inside_a_string_passes(void **state)
{
    static const struct {
        const char *s;
        size_t n;
    } odd[] = {
        { T("\"\xC3\"") }, { T("\"\xC0\xAF\"") }, { T("\"\xED\xA0\x80\"") },
        { T("\"\xFF\"") }, { T("[\"\xA0\"]") },
    };
    (void)state;
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        print_message("case %zu\n", i);
        assert_int_equal(check(odd[i].s, odd[i].n), HERALD_OK);
        assert_int_equal(with_member(odd[i].s, odd[i].n), HERALD_OK);
    }
    /* outside a string a stray byte is still no JSON */
    assert_int_equal(check(T("\xFF")), HERALD_E_JSON_PARSE);
}

/* \u0000 is valid JSON, but cJSON ends a string there: the check says so,
 * and the reader does not pick a notificationId out of such a document. */
static void test_nul_escape_is_flagged(void **state)
{
    static const char twin[] = "{\"notificationId\\u0000x\":\"evil\",\"notificationId\":\"good\"}";
    static const char plain[] = "[\"ab\\u0000cd\"]";
    static const char other[] = "[\"ab\\u0001cd\", \"\\\\u0000\"]"; /* \u0001, and an escaped backslash */
    unsigned flags = 0u;
    (void)state;
    assert_int_equal(herald_json_check(plain, sizeof plain - 1u, &flags), HERALD_OK);
    assert_int_equal(flags, HERALD_JSON_NUL);
    assert_int_equal(herald_json_check(other, sizeof other - 1u, &flags), HERALD_OK);
    assert_int_equal(flags, 0u);
    assert_int_equal(reader(twin, sizeof twin - 1u), HERALD_E_ACCEPTED_UNREADABLE);
    assert_int_equal(last_cause, HERALD_E_RESPONSE_INVALID);
}

/* The classes of JSONTestSuite's n_ files that cJSON already refused: the
 * check must refuse them too (it is the first and only gate for some). */
static void test_other_invalid_text_is_refused(void **state)
{
    static const struct {
        const char *s;
        size_t n;
    } bad[] = {
        { T("") },
        { T(" ") },
        { T("[") },
        { T("[1") },
        { T("[1,]") },
        { T("[,1]") },
        { T("[1 2]") },
        { T("{") },
        { T("{\"a\"}") },
        { T("{\"a\":}") },
        { T("{\"a\":1,}") },
        { T("{a:1}") },
        { T("{'a':1}") },
        { T("{1:1}") },
        { T("{\"a\" 1}") },
        { T("[1]]") },
        { T("[1}") },
        { T("{\"a\":1]") },
        { T("[1] x") },
        { T("[1][2]") },
        { T("{}}") },
        { T("\"abc") },
        { T("\"\\x\"") },
        { T("\"\\u12\"") },
        { T("\"\\uZZZZ\"") },
        { T("\"\\\"") },
        { T("\"\\'\"") },
        { T("\"\\uD800\"") },
        { T("\"\\uDC00\"") },
        { T("\"\\uD800\\u0041\"") },
        { T("\"\\uD800x\"") },
        { T("+1") },
        { T("1e") },
        { T("1e+") },
        { T("1.e1") },
        { T(".1") },
        { T("0x10") },
        { T("Infinity") },
        { T("NaN") },
        { T("-") },
        { T("1 000") },
        { T("tru") },
        { T("nulll") },
        { T("True") },
        { T("\xEF\xBB\xBF{}") },
        { T("[1]\x00") },
        { T("/* c */ 1") },
    };
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        print_message("case %zu\n", i);
        assert_int_equal(check(bad[i].s, bad[i].n), HERALD_E_JSON_PARSE);
    }
    assert_int_equal(check(NULL, 4), HERALD_E_JSON_PARSE);
}

/* Nesting: HERALD_JSON_MAX_DEPTH levels pass, one more is HERALD_E_JSON_DEPTH
 * (not a parse error), whatever mix of arrays and objects. */
static void test_depth_limit(void **state)
{
    char doc[4 * (HERALD_JSON_MAX_DEPTH + 1) + 8];
    (void)state;
    for (int extra = 0; extra <= 1; extra++) {
        size_t n = 0, levels = (size_t)HERALD_JSON_MAX_DEPTH + (size_t)extra;
        for (size_t i = 0; i < levels; i++) {
            if (i % 3u == 2u) {
                memcpy(doc + n, "{\"k\":", 5);
                n += 5;
            } else {
                doc[n++] = '[';
            }
        }
        for (size_t i = levels; i-- > 0;) {
            doc[n++] = i % 3u == 2u ? '}' : ']';
        }
        assert_int_equal(check(doc, n), extra ? HERALD_E_JSON_DEPTH : HERALD_OK);
    }
    /* Brackets inside strings do not nest. */
    assert_int_equal(check(T("[\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"]")), HERALD_OK);
    /* A close of the wrong kind after a deep mix. */
    assert_int_equal(check(T("[{\"a\":[{}]]]")), HERALD_E_JSON_PARSE);
}

/* cJSON copies at most 63 characters of a number; a longer one (JSONTestSuite
 * y_number_double_close_to_zero) passes the check and is read from a copy in
 * which it is written shorter, with the same value. */
static double number_of(const char *s, size_t n)
{
    int ex = 0;
    cJSON *root = herald_json_parse(&json_arena, s, n, &ex);
    assert_non_null(root);
    assert_true(cJSON_IsArray(root) && cJSON_IsNumber(cJSON_GetArrayItem(root, 0)));
    return cJSON_GetArrayItem(root, 0)->valuedouble;
}

static void test_long_numbers_are_read(void **state)
{
    static const char y[] =
        "[-0.000000000000000000000000000000000000000000000000000000000000000000000000000001]";
    char doc[256];
    int ex = 0;
    cJSON *root;
    (void)state;
    assert_int_equal(check(y, sizeof y - 1u), HERALD_OK);
    assert_true(number_of(y, sizeof y - 1u) == -1e-78);
    /* 1 followed by 70 zeros; 75 significant digits with a fraction; an exponent */
    snprintf(doc, sizeof doc, "[1%070d]", 0);
    assert_true(number_of(doc, strlen(doc)) == 1e70);
    snprintf(doc, sizeof doc, "[%s]",
             "1234567890123456789012345678901234567890123456789012345678901234567.5e-60");
    assert_true(number_of(doc, strlen(doc)) ==
                1234567890123456789012345678901234567890123456789012345678901234567.5e-60);
    snprintf(doc, sizeof doc, "[0.%066de-10]", 5); /* 0.000...05e-10 */
    assert_true(number_of(doc, strlen(doc)) == 5e-76);
    snprintf(doc, sizeof doc, "[-0.%070d]", 0);
    assert_true(number_of(doc, strlen(doc)) == 0.0);
    /* huge exponents saturate: infinity and zero, as strtod gives them */
    snprintf(doc, sizeof doc, "[1.%064de99999999999999999]", 1);
    assert_true(number_of(doc, strlen(doc)) > 1e308);
    /* a long number inside a string is no number: left as it is */
    snprintf(doc, sizeof doc, "{\"a\":\"%070d\",\"b\":[1%065d]}", 0, 0);
    root = herald_json_parse(&json_arena, doc, strlen(doc), &ex);
    assert_non_null(root);
    assert_int_equal(strlen(cJSON_GetObjectItemCaseSensitive(root, "a")->valuestring), 70);
    assert_true(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "b"), 0)->valuedouble == 1e65);
    /* and the reader takes a 200 that carries one */
    snprintf(doc, sizeof doc, "{\"notificationId\":\"n-1\",\"v\":1%070d}", 0);
    assert_int_equal(reader(doc, strlen(doc)), HERALD_OK);
}

/* The copy needs room: a document over half the arena with a long number is
 * refused as too big for it, never read wrong. */
static void test_long_number_copy_needs_room(void **state)
{
    static char doc[HERALD_JSON_ARENA_SIZE];
    size_t n;
    int ex = 0;
    (void)state;
    n = (size_t)snprintf(doc, sizeof doc, "[1%070d,\"", 0);
    memset(doc + n, 'x', HERALD_JSON_ARENA_SIZE / 2u);
    n += HERALD_JSON_ARENA_SIZE / 2u;
    doc[n++] = '"';
    doc[n++] = ']';
    assert_null(herald_json_parse(&json_arena, doc, n, &ex));
    assert_int_equal(ex, 1);
}

/* ---- JSONTestSuite, when a folder is given ------------------------------- */

static int run_suite(const char *dir)
{
    static char buf[1 << 20];
    int pass = 0, failed = 0, files = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    if (d == NULL) {
        printf("test_json_strict: cannot open %s\nherald-suite: 0 passed, 1 failed\n", dir);
        return 1;
    }
    while ((e = readdir(d)) != NULL) {
        char path[1024];
        const char *name = e->d_name;
        size_t n;
        if ((name[0] != 'y' && name[0] != 'n' && name[0] != 'i') || name[1] != '_') {
            continue;
        }
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *f = fopen(path, "rb");
        if (f == NULL) {
            continue;
        }
        n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        files++;
        /* The reader's JSON layer, as response.c runs it. */
        herald_status_t syntax = herald_json_check(buf, n, NULL);
        int ex = 0;
        int parsed = syntax == HERALD_OK && herald_json_parse(&json_arena, buf, n, &ex) != NULL;
        if (name[0] == 'i') {
            printf("i_ %-8s %s%s\n", parsed ? "accepted" : "refused", name,
                   syntax != HERALD_OK ? " (by the check)"
                   : parsed            ? ""
                                       : " (by cJSON)");
        } else if ((name[0] == 'y') == parsed) {
            pass++;
        } else {
            printf("FAIL %s: %s (check %d, arena exhausted %d)\n", name, parsed ? "accepted" : "refused",
                   syntax, ex);
            failed++;
        }
    }
    closedir(d);
    if (files < 300) {
        printf("FAIL only %d test files in %s\n", files, dir);
        failed++;
    }
    printf("herald-suite: %d passed, %d failed\n", pass, failed);
    return failed != 0;
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_what_cjson_wrongly_takes_is_refused),
        cmocka_unit_test(test_valid_values_pass_check_and_reader),
        cmocka_unit_test(test_other_invalid_text_is_refused),
        cmocka_unit_test(test_invalid_utf8_inside_a_string_passes),
        cmocka_unit_test(test_nul_escape_is_flagged),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_long_numbers_are_read),
        cmocka_unit_test(test_long_number_copy_needs_room),
    };
    if (argc > 1) {
        return run_suite(argv[1]);
    }
    return cmocka_run_group_tests_name("json_strict", tests, NULL, NULL);
}
