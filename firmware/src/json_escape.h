/* SPDX-License-Identifier: Apache-2.0 */
/* The one JSON string escaper, shared by the renderer and the request writer. */
#ifndef HERALD_JSON_ESCAPE_H
#define HERALD_JSON_ESCAPE_H

#include <stddef.h>
#include "herald/types.h"

/* Write s[0..len) to sink as the content of a JSON string (RFC 8259), without
 * the quotes: '"' -> \", '\\' -> \\, \b \f \n \r \t, other bytes below 0x20
 * -> \u00xx (lowercase hex); everything else, 0x7F and UTF-8 included, passes
 * through.  Runs that need no escaping go to the sink in one call straight
 * from s; consecutive escapes are batched.  Returns the first sink error. */
herald_status_t herald_json_escape(herald_sink_fn sink, void *ctx, const char *s, size_t len);

#endif
