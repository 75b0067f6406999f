/* list.c — print scenarios, their parameters and their strategies with one-line descriptions. */
#include "list.h"

#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "script.h"

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted entries of dir (files ending in .sql when sql_only, else folders); caller frees. */
static size_t entries(const char *dir, int sql_only, char **out, size_t max)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) && n < max) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.')
            continue;
        if (sql_only ? len > 4 && strcmp(e->d_name + len - 4, ".sql") == 0
                           && strcmp(e->d_name, "scenario.sql") != 0
                           && strcmp(e->d_name, "setup.sql") != 0
                     : e->d_type == DT_DIR || e->d_type == DT_UNKNOWN)
            out[n++] = strdup(e->d_name);
    }
    if (d)
        closedir(d);
    qsort(out, n, sizeof *out, by_name);
    return n;
}

/* The first line of a description without its "name: " lead, cut to fit a terminal line. */
static void print_desc(FILE *out, const char *name, const char *d)
{
    size_t n = strlen(name);
    if (strncmp(d, name, n) == 0 && d[n] == ':')
        d += n + 1 + (d[n + 1] == ' ');
    int len = (int)strcspn(d, "\n");
    fprintf(out, "%.*s%s\n", len > 74 ? 73 : len, d, len > 74 ? "…" : "");
}

/* Whether strategy file name in engine folder dir says it has no meaning there (@unsupported). */
static bool unsupported(const char *dir, const char *name)
{
    char path[PATH_MAX + 300], err[512];
    struct script s;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (script_parse(path, &s, err, sizeof err))
        return false;              /* listed as its own SQL; a run reports the error */
    bool none = s.unsupported[0] != '\0';
    script_free(&s);
    return none;
}

/* "  not on ENGINE: NAME — why" for an @unsupported file of engine folder dir. */
static void print_unsupported(FILE *out, const char *dir, const char *engine, const char *name)
{
    char path[PATH_MAX + 300], err[512];
    struct script s;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (script_parse(path, &s, err, sizeof err))
        return;
    fprintf(out, "  not on %s: %.*s — ", engine, (int)strlen(name) - 4, name);
    print_desc(out, "", s.unsupported);
    script_free(&s);
}

/* The engine folders of scenario folder sub (strategies/<scenario>/<engine>/): the files each
 * engine has its own SQL for; every other strategy is shared by all engines. */
static void print_engine_files(FILE *out, const char *sub)
{
    char *engines[16];
    size_t n = entries(sub, 0, engines, 16);
    for (size_t i = 0; i < n; i++) {
        char dir[PATH_MAX + 256], *files[256];
        snprintf(dir, sizeof dir, "%s/%s", sub, engines[i]);
        size_t nf = entries(dir, 1, files, 256);
        char path[PATH_MAX + 300];
        snprintf(path, sizeof path, "%s/setup.sql", dir);
        bool own_setup = access(path, R_OK) == 0;
        snprintf(path, sizeof path, "%s/scenario.sql", dir);
        own_setup = own_setup || access(path, R_OK) == 0;
        bool none[256] = {false};
        for (size_t k = 0; k < nf; k++)
            none[k] = unsupported(dir, files[k]);
        fprintf(out, "  on %s, its own SQL: %s", engines[i], own_setup ? "setup" : "");
        for (size_t k = 0, shown = own_setup; k < nf; k++)
            if (!none[k])
                fprintf(out, "%s%.*s", shown++ ? ", " : "", (int)strlen(files[k]) - 4, files[k]);
        fputs(" (other strategies shared)\n", out);
        for (size_t k = 0; k < nf; k++) {
            if (none[k])
                print_unsupported(out, dir, engines[i], files[k]);
            free(files[k]);
        }
        free(engines[i]);
    }
}

static int print_scenario(FILE *out, const char *dir, const char *name, char *err, size_t errlen)
{
    char path[PATH_MAX + 256];
    struct scenario sc;
    snprintf(path, sizeof path, "%s/%s/scenario.sql", dir, name);
    if (scenario_parse(path, name, &sc, err, errlen))
        return 2;
    fprintf(out, "%s — ", name);
    print_desc(out, name, sc.description);
    fputs("  parameters:\n", out);
    for (size_t i = 0; i < sc.n_params; i++) {
        const struct param_decl *p = &sc.params[i];
        char def[2 * PARAM_TEXT_MAX + 80];
        if (p->kind == PARAM_RANGE)
            snprintf(def, sizeof def, "%s..%s%s%s", p->lo, p->hi, p->by[0] ? " by " : "", p->by);
        else if (p->kind == PARAM_LIST)
            snprintf(def, sizeof def, "%s..%s", p->lo, p->hi);
        else
            snprintf(def, sizeof def, "%s", p->lo);
        char opt[2 * PARAM_TEXT_MAX + 160];
        snprintf(opt, sizeof opt, "--%s=%s", p->name, def);
        fprintf(out, "    %-30s %s\n", opt, p->description);
    }
    char sub[PATH_MAX + 128], *files[256];
    snprintf(sub, sizeof sub, "%s/%s", dir, name);
    print_engine_files(out, sub);          /* before the strategies: scripts read those to the end */
    fputs("  strategies:\n", out);
    size_t n = entries(sub, 1, files, 256);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        struct script s;
        snprintf(path, sizeof path, "%s/%s", sub, files[i]);
        files[i][strlen(files[i]) - 4] = '\0';
        if (rc == 0 && script_parse(path, &s, err, errlen) == 0) {
            fprintf(out, "    %-18s ", files[i]);
            print_desc(out, files[i], s.description);
            script_free(&s);
        } else {
            rc = 2;
        }
        free(files[i]);
    }
    scenario_free(&sc);
    return rc;
}

int list_print(FILE *out, const char *dir, const char *only, char *err, size_t errlen)
{
    char *names[256];
    size_t n = entries(dir, 0, names, 256);
    int rc = 0, found = 0;
    for (size_t i = 0; i < n; i++) {
        if (rc == 0 && (!only || strcmp(only, names[i]) == 0)) {
            char path[PATH_MAX + 256];
            snprintf(path, sizeof path, "%s/%s/scenario.sql", dir, names[i]);
            FILE *f = fopen(path, "r");
            if (f) {
                fclose(f);
                if (found++)
                    fputc('\n', out);
                rc = print_scenario(out, dir, names[i], err, errlen);
            }
        }
        free(names[i]);
    }
    if (rc == 0 && !found) {
        snprintf(err, errlen, only ? "--scenario=%s: no such scenario in %s" : "%s%s: no scenarios (RACESIM_STRATEGIES names another strategies folder)",
                 only ? only : "", dir);
        rc = 2;
    }
    return rc;
}
