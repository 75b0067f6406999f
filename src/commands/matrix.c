/* matrix.c — `racesim matrix`: every strategy under each isolation level (and REPEATABLE READ
 * in the engine's snapshot variant), every 2-buyer interleaving explored and a run under
 * contention; which anomaly or error each shows. */
#include "matrix.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "config.h"
#include "explore.h"
#include "html_matrix.h"
#include "interp.h"
#include "meta.h"
#include "output.h"
#include "report.h"
#include "summary.h"
#include "table.h"
#include "text.h"

#define WIDTH 100
#define LOCKSTEP_USERS 2

struct cell {
    size_t strategy;
    char isolation[24];
    bool own;                   /* the strategy's own @isolation, not one of --isolations */
    bool snapshot;              /* REPEATABLE READ in the engine's snapshot variant (+SNAPSHOT) */
    long lockstep, contended;   /* batch indexes; -1: not run */
    bool explored;              /* ex holds every 2-buyer interleaving's verdict */
    struct explore_result ex;
};

struct matrix {
    const struct options *o;
    struct strategy_set set;
    struct batch b;
    struct cell cells[CLI_LIST_MAX * CLI_ISOLATIONS];
    size_t n_cells;
    struct explore_params small;   /* the race's parameters: the scenario's smallest values */
    bool snapshot_supported;       /* the server has the snapshot variant */
};

static int add_run(struct matrix *m, const struct options *ro, long *index, char *err, size_t errlen)
{
    size_t i;
    int rc = batch_add(&m->b, ro, &i, err, errlen);
    *index = rc ? -1 : (long)i;
    return rc;
}

/* One strategy: its isolation levels, each raced in lockstep and, with --contended, under load. */
static int prepare_strategy(struct matrix *m, size_t s, const char *own, char *err, size_t errlen)
{
    const struct options *o = m->o;
    size_t levels = own[0] ? 1 : o->n_isolations;
    for (size_t k = 0; k < levels; k++) {
        struct cell *c = &m->cells[m->n_cells++];
        *c = (struct cell){.strategy = s, .own = own[0] != '\0', .lockstep = -1, .contended = -1};
        snprintf(c->isolation, sizeof c->isolation, "%s", own[0] ? own : o->isolations[k]);
        struct options ro;
        cli_copy(&ro, o);
        ro.strategy = m->set.given[s];
        snprintf(ro.isolation, sizeof ro.isolation, "%s", c->isolation);
        ro.users = LOCKSTEP_USERS;
        explore_apply(&m->small, &ro);
        int rc = add_run(m, &ro, &c->lockstep, err, errlen);
        if (rc)
            return rc;
        if (o->contended == 0)
            continue;
        cli_copy(&ro, o);
        ro.strategy = m->set.given[s];
        snprintf(ro.isolation, sizeof ro.isolation, "%s", c->isolation);
        ro.users = o->contended;
        rc = add_run(m, &ro, &c->contended, err, errlen);
        if (rc)
            return rc;
    }
    for (size_t k = 0; k < levels && !own[0]; k++)     /* explored only, where the server can */
        if (strcmp(o->isolations[k], "REPEATABLE READ") == 0) {
            struct cell *c = &m->cells[m->n_cells++];
            *c = (struct cell){.strategy = s, .snapshot = true, .lockstep = -1, .contended = -1};
            snprintf(c->isolation, sizeof c->isolation, "REPEATABLE READ");
        }
    return 0;
}

/* Reads each strategy (no server yet) for its own @isolation and the scenario's parameters. */
static int prepare(struct matrix *m, char *err, size_t errlen)
{
    struct run_report *probe = calloc(1, sizeof *probe);
    struct options *po = calloc(1, sizeof *po);
    int rc = probe && po ? 0 : (snprintf(err, errlen, "out of memory"), 2);
    for (size_t s = 0; rc == 0 && s < m->set.n; s++) {
        cli_copy(po, m->o);
        po->strategy = m->set.given[s];
        po->users = LOCKSTEP_USERS;
        rc = run_prepare(po, probe, err, errlen);
        if (rc == 0 && s == 0)
            explore_smallest(m->o, probe, &m->small);
        char own[24];
        snprintf(own, sizeof own, "%s", rc == 0 ? probe->script.isolation : "");
        run_free(probe);
        if (rc == 0)
            rc = prepare_strategy(m, s, own, err, errlen);
    }
    if (rc)
        batch_strategies_message(err, errlen);
    free(probe);
    free(po);
    return rc;
}

static const struct run_report *report_of(const struct matrix *m, long index)
{
    return index >= 0 ? &m->b.runs[index]->report : NULL;
}

static void isolation_label(const struct cell *c, char *buf, size_t n)
{
    snprintf(buf, n, "%s%s%s", c->isolation, c->snapshot ? " + snapshot" : "", c->own ? " (its own)" : "");
}

/* Explores every cell on the batch's server: each 2-buyer interleaving of the strategy at the
 * cell's level (the race's parameters); snapshot cells where the server has the setting. */
static int explore_cells(void *ctx, struct run_session *s, char *err, size_t errlen)
{
    struct matrix *m = ctx;
    m->snapshot_supported = db_snapshot_supported(run_session_admin(s));
    struct options *ro = calloc(1, sizeof *ro);
    if (!ro) {
        snprintf(err, errlen, "out of memory");
        return 2;
    }
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < m->n_cells; i++) {
        struct cell *c = &m->cells[i];
        if (c->snapshot && !m->snapshot_supported)
            continue;
        cli_copy(ro, m->o);
        ro->strategy = m->set.given[c->strategy];
        snprintf(ro->isolation, sizeof ro->isolation, "%s%s", c->isolation, c->snapshot ? INTERP_SNAPSHOT : "");
        ro->users = LOCKSTEP_USERS;
        ro->max_schedules = 0;
        explore_apply(&m->small, ro);
        if (!m->o->quiet && isatty(STDERR_FILENO))
            fprintf(stderr, "racesim matrix: exploring %s at %s%s\n", m->set.name[c->strategy],
                    c->isolation, c->snapshot ? " + snapshot" : "");
        rc = explore_in_session(s, ro, &c->ex, err, errlen);
        c->explored = rc == 0;
    }
    free(ro);
    return rc;
}

/* The explored cell in words: "✗ lost_update in 12 of 16" (schedules), "✓ none of 36". */
static void explore_cell(const struct matrix *m, const struct cell *c, char *buf, size_t n)
{
    const struct explore_result *x = &c->ex;
    if (!c->explored) {
        if (c->snapshot && !m->snapshot_supported)
            snprintf(buf, n, "– (%s)", db_snapshot_missing());
        else
            snprintf(buf, n, "–");
        return;
    }
    if (!x->anomalous) {
        snprintf(buf, n, "✓ none of %ld", x->schedules);
    } else {
        snprintf(buf, n, "✗");
        bool first = true;
        for (size_t i = 0; i < x->n_names; i++)
            if (x->broke[i]) {
                text_appendf(buf, n, "%s %s", first ? "" : ",", x->names[i]);
                first = false;
            }
        text_appendf(buf, n, " in %ld of %ld", x->anomalous, x->schedules);
    }
    long with_error;
    const struct error_id *dominant = explore_dominant_error(x, &with_error);
    if (dominant)
        text_appendf(buf, n, " (%s in %ld)", dominant->code, with_error);
    if (!x->complete)
        text_appendf(buf, n, " (cut)");
}

/* The table: a row per cell (strategy at a level), the race's verdict and the contended run's. */
static void fill_table(struct table *t, const struct matrix *m, const struct run_report *loaded)
{
    const struct options *o = m->o;
    table_init(t, loaded ? 4 : 3);
    table_column(t, 0, "strategy", TABLE_LEFT);
    table_column(t, 1, "isolation", TABLE_LEFT);
    char h[64];
    snprintf(h, sizeof h, "%d buyers: schedules broken", LOCKSTEP_USERS);
    table_column(t, 2, h, TABLE_LEFT);
    snprintf(h, sizeof h, "%d buyers", o->contended);
    if (loaded)
        table_column(t, 3, h, TABLE_LEFT);
    for (size_t i = 0; i < m->n_cells; i++) {
        const struct cell *c = &m->cells[i];
        char iso[64], a[512];
        size_t row = table_row(t);
        isolation_label(c, iso, sizeof iso);
        table_set(t, row, 0, "%s", m->set.name[c->strategy]);
        table_set(t, row, 1, "%s", iso);
        explore_cell(m, c, a, sizeof a);
        table_set(t, row, 2, "%s", a);
        if (loaded && c->contended >= 0)
            summary_cell(report_of(m, c->contended), a, sizeof a);
        else
            snprintf(a, sizeof a, "–");
        if (loaded)
            table_set(t, row, 3, "%s", a);
    }
}

static int write_text(FILE *f, const struct matrix *m, bool md)
{
    const struct options *o = m->o;
    const struct run_report *first = report_of(m, m->cells[0].lockstep);
    const struct run_report *loaded = report_of(m, m->cells[0].contended);
    const char *br = md ? "  " : "";
    fprintf(f, "%sracesim %s matrix%s · %s · seed %llu%s\n", md ? "**" : "", RACESIM_VERSION, md ? "**" : "",
            first->scenario.name, (unsigned long long)o->seed, br);
    if (md)
        fprintf(f, "%s, %s  \n", first->server, first->server_facts.version);
    else
        summary_header(f, first);
    char params[1024], line[1400];
    summary_params(first, params, sizeof params);
    snprintf(line, sizeof line, "%d buyers, every interleaving of their statements (racesim explore): "
             "%s (the scenario's smallest values; --PARAM=VALUE overrides)", LOCKSTEP_USERS, params);
    if (md)
        fprintf(f, "race: %s  \n", line);
    else
        summary_wrapped(f, "race       ", line, WIDTH);
    if (loaded) {
        summary_params(loaded, params, sizeof params);
        snprintf(line, sizeof line, "%d buyers: %s", o->contended, params);
        if (md)
            fprintf(f, "contended: %s  \n", line);
        else
            summary_wrapped(f, "contended  ", line, WIDTH);
    }
    fputc('\n', f);

    struct table t;
    fill_table(&t, m, loaded);
    int rc = md ? table_print_md(f, &t) : table_print(f, &t, WIDTH);
    table_free(&t);
    fprintf(f, "\n✓ every invariant holds (checked by SQL); ✗ NAME in K of N: that invariant was "
            "violated in K of the N interleavings of 2 buyers' statements;%s\n(ERRNO in K): the server error seen in "
            "the most schedules, and in how many; (ERRNO ×N, retried or failed): the error seen most "
            "under contention, and whether the strategy retried it.%s\n(its own): the strategy sets @isolation itself, so the levels above do "
            "not apply to it.%s\n+ snapshot: %s.%s\n", br, br, br, db_snapshot_text(), br);
    if (!m->snapshot_supported)
        fprintf(f, "This server has no snapshot variant (%s): the + snapshot rows were not run.%s\n",
                db_snapshot_missing(), br);
    return rc;
}

/* The run's dominant error (code "" when none). */
static void error_fields(const struct run_report *r, struct error_id *id, uint64_t *count, bool *retried)
{
    *id = (struct error_id){0};
    *count = 0;
    *retried = false;
    if (r)
        summary_dominant_error(r, id, count, retried);
}

static void write_csv(FILE *f, const struct matrix *m)
{
    fputs("scenario,strategy,isolation,isolation_from,mode,users,verdict,anomalies,error,error_count,"
          "error_retried,throughput,p99_ms,schedules,anomalous_schedules\n", f);
    for (size_t i = 0; i < m->n_cells; i++) {
        const struct cell *c = &m->cells[i];
        for (int mode = 0; mode < 2; mode++) {
            const struct run_report *r = report_of(m, mode ? c->contended : c->lockstep);
            if (!r)
                continue;
            char an[512] = "";
            for (size_t k = 0; k < r->n_invariants; k++)
                if (!r->invariants[k].holds)
                    text_appendf(an, sizeof an, "%s%s", an[0] ? ";" : "", r->invariants[k].name);
            struct error_id id;
            uint64_t count;
            bool retried;
            error_fields(r, &id, &count, &retried);
            struct run_figures fig;
            report_figures(r, &fig);
            fprintf(f, "%s,%s,%s,%s,%s,%d,%s,%s,", r->scenario.name, m->set.name[c->strategy], c->isolation,
                    c->own ? "strategy" : "option", mode ? "contended" : "lockstep", r->settings.users,
                    r->exit_code ? "anomaly" : "correct", an);
            if (id.code[0])
                fprintf(f, "%s,%llu,%s", id.code, (unsigned long long)count, retried ? "yes" : "no");
            else
                fputs(",0,", f);
            fprintf(f, ",%.1f,%.3f,", fig.throughput, fig.p99_ms);
            if (!mode && c->explored)
                fprintf(f, "%ld,%ld\n", c->ex.schedules, c->ex.anomalous);
            else
                fputs(",\n", f);
        }
    }
}

static cJSON *cell_json(const struct run_report *r, long index)
{
    if (!r)
        return cJSON_CreateNull();
    cJSON *x = cJSON_CreateObject();
    char buf[512];
    summary_cell(r, buf, sizeof buf);
    cJSON_AddStringToObject(x, "summary", buf);
    cJSON_AddStringToObject(x, "verdict", r->exit_code ? "anomaly" : "correct");
    cJSON *an = cJSON_AddArrayToObject(x, "anomalies");
    for (size_t i = 0; i < r->n_invariants; i++)
        if (!r->invariants[i].holds)
            cJSON_AddItemToArray(an, cJSON_CreateString(r->invariants[i].name));
    struct error_id id;
    uint64_t count;
    bool retried;
    error_fields(r, &id, &count, &retried);
    if (id.code[0]) {
        cJSON *e = cJSON_AddObjectToObject(x, "dominant_error");
        cJSON_AddNumberToObject(e, "errno", id.errnum);
        cJSON_AddStringToObject(e, "code", id.code);
        cJSON_AddNumberToObject(e, "count", (double)count);
        cJSON_AddBoolToObject(e, "retried", retried);
    } else {
        cJSON_AddNullToObject(x, "dominant_error");
    }
    cJSON_AddNumberToObject(x, "run", (double)index);
    return x;
}

static cJSON *params_json(const struct run_report *r)
{
    cJSON *p = cJSON_CreateObject();
    for (size_t i = 0; r && i < r->params.n; i++)
        cJSON_AddItemToObject(p, r->scenario.params[i].name, meta_param(r->params.v[i].text));
    return p;
}

static cJSON *explore_json(const struct matrix *m, const struct cell *c)
{
    if (!c->explored)
        return cJSON_CreateNull();
    const struct explore_result *x = &c->ex;
    cJSON *j = cJSON_CreateObject();
    char buf[512];
    explore_cell(m, c, buf, sizeof buf);
    cJSON_AddStringToObject(j, "summary", buf);
    cJSON_AddNumberToObject(j, "schedules", (double)x->schedules);
    cJSON_AddBoolToObject(j, "complete", x->complete);
    cJSON_AddNumberToObject(j, "anomalous", (double)x->anomalous);
    cJSON *br = cJSON_AddObjectToObject(j, "broken");
    for (size_t i = 0; i < x->n_names; i++)
        if (x->broke[i])
            cJSON_AddNumberToObject(br, x->names[i], (double)x->broke[i]);
    long with_error;
    const struct error_id *dominant = explore_dominant_error(x, &with_error);
    if (dominant) {
        cJSON *e = cJSON_AddObjectToObject(j, "dominant_error");
        cJSON_AddNumberToObject(e, "errno", dominant->errnum);
        cJSON_AddStringToObject(e, "code", dominant->code);
        cJSON_AddNumberToObject(e, "schedules", (double)with_error);
    } else {
        cJSON_AddNullToObject(j, "dominant_error");
    }
    if (x->witness_len) {
        schedule_format(x->witness, x->witness_len, buf, sizeof buf);
        cJSON_AddStringToObject(j, "witness", buf);
    } else {
        cJSON_AddNullToObject(j, "witness");
    }
    return j;
}

static int write_json(FILE *f, const struct matrix *m)
{
    const struct options *o = m->o;
    cJSON *j = batch_json(&m->b, o);
    cJSON *iso = cJSON_AddArrayToObject(j, "isolations");
    for (size_t i = 0; i < o->n_isolations; i++)
        cJSON_AddItemToArray(iso, cJSON_CreateString(o->isolations[i]));
    cJSON *ls = cJSON_AddObjectToObject(j, "lockstep");
    cJSON_AddNumberToObject(ls, "users", LOCKSTEP_USERS);
    cJSON_AddBoolToObject(j, "snapshot_isolation_supported", m->snapshot_supported);
    cJSON_AddItemToObject(ls, "params", params_json(report_of(m, m->cells[0].lockstep)));
    cJSON *ct = cJSON_AddObjectToObject(j, "contended");
    cJSON_AddNumberToObject(ct, "users", o->contended);
    cJSON_AddItemToObject(ct, "params", params_json(report_of(m, m->cells[0].contended)));
    cJSON *cells = cJSON_AddArrayToObject(j, "cells");
    for (size_t i = 0; i < m->n_cells; i++) {
        const struct cell *c = &m->cells[i];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "strategy", m->set.name[c->strategy]);
        cJSON_AddStringToObject(x, "isolation", c->isolation);
        cJSON_AddStringToObject(x, "isolation_from", c->own ? "strategy" : "option");
        cJSON_AddBoolToObject(x, "snapshot", c->snapshot);
        cJSON_AddItemToObject(x, "explore", explore_json(m, c));
        cJSON_AddItemToObject(x, "lockstep", cell_json(report_of(m, c->lockstep), c->lockstep));
        cJSON_AddItemToObject(x, "contended", cell_json(report_of(m, c->contended), c->contended));
        cJSON_AddItemToArray(cells, x);
    }
    cJSON_AddNumberToObject(j, "exit_code", 0);
    meta_stamp(j);
    return output_json(f, j);
}

static int write_report(const struct matrix *m, char *err, size_t errlen)
{
    struct output out;
    if (output_open(&out, "--out", m->o->out, m->o->force, err, errlen))
        return 2;
    int rc = 0;
    if (m->o->format == FORMAT_JSON)
        rc = write_json(out.f, m);
    else if (m->o->format == FORMAT_CSV)
        write_csv(out.f, m);
    else
        rc = write_text(out.f, m, m->o->format == FORMAT_MD);
    return output_close(&out, rc == 0, err, errlen);
}

/* The grid's column of a cell: its level, "+ snapshot", or "its own"; added when new. */
static size_t grid_column(struct grid *g, const struct cell *c)
{
    char label[64];
    snprintf(label, sizeof label, "%s%s", c->own ? "its own" : c->isolation, c->snapshot ? " + snapshot" : "");
    for (size_t i = 0; i < g->n_cols; i++)
        if (strcmp(g->cols[i], label) == 0)
            return i;
    if (g->n_cols == sizeof g->cols / sizeof g->cols[0])
        return g->n_cols - 1;
    snprintf(g->cols[g->n_cols], sizeof g->cols[0], "%s", label);
    return g->n_cols++;
}

/* One cell of the grid from its exploration: the verdict, how many schedules, what broke. */
static void grid_cell_of(const struct matrix *m, const struct cell *c, struct grid_cell *gc)
{
    const struct explore_result *x = &c->ex;
    gc->line2[0] = '\0';
    if (!c->explored) {
        gc->verdict = GRID_NOT_RUN;
        snprintf(gc->line1, sizeof gc->line1, "–");
        if (c->snapshot && !m->snapshot_supported)
            snprintf(gc->line2, sizeof gc->line2, "%s", db_snapshot_missing());
        return;
    }
    gc->verdict = x->anomalous ? GRID_ANOMALY : GRID_CORRECT;
    if (x->anomalous)
        snprintf(gc->line1, sizeof gc->line1, "✗ in %ld of %ld", x->anomalous, x->schedules);
    else
        snprintf(gc->line1, sizeof gc->line1, "✓ none of %ld", x->schedules);
    for (size_t i = 0; i < x->n_names; i++)
        if (x->broke[i])
            text_appendf(gc->line2, sizeof gc->line2, "%s%s", gc->line2[0] ? ", " : "", x->names[i]);
    long with_error;
    const struct error_id *dominant = explore_dominant_error(x, &with_error);
    if (dominant)
        text_appendf(gc->line2, sizeof gc->line2, "%s%s in %ld", gc->line2[0] ? " · " : "", dominant->code, with_error);
    if (!x->complete)
        text_appendf(gc->line2, sizeof gc->line2, " (cut)");
}

/* matrix --html: the grid coloured by verdict as SVG, and the table. */
static int write_html(const struct matrix *m, char *err, size_t errlen)
{
    static struct grid g;          /* one command per process */
    static struct grid_cell cells[CLI_LIST_MAX * CLI_ISOLATIONS];
    memset(&g, 0, sizeof g);
    g.cells = cells;
    for (size_t s = 0; s < m->set.n && s < sizeof g.rows / sizeof g.rows[0]; s++)
        g.rows[g.n_rows++] = m->set.name[s];
    for (size_t i = 0; i < m->n_cells; i++) {
        const struct cell *c = &m->cells[i];
        if (c->strategy >= g.n_rows)
            continue;
        struct grid_cell *gc = &cells[g.n_cells++];
        gc->row = c->strategy;
        gc->col = grid_column(&g, c);
        grid_cell_of(m, c, gc);
    }
    const struct run_report *first = report_of(m, m->cells[0].lockstep);
    const struct run_report *loaded = report_of(m, m->cells[0].contended);
    struct table t;
    fill_table(&t, m, loaded);
    char title[256], sub[1400], params[1024];
    snprintf(title, sizeof title, "racesim matrix · %s", first->scenario.name);
    summary_params(first, params, sizeof params);
    snprintf(sub, sizeof sub, "%d buyers, every interleaving of their statements · %s · seed %llu · %s",
             LOCKSTEP_USERS, params, (unsigned long long)m->o->seed, first->engine);
    int rc = t.failed ? 2 : html_matrix_write_file(m->o->html, m->o->force, title, sub, &g, &t, err, errlen);
    if (t.failed)
        snprintf(err, errlen, "--html=%s: out of memory", m->o->html);
    table_free(&t);
    return rc;
}

int matrix_main(const struct options *o, char *err, size_t errlen)
{
    struct matrix *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return 2;
    }
    m->o = o;
    batch_init(&m->b, "matrix");
    int rc = strategy_set_load(o, &m->set, err, errlen);
    if (rc == 0)
        rc = output_check("--out", o->out, o->force, err, errlen);
    if (rc == 0 && o->html)
        rc = output_check("--html", o->html, o->force, err, errlen);
    if (rc == 0)
        rc = prepare(m, err, errlen);
    if (rc == 0)
        rc = batch_execute_then(&m->b, o, explore_cells, m, err, errlen);
    if (rc == 0)
        rc = write_report(m, err, errlen);
    if (rc == 0 && o->html)
        rc = write_html(m, err, errlen);
    batch_free(&m->b);
    for (size_t i = 0; i < m->n_cells; i++)
        explore_result_free(&m->cells[i].ex);
    strategy_set_free(&m->set);
    free(m);
    return rc;
}
