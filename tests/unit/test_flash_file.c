/* SPDX-License-Identifier: Apache-2.0 */
/* The NOR emulator keeps the NOR rules (0 -> 1 and misaligned writes are
 * caught and counted), counts wear, cuts power at the chosen operation and
 * lands the cut operation partially as specified; file mode persists and
 * locks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "herald_flash_file.h"

static const herald_flash_geometry_t GEO4 = { 256u, 4u, 4u };

typedef struct {
    herald_flash_file_t f;
    herald_flash_t fl;
} emu_t;

static emu_t *open_ram(const herald_flash_geometry_t *geo)
{
    emu_t *d = calloc(1, sizeof *d);
    assert_non_null(d);
    assert_int_equal(herald_flash_file_open(&d->f, NULL, geo, 0u, &d->fl), HERALD_OK);
    return d;
}

static void close_dev(emu_t *d)
{
    herald_flash_file_close(&d->f);
    free(d);
}

static int is_fill(const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != v) {
            return 0;
        }
    }
    return 1;
}

static void test_fresh_device_is_erased(void **state)
{
    emu_t *d = open_ram(&GEO4);
    uint8_t buf[1024];
    (void)state;
    assert_int_equal(d->fl.geometry.sector_size, 256u);
    assert_int_equal(d->fl.geometry.sector_count, 4u);
    assert_int_equal(d->fl.geometry.program_size, 4u);
    assert_int_equal(d->fl.read(d->fl.ctx, 0u, buf, sizeof buf), 0);
    assert_true(is_fill(buf, sizeof buf, 0xFF));
    assert_int_equal(d->fl.read(d->fl.ctx, 1020u, buf, 5u), HERALD_E_INVALID_ARG);
    assert_int_equal(d->f.stats.violations, 1u);
    close_dev(d);
}

static void test_program_only_clears_bits(void **state)
{
    emu_t *d = open_ram(&GEO4);
    const uint8_t a[4] = { 0x0F, 0xF0, 0x55, 0x00 };
    const uint8_t b[4] = { 0x05, 0x00, 0x55, 0x00 };
    const uint8_t bad[4] = { 0x05, 0x01, 0x55, 0x00 }; /* bit 0 of byte 1 is already 0 */
    uint8_t r[4];
    (void)state;
    assert_int_equal(d->fl.program(d->fl.ctx, 8u, a, 4u), 0);
    assert_int_equal(d->fl.program(d->fl.ctx, 8u, b, 4u), 0);
    assert_int_equal(d->fl.read(d->fl.ctx, 8u, r, 4u), 0);
    assert_memory_equal(r, b, 4u);
    assert_int_equal(d->f.stats.violations, 0u);
    assert_int_equal(d->fl.program(d->fl.ctx, 8u, bad, 4u), HERALD_E_FLASH);
    assert_int_equal(d->f.stats.violations, 1u);
    assert_int_equal(d->fl.read(d->fl.ctx, 8u, r, 4u), 0);
    assert_memory_equal(r, b, 4u); /* refused whole, nothing landed */
    assert_int_equal(d->f.stats.programs, 2u);
    assert_int_equal(d->f.stats.bytes_programmed, 8u);
    assert_int_equal(d->f.stats.ops, 2u);
    close_dev(d);
}

static void test_misaligned_and_out_of_range(void **state)
{
    emu_t *d = open_ram(&GEO4);
    const uint8_t z[8] = { 0 };
    (void)state;
    assert_int_equal(d->fl.program(d->fl.ctx, 2u, z, 4u), HERALD_E_FLASH);
    assert_int_equal(d->fl.program(d->fl.ctx, 4u, z, 3u), HERALD_E_FLASH);
    assert_int_equal(d->fl.program(d->fl.ctx, 4u, z, 0u), HERALD_E_INVALID_ARG);
    assert_int_equal(d->fl.program(d->fl.ctx, 252u, z, 8u), HERALD_E_INVALID_ARG); /* crosses a sector */
    assert_int_equal(d->fl.program(d->fl.ctx, 1024u, z, 4u), HERALD_E_INVALID_ARG);
    assert_int_equal(d->fl.erase(d->fl.ctx, 4u), HERALD_E_INVALID_ARG);
    assert_int_equal(d->f.stats.violations, 6u);
    assert_int_equal(d->f.stats.ops, 0u);
    close_dev(d);

    /* program size 1 takes any address and length */
    {
        const herald_flash_geometry_t g1 = { 64u, 2u, 1u };
        d = open_ram(&g1);
        assert_int_equal(d->fl.program(d->fl.ctx, 3u, z, 5u), 0);
        assert_int_equal(d->f.stats.violations, 0u);
        close_dev(d);
    }
}

static void test_erase_counts_per_sector(void **state)
{
    emu_t *d = open_ram(&GEO4);
    const uint8_t z[4] = { 0 };
    uint8_t buf[256];
    (void)state;
    assert_int_equal(d->fl.program(d->fl.ctx, 256u + 12u, z, 4u), 0);
    assert_int_equal(d->fl.erase(d->fl.ctx, 1u), 0);
    assert_int_equal(d->fl.erase(d->fl.ctx, 1u), 0);
    assert_int_equal(d->fl.erase(d->fl.ctx, 3u), 0);
    assert_int_equal(d->fl.read(d->fl.ctx, 256u, buf, sizeof buf), 0);
    assert_true(is_fill(buf, sizeof buf, 0xFF));
    assert_int_equal(d->f.sector_erases[0], 0u);
    assert_int_equal(d->f.sector_erases[1], 2u);
    assert_int_equal(d->f.sector_erases[2], 0u);
    assert_int_equal(d->f.sector_erases[3], 1u);
    assert_int_equal(d->f.stats.erases, 3u);
    assert_int_equal(d->f.stats.ops, 4u);
    close_dev(d);
}

static void test_cut_after_n_ops(void **state)
{
    emu_t *d = open_ram(&GEO4);
    const uint8_t z[4] = { 0 };
    uint8_t r[4];
    (void)state;
    herald_flash_file_cut(&d->f, 2u, HERALD_FLASH_CUT_CLEAN, 1u);
    assert_int_equal(d->fl.program(d->fl.ctx, 0u, z, 4u), 0);
    assert_int_equal(d->fl.read(d->fl.ctx, 0u, r, 4u), 0); /* reads are not counted */
    assert_int_equal(d->fl.erase(d->fl.ctx, 2u), 0);
    assert_int_equal(d->fl.program(d->fl.ctx, 4u, z, 4u), HERALD_E_FLASH); /* the cut one */
    assert_int_equal(d->fl.program(d->fl.ctx, 8u, z, 4u), HERALD_E_FLASH); /* off */
    assert_int_equal(d->fl.erase(d->fl.ctx, 0u), HERALD_E_FLASH);
    assert_int_equal(d->fl.read(d->fl.ctx, 0u, r, 4u), HERALD_E_FLASH);
    assert_int_equal(d->f.stats.ops, 3u);
    herald_flash_file_power_on(&d->f);
    assert_int_equal(d->fl.read(d->fl.ctx, 4u, r, 4u), 0);
    assert_true(is_fill(r, 4u, 0xFF)); /* a clean cut lands nothing */
    assert_int_equal(d->fl.read(d->fl.ctx, 0u, r, 4u), 0);
    assert_true(is_fill(r, 4u, 0x00));
    for (int i = 0; i < 10; i++) { /* no cut armed after power on */
        assert_int_equal(d->fl.erase(d->fl.ctx, 0u), 0);
    }
    assert_int_equal(d->f.stats.violations, 0u);
    close_dev(d);
}

/* Cut a 64-byte program of zeros over a pattern and return what landed. */
static void cut_program(herald_flash_cut_t how, uint32_t seed, uint8_t *out)
{
    const herald_flash_geometry_t g = { 256u, 2u, 16u };
    emu_t *d = open_ram(&g);
    uint8_t pat[64], z[64];
    for (size_t i = 0; i < sizeof pat; i++) {
        pat[i] = (uint8_t)(0xF0u | (i & 0x0Fu));
    }
    memset(z, 0, sizeof z);
    assert_int_equal(d->fl.program(d->fl.ctx, 32u, pat, sizeof pat), 0);
    herald_flash_file_cut(&d->f, 0u, how, seed);
    assert_int_equal(d->fl.program(d->fl.ctx, 32u, z, sizeof z), HERALD_E_FLASH);
    herald_flash_file_power_on(&d->f);
    assert_int_equal(d->fl.read(d->fl.ctx, 32u, out, 64u), 0);
    assert_int_equal(d->f.stats.violations, 0u);
    close_dev(d);
}

static void test_partial_program_bits(void **state)
{
    uint8_t r[64], again[64];
    size_t cleared = 0, kept = 0;
    (void)state;
    cut_program(HERALD_FLASH_CUT_BITS, 7u, r);
    for (size_t i = 0; i < sizeof r; i++) {
        uint8_t before = (uint8_t)(0xF0u | (i & 0x0Fu));
        assert_int_equal(r[i] & (uint8_t)~before, 0); /* no bit went 0 -> 1 */
        for (int b = 0; b < 8; b++) {
            if (before & (1u << b)) {
                if (r[i] & (1u << b)) {
                    kept++;
                } else {
                    cleared++;
                }
            }
        }
    }
    assert_true(cleared > 0u && kept > 0u); /* some of the bits, not all */
    cut_program(HERALD_FLASH_CUT_BITS, 7u, again);
    assert_memory_equal(r, again, sizeof r); /* the same seed lands the same bits */
    cut_program(HERALD_FLASH_CUT_BITS, 8u, again);
    assert_memory_not_equal(r, again, sizeof r);
}

static void test_partial_program_prefix(void **state)
{
    uint8_t r[64];
    size_t p = 0;
    (void)state;
    cut_program(HERALD_FLASH_CUT_PREFIX, 3u, r);
    while (p < sizeof r && r[p] == 0x00) {
        p++;
    }
    assert_true(p < sizeof r);
    for (size_t i = p; i < sizeof r; i++) {
        assert_int_equal(r[i], 0xF0u | (i & 0x0Fu)); /* after the prefix: unchanged */
    }
    cut_program(HERALD_FLASH_CUT_CLEAN, 3u, r);
    for (size_t i = 0; i < sizeof r; i++) {
        assert_int_equal(r[i], 0xF0u | (i & 0x0Fu));
    }
}

static void cut_erase(herald_flash_cut_t how, uint32_t seed, uint8_t *out)
{
    emu_t *d = open_ram(&GEO4);
    uint8_t z[256];
    memset(z, 0, sizeof z);
    assert_int_equal(d->fl.program(d->fl.ctx, 256u, z, sizeof z), 0);
    herald_flash_file_cut(&d->f, 0u, how, seed);
    assert_int_equal(d->fl.erase(d->fl.ctx, 1u), HERALD_E_FLASH);
    assert_int_equal(d->f.sector_erases[1], 1u);
    herald_flash_file_power_on(&d->f);
    assert_int_equal(d->fl.read(d->fl.ctx, 256u, out, 256u), 0);
    close_dev(d);
}

static void test_partial_erase(void **state)
{
    uint8_t r[256];
    size_t ff = 0, p = 0;
    (void)state;
    cut_erase(HERALD_FLASH_CUT_BITS, 11u, r);
    for (size_t i = 0; i < sizeof r; i++) {
        assert_true(r[i] == 0x00 || r[i] == 0xFF);
        ff += r[i] == 0xFF;
    }
    assert_true(ff > 0u && ff < sizeof r);
    cut_erase(HERALD_FLASH_CUT_PREFIX, 11u, r);
    while (p < sizeof r && r[p] == 0xFF) {
        p++;
    }
    assert_true(p < sizeof r);
    assert_true(is_fill(r + p, sizeof r - p, 0x00));
    cut_erase(HERALD_FLASH_CUT_CLEAN, 11u, r);
    assert_true(is_fill(r, sizeof r, 0x00));
}

static void test_bad_geometry(void **state)
{
    herald_flash_file_t f;
    herald_flash_t fl;
    const herald_flash_geometry_t bad[] = {
        { 256u, 4u, 2u }, { 250u, 4u, 4u }, { 256u, 0u, 4u }, { 0u, 4u, 1u }
    };
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(herald_flash_file_open(&f, NULL, &bad[i], 0u, &fl), HERALD_E_INVALID_ARG);
    }
}

static void test_file_persists_and_locks(void **state)
{
    char path[] = "/tmp/herald-flash-XXXXXX";
    int fd = mkstemp(path);
    herald_flash_file_t a, b;
    herald_flash_t fa, fb;
    const uint8_t z[4] = { 0x12, 0x34, 0x00, 0x00 };
    const uint8_t up[4] = { 0xFF, 0xFF, 0xFF, 0x01 };
    const herald_flash_geometry_t other = { 512u, 4u, 4u };
    uint8_t r[8];
    (void)state;
    assert_true(fd >= 0);
    close(fd); /* empty file: created erased */
    assert_int_equal(herald_flash_file_open(&a, path, &GEO4, 0u, &fa), HERALD_OK);
    assert_int_equal(fa.read(fa.ctx, 0u, r, 8u), 0);
    assert_true(is_fill(r, 8u, 0xFF));
    assert_int_equal(fa.program(fa.ctx, 260u, z, 4u), 0);
    assert_int_equal(fa.program(fa.ctx, 260u, up, 4u), HERALD_E_FLASH);
    assert_int_equal(a.stats.violations, 1u);

    /* a second open sees the same image and cannot take the lock while a holds it */
    assert_int_equal(herald_flash_file_open(&b, path, &GEO4, 0u, &fb), HERALD_OK);
    assert_int_equal(fb.read(fb.ctx, 260u, r, 4u), 0);
    assert_memory_equal(r, z, 4u);
    assert_int_equal(herald_flash_file_lock(&a, 0), HERALD_OK);
    assert_int_equal(herald_flash_file_lock(&b, 0), HERALD_E_BUSY);
    herald_flash_file_unlock(&a);
    assert_int_equal(herald_flash_file_lock(&b, 1), HERALD_OK);
    assert_int_equal(herald_flash_file_lock(&a, 0), HERALD_E_BUSY);
    herald_flash_file_close(&b); /* closing releases the lock */
    assert_int_equal(herald_flash_file_lock(&a, 0), HERALD_OK);
    herald_flash_file_close(&a);

    /* reopened: the bytes are still there; another size is refused */
    assert_int_equal(herald_flash_file_open(&a, path, &GEO4, HERALD_FLASH_FILE_NO_SYNC, &fa), HERALD_OK);
    assert_int_equal(fa.read(fa.ctx, 256u, r, 8u), 0);
    assert_memory_equal(r, "\xFF\xFF\xFF\xFF\x12\x34\x00\x00", 8u);
    herald_flash_file_close(&a);
    assert_int_equal(herald_flash_file_open(&a, path, &other, 0u, &fa), HERALD_E_INVALID_ARG);
    assert_int_equal(herald_flash_file_open(&a, "/nonexistent-dir/x", &GEO4, 0u, &fa), HERALD_E_FLASH);
    unlink(path);
}

static void test_memory_mode_lock_is_a_no_op(void **state)
{
    emu_t *d = open_ram(&GEO4);
    (void)state;
    assert_int_equal(herald_flash_file_lock(&d->f, 0), HERALD_OK);
    herald_flash_file_unlock(&d->f);
    close_dev(d);
}

static void test_ecc_rule_allows_only_zeroing_again(void **state)
{
    const herald_flash_geometry_t g = { 256u, 2u, 8u };
    herald_flash_file_t f;
    herald_flash_t fl;
    const uint8_t half[8] = { 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00 };
    const uint8_t more[8] = { 0x00, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00 };
    const uint8_t zero[16] = { 0 };
    (void)state;
    assert_int_equal(herald_flash_file_open(&f, NULL, &g, HERALD_FLASH_FILE_ECC, &fl), HERALD_OK);
    assert_int_equal(fl.program(fl.ctx, 8u, half, 8u), 0);
    assert_int_equal(fl.program(fl.ctx, 8u, more, 8u), HERALD_E_FLASH); /* legal NOR, not with ECC */
    assert_int_equal(f.stats.violations, 1u);
    assert_int_equal(fl.program(fl.ctx, 0u, zero, 16u), 0); /* erased unit + zeroing a programmed one */
    assert_int_equal(fl.program(fl.ctx, 0u, zero, 16u), 0);
    assert_int_equal(f.stats.violations, 1u);
    herald_flash_file_close(&f);
}

static void test_fail_once_leaves_the_device_on(void **state)
{
    emu_t *d = open_ram(&GEO4);
    const uint8_t z[4] = { 0 };
    uint8_t r[4];
    (void)state;
    herald_flash_file_fail_once(&d->f, 1u, HERALD_FLASH_CUT_CLEAN, 5u);
    assert_int_equal(d->fl.program(d->fl.ctx, 0u, z, 4u), 0);
    assert_int_equal(d->fl.program(d->fl.ctx, 4u, z, 4u), HERALD_E_FLASH);
    assert_int_equal(d->fl.read(d->fl.ctx, 4u, r, 4u), 0);
    assert_true(is_fill(r, 4u, 0xFF));
    assert_int_equal(d->fl.program(d->fl.ctx, 4u, z, 4u), 0); /* on, and disarmed */
    assert_int_equal(d->fl.erase(d->fl.ctx, 0u), 0);
    assert_int_equal(d->f.stats.ops, 4u);
    close_dev(d);
}

static void test_flip_and_stuck_bits(void **state)
{
    emu_t *d = open_ram(&GEO4);
    const uint8_t z[4] = { 0 };
    uint8_t r[4];
    (void)state;
    /* a flip changes the byte at rest; an erase repairs it */
    herald_flash_file_flip(&d->f, 5u, 0x21u);
    assert_int_equal(d->fl.read(d->fl.ctx, 4u, r, 4u), 0);
    assert_int_equal(r[1], 0xDEu);
    assert_int_equal(d->fl.erase(d->fl.ctx, 0u), 0);
    assert_int_equal(d->fl.read(d->fl.ctx, 4u, r, 4u), 0);
    assert_true(is_fill(r, 4u, 0xFF));
    /* a stuck bit reads its value through programs and erases */
    assert_true(herald_flash_file_stick(&d->f, 9u, 0x80u, 0x00u));
    assert_true(herald_flash_file_stick(&d->f, 12u, 0x01u, 0x01u));
    assert_int_equal(d->fl.read(d->fl.ctx, 8u, r, 4u), 0);
    assert_int_equal(r[1], 0x7Fu);
    assert_int_equal(d->fl.program(d->fl.ctx, 12u, z, 4u), 0);
    assert_int_equal(d->fl.read(d->fl.ctx, 12u, r, 4u), 0);
    assert_int_equal(r[0], 0x01u);
    assert_int_equal(r[1], 0x00u);
    assert_int_equal(d->fl.erase(d->fl.ctx, 0u), 0);
    assert_int_equal(d->fl.read(d->fl.ctx, 8u, r, 1u), 0);
    assert_int_equal(d->fl.read(d->fl.ctx, 9u, r + 1, 1u), 0);
    assert_int_equal(r[0], 0xFFu);
    assert_int_equal(r[1], 0x7Fu);
    assert_int_equal(d->f.stats.violations, 0u);
    assert_false(herald_flash_file_stick(&d->f, 1024u, 0x01u, 0u)); /* outside */
    herald_flash_file_unstick_all(&d->f);
    assert_int_equal(d->fl.read(d->fl.ctx, 9u, r, 1u), 0);
    assert_int_equal(r[0], 0xFFu);
    close_dev(d);
}

static void file_bytes(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    *len = fread(buf, 1, cap, fp);
    fclose(fp);
}

static void write_file(const char *path, const uint8_t *buf, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(buf, 1, len, fp), len);
    fclose(fp);
}

/* HEADER mode: the file says what it is; a file that does not is refused
 * and left as it was; the recorded geometry wins over the one asked for. */
static void test_file_header_identity_and_geometry(void **state)
{
    char path[] = "/tmp/herald-flashhdr-XXXXXX";
    const herald_flash_geometry_t other = { 512u, 2u, 8u };
    static uint8_t before[8192], after[8192], seen[8192];
    size_t n_before, n_after, n_seen;
    herald_flash_file_t f;
    herald_flash_t fl;
    const uint8_t z[4] = { 0 };
    uint8_t r[4];
    int fd = mkstemp(path);
    (void)state;
    assert_true(fd >= 0);
    close(fd); /* empty: created */
    assert_int_equal(herald_flash_file_open(&f, path, &GEO4, HERALD_FLASH_FILE_HEADER, &fl), HERALD_OK);
    assert_int_equal(f.size, 1024u);
    assert_int_equal(fl.program(fl.ctx, 1020u, z, 4u), 0);
    herald_flash_file_close(&f);
    file_bytes(path, before, sizeof before, &n_before);
    assert_int_equal(n_before, HERALD_FLASH_FILE_HDR_SIZE + 1024u);
    assert_memory_equal(before, "HERALDQF", 8u);
    /* asked for another geometry: the file's is used */
    assert_int_equal(herald_flash_file_open(&f, path, &other, HERALD_FLASH_FILE_HEADER, &fl), HERALD_OK);
    assert_int_equal(fl.geometry.sector_size, 256u);
    assert_int_equal(fl.geometry.sector_count, 4u);
    assert_int_equal(fl.geometry.program_size, 4u);
    assert_int_equal(fl.read(fl.ctx, 1020u, r, 4u), 0);
    assert_true(is_fill(r, 4u, 0x00));
    herald_flash_file_close(&f);
    /* a damaged header, another version, a wrong size, a headerless image:
     * refused, and the file is not changed */
    for (int k = 0; k < 4; k++) {
        memcpy(after, before, n_before);
        n_after = n_before;
        if (k == 0) {
            after[13] ^= 0x01u; /* sector size, so the CRC fails */
        } else if (k == 1) {
            after[8] = 2u; /* version 2 */
        } else if (k == 2) {
            n_after -= 4u;
        } else {
            memset(after, 0xFF, n_after);
        }
        write_file(path, after, n_after);
        assert_int_equal(herald_flash_file_open(&f, path, &GEO4, HERALD_FLASH_FILE_HEADER, &fl),
                         HERALD_E_QUEUE_FOREIGN);
        file_bytes(path, seen, sizeof seen, &n_seen);
        assert_int_equal(n_seen, n_after);
        assert_memory_equal(seen, after, n_after);
    }
    unlink(path);
    /* missing: created too */
    assert_int_equal(herald_flash_file_open(&f, path, &other, HERALD_FLASH_FILE_HEADER, &fl), HERALD_OK);
    assert_int_equal(fl.geometry.sector_size, 512u);
    herald_flash_file_close(&f);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fresh_device_is_erased),
        cmocka_unit_test(test_program_only_clears_bits),
        cmocka_unit_test(test_misaligned_and_out_of_range),
        cmocka_unit_test(test_erase_counts_per_sector),
        cmocka_unit_test(test_cut_after_n_ops),
        cmocka_unit_test(test_fail_once_leaves_the_device_on),
        cmocka_unit_test(test_partial_program_bits),
        cmocka_unit_test(test_partial_program_prefix),
        cmocka_unit_test(test_partial_erase),
        cmocka_unit_test(test_ecc_rule_allows_only_zeroing_again),
        cmocka_unit_test(test_bad_geometry),
        cmocka_unit_test(test_file_persists_and_locks),
        cmocka_unit_test(test_memory_mode_lock_is_a_no_op),
        cmocka_unit_test(test_flip_and_stuck_bits),
        cmocka_unit_test(test_file_header_identity_and_geometry),
    };
    return cmocka_run_group_tests_name("flash_file", tests, NULL, NULL);
}
