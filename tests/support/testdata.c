/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include "testdata.h"

const char *testdata_read(const char *name, size_t *len)
{
    static char buf[65536];
    char path[256];
    FILE *f;
    size_t n;
    snprintf(path, sizeof path, "tests/data/%s", name);
    f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    n = fread(buf, 1, sizeof buf - 1u, f);
    if (!feof(f)) {
        fclose(f);
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}
