/* SPDX-License-Identifier: Apache-2.0 */
/* The renderer: substitutes {{name}} (or {{ name }}) placeholders with the
 * values of variables.  Output is never silently truncated. */
#ifndef HERALD_RENDER_H
#define HERALD_RENDER_H

#include "herald/types.h"
#include "herald/notification.h"

typedef enum {
    HERALD_RENDER_RAW = 0, /* values copied as they are */
    HERALD_RENDER_JSON = 1 /* template text and values JSON-string-escaped
                                (RFC 8259), without the surrounding quotes */
} herald_render_mode_t;

/* Render tmpl into out (capacity cap, NUL-terminated on success).
 * *needed (may be NULL) always receives the output length without the NUL
 * when the template is valid, also on HERALD_E_NOSPACE, so the caller can
 * size a buffer (out NULL with cap 0 only measures); 0 on other errors.
 * Spaces and tabs around a name are ignored; a lone "{" or "}" is text;
 * values are inserted as they are, never expanded again.  On any error out
 * holds "" when cap > 0 (never a prefix).
 * HERALD_E_NOSPACE: cap < length + 1.
 * HERALD_E_PLACEHOLDER_UNKNOWN: a placeholder names no variable.
 * HERALD_E_TEMPLATE_SYNTAX: "{{" without "}}", or an empty name.
 * HERALD_E_INVALID_ARG: NULL tmpl.ptr with a length, NULL vars with nvars,
 * a bad mode, NULL out with cap > 0. */
herald_status_t herald_render(herald_str_t tmpl, const herald_var_t *vars, size_t nvars,
                              herald_render_mode_t mode, char *out, size_t cap, size_t *needed);

/* Streaming form: output goes to sink through the caller's window (at least
 * 8 bytes), so output of any size needs only window_len bytes of RAM; every
 * sink call but the last passes a full window.  The template is validated
 * before the first byte is emitted, so a bad template emits nothing.  Errors
 * as herald_render (never HERALD_E_NOSPACE), plus any error of the sink, and
 * HERALD_E_INVALID_ARG for a NULL or short window or a NULL sink. */
herald_status_t herald_render_stream(herald_str_t tmpl, const herald_var_t *vars, size_t nvars,
                                     herald_render_mode_t mode, char *window, size_t window_len,
                                     herald_sink_fn sink, void *ctx);

#endif
