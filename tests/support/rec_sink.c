/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "rec_sink.h"

herald_status_t rec_sink(void *ctx, const char *data, size_t len)
{
    rec_t *r = ctx;
    if (++r->calls == r->fail_at) {
        return HERALD_E_NET;
    }
    assert_true(len <= sizeof r->buf - r->len);
    memcpy(r->buf + r->len, data, len);
    r->len += len;
    return HERALD_OK;
}
