/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include "herald/types.h"

herald_str_t herald_str(const char *s)
{
    herald_str_t v = { s, s ? strlen(s) : 0u };
    if (!s) {
        v.ptr = "";
    }
    return v;
}

int herald_str_eq(herald_str_t a, const char *s)
{
    size_t n = strlen(s);
    return a.len == n && (n == 0u || memcmp(a.ptr, s, n) == 0);
}

herald_status_t herald_buf_sink(void *ctx, const char *data, size_t len)
{
    herald_buf_sink_t *b = ctx;
    herald_status_t st = HERALD_OK;
    if (b->len <= b->cap && len <= b->cap - b->len) {
        (void)memcpy(b->buf + b->len, data, len);
    } else {
        st = HERALD_E_NOSPACE;
    }
    b->len += len;
    return st;
}

herald_status_t herald_count_sink(void *ctx, const char *data, size_t len)
{
    (void)data;
    *(size_t *)ctx += len;
    return HERALD_OK;
}
