/* SPDX-License-Identifier: Apache-2.0 */
/* Where the agent sends: the base URL or the region, and the credentials,
 * checked so that they can never split a header line or make TLS check one
 * name while the connection reaches another address. */
#include <string.h>
#include "herald/herald.h"
#include "exchange.h"
#include "span.h"

/* ---- configuration --------------------------------------------------------- */

/* Header values go on the wire verbatim, so anything that could split or end
 * a header line (CR, LF, other controls) is refused up front. */
static int header_value_ok(const char *s, int id_chars_only)
{
    if (!s || !*s) {
        return 0;
    }
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x21u || c == 0x7Fu) {
            return 0;
        }
        if (id_chars_only && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                               c == '-' || c == '_' || c == '.')) {
            return 0;
        }
    }
    return 1;
}

static int is_dec(char c)
{
    return c >= '0' && c <= '9';
}

/* A host that the resolver would read as a number must be that number in
 * its one canonical form, or TLS would check one name and the connection
 * reach another address: inet_aton takes 127.1, 0x7f.1, 2130706433 and
 * 0177.0.0.1 for 127.0.0.1, while Mbed TLS treats them as host names.  A
 * host is numeric when every dot-separated label starts with a digit; then
 * it must be four decimal octets without leading zeros.  In brackets only
 * an IPv6 literal (hex digits, ':' and the '.' of an embedded IPv4), and
 * nowhere a zone ('%'), which TLS cannot name. */
static int host_ok(const char *h, size_t n, int bracketed)
{
    int numeric = 1;
    int octets = 0;
    size_t i = 0u;
    if (bracketed) {
        int colon = 0;
        for (i = 0u; i < n; i++) {
            char c = h[i];
            colon = colon || c == ':';
            if (!is_dec(c) && !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F') && c != ':' && c != '.') {
                return 0;
            }
        }
        return colon;
    }
    for (i = 0u; i < n; i++) {
        if (h[i] == '%' || h[i] == '[' || h[i] == ']') {
            return 0;
        }
        if ((i == 0u || h[i - 1u] == '.') && !is_dec(h[i])) {
            numeric = 0;
        }
    }
    if (!numeric) {
        return 1;
    }
    i = 0u;
    while (i < n) {
        uint32_t v = 0u;
        size_t start = i;
        while (i < n && is_dec(h[i]) && i - start < 3u) {
            v = (v * 10u) + ((uint32_t)(unsigned char)h[i] - (uint32_t)'0');
            i++;
        }
        if (i == start || v > 255u || (h[start] == '0' && i - start > 1u) || (i < n && h[i] != '.')) {
            return 0;
        }
        octets++;
        i += (i < n) ? 1u : 0u;
        if (i == n && h[n - 1u] == '.') {
            return 0; /* a trailing dot */
        }
    }
    return octets == 4;
}

static herald_status_t parse_base_url(herald_endpoint_t *ep, const char *url)
{
    static const char scheme[] = "https://";
    const char *h;
    const char *end;
    const char *p;
    ptrdiff_t span;
    size_t hlen;
    uint32_t port = 443u;

    for (size_t i = 0; i < sizeof scheme - 1u; i++) {
        char c = url[i];
        if (c >= 'A' && c <= 'Z') {
            c += 'a' - 'A';
        }
        if (c != scheme[i]) {
            return HERALD_E_URL_INVALID;
        }
    }
    h = url + sizeof scheme - 1u;
    if (*h == '[') { /* IPv6 literal */
        end = strchr(h, ']');
        if (!end) {
            return HERALD_E_URL_INVALID;
        }
        h++;
        p = end + 1;
    } else {
        end = h + strcspn(h, ":/?#");
        p = end;
    }
    span = end - h;
    hlen = (size_t)span;
    if (hlen == 0u || hlen > HERALD_HOST_MAX_LEN) {
        return HERALD_E_URL_INVALID;
    }
    for (size_t i = 0; i < hlen; i++) {
        unsigned char c = (unsigned char)h[i];
        if (c <= 0x20u || c >= 0x7Fu || c == '@') {
            return HERALD_E_URL_INVALID;
        }
    }
    if (!host_ok(h, hlen, *(h - 1) == '[')) {
        return HERALD_E_URL_INVALID;
    }
    if (*p == ':') {
        port = 0u;
        p++;
        if (*p < '0' || *p > '9') {
            return HERALD_E_URL_INVALID;
        }
        while (*p >= '0' && *p <= '9') {
            port = port * 10u + (uint32_t)(*p - '0');
            if (port > 65535u) {
                return HERALD_E_URL_INVALID;
            }
            p++;
        }
        if (port == 0u) {
            return HERALD_E_URL_INVALID;
        }
    }
    if (*p == '/') {
        p++;
    }
    if (*p != '\0') {
        return HERALD_E_URL_INVALID; /* the API path is fixed; a base has none */
    }
    (void)memcpy(ep->host, h, hlen);
    ep->host[hlen] = '\0';
    ep->port = (uint16_t)port;
    return HERALD_OK;
}

static herald_status_t region_host(herald_endpoint_t *ep, const char *region, const char *app_id)
{
    herald_span_t t;
    if (!region || (strcmp(region, "us") != 0 && strcmp(region, "eu") != 0 && strcmp(region, "in") != 0)) {
        return HERALD_E_INVALID_ARG;
    }
    herald_span_init(&t, ep->host, sizeof ep->host - 1u);
    herald_span_str(&t, app_id);
    herald_span_str(&t, ".api-");
    herald_span_str(&t, region);
    herald_span_str(&t, ".cometchat.io");
    if (t.err) {
        return HERALD_E_INVALID_ARG;
    }
    ep->host[t.len] = '\0';
    ep->port = 443u;
    return HERALD_OK;
}

herald_status_t herald_endpoint_set(herald_endpoint_t *ep, const char *base_url, const char *region,
                                    const char *app_id, const char *api_key)
{
    herald_endpoint_t e;
    herald_status_t st;
    if (!header_value_ok(app_id, 1) || !header_value_ok(api_key, 0)) {
        return HERALD_E_INVALID_ARG;
    }
    st = base_url ? parse_base_url(&e, base_url) : region_host(&e, region, app_id);
    if (st == HERALD_OK) {
        e.app_id = app_id;
        e.api_key = api_key;
        *ep = e;
    }
    return st;
}
