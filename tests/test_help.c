/* test_help.c — the help is true and fits: each command's help shows exactly the options the
 * parser takes for it, every line fits 80 columns, help COMMAND and COMMAND --help agree. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define ERRLEN 512
#define NAMES_MAX 128

static const enum command commands[] = {COMMAND_RUN, COMMAND_COMPARE, COMMAND_SWEEP,
                                        COMMAND_MATRIX, COMMAND_EXPLORE, COMMAND_CHECK,
                                        COMMAND_LIST, COMMAND_ISOLATION};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static struct options o;
static char err[ERRLEN];

/* The help cli_help prints for argv (racesim ARGS...), in a malloc'd string; NULL when argv is
 * not a request for help. */
static char *help_of(int argc, char **argv)
{
    if (cli_parse(argc, argv, &o, err, sizeof err) != 0 || o.command != COMMAND_HELP)
        return NULL;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cli_help(f, &o);
    fclose(f);
    return text;
}

static char *help_for(const char *command)
{
    char *argv[] = {(char *)"racesim", (char *)command, (char *)"--help", NULL};
    return help_of(3, argv);
}

/* The widest line of text. */
static size_t widest(const char *text)
{
    size_t w = 0;
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        if (n > w)
            w = n;
        p += n + (p[n] == '\n');
    }
    return w;
}

/* Adds the option names of text's option lines ("  --name=..." or "  -h, --help") to names. */
static void option_lines(const char *text, char names[][64], size_t *n)
{
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\n");
        if (strncmp(p, "  -", 3) == 0) {
            const char *dd = strstr(p, "--");
            if (dd && dd < p + len && dd[2] >= 'a' && dd[2] <= 'z') {
                size_t k = strspn(dd + 2, "abcdefghijklmnopqrstuvwxyz-");
                char name[64];
                snprintf(name, sizeof name, "%.*s", (int)k, dd + 2);
                bool seen = false;
                for (size_t i = 0; i < *n; i++)
                    seen |= strcmp(names[i], name) == 0;
                if (!seen && *n < NAMES_MAX)
                    strcpy(names[(*n)++], name);
            }
        }
        p += len + (p[len] == '\n');
    }
}

static bool has(char names[][64], size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return true;
    return false;
}

/* A value the option takes for command c (the parser checks values, too). */
static const char *sample(enum command c, const char *name)
{
    static const char *values[][2] = {
        {"scenario", "stock"}, {"strategy", "naive"}, {"strategies", "naive,atomic"},
        {"users", "2"}, {"rounds", "1"}, {"pool", "2"}, {"cluster", "3"}, {"spread", "1"}, {"fault", "kill-node:2@50%"}, {"think-time", "5"}, {"timeout", "30s"},
        {"isolation", "serializable"}, {"isolations", "all"}, {"contended", "10"}, {"seed", "7"},
        {"repeat", "2"}, {"schedule", "1,2"}, {"block-timeout", "100"}, {"max-schedules", "10"},
        {"trace", "t.json"}, {"html", "r.html"}, {"dsn", "mysql://u@h/db"}, {"engine", "mariadb"}, {"database", "db"},
        {"baseline", "b.json"}, {"max-regression", "10%"}, {"gate", "invariants"},
        {"threshold", "p99<200ms"}, {"chart", "c.svg"}, {"out", "o.json"}, {"rate", "50"},
        {"arrivals", "poisson"}, {"time", "10s"}, {"warmup", "1s"}, {"report-interval", "1"},
        {"ssl-mode", "REQUIRED"}, {"ssl-ca", "/etc/hostname"}, {"ssl-cert", "/etc/hostname"}, {"ssl-key", "/etc/hostname"},
        {"connect-timeout", "5"}, {"defaults-file", "/etc/hostname"}};
    if (strcmp(name, "format") == 0)
        return c == COMMAND_CHECK ? "junit" : "json";
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        if (strcmp(values[i][0], name) == 0)
            return values[i][1];
    return NULL;   /* a flag */
}

/* Whether the parser takes --name (with a good value) for command c. help and version are asked
 * for before anything else: every command takes them. */
static bool parser_takes(enum command c, const char *name)
{
    char opt[128];
    const char *v = sample(c, name);
    if (v)
        snprintf(opt, sizeof opt, "--%s=%s", name, v);
    else
        snprintf(opt, sizeof opt, "--%s", name);
    char *argv[10];
    int argc = 0;
    argv[argc++] = (char *)"racesim";
    argv[argc++] = (char *)cli_command_name(c);
    if (c == COMMAND_CHECK) {
        argv[argc++] = (char *)"r.json";
        if (strcmp(name, "baseline") != 0)
            argv[argc++] = (char *)"--baseline=b.json";
    }
    if ((c == COMMAND_RUN || c == COMMAND_EXPLORE) && strcmp(name, "strategy") != 0)
        argv[argc++] = (char *)"--strategy=naive";
    if (c == COMMAND_EXPLORE && strcmp(name, "users") != 0 && strcmp(name, "max-schedules") != 0)
        argv[argc++] = (char *)"--users=2";
    static const char *conn = " ssl-mode ssl-ca ssl-cert ssl-key connect-timeout defaults-file no-defaults ";
    char word[80];
    snprintf(word, sizeof word, " %s ", name);
    if (c != COMMAND_CHECK && c != COMMAND_LIST && strstr(conn, word))
        argv[argc++] = (char *)"--dsn=mysql://u@h/db";   /* connection options go with --dsn */
    if (c != COMMAND_CHECK && c != COMMAND_LIST && strcmp(name, "ssl-cert") == 0)
        argv[argc++] = (char *)"--ssl-key=/etc/hostname";   /* a certificate goes with its key */
    if (c != COMMAND_CHECK && c != COMMAND_LIST && strcmp(name, "ssl-key") == 0)
        argv[argc++] = (char *)"--ssl-cert=/etc/hostname";
    if (c != COMMAND_CHECK && c != COMMAND_LIST && strcmp(name, "arrivals") == 0)
        argv[argc++] = (char *)"--rate=50";              /* --arrivals shapes --rate's */
    argv[argc++] = opt;
    argv[argc] = NULL;
    err[0] = '\0';
    int rc = cli_parse(argc, argv, &o, err, sizeof err);
    if (rc != 0 && !strstr(err, "does not go with") && !strstr(err, "unknown option")
        && !strstr(err, "is for one run") && !strstr(err, "goes with compare")
        && !strstr(err, "matrix takes"))
        check(0, "%s --%s: refused for its value, not as an option (%s)", cli_command_name(c), name, err);
    return rc == 0;
}

static void test_help_is_true(void)
{
    char all[NAMES_MAX][64];
    size_t n_all = 0;
    char *helps[N_COMMANDS];
    for (size_t i = 0; i < N_COMMANDS; i++) {
        helps[i] = help_for(cli_command_name(commands[i]));
        check(helps[i] != NULL, "racesim %s --help is help", cli_command_name(commands[i]));
        if (helps[i])
            option_lines(helps[i], all, &n_all);
    }
    check(n_all >= 30, "the helps show %zu options", n_all);
    for (size_t i = 0; i < N_COMMANDS; i++) {
        char mine[NAMES_MAX][64];
        size_t n_mine = 0;
        if (!helps[i])
            continue;
        option_lines(helps[i], mine, &n_mine);
        const char *cname = cli_command_name(commands[i]);
        for (size_t k = 0; k < n_all; k++) {
            bool shown = has(mine, n_mine, all[k]), taken = parser_takes(commands[i], all[k]);
            check(shown == taken, "%s: --%s is %s and %s", cname, all[k],
                  shown ? "in its help" : "not in its help", taken ? "taken" : "refused");
        }
        free(helps[i]);
    }
}

static void test_widths_and_words(void)
{
    char *overview_argv[] = {(char *)"racesim", (char *)"--help", NULL};
    char *overview = help_of(2, overview_argv);
    check(overview && widest(overview) <= 80, "racesim --help fits 80 columns (%zu)",
          overview ? widest(overview) : 0);
    check(overview && strstr(overview, "commands:") && !strstr(overview, "--max-regression"),
          "racesim --help is the overview: the commands, not every option");
    char *word_argv[] = {(char *)"racesim", (char *)"help", NULL};
    char *word = help_of(2, word_argv);
    check(word && overview && strcmp(word, overview) == 0, "racesim help is the overview too");
    free(word);
    free(overview);
    for (size_t i = 0; i < N_COMMANDS; i++) {
        const char *cname = cli_command_name(commands[i]);
        char *flag = help_for(cname);
        char *argv[] = {(char *)"racesim", (char *)"help", (char *)cname, NULL};
        char *topic = help_of(3, argv);
        check(flag && widest(flag) <= 80, "racesim %s --help fits 80 columns (%zu)", cname,
              flag ? widest(flag) : 0);
        check(flag && topic && strcmp(flag, topic) == 0, "racesim help %s is racesim %s --help",
              cname, cname);
        char usage[64];
        snprintf(usage, sizeof usage, "usage: racesim %s%s", commands[i] == COMMAND_RUN ? "[" : "",
                 cname);
        check(flag && strncmp(flag, usage, strlen(usage)) == 0, "%s's help starts '%s'", cname, usage);
        free(flag);
        free(topic);
    }
    char *late[] = {(char *)"racesim", (char *)"compare", (char *)"--users=5", (char *)"-h", NULL};
    char *text = help_of(4, late);
    check(text && strstr(text, "usage: racesim compare"), "-h after other options: compare's help");
    free(text);
}

static void test_version_and_typos(void)
{
    char *v[] = {(char *)"racesim", (char *)"-V", NULL};
    check(cli_parse(2, v, &o, err, sizeof err) == 0 && o.command == COMMAND_VERSION, "-V: the version");
    char *v2[] = {(char *)"racesim", (char *)"compare", (char *)"--version", NULL};
    check(cli_parse(3, v2, &o, err, sizeof err) == 0 && o.command == COMMAND_VERSION,
          "compare --version: the version");
    char *t[] = {(char *)"racesim", (char *)"help", (char *)"comapre", NULL};
    check(cli_parse(3, t, &o, err, sizeof err) == 2 && strstr(err, "did you mean compare?"),
          "help comapre: did you mean compare? (%s)", err);
    char *u[] = {(char *)"racesim", (char *)"sweeep", NULL};
    check(cli_parse(2, u, &o, err, sizeof err) == 2 && strstr(err, "did you mean sweep?"),
          "sweeep: did you mean sweep? (%s)", err);
    char *b[] = {(char *)"racesim", (char *)"check", (char *)"r.json", (char *)"--basline=b.json", NULL};
    check(cli_parse(4, b, &o, err, sizeof err) == 2 && strstr(err, "did you mean --baseline?"),
          "check --basline: did you mean --baseline? (%s)", err);
    char *l[] = {(char *)"racesim", (char *)"list", (char *)"--scenari=stock", NULL};
    check(cli_parse(3, l, &o, err, sizeof err) == 2 && strstr(err, "did you mean --scenario?"),
          "list --scenari: did you mean --scenario? (%s)", err);
}

int main(void)
{
    unsetenv("RACESIM_DSN");
    test_help_is_true();
    test_widths_and_words();
    test_version_and_typos();
    return check_summary();
}
