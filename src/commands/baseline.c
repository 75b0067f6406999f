/* baseline.c — `racesim check`: a result against a baseline; one exit code for CI. */
#include "baseline.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "stats.h"
#include "threshold.h"
#include "text.h"

#define GROUPS_MAX 1024
#define GROUP_RUNS_MAX 128
#define INVARIANTS_MAX 32

struct invariant_seen {
    char name[64];
    bool held;                  /* in every run of the group */
    double worst;               /* the largest value seen */
};

/* The runs of one file that share a key: a strategy at one buyer count (its repeats). */
struct group {
    char key[256];              /* scenario|strategy|users|isolation|lockstep */
    char label[192];            /* "atomic/50", "atomic/2 @ SERIALIZABLE lockstep" */
    double tput[GROUP_RUNS_MAX], p99[GROUP_RUNS_MAX];
    size_t n;
    struct invariant_seen inv[INVARIANTS_MAX];
    size_t n_inv;
    bool correct;               /* every invariant held in every run */
};

struct side {
    const char *path;
    struct group *g;
    size_t n;
};

static int read_file(const char *path, char **out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return 2;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (size_t got = 1; buf && got > 0;) {
        if (n + 1 == cap) {
            char *more = realloc(buf, cap *= 2);
            if (!more) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = more;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    }
    bool bad = !buf || ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        snprintf(err, errlen, "%s: cannot read: %s", path, buf ? strerror(errno) : "out of memory");
        return 2;
    }
    buf[n] = '\0';
    *out = buf;
    return 0;
}

static const cJSON *path_get(const cJSON *j, const char *a, const char *b, const char *c)
{
    j = cJSON_GetObjectItemCaseSensitive(j, a);
    if (j && b)
        j = cJSON_GetObjectItemCaseSensitive(j, b);
    if (j && c)
        j = cJSON_GetObjectItemCaseSensitive(j, c);
    return j;
}

static struct group *group_for(struct side *s, const char *key)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->g[i].key, key) == 0)
            return &s->g[i];
    return NULL;
}

/* One run's report into its group. Returns 0, or 2 with the reason. */
static int add_run(struct side *s, const cJSON *run, size_t index, char *err, size_t errlen)
{
    const cJSON *scenario = path_get(run, "run", "scenario", NULL);
    const cJSON *strategy = path_get(run, "run", "strategy", NULL);
    const cJSON *users = path_get(run, "run", "users", NULL);
    const cJSON *isolation = path_get(run, "run", "isolation", NULL);
    const cJSON *tput = path_get(run, "time", "throughput", NULL);
    const cJSON *p99 = path_get(run, "latency", "purchase", "p99_ms");
    const cJSON *invs = path_get(run, "invariants", NULL, NULL);
    if (!cJSON_IsString(scenario) || !cJSON_IsString(strategy) || !cJSON_IsNumber(users)
        || !cJSON_IsNumber(tput) || !cJSON_IsNumber(p99) || !cJSON_IsArray(invs)) {
        snprintf(err, errlen, "%s: run %zu is not a racesim run report (it needs run.strategy, "
                 "run.users, time.throughput, latency.purchase.p99_ms and invariants)", s->path, index + 1);
        return 2;
    }
    bool lockstep = cJSON_GetObjectItemCaseSensitive(run, "lockstep_rounds") != NULL;
    const char *iso = cJSON_IsString(isolation) ? isolation->valuestring : "server default";
    char key[256];
    snprintf(key, sizeof key, "%s|%s|%d|%s|%d", scenario->valuestring, strategy->valuestring,
             (int)users->valuedouble, iso, lockstep);
    struct group *g = group_for(s, key);
    if (!g) {
        if (s->n == GROUPS_MAX) {
            snprintf(err, errlen, "%s: more than %d distinct runs", s->path, GROUPS_MAX);
            return 2;
        }
        g = &s->g[s->n++];
        memset(g, 0, sizeof *g);
        g->correct = true;
        snprintf(g->key, sizeof g->key, "%s", key);
        snprintf(g->label, sizeof g->label, "%.80s/%d%s%.30s%s", strategy->valuestring, (int)users->valuedouble,
                 strcmp(iso, "server default") ? " @ " : "", strcmp(iso, "server default") ? iso : "",
                 lockstep ? " lockstep" : "");
    }
    if (g->n == GROUP_RUNS_MAX)
        return 0;
    g->tput[g->n] = tput->valuedouble;
    g->p99[g->n] = p99->valuedouble;
    g->n++;
    const cJSON *x;
    cJSON_ArrayForEach(x, invs) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(x, "name");
        const cJSON *holds = cJSON_GetObjectItemCaseSensitive(x, "holds");
        const cJSON *value = cJSON_GetObjectItemCaseSensitive(x, "value");
        if (!cJSON_IsString(name) || !cJSON_IsBool(holds)) {
            snprintf(err, errlen, "%s: run %zu: an invariant without a name or holds", s->path, index + 1);
            return 2;
        }
        struct invariant_seen *iv = NULL;
        for (size_t i = 0; i < g->n_inv; i++)
            if (strcmp(g->inv[i].name, name->valuestring) == 0)
                iv = &g->inv[i];
        if (!iv && g->n_inv < INVARIANTS_MAX) {
            iv = &g->inv[g->n_inv++];
            snprintf(iv->name, sizeof iv->name, "%s", name->valuestring);
            iv->held = true;
        }
        if (!iv)
            continue;
        double v = cJSON_IsNumber(value) ? value->valuedouble : 0;
        if (!cJSON_IsTrue(holds)) {
            iv->held = false;
            g->correct = false;
        }
        if (v > iv->worst)
            iv->worst = v;
    }
    return 0;
}

/* Reads a result file of any racesim command into groups. Returns 0, or 2 with one line. */
static int load(struct side *s, char *err, size_t errlen)
{
    char *text;
    if (read_file(s->path, &text, err, errlen))
        return 2;
    cJSON *j = cJSON_Parse(text);
    free(text);
    if (!cJSON_IsObject(j)) {
        snprintf(err, errlen, "%s: not a racesim result: %s", s->path,
                 j ? "the JSON is not an object" : "invalid JSON");
        cJSON_Delete(j);
        return 2;
    }
    int rc = 0;
    const cJSON *runs = cJSON_GetObjectItemCaseSensitive(j, "runs");
    if (cJSON_IsArray(runs)) {
        size_t i = 0;
        const cJSON *run;
        cJSON_ArrayForEach(run, runs) {
            if (rc == 0)
                rc = add_run(s, run, i++, err, errlen);
        }
    } else if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(j, "run"))) {
        rc = add_run(s, j, 0, err, errlen);
    }
    if (rc == 0 && s->n == 0) {
        snprintf(err, errlen, "%s: not a racesim result: no run in it", s->path);
        rc = 2;
    }
    cJSON_Delete(j);
    return rc;
}

/* One check's outcome, for the text lines and the JUnit test cases. */
enum verdict { PASS, FAIL_INVARIANT, FAIL_PERFORMANCE, KNOWN, FAIL_THRESHOLD };

struct finding {
    const char *group;          /* label */
    char check[80];             /* "throughput", "p99", "invariant oversell", "present" */
    enum verdict v;
    char text[400];
};

struct report {
    struct finding *f;
    size_t n, cap;
    int invariant_regressions, performance_regressions, thresholds_failed;
};

__attribute__((format(printf, 5, 6)))
static void found(struct report *r, const char *group, const char *check, enum verdict v, const char *fmt, ...)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 64;
        struct finding *f = realloc(r->f, cap * sizeof *f);
        if (!f)
            return;
        r->f = f;
        r->cap = cap;
    }
    struct finding *x = &r->f[r->n++];
    x->group = group;
    snprintf(x->check, sizeof x->check, "%s", check);
    x->v = v;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->text, sizeof x->text, fmt, ap);
    va_end(ap);
    r->invariant_regressions += v == FAIL_INVARIANT;
    r->performance_regressions += v == FAIL_PERFORMANCE;
    r->thresholds_failed += v == FAIL_THRESHOLD;
}

/* "−35%" / "+4%": the change of a ratio, signed. */
static const char *change(double ratio, char *buf, size_t n)
{
    double pc = 100 * (ratio - 1);
    snprintf(buf, n, "%s%.0f%%", pc < -0.5 ? "−" : "+", pc < 0 ? -pc : pc);
    if (strcmp(buf, "+0%") == 0 || strcmp(buf, "−0%") == 0)
        snprintf(buf, n, "~0%%");
    return buf;
}

/* One speed figure (throughput, where lower is worse, or p99, where higher is worse) of the
 * result's runs b against the baseline's a. With two or more samples a side: a regression is
 * significant (one-sided Mann–Whitney in the bad direction, p < 0.05) AND beyond t; with one
 * sample a side only o->gate_all gates, by the ratio alone. gate_speed false: said, not gated. */
static void speed(struct report *rep, const char *label, const char *what, const char *unit,
                  const double *a, size_t na, const double *b, size_t nb, bool higher_is_worse,
                  double t, bool gate_speed, bool gate_all)
{
    double am = stats_median(a, na), bm = stats_median(b, nb);
    if (!(am > 0))
        return;
    double ratio = bm / am;
    double limit = higher_is_worse ? 1 / (1 - t) : 1 - t;
    bool beyond = higher_is_worse ? ratio > limit : ratio < limit;
    char c[32], lim[32], fig[128];
    snprintf(fig, sizeof fig, "%s %.4g%s vs %.4g%s", what, bm, unit, am, unit);
    if (na < 2 || nb < 2) {
        if (gate_speed && gate_all && beyond)
            found(rep, label, what, FAIL_PERFORMANCE, "%s: %s (allowed %s; n=%zu+%zu, by the ratio "
                  "alone: --gate=all)", fig, change(ratio, c, sizeof c), change(limit, lim, sizeof lim), nb, na);
        else if (gate_speed && gate_all)
            found(rep, label, what, PASS, "%s %s (n=%zu+%zu)", what, change(ratio, c, sizeof c), nb, na);
        else if (strcmp(what, "throughput") == 0)    /* said once a line, with the first figure */
            found(rep, label, what, PASS, "%s %s, not enough runs to judge speed (n=%zu+%zu)", what,
                  change(ratio, c, sizeof c), nb, na);
        else
            found(rep, label, what, PASS, "%s %s", what, change(ratio, c, sizeof c));
        return;
    }
    double p = stats_mann_whitney(a, na, b, nb, higher_is_worse ? STATS_B_GREATER : STATS_B_LESS);
    double est, lo, hi;
    char interval[96] = "";
    if (stats_ratio_interval(a, na, b, nb, &est, &lo, &hi) == 0) {
        char l[32], h[32];
        snprintf(interval, sizeof interval, " [%s, %s]", change(lo, l, sizeof l), change(hi, h, sizeof h));
    }
    bool bad = beyond && p < 0.05;
    if (bad && gate_speed)
        found(rep, label, what, FAIL_PERFORMANCE, "%s: %s%s (p=%.3g n=%zu+%zu; allowed %s)", fig,
              change(ratio, c, sizeof c), interval, p, nb, na, change(limit, lim, sizeof lim));
    else
        found(rep, label, what, PASS, "%s %s%s (p=%.3g n=%zu+%zu%s)", what, change(ratio, c, sizeof c),
              interval, p, nb, na, bad ? "; speed not gated" : "");
}

/* Compares one run's figures; with gate_speed false a slower run is said but passes. */
static void compare_group(struct report *rep, struct group *base, struct group *res, double t,
                          bool gate_speed, bool gate_all)
{
    speed(rep, base->label, "throughput", "/s", base->tput, base->n, res->tput, res->n, false, t,
          gate_speed, gate_all);
    speed(rep, base->label, "p99", " ms", base->p99, base->n, res->p99, res->n, true, t, gate_speed,
          gate_all);
    for (size_t i = 0; i < base->n_inv; i++) {
        const struct invariant_seen *b = &base->inv[i];
        const struct invariant_seen *r = NULL;
        for (size_t k = 0; k < res->n_inv; k++)
            if (strcmp(res->inv[k].name, b->name) == 0)
                r = &res->inv[k];
        char check[80];
        snprintf(check, sizeof check, "invariant %s", b->name);
        if (!r)
            found(rep, base->label, check, FAIL_PERFORMANCE, "invariant %s: not in the result", b->name);
        else if (r->held)
            found(rep, base->label, check, PASS, "%s holds", b->name);
        else if (!b->held)
            found(rep, base->label, check, KNOWN, "%s violated (%.0f), as in the baseline (%.0f)", b->name,
                  r->worst, b->worst);
        else if (!base->correct)
            found(rep, base->label, check, KNOWN, "%s violated (%.0f); it held in the baseline, but the "
                  "strategy was already unsafe there", b->name, r->worst);
        else
            found(rep, base->label, check, FAIL_INVARIANT, "%s violated (%.0f); it held in the baseline",
                  b->name, r->worst);
    }
}

/* o's --threshold limits on the result's runs (repeats together), each a finding; the results
 * are kept in *kept (the findings name their groups there; free it). Returns 0, or 2 with one
 * line in err (the file unreadable, a threshold naming no metric or invariant of it). */
static int check_thresholds(struct report *rep, const struct options *o, struct threshold_result **kept,
                            char *err, size_t errlen)
{
    char *text;
    if (read_file(o->result, &text, err, errlen))
        return 2;
    cJSON *j = cJSON_Parse(text);
    free(text);
    cJSON *runs = cJSON_GetObjectItemCaseSensitive(j, "runs"), *one = NULL;
    if (!cJSON_IsArray(runs)) {               /* a single run's report */
        runs = one = cJSON_CreateArray();
        cJSON_AddItemReferenceToArray(one, j);
    }
    const char *names[64];
    size_t n_names = threshold_invariant_names(runs, names, 64);
    int rc = threshold_check_names(o->thresholds, o->n_thresholds, names, n_names, err, errlen);
    size_t max = o->n_thresholds * GROUPS_MAX;
    *kept = rc == 0 ? calloc(max, sizeof **kept) : NULL;
    if (rc == 0 && !*kept)
        rc = (snprintf(err, errlen, "out of memory"), 2);
    if (rc == 0) {
        size_t failed, n = threshold_evaluate(o->thresholds, o->n_thresholds, runs, *kept, max, &failed);
        for (size_t i = 0; i < n; i++) {
            const struct threshold_result *r = &(*kept)[i];
            char value[64];
            if (!r->known)
                snprintf(value, sizeof value, "not checked");
            else
                snprintf(value, sizeof value, "%.4g%s", r->value, r->t->kind == THRESHOLD_LATENCY ? " ms"
                         : r->t->kind == THRESHOLD_RATE ? "/s" : "");
            found(rep, r->group, r->t->text, r->passed ? PASS : FAIL_THRESHOLD, "%s: %s %s (n=%zu)",
                  r->t->text, r->t->metric, value, r->n);
        }
    }
    cJSON_Delete(one);
    cJSON_Delete(j);
    return rc;
}

static void write_text(FILE *f, const struct options *o, const struct report *rep, int code)
{
    if (o->gate_invariants)
        fprintf(f, "check %s against %s: invariants only (--gate=invariants: speed is said, not gated)\n",
                o->result, o->baseline);
    else
        fprintf(f, "check %s against %s: a regression is significant (Mann–Whitney, p < 0.05) and "
                "beyond %.0f%% (throughput down to %.0f%%, p99 up to %.2f×)%s\n", o->result, o->baseline,
                100 * o->max_regression, 100 * (1 - o->max_regression), 1 / (1 - o->max_regression),
                o->gate_all ? "; one run a side: by the ratio alone (--gate=all)" : "");
    static const char *tag[] = {"ok        ", "INVARIANT ", "REGRESSION", "known     ", "THRESHOLD "};
    /* per run: one line for what passed, then one line for each thing that did not */
    for (size_t i = 0; i < rep->n;) {
        size_t end = i, holds = 0;
        char ok[600] = "";
        for (; end < rep->n && rep->f[end].group == rep->f[i].group; end++) {
            const struct finding *x = &rep->f[end];
            bool invariant = strncmp(x->check, "invariant ", 10) == 0;
            if (x->v == PASS && !invariant)
                text_appendf(ok, sizeof ok, "%s%s", ok[0] ? ", " : "", x->text);
            holds += x->v == PASS && invariant;
        }
        if (holds)
            text_appendf(ok, sizeof ok, "%s%zu invariant%s hold%s", ok[0] ? ", " : "", holds,
                         holds == 1 ? "" : "s", holds == 1 ? "s" : "");
        if (ok[0])
            fprintf(f, "%s %s: %s\n", tag[PASS], rep->f[i].group, ok);
        for (; i < end; i++)
            if (rep->f[i].v != PASS)
                fprintf(f, "%s %s: %s\n", tag[rep->f[i].v], rep->f[i].group, rep->f[i].text);
    }
    char th[64] = "";
    if (o->n_thresholds)
        snprintf(th, sizeof th, ", %d threshold%s failed", rep->thresholds_failed,
                 rep->thresholds_failed == 1 ? "" : "s");
    fprintf(f, "check: %d invariant regression%s, %d performance regression%s%s: exit %d\n",
            rep->invariant_regressions, rep->invariant_regressions == 1 ? "" : "s",
            rep->performance_regressions, rep->performance_regressions == 1 ? "" : "s", th, code);
}

static void xml(FILE *f, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default: fputc(*s, f);
        }
}

static void write_junit(FILE *f, const struct options *o, const struct report *rep)
{
    size_t failures = 0, skipped = 0;
    for (size_t i = 0; i < rep->n; i++) {
        failures += rep->f[i].v == FAIL_INVARIANT || rep->f[i].v == FAIL_PERFORMANCE
                    || rep->f[i].v == FAIL_THRESHOLD;
        skipped += rep->f[i].v == KNOWN;
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    fprintf(f, "<testsuites name=\"racesim check\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\">\n",
            rep->n, failures, skipped);
    fputs("  <testsuite name=\"", f);
    xml(f, o->result);
    fputs(" against ", f);
    xml(f, o->baseline);
    fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\">\n", rep->n, failures, skipped);
    for (size_t i = 0; i < rep->n; i++) {
        const struct finding *x = &rep->f[i];
        fputs("    <testcase classname=\"racesim.", f);
        xml(f, x->group);
        fputs("\" name=\"", f);
        xml(f, x->check);
        fputs("\">", f);
        if (x->v == PASS) {
            fputs("</testcase>\n", f);
            continue;
        }
        fputs(x->v == KNOWN ? "<skipped message=\"" : "<failure message=\"", f);
        xml(f, x->text);
        fprintf(f, "\"%s/></testcase>\n", x->v == KNOWN ? "" : x->v == FAIL_THRESHOLD ? " type=\"threshold\""
                : " type=\"regression\"");
    }
    fputs("  </testsuite>\n</testsuites>\n", f);
}

int baseline_check(const struct options *o, char *err, size_t errlen)
{
    struct side res = {.path = o->result}, base = {.path = o->baseline};
    struct report rep = {0};
    res.g = calloc(GROUPS_MAX, sizeof *res.g);
    base.g = calloc(GROUPS_MAX, sizeof *base.g);
    int rc = res.g && base.g ? 0 : (snprintf(err, errlen, "out of memory"), 2);
    if (rc == 0)
        rc = output_check("--out", o->out, o->force, err, errlen);
    if (rc == 0)
        rc = load(&res, err, errlen);
    if (rc == 0)
        rc = load(&base, err, errlen);
    size_t matched = 0;
    for (size_t i = 0; rc == 0 && i < base.n; i++) {
        struct group *r = group_for(&res, base.g[i].key);
        if (r) {
            matched++;
            compare_group(&rep, &base.g[i], r, o->max_regression, !o->gate_invariants, o->gate_all);
        } else {
            found(&rep, base.g[i].label, "present", KNOWN, "in the baseline, not in the result: not checked");
        }
    }
    for (size_t i = 0; rc == 0 && i < res.n; i++)
        if (!group_for(&base, res.g[i].key))
            found(&rep, res.g[i].label, "baseline", KNOWN, "not in the baseline: not checked");
    if (rc == 0 && matched == 0) {
        snprintf(err, errlen, "%s and %s have no run in common (runs are matched by scenario, strategy, "
                 "buyers, isolation and lockstep)", o->result, o->baseline);
        rc = 2;
    }
    struct threshold_result *th = NULL;
    if (rc == 0 && o->n_thresholds)
        rc = check_thresholds(&rep, o, &th, err, errlen);
    if (rc == 0) {
        int code = rep.invariant_regressions ? 1 : rep.thresholds_failed ? 5
                   : rep.performance_regressions ? 4 : 0;
        struct output out;
        rc = output_open(&out, "--out", o->out, o->force, err, errlen);
        if (rc == 0) {
            if (o->format == FORMAT_JUNIT)
                write_junit(out.f, o, &rep);
            else
                write_text(out.f, o, &rep, code);
            rc = output_close(&out, true, err, errlen);
        }
        if (rc == 0)
            rc = code;
    }
    free(th);
    free(rep.f);
    free(res.g);
    free(base.g);
    return rc;
}
