/* SPDX-License-Identifier: Apache-2.0 */
/* UTF-8 (RFC 3629), private to the firmware: the one validator and the one
 * cut at a character boundary. */
#ifndef HERALD_UTF8_H
#define HERALD_UTF8_H

#include <stddef.h>

/* 1 when s[0..len) is well-formed UTF-8 without NUL bytes, 0 otherwise:
 * overlong forms, surrogates (U+D800..U+DFFF), code points above U+10FFFF,
 * truncated sequences, stray continuation bytes and NUL are all refused.
 * A NULL s is valid only with len 0. */
int herald_utf8_valid(const char *s, size_t len);

/* The length (1..4) of the well-formed sequence at s[0..len), or 0 when
 * none starts there (len 0, NUL, or a byte herald_utf8_valid refuses). */
size_t herald_utf8_seq(const char *s, size_t len);

/* The longest prefix of s[0..n) that does not end inside a UTF-8 sequence,
 * for cutting a string that does not fit (the bytes before the cut are
 * kept as they are, valid or not). */
size_t herald_utf8_cut(const char *s, size_t n);

#endif
