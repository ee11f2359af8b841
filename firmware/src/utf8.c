/* SPDX-License-Identifier: Apache-2.0 */
#include "utf8.h"

int herald_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0u;

    if (!s) {
        return len == 0u;
    }
    while (i < len) {
        unsigned c = p[i];
        size_t more;
        unsigned lo = 0x80u;
        unsigned hi = 0xBFu;

        if (c < 0x80u) {
            if (c == 0u) {
                return 0;
            }
            i++;
            continue;
        }
        /* RFC 3629 section 4: the second byte's range is what rules out
         * overlong forms (E0, F0), surrogates (ED) and > U+10FFFF (F4). */
        if (c >= 0xC2u && c <= 0xDFu) {
            more = 1u;
        } else if (c == 0xE0u) {
            more = 2u;
            lo = 0xA0u;
        } else if (c == 0xEDu) {
            more = 2u;
            hi = 0x9Fu;
        } else if (c >= 0xE1u && c <= 0xEFu) {
            more = 2u;
        } else if (c == 0xF0u) {
            more = 3u;
            lo = 0x90u;
        } else if (c >= 0xF1u && c <= 0xF3u) {
            more = 3u;
        } else if (c == 0xF4u) {
            more = 3u;
            hi = 0x8Fu;
        } else {
            return 0; /* continuation byte, C0/C1, or F5..FF */
        }
        if (len - i - 1u < more || p[i + 1u] < lo || p[i + 1u] > hi) {
            return 0;
        }
        for (size_t k = 2u; k <= more; k++) {
            if ((p[i + k] & 0xC0u) != 0x80u) {
                return 0;
            }
        }
        i += more + 1u;
    }
    return 1;
}
