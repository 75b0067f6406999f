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
    const char (*roles)[32];   /* role names: role k is buyer k (NULL: numbers only) */
    size_t n_roles;
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

/* A role name at ps->p (T1, writer): the buyer who plays it. Returns 0, or -1 with the roles. */
static int role(struct parser *ps, long *out)
{
    size_t len = 0;
    while (isalnum((unsigned char)ps->p[len]) || ps->p[len] == '_')
        len++;
    for (size_t k = 0; k < ps->n_roles; k++)
        if (strlen(ps->roles[k]) == len && strncmp(ps->roles[k], ps->p, len) == 0
            && (int)k < ps->users) {
            ps->p += len;
            *out = (long)k + 1;
            return 0;
        }
    if (!ps->n_roles)
        return fail(ps, "'%.*s': the strategy has no @role; give buyer numbers", (int)len, ps->p);
    char names[160] = "";
    for (size_t k = 0; k < ps->n_roles && (int)k < ps->users; k++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", k ? ", " : "",
                 ps->roles[k]);
    return fail(ps, "no role '%.*s' among the buyers' roles (%s)", (int)len, ps->p, names);
}

/* item: N, N*K, (list), (list)*K */
static int item(struct parser *ps, int depth)
{
    int from = ps->n;
    long v = 0;
    if (*ps->p == '(') {
        if (depth > 8)
            return fail(ps, "parentheses nested too deep");
        ps->p++;
        if (list(ps, depth + 1))
            return -1;
        if (*ps->p != ')')
            return fail(ps, "expected ')' at '%s'", *ps->p ? ps->p : "the end");
        ps->p++;
    } else if (ps->roles && isalpha((unsigned char)*ps->p)) {
        if (role(ps, &v) || add(ps, (int)v))
            return -1;
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
    return schedule_parse_roles(text, users, NULL, 0, steps, n, err, errlen);
}

bool schedule_names_roles(const char *text)
{
    for (; *text; text++)
        if (isalpha((unsigned char)*text))
            return true;
    return false;
}

int schedule_parse_roles(const char *text, int users, const char (*roles)[32], size_t n_roles,
                         int *steps, int *n, char *err, size_t errlen)
{
    struct parser ps = {.text = text, .p = text, .users = users, .roles = roles,
                        .n_roles = n_roles, .steps = steps, .err = err, .errlen = errlen};
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
