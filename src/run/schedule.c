/* schedule.c — parse and print a schedule: a list of buyer numbers, one per step. */
#include "schedule.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
    const char *text, *p;
    int users;
    int *steps, n;
    char *err;
    size_t errlen;
};

static int fail(struct parser *ps, const char *fmt, ...)
{
    char what[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(ps->err, ps->errlen, "--schedule=%s: %s", ps->text, what);
    return -1;
}

static int number(struct parser *ps, long lo, long hi, const char *what, long *out)
{
    if (!isdigit((unsigned char)*ps->p))
        return fail(ps, "expected %s at '%s'", what, *ps->p ? ps->p : "the end");
    char *end;
    long v = strtol(ps->p, &end, 10);
    if (end - ps->p > 6 || v < lo || v > hi)
        return fail(ps, "%s %.*s: must be from %ld to %ld", what, (int)(end - ps->p), ps->p, lo, hi);
    ps->p = end;
    *out = v;
    return 0;
}

static int add(struct parser *ps, int buyer)
{
    if (ps->n == SCHEDULE_MAX)
        return fail(ps, "more than %d steps", SCHEDULE_MAX);
    ps->steps[ps->n++] = buyer;
    return 0;
}

static int list(struct parser *ps, int depth);

/* item: N, N*K, (list), (list)*K */
static int item(struct parser *ps, int depth)
{
    int from = ps->n;
    long v;
    if (*ps->p == '(') {
        if (depth > 8)
            return fail(ps, "parentheses nested too deep");
        ps->p++;
        if (list(ps, depth + 1))
            return -1;
        if (*ps->p != ')')
            return fail(ps, "expected ')' at '%s'", *ps->p ? ps->p : "the end");
        ps->p++;
    } else {
        if (number(ps, 1, ps->users, "buyer", &v) || add(ps, (int)v))
            return -1;
    }
    if (*ps->p != '*')
        return 0;
    ps->p++;
    long times;
    if (number(ps, 1, SCHEDULE_MAX, "repeat count", &times))
        return -1;
    int len = ps->n - from;
    for (long t = 1; t < times; t++)
        for (int i = 0; i < len; i++)
            if (add(ps, ps->steps[from + i]))
                return -1;
    return 0;
}

static int list(struct parser *ps, int depth)
{
    for (;;) {
        if (item(ps, depth))
            return -1;
        if (*ps->p != ',')
            return 0;
        ps->p++;
    }
}

int schedule_parse(const char *text, int users, int *steps, int *n, char *err, size_t errlen)
{
    struct parser ps = {.text = text, .p = text, .users = users, .steps = steps, .err = err,
                        .errlen = errlen};
    *n = 0;
    if (!*text)
        return fail(&ps, "give buyer numbers, e.g. --schedule=1,2,2,1");
    if (list(&ps, 0))
        return -1;
    if (*ps.p)
        return fail(&ps, "unexpected '%s'", ps.p);
    *n = ps.n;
    return 0;
}

void schedule_format(const int *steps, int n, char *out, size_t outlen)
{
    size_t k = 0;
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        char item[16];
        snprintf(item, sizeof item, "%s%d", i ? "," : "", steps[i]);
        if (k + strlen(item) + 4 >= outlen) {
            snprintf(out + k, outlen - k, ",...");
            return;
        }
        k += (size_t)snprintf(out + k, outlen - k, "%s", item);
    }
}
