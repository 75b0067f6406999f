/* explore.c — `racesim explore`: depth-first search over who goes next at each step, one run per
 * schedule on fresh tables of one server; counts what broke, keeps the shortest witness. */
#include "explore.h"
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "meta.h"
#include "output.h"
#include "plan.h"
#include "summary.h"
#include "text.h"
#include "html.h"
#include "trace.h"

#define WIDTH 100

static bool literal(const char *s, long long *out)
{
    char *end;
    errno = 0;
    *out = strtoll(s, &end, 10);
    return !errno && end != s && !*end;
}

void explore_smallest(const struct options *o, const struct run_report *probe,
                      struct explore_params *store)
{
    store->n = 0;
    for (size_t i = 0; i < probe->params.n && store->n < EXPLORE_PARAMS_MAX; i++) {
        const struct param_decl *d = &probe->scenario.params[i];
        bool given = false;
        for (size_t k = 0; k < o->n_overrides; k++)
            given |= param_name_matches(o->overrides[k].name, d->name);
        long long lo, hi, v;
        if (given || d->flag)
            continue;
        if (probe->params.v[i].kind == PARAM_INT)
            v = d->min > 1 ? d->min : 1;
        else if (d->kind == PARAM_RANGE && literal(d->lo, &lo) && literal(d->hi, &hi))
            v = lo;
        else
            continue;
        snprintf(store->name[store->n], sizeof store->name[0], "%s", d->name);
        snprintf(store->value[store->n], sizeof store->value[0], "%lld", v);
        store->n++;
    }
}

void explore_apply(const struct explore_params *store, struct options *ro)
{
    for (size_t i = 0; i < store->n && ro->n_overrides < CLI_OVERRIDES_MAX; i++)
        ro->overrides[ro->n_overrides++] = (struct param_override){store->name[i], store->value[i]};
    ro->lockstep = true;
    ro->trace = false;
    ro->trace_file = NULL;
    ro->quiet = true;
    ro->schedule_len = 0;
}

/* One choice point of the search: who could go, who has been tried, who went. */
struct frame {
    unsigned runnable, tried;
    int chosen;
};

struct search {
    struct frame frames[SCHEDULE_MAX];
    int depth;
    int prefix[SCHEDULE_MAX];
    int prefix_len;
};

/* Runs ro with schedule prefix; fills log and the report's verdict. Returns 0, 2/3, or -1 when
 * the run could not follow the prefix (a schedule failure: it went another way this time). */
static int run_one(struct run_session *s, struct options *ro, const int *prefix, int len,
                   struct run_report *r, struct schedule_log *log, char *err, size_t errlen)
{
    memcpy(ro->schedule, prefix, (size_t)len * sizeof *prefix);
    ro->schedule_len = len;
    int rc = run_prepare(ro, r, err, errlen);
    r->schedule_log = log;
    r->fast_reset = true;
    if (rc == 0)
        rc = run_in_session(s, ro, r, err, errlen);
    if (rc == 2 && strncmp(err, "--schedule:", 11) == 0)
        return -1;
    return rc;
}

static void note_run(struct explore_result *x, const struct run_report *r,
                     const struct schedule_log *log)
{
    char violated[512] = "", sched[SCHEDULE_MAX * 3];
    for (size_t i = 0; i < r->n_invariants; i++) {
        const struct invariant_result *ir = &r->invariants[i];
        size_t k = 0;
        while (k < x->n_names && strcmp(x->names[k], ir->name) != 0)
            k++;
        if (k == x->n_names && k < EXPLORE_NAMES_MAX)
            snprintf(x->names[x->n_names++], sizeof x->names[0], "%s", ir->name);
        if (!ir->holds) {
            if (k < EXPLORE_NAMES_MAX)
                x->broke[k]++;
            text_appendf(violated, sizeof violated, "%s%s", violated[0] ? ";" : "", ir->name);
        }
    }
    for (size_t i = 0; i < r->result.n_errors; i++) {
        size_t k = 0;
        while (k < x->n_errors && !error_id_same(&x->errors[k], &r->result.errors[i].id))
            k++;
        if (k == x->n_errors && k < EXPLORE_NAMES_MAX)
            x->errors[x->n_errors++] = r->result.errors[i].id;
        if (k < EXPLORE_NAMES_MAX)
            x->error_schedules[k]++;
    }
    if (log->waits)
        x->waited++;
    uint64_t bf = 0, cert = 0;
    for (int n = 0; n < r->nodes && n < RESULT_NODES_MAX; n++) {
        bf += r->node_bf_aborts[n];
        cert += r->node_cert_failures[n];
    }
    x->bf_aborted += bf > 0;
    x->cert_failed += cert > 0;
    if (r->exit_code) {
        x->anomalous++;
        if (!x->witness_len || log->n < x->witness_len) {
            memcpy(x->witness, log->chosen, (size_t)log->n * sizeof *log->chosen);
            x->witness_len = log->n;
        }
    }
    schedule_format(log->chosen, log->n, sched, sizeof sched);
    struct explore_run *runs = realloc(x->runs, (x->n_runs + 1) * sizeof *runs);
    if (!runs)
        return;
    x->runs = runs;
    x->runs[x->n_runs].schedule = strdup(sched);
    x->runs[x->n_runs].violated = strdup(violated);
    x->n_runs++;
}

/* Records the choices of the run just made from the prefix on, then finds the deepest choice
 * point with a buyer not yet tried there: the next prefix. Returns false when none is left. */
static bool next_prefix(struct search *sr, const struct schedule_log *log, bool followed)
{
    if (followed) {
        for (int i = sr->prefix_len; i < log->n; i++)
            sr->frames[i] = (struct frame){.runnable = log->runnable[i],
                                           .tried = 1u << (log->chosen[i] - 1),
                                           .chosen = log->chosen[i]};
        sr->depth = log->n;
    } else {
        sr->depth = sr->prefix_len;     /* the prefix's last choice is spent; go on from it */
    }
    for (int i = sr->depth - 1; i >= 0; i--) {
        struct frame *f = &sr->frames[i];
        unsigned left = f->runnable & ~f->tried;
        if (!left)
            continue;
        int b = __builtin_ctz(left) + 1;
        f->tried |= 1u << (b - 1);
        f->chosen = b;
        for (int k = 0; k <= i; k++)
            sr->prefix[k] = sr->frames[k].chosen;
        sr->prefix_len = i + 1;
        return true;
    }
    return false;
}

int explore_in_session(struct run_session *s, const struct options *o, struct explore_result *x,
                       char *err, size_t errlen)
{
    memset(x, 0, sizeof *x);
    struct search *sr = calloc(1, sizeof *sr);
    struct options *ro = calloc(1, sizeof *ro);
    struct run_report *r = calloc(1, sizeof *r);
    struct schedule_log *log = calloc(1, sizeof *log);
    int rc = sr && ro && r && log ? 0 : (snprintf(err, errlen, "out of memory"), 2);
    if (rc == 0)
        cli_copy(ro, o);
    int64_t t0 = clock_now_us();
    bool more = rc == 0;
    while (more) {
        if (o->max_schedules && x->schedules >= o->max_schedules)
            break;
        int one = run_one(s, ro, sr->prefix, sr->prefix_len, r, log, err, errlen);
        /* A replay that went another way (a lock wait the server showed late on a busy
         * machine) is run again from the same prefix before it counts as diverged. */
        for (int again = 0; one < 0 && again < EXPLORE_REPLAY_TRIES - 1; again++) {
            run_free(r);
            x->replayed_again++;
            one = run_one(s, ro, sr->prefix, sr->prefix_len, r, log, err, errlen);
        }
        if (one > 0) {
            rc = one;
            run_free(r);
            break;
        }
        if (one == 0) {
            x->schedules++;
            note_run(x, r, log);
        } else {
            x->diverged++;
        }
        if (log->overflow) {
            snprintf(err, errlen, "explore: a schedule ran more than %d steps", SCHEDULE_MAX);
            rc = 2;
            run_free(r);
            break;
        }
        run_free(r);
        more = next_prefix(sr, log, one == 0);
    }
    x->complete = rc == 0 && !more;
    x->seconds = (double)(clock_now_us() - t0) / 1e6;
    free(sr);
    free(ro);
    free(r);
    free(log);
    return rc;
}

const struct error_id *explore_dominant_error(const struct explore_result *x, long *schedules)
{
    size_t best = 0;
    for (size_t k = 1; k < x->n_errors; k++)
        if (x->error_schedules[k] > x->error_schedules[best])
            best = k;
    *schedules = x->n_errors ? x->error_schedules[best] : 0;
    return x->n_errors ? &x->errors[best] : NULL;
}

void explore_result_free(struct explore_result *x)
{
    for (size_t i = 0; i < x->n_runs; i++) {
        free(x->runs[i].schedule);
        free(x->runs[i].violated);
    }
    free(x->runs);
    memset(x, 0, sizeof *x);
}

/* Everything explore_main holds. */
struct explore {
    struct options ro;               /* the options of every schedule */
    struct explore_params params;
    struct run_report probe;         /* the strategy, prepared: names and parameters */
    struct run_report witness;       /* the shortest anomalous schedule, replayed with a trace */
    bool replayed;
    struct explore_result x;
};

/* Replays the witness with a trace (to draw it and check it breaks the invariants again); with no
 * witness, the round-robin order (for --html). */
static int replay(struct explore *ex, struct run_session *s, char *err, size_t errlen)
{
    struct options *wo = &ex->ro;
    if (ex->x.witness_len)
        memcpy(wo->schedule, ex->x.witness, (size_t)ex->x.witness_len * sizeof *ex->x.witness);
    wo->schedule_len = ex->x.witness_len;
    wo->trace = true;
    int rc = run_prepare(wo, &ex->witness, err, errlen);
    ex->witness.fast_reset = true;
    if (rc == 0)
        rc = run_in_session(s, wo, &ex->witness, err, errlen);
    ex->replayed = rc == 0;
    return rc;
}

static void broke_line(const struct explore_result *x, char *buf, size_t n)
{
    buf[0] = '\0';
    for (size_t i = 0; i < x->n_names; i++)
        if (x->broke[i])
            text_appendf(buf, n, "%s%s in %ld", buf[0] ? ", " : "", x->names[i], x->broke[i]);
}

static void write_text(FILE *f, const struct explore *ex)
{
    const struct explore_result *x = &ex->x;
    const struct run_report *p = &ex->probe;
    fprintf(f, "racesim %s explore · %s/%s · %d buyers × %d purchase%s · seed %llu\n", RACESIM_VERSION,
            p->scenario.name, p->strategy_name, ex->ro.users, ex->ro.rounds, ex->ro.rounds == 1 ? "" : "s",
            (unsigned long long)ex->ro.seed);
    char params[1024];
    summary_params(p, params, sizeof params);
    summary_wrapped(f, "params     ", params, WIDTH);
    fprintf(f, "schedules  %ld, %s, in %.1f s", x->schedules,
            x->complete ? "every interleaving of the buyers' statements" : "cut by --max-schedules",
            x->seconds);
    if (x->diverged)
        fprintf(f, " (%ld replays went another way)", x->diverged);
    fputc('\n', f);
    if (!x->complete)
        fprintf(f, "           stopped after %ld schedules (--max-schedules=%ld): the ones not run "
                "may break an invariant too\n", x->schedules, ex->ro.max_schedules);
    fputs("\ninvariants (checked by SQL after each schedule)\n", f);
    for (size_t i = 0; i < x->n_names; i++)
        if (x->broke[i])
            fprintf(f, "  ✗ %-20s broken in %ld of %ld schedules\n", x->names[i], x->broke[i], x->schedules);
        else
            fprintf(f, "  ✓ %-20s holds in all %ld\n", x->names[i], x->schedules);
    long with_error;
    const struct error_id *dominant = explore_dominant_error(x, &with_error);
    const char *error_name = dominant ? outcome_builtin_name(dominant->outcome) : NULL;
    if (dominant)
        fprintf(f, "errors     %s (%s) in %ld of %ld schedules\n", dominant->code, error_name ? error_name : "error",
                with_error, x->schedules);
    if (!x->anomalous) {
        fprintf(f, "\nverdict: correct — no schedule of the %ld breaks an invariant\n", x->schedules);
        return;
    }
    char sched[SCHEDULE_MAX * 3];
    schedule_format(x->witness, x->witness_len, sched, sizeof sched);
    fprintf(f, "\nshortest anomalous schedule (%d steps): --schedule=%s\n\n", x->witness_len, sched);
    if (ex->replayed) {
        trace_print_text(f, &ex->witness.result.trace, &ex->witness.script, WIDTH);
        fputc('\n', f);
        char why[768];
        report_explanation(&ex->witness, why, sizeof why);
        if (why[0])
            summary_wrapped(f, "why: ", why, WIDTH);
        if (!ex->witness.exit_code)
            fputs("note: replayed, this schedule broke no invariant (the run is not deterministic "
                  "here)\n", f);
    }
    char broke[512];
    broke_line(x, broke, sizeof broke);
    fprintf(f, "\nverdict: ANOMALY in %ld of %ld schedules — %s\n", x->anomalous, x->schedules, broke);
}

static int write_json(FILE *f, const struct explore *ex)
{
    const struct explore_result *x = &ex->x;
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "command", "explore");
    cJSON_AddStringToObject(j, "racesim", RACESIM_VERSION);
    cJSON_AddStringToObject(j, "scenario", ex->probe.scenario.name);
    cJSON_AddStringToObject(j, "strategy", ex->probe.strategy_name);
    cJSON_AddNumberToObject(j, "users", ex->ro.users);
    cJSON_AddItemToObject(j, "seed", meta_uint(ex->ro.seed));
    cJSON_AddNumberToObject(j, "schedules", (double)x->schedules);
    cJSON_AddBoolToObject(j, "complete", x->complete);
    cJSON_AddNumberToObject(j, "anomalous", (double)x->anomalous);
    cJSON_AddNumberToObject(j, "diverged", (double)x->diverged);
    cJSON_AddNumberToObject(j, "seconds", x->seconds);
    cJSON *inv = cJSON_AddObjectToObject(j, "broken");
    for (size_t i = 0; i < x->n_names; i++)
        cJSON_AddNumberToObject(inv, x->names[i], (double)x->broke[i]);
    if (x->witness_len) {
        char sched[SCHEDULE_MAX * 3];
        schedule_format(x->witness, x->witness_len, sched, sizeof sched);
        cJSON *w = cJSON_AddObjectToObject(j, "witness");
        cJSON_AddStringToObject(w, "schedule", sched);
        cJSON_AddNumberToObject(w, "steps", x->witness_len);
        if (ex->replayed) {
            char why[768];
            report_explanation(&ex->witness, why, sizeof why);
            cJSON_AddStringToObject(w, "why", why);
            cJSON_AddBoolToObject(w, "replayed_anomaly", ex->witness.exit_code != 0);
        }
    } else {
        cJSON_AddNullToObject(j, "witness");
    }
    cJSON *runs = cJSON_AddArrayToObject(j, "runs");
    for (size_t i = 0; i < x->n_runs; i++) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "schedule", x->runs[i].schedule ? x->runs[i].schedule : "");
        cJSON *v = cJSON_AddArrayToObject(r, "violated");
        char buf[512];
        snprintf(buf, sizeof buf, "%s", x->runs[i].violated ? x->runs[i].violated : "");
        for (char *save, *t = strtok_r(buf, ";", &save); t; t = strtok_r(NULL, ";", &save))
            cJSON_AddItemToArray(v, cJSON_CreateString(t));
        cJSON_AddItemToArray(runs, r);
    }
    cJSON_AddNumberToObject(j, "exit_code", x->anomalous ? 1 : 0);
    meta_stamp(j);
    return output_json(f, j);
}

static int write_report(const struct explore *ex, const struct options *o, char *err, size_t errlen)
{
    struct output out;
    if (output_open(&out, "--out", o->out, o->force, err, errlen))
        return 2;
    int rc = 0;
    if (o->format == FORMAT_JSON)
        rc = write_json(out.f, ex);
    else
        write_text(out.f, ex);
    return output_close(&out, rc == 0, err, errlen);
}

int explore_main(const struct options *o, char *err, size_t errlen)
{
    if (o->format != FORMAT_TEXT && o->format != FORMAT_JSON) {
        snprintf(err, errlen, "explore: --format is text or json");
        return 2;
    }
    struct explore *ex = calloc(1, sizeof *ex);
    if (!ex) {
        snprintf(err, errlen, "out of memory");
        return 2;
    }
    int rc = output_check("--out", o->out, o->force, err, errlen);
    if (rc == 0)
        rc = output_check("--html", o->html, o->force, err, errlen);
    if (rc == 0)
        rc = run_prepare(o, &ex->probe, err, errlen);
    if (rc == 0) {
        explore_smallest(o, &ex->probe, &ex->params);
        cli_copy(&ex->ro, o);
        explore_apply(&ex->params, &ex->ro);
    }
    if (rc == 0) {       /* the parameters as explored, for the report */
        run_free(&ex->probe);
        rc = run_prepare(&ex->ro, &ex->probe, err, errlen);
    }
    if (rc == 0 && o->dry_run) {
        plan_run(stdout, &ex->ro, &ex->probe);
        plan_end(stdout, "explore", o, 0);
        rc = PLAN_DRY_RUN;
    }
    struct run_session *s = NULL;
    if (rc == 0)
        rc = run_session_open(&ex->ro, ex->ro.users, &s, err, errlen);
    if (rc == 0 && !o->quiet && isatty(STDERR_FILENO))
        fprintf(stderr, "racesim explore: %s, %d buyers: every interleaving...\n",
                ex->probe.strategy_name, ex->ro.users);
    if (rc == 0)
        rc = explore_in_session(s, &ex->ro, &ex->x, err, errlen);
    if (rc == 0 && (ex->x.witness_len || o->html))   /* no witness: the page shows round-robin */
        rc = replay(ex, s, err, errlen);
    run_session_close(s);
    if (rc == 0)
        rc = write_report(ex, o, err, errlen);
    if (rc == 0 && o->html)
        rc = report_write_html_file(&ex->witness, o->html, o->force, err, errlen);
    if (rc == 0)
        rc = ex->x.anomalous ? 1 : 0;
    run_free(&ex->witness);
    run_free(&ex->probe);
    explore_result_free(&ex->x);
    free(ex);
    return rc;
}
