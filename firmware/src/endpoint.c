/* SPDX-License-Identifier: Apache-2.0 */
/* Where the agent sends: the base URL or the region, and the credentials,
 * checked so that they can never split a header line or make TLS check one
 * name while the connection reaches another address. */
#include <string.h>
#include "herald/herald.h"
#include "exchange.h"
#include "span.h"

/* ---- configuration --------------------------------------------------------- */

static int is_dec(char c)
{
    return c >= '0' && c <= '9';
}

static int is_hex(char c)
{
    return is_dec(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* [0-9A-Za-z._-]: what an app id may hold. */
static int is_id_char(char c)
{
    return is_dec(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c != '\0' && strchr("-_.", c) != NULL);
}

/* Header values go on the wire verbatim, so anything that could split or end
 * a header line (CR, LF, other controls) is refused up front. */
static int header_char_ok(char ch, int id_chars_only)
{
    unsigned char c = (unsigned char)ch;
    if (c < 0x21u || c == 0x7Fu) {
        return 0;
    }
    return !id_chars_only || is_id_char(ch);
}

int herald_is_slug(const char *s)
{
    for (; *s; s++) {
        if (!is_id_char(*s)) {
            return 0;
        }
    }
    return 1;
}

static int header_value_ok(const char *s, int id_chars_only)
{
    if (!s || !*s) {
        return 0;
    }
    for (; *s; s++) {
        if (!header_char_ok(*s, id_chars_only)) {
            return 0;
        }
    }
    return 1;
}

/* In brackets: hex digits, ':' (at least one) and the '.' of an embedded IPv4. */
static int ipv6_literal_ok(const char *h, size_t n)
{
    int colon = 0;
    for (size_t i = 0u; i < n; i++) {
        char c = h[i];
        colon = colon || c == ':';
        if (!is_hex(c) && c != ':' && c != '.') {
            return 0;
        }
    }
    return colon;
}

/* Numeric: every dot-separated label starts with a digit. */
static int looks_numeric(const char *h, size_t n)
{
    for (size_t i = 0u; i < n; i++) {
        if ((i == 0u || h[i - 1u] == '.') && !is_dec(h[i])) {
            return 0;
        }
    }
    return 1;
}

/* One decimal octet at h[i..n): one to three digits, no leading zero, at
 * most 255.  Returns the index after it (> i), or 0 when there is none. */
static size_t octet_end(const char *h, size_t n, size_t i)
{
    uint32_t v = 0u;
    size_t start = i;
    while (i < n && is_dec(h[i]) && i - start < 3u) {
        v = (v * 10u) + ((uint32_t)(unsigned char)h[i] - (uint32_t)'0');
        i++;
    }
    if (i == start || v > 255u || (h[start] == '0' && i - start > 1u)) {
        return 0u;
    }
    return i;
}

/* Four octets separated by single dots, nothing after the last. */
static int ipv4_ok(const char *h, size_t n)
{
    int octets = 0;
    size_t i = 0u;
    while (i < n) {
        i = octet_end(h, n, i);
        if (i == 0u || (i < n && h[i] != '.')) {
            return 0;
        }
        octets++;
        if (i < n) {
            i++;
            if (i == n) {
                return 0; /* a trailing dot */
            }
        }
    }
    return octets == 4;
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
    if (bracketed) {
        return ipv6_literal_ok(h, n);
    }
    for (size_t i = 0u; i < n; i++) {
        if (h[i] == '%' || h[i] == '[' || h[i] == ']') {
            return 0;
        }
    }
    return !looks_numeric(h, n) || ipv4_ok(h, n);
}

/* The scheme, "https" then a colon and two slashes, in any case. */
static int scheme_ok(const char *url)
{
    static const char scheme[] = "https://";
    for (size_t i = 0; i < sizeof scheme - 1u; i++) {
        char c = url[i];
        if (c >= 'A' && c <= 'Z') {
            c += 'a' - 'A';
        }
        if (c != scheme[i]) {
            return 0;
        }
    }
    return 1;
}

/* The host after the scheme: a name up to ':', '/', '?' or '#', or an IPv6
 * literal in brackets (*h and *hlen without them).  Returns what follows it,
 * or NULL for a '[' without its ']'. */
static const char *split_host(const char *h, const char **host, size_t *hlen)
{
    const char *end;
    const char *after;
    ptrdiff_t span;
    if (*h == '[') { /* IPv6 literal */
        end = strchr(h, ']');
        if (!end) {
            return NULL;
        }
        h++;
        after = end + 1;
    } else {
        end = h + strcspn(h, ":/?#");
        after = end;
    }
    span = end - h;
    *host = h;
    *hlen = (size_t)span;
    return after;
}

/* Printable ASCII other than '@' (no user info), 1..HERALD_HOST_MAX_LEN bytes. */
static int host_chars_ok(const char *h, size_t hlen)
{
    if (hlen == 0u || hlen > HERALD_HOST_MAX_LEN) {
        return 0;
    }
    for (size_t i = 0; i < hlen; i++) {
        unsigned char c = (unsigned char)h[i];
        if (c <= 0x20u || c >= 0x7Fu || c == '@') {
            return 0;
        }
    }
    return 1;
}

/* ":port" (1..65535, digits only) when present; *p moves past it.  0 when
 * the port is malformed. */
static int parse_port(const char **p, uint32_t *port)
{
    const char *s = *p;
    uint32_t v = 0u;
    if (*s != ':') {
        return 1;
    }
    s++;
    if (!is_dec(*s)) {
        return 0;
    }
    while (is_dec(*s)) {
        v = v * 10u + (uint32_t)(*s - '0');
        if (v > 65535u) {
            return 0;
        }
        s++;
    }
    *p = s;
    *port = v;
    return v != 0u;
}

static herald_status_t parse_base_url(herald_endpoint_t *ep, const char *url)
{
    const char *h = NULL;
    const char *p;
    size_t hlen = 0u;
    uint32_t port = 443u;

    if (!scheme_ok(url)) {
        return HERALD_E_URL_INVALID;
    }
    p = split_host(url + 8, &h, &hlen);
    if (!p || !host_chars_ok(h, hlen) || !host_ok(h, hlen, *(h - 1) == '[') || !parse_port(&p, &port)) {
        return HERALD_E_URL_INVALID;
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
