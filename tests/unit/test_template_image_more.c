/* SPDX-License-Identifier: Apache-2.0 */
/* A payload cut at every byte behind a good CRC: each field's read must see
 * that its bytes are missing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "herald/template.h"
#include "firmware/src/crc32.h"

static uint8_t arena_a[1024], arena_b[1024];

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static void test_payload_cut_at_every_byte(void **state)
{
    static const herald_tvar_t vars[] = {
        { { "device", 6 }, HERALD_VTYPE_STRING },
        { { "url", 3 }, HERALD_VTYPE_ACTION },
    };
    herald_template_t t = { HERALD_STR_LIT("alert"),
                            HERALD_STR_LIT("tpl_a"),
                            HERALD_TSTATUS_APPROVED,
                            1,
                            vars,
                            2,
                            HERALD_STR_LIT("Alert: {{device}}"),
                            HERALD_STR_LIT("See {{url}}") };
    herald_tcache_t a, b;
    uint8_t img[256];
    herald_buf_sink_t s = { (char *)img, sizeof img, 0 };
    size_t plen, n;
    (void)state;
    assert_int_equal(herald_tcache_init(&a, arena_a, sizeof arena_a), HERALD_OK);
    assert_int_equal(herald_tcache_init(&b, arena_b, sizeof arena_b), HERALD_OK);
    assert_int_equal(herald_tcache_put(&a, &t), HERALD_OK);
    assert_int_equal(herald_timage_write(&a, herald_buf_sink, &s), HERALD_OK);
    plen = s.len - 16;
    for (size_t cut = 0; cut < plen; cut++) {
        uint8_t bad[256];
        memcpy(bad, img, 16 + cut);
        put_le32(&bad[8], (uint32_t)cut);
        put_le32(&bad[12], herald_crc32(0, &bad[16], cut));
        n = 99;
        if (herald_timage_load(&b, bad, 16 + cut, &n) != HERALD_E_IMAGE_CORRUPT) {
            fail_msg("payload cut to %zu bytes was not refused", cut);
        }
        assert_int_equal(n, 0);
        assert_int_equal(herald_tcache_count(&b), 0);
    }
    assert_int_equal(herald_timage_load(&b, img, s.len, &n), HERALD_OK);
    assert_int_equal(n, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_payload_cut_at_every_byte),
    };
    return cmocka_run_group_tests_name("template_image_more", tests, NULL, NULL);
}
