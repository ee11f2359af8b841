/* SPDX-License-Identifier: Apache-2.0 */
/* Strict JSON syntax check (RFC 8259), run on a platform response before
 * cJSON, private to the firmware.  cJSON is lenient: it takes "-01", "2.",
 * raw tabs and line feeds inside strings, and NUL or form feed as white
 * space; this refuses them.  It also caps nesting at HERALD_JSON_MAX_DEPTH,
 * well below cJSON's own 1000, because cJSON recurses once per level on the
 * board's small stack.  One pass, no allocation, no recursion; the
 * document must be whole in memory.  HERALD_JSON_STRICT 0 compiles it to a
 * function that accepts everything (see config_defaults.h for its cost). */
#ifndef HERALD_JSON_CHECK_H
#define HERALD_JSON_CHECK_H

#include <stddef.h>
#include "herald/status.h"

/* HERALD_OK when json[0..len) is one JSON text: one value of any type,
 * white space (space, tab, line feed, carriage return only) around it,
 * strings with no raw control character, valid escapes and no lone
 * surrogate escape (raw bytes that are not UTF-8 pass: see json_check.c).  HERALD_E_JSON_DEPTH when arrays
 * and objects nest deeper than HERALD_JSON_MAX_DEPTH, HERALD_E_JSON_PARSE
 * for anything else that is not JSON (an empty text too).  *flags (may be
 * NULL) tells what cJSON would not read as it stands:
 *   HERALD_JSON_NUL          a string holds the escape \u0000: valid JSON,
 *       but cJSON ends the string there, so "ab\u0000cd" reads as "ab" and
 *       a member named "notificationId\u0000x" as notificationId; a reader
 *       that picks fields out must not trust such a document;
 *   HERALD_JSON_LONG_NUMBER  a number longer than the 63 characters cJSON
 *       copies: hand the flags to herald_json_parse_checked, which then
 *       reads it from a shortened copy (so the text is not scanned twice). */
#define HERALD_JSON_NUL 1u
#define HERALD_JSON_LONG_NUMBER 2u
#define HERALD_JSON_CJSON_NUMBER_MAX 63u
herald_status_t herald_json_check(const char *json, size_t len, unsigned *flags);

#endif
