/* SPDX-License-Identifier: Apache-2.0 */
#include "seed.h"

static const herald_var_t seed_vars[] = {
    { "customerName", "Jane", 0u },
    { "orderId", "ORD-12345", 0u },
};
static const char *const seed_targets[] = { "user-jane-123" };

herald_notification_t seed_notification(void)
{
    herald_notification_t n = {
        .template_key = "order-confirmation",
        .vars = seed_vars,
        .nvars = 2u,
        .targets = seed_targets,
        .ntargets = 1u,
        .mode = HERALD_MODE_REALTIME,
        .title = "Order Confirmed",
    };
    return n;
}
