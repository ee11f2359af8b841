/* SPDX-License-Identifier: Apache-2.0 */
/* The renderer: substitutes {{name}} (or {{ name }}) placeholders with the
 * values of variables.  Output is never silently truncated. */
#ifndef HERALD_RENDER_H
#define HERALD_RENDER_H

#include "herald/types.h"
#include "herald/notification.h"

typedef enum {
    HERALD_RENDER_RAW = 0,   /* values copied as they are */
    HERALD_RENDER_JSON = 1   /* template text and values JSON-string-escaped
                                (RFC 8259), without the surrounding quotes */
} herald_render_mode_t;

/* Render tmpl into out (capacity cap, NUL-terminated on success).
 * *needed (may be NULL) always receives the output length without the NUL
 * when the template is valid, also on HERALD_E_NOSPACE, so the caller can
 * size a buffer.
 * HERALD_E_NOSPACE: cap < length + 1; out then holds "" (never a prefix).
 * HERALD_E_PLACEHOLDER_UNKNOWN: a placeholder names no variable.
 * HERALD_E_TEMPLATE_SYNTAX: "{{" without "}}", or an empty name. */
herald_status_t herald_render(herald_str_t tmpl, const herald_var_t *vars, size_t nvars,
                              herald_render_mode_t mode, char *out, size_t cap, size_t *needed);

/* Streaming form: output goes to sink through the caller's window (at least
 * 8 bytes), so output of any size needs only window_len bytes of RAM.  The
 * template is validated before the first byte is emitted, so a bad template
 * emits nothing.  Errors as herald_render, plus any error of the sink. */
herald_status_t herald_render_stream(herald_str_t tmpl, const herald_var_t *vars, size_t nvars,
                                     herald_render_mode_t mode, char *window, size_t window_len,
                                     herald_sink_fn sink, void *ctx);

#endif
