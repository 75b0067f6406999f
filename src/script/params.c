/* params.c — evaluate parameter defaults and overrides; draw per-purchase values (uniform, zipf). */
#include "params.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZIPF_MAX_VALUES 10000000

/* A tiny integer expression evaluator: + - * / ( ) integers and names. */
struct expr {
    const char *p;
    const struct params *params;
    const char *bad;          /* first error, static text */
    const int64_t *draw;      /* per purchase: the values drawn so far; NULL while resolving */
    int64_t user, round;      /* per purchase: the buyer and the round */
    bool per_purchase;        /* while resolving: the expression names a value drawn per purchase */
};

static void skip_space(struct expr *e)
{
    while (isspace((unsigned char)*e->p))
        e->p++;
}

static int64_t expr_sum(struct expr *e);

/* A name's value. While resolving, a per-purchase name (user, round, a drawn parameter) only
 * marks the expression as per purchase and counts as 1. */
static int64_t name_value(struct expr *e, const char *name)
{
    if (strcmp(name, "users") == 0)
        return e->params->users;
    if (strcmp(name, "rounds") == 0)
        return e->params->rounds;
    bool is_user = strcmp(name, "user") == 0, is_round = strcmp(name, "round") == 0;
    int i = scenario_param(e->params->sc, name);
    bool known = is_user || is_round || (i >= 0 && (size_t)i < e->params->n
                                         && e->params->v[i].kind != PARAM_DIST);
    if (!known) {
        e->bad = "names something that is not a parameter declared above (or users, rounds, "
                 "user, round)";
        return 0;
    }
    if (!is_user && !is_round && e->params->v[i].kind == PARAM_INT)
        return e->params->v[i].lo;
    if (!e->draw) {
        e->per_purchase = true;
        return 1;
    }
    return is_user ? e->user : is_round ? e->round : e->draw[i];
}

static int64_t expr_atom(struct expr *e)
{
    skip_space(e);
    if (*e->p == '(') {
        e->p++;
        int64_t v = expr_sum(e);
        skip_space(e);
        if (*e->p != ')')
            e->bad = "has an unbalanced '('";
        else
            e->p++;
        return v;
    }
    if (*e->p == '-') {
        e->p++;
        int64_t v = expr_atom(e);
        if (v == INT64_MIN) {
            e->bad = "overflows";
            return 0;
        }
        return -v;
    }
    if (isdigit((unsigned char)*e->p)) {
        errno = 0;
        char *end;
        long long v = strtoll(e->p, &end, 10);
        if (errno)
            e->bad = "is too large";
        e->p = end;
        return v;
    }
    if (isalpha((unsigned char)*e->p) || *e->p == '_') {
        char name[64];
        size_t n = 0;
        while ((isalnum((unsigned char)*e->p) || *e->p == '_') && n < sizeof name - 1)
            name[n++] = *e->p++;
        name[n] = '\0';
        return name_value(e, name);
    }
    e->bad = "is not an integer expression";
    return 0;
}

static int64_t expr_product(struct expr *e)
{
    int64_t v = expr_atom(e);
    for (;;) {
        skip_space(e);
        char op = *e->p;
        if (op != '*' && op != '/' && op != '%')
            return v;
        e->p++;
        int64_t r = expr_atom(e);
        if (op == '*' && __builtin_mul_overflow(v, r, &v))
            e->bad = "overflows";
        if (op == '/' || op == '%') {
            if (r == 0)
                e->bad = "divides by zero";
            else if (r == -1 && v == INT64_MIN)
                e->bad = "overflows";
            else
                v = op == '/' ? v / r : v % r;
        }
    }
}

static int64_t expr_sum(struct expr *e)
{
    int64_t v = expr_product(e);
    for (;;) {
        skip_space(e);
        char op = *e->p;
        if (op != '+' && op != '-')
            return v;
        e->p++;
        int64_t r = expr_product(e);
        if (op == '+' ? __builtin_add_overflow(v, r, &v) : __builtin_sub_overflow(v, r, &v))
            e->bad = "overflows";
    }
}

/* Evaluates e->p to its end; returns 0 with *out, or -1 with e->bad describing why. */
static int evaluate(struct expr *e, int64_t *out)
{
    *out = expr_sum(e);
    skip_space(e);
    if (!e->bad && *e->p)
        e->bad = "is not an integer expression";
    return e->bad ? -1 : 0;
}

struct resolver {
    struct params *p;
    const struct param_decl *d;
    bool override_given;     /* the command line names this parameter */
    const char *override;    /* the override's value, or NULL when using the default (or a flag
                                given without a value) */
    char *err;
    size_t errlen;
};

static int fail(struct resolver *r, const char *fmt, ...)
{
    int n;
    if (r->override)
        n = snprintf(r->err, r->errlen, "--%s=%s: ", r->d->name, r->override);
    else if (r->override_given)
        n = snprintf(r->err, r->errlen, "--%s: ", r->d->name);
    else
        n = snprintf(r->err, r->errlen, "%s:%d: ", r->p->sc->path, r->d->line);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < r->errlen)
        vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* An override is a plain integer (no expression): the user types numbers. */
static int override_int(struct resolver *r, const char *text, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end || !(isdigit((unsigned char)*text) || *text == '-'))
        return fail(r, "must be an integer%s", r->d->kind == PARAM_RANGE ? " or a range A..B" : "");
    *out = v;
    return 0;
}

static int bound(struct resolver *r, const char *text, int64_t *out)
{
    if (r->override)
        return override_int(r, text, out);
    struct expr e = {.p = text, .params = r->p};
    if (evaluate(&e, out))
        return fail(r, "'%s' %s", text, e.bad);
    if (e.per_purchase)
        return fail(r, "'%s': a range's ends must be values for the whole run", text);
    return 0;
}

static int check_min(struct resolver *r, int64_t v)
{
    if (v < r->d->min)
        return fail(r, "must be at least %lld", r->d->min);
    return 0;
}

/* The declared "max EXPR" (the column's type, or another parameter: a product id at most
 * products); v above it is refused before any server starts. */
static int check_max(struct resolver *r, int64_t v)
{
    const struct param_decl *d = r->d;
    if (!d->max[0])
        return 0;
    struct expr e = {.p = d->max, .params = r->p};
    int64_t max;
    if (evaluate(&e, &max) || e.per_purchase) {
        r->override = NULL;              /* the scenario file is wrong, not the option */
        r->override_given = false;
        return fail(r, "'max %s' %s", d->max, e.bad ? e.bad : "must be a value for the whole run");
    }
    if (v <= max)
        return 0;
    char what[PARAM_TEXT_MAX + 32] = "", where[PATH_MAX + 32] = "";
    if (strspn(d->max, "0123456789") != strlen(d->max))
        snprintf(what, sizeof what, "%s = ", d->max);
    if (r->override_given)                  /* a default's error starts with path:line already */
        snprintf(where, sizeof where, " (the limit in %s:%d)", r->p->sc->path, d->line);
    return fail(r, "must be at most %s%lld%s", what, (long long)max, where);
}

static int resolve_dist(struct resolver *r, struct param_value *v, const char *text)
{
    if (strcmp(text, "uniform") == 0) {
        v->zipf = 0;
    } else {
        char *end;
        errno = 0;
        v->zipf = strncmp(text, "zipf:", 5) == 0 ? strtod(text + 5, &end) : -1;
        if (!(v->zipf > 0 && v->zipf <= 10) || errno || *end)
            return fail(r, "must be 'uniform' or 'zipf:S' with 0 < S <= 10");
    }
    snprintf(v->text, sizeof v->text, "%s", text);
    return 0;
}

static int build_cdf(struct resolver *r, struct param_value *v, double s)
{
    uint64_t n = (uint64_t)v->hi - (uint64_t)v->lo + 1;    /* unsigned: no overflow; 0 for all
                                                               of int64 */
    if (n == 0 || n > ZIPF_MAX_VALUES)
        return fail(r, "a zipf draw covers at most %d values", ZIPF_MAX_VALUES);
    v->cdf = malloc(n * sizeof *v->cdf);
    if (!v->cdf)
        return fail(r, "out of memory");
    double sum = 0;
    for (uint64_t k = 0; k < n; k++) {
        sum += 1.0 / pow((double)(k + 1), s);
        v->cdf[k] = sum;
    }
    for (uint64_t k = 0; k < n; k++)
        v->cdf[k] /= sum;
    return 0;
}

static int resolve_range(struct resolver *r, struct param_value *v, const char *text)
{
    const struct param_decl *d = r->d;
    char lo[PARAM_TEXT_MAX + 16], hi[PARAM_TEXT_MAX + 16];
    const char *dots = strstr(text, "..");
    if (r->override) {
        snprintf(lo, sizeof lo, "%.*s", dots ? (int)(dots - text) : (int)strlen(text), text);
        snprintf(hi, sizeof hi, "%s", dots ? dots + 2 : text);
    } else {
        snprintf(lo, sizeof lo, "%s", d->lo);
        snprintf(hi, sizeof hi, "%s", d->hi);
    }
    if (bound(r, lo, &v->lo) || bound(r, hi, &v->hi) || check_min(r, v->lo))
        return -1;
    if (v->lo > v->hi)
        return fail(r, "the range %lld..%lld is empty (the low end is above the high end)",
                    (long long)v->lo, (long long)v->hi);
    if (check_max(r, v->hi))
        return -1;
    if (v->lo == v->hi)
        snprintf(v->text, sizeof v->text, "%lld", (long long)v->lo);
    else
        snprintf(v->text, sizeof v->text, "%lld..%lld", (long long)v->lo, (long long)v->hi);
    v->by = d->by[0] ? scenario_param(r->p->sc, d->by) : -1;
    if (v->by >= 0 && r->p->v[v->by].zipf > 0) {
        snprintf(v->text + strlen(v->text), sizeof v->text - strlen(v->text), " by %s", r->p->v[v->by].text);
        return build_cdf(r, v, r->p->v[v->by].zipf);
    }
    return 0;
}

/* A flag: off by default; "--NAME" alone, =1, =yes, =on or =true turn it on. */
static int resolve_flag(struct resolver *r, struct param_value *v)
{
    const char *t = r->override;
    if (!t || strcmp(t, "1") == 0 || strcmp(t, "yes") == 0 || strcmp(t, "on") == 0
        || strcmp(t, "true") == 0)
        v->lo = r->override_given ? 1 : 0;
    else if (strcmp(t, "0") == 0 || strcmp(t, "no") == 0 || strcmp(t, "off") == 0
             || strcmp(t, "false") == 0)
        v->lo = 0;
    else
        return fail(r, "is a flag: give --%s alone, or =yes / =no", r->d->name);
    v->kind = PARAM_INT;
    v->hi = v->lo;
    snprintf(v->text, sizeof v->text, "%s", v->lo ? "yes" : "no");
    return 0;
}

/* A list: its line count is a range like any other; its lines draw the named parameters. */
static int resolve_list(struct resolver *r, struct param_value *v, const char *text)
{
    if (resolve_range(r, v, text))
        return -1;
    if (v->hi > LIST_ITEMS_MAX)
        return fail(r, "a list has at most %d lines", LIST_ITEMS_MAX);
    if (r->p->n_lists == PARAMS_LISTS_MAX)
        return fail(r, "at most %d list parameters", PARAMS_LISTS_MAX);
    v->list = (int)r->p->n_lists++;
    v->n_fields = r->d->n_fields;
    for (int f = 0; f < v->n_fields; f++)
        v->fields[f] = scenario_param(r->p->sc, r->d->fields[f]);
    return 0;
}

static int resolve_one(struct resolver *r, struct param_value *v)
{
    const char *text = r->override ? r->override : r->d->lo;
    v->kind = r->d->kind;
    v->by = -1;
    if (v->kind == PARAM_DIST)
        return resolve_dist(r, v, text);
    if (v->kind == PARAM_RANGE)
        return resolve_range(r, v, text);
    if (v->kind == PARAM_LIST)
        return resolve_list(r, v, text);
    if (r->d->flag)
        return resolve_flag(r, v);
    if (!r->override) {
        struct expr e = {.p = text, .params = r->p};
        if (evaluate(&e, &v->lo))
            return fail(r, "'%s' %s", text, e.bad);
        if (e.per_purchase) {        /* e.g. "(from + shift - 1) % accounts + 1" */
            v->kind = PARAM_DERIVED;
            snprintf(v->text, sizeof v->text, "%s", text);
            return 0;
        }
    } else if (override_int(r, text, &v->lo)) {
        return -1;
    }
    if (check_min(r, v->lo) || check_max(r, v->lo))
        return -1;
    v->hi = v->lo;
    snprintf(v->text, sizeof v->text, "%lld", (long long)v->lo);
    return 0;
}

bool param_name_matches(const char *option, const char *name)
{
    for (; *option && *name; option++, name++)
        if (*option != *name && !(*option == '-' && *name == '_'))
            return false;
    return *option == *name;
}

int params_resolve(const struct scenario *sc, int64_t users, int64_t rounds,
                   const struct param_override *ov, size_t n_ov, struct params *out,
                   char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->sc = sc;
    out->users = users;
    out->rounds = rounds;
    for (size_t i = 0; i < sc->n_params; i++) {
        struct resolver r = {.p = out, .d = &sc->params[i], .err = err, .errlen = errlen};
        for (size_t k = 0; k < n_ov; k++)
            if (param_name_matches(ov[k].name, sc->params[i].name)) {
                r.override_given = true;
                r.override = ov[k].value;
            }
        int rc = r.override_given && !r.override && !r.d->flag
                     ? fail(&r, "needs a value (--%s=VALUE)", r.d->name)
                     : resolve_one(&r, &out->v[i]);
        out->n = i + 1;
        if (rc) {
            params_free(out);
            return -1;
        }
    }
    return 0;
}

static int64_t draw_zipf(const struct param_value *v, struct rng *r)
{
    double u = rng_unit(r);
    size_t lo = 0, hi = (size_t)(v->hi - v->lo);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->cdf[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return v->lo + (int64_t)lo;
}

/* One draw of an INT or RANGE parameter. */
static int64_t draw_one(const struct param_value *v, struct rng *r)
{
    if (v->kind == PARAM_INT || v->lo == v->hi)
        return v->lo;
    return v->cdf ? draw_zipf(v, r) : rng_range(r, v->lo, v->hi);
}

/* A list's lines: each draws its fields; the first field is kept distinct across lines (a cart
 * holds a product once), so a line whose first field cannot be made new is dropped. */
static void draw_list(const struct param_value *v, const struct params *p, struct rng *r,
                      struct list_value *out)
{
    int want = (int)draw_one(v, r);
    out->n = 0;
    out->n_fields = v->n_fields;
    for (int k = 0; k < want; k++) {
        int64_t *line = out->item[out->n];
        bool fresh = false;
        for (int tries = 0; tries < 32 && !fresh; tries++) {
            line[0] = draw_one(&p->v[v->fields[0]], r);
            fresh = true;
            for (int j = 0; j < out->n; j++)
                fresh = fresh && out->item[j][0] != line[0];
        }
        for (int f = 1; f < v->n_fields; f++)
            line[f] = draw_one(&p->v[v->fields[f]], r);
        if (fresh)
            out->n++;
    }
}

void params_draw(const struct params *p, struct rng *r, int64_t user, int64_t round, int64_t *out,
                 struct list_value *lists)
{
    for (size_t i = 0; i < p->n; i++) {
        const struct param_value *v = &p->v[i];
        if (v->kind == PARAM_DERIVED) {
            struct expr e = {.p = v->text, .params = p, .draw = out, .user = user, .round = round};
            if (evaluate(&e, &out[i]))
                out[i] = 0;              /* only division by zero can fail here */
        } else if (v->kind == PARAM_DIST) {
            out[i] = 0;
        } else if (v->kind == PARAM_LIST) {
            out[i] = 0;
            if (lists) {
                draw_list(v, p, r, &lists[v->list]);
                out[i] = lists[v->list].n;
            }
        } else {
            out[i] = draw_one(v, r);
        }
    }
}

void params_free(struct params *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i].cdf);
    memset(p, 0, sizeof *p);
}
