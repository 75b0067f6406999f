/* threshold.c — absolute limits on a result, k6-style (--threshold='p99<200ms'): parsed, then
 * evaluated on run reports as JSON. */
#include "threshold.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

struct metric {
    const char *name;
    enum threshold_kind kind;
    const char *a, *b;           /* where a run report keeps it: a.b */
};

static const struct metric metrics[] = {
    {"p50", THRESHOLD_LATENCY, "latency", "p50_ms"},
    {"p90", THRESHOLD_LATENCY, "latency", "p90_ms"},
    {"p99", THRESHOLD_LATENCY, "latency", "p99_ms"},
    {"p999", THRESHOLD_LATENCY, "latency", "p999_ms"},
    {"max", THRESHOLD_LATENCY, "latency", "max_ms"},
    {"mean", THRESHOLD_LATENCY, "latency", "mean_ms"},
    {"throughput", THRESHOLD_RATE, "time", "throughput"},
    {"goodput", THRESHOLD_RATE, "time", "goodput"},
    {"lost_sales", THRESHOLD_COUNT, "lost_sales", "purchases"},
    {"retries", THRESHOLD_COUNT, "counts", "retries"},
};
#define N_METRICS (sizeof metrics / sizeof metrics[0])
#define METRIC_NAMES "p50 p90 p99 p999 max mean throughput goodput lost_sales retries"

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return 2;
}

static const struct metric *metric_named(const char *name)
{
    for (size_t i = 0; i < N_METRICS; i++)
        if (strcmp(metrics[i].name, name) == 0)
            return &metrics[i];
    return NULL;
}

/* The operator at s: its length (0 when none), *op set. */
static size_t op_at(const char *s, enum threshold_op *op)
{
    static const struct { const char *text; enum threshold_op op; } ops[] = {
        {"<=", THRESHOLD_LE}, {">=", THRESHOLD_GE}, {"==", THRESHOLD_EQ}, {"!=", THRESHOLD_NE},
        {"<", THRESHOLD_LT}, {">", THRESHOLD_GT},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strncmp(s, ops[i].text, strlen(ops[i].text)) == 0) {
            *op = ops[i].op;
            return strlen(ops[i].text);
        }
    return 0;
}

/* The number's unit for kind: its scale to the metric's unit, or -1 when it does not fit. */
static double unit_scale(enum threshold_kind kind, const char *unit)
{
    if (kind == THRESHOLD_LATENCY)
        return !*unit || strcmp(unit, "ms") == 0 ? 1 : strcmp(unit, "s") == 0 ? 1000
               : strcmp(unit, "us") == 0 || strcmp(unit, "µs") == 0 ? 0.001 : -1;
    if (kind == THRESHOLD_RATE)
        return !*unit || strcmp(unit, "/s") == 0 ? 1 : -1;
    return !*unit ? 1 : -1;
}

int threshold_parse(const char *text, struct threshold *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    if (strlen(text) >= sizeof t->text)
        return fail(err, errlen, "--threshold='%.40s...': too long", text);
    snprintf(t->text, sizeof t->text, "%s", text);
    const char *s = text;
    while (*s == ' ')
        s++;
    size_t len = 0;
    while (islower((unsigned char)s[len]) || isdigit((unsigned char)s[len]) || s[len] == '_')
        len++;
    if (len == 0 || len >= sizeof t->metric || isdigit((unsigned char)s[0]))
        return fail(err, errlen, "--threshold='%s': must be METRIC OP VALUE, e.g. 'p99<200ms' or "
                    "'oversell==0' (metrics: " METRIC_NAMES ", or an invariant's name)", text);
    memcpy(t->metric, s, len);
    t->metric[len] = '\0';
    s += len;
    while (*s == ' ')
        s++;
    size_t oplen = op_at(s, &t->op);
    if (!oplen)
        return fail(err, errlen, "--threshold='%s': no operator after %s (one of < <= > >= == !=)",
                    text, t->metric);
    s += oplen;
    while (*s == ' ')
        s++;
    const struct metric *m = metric_named(t->metric);
    t->kind = m ? m->kind : THRESHOLD_INVARIANT;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || !isfinite(v) || !(isdigit((unsigned char)*s) || *s == '-' || *s == '.'))
        return fail(err, errlen, "--threshold='%s': a number must follow the operator", text);
    while (*end == ' ')
        end++;
    char unit[16];
    snprintf(unit, sizeof unit, "%s", end);
    for (size_t i = strlen(unit); i > 0 && unit[i - 1] == ' '; i--)
        unit[i - 1] = '\0';
    double scale = strlen(end) < sizeof unit ? unit_scale(t->kind, unit) : -1;
    if (scale < 0)
        return fail(err, errlen, "--threshold='%s': %s is %s, not '%s'", text, t->metric,
                    t->kind == THRESHOLD_LATENCY ? "a latency in ms, s or us (200ms)"
                    : t->kind == THRESHOLD_RATE ? "per second (500 or 500/s)"
                    : "a count (a plain number)", end);
    t->limit = v * scale;
    return 0;
}

bool threshold_holds(const struct threshold *t, double value)
{
    switch (t->op) {
    case THRESHOLD_LT: return value < t->limit;
    case THRESHOLD_LE: return value <= t->limit;
    case THRESHOLD_GT: return value > t->limit;
    case THRESHOLD_GE: return value >= t->limit;
    case THRESHOLD_EQ: return value == t->limit;
    case THRESHOLD_NE: return value != t->limit;
    }
    return false;
}

int threshold_check_names(const struct threshold *t, size_t nt, const char *const *names, size_t n,
                          char *err, size_t errlen)
{
    for (size_t i = 0; i < nt; i++) {
        if (t[i].kind != THRESHOLD_INVARIANT)
            continue;
        bool found = false;
        for (size_t k = 0; k < n && !found; k++)
            found = strcmp(names[k], t[i].metric) == 0;
        if (found)
            continue;
        char list[512] = "";
        for (size_t k = 0; k < n; k++) {
            size_t used = strlen(list);
            snprintf(list + used, sizeof list - used, "%s%s", k ? " " : "", names[k]);
        }
        return fail(err, errlen, "--threshold='%s': no metric or invariant named %s (metrics: "
                    METRIC_NAMES "; invariants: %s)", t[i].text, t[i].metric, n ? list : "none");
    }
    return 0;
}

size_t threshold_invariant_names(const cJSON *runs, const char **names, size_t max)
{
    size_t n = 0;
    const cJSON *run;
    cJSON_ArrayForEach(run, runs) {
        const cJSON *x;
        cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(run, "invariants")) {
            const cJSON *name = cJSON_GetObjectItemCaseSensitive(x, "name");
            if (!cJSON_IsString(name))
                continue;
            bool seen = false;
            for (size_t k = 0; k < n && !seen; k++)
                seen = strcmp(names[k], name->valuestring) == 0;
            if (!seen && n < max)
                names[n++] = name->valuestring;
        }
    }
    return n;
}

/* A run's value of t's metric: 1 with *v, 0 when it is not there or not checked. */
static int value_of(const struct threshold *t, const cJSON *run, double *v)
{
    const cJSON *x = NULL;
    const struct metric *m = metric_named(t->metric);
    if (m && m->kind == THRESHOLD_LATENCY)
        x = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(run, m->a), "purchase"), m->b);
    else if (m)
        x = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(run, m->a), m->b);
    else {
        const cJSON *inv;
        cJSON_ArrayForEach(inv, cJSON_GetObjectItemCaseSensitive(run, "invariants")) {
            const cJSON *name = cJSON_GetObjectItemCaseSensitive(inv, "name");
            if (cJSON_IsString(name) && strcmp(name->valuestring, t->metric) == 0)
                x = cJSON_GetObjectItemCaseSensitive(inv, "value");
        }
    }
    if (!cJSON_IsNumber(x))
        return 0;
    *v = x->valuedouble;
    return 1;
}

static const char *str(const cJSON *run, const char *a, const char *b, const char *dflt)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(run, a), b);
    return cJSON_IsString(x) ? x->valuestring : dflt;
}

static int users_of(const cJSON *run)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(run, "run"), "users");
    return cJSON_IsNumber(x) ? (int)x->valuedouble : 0;
}

/* Whether runs a and b are repeats of one another. */
static bool same_group(const cJSON *a, const cJSON *b)
{
    return strcmp(str(a, "run", "scenario", ""), str(b, "run", "scenario", "")) == 0
           && strcmp(str(a, "run", "strategy", ""), str(b, "run", "strategy", "")) == 0
           && strcmp(str(a, "run", "isolation", ""), str(b, "run", "isolation", "")) == 0
           && users_of(a) == users_of(b);
}

size_t threshold_evaluate(const struct threshold *t, size_t nt, const cJSON *runs,
                          struct threshold_result *out, size_t max, size_t *failed)
{
    size_t n = 0;
    *failed = 0;
    int count = cJSON_GetArraySize(runs);
    for (int i = 0; i < count; i++) {
        const cJSON *first = cJSON_GetArrayItem(runs, i);
        bool seen = false;
        for (int k = 0; k < i && !seen; k++)
            seen = same_group(cJSON_GetArrayItem(runs, k), first);
        if (seen)
            continue;              /* its group was evaluated at its first run */
        for (size_t ti = 0; ti < nt && n < max; ti++) {
            double v[STATS_SAMPLES_MAX];
            size_t nv = 0;
            bool unknown = false;
            for (int k = i; k < count; k++) {
                const cJSON *run = cJSON_GetArrayItem(runs, k);
                if (!same_group(run, first))
                    continue;
                double x;
                if (value_of(&t[ti], run, &x) && nv < STATS_SAMPLES_MAX)
                    v[nv++] = x;
                else if (nv < STATS_SAMPLES_MAX)
                    unknown = true;
            }
            struct threshold_result *r = &out[n++];
            memset(r, 0, sizeof *r);
            r->t = &t[ti];
            snprintf(r->group, sizeof r->group, "%.100s/%d", str(first, "run", "strategy", "?"),
                     users_of(first));
            r->n = nv;
            r->known = nv > 0 && !unknown;
            if (t[ti].kind == THRESHOLD_LATENCY || t[ti].kind == THRESHOLD_RATE) {
                r->value = stats_median(v, nv);
            } else {
                r->value = nv ? v[0] : 0;
                for (size_t k = 1; k < nv; k++)
                    if (v[k] > r->value)
                        r->value = v[k];
            }
            r->passed = r->known && threshold_holds(&t[ti], r->value);
            *failed += !r->passed;
        }
    }
    return n;
}

static void value_text(const struct threshold_result *r, char *buf, size_t n)
{
    if (!r->known)
        snprintf(buf, n, "not checked");
    else if (r->t->kind == THRESHOLD_LATENCY)
        snprintf(buf, n, "%.4g ms", r->value);
    else if (r->t->kind == THRESHOLD_RATE)
        snprintf(buf, n, "%.0f/s", r->value);
    else
        snprintf(buf, n, "%.0f", r->value);
}

void threshold_write_text(FILE *f, const struct threshold_result *r, size_t n, bool md)
{
    if (n == 0)
        return;
    size_t failed = 0;
    for (size_t i = 0; i < n; i++)
        failed += !r[i].passed;
    fprintf(f, "\nthresholds (%zu of %zu passed%s)%s\n", n - failed, n,
            r[0].n > 1 ? "; latency and rates: the median of the repeats, counts: the worst" : "",
            md ? "  " : "");
    for (size_t i = 0; i < n; i++) {
        char v[48];
        value_text(&r[i], v, sizeof v);
        fprintf(f, "%s%s %-20s %s: %s %s\n", md ? "- " : "  ", r[i].passed ? "✓" : "✗", r[i].t->text,
                r[i].group, r[i].t->metric, v);
    }
}

cJSON *threshold_json(const struct threshold_result *r, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < n; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "threshold", r[i].t->text);
        cJSON_AddStringToObject(x, "metric", r[i].t->metric);
        cJSON_AddStringToObject(x, "group", r[i].group);
        if (r[i].known)
            cJSON_AddNumberToObject(x, "value", r[i].value);
        else
            cJSON_AddNullToObject(x, "value");
        cJSON_AddNumberToObject(x, "runs", (double)r[i].n);
        cJSON_AddBoolToObject(x, "passed", r[i].passed);
        cJSON_AddItemToArray(arr, x);
    }
    return arr;
}

void thresholds_failed_message(const struct threshold_result *r, size_t n, char *err, size_t errlen)
{
    size_t failed = 0;
    err[0] = '\0';
    for (size_t i = 0; i < n; i++)
        failed += !r[i].passed;
    if (!failed)
        return;
    snprintf(err, errlen, "%zu threshold%s failed:", failed, failed == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(err);
        if (!r[i].passed && used + 1 < errlen)
            snprintf(err + used, errlen - used, " %s (%s)", r[i].t->text, r[i].group);
    }
}
