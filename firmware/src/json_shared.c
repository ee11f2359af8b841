/* SPDX-License-Identifier: Apache-2.0 */
/* The process-wide JSON arena and the reader that uses it, for callers that
 * hold no arena of their own: in a file of its own, so an image whose
 * callers all pass an arena links neither. */
#include "herald/response.h"
#include "json_arena.h"

herald_json_arena_t *herald_json_shared_arena(void)
{
    static herald_json_arena_t shared; /* zero bytes: ready (see herald/json_arena.h) */
    return &shared;
}

herald_status_t herald_response_parse(int http_status, const char *body, size_t len,
                                      herald_send_result_t *result, herald_platform_error_t *err)
{
    return herald_response_read(herald_json_shared_arena(), http_status, body, len, result, err);
}
