/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the cache and its two loaders, so that a whole document or image
 * can be checked before any of it is inserted. */
#ifndef HERALD_TEMPLATE_PRIV_H
#define HERALD_TEMPLATE_PRIV_H

#include "herald/template.h"

/* The checks herald_tcache_put makes, without touching the cache.
 * *size (may be NULL) receives the entry's packed size in the arena.
 * HERALD_E_INVALID_ARG: a field put would refuse.
 * HERALD_E_CACHE_FULL: larger than the whole arena. */
herald_status_t herald_tcache_validate(const herald_tcache_t *c, const herald_template_t *t, size_t *size);

#endif
