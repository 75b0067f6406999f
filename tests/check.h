/* check.h — the tiny test harness every unit test shares: one line per check, a summary. */
#ifndef RACESIM_TEST_CHECK_H
#define RACESIM_TEST_CHECK_H

#include <stdarg.h>
#include <stdio.h>

static int check_passed, check_failed;

/* Records one check: prints "ok" or "FAIL" and the description; returns ok. */
__attribute__((format(printf, 2, 3), unused))
static int check(int ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s - ", ok ? "ok  " : "FAIL");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    if (ok)
        check_passed++;
    else
        check_failed++;
    return ok;
}

/* Prints "N passed, N failed" and returns the process exit status (0 when nothing failed). */
__attribute__((unused))
static int check_summary(void)
{
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif
