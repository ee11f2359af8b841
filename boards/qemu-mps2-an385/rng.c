/* SPDX-License-Identifier: Apache-2.0 */
/* The rng seam: HMAC_DRBG with SHA-256 (NIST SP 800-90A), seeded once at
 * boot with 48 bytes of the host's /dev/urandom read through semihosting.
 * This stands in for the TRNG a real board would seed (and reseed) it from;
 * the boot time mixed in is personalisation, not entropy.  It is written on
 * mbedtls_sha256 directly, which needs no heap, so it works before
 * herald_tls_platform_init() and its state is plain static data. */
#include <string.h>

#include "board.h"
#include "herald/status.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/sha256.h"
#include "semihost.h"

#define SEED_LEN 48u
#define H 32u /* SHA-256 output */

static struct {
    uint8_t key[H];
    uint8_t v[H];
    int seeded;
} g_drbg;

static void hmac(const uint8_t key[H], const uint8_t *a, size_t alen, uint8_t sep, int use_sep,
                 const uint8_t *b, size_t blen, uint8_t out[H])
{
    mbedtls_sha256_context c;
    uint8_t pad[64], inner[H];
    memset(pad, 0x36, sizeof pad);
    for (unsigned i = 0; i < H; i++) {
        pad[i] ^= key[i];
    }
    mbedtls_sha256_init(&c);
    (void)mbedtls_sha256_starts(&c, 0);
    (void)mbedtls_sha256_update(&c, pad, sizeof pad);
    (void)mbedtls_sha256_update(&c, a, alen);
    if (use_sep) {
        (void)mbedtls_sha256_update(&c, &sep, 1);
    }
    if (blen != 0u) {
        (void)mbedtls_sha256_update(&c, b, blen);
    }
    (void)mbedtls_sha256_finish(&c, inner);
    for (unsigned i = 0; i < sizeof pad; i++) {
        pad[i] ^= 0x36 ^ 0x5C;
    }
    (void)mbedtls_sha256_starts(&c, 0);
    (void)mbedtls_sha256_update(&c, pad, sizeof pad);
    (void)mbedtls_sha256_update(&c, inner, H);
    (void)mbedtls_sha256_finish(&c, out);
    mbedtls_sha256_free(&c);
    mbedtls_platform_zeroize(pad, sizeof pad);
    mbedtls_platform_zeroize(inner, sizeof inner);
}

/* HMAC_DRBG_Update(provided_data). */
static void drbg_update(const uint8_t *data, size_t len)
{
    for (uint8_t round = 0; round < 2u; round++) {
        hmac(g_drbg.key, g_drbg.v, H, round, 1, data, len, g_drbg.key);
        hmac(g_drbg.key, g_drbg.v, H, 0, 0, NULL, 0, g_drbg.v);
        if (len == 0u) {
            break;
        }
    }
}

int board_rng_init(void)
{
    uint8_t seed[SEED_LEN + 8];
    int fd = sh_open("/dev/urandom", SH_MODE_RB);
    int ok = fd >= 0 && sh_read(fd, seed, SEED_LEN) == 0;
    if (fd >= 0) {
        (void)sh_close(fd);
    }
    if (!ok) {
        return HERALD_E_NOT_SUPPORTED;
    }
    int64_t t = sh_time();
    int32_t c = sh_clock();
    memcpy(seed + SEED_LEN, &t, 4);
    memcpy(seed + SEED_LEN + 4, &c, 4);
    memset(g_drbg.key, 0x00, H);
    memset(g_drbg.v, 0x01, H);
    drbg_update(seed, sizeof seed);
    mbedtls_platform_zeroize(seed, sizeof seed);
    g_drbg.seeded = 1;
    return HERALD_OK;
}

static int rng_fill(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    if (!g_drbg.seeded) {
        return HERALD_E_NOT_SUPPORTED;
    }
    while (len > 0u) {
        size_t n = len < H ? len : H;
        hmac(g_drbg.key, g_drbg.v, H, 0, 0, NULL, 0, g_drbg.v);
        memcpy(buf, g_drbg.v, n);
        buf += n;
        len -= n;
    }
    drbg_update(NULL, 0); /* backtracking resistance after every request */
    return HERALD_OK;
}

herald_rng_t board_rng(void)
{
    return (herald_rng_t){ rng_fill, NULL };
}

/* lwIP's LWIP_RAND() (DHCP transaction ids, the first local port). */
uint32_t board_rand32(void)
{
    uint32_t v = 0;
    (void)rng_fill(NULL, (uint8_t *)&v, sizeof v);
    return v;
}
