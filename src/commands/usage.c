/* usage.c — the one table of racesim's options: which command takes which, and the help text. */
#include "usage.h"

#include <string.h>

#include "spelling.h"

#define RUN (1u << COMMAND_RUN)
#define COMPARE (1u << COMMAND_COMPARE)
#define SWEEP (1u << COMMAND_SWEEP)
#define MATRIX (1u << COMMAND_MATRIX)
#define CHECK (1u << COMMAND_CHECK)
#define EXPLORE (1u << COMMAND_EXPLORE)
#define LIST (1u << COMMAND_LIST)
#define ISOLATION (1u << COMMAND_ISOLATION)
#define CONNECTS (RUNS | ISOLATION)                     /* the commands that reach a server */
#define RUNS (RUN | COMPARE | SWEEP | MATRIX | EXPLORE)   /* the commands that run strategies */
#define ALL (RUNS | CHECK | LIST | ISOLATION)
#define NAME_COLUMN 23                                    /* where an option's text starts */

/* One option as one command shows it. An option whose meaning differs between commands has a
 * row per meaning; the parser takes an option for a command when any row names the command. */
struct option_row {
    const char *name;       /* without "--" */
    const char *arg;        /* "=N"; "" for a flag; "[=FILE]" for an optional value */
    unsigned commands;      /* bits (1 << enum command) */
    const char *help;       /* one paragraph, wrapped to USAGE_WIDTH when printed */
};

static const struct option_row rows[] = {
    {"scenario", "=NAME", RUNS, "scenario folder under strategies/ (default: stock)"},
    {"scenario", "=NAME", LIST, "only this scenario"},
    {"strategy", "=NAME", RUN | EXPLORE,
     "a strategy of the scenario (see 'racesim list'), or a path to a .sql file"},
    {"strategies", "=LIST", COMPARE | SWEEP | MATRIX,
     "names or .sql files, comma-separated, or all (default: all)"},
    {"strategies", "=LIST", ISOLATION,
     "the tests of strategies/isolation/ (g0, g1a, ... g2) or .sql files (default: all)"},
    {"users", "=N", RUN | COMPARE, "concurrent buyers, 1..100000 (default: 100)"},
    {"users", "=1,8,64", SWEEP, "the buyer counts, comma-separated (default: 1,8,64,500)"},
    {"users", "=N", EXPLORE, "buyers: 2 (default), 3 or 4; up to 32 with --max-schedules"},
    {"rounds", "=K", RUN | COMPARE | SWEEP | EXPLORE, "purchases per buyer (default: 1)"},
    {"pool", "=N", RUN | COMPARE | SWEEP,
     "share N connections among the buyers (default: one per buyer)"},
    {"cluster", "=N", RUN | COMPARE | SWEEP | ISOLATION,
     "start a private cluster of N nodes (2 up to what the machine allows) instead of one server"},
    {"spread", "=K", RUN | COMPARE | SWEEP | ISOLATION,
     "with --cluster or a --dsn list: the buyers' connections go round-robin over nodes 1..K "
     "(default: all)"},
    {"fault", "=kill-node:K@P%", RUN,
     "with --cluster=3 or more: SIGKILL node K when P% (1..99) of users x rounds purchases have "
     "finished, whatever their outcome; its buyers fail over to the other nodes"},
    {"think-time", "=MS", RUN | COMPARE | SWEEP | MATRIX,
     "sleep at the strategy's @window, the race window (default: 0)"},
    {"timeout", "=DURATION", RUN | COMPARE | SWEEP | MATRIX,
     "end a run's purchases after this long (30s, 5m, 1h; 0: never) and report what the buyers "
     "saw, exit 3 (default: 5m)"},
    {"rate", "=R", RUN | COMPARE | SWEEP,
     "an open loop: R purchases per second arrive and wait for a free buyer; latency also from "
     "each one's intended start"},
    {"arrivals", "=constant|poisson", RUN | COMPARE | SWEEP,
     "with --rate: evenly spaced arrivals, or a Poisson process (default: constant)"},
    {"time", "=DURATION", RUN | COMPARE | SWEEP,
     "buyers purchase until this ends (10s, 2m) instead of --rounds"},
    {"warmup", "=DURATION", RUN | COMPARE | SWEEP,
     "purchases meant to start in this first part are left out of the figures"},
    {"report-interval", "=S", RUN | COMPARE | SWEEP,
     "one line every S seconds on stderr, also when piped: purchases/s, ok/s, errors/s, p99"},
    {"isolation", "=LEVEL", RUN | COMPARE | SWEEP | EXPLORE,
     "session isolation: read-uncommitted, read-committed, repeatable-read, serializable (a "
     "strategy's own @isolation wins)"},
    {"isolations", "=LIST", MATRIX, "levels to try, or all (default: all four)"},
    {"isolations", "=LIST", ISOLATION,
     "levels to try, or all (default: all four; repeatable-read also in the engine's snapshot "
     "variant where the server has it)"},
    {"contended", "=N", MATRIX,
     "buyers of the contended run beside the 2-buyer lockstep race, whose parameters are the "
     "scenario's smallest (default: 50; 0: none)"},
    {"seed", "=N", RUNS, "workload seed: the same seed draws the same purchases (default: random)"},
    {"repeat", "=N", RUN | COMPARE | SWEEP,
     "N runs per strategy (and point) with seeds seed..seed+N-1, interleaved across strategies: "
     "median, min-max, 95% interval"},
    {"lockstep", "", RUN | COMPARE | SWEEP,
     "buyers run one statement at a time, in turn (round-robin): the same seed gives the same "
     "trace every run; the report has no latency or throughput (timings of turns mean nothing)"},
    {"schedule", "=LIST", RUN,
     "one statement at a time in this order of buyers: 1,2,2,1; N*K repeats buyer N K times, "
     "(1,2)*3 a list; after the list, round-robin"},
    {"block-timeout", "=MS", RUN | COMPARE | SWEEP | MATRIX,
     "lockstep: a statement this slow counts as blocked when the server does not say it waits "
     "for a lock (default: 200)"},
    {"max-schedules", "=N", EXPLORE, "stop after N schedules, and say the search was cut"},
    {"trace", "[=FILE]", RUN,
     "every step of every buyer as a timeline (to FILE: JSON lines with --format=json)"},
    {"html", "=FILE", RUN | EXPLORE | COMPARE | SWEEP | MATRIX,
     "the race as one self-contained web page: a lane per buyer, the row's value after each "
     "step, step-through playback (explore: the shortest schedule that breaks an invariant; "
     "compare, sweep, matrix: the tables, compare's answer and the chart; matrix's grid coloured "
     "by verdict)"},
    {"html", "=FILE", ISOLATION,
     "the table as one self-contained web page: each cell coloured by its verdict, the legend, "
     "how each prevented cell was kept"},
    {"dsn", "=URL", CONNECTS,
     "mysql://user@host:port/db or mysql://user@localhost/db?socket=PATH (also RACESIM_DSN; "
     "mariadb:// and the other engines' schemes too); the password from RACESIM_PASSWORD, else "
     "an option file, else the client library's variable (never in the DSN; docs/connecting.md); "
     "a Galera cluster's nodes: mysql://user@h1:p1,h2:p2/db, or --dsn once per node "
     "(docs/cluster.md)"},
    {"ssl-mode", "=MODE", CONNECTS,
     "with --dsn: DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY (also ?ssl-mode= "
     "in the DSN)"},
    {"ssl-ca", "=FILE", CONNECTS, "with --dsn: the CA to check the server's certificate against"},
    {"ssl-cert", "=FILE", CONNECTS, "with --dsn: a client certificate (with --ssl-key)"},
    {"ssl-key", "=FILE", CONNECTS, "with --dsn: the client certificate's key"},
    {"connect-timeout", "=S", CONNECTS, "with --dsn: seconds to wait for a connection (default: 10)"},
    {"defaults-file", "=FILE", CONNECTS,
     "with --dsn: read [client] and [racesim] of FILE only, not ~/.my.cnf and /etc"},
    {"no-defaults", "", CONNECTS, "with --dsn: read no option file"},
    {"engine", "=NAME", CONNECTS,
     "the engine (its driver): mariadb (default); with --dsn, its scheme says"},
    {"database", "=NAME", CONNECTS, "the database racesim creates and works in (default: racesim)"},
    {"baseline", "=FILE", CHECK, "the reference result (JSON)"},
    {"max-regression", "=P", CHECK,
     "allowed loss: throughput down to (1-P)x, p99 up to 1/(1-P)x (default: 10%); with repeats "
     "(5 or more a side) a slowdown fails only when it is also significant (Mann-Whitney U, "
     "p < 0.05); one run a side gates invariants only"},
    {"gate", "=invariants|all", CHECK,
     "invariants: speed is printed but never fails; all: also gate one run a side on speed, by "
     "the ratio alone"},
    {"threshold", "=EXPR", RUN | COMPARE | CHECK,
     "an absolute limit, repeatable: 'p99<200ms', 'goodput>500', 'oversell==0' (p50 p90 p99 p999 "
     "max mean, throughput goodput, lost_sales retries, or an invariant; with repeats: the "
     "median, counts the worst); one failed: exit 5"},
    {"format", "=FMT", RUN | COMPARE | SWEEP | MATRIX,
     "text, json, csv or md (Markdown) (default: text)"},
    {"format", "=FMT", EXPLORE, "text, json or csv (default: text)"},
    {"format", "=FMT", ISOLATION, "text, json or md (Markdown) (default: text)"},
    {"format", "=FMT", CHECK, "text or junit (JUnit XML: one test case per strategy and check)"},
    {"chart", "=FILE", COMPARE | SWEEP,
     "throughput and p99 drawn by gnuplot (FILE.svg or .png); the data goes to FILE.csv beside "
     "it, also when gnuplot is missing"},
    {"out", "=FILE", CONNECTS | CHECK,
     "write the report to FILE (refuses to overwrite without --force); -: stdout"},
    {"force", "", CONNECTS | CHECK, "overwrite --out"},
    {"quiet", "", CONNECTS | CHECK, "no progress line on stderr"},
    {"dry-run", "", CONNECTS,
     "check everything (options, scenario, strategy files, parameters, --out) and print what "
     "would run, one line a run; no server is started"},
    {"PARAM", "=VALUE", RUNS,
     "a scenario parameter, e.g. --stock=5000 --qty=1..30 --skew=zipf:0.99 ('racesim list' "
     "shows each scenario's)"},
    {"help", "", ALL, "this text"},
    {"version", "", ALL, "the version"},
};
#define N_ROWS (sizeof rows / sizeof rows[0])

/* What each command shows above and below its options. */
struct command_text {
    enum command c;
    const char *name;
    const char *usage;     /* after "usage: racesim " */
    const char *about;     /* lines, each shorter than USAGE_WIDTH */
    const char *exits;     /* lines */
};

static const struct command_text commands[] = {
    {COMMAND_RUN, "run", "[run] --strategy=NAME|FILE.sql [options] [--PARAM=VALUE ...]",
     "Runs N concurrent buyers with one strategy for the same contended job, then\n"
     "checks the scenario's invariants with SQL and reports what happened. With no\n"
     "--dsn it starts a private throwaway server of --engine and removes it after.\n",
     "exit: 0 invariants hold, 1 an invariant is violated, 5 a --threshold failed\n"
     "      (1 wins), 2 bad usage or strategy file, 3 database unreachable.\n"},
    {COMMAND_COMPARE, "compare", "compare [--strategies=LIST] [options] [--PARAM=VALUE ...]",
     "Runs every strategy (or those given) in turn on one server, each on fresh\n"
     "tables with the same seed, and prints one table: throughput, latency, anomalies.\n",
     "exit: 0 when every run ended (anomalies are in the table; gate with check),\n"
     "      5 a --threshold failed, 2 bad usage or strategy file, 3 no database.\n"},
    {COMMAND_SWEEP, "sweep", "sweep [--strategies=LIST] [--users=1,8,64,500] [options]",
     "Compares the strategies at each buyer count on one server: how throughput and\n"
     "p99 change as contention grows.\n",
     "exit: 0 when every run ended, 2 bad usage or strategy file, 3 no database.\n"},
    {COMMAND_MATRIX, "matrix", "matrix [--strategies=LIST] [--isolations=LIST] [options]",
     "Strategies by isolation levels: each cell is a 2-buyer lockstep race on the\n"
     "scenario's smallest parameters and a contended run; which cells break an\n"
     "invariant.\n",
     "exit: 0 when every run ended, 2 bad usage or strategy file, 3 no database.\n"},
    {COMMAND_EXPLORE, "explore", "explore --strategy=NAME [--users=2|3|4] [options]",
     "Tries every interleaving of the buyers' statements, each on fresh tables; the\n"
     "shortest that breaks an invariant is drawn with the --schedule that replays it.\n",
     "exit: 0 no interleaving breaks an invariant, 1 one does, 2 bad usage or\n"
     "      strategy file, 3 database unreachable.\n"},
    {COMMAND_ISOLATION, "isolation", "isolation [--engine=NAME | --dsn=URL] [options]",
     "The isolation-anomaly table (Hermitage's G0 ... G2): each test of\n"
     "strategies/isolation/ explored at each isolation level on one server; which\n"
     "anomaly each level prevents, and how (a lock wait, an abort).\n",
     "exit: 0 when the table is complete, 2 bad usage or test file, 3 no database.\n"},
    {COMMAND_CHECK, "check", "check RESULT.json --baseline=BASE.json [options]",
     "Checks a result (of run, compare, sweep or matrix) against a baseline, runs\n"
     "matched by strategy and buyers (and isolation, lockstep): the gate for CI.\n",
     "exit: 0 within the baseline, 1 an invariant that held in the baseline (of a\n"
     "      strategy correct there) is violated, 4 throughput or p99 regressed beyond\n"
     "      P, 5 a --threshold failed (1 wins over 5, 5 over 4), 2 bad usage or result\n"
     "      file.\n"},
    {COMMAND_LIST, "list", "list [--scenario=NAME]",
     "Lists the scenarios: their parameters (with defaults), engine folders and\n"
     "strategies.\n",
     "exit: 0, or 2 when the scenario does not exist.\n"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

bool usage_known(const char *name)
{
    for (size_t i = 0; i < N_ROWS; i++)
        if (strcmp(rows[i].name, name) == 0 && strcmp(name, "PARAM") != 0)
            return true;
    return false;
}

bool usage_allowed(enum command c, const char *name)
{
    if (c == COMMAND_HELP || c == COMMAND_VERSION)
        return true;
    for (size_t i = 0; i < N_ROWS; i++)
        if (strcmp(rows[i].name, name) == 0 && (rows[i].commands & (1u << c))
            && strcmp(name, "PARAM") != 0)
            return true;
    return false;
}

bool usage_is_flag(const char *name)
{
    for (size_t i = 0; i < N_ROWS; i++)
        if (strcmp(rows[i].name, name) == 0)
            return rows[i].arg[0] != '=';
    return false;
}

int usage_command(const char *word)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, word) == 0)
            return (int)commands[i].c;
    return strcmp(word, "help") == 0 ? COMMAND_HELP : -1;
}

const char *usage_command_near(const char *word)
{
    static struct spelling_best b;
    spelling_begin(&b, word);
    for (size_t i = 0; i < N_COMMANDS; i++)
        spelling_consider(&b, commands[i].name);
    return b.best[0] ? b.best : NULL;
}

const char *usage_option_near(enum command c, const char *name)
{
    static struct spelling_best b;
    spelling_begin(&b, name);
    for (size_t i = 0; i < N_ROWS; i++)
        if ((rows[i].commands & (1u << c)) && strcmp(rows[i].name, "PARAM") != 0)
            spelling_consider(&b, rows[i].name);
    size_t n = strlen(name);
    for (size_t i = 0; !b.best[0] && n >= 3 && i < N_ROWS; i++)    /* --strat: cut short */
        if ((rows[i].commands & (1u << c)) && strncmp(rows[i].name, name, n) == 0)
            snprintf(b.best, sizeof b.best, "%s", rows[i].name);
    return b.best[0] ? b.best : NULL;
}

/* Prints text from column `at` (the cursor is there), wrapped before USAGE_WIDTH at spaces;
 * continuation lines start at column indent. */
static void wrapped(FILE *out, const char *text, int at, int indent)
{
    int col = at;
    const char *p = text;
    while (*p) {
        size_t word = strcspn(p, " ");
        if (col > indent && col + 1 + (int)word >= USAGE_WIDTH) {
            fprintf(out, "\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', out);
            col++;
        }
        fwrite(p, 1, word, out);
        col += (int)word;
        p += word;
        while (*p == ' ')
            p++;
    }
    fputc('\n', out);
}

static const struct command_text *text_of(enum command c)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (commands[i].c == c)
            return &commands[i];
    return &commands[0];
}

void usage_command_help(FILE *out, enum command c)
{
    const struct command_text *t = text_of(c);
    fprintf(out, "usage: racesim %s\n\n%s\noptions:\n", t->usage, t->about);
    for (size_t i = 0; i < N_ROWS; i++) {
        if (!(rows[i].commands & (1u << t->c)))
            continue;
        char head[64];
        char letter = strcmp(rows[i].name, "help") == 0 ? 'h' : strcmp(rows[i].name, "version") == 0 ? 'V' : 0;
        int n = letter
                    ? snprintf(head, sizeof head, "  -%c, --%s%s", letter, rows[i].name, rows[i].arg)
                    : snprintf(head, sizeof head, "  --%s%s", rows[i].name, rows[i].arg);
        fputs(head, out);
        if (n + 2 > NAME_COLUMN) {
            fprintf(out, "\n%*s", NAME_COLUMN, "");
            n = NAME_COLUMN;
        }
        fprintf(out, "%*s", NAME_COLUMN - n, "");
        wrapped(out, rows[i].help, NAME_COLUMN, NAME_COLUMN);
    }
    fprintf(out, "\n%s", t->exits);
}

void usage_overview(FILE *out)
{
    fputs("usage: racesim [run] --strategy=NAME|FILE.sql [options] [--PARAM=VALUE ...]\n"
          "       racesim COMMAND [options]\n"
          "       racesim help COMMAND     (or racesim COMMAND --help): its options\n"
          "\n"
          "Runs N concurrent buyers against a database with one strategy for the same\n"
          "contended job, then checks the scenario's invariants with SQL and reports what\n"
          "happened. With no --dsn it starts a private throwaway server and removes it.\n"
          "\n"
          "commands:\n"
          "  run        one strategy, N buyers; the invariants checked (the default)\n"
          "  compare    every strategy in turn on one server, same seed: one table\n"
          "  sweep      compare at several buyer counts (--users=1,8,64,500)\n"
          "  matrix     strategies by isolation levels: a forced race and a contended run\n"
          "  explore    every interleaving of 2-4 buyers: the shortest that breaks\n"
          "  isolation  the isolation-anomaly table (G0 ... G2) of a server, by level\n"
          "  check      a result against a baseline: the gate for CI\n"
          "  list       scenarios, their parameters and strategies\n"
          "\n"
          "  -h, --help     this text\n"
          "  -V, --version  the version\n"
          "\n"
          "exit: 0 invariants hold, 1 an invariant is violated, 2 bad usage or strategy\n"
          "      file, 3 database unreachable or not set up, 4 check: a regression, 5 a\n"
          "      --threshold failed, 128+N killed by signal N.\n"
          "\n"
          "Examples:\n"
          "  racesim --strategy=naive --users=50     # oversells: an invariant is violated\n"
          "  racesim compare --users=100             # every stock strategy, one table\n"
          "  racesim help run                        # run's options\n"
          "\n"
          "The manual: man racesim, and docs/ in the source.\n", out);
}
