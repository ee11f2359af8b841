/* SPDX-License-Identifier: Apache-2.0 */
/* Configuration: the board's herald_config.h first, then guarded defaults for
 * everything it left unset, then a check that stops impossible builds. */
#ifndef HERALD_CONFIG_H
#define HERALD_CONFIG_H

#include "herald_config.h"            /* from boards/<board>/ */
#include "herald/config_defaults.h"
#include "herald/config_check.h"

#endif
