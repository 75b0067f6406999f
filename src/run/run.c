/* run.c — one run end to end: files, server, preflight, seed, buyers, invariants by SQL. */
#include "run.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "target.h"
#include "interp.h"
#include "interrupt.h"
#include "owner.h"
#include "reset.h"
#include "schedule.h"
#include "server.h"
#include "spelling.h"
#include "summary.h"
#include "text.h"
#include "usage.h"
#include "catch_up.h"
#include "node_audit.h"
#include "ack_audit.h"
#include "workspace.h"

/* A server (private or the user's) and racesim's own connection to it, for one or more runs. */
struct run_session {
    struct server server;      /* shared with the signal thread: read it through server_snapshot */
    pid_t server_pid;
    db_conn *admin;
    struct db_target target;
    char description[512];     /* which server, in one line */
    bool private_server;
    unsigned nodes;            /* a private cluster: its nodes, node_targets[0..nodes) */
    struct db_target node_targets[SERVER_NODES_MAX];
    struct preflight preflight;
    bool cluster_claimed;      /* owner_claim_cluster holds the database across the cluster */
    char seeded_for[1200];     /* reset: the scenario and parameters of the seed copies ("": none) */
};

void run_strategies_dir(char *out, size_t outlen)
{
    const char *env = getenv("RACESIM_STRATEGIES");
    if (env && *env) {
        snprintf(out, outlen, "%s", env);
        return;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        char build[PATH_MAX];
        /* the binary sits in the build tree's src/ (or its root): use the source strategies */
        if (realpath(RACESIM_BUILD_ROOT, build) && strncmp(exe, build, strlen(build)) == 0) {
            snprintf(out, outlen, "%s", RACESIM_SOURCE_STRATEGIES);
            return;
        }
    }
    snprintf(out, outlen, "%s", RACESIM_INSTALLED_STRATEGIES);
}

void run_engine_file(const char *dir, const char *scenario, const char *file, char *out,
                     size_t outlen)
{
    snprintf(out, outlen, "%s/%s/%s/%s", dir, scenario, db_engine_name(), file);
    if (access(out, R_OK) != 0)
        snprintf(out, outlen, "%s/%s/%s", dir, scenario, file);
}

static int fail(char *err, size_t errlen, int code, const char *msg)
{
    snprintf(err, errlen, "%s", msg);
    return code;
}

static bool is_path(const char *s)
{
    size_t n = strlen(s);
    return strchr(s, '/') || (n > 4 && strcmp(s + n - 4, ".sql") == 0);
}

void run_no_scenario(const char *scenario, const char *dir, char *err, size_t errlen)
{
    struct spelling_best b;
    spelling_begin(&b, scenario);
    spelling_consider_folder(&b, dir, NULL);
    if (b.best[0])
        snprintf(err, errlen, "--scenario=%s: no such scenario in %s; did you mean %s?", scenario, dir,
                 b.best);
    else
        snprintf(err, errlen, "--scenario=%s: no such scenario in %s (see racesim list)", scenario, dir);
}

static int load_files(const struct options *o, struct run_report *r, char *err, size_t errlen)
{
    char dir[PATH_MAX], path[PATH_MAX + 128];
    run_strategies_dir(dir, sizeof dir);
    run_engine_file(dir, o->scenario, "scenario.sql", path, sizeof path);
    if (access(path, R_OK) != 0) {
        run_no_scenario(o->scenario, dir, err, errlen);
        return 2;
    }
    if (scenario_parse(path, o->scenario, &r->scenario, err, errlen))
        return 2;
    snprintf(path, sizeof path, "%s/%s/%s/setup.sql", dir, o->scenario, db_engine_name());
    if (access(path, R_OK) == 0 && scenario_override_setup(&r->scenario, path, err, errlen))
        return 2;
    if (is_path(o->strategy)) {
        snprintf(path, sizeof path, "%s", o->strategy);
        const char *base = strrchr(o->strategy, '/') ? strrchr(o->strategy, '/') + 1 : o->strategy;
        snprintf(r->strategy_name, sizeof r->strategy_name, "%.*s",
                 (int)(strlen(base) > 4 && strcmp(base + strlen(base) - 4, ".sql") == 0
                           ? strlen(base) - 4 : strlen(base)), base);
    } else {
        char file[sizeof r->strategy_name + 8];
        snprintf(file, sizeof file, "%s.sql", o->strategy);
        run_engine_file(dir, o->scenario, file, path, sizeof path);
        snprintf(r->strategy_name, sizeof r->strategy_name, "%s", o->strategy);
        if (!name_is_valid(o->strategy) && !strchr(o->strategy, '-'))
            path[0] = '\0';
        if (!path[0] || access(path, R_OK) != 0) {
            struct spelling_best b;
            spelling_begin(&b, o->strategy);
            snprintf(path, sizeof path, "%s/%s", dir, o->scenario);
            spelling_consider_folder(&b, path, ".sql");
            if (b.best[0] && strcmp(b.best, "scenario") != 0)
                snprintf(err, errlen, "--strategy=%s: scenario %s has no such strategy; did you mean "
                         "%s?", o->strategy, o->scenario, b.best);
            else
                snprintf(err, errlen, "--strategy=%s: scenario %s has no such strategy (see racesim "
                         "list)", o->strategy, o->scenario);
            return 2;
        }
    }
    if (script_parse(path, &r->script, err, errlen)
        || scenario_add_setup(&r->scenario, path, err, errlen))
        return 2;
    if (r->script.unsupported[0]) {
        snprintf(err, errlen, "--strategy=%s: no meaning on %s: %s (see racesim list)",
                 r->strategy_name, db_engine_name(), r->script.unsupported);
        return 2;
    }
    return 0;
}

/* Whether option name (any-seat) names a parameter of sc (any_seat). */
static bool names_param(const struct scenario *sc, const char *name)
{
    for (size_t i = 0; i < sc->n_params; i++)
        if (param_name_matches(name, sc->params[i].name))
            return true;
    return false;
}

/* An option that is neither racesim's nor a parameter of sc: one line, with the closest of the
 * command's options and the scenario's parameters (any_seat spelled any-seat, as typed). */
static void unknown_option(const struct options *o, const struct scenario *sc, const char *name,
                           char *err, size_t errlen)
{
    struct spelling_best b;
    spelling_begin(&b, name);
    const char *option = usage_option_near(o->command, name);
    if (option)
        spelling_consider(&b, option);
    if (option && !b.best[0])        /* not one typo away, but name begins it: --strat */
        snprintf(b.best, sizeof b.best, "%s", option);
    for (size_t i = 0; i < sc->n_params; i++) {
        char spelled[64];
        snprintf(spelled, sizeof spelled, "%s", sc->params[i].name);
        for (char *p = spelled; *p; p++)
            *p = *p == '_' && strchr(name, '-') ? '-' : *p;
        spelling_consider(&b, spelled);
    }
    if (b.best[0])
        snprintf(err, errlen, "unknown option --%s: did you mean --%s?", name, b.best);
    else
        snprintf(err, errlen, "unknown option --%s (see racesim %s --help; scenario %s takes the "
                 "parameters 'racesim list --scenario=%s' shows)", name, cli_command_name(o->command),
                 o->scenario, o->scenario);
}

static int resolve_params(const struct options *o, struct run_report *r, char *err, size_t errlen)
{
    for (size_t i = 0; i < o->n_overrides; i++)
        if (!names_param(&r->scenario, o->overrides[i].name)) {
            unknown_option(o, &r->scenario, o->overrides[i].name, err, errlen);
            return 2;
        }
    if (params_resolve(&r->scenario, o->users, o->rounds, o->overrides, o->n_overrides, &r->params,
                       err, errlen))
        return 2;
    return 0;
}

/* A connection per buyer is an open file in racesim (and in a private server, which raises its
 * own limit up to the hard one): raises the soft RLIMIT_NOFILE to the hard one when it is too
 * low, and refuses (exit 2, with the fix) when even the hard one is too low. */
static int raise_file_limit(int connections, char *err, size_t errlen)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)connections + 64;   /* + stdio, racesim's connection, logs, the server's */
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 0;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want) {
        snprintf(err, errlen, "%d connections need %llu open files but the limit is %llu "
                 "(ulimit -Hn): use --pool=%llu, or raise the limit", connections,
                 (unsigned long long)want, (unsigned long long)rl.rlim_max,
                 (unsigned long long)(rl.rlim_max > 128 ? rl.rlim_max - 128 : 1));
        return 2;
    }
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);   /* best effort: the check above has already passed */
    }
    return 0;
}

/* Where target t connects, in one line: "HOST:PORT", or its socket. */
static void target_place(const struct db_target *t, char *out, size_t outlen)
{
    if (t->socket[0])
        snprintf(out, outlen, "%.400s (%s)", t->socket, db_target_word());
    else
        snprintf(out, outlen, "%.250s:%u", t->host, t->port ? t->port : 3306);
}

/* A cluster the --dsn list names: a target per node, node 1's for racesim's own connection. */
static int open_given_cluster(const struct options *o, struct run_session *s, char *err,
                              size_t errlen)
{
    struct target_sources src;
    cli_target_sources(o, &src);
    int n = 0;
    if (target_build_nodes(&src, o->dsns, o->n_dsns, s->node_targets, SERVER_NODES_MAX, &n, err,
                           errlen))
        return 2;
    s->nodes = (unsigned)n;
    int len = snprintf(s->description, sizeof s->description, "cluster of %d nodes given by --dsn:",
                       n);
    for (int i = 0; i < n; i++) {
        snprintf(s->node_targets[i].database, sizeof s->node_targets[i].database, "%s",
                 o->database);
        char place[420];
        target_place(&s->node_targets[i], place, sizeof place);
        if (len > 0 && (size_t)len < sizeof s->description)
            len += snprintf(s->description + len, sizeof s->description - (size_t)len, "%s %s",
                            i ? "," : "", place);
    }
    s->target = s->node_targets[0];
    return 0;
}

static int open_target(const struct options *o, int connections, struct run_session *s,
                       char *err, size_t errlen)
{
    if (o->fault_percent && !o->cluster)
        return fail(err, errlen, 2, "--fault=kill-node kills a node of the private cluster "
                    "racesim starts: add --cluster=3 (or more)");
    if (o->dsn && o->dsn_nodes > 1)
        return open_given_cluster(o, s, err, errlen);
    if (o->spread && !o->cluster)
        return fail(err, errlen, 2, "--spread spreads buyers over the nodes of --cluster=N or of "
                    "a --dsn list: add one");
    if (o->dsn) {
        struct target_sources src;
        cli_target_sources(o, &src);
        if (target_build(&src, &s->target, err, errlen))
            return 2;
        snprintf(s->target.database, sizeof s->target.database, "%s", o->database);
        if (s->target.socket[0])
            snprintf(s->description, sizeof s->description, "%.400s (%s)", s->target.socket,
                     db_target_word());
        else
            snprintf(s->description, sizeof s->description, "%s:%u", s->target.host,
                     s->target.port ? s->target.port : 3306);
        return 0;
    }
    snprintf(s->target.database, sizeof s->target.database, "%s", o->database);
    struct server_options so = {.max_connections = (unsigned)connections + 20,
                                .nodes = (unsigned)o->cluster};
    char msg[768];
    enum server_status st = server_start(&s->server, &so, msg, sizeof msg);
    if (st != SERVER_OK)
        return fail(err, errlen, 3, msg);
    struct server started;     /* the signal thread may stop s->server at any time: read a copy */
    server_snapshot(&s->server, &started);
    s->server_pid = started.pid;
    snprintf(s->target.socket, sizeof s->target.socket, "%s", started.socket);
    snprintf(s->target.user, sizeof s->target.user, "%s", started.user[0] ? started.user : "root");
    if (started.nodes)
        snprintf(s->description, sizeof s->description,
                 "private cluster of %u nodes, %.300s on %ss (removed after the run)",
                 started.nodes, started.binary, db_target_word());
    else
        snprintf(s->description, sizeof s->description,
                 "private, %.300s on a %s (removed after the run)", started.binary,
                 db_target_word());
    s->private_server = true;
    s->nodes = started.nodes;
    for (unsigned i = 0; i < started.nodes; i++) {
        s->node_targets[i] = s->target;
        snprintf(s->node_targets[i].socket, sizeof s->node_targets[i].socket, "%s",
                 started.node_socket[i]);
    }
    return 0;
}

#define IO_TIMEOUT_MARGIN_S 60     /* beyond the longest lock wait the server allows */
#define IO_TIMEOUT_MAX_S 86400
#define AUDIT_CONNECT_TIMEOUT_S 5  /* after a troubled run: does the server still answer? */
#define AUDIT_IO_TIMEOUT_S 15
#define ADMIN_IO_TIMEOUT_S 900     /* racesim's own connection: setup and invariants over large
                                    * tables may run for minutes on a loaded machine */

/* The read/write timeout of every connection: a stalled server must not hang racesim, but a
 * statement may legitimately wait for a row lock up to the server's lock wait timeout (pf NULL
 * or without it: 50 s), so the timeout is that plus a margin. The run as a whole is
 * bounded by --timeout, which cuts the connections (engine.c); this bounds everything else. */
static unsigned io_timeout_s(const struct preflight *pf)
{
    long wait = pf && pf->lock_wait_timeout_s ? pf->lock_wait_timeout_s : 50;
    if (wait < 1 || wait > IO_TIMEOUT_MAX_S - IO_TIMEOUT_MARGIN_S)
        wait = IO_TIMEOUT_MAX_S - IO_TIMEOUT_MARGIN_S;
    return (unsigned)wait + IO_TIMEOUT_MARGIN_S;
}

/* A cluster's preflight: a connection to each node, which must all be synced nodes of one
 * primary component (preflight_cluster); adds the cluster's settings to s->preflight. */
static int check_nodes(struct run_session *s, char *err, size_t errlen)
{
    db_conn *conns[SERVER_NODES_MAX] = {0};
    char places[SERVER_NODES_MAX][420];
    const char *names[SERVER_NODES_MAX];
    int rc = 0;
    for (unsigned i = 0; i < s->nodes && rc == 0; i++) {
        struct db_error e;
        struct db_target t = s->node_targets[i];
        t.io_timeout_s = AUDIT_IO_TIMEOUT_S;
        target_place(&t, places[i], sizeof places[i]);
        names[i] = places[i];
        conns[i] = db_connect(&t, false, &e);
        if (!conns[i]) {
            snprintf(err, errlen, "cannot connect to node %u (%s): %s", i + 1, places[i], e.text);
            rc = 3;
        }
    }
    if (rc == 0 && preflight_cluster(conns, names, (int)s->nodes, &s->preflight, err, errlen))
        rc = 3;
    for (unsigned i = 0; i < s->nodes; i++)
        db_close(conns[i]);
    return rc;
}

/* racesim's connection: reads the server's settings, then takes racesim's own database for the
 * whole session (a server-side lock a second run on it waits for, then is refused with). */
static int open_admin(struct run_session *s, char *err, size_t errlen)
{
    struct db_error e;
    s->target.io_timeout_s = ADMIN_IO_TIMEOUT_S;
    s->admin = db_connect(&s->target, false, &e);
    if (!s->admin) {
        snprintf(err, errlen, "cannot connect to %s: %s", s->description, e.text);
        return 3;
    }
    if (preflight_read(s->admin, &s->preflight, &e)) {
        snprintf(err, errlen, "cannot read the server's settings: %s", e.text);
        return 3;
    }
    if (s->nodes && check_nodes(s, err, errlen))
        return 3;
    s->target.io_timeout_s = io_timeout_s(&s->preflight);   /* the buyers' connections */
    for (unsigned i = 0; i < s->nodes; i++)
        s->node_targets[i].io_timeout_s = s->target.io_timeout_s;
    /* the private server holds nothing else; on the user's, say when a strategy could write
     * elsewhere, refuse a user without the rights racesim needs (a server that hides the grants
     * is not a reason to stop) */
    if (!s->private_server &&
        preflight_read_grants(s->admin, &s->preflight, s->target.database, &e) > 0) {
        snprintf(err, errlen, "%s", e.text);
        return 3;
    }
    if (owner_acquire(s->admin, s->target.database, OWNER_WAIT_S, err, errlen))
        return 3;
    int claim = owner_claim_cluster(s->admin, s->nodes ? s->node_targets : &s->target,
                                    s->nodes ? (int)s->nodes : 1, s->target.database,
                                    OWNER_WAIT_S, err, errlen);
    if (claim == 1 || claim < 0)
        return 3;
    s->cluster_claimed = claim == 0;
    if (workspace_claim(s->admin, s->target.database, err, errlen) ||
        owner_record(s->admin, err, errlen))
        return 3;
    return 0;
}

/* The report's copy of what preflight read and warned. */
static void server_facts_of(const struct preflight *pf, struct server_facts *f)
{
    memset(f, 0, sizeof *f);
    snprintf(f->version, sizeof f->version, "%s", pf->version);
    for (size_t i = 0; i < pf->n_vars && i < SERVER_FACTS_VARS_MAX; i++) {
        snprintf(f->vars[i].name, sizeof f->vars[i].name, "%s", pf->vars[i].name);
        snprintf(f->vars[i].value, sizeof f->vars[i].value, "%s", pf->vars[i].value);
        f->n_vars++;
    }
    for (size_t i = 0; i < pf->n_warnings && i < SERVER_FACTS_WARNINGS_MAX; i++)
        snprintf(f->warnings[f->n_warnings++], sizeof f->warnings[0], "%s", pf->warnings[i]);
    for (size_t i = 0; i < pf->n_durability_vars && i < SERVER_FACTS_DURABILITY_VARS_MAX;
         i++) {
        snprintf(f->durability_vars[i].name, sizeof f->durability_vars[i].name, "%s",
                 pf->durability_vars[i].name);
        snprintf(f->durability_vars[i].value, sizeof f->durability_vars[i].value, "%s",
                 pf->durability_vars[i].value);
        f->n_durability_vars++;
    }
    f->durable = pf->durable;
    snprintf(f->durability_note, sizeof f->durability_note, "%s", pf->durability_note);
}

/* Checks the run fits the server, then gives it fresh tables. */
static int prepare_database(const struct options *o, struct run_session *s, struct run_report *r,
                            char *err, size_t errlen)
{
    struct preflight pf = s->preflight;   /* the check adds this run's warnings */
    snprintf(r->server, sizeof r->server, "%s", s->description);
    snprintf(r->engine, sizeof r->engine, "%s", db_engine_name());
    r->private_server = s->private_server;
    r->nodes = (int)s->nodes;
    if (preflight_check(&pf, o->pool ? o->pool : o->users, o->pool > 0,
                        interp_statements_max(&r->script, &r->params), err, errlen))
        return 2;
    server_facts_of(&pf, &r->server_facts);
    char key[sizeof s->seeded_for];
    summary_params(r, key, sizeof key);
    text_appendf(key, sizeof key, " %s %s", r->scenario.path,
                 r->scenario.strategy_setup_path ? r->scenario.strategy_setup_path : "");
    if (r->fast_reset && strcmp(key, s->seeded_for) == 0 && reset_restore(s->admin, err, errlen) == 0)
        return 0;
    s->seeded_for[0] = '\0';
    enum workspace_status ws = workspace_setup(s->admin, &r->scenario, &r->params, err, errlen);
    if (ws != WORKSPACE_OK)
        return ws == WORKSPACE_BAD_SCENARIO ? 2 : 3;
    if (r->fast_reset && reset_save(s->admin, err, errlen) == 0)
        snprintf(s->seeded_for, sizeof s->seeded_for, "%s", key);
    return 0;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* engine_config.fault_kill: kills node `node` of the session's private cluster. */
static int kill_node(void *ctx, int node, char *err, size_t errlen)
{
    return server_kill_node(&((struct run_session *)ctx)->server, (unsigned)node, err, errlen);
}

static int run_buyers(const struct options *o, struct run_session *s, struct run_report *r,
                      char *err, size_t errlen)
{
    uint64_t purchases = (uint64_t)o->users * (uint64_t)o->rounds;
    int units_field;
    int units_param = scenario_units(&r->scenario, &units_field);
    struct engine_config cfg = {
        .script = &r->script,
        .params = &r->params,
        .target = &s->target,
        .node_targets = s->nodes ? s->node_targets : NULL,
        .spread = s->nodes ? (o->spread ? o->spread : (int)s->nodes) : 0,
        .nodes = (int)s->nodes,
        .fault_node = s->nodes ? o->fault_node : 0,
        .fault_after = s->nodes && o->fault_percent
                       ? (purchases * (uint64_t)o->fault_percent + 99) / 100 : 0,
        .fault_kill = kill_node,
        .fault_ctx = s,
        .keep_ids = s->nodes && o->fault_percent && r->scenario.has_acknowledged,
        .users = o->users,
        .rounds = o->rounds,
        .pool = o->pool,
        .think_time_us = o->think_time_us,
        .seed = o->seed,
        .isolation = o->isolation,
        .units_param = units_param,
        .units_field = units_field,
        .progress = !o->quiet && isatty(STDERR_FILENO) && !o->interval_us && !o->duration_us,
        .observe_pid = r->private_server ? (int)s->server_pid : -1,
        .lockstep = o->lockstep,
        .block_timeout_us = o->block_timeout_us,
        .trace = o->trace || o->html,          /* the page is drawn from the trace */
        .timeout_us = o->timeout_us,
        .schedule = r->role_schedule_len ? r->role_schedule : o->schedule_len ? o->schedule : NULL,
        .schedule_len = r->role_schedule_len ? r->role_schedule_len : o->schedule_len,
        .schedule_log = r->schedule_log,
        .rate = o->rate,
        .poisson = o->poisson,
        .duration_us = o->duration_us,
        .warmup_us = o->warmup_us,
        .interval_us = o->interval_us,
    };
    enum engine_status st = engine_run(&cfg, &r->result, err, errlen);
    r->peak_rss_kb = peak_rss_kb();
    return st == ENGINE_OK ? 0 : (int)st;
}

static void add_note(struct run_report *r, const char *text)
{
    if (r->n_notes < RUN_NOTES_MAX)
        snprintf(r->notes[r->n_notes++], sizeof r->notes[0], "%s", text);
}

/* The client's own count must match the database's: an in-doubt commit may have gone either way. */
static void check_agreement(struct run_report *r)
{
    struct invariant_result *ir = &r->invariants[r->n_invariants++];
    uint64_t ok = r->result.outcomes[OUTCOME_OK] + r->result.warmup_ok, doubt = r->result.outcomes[OUTCOME_IN_DOUBT];
    int64_t rec = r->recorded;
    snprintf(ir->name, sizeof ir->name, "agreement");
    snprintf(ir->description, sizeof ir->description,
             "buyers' successes = purchases the database recorded (%llu = %lld)",
             (unsigned long long)ok, (long long)rec);
    if (rec < (int64_t)ok)
        ir->value = (int64_t)ok - rec;
    else if (rec > (int64_t)(ok + doubt))
        ir->value = rec - (int64_t)(ok + doubt);
    ir->holds = ir->value == 0;
}

/* Lost sales: purchases turned away by a server error or a retry give-up (not by a business
 * refusal such as out_of_stock) although units were left unsold at the end. */
static void count_lost_sales(struct run_report *r)
{
    if (r->remaining <= 0)
        return;
    for (size_t i = 1; i < r->script.n_outcomes; i++) {
        bool given_up = (r->script.retry.outcomes >> i) & 1u;
        if (i < OUTCOME_BUILTIN_COUNT || given_up) {
            r->lost_purchases += r->result.outcomes[i];
            r->lost_units += r->result.outcome_units[i];
            for (int n = 0; n < r->nodes && n < RESULT_NODES_MAX; n++)
                r->node_lost_purchases[n] += r->result.node_outcomes[n][i];
        }
    }
}

static int check_invariants(db_conn *c, struct run_report *r, char *err, size_t errlen)
{
    const struct scenario *sc = &r->scenario;
    for (size_t i = 0; i < sc->n_invariants; i++) {
        struct invariant_result *ir = &r->invariants[r->n_invariants++];
        snprintf(ir->name, sizeof ir->name, "%s", sc->invariants[i].name);
        snprintf(ir->description, sizeof ir->description, "%s", sc->invariants[i].description);
        enum workspace_status ws = workspace_scalar(c, sc, &sc->invariants[i].stmt,
                                                    &r->params, &ir->value, err, errlen);
        if (ws != WORKSPACE_OK)
            return ws == WORKSPACE_BAD_SCENARIO ? 2 : 3;
        ir->holds = ir->value == 0;
    }
    r->recorded = -1;
    if (sc->has_recorded) {
        enum workspace_status ws = workspace_scalar(c, sc, &sc->recorded, &r->params,
                                                    &r->recorded, err, errlen);
        if (ws != WORKSPACE_OK)
            return ws == WORKSPACE_BAD_SCENARIO ? 2 : 3;
        check_agreement(r);
    }
    r->remaining = -1;
    if (sc->has_remaining) {
        enum workspace_status ws = workspace_scalar(c, sc, &sc->remaining, &r->params,
                                                    &r->remaining, err, errlen);
        if (ws != WORKSPACE_OK)
            return ws == WORKSPACE_BAD_SCENARIO ? 2 : 3;
        count_lost_sales(r);
    }
    return 0;
}

static void add_notes(const struct options *o, struct run_report *r)
{
    const char *note = db_run_note(o->users, r->result.attempt_outcomes[OUTCOME_DEADLOCK]);
    if (note)
        add_note(r, note);
    if (r->result.outcomes[OUTCOME_IN_DOUBT] > 0)
        add_note(r, "a connection was lost during COMMIT: those purchases are in doubt; the "
                    "database's count settles them");
    if (o->duration_us && r->remaining == 0)
        add_note(r, "nothing was left to sell before --time ended: for a run of a duration give "
                    "a stock that lasts (e.g. --stock=2000000000)");
}

/* Whether the private server exited during the run; writes how into why. */
static bool private_server_died(struct run_session *s, char *why, size_t n)
{
    int st = s->private_server ? server_exited(&s->server) : 0;
    if (st == 0)
        return false;
    if (st > 0 && WIFSIGNALED(st))
        snprintf(why, n, "it was killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
    else
        snprintf(why, n, "it exited with status %d", st > 0 ? WEXITSTATUS(st) : 0);
    return true;
}

/* After a troubled run: a fresh connection with short timeouts (the admin connection may be
 * dead, or stuck on a stalled server; a --dsn server may have come back); after a --fault
 * that killed node 1, to node 2 (the audit runs on a survivor); on a cluster its reads wait
 * until the node applied every committed write. NULL when the
 * server does not answer, with why. */
static db_conn *audit_connect(struct run_session *s, const struct run_report *r, char *why,
                              size_t n)
{
    if (private_server_died(s, why, n))
        return NULL;
    struct db_target t = r->result.fault_node == 1 ? s->node_targets[1] : s->target;
    t.connect_timeout_s = AUDIT_CONNECT_TIMEOUT_S;
    t.io_timeout_s = AUDIT_IO_TIMEOUT_S;
    struct db_error e;
    db_conn *c = db_connect(&t, true, &e);
    if (c && s->nodes && db_node_sync(c, &e)) {   /* a cluster: after every committed write */
        db_close(c);
        c = NULL;
    }
    if (!c)
        snprintf(why, n, "%s", e.text);
    return c;
}

/* The run was cut short or its audit failed: keeps the buyers' side for the report, marks the
 * invariants not checked (unless checked), and says what happened, naming the server. */
static int cut_short(struct run_session *s, const struct options *o, struct run_report *r,
                     bool checked, const char *why, char *err, size_t errlen)
{
    const struct engine_result *e = &r->result;
    char how[128];
    if (e->timed_out)
        snprintf(how, sizeof how, "the run passed --timeout=%.3gs", (double)o->timeout_us / 1e6);
    else if (e->server_lost)
        snprintf(how, sizeof how, "the buyers lost the server and could not reconnect");
    else
        snprintf(how, sizeof how, "the server stopped answering after the run");
    r->partial = true;
    r->exit_code = 3;
    if (!checked) {
        snprintf(r->not_checked, sizeof r->not_checked, "%s",
                 e->timed_out ? "timeout" : "server gone");
        r->n_invariants = 0;
        r->recorded = r->remaining = -1;
        r->lost_purchases = r->lost_units = 0;
    }
    snprintf(err, errlen, "%s; server %s%s%s; invariants %s", how, s->description,
             why[0] ? ": " : "", why, checked ? "checked" : "not checked");
    return 3;
}

/* Checks the invariants after the buyers: on racesim's own connection after a clean run (on a
 * fresh one if that fails), on a fresh one after a troubled run. Returns 0, 2 (bad scenario)
 * or 3 via cut_short. */
static int audit(struct run_session *s, const struct options *o, struct run_report *r,
                 char *err, size_t errlen)
{
    const struct engine_result *e = &r->result;
    bool troubled = e->timed_out || e->server_lost || e->attempt_outcomes[OUTCOME_CONNECTION_LOST]
                    || e->attempt_outcomes[OUTCOME_IN_DOUBT] || e->fault_node;
    char why[400] = "";
    db_conn *c = troubled ? audit_connect(s, r, why, sizeof why) : s->admin;
    int rc = c ? check_invariants(c, r, err, errlen) : 3;
    if (rc == 3 && c == s->admin) {      /* its own connection lost (killed): once, afresh */
        r->n_invariants = 0;
        c = audit_connect(s, r, why, sizeof why);
        rc = c ? check_invariants(c, r, err, errlen) : 3;
    }
    if (rc == 0 && e->ids_kept && !e->timed_out && !e->server_lost)
        rc = ack_audit(c, r, err, errlen);
    if (c && c != s->admin)
        db_close(c);
    if (rc == 2)
        return 2;
    if (rc == 3 && c && !private_server_died(s, why, sizeof why))
        snprintf(why, sizeof why, "%.300s", err);
    if (rc == 3 || e->timed_out || e->server_lost)
        return cut_short(s, o, r, rc == 0, why, err, errlen);
    return 0;
}

int run_prepare(const struct options *o, struct run_report *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->settings = (struct run_settings){
        .users = o->users, .rounds = o->rounds, .pool = o->pool, .think_time_us = o->think_time_us,
        .seed = o->seed, .lockstep = o->lockstep, .trace = o->trace,
        .trace_to_file = o->trace_file != NULL, .rate = o->rate, .poisson = o->poisson,
        .duration_us = o->duration_us, .warmup_us = o->warmup_us, .interval_us = o->interval_us,
    };
    snprintf(r->settings.isolation, sizeof r->settings.isolation, "%s", o->isolation);
    r->recorded = -1;
    r->remaining = -1;
    r->doubt_present = -1;
    r->fault_percent = o->fault_percent;
    r->fault_planned_node = o->fault_node;
    int rc = load_files(o, r, err, errlen);
    if (rc == 0 && o->schedule_text && !o->schedule_len && schedule_names_roles(o->schedule_text)) {
        r->role_schedule = malloc(SCHEDULE_MAX * sizeof *r->role_schedule);
        if (!r->role_schedule)
            return fail(err, errlen, 2, "out of memory");
        if (schedule_parse_roles(o->schedule_text, o->users, r->script.roles, r->script.n_roles,
                                 r->role_schedule, &r->role_schedule_len, err, errlen))
            return 2;
    }
    return rc ? rc : resolve_params(o, r, err, errlen);
}

int run_session_open(const struct options *o, int connections, struct run_session **out,
                     char *err, size_t errlen)
{
    /* static: the signal thread reaches it at any time, also after a close */
    static struct run_session session;
    static bool signals_caught;
    struct run_session *s = &session;
    memset(&s->target, 0, sizeof s->target);
    s->admin = NULL;
    s->private_server = false;
    s->cluster_claimed = false;
    s->nodes = 0;
    s->description[0] = '\0';
    *out = NULL;
    if (!signals_caught) {
        if (interrupt_install(&s->server))
            return fail(err, errlen, 3, "cannot start the signal thread");
        signals_caught = true;
    }
    int rc = raise_file_limit(connections, err, errlen);
    if (rc == 0)
        rc = open_target(o, connections, s, err, errlen);
    if (rc == 0)
        rc = open_admin(s, err, errlen);
    if (rc) {
        run_session_close(s);
        return rc;
    }
    *out = s;
    return 0;
}

void run_session_close(struct run_session *s)
{
    if (!s)
        return;
    if (s->cluster_claimed)
        owner_release(s->admin, s->target.database);
    s->cluster_claimed = false;
    db_close(s->admin);
    s->admin = NULL;
    server_stop(&s->server);
}

/* Each anomaly an @expect names becomes a verdict line: holds when no read missed, else the first
 * read that did (who read it, where, what it returned) and the schedule that ran. */
static void check_expectations(const struct options *o, struct run_report *r)
{
    const struct script *sc = &r->script;
    const struct engine_result *er = &r->result;
    for (size_t k = 0; k < sc->n_expect_labels; k++) {
        struct invariant_result *ir = &r->invariants[r->n_invariants++];
        snprintf(ir->name, sizeof ir->name, "%s", sc->expect_labels[k]);
        ir->value = (int64_t)er->expect_missed[k];
        ir->holds = ir->value == 0;
        if (ir->holds) {
            snprintf(ir->description, sizeof ir->description, "every read checked for %s returned "
                     "what its @expect says", sc->expect_labels[k]);
            continue;
        }
        const struct step *st = &sc->steps[er->expect_step[k]];
        const struct expectation *x = &st->expect;
        static const char *const ops[] = {">=", ">", "<=", "<", "=", "!="};
        char actual[32], who[48] = "", sched[96] = "";
        if (er->expect_null[k])
            snprintf(actual, sizeof actual, "NULL");
        else
            snprintf(actual, sizeof actual, "%lld", (long long)er->expect_actual[k]);
        if (sc->n_roles)
            snprintf(who, sizeof who, " (%s)", sc->roles[script_role_of(sc, er->expect_buyer[k]) - 1]);
        const int *given = r->role_schedule_len ? r->role_schedule : o->schedule;
        int n_given = r->role_schedule_len ? r->role_schedule_len : o->schedule_len;
        if (r->schedule_log && r->schedule_log->n > n_given)   /* explore: the order it took */
            schedule_format(r->schedule_log->chosen, r->schedule_log->n, sched, sizeof sched);
        else if (n_given)
            schedule_format(given, n_given, sched, sizeof sched);
        ir->description[0] = '\0';
        text_appendf(ir->description, sizeof ir->description, "buyer %d%s read %s = %s at line %d, "
                 "expected %s %s %lld%s%s", er->expect_buyer[k], who, x->column[0] ? x->column : "rows",
                 actual, st->line, x->column[0] ? x->column : "rows", ops[x->op],
                 (long long)x->value, sched[0] ? "; schedule " : "", sched);
    }
}

/* A cluster: every node has applied the setup (or reset) made on node 1 before a buyer
 * connects to it, so no buyer finds a table missing or a row not yet there. Returns 0, or 3. */
static int nodes_set_up(struct run_session *s, char *err, size_t errlen)
{
    struct catch_up c;
    char msg[256];
    if (catch_up_open(&c, s->node_targets, (int)s->nodes, err, errlen))
        return 3;
    int rc = catch_up_wait(&c, msg, sizeof msg) ? (snprintf(err, errlen, "%s", msg), 3) : 0;
    catch_up_close(&c);
    return rc;
}

int run_in_session(struct run_session *s, const struct options *o, struct run_report *r,
                   char *err, size_t errlen)
{
    uint64_t bf_before[RESULT_NODES_MAX] = {0}, cert_before[RESULT_NODES_MAX] = {0};
    int rc = prepare_database(o, s, r, err, errlen);
    if (rc == 0 && s->nodes)
        rc = nodes_set_up(s, err, errlen);
    if (rc == 0 && s->nodes)
        rc = node_counters_read(s->node_targets, (int)s->nodes, bf_before, cert_before, err, errlen);
    if (rc == 0)
        rc = run_buyers(o, s, r, err, errlen);
    if (rc == 0)
        rc = audit(s, o, r, err, errlen);
    int lost = r->result.fault_node - 1;    /* the node a --fault killed; -1: none */
    if (rc == 0 && s->nodes)
        rc = node_audit(s->node_targets, (int)s->nodes, lost, r, err, errlen);
    if (rc == 0 && s->nodes)
        rc = node_counters_delta(s->node_targets, (int)s->nodes, lost, bf_before, cert_before, r,
                                 err, errlen);
    if (rc && r->partial)
        add_notes(o, r);
    if (rc)
        return rc;
    add_notes(o, r);
    check_expectations(o, r);
    r->exit_code = 0;
    for (size_t i = 0; i < r->n_invariants; i++)
        if (!r->invariants[i].holds)
            r->exit_code = 1;
    return 0;
}

int run_execute(const struct options *o, struct run_report *r, char *err, size_t errlen)
{
    int rc = run_prepare(o, r, err, errlen);
    if (rc)
        return rc;
    struct run_session *s;
    rc = run_session_open(o, o->pool ? o->pool : o->users, &s, err, errlen);
    if (rc == 0)
        rc = run_in_session(s, o, r, err, errlen);
    run_session_close(s);
    return rc;
}

void run_free(struct run_report *r)
{
    trace_free(&r->result.trace);
    interval_log_free(&r->result.intervals);
    id_list_free(&r->result.acked_ids);
    id_list_free(&r->result.doubt_ids);
    params_free(&r->params);
    script_free(&r->script);
    scenario_free(&r->scenario);
    free(r->role_schedule);
    r->role_schedule = NULL;
    r->role_schedule_len = 0;
}

db_conn *run_session_admin(struct run_session *s)
{
    return s->admin;
}
