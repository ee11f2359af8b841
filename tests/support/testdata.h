/* SPDX-License-Identifier: Apache-2.0 */
/* Read a file of tests/data/ (tests run from the repository root). */
#ifndef TESTDATA_H
#define TESTDATA_H

#include <stddef.h>

/* The whole file in a static buffer (overwritten by the next call), NUL
 * terminated; NULL when it cannot be read or is larger than 64 KiB. */
const char *testdata_read(const char *name, size_t *len);

#endif
