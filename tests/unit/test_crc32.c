/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "firmware/src/crc32.h"

/* The textbook bit-at-a-time CRC, as an independent reference. */
static uint32_t ref_crc32(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

static void test_check_values(void **state)
{
    static const char fox[] = "The quick brown fox jumps over the lazy dog";
    (void)state;
    assert_int_equal(herald_crc32(0, "123456789", 9), 0xCBF43926u);
    assert_int_equal(herald_crc32(0, fox, sizeof fox - 1u), 0x414FA339u);
    assert_int_equal(herald_crc32(0, "", 0), 0u);
    assert_int_equal(herald_crc32(0, "a", 1), 0xE8B7BE43u);
    assert_int_equal(herald_crc32(0x12345678u, "", 0), 0x12345678u);
}

static void test_chaining_at_every_split(void **state)
{
    static const char s[] = "123456789";
    (void)state;
    for (size_t k = 0; k <= 9; k++) {
        uint32_t c = herald_crc32(0, s, k);
        assert_int_equal(herald_crc32(c, s + k, 9 - k), 0xCBF43926u);
    }
}

static void test_matches_bitwise_reference(void **state)
{
    uint8_t buf[1024];
    uint32_t x = 0x2545F491u;
    (void)state;
    for (size_t i = 0; i < sizeof buf; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (uint8_t)x;
    }
    for (size_t n = 0; n <= sizeof buf; n += 37) {
        assert_int_equal(herald_crc32(0, buf, n), ref_crc32(buf, n));
    }
    memset(buf, 0xFF, sizeof buf);
    assert_int_equal(herald_crc32(0, buf, sizeof buf), ref_crc32(buf, sizeof buf));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_values),
        cmocka_unit_test(test_chaining_at_every_split),
        cmocka_unit_test(test_matches_bitwise_reference),
    };
    return cmocka_run_group_tests_name("crc32", tests, NULL, NULL);
}
