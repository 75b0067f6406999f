/* batch.c — several runs on one server: every run prepared first (bad input fails before any
 * server starts), then run in turn, each on fresh tables. */
#include "batch.h"

#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "meta.h"
#include "plan.h"
#include "report.h"
#include "run.h"
#include "script.h"

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the *.sql files of dir but scenario.sql and setup.sql to out[*n], each name once (an
 * engine folder's file of a shared name replaces nothing: it is the same strategy); with
 * engine_folder, a file marked @unsupported there takes its name out instead. */
static void add_strategies(const char *dir, bool engine_folder, char **out, size_t *n, size_t max)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len <= 4 || strcmp(e->d_name + len - 4, ".sql") != 0
            || strcmp(e->d_name, "scenario.sql") == 0 || strcmp(e->d_name, "setup.sql") == 0)
            continue;
        bool unsupported = false;
        if (engine_folder) {
            char path[PATH_MAX + 300], err[256];
            struct script s;
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            if (script_parse(path, &s, err, sizeof err) == 0) {
                unsupported = s.unsupported[0] != '\0';
                script_free(&s);
            }
        }
        size_t k = 0;
        while (k < *n && !(strlen(out[k]) == len - 4 && strncmp(out[k], e->d_name, len - 4) == 0))
            k++;
        if (unsupported && k < *n) {
            free(out[k]);
            out[k] = out[--*n];
        } else if (!unsupported && k == *n && *n < max) {
            out[*n] = strndup(e->d_name, len - 4);
            *n += out[*n] != NULL;
        }
    }
    if (d)
        closedir(d);
}

/* The strategies of scenario folder dir on the selected engine: the shared ones and its engine
 * folder's, less those it marks @unsupported; sorted. Returns how many, or -1 (no folder). */
static int scenario_strategies(const char *dir, char **out, size_t max)
{
    if (access(dir, R_OK | X_OK) != 0)
        return -1;
    size_t n = 0;
    char sub[PATH_MAX + 160];
    add_strategies(dir, false, out, &n, max);
    snprintf(sub, sizeof sub, "%s/%s", dir, db_engine_name());
    add_strategies(sub, true, out, &n, max);
    qsort(out, n, sizeof *out, by_name);
    return (int)n;
}

/* "path/to/mine.sql" -> "mine"; "for-update" -> "for-update" (as run.c names a strategy). */
static void strategy_name(const char *given, char *out, size_t n)
{
    const char *base = strrchr(given, '/') ? strrchr(given, '/') + 1 : given;
    size_t len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".sql") == 0)
        len -= 4;
    snprintf(out, n, "%.*s", (int)len, base);
}

int strategy_set_load(const struct options *o, struct strategy_set *set, char *err, size_t errlen)
{
    memset(set, 0, sizeof *set);
    char root[PATH_MAX], dir[PATH_MAX + 80];
    run_strategies_dir(root, sizeof root);
    snprintf(dir, sizeof dir, "%s/%s", root, o->scenario);
    char *all[CLI_LIST_MAX];
    int n_all = scenario_strategies(dir, all, CLI_LIST_MAX);
    if (n_all < 0) {
        run_no_scenario(o->scenario, root, err, errlen);
        return 2;
    }
    int rc = 0;
    size_t n = o->n_strategies ? o->n_strategies : (size_t)n_all;
    for (size_t i = 0; i < n && rc == 0; i++) {
        set->given[i] = strdup(o->n_strategies ? o->strategies[i] : all[i]);
        strategy_name(set->given[i] ? set->given[i] : "", set->name[i], sizeof set->name[i]);
        set->colour[i] = n_all + (int)i;
        for (int k = 0; k < n_all; k++)
            if (strcmp(all[k], set->name[i]) == 0)
                set->colour[i] = k;
        for (size_t k = 0; k < i; k++)
            if (strcmp(set->name[k], set->name[i]) == 0) {
                snprintf(err, errlen, "--strategies: %s is given twice", set->name[i]);
                rc = 2;
            }
        set->n = i + 1;
        if (!set->given[i]) {
            snprintf(err, errlen, "out of memory");
            rc = 2;
        }
    }
    if (rc == 0 && set->n == 0) {
        snprintf(err, errlen, "--scenario=%s: the scenario has no strategy in %s", o->scenario, dir);
        rc = 2;
    }
    for (int k = 0; k < n_all; k++)
        free(all[k]);
    return rc;
}

void strategy_set_free(struct strategy_set *set)
{
    for (size_t i = 0; i < set->n; i++)
        free(set->given[i]);
    memset(set, 0, sizeof *set);
}

void batch_init(struct batch *b, const char *command)
{
    memset(b, 0, sizeof *b);
    b->command = command;
}

int batch_add(struct batch *b, const struct options *o, size_t *index, char *err, size_t errlen)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 16;
        struct batch_run **runs = realloc(b->runs, cap * sizeof *runs);
        if (!runs) {
            snprintf(err, errlen, "out of memory");
            return 2;
        }
        b->runs = runs;
        b->cap = cap;
    }
    struct batch_run *run = calloc(1, sizeof *run);
    if (!run) {
        snprintf(err, errlen, "out of memory");
        return 2;
    }
    b->runs[b->n++] = run;
    cli_copy(&run->opts, o);
    *index = b->n - 1;
    int rc = run_prepare(&run->opts, &run->report, err, errlen);
    if (rc)
        batch_strategies_message(err, errlen);
    return rc;
}

static void progress(const struct batch *b, const struct options *o, size_t i)
{
    if (o->quiet || !isatty(STDERR_FILENO))
        return;
    const struct batch_run *run = b->runs[i];
    fprintf(stderr, "racesim %s: run %zu of %zu: %s, %d buyer%s%s%s%s\n", b->command, i + 1, b->n,
            run->report.strategy_name, run->opts.users, run->opts.users == 1 ? "" : "s",
            run->opts.isolation[0] ? ", " : "", run->opts.isolation, run->opts.lockstep ? ", lockstep" : "");
}

int batch_execute(struct batch *b, const struct options *o, char *err, size_t errlen)
{
    return batch_execute_then(b, o, NULL, NULL, err, errlen);
}

int batch_execute_then(struct batch *b, const struct options *o, batch_then_fn then, void *ctx,
                       char *err, size_t errlen)
{
    if (o->dry_run) {
        for (size_t i = 0; i < b->n; i++)
            plan_run(stdout, &b->runs[i]->opts, &b->runs[i]->report);
        plan_end(stdout, b->command, o, b->n);
        return PLAN_DRY_RUN;
    }
    int connections = 1;
    for (size_t i = 0; i < b->n; i++) {
        const struct options *ro = &b->runs[i]->opts;
        int c = ro->pool ? ro->pool : ro->users;
        if (c > connections)
            connections = c;
    }
    struct run_session *s;
    int rc = run_session_open(o, connections, &s, err, errlen);
    for (size_t i = 0; rc == 0 && i < b->n; i++) {
        struct batch_run *run = b->runs[i];
        progress(b, o, i);
        char why[1024];
        rc = run_in_session(s, &run->opts, &run->report, why, sizeof why);
        if (rc)
            snprintf(err, errlen, "%s: %s at %d buyers: %s", b->command, run->report.strategy_name,
                     run->opts.users, why);
        run->done = rc == 0;
    }
    if (rc == 0 && then)
        rc = then(ctx, s, err, errlen);
    run_session_close(s);
    return rc;
}

cJSON *batch_json(const struct batch *b, const struct options *o)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "command", b->command);
    cJSON_AddStringToObject(j, "racesim", RACESIM_VERSION);
    cJSON_AddStringToObject(j, "scenario", o->scenario);
    cJSON_AddItemToObject(j, "seed", meta_uint(o->seed));
    if (b->n > 0 && b->runs[0]->done)
        cJSON_AddStringToObject(j, "server_version", b->runs[0]->report.server_facts.version);
    cJSON *runs = cJSON_AddArrayToObject(j, "runs");
    for (size_t i = 0; runs && i < b->n; i++)
        if (b->runs[i]->done)
            cJSON_AddItemToArray(runs, report_json(&b->runs[i]->report));
    return j;
}

void batch_strategies_message(char *err, size_t errlen)
{
    if (strncmp(err, "--strategy=", 11) == 0 && strlen(err) + 3 < errlen) {
        memmove(err + 13, err + 11, strlen(err + 11) + 1);
        memcpy(err + 9, "ies=", 4);
    }
}

void batch_free(struct batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        run_free(&b->runs[i]->report);
        free(b->runs[i]);
    }
    free(b->runs);
    memset(b, 0, sizeof *b);
}
