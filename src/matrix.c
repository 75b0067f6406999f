/* matrix.c — `racesim matrix`: every strategy under each isolation level, raced in lockstep and
 * under contention; which anomaly or error each shows. */
#include "matrix.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "config.h"
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
    long lockstep, contended;   /* batch indexes; -1: not run */
};

struct matrix {
    const struct options *o;
    struct strategy_set set;
    struct batch b;
    struct cell cells[CLI_LIST_MAX * CLI_ISOLATIONS];
    size_t n_cells;
    char small_name[SCENARIO_PARAMS_MAX][64];    /* the lockstep race's parameters... */
    char small_value[SCENARIO_PARAMS_MAX][32];   /* ...at the scenario's smallest values */
    size_t n_small;
};

static bool literal(const char *s, long long *out)
{
    char *end;
    errno = 0;
    *out = strtoll(s, &end, 10);
    return !errno && end != s && !*end;
}

/* The race in its smallest form: each number the scenario takes for the whole run at its
 * smallest allowed value (at least 1), each range of literal numbers at its low end; ranges over
 * other parameters, distributions, flags and per-purchase expressions as they are. Parameters
 * given on the command line keep their value. */
static void smallest_params(struct matrix *m, const struct run_report *probe)
{
    const struct options *o = m->o;
    for (size_t i = 0; i < probe->params.n && m->n_small < SCENARIO_PARAMS_MAX; i++) {
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
        snprintf(m->small_name[m->n_small], sizeof m->small_name[0], "%s", d->name);
        snprintf(m->small_value[m->n_small], sizeof m->small_value[0], "%lld", v);
        m->n_small++;
    }
}

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
        ro.lockstep = true;
        for (size_t i = 0; i < m->n_small && ro.n_overrides < CLI_OVERRIDES_MAX; i++)
            ro.overrides[ro.n_overrides++] = (struct param_override){m->small_name[i], m->small_value[i]};
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
            smallest_params(m, probe);
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
    snprintf(buf, n, "%s%s", c->isolation, c->own ? " (its own)" : "");
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
        fprintf(f, "%s, %s  \n", first->server, first->preflight.version);
    else
        summary_header(f, first);
    char params[1024], line[1400];
    summary_params(first, params, sizeof params);
    snprintf(line, sizeof line, "%d buyers in --lockstep: %s (the scenario's smallest values; "
             "--PARAM=VALUE overrides)", LOCKSTEP_USERS, params);
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
    table_init(&t, loaded ? 4 : 3);
    table_column(&t, 0, "strategy", TABLE_LEFT);
    table_column(&t, 1, "isolation", TABLE_LEFT);
    char h[64];
    snprintf(h, sizeof h, "%d buyers, lockstep", LOCKSTEP_USERS);
    table_column(&t, 2, h, TABLE_LEFT);
    snprintf(h, sizeof h, "%d buyers", o->contended);
    if (loaded)
        table_column(&t, 3, h, TABLE_LEFT);
    for (size_t i = 0; i < m->n_cells; i++) {
        const struct cell *c = &m->cells[i];
        char iso[64], a[512];
        size_t row = table_row(&t);
        isolation_label(c, iso, sizeof iso);
        table_set(&t, row, 0, "%s", m->set.name[c->strategy]);
        table_set(&t, row, 1, "%s", iso);
        summary_cell(report_of(m, c->lockstep), a, sizeof a);
        table_set(&t, row, 2, "%s", a);
        if (loaded) {
            summary_cell(report_of(m, c->contended), a, sizeof a);
            table_set(&t, row, 3, "%s", a);
        }
    }
    int rc = md ? table_print_md(f, &t) : table_print(f, &t, WIDTH);
    table_free(&t);
    fprintf(f, "\n✓ every invariant holds (checked by SQL); ✗ NAME: that invariant was violated;%s\n"
            "(ERRNO ×N, retried or failed): the server error seen most, and whether the strategy "
            "retried it.%s\n(its own): the strategy sets @isolation itself, so the levels above do "
            "not apply to it.\n", br, br);
    return rc;
}

static void error_fields(const struct run_report *r, unsigned *errnum, uint64_t *count, bool *retried)
{
    *errnum = 0;
    *count = 0;
    *retried = false;
    if (r)
        summary_dominant_error(r, errnum, count, retried);
}

static void write_csv(FILE *f, const struct matrix *m)
{
    fputs("scenario,strategy,isolation,isolation_from,mode,users,verdict,anomalies,error,error_count,"
          "error_retried,throughput,p99_ms\n", f);
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
            unsigned errnum;
            uint64_t count;
            bool retried;
            error_fields(r, &errnum, &count, &retried);
            struct run_figures fig;
            report_figures(r, &fig);
            fprintf(f, "%s,%s,%s,%s,%s,%d,%s,%s,", r->scenario.name, m->set.name[c->strategy], c->isolation,
                    c->own ? "strategy" : "option", mode ? "contended" : "lockstep", r->opts->users,
                    r->exit_code ? "anomaly" : "correct", an);
            if (errnum)
                fprintf(f, "%u,%llu,%s", errnum, (unsigned long long)count, retried ? "yes" : "no");
            else
                fputs(",0,", f);
            fprintf(f, ",%.1f,%.3f\n", fig.throughput, fig.p99_ms);
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
    unsigned errnum;
    uint64_t count;
    bool retried;
    error_fields(r, &errnum, &count, &retried);
    if (errnum) {
        cJSON *e = cJSON_AddObjectToObject(x, "dominant_error");
        cJSON_AddNumberToObject(e, "errno", errnum);
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
        cJSON_AddStringToObject(p, r->scenario.params[i].name, r->params.v[i].text);
    return p;
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
        cJSON_AddItemToObject(x, "lockstep", cell_json(report_of(m, c->lockstep), c->lockstep));
        cJSON_AddItemToObject(x, "contended", cell_json(report_of(m, c->contended), c->contended));
        cJSON_AddItemToArray(cells, x);
    }
    cJSON_AddNumberToObject(j, "exit_code", 0);
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
    if (rc == 0)
        rc = prepare(m, err, errlen);
    if (rc == 0)
        rc = batch_execute(&m->b, o, err, errlen);
    if (rc == 0)
        rc = write_report(m, err, errlen);
    batch_free(&m->b);
    strategy_set_free(&m->set);
    free(m);
    return rc;
}
