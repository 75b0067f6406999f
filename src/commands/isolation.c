/* isolation.c — `racesim isolation`: every isolation-anomaly test explored at every level on one
 * server; the table of which anomaly each level prevents, and how (a wait, an abort). */
#include "isolation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "clock.h"
#include "config.h"
#include "explore.h"
#include "html_isolation.h"
#include "interp.h"
#include "meta.h"
#include "output.h"
#include "plan.h"
#include "table.h"
#include "text.h"

#define WIDTH 100
#define LEVELS_MAX (CLI_ISOLATIONS + 1)     /* the levels and REPEATABLE READ + snapshot */

/* The tests in Hermitage's order, the anomaly each shows, and whether it is an anomaly's form
 * with a write (whose read-only form is the test before it): a file of another name keeps its
 * name and comes after them. */
static const struct known_test {
    const char *test, *anomaly;
    bool write_form;
} known[] = {
    {"g0", "G0", false}, {"g1a", "G1a", false}, {"g1b", "G1b", false}, {"g1c", "G1c", false},
    {"otv", "OTV", false}, {"pmp", "PMP", false}, {"pmp-write", "PMP", true},
    {"p4", "P4", false}, {"g-single", "G-single", false}, {"g-single-write", "G-single", true},
    {"g2-item", "G2-item", false}, {"g2", "G2", false},
};
#define N_KNOWN (sizeof known / sizeof known[0])
#define NONE ((size_t)-1)

/* A column of the table: one anomaly, its read-only form and its form with a write (indexes
 * into the set; NONE: not run). An anomaly without a write form has only `read`. */
struct column {
    const char *anomaly;
    size_t read, write;
};

struct level {
    char isolation[20];          /* the longest, "READ UNCOMMITTED", and its NUL */
    bool snapshot;               /* REPEATABLE READ in the engine's snapshot variant */
    bool run;                    /* explored (a snapshot level the server lacks is not) */
};

struct isolation_table {
    const struct options *o;
    struct strategy_set set;
    size_t order[CLI_LIST_MAX];          /* the tests in table order: indexes into set */
    struct column columns[CLI_LIST_MAX];
    size_t n_columns;
    struct level levels[LEVELS_MAX];
    size_t n_levels;
    struct explore_result cells[LEVELS_MAX][CLI_LIST_MAX];   /* [level][test in set order] */
    char server[512], version[128];
    bool snapshot_supported;
    int nodes;                           /* a private cluster: its nodes (0: one server) */
    char refused[256];                   /* why the engine refused a level ("" : none refused) */
    double seconds;
};

static const struct known_test *known_of(const char *test)
{
    for (size_t i = 0; i < N_KNOWN; i++)
        if (strcmp(known[i].test, test) == 0)
            return &known[i];
    return NULL;
}

static const char *anomaly_of(const char *test)
{
    const struct known_test *k = known_of(test);
    return k ? k->anomaly : test;
}

/* "PMP" or, for a write form, "PMP (write)". */
static void test_label(const char *test, char *buf, size_t n)
{
    const struct known_test *k = known_of(test);
    snprintf(buf, n, "%s%s", anomaly_of(test), k && k->write_form ? " (write)" : "");
}

/* Puts the tests in Hermitage's order, the others after them by name; then the columns: one
 * per anomaly, its read-only and write forms together. */
static void order_tests(struct isolation_table *t)
{
    size_t n = 0;
    bool placed[CLI_LIST_MAX] = {false};
    for (size_t k = 0; k < N_KNOWN; k++)
        for (size_t s = 0; s < t->set.n; s++)
            if (!placed[s] && strcmp(t->set.name[s], known[k].test) == 0) {
                t->order[n++] = s;
                placed[s] = true;
            }
    for (size_t s = 0; s < t->set.n; s++)
        if (!placed[s])
            t->order[n++] = s;
    for (size_t i = 0; i < n; i++) {
        size_t s = t->order[i];
        const struct known_test *k = known_of(t->set.name[s]);
        const char *anomaly = anomaly_of(t->set.name[s]);
        struct column *c = t->n_columns ? &t->columns[t->n_columns - 1] : NULL;
        if (!c || strcmp(c->anomaly, anomaly) != 0) {
            c = &t->columns[t->n_columns++];
            *c = (struct column){.anomaly = anomaly, .read = NONE, .write = NONE};
        }
        if (k && k->write_form)
            c->write = s;
        else
            c->read = s;
    }
}

static void plan_levels(struct isolation_table *t)
{
    const struct options *o = t->o;
    for (size_t k = 0; k < o->n_isolations; k++) {
        struct level *l = &t->levels[t->n_levels++];
        *l = (struct level){.run = true};
        snprintf(l->isolation, sizeof l->isolation, "%s", o->isolations[k]);
        if (strcmp(o->isolations[k], "REPEATABLE READ") == 0) {
            l = &t->levels[t->n_levels++];
            *l = (struct level){.snapshot = true, .run = true};
            snprintf(l->isolation, sizeof l->isolation, "REPEATABLE READ");
        }
    }
}

/* The options of one test's explore at level l. */
static void explore_options(const struct isolation_table *t, size_t s, const struct level *l,
                            struct options *ro)
{
    cli_copy(ro, t->o);
    ro->strategy = t->set.given[s];
    snprintf(ro->isolation, sizeof ro->isolation, "%.19s%s", l->isolation, l->snapshot ? INTERP_SNAPSHOT : "");
    ro->users = 2;
    ro->rounds = 1;
    ro->max_schedules = 0;
    explore_apply(&(struct explore_params){0}, ro);
}

/* Reads every test (no server): bad files fail here, before anything starts. With --dry-run,
 * prints what would run. */
static int prepare(struct isolation_table *t, struct options *ro, struct run_report *probe,
                   char *err, size_t errlen)
{
    for (size_t s = 0; s < t->set.n; s++) {
        explore_options(t, s, &t->levels[0], ro);
        int rc = run_prepare(ro, probe, err, errlen);
        if (rc == 0 && probe->script.n_roles == 0)
            rc = (snprintf(err, errlen, "isolation: %s has no @role: a test plays two transactions",
                           t->set.name[s]), 2);
        if (rc == 0 && t->o->dry_run)
            plan_run(stdout, ro, probe);
        run_free(probe);
        if (rc)
            return rc;
    }
    return 0;
}

/* One run of the first test in round-robin order, at the first level the engine offers: which
 * server this is, and its version. */
static int probe_server(struct isolation_table *t, struct run_session *s, struct options *ro,
                        struct run_report *r, char *err, size_t errlen)
{
    size_t k = 0;
    while (k + 1 < t->n_levels && !t->levels[k].run)
        k++;
    explore_options(t, t->order[0], &t->levels[k], ro);
    int rc = run_prepare(ro, r, err, errlen);
    r->fast_reset = true;
    if (rc == 0)
        rc = run_in_session(s, ro, r, err, errlen);
    if (rc == 0) {
        snprintf(t->server, sizeof t->server, "%s", r->server);
        snprintf(t->version, sizeof t->version, "%s", r->server_facts.version);
        t->nodes = r->nodes;
    }
    run_free(r);
    return rc;
}

/* Which levels the engine offers: each is set on the session's own connection (last the first
 * level, which it keeps); one refused is left out, and the first refusal kept to say why. */
static void offered_levels(struct isolation_table *t, struct run_session *s)
{
    db_conn *admin = run_session_admin(s);
    t->snapshot_supported = db_snapshot_supported(admin);
    for (size_t k = t->n_levels; k-- > 0;) {
        struct level *l = &t->levels[k];
        char why[256];
        if (l->snapshot)
            l->run = t->snapshot_supported;
        else if (db_set_isolation(admin, l->isolation, why, sizeof why) != 0) {
            l->run = false;
            snprintf(t->refused, sizeof t->refused, "%s", why);
        }
    }
}

static int explore_all(struct isolation_table *t, struct run_session *s, struct options *ro,
                       char *err, size_t errlen)
{
    bool progress = !t->o->quiet && isatty(STDERR_FILENO);
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < t->n_levels; k++) {
        struct level *l = &t->levels[k];
        for (size_t i = 0; rc == 0 && l->run && i < t->set.n; i++) {
            size_t st = t->order[i];
            explore_options(t, st, l, ro);
            if (progress)
                fprintf(stderr, "racesim isolation: %s at %s%s\n", t->set.name[st], l->isolation,
                        l->snapshot ? " + snapshot" : "");
            rc = explore_in_session(s, ro, &t->cells[k][st], err, errlen);
        }
    }
    return rc;
}

static void level_label(const struct level *l, char *buf, size_t n)
{
    snprintf(buf, n, "%s%s", l->isolation, l->snapshot ? " + snapshot" : "");
    for (char *p = buf; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
}

/* A cell in one word: ✓ prevented in every interleaving, — occurs, cut (explore stopped). */
static const char *verdict(const struct explore_result *x)
{
    return x->anomalous ? "—" : x->complete ? "✓" : "cut";
}

static const char *verdict_word(const struct explore_result *x)
{
    return x->anomalous ? "occurs" : x->complete ? "prevented" : "cut";
}

/* A column's cell at level k: the read-only form's verdict, except R/O where it is prevented
 * but the form with a write is not; an anomaly with one form alone, that form's. */
static const char *column_verdict(const struct isolation_table *t, size_t k, const struct column *c,
                                  bool words)
{
    const struct explore_result *r = c->read != NONE ? &t->cells[k][c->read] : NULL;
    const struct explore_result *w = c->write != NONE ? &t->cells[k][c->write] : NULL;
    if (r && w && !r->anomalous && r->complete && w->anomalous)
        return words ? "read-only" : "R/O";
    if (r && w && !r->anomalous && r->complete && !w->complete)
        return "cut";
    const struct explore_result *x = r ? r : w;
    return words ? verdict_word(x) : verdict(x);
}

/* How a ✓ was kept: "deadlock (CODE) aborted one in 6 of 30 schedules; a lock wait in 24 of 30". */
static void how_prevented(const struct explore_result *x, char *buf, size_t n)
{
    buf[0] = '\0';
    long with_error;
    const struct error_id *e = explore_dominant_error(x, &with_error);
    if (e) {
        const char *name = outcome_builtin_name(e->outcome);
        text_appendf(buf, n, "%s (%s) aborted one in %ld of %ld schedules", name ? name : "error",
                     e->code, with_error, x->schedules);
    }
    if (x->bf_aborted || x->cert_failed)
        text_appendf(buf, n, " (a brute-force abort in %ld, a failed certification in %ld)",
                     x->bf_aborted, x->cert_failed);
    if (x->waited)
        text_appendf(buf, n, "%sa lock wait in %ld of %ld", buf[0] ? "; " : "", x->waited, x->schedules);
    if (!buf[0])
        text_appendf(buf, n, "no wait, no abort: no read returned the anomaly's value");
}

static void fill_table(struct table *tb, const struct isolation_table *t)
{
    table_init(tb, t->n_columns + 1);
    table_column(tb, 0, "isolation", TABLE_LEFT);
    for (size_t i = 0; i < t->n_columns; i++)
        table_column(tb, i + 1, t->columns[i].anomaly, TABLE_LEFT);
    for (size_t k = 0; k < t->n_levels; k++) {
        const struct level *l = &t->levels[k];
        if (!l->run)                      /* the note under the table says why */
            continue;
        char label[48];
        level_label(l, label, sizeof label);
        size_t row = table_row(tb);
        table_set(tb, row, 0, "%s", label);
        for (size_t i = 0; i < t->n_columns; i++)
            table_set(tb, row, i + 1, "%s", column_verdict(t, k, &t->columns[i], false));
    }
}

#define NOTES_MAX 3
#define HOW_MAX (LEVELS_MAX * CLI_LIST_MAX)

/* The lines under the table besides the legend: a cluster's deadlocks, the levels not run. */
static size_t notes_of(const struct isolation_table *t, char notes[NOTES_MAX][400])
{
    size_t n = 0;
    if (t->nodes)
        snprintf(notes[n++], sizeof notes[0], "On a cluster a deadlock abort is mostly no lock "
                 "cycle: a brute-force abort (another node's write, applied here, aborted the "
                 "open transaction that held its rows) or a failed certification (the COMMIT "
                 "lost to another node's write).");
    if (!t->snapshot_supported)
        snprintf(notes[n++], sizeof notes[0], "This server has no snapshot variant (%s): that "
                 "row was not run.", db_snapshot_missing());
    if (t->refused[0])
        snprintf(notes[n++], sizeof notes[0], "Levels the engine refused were not run: %.300s.",
                 t->refused);
    return n;
}

/* How each prevented test was kept, level by level. Returns how many lines (at most max). */
static size_t how_lines(const struct isolation_table *t, struct iso_how *out, size_t max)
{
    size_t n = 0;
    for (size_t k = 0; k < t->n_levels; k++) {
        const struct level *l = &t->levels[k];
        for (size_t i = 0; l->run && i < t->set.n && n < max; i++) {
            const struct explore_result *x = &t->cells[k][t->order[i]];
            if (x->anomalous || !x->complete)
                continue;
            struct iso_how *h = &out[n++];
            level_label(l, h->level, sizeof h->level);
            test_label(t->set.name[t->order[i]], h->test, sizeof h->test);
            how_prevented(x, h->how, sizeof h->how);
        }
    }
    return n;
}

static const char *const CLUSTER_LINE =
    "T1 on node 1, T2 on node 2; after each statement every node applies what any committed, "
    "before the next, as with no replication lag (docs/isolation.md: the cells a lagging node "
    "changes)";

static int write_text(FILE *f, const struct isolation_table *t, bool md)
{
    const char *br = md ? "  " : "";
    fprintf(f, "%sracesim %s isolation%s · %s %s%s\n", md ? "**" : "", RACESIM_VERSION, md ? "**" : "",
            db_engine_name(), t->version, br);
    fprintf(f, "%s%s\n", t->server, br);
    fprintf(f, "every interleaving of each test's 2 transactions (racesim explore), in %.1f s%s\n",
            t->seconds, br);
    if (t->nodes)
        fprintf(f, "%s%s\n", CLUSTER_LINE, br);
    fprintf(f, "\n");
    struct table tb;
    fill_table(&tb, t);
    int rc = md ? table_print_md(f, &tb) : table_print(f, &tb, WIDTH);
    table_free(&tb);
    fprintf(f, "\n✓ prevented: no interleaving shows the anomaly; — occurs in some interleavings; "
            "R/O prevented only without writes (the read-only form is, the form with a write is "
            "not); cut: explore stopped early.%s\n", br);
    char notes[NOTES_MAX][400];
    for (size_t i = 0, n = notes_of(t, notes); i < n; i++)
        fprintf(f, "%s%s\n", notes[i], br);
    fprintf(f, "\nhow each ✓ was kept (and what it cost):%s\n", br);
    static struct iso_how how[HOW_MAX];     /* one command per process */
    for (size_t i = 0, n = how_lines(t, how, HOW_MAX); i < n; i++)
        fprintf(f, "%s%-26s %-16s %s%s\n", md ? "- " : "  ", how[i].level, how[i].test,
                how[i].how, br);
    return rc;
}

static enum iso_mark mark_of(const char *word)
{
    return strcmp(word, "prevented") == 0 ? ISO_PREVENTED : strcmp(word, "occurs") == 0 ? ISO_OCCURS
           : strcmp(word, "read-only") == 0 ? ISO_READ_ONLY : ISO_CUT;
}

/* --html: the table coloured by verdict, the legend and notes, how each ✓ was kept. */
static int write_html(const struct isolation_table *t, char *err, size_t errlen)
{
    static struct iso_how how[HOW_MAX];
    static enum iso_mark marks[LEVELS_MAX * CLI_LIST_MAX];
    static char labels[LEVELS_MAX][48], notes[NOTES_MAX + 1][400];
    const char *rows[LEVELS_MAX], *columns[CLI_LIST_MAX], *note_ptr[NOTES_MAX + 1];
    size_t n_rows = 0;
    for (size_t c = 0; c < t->n_columns; c++)
        columns[c] = t->columns[c].anomaly;
    for (size_t k = 0; k < t->n_levels; k++) {
        if (!t->levels[k].run)
            continue;
        level_label(&t->levels[k], labels[n_rows], sizeof labels[0]);
        for (size_t c = 0; c < t->n_columns; c++)
            marks[n_rows * t->n_columns + c] = mark_of(column_verdict(t, k, &t->columns[c], true));
        rows[n_rows] = labels[n_rows];
        n_rows++;
    }
    size_t n_notes = 0;
    if (t->nodes)
        snprintf(notes[n_notes++], sizeof notes[0], "%s.", CLUSTER_LINE);
    n_notes += notes_of(t, notes + n_notes);
    for (size_t i = 0; i < n_notes; i++)
        note_ptr[i] = notes[i];
    char title[200], sub[800];
    snprintf(title, sizeof title, "racesim isolation · %s %s", db_engine_name(), t->version);
    snprintf(sub, sizeof sub, "%s · every interleaving of each test's 2 transactions (racesim "
             "explore), in %.1f s", t->server, t->seconds);
    struct iso_page p = {
        .title = title, .sub = sub, .notes = note_ptr, .n_notes = n_notes,
        .columns = columns, .n_columns = t->n_columns, .rows = rows, .n_rows = n_rows,
        .marks = marks, .how = how, .n_how = how_lines(t, how, HOW_MAX),
    };
    return html_isolation_write_file(t->o->html, t->o->force, &p, err, errlen);
}

static cJSON *cell_json(const struct isolation_table *t, size_t s, const struct explore_result *x)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "test", t->set.name[s]);
    cJSON_AddStringToObject(c, "anomaly", anomaly_of(t->set.name[s]));
    const struct known_test *k = known_of(t->set.name[s]);
    cJSON_AddStringToObject(c, "form", k && k->write_form ? "write" : "read-only");
    cJSON_AddStringToObject(c, "verdict", verdict_word(x));
    cJSON_AddNumberToObject(c, "schedules", (double)x->schedules);
    cJSON_AddNumberToObject(c, "anomalous", (double)x->anomalous);
    cJSON_AddNumberToObject(c, "waited", (double)x->waited);
    if (t->nodes) {
        cJSON_AddNumberToObject(c, "bf_aborted", (double)x->bf_aborted);
        cJSON_AddNumberToObject(c, "cert_failed", (double)x->cert_failed);
    }
    cJSON_AddNumberToObject(c, "seconds", x->seconds);
    long with_error;
    const struct error_id *e = explore_dominant_error(x, &with_error);
    if (e) {
        cJSON *j = cJSON_AddObjectToObject(c, "error");
        const char *name = outcome_builtin_name(e->outcome);
        cJSON_AddStringToObject(j, "code", e->code);
        cJSON_AddStringToObject(j, "outcome", name ? name : "error");
        cJSON_AddNumberToObject(j, "schedules", (double)with_error);
    } else {
        cJSON_AddNullToObject(c, "error");
    }
    if (x->witness_len) {
        char sched[SCHEDULE_MAX * 3];
        schedule_format(x->witness, x->witness_len, sched, sizeof sched);
        cJSON_AddStringToObject(c, "witness", sched);
    } else {
        cJSON_AddNullToObject(c, "witness");
    }
    if (!x->anomalous && x->complete) {
        char how[256];
        how_prevented(x, how, sizeof how);
        cJSON_AddStringToObject(c, "how", how);
    }
    return c;
}

static int write_json(FILE *f, const struct isolation_table *t)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "command", "isolation");
    cJSON_AddStringToObject(j, "racesim", RACESIM_VERSION);
    cJSON_AddStringToObject(j, "engine", db_engine_name());
    cJSON_AddStringToObject(j, "server", t->server);
    cJSON_AddStringToObject(j, "version", t->version);
    cJSON_AddNumberToObject(j, "seconds", t->seconds);
    cJSON_AddNumberToObject(j, "nodes", t->nodes);
    cJSON_AddBoolToObject(j, "snapshot_supported", t->snapshot_supported);
    if (t->refused[0])
        cJSON_AddStringToObject(j, "refused", t->refused);
    cJSON *levels = cJSON_AddArrayToObject(j, "levels");
    for (size_t k = 0; k < t->n_levels; k++) {
        const struct level *l = &t->levels[k];
        cJSON *lv = cJSON_CreateObject();
        cJSON_AddStringToObject(lv, "isolation", l->isolation);
        cJSON_AddBoolToObject(lv, "snapshot", l->snapshot);
        cJSON_AddBoolToObject(lv, "run", l->run);
        cJSON *cells = cJSON_AddArrayToObject(lv, "cells");
        for (size_t i = 0; l->run && i < t->set.n; i++)
            cJSON_AddItemToArray(cells, cell_json(t, t->order[i], &t->cells[k][t->order[i]]));
        cJSON *row = cJSON_AddObjectToObject(lv, "table");   /* the table's row: anomaly: verdict */
        for (size_t i = 0; l->run && i < t->n_columns; i++)
            cJSON_AddStringToObject(row, t->columns[i].anomaly,
                                    column_verdict(t, k, &t->columns[i], true));
        cJSON_AddItemToArray(levels, lv);
    }
    cJSON_AddNumberToObject(j, "exit_code", 0);
    meta_stamp(j);
    return output_json(f, j);
}

static int write_report(const struct isolation_table *t, char *err, size_t errlen)
{
    const struct options *o = t->o;
    struct output out;
    if (output_open(&out, "--out", o->out, o->force, err, errlen))
        return 2;
    int rc = o->format == FORMAT_JSON ? write_json(out.f, t) : write_text(out.f, t, o->format == FORMAT_MD);
    rc = output_close(&out, rc == 0, err, errlen);
    return rc == 0 && o->html ? write_html(t, err, errlen) : rc;
}

int isolation_main(const struct options *o, char *err, size_t errlen)
{
    struct isolation_table *t = calloc(1, sizeof *t);
    struct options *ro = calloc(1, sizeof *ro);
    struct run_report *r = calloc(1, sizeof *r);
    int rc = t && ro && r ? 0 : (snprintf(err, errlen, "out of memory"), 2);
    if (rc == 0) {
        t->o = o;
        rc = output_check("--out", o->out, o->force, err, errlen);
    if (rc == 0 && o->html)
        rc = output_check("--html", o->html, o->force, err, errlen);
    }
    if (rc == 0)
        rc = strategy_set_load(o, &t->set, err, errlen);
    if (rc == 0) {
        order_tests(t);
        plan_levels(t);
        rc = prepare(t, ro, r, err, errlen);
    }
    if (rc == 2)
        batch_strategies_message(err, errlen);   /* --strategies=NAME, as the user wrote it */
    if (rc == 0 && o->dry_run) {
        plan_end(stdout, "isolation", o, 0);
        rc = PLAN_DRY_RUN;
    }
    struct run_session *s = NULL;
    int64_t t0 = clock_now_us();
    if (rc == 0)
        rc = run_session_open(ro, 2, &s, err, errlen);
    if (rc == 0)
        offered_levels(t, s);
    if (rc == 0)
        rc = probe_server(t, s, ro, r, err, errlen);
    if (rc == 0)
        rc = explore_all(t, s, ro, err, errlen);
    run_session_close(s);
    if (t)
        t->seconds = (double)(clock_now_us() - t0) / 1e6;
    if (rc == 0)
        rc = write_report(t, err, errlen);
    for (size_t k = 0; t && k < LEVELS_MAX; k++)
        for (size_t i = 0; i < CLI_LIST_MAX; i++)
            explore_result_free(&t->cells[k][i]);
    if (t)
        strategy_set_free(&t->set);
    free(t);
    free(ro);
    free(r);
    return rc;
}
