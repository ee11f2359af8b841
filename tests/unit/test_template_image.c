/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "herald/template.h"
#include "firmware/src/crc32.h"
#include "tests/support/testdata.h"

static uint8_t arena_a[16384], arena_b[16384];
static herald_tcache_t ca, cb;
static herald_json_arena_t json_arena; /* zero bytes: ready */
static uint8_t img[8192];
static size_t img_len;

static int setup(void **state)
{
    (void)state;
    img_len = 0;
    if (herald_tcache_init(&ca, arena_a, sizeof arena_a) != HERALD_OK ||
        herald_tcache_init(&cb, arena_b, sizeof arena_b) != HERALD_OK) {
        return -1;
    }
    return 0;
}

static void write_image(const herald_tcache_t *c)
{
    herald_buf_sink_t s = { (char *)img, sizeof img, 0 };
    assert_int_equal(herald_timage_write(c, herald_buf_sink, &s), HERALD_OK);
    img_len = s.len;
}

static void load_platform_list(void)
{
    size_t len = 0, n = 0;
    const char *json = testdata_read("templates.json", &len);
    assert_non_null(json);
    assert_int_equal(herald_tjson_load(&ca, &json_arena, json, len, &n), HERALD_OK);
    assert_int_equal(n, 5);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

/* Rewrite payload length and CRC so a structural fault is not caught by the CRC. */
static void reseal(uint8_t *p, size_t payload_len)
{
    put_le32(&p[8], (uint32_t)payload_len);
    put_le32(&p[12], herald_crc32(0, &p[16], payload_len));
}

static void assert_same_str(herald_str_t a, herald_str_t b)
{
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.ptr, b.ptr, a.len);
}

static void assert_same_views(herald_tcache_t *x, herald_tcache_t *y)
{
    assert_int_equal(herald_tcache_count(x), herald_tcache_count(y));
    for (size_t i = 0; i < herald_tcache_count(x); i++) {
        herald_tview_t a, b;
        herald_tvar_t va, vb;
        assert_int_equal(herald_tcache_at(x, i, &a), HERALD_OK);
        assert_int_equal(herald_tcache_find(y, a.key, &b), HERALD_OK);
        assert_same_str(a.key, b.key);
        assert_same_str(a.id, b.id);
        assert_int_equal(a.status, b.status);
        assert_int_equal(a.updated_at, b.updated_at);
        assert_same_str(a.push_title, b.push_title);
        assert_same_str(a.push_body, b.push_body);
        assert_int_equal(a.nvars, b.nvars);
        for (size_t j = 0; j < a.nvars; j++) {
            assert_int_equal(herald_tview_var(&a, j, &va), HERALD_OK);
            assert_int_equal(herald_tview_var(&b, j, &vb), HERALD_OK);
            assert_same_str(va.name, vb.name);
            assert_int_equal(va.type, vb.type);
        }
    }
}

static void test_round_trip(void **state)
{
    uint8_t again[sizeof img];
    size_t n = 0;
    (void)state;
    load_platform_list();
    write_image(&ca);
    assert_memory_equal(img, "HTPL\x01\x00\x05\x00", 8);
    assert_int_equal(img[8] | (img[9] << 8) | (img[10] << 16) | ((uint32_t)img[11] << 24), img_len - 16);
    assert_int_equal(herald_timage_load(&cb, img, img_len, &n), HERALD_OK);
    assert_int_equal(n, 5);
    assert_same_views(&ca, &cb);
    /* Same templates, same image, byte for byte. */
    memcpy(again, img, img_len);
    write_image(&cb);
    assert_memory_equal(again, img, img_len);
}

static void test_exact_bytes(void **state)
{
    static const herald_tvar_t vars[] = { { { "v", 1 }, HERALD_VTYPE_ACTION } };
    herald_template_t t = {
        HERALD_STR_LIT("k"), HERALD_STR_LIT("i"), HERALD_TSTATUS_ARCHIVED, 0x0102030405060708, vars, 1,
        HERALD_STR_LIT("T"), HERALD_STR_LIT("B")
    };
    static const uint8_t want[] = {
        'H', 'T', 'P', 'L', 1, 0, 1,   0, 23,  0, 0, 0,   0x52, 0xa2, 0x61, 0x44, 2, 8, 7,   6,
        5,   4,   3,   2,   1, 1, 'k', 1, 'i', 1, 1, 'v', 2,    1,    0,    'T',  1, 0, 'B',
    };
    static const uint8_t empty[] = { 'H', 'T', 'P', 'L', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    size_t n = 99;
    (void)state;
    write_image(&ca);
    assert_int_equal(img_len, sizeof empty);
    assert_memory_equal(img, empty, sizeof empty);
    assert_int_equal(herald_timage_load(&cb, img, img_len, &n), HERALD_OK);
    assert_int_equal(n, 0);
    assert_int_equal(herald_tcache_put(&ca, &t), HERALD_OK);
    write_image(&ca);
    assert_int_equal(img_len, sizeof want);
    assert_memory_equal(img, want, sizeof want);
}

static void test_seed_size(void **state)
{
    size_t len = 0, n = 0;
    const char *json = testdata_read("templates.json", &len);
    (void)state;
    assert_int_equal(herald_tjson_load(&ca, &json_arena, json, len, &n), HERALD_OK);
    assert_int_equal(herald_tcache_remove(&ca, HERALD_STR_LIT("system-alert")), HERALD_OK);
    assert_int_equal(herald_tcache_remove(&ca, HERALD_STR_LIT("password-reset")), HERALD_OK);
    assert_int_equal(herald_tcache_remove(&ca, HERALD_STR_LIT("welcome-draft")), HERALD_OK);
    assert_int_equal(herald_tcache_remove(&ca, HERALD_STR_LIT("old-promo")), HERALD_OK);
    assert_int_equal(ca.used, 152);
    write_image(&ca);
    assert_int_equal(img_len, 16 + 152);
}

static void test_every_flipped_payload_byte_is_corrupt(void **state)
{
    size_t n = 99;
    herald_template_t keep = {
        HERALD_STR_LIT("keep"), HERALD_STR_LIT(""), HERALD_TSTATUS_APPROVED, 0, NULL, 0,
        HERALD_STR_LIT(""),     HERALD_STR_LIT("")
    };
    (void)state;
    load_platform_list();
    write_image(&ca);
    assert_int_equal(herald_tcache_put(&cb, &keep), HERALD_OK);
    for (size_t i = 16; i < img_len; i++) {
        img[i] ^= 0x01;
        assert_int_equal(herald_timage_load(&cb, img, img_len, &n), HERALD_E_IMAGE_CORRUPT);
        assert_int_equal(n, 0);
        img[i] ^= 0x01;
    }
    /* The header's count and CRC are checked too. */
    img[6]++;
    assert_int_equal(herald_timage_load(&cb, img, img_len, &n), HERALD_E_IMAGE_CORRUPT);
    img[6] -= 2;
    assert_int_equal(herald_timage_load(&cb, img, img_len, &n), HERALD_E_IMAGE_CORRUPT);
    img[6]++;
    img[12] ^= 0x80;
    assert_int_equal(herald_timage_load(&cb, img, img_len, &n), HERALD_E_IMAGE_CORRUPT);
    img[12] ^= 0x80;
    img[8]--; /* payload one byte shorter: CRC no longer matches */
    assert_int_equal(herald_timage_load(&cb, img, img_len, &n), HERALD_E_IMAGE_CORRUPT);
    img[8]++;
    assert_int_equal(herald_tcache_count(&cb), 1);
    assert_int_equal(cb.used, 16 + 4);
    assert_int_equal(herald_timage_load(&cb, img, img_len, &n), HERALD_OK);
    assert_int_equal(herald_tcache_count(&cb), 6);
}

static void test_structure_checked_behind_a_good_crc(void **state)
{
    static const herald_tvar_t vars[] = { { { "v", 1 }, HERALD_VTYPE_ACTION } };
    herald_template_t t = { HERALD_STR_LIT("k"), HERALD_STR_LIT("i"), HERALD_TSTATUS_ARCHIVED, 0, vars, 1,
                            HERALD_STR_LIT("T"), HERALD_STR_LIT("B") };
    uint8_t bad[64];
    size_t n = 99;
    (void)state;
    assert_int_equal(herald_tcache_put(&ca, &t), HERALD_OK);
    write_image(&ca);
    assert_int_equal(img_len, 39);
    /* payload offsets: 16 status, 25 key_len, 27 id_len, 29 nvars, 30 name_len, 32 type */
    static const struct {
        size_t at;
        uint8_t value;
    } faults[] = {
        { 16, 3 },    /* status out of range */
        { 32, 3 },    /* variable type out of range */
        { 25, 0 },    /* empty key: the id byte becomes a stray key length */
        { 29, 0 },    /* no variables: the rest no longer parses to the end */
        { 29, 2 },    /* a variable too many: runs off the end */
        { 34, 0x10 }, /* title length past the end */
    };
    /* reseal itself leaves a good image good */
    memcpy(bad, img, img_len);
    reseal(bad, img_len - 16);
    assert_int_equal(herald_timage_load(&ca, bad, img_len, &n), HERALD_OK);
    assert_int_equal(n, 1);
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        memcpy(bad, img, img_len);
        bad[faults[i].at] = faults[i].value;
        reseal(bad, img_len - 16);
        assert_int_equal(herald_timage_load(&cb, bad, img_len, &n), HERALD_E_IMAGE_CORRUPT);
        assert_int_equal(n, 0);
    }
    /* An empty variable name, well formed otherwise. */
    memcpy(bad, img, 30);
    bad[30] = 0;
    memcpy(&bad[31], &img[32], img_len - 32);
    reseal(bad, img_len - 17);
    assert_int_equal(herald_timage_load(&cb, bad, img_len - 1, &n), HERALD_E_IMAGE_CORRUPT);
    /* A trailing byte inside the declared payload. */
    memcpy(bad, img, img_len);
    bad[img_len] = 0;
    reseal(bad, img_len - 16 + 1);
    assert_int_equal(herald_timage_load(&cb, bad, img_len + 1, &n), HERALD_E_IMAGE_CORRUPT);
    /* Too many variables for this build, though well formed. */
    memcpy(bad, img, 30);
    bad[29] = HERALD_MAX_VARS + 1;
    assert_int_equal(herald_tcache_count(&cb), 0);
    reseal(bad, 14);
    assert_int_equal(herald_timage_load(&cb, bad, 30, &n), HERALD_E_IMAGE_CORRUPT);
    assert_int_equal(herald_tcache_count(&cb), 0);
}

static void test_every_truncation_fails(void **state)
{
    (void)state;
    load_platform_list();
    write_image(&ca);
    for (size_t len = 0; len < img_len; len++) {
        size_t n = 99;
        herald_status_t st = herald_timage_load(&cb, img, len, &n);
        if (st != HERALD_E_IMAGE_TRUNCATED) {
            fail_msg("length %zu: %s", len, herald_status_name(st));
        }
        assert_int_equal(n, 0);
        assert_int_equal(herald_tcache_count(&cb), 0);
    }
    /* Flash padding after the image is fine. */
    memset(img + img_len, 0xFF, 100);
    assert_int_equal(herald_timage_load(&cb, img, img_len + 100, NULL), HERALD_OK);
    assert_int_equal(herald_tcache_count(&cb), 5);
}

static void test_magic_and_version(void **state)
{
    (void)state;
    write_image(&ca);
    img[4] = 2;
    assert_int_equal(herald_timage_load(&cb, img, img_len, NULL), HERALD_E_IMAGE_VERSION);
    img[4] = 0;
    assert_int_equal(herald_timage_load(&cb, img, img_len, NULL), HERALD_E_IMAGE_VERSION);
    img[4] = 1;
    img[5] = 1;
    assert_int_equal(herald_timage_load(&cb, img, img_len, NULL), HERALD_E_IMAGE_VERSION);
    img[5] = 0;
    img[3] = 'M';
    assert_int_equal(herald_timage_load(&cb, img, img_len, NULL), HERALD_E_IMAGE_MAGIC);
    assert_int_equal(herald_timage_load(&cb, img, 4, NULL), HERALD_E_IMAGE_MAGIC);
    assert_int_equal(herald_timage_load(&cb, (const uint8_t *)"{\"data\":[]}", 11, NULL),
                     HERALD_E_IMAGE_MAGIC);
    assert_int_equal(herald_timage_load(&cb, (const uint8_t *)"X", 1, NULL), HERALD_E_IMAGE_MAGIC);
    assert_int_equal(herald_timage_load(&cb, (const uint8_t *)"HT", 2, NULL), HERALD_E_IMAGE_TRUNCATED);
    assert_int_equal(herald_timage_load(&cb, NULL, 0, NULL), HERALD_E_IMAGE_TRUNCATED);
    assert_int_equal(herald_timage_load(&cb, NULL, 16, NULL), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_timage_load(NULL, img, img_len, NULL), HERALD_E_INVALID_ARG);
}

static herald_status_t failing_sink(void *ctx, const char *data, size_t len)
{
    size_t *left = ctx;
    (void)data;
    if (len > *left) {
        return HERALD_E_FLASH;
    }
    *left -= len;
    return HERALD_OK;
}

static void test_write_errors(void **state)
{
    size_t left, total = 0;
    herald_buf_sink_t small = { (char *)img, 100, 0 };
    (void)state;
    load_platform_list();
    assert_int_equal(herald_timage_write(&ca, herald_count_sink, &total), HERALD_OK);
    assert_int_equal(herald_timage_write(&ca, herald_buf_sink, &small), HERALD_E_NOSPACE);
    assert_true(small.len > 100 && small.len < total); /* no writes after the failure */
    for (left = 0; left < total; left += 7) {
        size_t budget = left;
        assert_int_equal(herald_timage_write(&ca, failing_sink, &budget), HERALD_E_FLASH);
    }
    assert_int_equal(herald_timage_write(NULL, herald_count_sink, &total), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_timage_write(&ca, NULL, NULL), HERALD_E_INVALID_ARG);
}

static void test_template_bigger_than_cache(void **state)
{
    herald_tcache_t tiny;
    uint8_t a[151];
    size_t n = 99;
    (void)state;
    load_platform_list();
    write_image(&ca);
    assert_int_equal(herald_tcache_init(&tiny, a, sizeof a), HERALD_OK);
    assert_int_equal(herald_timage_load(&tiny, img, img_len, &n), HERALD_E_CACHE_FULL);
    assert_int_equal(n, 0);
    assert_int_equal(herald_tcache_count(&tiny), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_round_trip, setup),
        cmocka_unit_test_setup(test_exact_bytes, setup),
        cmocka_unit_test_setup(test_seed_size, setup),
        cmocka_unit_test_setup(test_every_flipped_payload_byte_is_corrupt, setup),
        cmocka_unit_test_setup(test_structure_checked_behind_a_good_crc, setup),
        cmocka_unit_test_setup(test_every_truncation_fails, setup),
        cmocka_unit_test_setup(test_magic_and_version, setup),
        cmocka_unit_test_setup(test_write_errors, setup),
        cmocka_unit_test_setup(test_template_bigger_than_cache, setup),
    };
    return cmocka_run_group_tests_name("template_image", tests, NULL, NULL);
}
