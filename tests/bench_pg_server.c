/* bench_pg_server.c — times pg_server_start and pg_server_stop (cold cache, then cached); JSON out. */
#include "drivers/postgres/pg_server.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int rm_entry(const char *p, const struct stat *st, int f, struct FTW *w)
{
    (void)st; (void)f; (void)w;
    remove(p);
    return 0;
}

/* One start and stop; their times in ms. Returns 0, or 1 (message on stderr). */
static int once(const char *parent, double *start_ms, double *stop_ms, struct pg_server *s)
{
    struct pg_server_options o = { .max_connections = 110, .run_parent = parent };
    char err[512];
    double t0 = now_ms();
    if (pg_server_start(s, &o, err, sizeof err) != PG_SERVER_OK) {
        fprintf(stderr, "bench_pg_server: %s\n", err);
        return 1;
    }
    double t1 = now_ms();
    pg_server_stop(s);
    *start_ms = t1 - t0;
    *stop_ms = now_ms() - t1;
    return 0;
}

static void print_series(const char *name, const double *v, int n)
{
    printf("  \"%s\": [", name);
    for (int i = 0; i < n; i++)
        printf("%s%.1f", i ? ", " : "", v[i]);
    printf("],\n");
}

/* Usage: bench_pg_server RUNS [PARENT_ON_DISK]. Starts once with an empty cache (in a temp
 * XDG_CACHE_HOME), then RUNS times cached with the automatic run directory, then RUNS times
 * with the run directory under PARENT_ON_DISK (default /tmp). */
int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 10;
    const char *disk = argc > 2 ? argv[2] : "/tmp";
    if (runs < 1 || runs > 1000)
        runs = 10;
    char cache[] = "/tmp/racesim-bench-cache-XXXXXX";
    if (!mkdtemp(cache))
        return 1;
    setenv("XDG_CACHE_HOME", cache, 1);
    double cold_start, cold_stop, *start = calloc((size_t)runs, sizeof *start),
           *stop = calloc((size_t)runs, sizeof *stop), *dstart = calloc((size_t)runs, sizeof *dstart),
           *dstop = calloc((size_t)runs, sizeof *dstop);
    struct pg_server s;
    int bad = !start || !stop || !dstart || !dstop || once(NULL, &cold_start, &cold_stop, &s);
    char auto_dir[PATH_MAX];
    snprintf(auto_dir, sizeof auto_dir, "%s", bad ? "" : s.os_user);
    for (int i = 0; !bad && i < runs; i++)
        bad = once(NULL, &start[i], &stop[i], &s);
    for (int i = 0; !bad && i < runs; i++)
        bad = once(disk, &dstart[i], &dstop[i], &s);
    nftw(cache, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    if (bad)
        return 1;
    printf("{\n  \"binary\": \"%s\",\n  \"version\": \"%s\",\n  \"os_user\": \"%s\",\n",
           s.binary, s.version, auto_dir);
    printf("  \"runs\": %d,\n  \"disk_parent\": \"%s\",\n", runs, disk);
    printf("  \"cold_start_ms\": %.1f,\n  \"cold_stop_ms\": %.1f,\n", cold_start, cold_stop);
    print_series("cached_start_ms", start, runs);
    print_series("cached_stop_ms", stop, runs);
    print_series("disk_start_ms", dstart, runs);
    print_series("disk_stop_ms", dstop, runs);
    printf("  \"unit\": \"ms\"\n}\n");
    return 0;
}
