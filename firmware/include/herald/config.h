/* SPDX-License-Identifier: Apache-2.0 */
/* Configuration: the board's herald_config.h first, then guarded defaults for
 * everything it left unset, then a check that stops impossible builds.
 * The board's file comes in by name (HERALD_CONFIG_FILE, as Mbed TLS takes
 * MBEDTLS_CONFIG_FILE), not through an include path, so firmware/ is built
 * with no board folder on its path.  It is required: the agent's struct sizes
 * depend on it, and code built without it would disagree with the library. */
#ifndef HERALD_CONFIG_H
#define HERALD_CONFIG_H

#ifndef HERALD_CONFIG_FILE
#error "define HERALD_CONFIG_FILE as the quoted path of the board's herald_config.h"
#endif
#include HERALD_CONFIG_FILE
#include "herald/config_defaults.h"
#include "herald/config_check.h"

#endif
