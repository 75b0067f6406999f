/* test_commands.c — unit tests for compare, sweep, matrix and check on the command line, for the
 * table they print (width, blocks, Markdown) and for the few-word summaries. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli.h"
#include "summary.h"
#include "table.h"

#define ERRLEN 512
#define ARGS_MAX 16

static struct options o;
static char err[ERRLEN];

static int parse(const char *first, ...)
{
    char *argv[ARGS_MAX + 1];
    int argc = 0;
    argv[argc++] = (char *)"racesim";
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a && argc < ARGS_MAX; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    err[0] = '\0';
    return cli_parse(argc, argv, &o, err, sizeof err);
}

#define P(...) parse(__VA_ARGS__, (const char *)NULL)
#define BAD(want, ...)                                                                            \
    do {                                                                                          \
        int rc_ = P(__VA_ARGS__);                                                                 \
        check(rc_ == 2 && strstr(err, want) && !strchr(err, '\n'), "%s: 2 naming '%s' (%d: %s)", \
              #__VA_ARGS__, want, rc_, err);                                                      \
    } while (0)

static void test_compare_sweep(void)
{
    int rc = P("compare", "--strategies=atomic,naive", "--users=50", "--chart=out/c.svg", "--stock=5");
    check(rc == 0 && o.command == COMMAND_COMPARE, "compare parses (%s)", err);
    check(o.n_strategies == 2 && strcmp(o.strategies[0], "atomic") == 0 && strcmp(o.strategies[1], "naive") == 0,
          "--strategies=atomic,naive: two names");
    check(o.users == 50 && o.n_users == 1 && o.users_list[0] == 50, "--users=50");
    check(o.chart && strcmp(o.chart, "out/c.svg") == 0, "--chart kept");
    check(o.n_overrides == 1 && strcmp(o.overrides[0].name, "stock") == 0, "scenario parameters pass through");
    rc = P("compare", "--strategies=all");
    check(rc == 0 && o.n_strategies == 0 && o.users == 100, "--strategies=all: none listed (all), users 100");
    rc = P("compare", "--format=md");
    check(rc == 0 && o.format == FORMAT_MD, "compare --format=md");

    rc = P("sweep", "--users=500,1,8,8", "--repeat=3");
    check(rc == 0 && o.command == COMMAND_SWEEP && o.repeat == 3, "sweep --repeat=3 (%s)", err);
    check(o.n_users == 3 && o.users_list[0] == 1 && o.users_list[1] == 8 && o.users_list[2] == 500,
          "sweep --users=500,1,8,8: sorted, each once (1, 8, 500)");
    rc = P("sweep");
    check(rc == 0 && o.n_users == 4 && o.users_list[3] == 500 && o.repeat == 1, "sweep: 1,8,64,500 by default, once");
    rc = P("sweep", "--users=7");
    check(rc == 0 && o.n_users == 1 && o.users_list[0] == 7, "sweep --users=7: one point");

    struct options copy;
    rc = P("compare", "--qty=1", "--strategies=a,b");
    cli_copy(&copy, &o);
    memset(&o, 0, sizeof o);
    check(copy.overrides[0].name == copy.override_names[0] && strcmp(copy.overrides[0].name, "qty") == 0,
          "cli_copy: overrides name the copy's own storage");
    check(copy.strategies[1] == copy.strategies_text + 2 && strcmp(copy.strategies[1], "b") == 0,
          "cli_copy: strategies point into the copy");
}

static void test_matrix_check(void)
{
    int rc = P("matrix");
    check(rc == 0 && o.command == COMMAND_MATRIX && o.contended == 50 && o.n_isolations == 4, "matrix defaults");
    check(strcmp(o.isolations[0], "READ UNCOMMITTED") == 0 && strcmp(o.isolations[3], "SERIALIZABLE") == 0,
          "all four levels, weakest first");
    rc = P("matrix", "--isolations=serializable,read-committed,serializable", "--contended=0");
    check(rc == 0 && o.n_isolations == 2 && strcmp(o.isolations[0], "SERIALIZABLE") == 0 && o.contended == 0,
          "--isolations in the order given, each once; --contended=0");

    rc = P("check", "r.json", "--baseline=b.json", "--max-regression=25%");
    check(rc == 0 && o.command == COMMAND_CHECK && strcmp(o.result, "r.json") == 0
              && strcmp(o.baseline, "b.json") == 0 && o.max_regression > 0.2499 && o.max_regression < 0.2501,
          "check RESULT --baseline --max-regression=25%% (%s)", err);
    rc = P("check", "--baseline=b.json", "r.json", "--max-regression=7.5", "--format=junit");
    check(rc == 0 && o.max_regression > 0.0749 && o.max_regression < 0.0751 && o.format == FORMAT_JUNIT,
          "--max-regression=7.5 (percent), --format=junit, RESULT after the option");
    rc = P("check", "r.json", "--baseline=b.json");
    check(rc == 0 && o.max_regression > 0.0999 && o.max_regression < 0.1001, "--max-regression is 10%% by default");
}

static void test_refusals(void)
{
    BAD("--strategies", "compare", "--strategy=atomic");
    BAD("--strategy=NAME", "--strategies=atomic");
    BAD("--trace", "compare", "--trace");
    BAD("--users", "matrix", "--users=5");
    BAD("--isolations", "matrix", "--isolation=serializable");
    BAD("--lockstep", "matrix", "--lockstep");
    BAD("--baseline", "check", "r.json");
    BAD("'b.json'", "check", "r.json", "b.json", "--baseline=x");
    BAD("--users", "check", "r.json", "--baseline=b", "--users=5");
    BAD("--stock", "check", "r.json", "--baseline=b", "--stock=5");
    BAD("--users=1,,2", "sweep", "--users=1,,2");
    BAD("--users=1,0", "sweep", "--users=1,0");
    BAD("--users", "compare", "--users=1,8");
    BAD("--max-regression", "check", "r", "--baseline=b", "--max-regression=100");
    BAD("--max-regression", "check", "r", "--baseline=b", "--max-regression=-1");
    BAD("--max-regression", "check", "r", "--baseline=b", "--max-regression=ten");
    BAD("--chart=x.gif", "compare", "--chart=x.gif");
    BAD("--chart", "compare", "--chart=r.svg", "--out=r.svg");
    BAD("--chart", "matrix", "--chart=x.svg");
    BAD("--format=junit", "--strategy=naive", "--format=junit");
    BAD("--format=junit", "compare", "--format=junit");
    BAD("--format=json", "check", "r", "--baseline=b", "--format=json");
    BAD("--strategies", "compare", "--strategies=");
    BAD("--strategies", "compare", "--strategies=a,,b");
    BAD("--repeat", "sweep", "--repeat=0");
    BAD("--repeat", "matrix", "--repeat=2");
    BAD("--repeat", "--strategy=naive", "--repeat=2", "--trace");
    BAD("--repeat", "--strategy=naive", "--repeat=101");
    BAD("--contended", "matrix", "--contended=-1");
    BAD("--isolations", "matrix", "--isolations=chaos");
    BAD("unknown command 'frobnicate'", "frobnicate");
}

static char *printed(const struct table *t, int width, bool md)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (md)
        table_print_md(f, t);
    else
        table_print(f, t, width);
    fclose(f);
    return buf;
}

static int widest(const char *s)
{
    int w = 0;
    for (const char *line = s; *line;) {
        size_t n = strcspn(line, "\n");
        char tmp[512];
        snprintf(tmp, sizeof tmp, "%.*s", (int)n, line);
        if (table_text_width(tmp) > w)
            w = table_text_width(tmp);
        line += n + (line[n] == '\n');
    }
    return w;
}

static void test_table(void)
{
    struct table t;
    table_init(&t, 6);
    table_column(&t, 0, "strategy", TABLE_LEFT);
    for (size_t c = 1; c < 6; c++) {
        char h[32];
        snprintf(h, sizeof h, "%zu buyers", c * 1000);
        table_column(&t, c, h, TABLE_RIGHT);
    }
    for (int r = 0; r < 3; r++) {
        size_t row = table_row(&t);
        table_set(&t, row, 0, "strategy-%d", r);
        for (size_t c = 1; c < 6; c++)
            table_set(&t, row, c, "%d (%d–%d) ✗", 1000 * r, 900, 1100);
    }
    char *wide = printed(&t, 200, false);
    check(widest(wide) > 60 && strchr(wide, '\n') && !strstr(wide, "\n\n"), "wide enough: one block (%d columns)",
          widest(wide));
    char *narrow = printed(&t, 60, false);
    check(widest(narrow) <= 60, "narrow: every line fits 60 columns (%d)", widest(narrow));
    check(strstr(narrow, "\n\nstrategy") != NULL, "narrow: split into blocks, each headed by the first column");
    table_set(&t, 0, 0, "a|b");
    char *md = printed(&t, 0, true);
    check(strstr(md, "| a\\|b |") != NULL, "Markdown escapes | in a cell");
    check(strstr(md, "|---|---:|") != NULL, "Markdown: left and right alignment");
    free(wide);
    free(narrow);
    free(md);
    table_free(&t);
    check(table_text_width("✓✗×–ab") == 6, "one column per UTF-8 character");
}

static void test_summary(void)
{
    char b[32];
    check(strcmp(summary_ms(0.432, b, sizeof b), "0.43ms") == 0, "0.432 ms -> 0.43ms (%s)", b);
    check(strcmp(summary_ms(12.14, b, sizeof b), "12.1ms") == 0, "12.14 ms -> 12.1ms (%s)", b);
    check(strcmp(summary_ms(115.2, b, sizeof b), "115ms") == 0, "115.2 ms -> 115ms (%s)", b);
    check(strcmp(summary_ms(2287.6, b, sizeof b), "2.29s") == 0, "2287.6 ms -> 2.29s (%s)", b);
    check(strcmp(summary_ms(28237.7, b, sizeof b), "28.2s") == 0, "28237.7 ms -> 28.2s (%s)", b);
}

int main(void)
{
    unsetenv("RACESIM_DSN");
    test_compare_sweep();
    test_matrix_check();
    test_refusals();
    test_table();
    test_summary();
    return check_summary();
}
