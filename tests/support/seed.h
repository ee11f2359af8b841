/* SPDX-License-Identifier: Apache-2.0 */
/* The seed's example notification, as the tests build it: order-confirmation,
 * customerName Jane, orderId ORD-12345, user-jane-123, realtime, title
 * "Order Confirmed". */
#ifndef SEED_H
#define SEED_H

#include "herald/notification.h"

herald_notification_t seed_notification(void);

#endif
