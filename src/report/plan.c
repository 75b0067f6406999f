/* plan.c — --dry-run: what a command would run, one line a run, printed instead of running. */
#include "plan.h"

#include "summary.h"

void plan_run(FILE *f, const struct options *ro, const struct run_report *r)
{
    char params[1024];
    summary_params(r, params, sizeof params);
    fprintf(f, "would run: %s/%s · %d buyer%s × %d purchase%s · seed %llu%s%s%s%s · %s\n",
            r->scenario.name, r->strategy_name, ro->users, ro->users == 1 ? "" : "s", ro->rounds,
            ro->rounds == 1 ? "" : "s", (unsigned long long)ro->seed,
            ro->isolation[0] ? " · " : "", ro->isolation, ro->lockstep ? " · lockstep" : "",
            ro->pool ? " · pooled" : "", params);
}

void plan_end(FILE *f, const char *command, const struct options *o, size_t n)
{
    const char *server = o->dsn ? "the --dsn" : "a private";
    if (n == 0)
        fprintf(f, "dry run: racesim %s would try every interleaving of these buyers' statements on "
                "%s %s server; nothing was started\n", command, server, o->engine);
    else
        fprintf(f, "dry run: racesim %s would make %zu run%s on %s %s server; nothing was started\n",
                command, n, n == 1 ? "" : "s", server, o->engine);
}
