/* SPDX-License-Identifier: Apache-2.0 */
/* What Mbed TLS asks of the platform that this configuration routes to the
 * board instead of libc: a millisecond clock and gmtime_r. */
#include <string.h>
#include <time.h>

#include "board.h"
#include "mbedtls/platform_time.h"
#include "mbedtls/platform_util.h"

/* MBEDTLS_PLATFORM_MS_TIME_ALT: the age of TLS 1.3 tickets; monotonic
 * SysTick time is what it needs. */
mbedtls_ms_time_t mbedtls_ms_time(void)
{
    return (mbedtls_ms_time_t)board_ms();
}

/* MBEDTLS_PLATFORM_GMTIME_R_ALT: certificate validity needs the calendar
 * date of the wall clock.  newlib's gmtime() would bring in its reentrancy
 * block and assert/stdio; days-to-civil is a few lines (proleptic Gregorian,
 * after H. Hinnant's algorithm). */
struct tm *mbedtls_platform_gmtime_r(const mbedtls_time_t *tt, struct tm *tm_buf)
{
    int64_t t = (int64_t)*tt;
    int64_t days = t / 86400, secs = t % 86400;
    if (secs < 0) {
        secs += 86400;
        days--;
    }
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);

    memset(tm_buf, 0, sizeof *tm_buf);
    tm_buf->tm_year = (int)(y - 1900);
    tm_buf->tm_mon = (int)(m - 1);
    tm_buf->tm_mday = (int)d;
    tm_buf->tm_hour = (int)(secs / 3600);
    tm_buf->tm_min = (int)(secs / 60 % 60);
    tm_buf->tm_sec = (int)(secs % 60);
    tm_buf->tm_wday = (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
    tm_buf->tm_yday =
        (int)(doy >= 306 ? doy - 306 : doy + 59 + ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    return tm_buf;
}
