/* SPDX-License-Identifier: Apache-2.0 */
#include "herald/config.h"
#include "herald/status.h"

#if HERALD_STATUS_TEXT

const char *herald_status_str(herald_status_t st)
{
    switch (st) {
#define HERALD_X_STR(name, value, cls, text) \
    case (name): \
        return (text);
        HERALD_STATUS_LIST(HERALD_X_STR)
#undef HERALD_X_STR
    }
    return "unknown status";
}

const char *herald_status_name(herald_status_t st)
{
    switch (st) {
#define HERALD_X_NAME(name, value, cls, text) \
    case (name): \
        return #name;
        HERALD_STATUS_LIST(HERALD_X_NAME)
#undef HERALD_X_NAME
    }
    return "HERALD_E_UNKNOWN";
}

#else

/* The texts cost about 4 KB of flash; a board that logs numbers leaves them
 * out and decodes the numbers with status.h on the host. */
const char *herald_status_str(herald_status_t st)
{
    return st == HERALD_OK ? "ok" : "error (see herald/status.h)";
}

const char *herald_status_name(herald_status_t st)
{
    return st == HERALD_OK ? "HERALD_OK" : "HERALD_E";
}

#endif
