/* SPDX-License-Identifier: Apache-2.0 */
/* Strict UTF-8 validation (RFC 3629), private to the firmware. */
#ifndef HERALD_UTF8_H
#define HERALD_UTF8_H

#include <stddef.h>

/* 1 when s[0..len) is well-formed UTF-8 without NUL bytes, 0 otherwise:
 * overlong forms, surrogates (U+D800..U+DFFF), code points above U+10FFFF,
 * truncated sequences, stray continuation bytes and NUL are all refused.
 * A NULL s is valid only with len 0. */
int herald_utf8_valid(const char *s, size_t len);

#endif
