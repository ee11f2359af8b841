/* SPDX-License-Identifier: Apache-2.0 */
#include "herald/status.h"

const char *herald_status_str(herald_status_t st)
{
    switch (st) {
#define HERALD_X_STR(name, value, text) case name: return text;
        HERALD_STATUS_LIST(HERALD_X_STR)
#undef HERALD_X_STR
    }
    return "unknown status";
}

const char *herald_status_name(herald_status_t st)
{
    switch (st) {
#define HERALD_X_NAME(name, value, text) case name: return #name;
        HERALD_STATUS_LIST(HERALD_X_NAME)
#undef HERALD_X_NAME
    }
    return "HERALD_E_UNKNOWN";
}
