/* report.c — render a run: text for people (fits 100 columns), JSON for machines, CSV for sheets. */
#include "report.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_load.h"
#include "report_nodes.h"
#include "report_fault.h"
#include "config.h"
#include "explain.h"
#include "html.h"
#include "meta.h"
#include "output.h"
#include "report_md.h"
#include "summary.h"

#define BAR_WIDTH 40
#define HIST_ROWS 12

struct style {
    const char *ok, *bad, *dim, *off;
};

static double ms(uint64_t us)
{
    return (double)us / 1000.0;
}

static double per_second(uint64_t n, int64_t us)
{
    return us > 0 ? (double)n * 1e6 / (double)us : 0;
}

/* "0.43 ms", "12.1 ms", "1.20 s": three significant digits for a human */
static const char *human_us(uint64_t us, char *buf, size_t n)
{
    double m = ms(us);
    if (m < 10)
        snprintf(buf, n, "%.2f ms", m);
    else if (m < 1000)
        snprintf(buf, n, "%.1f ms", m);
    else
        snprintf(buf, n, "%.2f s", m / 1000);
    return buf;
}

static const char *outcome_name(const struct run_report *r, int i)
{
    return (size_t)i < r->script.n_outcomes ? r->script.outcomes[i] : "?";
}

static void text_header(FILE *f, const struct run_report *r)
{
    const struct run_settings *o = &r->settings;
    char work[96];
    report_load_work(r, work, sizeof work);
    fprintf(f, "racesim %s · %s/%s · %d buyer%s %s · seed %llu\n", RACESIM_VERSION,
            r->scenario.name, r->strategy_name, o->users, o->users == 1 ? "" : "s", work,
            (unsigned long long)o->seed);
    fprintf(f, "server     %s\n", r->server);
    fprintf(f, "engine     %s\n", r->engine);
    fprintf(f, "version    %s\n", r->server_facts.version);
    fputs("settings  ", f);
    int col = 10;
    for (size_t i = 0; i < r->server_facts.n_vars; i++) {
        const struct server_fact *v = &r->server_facts.vars[i];
        int w = (int)(strlen(v->name) + strlen(v->value) + 2);
        if (col + w > 98) {
            fputs("\n          ", f);
            col = 10;
        }
        col += fprintf(f, " %s=%s", v->name, v->value);
    }
    fputs("\nparams    ", f);
    col = 10;
    for (size_t i = 0; i < r->params.n; i++) {
        int w = (int)(strlen(r->scenario.params[i].name) + strlen(r->params.v[i].text) + 2);
        if (col + w > 98) {
            fputs("\n          ", f);
            col = 10;
        }
        col += fprintf(f, " %s=%s", r->scenario.params[i].name, r->params.v[i].text);
    }
    if (o->pool || o->think_time_us || o->isolation[0])
        fprintf(f, "\noptions    pool=%d think-time=%.1fms isolation=%s", o->pool,
                (double)o->think_time_us / 1000, o->isolation[0] ? o->isolation : "(server's)");
    fputs("\nstrategy  ", f);
    for (const char *d = r->script.description; *d;) {
        int len = (int)strcspn(d, "\n");
        fprintf(f, " %.*s\n", len > 89 ? 89 : len, d);
        d += len + (d[len] == '\n');
        if (*d)
            fputs("          ", f);
    }
    if (r->server_facts.durability_note[0])
        summary_wrapped(f, "durability ", r->server_facts.durability_note, 100);
    for (size_t i = 0; i < r->server_facts.n_warnings; i++)
        fprintf(f, "warning    %s\n", r->server_facts.warnings[i]);
}

static void text_outcomes(FILE *f, const struct run_report *r)
{
    const struct engine_result *e = &r->result;
    fprintf(f, "\n%-24s %10s %10s\n", "outcome", "purchases", r->scenario.units[0] ? "units" : "");
    for (size_t i = 0; i < r->script.n_outcomes; i++) {
        if (e->outcomes[i] == 0 && i != OUTCOME_OK)
            continue;
        fprintf(f, "  %-22s %10llu", outcome_name(r, (int)i), (unsigned long long)e->outcomes[i]);
        if (r->scenario.units[0])
            fprintf(f, " %10llu", (unsigned long long)e->outcome_units[i]);
        fputc('\n', f);
    }
    fprintf(f, "attempts   %llu (retries %llu); attempts per purchase:", (unsigned long long)e->attempts,
            (unsigned long long)e->retries);
    for (int i = 0; i < ENGINE_ATTEMPT_BUCKETS; i++)
        if (e->attempts_per_purchase[i])
            fprintf(f, " %d%s×%llu", i + 1, i == ENGINE_ATTEMPT_BUCKETS - 1 ? "+" : "",
                    (unsigned long long)e->attempts_per_purchase[i]);
    fputc('\n', f);
    for (size_t i = 0; i < e->n_errors; i++) {
        const char *hint = e->errors[i].id.name;
        fprintf(f, "%s ERROR %s ×%llu  %.70s\n", i == 0 ? "errors   " : "         ",
                e->errors[i].id.code, (unsigned long long)e->errors[i].count,
                hint ? hint : e->errors[i].text);
    }
}

static void text_time(FILE *f, const struct run_report *r)
{
    const struct engine_result *e = &r->result;
    if (r->lost_purchases)
        fprintf(f, "lost sales %llu purchase%s (%llu unit%s) turned away by errors or give-ups "
                "while %lld unit%s left\n", (unsigned long long)r->lost_purchases,
                r->lost_purchases == 1 ? "" : "s", (unsigned long long)r->lost_units,
                r->lost_units == 1 ? "" : "s", (long long)r->remaining,
                r->remaining == 1 ? " was" : "s were");
    if (r->settings.lockstep) {   /* each statement waited for its turn: no speed to tell */
        fprintf(f, "time       wall %.3f s · lockstep: one statement at a time, in turn, so no "
                "latency or throughput\n", (double)e->wall_us / 1e6);
        return;
    }
    fprintf(f, "time       wall %.3f s · connect %.3f s · throughput %.0f purchases/s · "
            "goodput %.0f ok/s\n", (double)e->wall_us / 1e6, (double)e->connect_wall_us / 1e6,
            per_second(e->purchases, e->wall_us), per_second(e->outcomes[OUTCOME_OK], e->wall_us));
}

static void text_latency_line(FILE *f, const char *label, const struct hist *h)
{
    char a[5][24];
    fprintf(f, "  %-10s p50 %-9s p90 %-9s p99 %-9s p99.9 %-9s max %s\n", label,
            human_us(hist_percentile(h, 50), a[0], sizeof a[0]),
            human_us(hist_percentile(h, 90), a[1], sizeof a[1]),
            human_us(hist_percentile(h, 99), a[2], sizeof a[2]),
            human_us(hist_percentile(h, 99.9), a[3], sizeof a[3]),
            human_us(h->max, a[4], sizeof a[4]));
}

static void text_histogram(FILE *f, const struct hist *h)
{
    struct hist_bar bars[HIST_ROWS];
    /* few samples: few bars, so the picture does not suggest a shape it has not got */
    size_t rows = h->total >= 2 * HIST_ROWS ? HIST_ROWS : h->total / 2 > 0 ? h->total / 2 : 1;
    size_t n = hist_bars(h, bars, rows);
    uint64_t top = 1;
    for (size_t i = 0; i < n; i++)
        if (bars[i].count > top)
            top = bars[i].count;
    for (size_t i = 0; i < n; i++) {
        char lo[24], hi[24];
        int len = (int)((bars[i].count * BAR_WIDTH + top - 1) / top);
        fprintf(f, "  %9s .. %-9s │", human_us(bars[i].lo, lo, sizeof lo), human_us(bars[i].hi, hi, sizeof hi));
        for (int k = 0; k < len; k++)
            fputs("█", f);
        fprintf(f, " %llu\n", (unsigned long long)bars[i].count);
    }
}

/* Prints text after lead, wrapped at 100 columns with a hanging indent. */
static void print_wrapped(FILE *f, const char *lead, const char *text)
{
    int indent = (int)strlen(lead), col = indent;
    fputs(lead, f);
    for (const char *p = text; *p;) {
        size_t word = strcspn(p, " ");
        if (col > indent && col + 1 + (int)word > 100) {
            fprintf(f, "\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', f);
            col++;
        }
        fwrite(p, 1, word, f);
        col += (int)word;
        p += word;
        while (*p == ' ')
            p++;
    }
    fputc('\n', f);
}

/* "correct", "anomaly", or "not checked" when the audit could not run. */
static const char *verdict_word(const struct run_report *r)
{
    if (r->not_checked[0])
        return "not checked";
    for (size_t i = 0; i < r->n_invariants; i++)
        if (!r->invariants[i].holds)
            return "anomaly";
    return "correct";
}

/* The invariants a run that could not be audited would have checked: the scenario's, and the
 * agreement of the buyers' count with the database's when it has one. */
static void text_not_checked(FILE *f, const struct run_report *r, const struct style *st)
{
    fprintf(f, "\ninvariants (not checked: %s)\n", r->not_checked);
    for (size_t i = 0; i < r->scenario.n_invariants; i++)
        fprintf(f, "  %s–%s %-16s %6s  %.72s\n", st->dim, st->off, r->scenario.invariants[i].name,
                "?", r->scenario.invariants[i].description);
    if (r->scenario.has_recorded)
        fprintf(f, "  %s–%s %-16s %6s  %.72s\n", st->dim, st->off, "agreement", "?",
                "buyers' successes = purchases the database recorded");
    for (size_t i = 0; i < r->n_notes; i++)
        fprintf(f, "note: %s\n", r->notes[i]);
    fprintf(f, "\n%sverdict: not checked%s — %s: the buyers' side above is what they saw\n",
            st->bad, st->off, r->not_checked);
}

static void text_invariants(FILE *f, const struct run_report *r, const struct style *st)
{
    if (r->not_checked[0]) {
        text_not_checked(f, r, st);
        return;
    }
    fputs("\ninvariants (checked by SQL after the run)\n", f);
    for (size_t i = 0; i < r->n_invariants; i++) {
        const struct invariant_result *ir = &r->invariants[i];
        fprintf(f, "  %s%s%s %-16s %6lld  %.72s\n", ir->holds ? st->ok : st->bad,
                ir->holds ? "✓" : "✗", st->off, ir->name, (long long)ir->value, ir->description);
    }
    for (size_t i = 0; i < r->n_notes; i++)
        fprintf(f, "note: %s\n", r->notes[i]);
    char why[768];
    report_explanation(r, why, sizeof why);
    if (why[0])
        print_wrapped(f, "why: ", why);
    if (r->partial)
        fprintf(f, "note: the run was cut short (%s): the invariants are checked on what it left\n",
                r->result.timed_out ? "timeout" : "server lost");
    if (strcmp(verdict_word(r), "correct") == 0) {
        fprintf(f, "\n%sverdict: correct%s — every invariant holds\n", st->ok, st->off);
        return;
    }
    fprintf(f, "\n%sverdict: ANOMALY%s —", st->bad, st->off);
    for (size_t i = 0, k = 0; i < r->n_invariants; i++)
        if (!r->invariants[i].holds)
            fprintf(f, "%s %s by %lld", k++ ? "," : "", r->invariants[i].name,
                    (long long)r->invariants[i].value);
    fputc('\n', f);
}

/* The text report; a lockstep run (--lockstep, --schedule) has no latency section and no
 * throughput: its statements waited for their turns, so its timings say nothing. */
static void write_text(FILE *f, const struct run_report *r, bool color)
{
    struct style st = color ? (struct style){"\033[32m", "\033[1;31m", "\033[2m", "\033[0m"}
                            : (struct style){"", "", "", ""};
    text_header(f, r);
    text_outcomes(f, r);
    text_time(f, r);
    report_load_text(f, r);
    report_fault_text(f, r);
    report_nodes_text(f, r);
    if (!r->settings.lockstep) {
        fputs("\nlatency\n", f);
        if (r->result.open_loop)
            text_latency_line(f, "intended", &r->result.intended_latency);
        text_latency_line(f, "purchase", &r->result.purchase_latency);
        text_latency_line(f, "attempt", &r->result.attempt_latency);
        fputs("purchase latency (with retries and backoff)\n", f);
        text_histogram(f, &r->result.purchase_latency);
    }
    text_invariants(f, r, &st);
}

static cJSON *json_hist(const struct hist *h)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "count", (double)h->total);
    cJSON_AddNumberToObject(o, "mean_ms", hist_mean(h) / 1000.0);
    cJSON_AddNumberToObject(o, "p50_ms", ms(hist_percentile(h, 50)));
    cJSON_AddNumberToObject(o, "p90_ms", ms(hist_percentile(h, 90)));
    cJSON_AddNumberToObject(o, "p99_ms", ms(hist_percentile(h, 99)));
    cJSON_AddNumberToObject(o, "p999_ms", ms(hist_percentile(h, 99.9)));
    cJSON_AddNumberToObject(o, "max_ms", ms(h->total ? h->max : 0));
    /* the distribution, as up to 40 log-scale buckets over [min, max]: from, to (ms), count */
    struct hist_bar bars[40];
    size_t n = hist_bars(h, bars, 40);
    cJSON *b = cJSON_AddArrayToObject(o, "buckets");
    for (size_t i = 0; b && i < n; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddNumberToObject(x, "from_ms", ms(bars[i].lo));
        cJSON_AddNumberToObject(x, "to_ms", ms(bars[i].hi));
        cJSON_AddNumberToObject(x, "count", (double)bars[i].count);
        cJSON_AddItemToArray(b, x);
    }
    return o;
}

static cJSON *json_run(const struct run_report *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "scenario", r->scenario.name);
    cJSON_AddStringToObject(o, "strategy", r->strategy_name);
    cJSON_AddStringToObject(o, "strategy_file", r->script.path);
    cJSON_AddNumberToObject(o, "users", r->settings.users);
    cJSON_AddNumberToObject(o, "rounds", r->settings.rounds);
    cJSON_AddNumberToObject(o, "pool", r->settings.pool);
    cJSON_AddNumberToObject(o, "think_time_ms", (double)r->settings.think_time_us / 1000.0);
    cJSON_AddItemToObject(o, "seed", meta_uint(r->settings.seed));
    cJSON_AddStringToObject(o, "isolation", report_isolation(r));
    cJSON *params = cJSON_AddObjectToObject(o, "params");
    for (size_t i = 0; i < r->params.n; i++)
        cJSON_AddItemToObject(params, r->scenario.params[i].name, meta_param(r->params.v[i].text));
    return o;
}

static cJSON *json_server(const struct run_report *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "description", r->server);
    cJSON_AddBoolToObject(o, "private", r->private_server);
    cJSON_AddStringToObject(o, "version", r->server_facts.version);
    cJSON *vars = cJSON_AddObjectToObject(o, "variables");
    for (size_t i = 0; i < r->server_facts.n_vars; i++)
        cJSON_AddStringToObject(vars, r->server_facts.vars[i].name, r->server_facts.vars[i].value);
    const struct server_facts *sf = &r->server_facts;
    if (sf->durability_note[0]) {
        cJSON *d = cJSON_AddObjectToObject(o, "durability");
        for (size_t i = 0; i < sf->n_durability_vars; i++)
            cJSON_AddNumberToObject(d, sf->durability_vars[i].name, atof(sf->durability_vars[i].value));
        cJSON_AddBoolToObject(d, "durable", sf->durable == 1);
        cJSON_AddStringToObject(d, "note", sf->durability_note);
    }
    cJSON *w = cJSON_AddArrayToObject(o, "warnings");
    for (size_t i = 0; i < r->server_facts.n_warnings; i++)
        cJSON_AddItemToArray(w, cJSON_CreateString(r->server_facts.warnings[i]));
    return o;
}

static cJSON *json_counts(const struct run_report *r)
{
    const struct engine_result *e = &r->result;
    cJSON *o = cJSON_CreateObject();
    cJSON *out = cJSON_AddObjectToObject(o, "outcomes");
    for (size_t i = 0; i < r->script.n_outcomes; i++) {
        cJSON *x = cJSON_AddObjectToObject(out, outcome_name(r, (int)i));
        cJSON_AddNumberToObject(x, "purchases", (double)e->outcomes[i]);
        cJSON_AddNumberToObject(x, "units", (double)e->outcome_units[i]);
        cJSON_AddNumberToObject(x, "attempts", (double)e->attempt_outcomes[i]);
    }
    cJSON_AddNumberToObject(o, "purchases", (double)e->purchases);
    cJSON_AddNumberToObject(o, "attempts", (double)e->attempts);
    cJSON_AddNumberToObject(o, "retries", (double)e->retries);
    cJSON *app = cJSON_AddArrayToObject(o, "attempts_per_purchase");
    for (int i = 0; i < ENGINE_ATTEMPT_BUCKETS; i++)
        cJSON_AddItemToArray(app, cJSON_CreateNumber((double)e->attempts_per_purchase[i]));
    cJSON *errs = cJSON_AddArrayToObject(o, "errors");
    for (size_t i = 0; i < e->n_errors; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddNumberToObject(x, "errno", e->errors[i].id.errnum);
        cJSON_AddStringToObject(x, "code", e->errors[i].id.code);
        cJSON_AddNumberToObject(x, "count", (double)e->errors[i].count);
        cJSON_AddStringToObject(x, "message", e->errors[i].text);
        cJSON_AddItemToArray(errs, x);
    }
    return o;
}

cJSON *report_json(const struct run_report *r)
{
    const struct engine_result *e = &r->result;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "racesim", RACESIM_VERSION);
    cJSON_AddStringToObject(o, "engine", r->engine);
    cJSON_AddItemToObject(o, "run", json_run(r));
    cJSON_AddItemToObject(o, "server", json_server(r));
    cJSON_AddItemToObject(o, "counts", json_counts(r));
    cJSON *t = cJSON_AddObjectToObject(o, "time");
    cJSON_AddNumberToObject(t, "wall_s", (double)e->wall_us / 1e6);
    cJSON_AddNumberToObject(t, "connect_s", (double)e->connect_wall_us / 1e6);
    cJSON_AddNumberToObject(t, "throughput", per_second(e->purchases, e->wall_us));
    cJSON_AddNumberToObject(t, "goodput", per_second(e->outcomes[OUTCOME_OK], e->wall_us));
    cJSON_AddNumberToObject(t, "racesim_cpu_s", e->self_cpu_s);
    cJSON_AddNumberToObject(t, "server_cpu_s", e->observed_cpu_s);
    cJSON_AddNumberToObject(t, "racesim_peak_rss_kb", (double)r->peak_rss_kb);
    cJSON *lat = cJSON_AddObjectToObject(o, "latency");
    cJSON_AddItemToObject(lat, "purchase", json_hist(&e->purchase_latency));
    cJSON_AddItemToObject(lat, "attempt", json_hist(&e->attempt_latency));
    cJSON_AddItemToObject(lat, "connect", json_hist(&e->connect_latency));
    if (e->open_loop)          /* from each purchase's intended start: queueing included */
        cJSON_AddItemToObject(lat, "intended", json_hist(&e->intended_latency));
    cJSON *load = report_load_json(r);
    if (load)
        cJSON_AddItemToObject(o, "load", load);
    cJSON *inv = cJSON_AddArrayToObject(o, "invariants");
    for (size_t i = 0; r->not_checked[0] && i < r->scenario.n_invariants; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "name", r->scenario.invariants[i].name);
        cJSON_AddStringToObject(x, "description", r->scenario.invariants[i].description);
        cJSON_AddNullToObject(x, "value");
        cJSON_AddNullToObject(x, "holds");
        cJSON_AddBoolToObject(x, "checked", false);
        cJSON_AddItemToArray(inv, x);
    }
    for (size_t i = 0; i < r->n_invariants; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "name", r->invariants[i].name);
        cJSON_AddStringToObject(x, "description", r->invariants[i].description);
        cJSON_AddNumberToObject(x, "value", (double)r->invariants[i].value);
        cJSON_AddBoolToObject(x, "holds", r->invariants[i].holds);
        cJSON_AddBoolToObject(x, "checked", true);
        cJSON_AddItemToArray(inv, x);
    }
    cJSON_AddNumberToObject(o, "recorded", (double)r->recorded);
    cJSON *lost = cJSON_AddObjectToObject(o, "lost_sales");
    cJSON_AddNumberToObject(lost, "purchases", (double)r->lost_purchases);
    cJSON_AddNumberToObject(lost, "units", (double)r->lost_units);
    cJSON_AddNumberToObject(lost, "units_left", (double)r->remaining);
    cJSON *nodes = report_nodes_json(r);
    if (nodes)
        cJSON_AddItemToObject(o, "nodes", nodes);
    cJSON *fault = report_fault_json(r);
    if (fault)
        cJSON_AddItemToObject(o, "fault", fault);
    cJSON *notes = cJSON_AddArrayToObject(o, "notes");
    for (size_t i = 0; i < r->n_notes; i++)
        cJSON_AddItemToArray(notes, cJSON_CreateString(r->notes[i]));
    cJSON_AddStringToObject(o, "verdict", verdict_word(r));
    cJSON_AddBoolToObject(o, "checked", !r->not_checked[0]);
    if (r->not_checked[0])
        cJSON_AddStringToObject(o, "not_checked", r->not_checked);
    cJSON_AddStringToObject(o, "ended", r->result.timed_out ? "timeout"
                                        : r->result.server_lost ? "server lost"
                                        : r->partial ? "server gone after the run" : "complete");
    char why[768];
    report_explanation(r, why, sizeof why);
    if (why[0])
        cJSON_AddStringToObject(o, "explanation", why);
    if (r->settings.lockstep)
        cJSON_AddNumberToObject(o, "lockstep_rounds", r->result.lockstep_rounds);
    cJSON_AddNumberToObject(o, "exit_code", r->exit_code);
    return o;
}

/* The trace inside the JSON report (--trace to stdout with --format=json): the JSON lines' events. */
static void json_trace(cJSON *o, const struct run_report *r)
{
    cJSON *arr = trace_json_array(&r->result.trace, &r->script);
    if (arr)
        cJSON_AddItemToObject(o, "trace", arr);
}

int report_check_threshold_names(const struct options *o, const struct scenario *sc, char *err,
                                 size_t errlen)
{
    const char *names[SCENARIO_INVARIANTS_MAX + 1];
    size_t n = 0;
    names[n++] = "agreement";         /* the buyers' count against the database's (run.c) */
    for (size_t i = 0; i < sc->n_invariants && n < SCENARIO_INVARIANTS_MAX + 1; i++)
        names[n++] = sc->invariants[i].name;
    return threshold_check_names(o->thresholds, o->n_thresholds, names, n, err, errlen);
}

size_t report_thresholds(const struct run_report *r, const struct options *o,
                         struct threshold_result *out, size_t max, size_t *failed)
{
    *failed = 0;
    if (o->n_thresholds == 0)
        return 0;
    cJSON *runs = cJSON_CreateArray();
    if (runs)
        cJSON_AddItemToArray(runs, report_json(r));
    size_t n = threshold_evaluate(o->thresholds, o->n_thresholds, runs, out, max, failed);
    cJSON_Delete(runs);
    return n;
}

static int write_json(FILE *f, const struct run_report *r, const struct options *opts)
{
    cJSON *o = report_json(r);
    meta_stamp(o);
    struct threshold_result th[THRESHOLDS_MAX];
    size_t failed, n_th = report_thresholds(r, opts, th, THRESHOLDS_MAX, &failed);
    if (o && n_th)
        cJSON_AddItemToObject(o, "thresholds", threshold_json(th, n_th));
    if (o && r->settings.trace && !r->settings.trace_to_file)
        json_trace(o, r);
    return output_json(f, o);
}

void report_figures(const struct run_report *r, struct run_figures *fig)
{
    const struct engine_result *e = &r->result;
    const struct hist *h = &e->purchase_latency;
    fig->throughput = per_second(e->purchases, e->wall_us);
    fig->goodput = per_second(e->outcomes[OUTCOME_OK], e->wall_us);
    fig->p50_ms = ms(hist_percentile(h, 50));
    fig->p90_ms = ms(hist_percentile(h, 90));
    fig->p99_ms = ms(hist_percentile(h, 99));
    fig->p999_ms = ms(hist_percentile(h, 99.9));
    fig->max_ms = ms(h->total ? h->max : 0);
}

void report_explanation(const struct run_report *r, char *out, size_t outlen)
{
    out[0] = '\0';
    if (!r->partial)           /* a run cut short has no verdict to explain */
        explain_verdict(r, out, outlen);
}

const char *report_isolation(const struct run_report *r)
{
    /* the strategy's own @isolation wins over --isolation (the interpreter sets it so) */
    return r->script.isolation[0] ? r->script.isolation
           : r->settings.isolation[0] ? r->settings.isolation : "server default";
}

void report_csv_header(FILE *f, const struct run_report *r)
{
    fputs("scenario,strategy,users,rounds,seed,purchases,ok,attempts,retries,deadlocks,"
          "wall_s,throughput,goodput,p50_ms,p90_ms,p99_ms,p999_ms,max_ms,verdict", f);
    for (size_t i = 0; r->not_checked[0] && i < r->scenario.n_invariants; i++)
        fprintf(f, ",%s", r->scenario.invariants[i].name);
    for (size_t i = 0; i < r->n_invariants; i++)
        fprintf(f, ",%s", r->invariants[i].name);
    report_load_csv_header(f, r);
    fputc('\n', f);
}

void report_csv_row(FILE *f, const struct run_report *r)
{
    const struct engine_result *e = &r->result;
    struct run_figures fig;
    report_figures(r, &fig);
    fprintf(f, "%s,%s,%d,%d,%llu,%llu,%llu,%llu,%llu,%llu,%.3f,%.1f,%.1f,%.3f,%.3f,%.3f,%.3f,%.3f,%s",
            r->scenario.name, r->strategy_name, r->settings.users, r->settings.rounds,
            (unsigned long long)r->settings.seed, (unsigned long long)e->purchases,
            (unsigned long long)e->outcomes[OUTCOME_OK], (unsigned long long)e->attempts,
            (unsigned long long)e->retries, (unsigned long long)e->attempt_outcomes[OUTCOME_DEADLOCK],
            (double)e->wall_us / 1e6, fig.throughput, fig.goodput, fig.p50_ms, fig.p90_ms, fig.p99_ms,
            fig.p999_ms, fig.max_ms, verdict_word(r));
    for (size_t i = 0; r->not_checked[0] && i < r->scenario.n_invariants; i++)
        fputc(',', f);         /* not checked: no value */
    for (size_t i = 0; i < r->n_invariants; i++)
        fprintf(f, ",%lld", (long long)r->invariants[i].value);
    report_load_csv_row(f, r);
    fputc('\n', f);
}

static void write_csv(FILE *f, const struct run_report *r)
{
    report_csv_header(f, r);
    report_csv_row(f, r);
}

static int write_to(FILE *f, const struct run_report *r, const struct options *o, bool color)
{
    if (o->trace && !o->trace_file && o->format == FORMAT_TEXT) {
        trace_print_text(f, &r->result.trace, &r->script, 100);
        fputc('\n', f);
    }
    if (o->format == FORMAT_JSON)
        return write_json(f, r, o);
    if (o->format == FORMAT_CSV) {
        write_csv(f, r);
    } else if (o->format == FORMAT_MD) {
        int rc = report_write_md(f, r);
        struct threshold_result th[THRESHOLDS_MAX];
        size_t failed, n_th = report_thresholds(r, o, th, THRESHOLDS_MAX, &failed);
        threshold_write_text(f, th, n_th, true);
        return rc || ferror(f) ? -1 : 0;
    } else {
        write_text(f, r, color);
        struct threshold_result th[THRESHOLDS_MAX];
        size_t failed, n_th = report_thresholds(r, o, th, THRESHOLDS_MAX, &failed);
        threshold_write_text(f, th, n_th, false);
    }
    return ferror(f) ? -1 : 0;
}

int report_check_out(const struct options *o, char *err, size_t errlen)
{
    if (o->out && o->trace_file && strcmp(o->out, o->trace_file) == 0) {
        snprintf(err, errlen, "--trace=%s: the same file as --out; pick another name", o->trace_file);
        return 2;
    }
    if (o->html && ((o->out && strcmp(o->out, o->html) == 0) || (o->trace_file && strcmp(o->trace_file, o->html) == 0))) {
        snprintf(err, errlen, "--html=%s: the same file as --%s; pick another name", o->html,
                 o->out && strcmp(o->out, o->html) == 0 ? "out" : "trace");
        return 2;
    }
    if (output_check("--out", o->out, o->force, err, errlen))
        return 2;
    if (output_check("--html", o->html, o->force, err, errlen))
        return 2;
    return output_check("--trace", o->trace_file, o->force, err, errlen);
}

/* --trace=FILE: the timeline (JSON lines with --format=json), written then renamed into place. */
static int write_trace_file(const struct run_report *r, const struct options *o, char *err, size_t errlen)
{
    struct output out;
    if (output_open(&out, "--trace", o->trace_file, o->force, err, errlen))
        return 2;
    if (o->format == FORMAT_JSON)
        trace_print_json(out.f, &r->result.trace, &r->script);
    else
        trace_print_text(out.f, &r->result.trace, &r->script, 100);
    return output_close(&out, true, err, errlen);
}

int report_write(const struct run_report *r, const struct options *o, char *err, size_t errlen)
{
    if (o->trace_file && write_trace_file(r, o, err, errlen))
        return 2;
    if (o->html && report_write_html_file(r, o->html, o->force, err, errlen))
        return 2;
    const char *nc = getenv("NO_COLOR");
    bool color = !o->out && isatty(STDOUT_FILENO) && !(nc && *nc);
    struct output out;
    if (output_open(&out, "--out", o->out, o->force, err, errlen))
        return 2;
    int rc = write_to(out.f, r, o, color);
    return output_close(&out, rc == 0, err, errlen);
}
