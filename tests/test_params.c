/* test_params.c — unit tests for the scenario parser, parameter resolution and per-purchase draws. */
#include "params.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "config.h"
#include "fixture.h"
#include "rng.h"
#include "scenario.h"

#define ERRLEN 1024

/* The shape of the stock scenario, kept here so the tests do not depend on its wording. */
static const char *const stock_text =
    "-- stock: a test copy\n"                                                         /* 1 */
    "-- @param stock = 10 * users min 0 \"units of each product\"\n"                  /* 2 */
    "-- @param products = 1 min 1 \"number of products\"\n"                           /* 3 */
    "-- @param qty = 1..30 min 1 \"units one purchase asks for\"\n"                   /* 4 */
    "-- @param skew = uniform \"uniform or zipf:S\"\n"                                /* 5 */
    "-- @param product = 1..products by skew \"the product\"\n"                       /* 6 */
    "-- @units qty\n"                                                                 /* 7 */
    "-- @setup\n"                                                                     /* 8 */
    "CREATE TABLE products (id INT, stock INT);\n"                                    /* 9 */
    "INSERT INTO products VALUES (:products, :stock);\n"                              /* 10 */
    "-- @invariant oversell \"units sold beyond the stock\"\n"                        /* 11 */
    "SELECT 0;\n"                                                                     /* 12 */
    "-- @recorded\n"                                                                  /* 13 */
    "SELECT COUNT(*) FROM orders;\n";                                                 /* 14 */

enum { P_STOCK, P_PRODUCTS, P_QTY, P_SKEW, P_PRODUCT };

static int scenario_from(const char *text, struct scenario *sc, char *path, char *err)
{
    fixture_write(text, path);
    err[0] = '\0';
    return scenario_parse(path, "test", sc, err, ERRLEN);
}

/* Parses text, expects "path:line: ...want..." from scenario_parse. */
static void scenario_error(const char *what, const char *text, int line, const char *want)
{
    char path[PATH_MAX], err[ERRLEN];
    struct scenario sc;
    int rc = scenario_from(text, &sc, path, err);
    check(rc == -1 && error_at(err, path, line, want), "scenario %s: error at line %d mentioning '%s' -- got: %s",
          what, line, want, rc ? err : "(parsed)");
    check(sc.n_params == 0 && sc.setup == NULL && sc.path == NULL, "scenario %s: left empty after the error", what);
    scenario_free(&sc);
}

/* Parses text (which must parse), resolves with no override, expects "path:line: ...want...". */
static void default_error(const char *what, const char *text, int line, const char *want)
{
    char path[PATH_MAX], err[ERRLEN];
    struct scenario sc;
    if (!check(scenario_from(text, &sc, path, err) == 0, "default %s: the scenario parses %s", what, err))
        return;
    struct params p;
    err[0] = '\0';
    int rc = params_resolve(&sc, 10, 1, NULL, 0, &p, err, ERRLEN);
    check(rc == -1 && error_at(err, path, line, want), "default %s: error at line %d mentioning '%s' -- got: %s",
          what, line, want, rc ? err : "(resolved)");
    check(p.n == 0, "default %s: params left empty after the error", what);
    params_free(&p);
    scenario_free(&sc);
}

/* ---- scenario files -------------------------------------------------------------------- */

static void test_scenario_parse(void)
{
    char path[PATH_MAX], err[ERRLEN] = "";
    struct scenario sc;

    snprintf(path, sizeof path, "%s/stock/scenario.sql", RACESIM_SOURCE_STRATEGIES);
    int rc = scenario_parse(path, "stock", &sc, err, sizeof err);
    check(rc == 0, "the real stock/scenario.sql parses %s", err);
    if (rc == 0) {
        check(scenario_param(&sc, "stock") == P_STOCK && scenario_param(&sc, "products") == P_PRODUCTS
              && scenario_param(&sc, "qty") == P_QTY && scenario_param(&sc, "skew") == P_SKEW
              && scenario_param(&sc, "product") == P_PRODUCT && sc.n_params == 5,
              "stock scenario: stock, products, qty, skew, product");
        check(strcmp(sc.units, "qty") == 0 && sc.n_setup >= 1 && sc.n_invariants >= 1 && sc.has_recorded,
              "stock scenario: @units qty, setup, invariants, recorded");
        check(strcmp(sc.name, "stock") == 0 && sc.description && *sc.description, "stock scenario: name and description");
        check(sc.has_watch && strcmp(sc.watch_name, "stock") == 0 && strcmp(sc.watch_op, ">=") == 0
              && sc.watch_bound == 0 && strstr(sc.watch.text, "FROM products") != NULL,
              "stock scenario: @watch stock >= 0 and its query");
        scenario_free(&sc);
    }

    if (check(scenario_from(stock_text, &sc, path, err) == 0, "the test copy of stock parses %s", err)) {
        const struct param_decl *d = sc.params;
        check(d[P_STOCK].kind == PARAM_INT && strcmp(d[P_STOCK].lo, "10 * users") == 0 && d[P_STOCK].min == 0
              && d[P_STOCK].line == 2 && strcmp(d[P_STOCK].description, "units of each product") == 0,
              "@param stock = 10 * users min 0 \"...\"");
        check(d[P_PRODUCTS].kind == PARAM_INT && d[P_PRODUCTS].min == 1, "@param products = 1 min 1");
        check(d[P_QTY].kind == PARAM_RANGE && strcmp(d[P_QTY].lo, "1") == 0 && strcmp(d[P_QTY].hi, "30") == 0
              && d[P_QTY].by[0] == '\0' && d[P_QTY].min == 1, "@param qty = 1..30 min 1");
        check(d[P_SKEW].kind == PARAM_DIST && strcmp(d[P_SKEW].lo, "uniform") == 0, "@param skew = uniform");
        check(d[P_PRODUCT].kind == PARAM_RANGE && strcmp(d[P_PRODUCT].hi, "products") == 0
              && strcmp(d[P_PRODUCT].by, "skew") == 0 && d[P_PRODUCT].line == 6, "@param product = 1..products by skew");
        check(sc.n_setup == 2 && sc.setup[1].line == 10 && sc.n_invariants == 1
              && strcmp(sc.invariants[0].name, "oversell") == 0 && sc.has_recorded && sc.recorded.line == 14,
              "setup, invariant and recorded statements with their lines");
        check(strcmp(sc.description, "stock: a test copy") == 0, "description is the first comment");
        scenario_free(&sc);
    }

    scenario_error("unknown directive", "-- @param a = 1\n-- @frob\n-- @setup\nSELECT 1;\n", 2,
                   "unknown scenario directive '@frob'");
    scenario_error("@watch bad rule", "-- @setup\nSELECT 1;\n-- @watch v >= lots\nSELECT 0;\n", 3,
                   "@watch v >=: expected an integer");
    scenario_error("@watch no operator", "-- @setup\nSELECT 1;\n-- @watch v 0\nSELECT 0;\n", 3,
                   "expected OP INTEGER");
    scenario_error("@watch twice", "-- @setup\nSELECT 1;\n-- @watch v\nSELECT 0;\n-- @watch w\nSELECT 0;\n", 5,
                   "@watch given twice");
    scenario_error("@watch without its query", "-- @setup\nSELECT 1;\n-- @watch v\n", 3,
                   "has no query statement");
    scenario_error("@param without =", "-- @param a 1\n-- @setup\nSELECT 1;\n", 1, "expected '@param NAME = VALUE");
    scenario_error("@param bad name", "\n-- @param 1a = 1\n-- @setup\nSELECT 1;\n", 2, "'1a' is not a parameter name");
    scenario_error("@param twice", "-- @param a = 1\n-- @param a = 2\n-- @setup\nSELECT 1;\n", 2, "already defined");
    scenario_error("@param users", "-- @param users = 2\n-- @setup\nSELECT 1;\n", 1, "already defined");
    scenario_error("@param by a non-distribution", "-- @param a = 1\n-- @param b = 1..5 by a\n-- @setup\nSELECT 1;\n", 2,
                   "must name a distribution");
    scenario_error("@param min not an integer", "-- @param a = 1 min lots\n-- @setup\nSELECT 1;\n", 1,
                   "'min' takes an integer");
    scenario_error("@param description not at the end", "-- @param a = 1 \"d\" min 2\n-- @setup\nSELECT 1;\n", 1,
                   "a description is one");
    scenario_error("@param empty value", "-- @param a =\n-- @setup\nSELECT 1;\n", 1, "empty or too long");
    scenario_error("@units unknown", "-- @param a = 1\n-- @units b\n-- @setup\nSELECT 1;\n", 2,
                   "@units must name a parameter");
    scenario_error("statement before @setup", "-- @param a = 1\n\nSELECT 1;\n-- @setup\nSELECT 1;\n", 3,
                   "a statement before");
    scenario_error("@invariant bad name", "-- @setup\nSELECT 1;\n-- @invariant bad-name \"d\"\nSELECT 0;\n", 3,
                   "expected '@invariant NAME");
    scenario_error("@invariant without its query", "-- @setup\nSELECT 1;\n-- @invariant x \"d\"\n-- @recorded\nSELECT 0;\n",
                   4, "needs its query statement first");
    scenario_error("@recorded twice", "-- @setup\nSELECT 1;\n-- @recorded\nSELECT 1;\n-- @recorded\nSELECT 2;\n", 5,
                   "@recorded given twice");
    scenario_error("@invariant at the end", "-- @setup\nSELECT 1;\n-- @invariant x \"d\"\n", 3,
                   "the last directive has no query");
    scenario_error("no @setup", "-- @param a = 1\n-- @recorded\nSELECT 1;\n", 3, "no '-- @setup' statements");
    scenario_error("'?' in a statement", "-- @setup\nSELECT 1;\nSELECT ?;\n", 3, ":name");
    scenario_error(":name not a parameter", "-- @param a = 1\n-- @setup\nSELECT :a;\nSELECT :bogus;\nSELECT 2;\n", 4,
                   ":bogus is not a parameter");
    scenario_error("unterminated statement", "-- @setup\nSELECT 1;\nSELECT 2\n", 3, "not terminated");
}

/* ---- defaults ------------------------------------------------------------------------- */

/* A default naming a drawn value (or user, round) is computed per purchase from the draws. */
static void test_derived(void)
{
    char path[512], err[ERRLEN];
    struct scenario sc;
    struct params p;
    const char *text =
        "-- @param accounts = 10\n"
        "-- @param from = 1..accounts\n"
        "-- @param shift = 1..accounts - 1\n"
        "-- @param to = (from + shift - 1) % accounts + 1\n"
        "-- @param mine = user * 100 + round\n"
        "-- @param any = flag\n"
        "-- @setup\nSELECT 1;\n";
    if (!check(scenario_from(text, &sc, path, err) == 0, "derived scenario parses %s", err))
        return;
    if (check(params_resolve(&sc, 4, 2, NULL, 0, &p, err, ERRLEN) == 0, "derived resolves %s", err)) {
        check(p.v[3].kind == PARAM_DERIVED && p.v[4].kind == PARAM_DERIVED, "to and mine are per purchase");
        check(p.v[5].kind == PARAM_INT && p.v[5].lo == 0, "a flag is off by default");
        struct rng r;
        rng_seed(&r, 5, 1);
        int good = 1;
        for (int i = 0; i < 2000; i++) {
            int64_t out[8];
            params_draw(&p, &r, 3, 2, out, NULL);
            if (out[3] < 1 || out[3] > 10 || out[3] == out[1] || out[4] != 302)
                good = 0;
        }
        check(good, "to is another account than from, in range; mine = user * 100 + round");
        params_free(&p);
    }
    struct param_override on = {"any", NULL}, off = {"any", "no"}, bad = {"any", "maybe"}, need = {"accounts", NULL};
    check(params_resolve(&sc, 4, 2, &on, 1, &p, err, ERRLEN) == 0 && p.v[5].lo == 1, "--any alone turns the flag on");
    params_free(&p);
    check(params_resolve(&sc, 4, 2, &off, 1, &p, err, ERRLEN) == 0 && p.v[5].lo == 0, "--any=no turns it off");
    params_free(&p);
    check(params_resolve(&sc, 4, 2, &bad, 1, &p, err, ERRLEN) == -1 && strstr(err, "--any=maybe: is a flag"),
          "--any=maybe is refused (%s)", err);
    check(params_resolve(&sc, 4, 2, &need, 1, &p, err, ERRLEN) == -1 && strstr(err, "--accounts: needs a value"),
          "--accounts alone is refused (%s)", err);
    check(param_name_matches("any-seat", "any_seat") && !param_name_matches("any-seat", "any_seats")
              && param_name_matches("qty", "qty") && !param_name_matches("qt", "qty"),
          "--any-seat names any_seat");
    scenario_free(&sc);
}

/* A list parameter: each purchase draws 1..3 lines of (product, qty), products distinct. */
static void test_lists(void)
{
    char path[512], err[ERRLEN];
    struct scenario sc;
    struct params p;
    const char *text =
        "-- @param products = 4\n"
        "-- @param product = 1..products\n"
        "-- @param qty = 1..5\n"
        "-- @param cart = 1..3 lines of product, qty\n"
        "-- @units cart.qty\n"
        "-- @setup\nSELECT 1;\n";
    if (!check(scenario_from(text, &sc, path, err) == 0, "list scenario parses %s", err))
        return;
    check(sc.params[3].kind == PARAM_LIST && sc.params[3].n_fields == 2, "cart is a list of 2 fields");
    int field = -9;
    check(scenario_units(&sc, &field) == 3 && field == 1, "@units cart.qty: the list cart, its field 1 (qty)");
    if (check(params_resolve(&sc, 4, 1, NULL, 0, &p, err, ERRLEN) == 0, "list resolves %s", err)) {
        struct rng r;
        rng_seed(&r, 9, 1);
        int good = 1, seen[4] = {0};
        for (int i = 0; i < 3000; i++) {
            int64_t out[8];
            struct list_value lists[PARAMS_LISTS_MAX];
            params_draw(&p, &r, 1, 1, out, lists);
            const struct list_value *l = &lists[p.v[3].list];
            if (out[3] != l->n || l->n < 1 || l->n > 3 || l->n_fields != 2)
                good = 0;
            seen[l->n]++;
            for (int k = 0; k < l->n; k++) {
                if (l->item[k][0] < 1 || l->item[k][0] > 4 || l->item[k][1] < 1 || l->item[k][1] > 5)
                    good = 0;
                for (int j = 0; j < k; j++)
                    if (l->item[j][0] == l->item[k][0])
                        good = 0;
            }
        }
        check(good, "every cart has 1..3 lines, products 1..4 distinct, qty 1..5, count = lines");
        check(seen[1] > 800 && seen[2] > 800 && seen[3] > 800, "all cart sizes are drawn (%d %d %d)",
              seen[1], seen[2], seen[3]);
        params_free(&p);
    }
    struct param_override two = {"cart", "2"}, bad = {"cart", "0..20"};
    check(params_resolve(&sc, 4, 1, &two, 1, &p, err, ERRLEN) == 0 && p.v[3].lo == 2 && p.v[3].hi == 2,
          "--cart=2: carts of exactly 2 lines");
    params_free(&p);
    check(params_resolve(&sc, 4, 1, &bad, 1, &p, err, ERRLEN) == -1 && strstr(err, "at most"),
          "--cart=0..20 is refused (%s)", err);
    scenario_free(&sc);
    scenario_error("@units of a list's unknown field",
                   "-- @param qty = 1..5\n-- @param cart = 1..3 lines of qty\n-- @units cart.nope\n"
                   "-- @setup\nSELECT 1;\n", 3, "LIST.FIELD: a field of a list parameter");
    scenario_error("@units FIELD of a non-list", "-- @param qty = 1..5\n-- @units qty.qty\n-- @setup\nSELECT 1;\n", 2,
                   "@units must name a parameter");
    scenario_error("a list of an undeclared field",
                   "-- @param cart = 1..3 lines of product\n-- @setup\nSELECT 1;\n", 1,
                   "declared above as ranges");
}

static void test_defaults(void)
{
    char path[PATH_MAX], err[ERRLEN] = "";
    struct scenario sc;
    struct params p;
    if (!check(scenario_from(stock_text, &sc, path, err) == 0, "stock copy parses %s", err))
        return;
    int rc = params_resolve(&sc, 10, 1, NULL, 0, &p, err, ERRLEN);
    if (check(rc == 0, "stock defaults resolve with users = 10 %s", err)) {
        check(p.n == 5 && p.users == 10 && p.rounds == 1, "5 values, users and rounds kept");
        check(p.v[P_STOCK].kind == PARAM_INT && p.v[P_STOCK].lo == 100 && p.v[P_STOCK].hi == 100
              && strcmp(p.v[P_STOCK].text, "100") == 0, "stock = 10 * users = 100 (got %lld)", (long long)p.v[P_STOCK].lo);
        check(p.v[P_PRODUCTS].lo == 1, "products = 1");
        check(p.v[P_QTY].kind == PARAM_RANGE && p.v[P_QTY].lo == 1 && p.v[P_QTY].hi == 30
              && strcmp(p.v[P_QTY].text, "1..30") == 0 && p.v[P_QTY].cdf == NULL && p.v[P_QTY].by == -1,
              "qty = 1..30, uniform");
        check(p.v[P_SKEW].kind == PARAM_DIST && p.v[P_SKEW].zipf == 0 && strcmp(p.v[P_SKEW].text, "uniform") == 0,
              "skew = uniform");
        check(p.v[P_PRODUCT].lo == 1 && p.v[P_PRODUCT].hi == 1 && p.v[P_PRODUCT].by == P_SKEW && p.v[P_PRODUCT].cdf == NULL,
              "product = 1..products = 1..1 by a uniform skew");
        params_free(&p);
    }
    rc = params_resolve(&sc, 250, 1, NULL, 0, &p, err, ERRLEN);
    check(rc == 0 && p.v[P_STOCK].lo == 2500, "stock = 10 * users = 2500 with users = 250");
    params_free(&p);
    scenario_free(&sc);

    const char *expr =
        "-- @param a = (2 + 3) * 4 - 10 / 5\n"          /* 18 */
        "-- @param b = 2 + 3 * 4\n"                     /* 14 */
        "-- @param c = 100 / 7 / 2\n"                   /* 7: left to right */
        "-- @param d = 10 - 4 - 3\n"                    /* 3: left to right */
        "-- @param e = a * users - (users / 2) + rounds\n"   /* 18*10 - 5 + 3 = 178 */
        "-- @param f = -(3 - 10)\n"                     /* 7 */
        "-- @param g = ((1))\n"                         /* 1 */
        "-- @param h = 2*(3+4)-b\n"                     /* 0 */
        "-- @param neg = 0 - 5 min -10\n"               /* -5 */
        "-- @param r = a - 17..e / 2 min 1\n"           /* 1..89 */
        "-- @setup\n"
        "SELECT :a, :users, :rounds;\n";
    if (!check(scenario_from(expr, &sc, path, err) == 0, "expression scenario parses %s", err))
        return;
    rc = params_resolve(&sc, 10, 3, NULL, 0, &p, err, ERRLEN);
    if (check(rc == 0, "expressions resolve %s", err)) {
        static const long long want[] = {18, 14, 7, 3, 178, 7, 1, 0, -5};
        static const char *const names[] = {"(2 + 3) * 4 - 10 / 5", "2 + 3 * 4", "100 / 7 / 2", "10 - 4 - 3",
                                            "a * users - (users / 2) + rounds", "-(3 - 10)", "((1))",
                                            "2*(3+4)-b", "0 - 5 min -10"};
        for (int i = 0; i < 9; i++)
            check(p.v[i].lo == want[i] && p.v[i].hi == want[i], "%s = %lld (got %lld)", names[i], want[i],
                  (long long)p.v[i].lo);
        check(p.v[9].lo == 1 && p.v[9].hi == 89 && strcmp(p.v[9].text, "1..89") == 0,
              "range bounds are expressions: a - 17..e / 2 = 1..89 (got %s)", p.v[9].text);
        params_free(&p);
    }
    scenario_free(&sc);

    default_error("divides by zero", "-- @param a = 1\n-- @param x = 1 / (a - 1)\n-- @setup\nSELECT 1;\n", 2,
                  "divides by zero");
    default_error("unknown name", "-- @param x = nosuch * 2\n-- @setup\nSELECT 1;\n", 1,
                  "not a parameter declared above");
    default_error("forward reference", "-- @param x = y + 1\n-- @param y = 1\n-- @setup\nSELECT 1;\n", 1,
                  "not a parameter declared above");
    default_error("a range's end drawn per purchase", "-- @param q = 1..3\n-- @param x = 1..q\n-- @setup\nSELECT 1;\n",
                  2, "values for the whole run");
    default_error("a distribution is not a value", "-- @param s = uniform\n-- @param x = s + 1\n-- @setup\nSELECT 1;\n",
                  2, "not a parameter declared above");
    test_derived();
    test_lists();
    default_error("unbalanced (", "\n\n-- @param x = (1 + 2\n-- @setup\nSELECT 1;\n", 3, "unbalanced '('");
    default_error("dangling operator", "-- @param x = 1 +\n-- @setup\nSELECT 1;\n", 1, "not an integer expression");
    default_error("trailing junk", "-- @param x = 1 2\n-- @setup\nSELECT 1;\n", 1, "not an integer expression");
    default_error("overflow", "-- @param x = 9223372036854775807 * 2\n-- @setup\nSELECT 1;\n", 1, "overflows");
    default_error("below min", "-- @param x = 5 min 10\n-- @setup\nSELECT 1;\n", 1, "must be at least 10");
    default_error("empty range", "-- @param x = 5..1\n-- @setup\nSELECT 1;\n", 1, "is empty");
    default_error("bad distribution", "-- @param s = zipf:0\n-- @setup\nSELECT 1;\n", 1, "'uniform' or 'zipf:S'");
    /* extreme ranges: hi - lo overflows int64 (UBSan: signed overflow in build_cdf) */
    default_error("a zipf range over all of int64",
                  "-- @param s = zipf:1\n"
                  "-- @param x = -9223372036854775807 - 1..9223372036854775807 by s min -9223372036854775808\n"
                  "-- @setup\nSELECT 1;\n", 2, "at most 10000000 values");
    default_error("a zipf range wider than int64's half",
                  "-- @param s = zipf:1\n-- @param x = -9223372036854775807..1 by s min -9223372036854775808\n"
                  "-- @setup\nSELECT 1;\n", 2, "at most 10000000 values");
    default_error("negating the smallest int64", "-- @param x = -(-9223372036854775807 - 1)\n"
                  "-- @setup\nSELECT 1;\n", 1, "overflows");
}

/* ---- overrides ------------------------------------------------------------------------ */

static void bad_override(const struct scenario *sc, const char *name, const char *value, const char *want)
{
    struct param_override ov[] = {{"products", "2"}, {name, value}};
    struct params p;
    char err[ERRLEN] = "", prefix[256];
    snprintf(prefix, sizeof prefix, "--%s=%s: ", name, value);
    int rc = params_resolve(sc, 10, 1, ov, 2, &p, err, sizeof err);
    check(rc == -1 && strncmp(err, prefix, strlen(prefix)) == 0 && !strchr(err, '\n') && strstr(err, want),
          "--%s=%s: one line '%s...%s' -- got: %s", name, value, prefix, want, rc ? err : "(resolved)");
    check(p.n == 0 && p.sc == NULL, "--%s=%s: params left empty", name, value);
    params_free(&p);
}

static void test_overrides(void)
{
    char path[PATH_MAX], err[ERRLEN] = "";
    struct scenario sc;
    struct params p;
    if (!check(scenario_from(stock_text, &sc, path, err) == 0, "stock copy parses %s", err))
        return;

    struct param_override ov1[] = {{"stock", "5000"}, {"qty", "5"}, {"nosuch", "x"}};
    int rc = params_resolve(&sc, 10, 1, ov1, 3, &p, err, sizeof err);
    if (check(rc == 0, "--stock=5000 --qty=5 --nosuch=x resolve (unknown names are not checked here) %s", err)) {
        check(p.v[P_STOCK].lo == 5000 && strcmp(p.v[P_STOCK].text, "5000") == 0, "--stock=5000 replaces 10 * users");
        check(p.v[P_QTY].kind == PARAM_RANGE && p.v[P_QTY].lo == 5 && p.v[P_QTY].hi == 5
              && strcmp(p.v[P_QTY].text, "5") == 0, "--qty=5: a fixed quantity");
        struct rng r;
        rng_seed(&r, 1, 0);
        int64_t out[SCENARIO_PARAMS_MAX];
        int all5 = 1;
        for (int i = 0; i < 1000; i++) {
            params_draw(&p, &r, 1, 1, out, NULL);
            all5 &= out[P_QTY] == 5 && out[P_STOCK] == 5000;
        }
        check(all5, "--qty=5: every draw is 5");
        params_free(&p);
    }

    struct param_override ov2[] = {{"qty", "1..30"}, {"skew", "zipf:0.99"}, {"products", "10"}};
    rc = params_resolve(&sc, 10, 1, ov2, 3, &p, err, sizeof err);
    if (check(rc == 0, "--qty=1..30 --skew=zipf:0.99 --products=10 resolve %s", err)) {
        check(p.v[P_QTY].lo == 1 && p.v[P_QTY].hi == 30 && strcmp(p.v[P_QTY].text, "1..30") == 0, "--qty=1..30");
        check(p.v[P_SKEW].zipf == 0.99 && strcmp(p.v[P_SKEW].text, "zipf:0.99") == 0, "--skew=zipf:0.99");
        check(p.v[P_PRODUCT].lo == 1 && p.v[P_PRODUCT].hi == 10 && p.v[P_PRODUCT].cdf != NULL
              && strcmp(p.v[P_PRODUCT].text, "1..10 by zipf:0.99") == 0,
              "product = 1..10 drawn by zipf:0.99 (%s)", p.v[P_PRODUCT].text);
        check(fabs(p.v[P_PRODUCT].cdf[9] - 1.0) < 1e-12, "the zipf cdf ends at 1");
        params_free(&p);
    }

    struct param_override ov3[] = {{"qty", "3"}, {"qty", "7"}};
    rc = params_resolve(&sc, 10, 1, ov3, 2, &p, err, sizeof err);
    check(rc == 0 && p.v[P_QTY].lo == 7, "the last of two overrides wins");
    params_free(&p);

    bad_override(&sc, "qty", "30..1", "the range 30..1 is empty");
    bad_override(&sc, "stock", "-1", "must be at least 0");
    bad_override(&sc, "products", "0", "must be at least 1");
    bad_override(&sc, "qty", "abc", "must be an integer or a range A..B");
    bad_override(&sc, "skew", "zipf:0", "must be 'uniform' or 'zipf:S' with 0 < S <= 10");
    bad_override(&sc, "skew", "foo", "must be 'uniform' or 'zipf:S'");
    bad_override(&sc, "skew", "zipf:11", "0 < S <= 10");
    bad_override(&sc, "skew", "zipf:1x", "0 < S <= 10");
    bad_override(&sc, "qty", "0..5", "must be at least 1");
    bad_override(&sc, "qty", "1..", "must be an integer or a range");
    bad_override(&sc, "stock", "2*5", "must be an integer");
    bad_override(&sc, "stock", "", "must be an integer");
    bad_override(&sc, "stock", "99999999999999999999", "must be an integer");
    bad_override(&sc, "products", "1..3", "must be an integer");
    scenario_free(&sc);
}

/* ---- declared limits: max EXPR ----------------------------------------------------------- */

/* Resolves the shipped scenario NAME with --OPT=VALUE (and --products=products when given):
 * expects a refusal mentioning want, or success when want is NULL. */
static void shipped(const char *name, const char *opt, const char *value, const char *products,
                    const char *want)
{
    char path[PATH_MAX], err[ERRLEN] = "";
    struct scenario sc;
    struct params p;
    snprintf(path, sizeof path, "%s/%s/scenario.sql", RACESIM_SOURCE_STRATEGIES, name);
    if (!check(scenario_parse(path, name, &sc, err, sizeof err) == 0, "%s parses %s", path, err))
        return;
    struct param_override ov[] = {{opt, value}, {"products", products}};
    int rc = params_resolve(&sc, 10, 1, ov, products ? 2 : 1, &p, err, sizeof err);
    if (want)
        check(rc == -1 && strstr(err, want) && (!strstr(want, "at most") || strstr(err, "scenario.sql:")),
              "%s: --%s=%s%s%s is refused: '%s' -- got: %s", name, opt, value,
              products ? " --products=" : "", products ? products : "", want, rc ? err : "(resolved)");
    else
        check(rc == 0, "%s: --%s=%s%s%s is accepted %s", name, opt, value,
              products ? " --products=" : "", products ? products : "", err);
    if (rc == 0)
        params_free(&p);
    scenario_free(&sc);
}

static void test_max(void)
{
    char path[PATH_MAX], err[ERRLEN] = "";
    struct scenario sc;
    const char *text = "-- @param n = 4 max 5 min 1 \"max before min\"\n"
                       "-- @param m = 4 min 1 max n * 2 \"min before max\"\n"
                       "-- @setup\nSELECT 1;\n";
    if (check(scenario_from(text, &sc, path, err) == 0, "min and max in either order parse %s", err)) {
        check(sc.params[0].min == 1 && strcmp(sc.params[0].max, "5") == 0, "max 5 min 1 (got %lld, '%s')",
              sc.params[0].min, sc.params[0].max);
        check(sc.params[1].min == 1 && strcmp(sc.params[1].max, "n * 2") == 0, "min 1 max n * 2 (got '%s')",
              sc.params[1].max);
        struct params p;
        struct param_override ov[] = {{"m", "9"}};
        int rc = params_resolve(&sc, 10, 1, ov, 1, &p, err, sizeof err);
        check(rc == -1 && strstr(err, "--m=9: must be at most n * 2 = 8"), "max over a parameter: %s", err);
        struct param_override ok[] = {{"m", "8"}};
        rc = params_resolve(&sc, 10, 1, ok, 1, &p, err, sizeof err);
        check(rc == 0 && p.v[1].lo == 8, "a value at its max is accepted %s", rc ? err : "");
        if (rc == 0)
            params_free(&p);
        scenario_free(&sc);
    }
    default_error("a default above its max", "-- @param x = 10 max 5\n-- @setup\nSELECT 1;\n", 1,
                  "must be at most 5");
    default_error("a range above its max", "\n-- @param x = 1..10 max 5\n-- @setup\nSELECT 1;\n", 2,
                  "must be at most 5");
    default_error("a max naming nothing", "-- @param x = 1 max nosuch\n-- @setup\nSELECT 1;\n", 1,
                  "'max nosuch' names something that is not a parameter");
    default_error("a max drawn per purchase",
                  "-- @param q = 1..3\n-- @param x = 1 max q\n-- @setup\nSELECT 1;\n", 2,
                  "must be a value for the whole run");

    /* the shipped scenarios: INT columns are 32-bit, ids lie within their count */
    shipped("stock", "stock", "99999999999", NULL, "must be at most 2147483647");
    shipped("stock", "stock", "2147483647", NULL, NULL);
    shipped("stock", "qty", "1..2147483648", NULL, "must be at most 2147483647");
    shipped("stock", "product", "7", NULL, "must be at most products = 1");
    shipped("stock", "product", "7", "7", NULL);
    shipped("stock", "product", "2..8", "7", "must be at most products = 7");
    shipped("stock", "product", "0", "7", "must be at least 1");
    shipped("checkout", "product", "11", NULL, "must be at most products = 10");
    shipped("checkout", "stock", "2147483648", NULL, "must be at most 2147483647");
    shipped("seats", "seat", "6", NULL, "must be at most seats = 5");
    shipped("transfer", "from", "11", NULL, "must be at most accounts = 10");
    shipped("transfer", "shift", "10", NULL, "must be at most accounts - 1 = 9");
    shipped("coupon", "coupon", "2147483648", NULL, "must be at most 2147483647");
}

/* ---- draws ---------------------------------------------------------------------------- */

static int resolve(struct scenario *sc, struct params *p, const char *skew, const char *products)
{
    struct param_override ov[] = {{"skew", skew}, {"products", products}};
    char err[ERRLEN] = "";
    int rc = params_resolve(sc, 100, 1, ov, 2, p, err, sizeof err);
    check(rc == 0, "resolve --skew=%s --products=%s %s", skew, products, err);
    return rc == 0;
}

static void test_draws(void)
{
    char path[PATH_MAX], err[ERRLEN] = "";
    struct scenario sc;
    struct params p;
    if (!check(scenario_from(stock_text, &sc, path, err) == 0, "stock copy parses %s", err))
        return;
    int64_t out[SCENARIO_PARAMS_MAX], out2[SCENARIO_PARAMS_MAX];
    struct rng r, r2;

    /* Range, coverage and uniformity of qty (1..30) and product (1..10, uniform). */
    if (resolve(&sc, &p, "uniform", "10")) {
        enum { N = 300000 };
        long qty[31] = {0}, prod[11] = {0};
        int in_range = 1, fixed = 1;
        rng_seed(&r, 42, 0);
        for (int i = 0; i < N; i++) {
            params_draw(&p, &r, 1, 1, out, NULL);
            in_range &= out[P_QTY] >= 1 && out[P_QTY] <= 30 && out[P_PRODUCT] >= 1 && out[P_PRODUCT] <= 10;
            fixed &= out[P_STOCK] == 1000 && out[P_PRODUCTS] == 10 && out[P_SKEW] == 0;
            if (out[P_QTY] >= 1 && out[P_QTY] <= 30)
                qty[out[P_QTY]]++;
            if (out[P_PRODUCT] >= 1 && out[P_PRODUCT] <= 10)
                prod[out[P_PRODUCT]]++;
        }
        check(in_range, "%d draws: qty in 1..30, product in 1..10", N);
        check(fixed, "%d draws: stock = 1000, products = 10, skew = 0 every time", N);
        double chi_q = 0, chi_p = 0;
        long min_q = N;
        for (int v = 1; v <= 30; v++) {
            double e = N / 30.0;
            chi_q += (qty[v] - e) * (qty[v] - e) / e;
            if (qty[v] < min_q)
                min_q = qty[v];
        }
        for (int v = 1; v <= 10; v++) {
            double e = N / 10.0;
            chi_p += (prod[v] - e) * (prod[v] - e) / e;
        }
        /* 29 and 9 degrees of freedom: a bound far above the mean, far below a skewed draw. */
        check(min_q > 0, "every qty 1..30 is drawn");
        check(chi_q < 100, "qty is uniform: chi-square %.1f < 100 (29 dof)", chi_q);
        check(chi_p < 50, "product is uniform: chi-square %.1f < 50 (9 dof)", chi_p);
        check(qty[1] > N / 30 / 2 && qty[30] > N / 30 / 2, "both ends of 1..30 are drawn as often as the rest");

        /* Same seed and stream: the same sequence; other streams and seeds: different. */
        int same = 1, diff_stream = 0, diff_seed = 0;
        rng_seed(&r, 7, 3);
        rng_seed(&r2, 7, 3);
        for (int i = 0; i < 1000; i++) {
            params_draw(&p, &r, 1, 1, out, NULL);
            params_draw(&p, &r2, 1, 1, out2, NULL);
            same &= memcmp(out, out2, p.n * sizeof out[0]) == 0;
        }
        rng_seed(&r, 7, 3);
        rng_seed(&r2, 7, 4);
        for (int i = 0; i < 1000; i++) {
            params_draw(&p, &r, 1, 1, out, NULL);
            params_draw(&p, &r2, 1, 1, out2, NULL);
            diff_stream += out[P_QTY] != out2[P_QTY];
        }
        rng_seed(&r, 7, 3);
        rng_seed(&r2, 8, 3);
        for (int i = 0; i < 1000; i++) {
            params_draw(&p, &r, 1, 1, out, NULL);
            params_draw(&p, &r2, 1, 1, out2, NULL);
            diff_seed += out[P_QTY] != out2[P_QTY];
        }
        check(same, "same seed and stream: the same 1000 draws");
        check(diff_stream > 800, "seed 7, streams 3 and 4 differ (%d of 1000 qty draws)", diff_stream);
        check(diff_seed > 800, "seeds 7 and 8, stream 3 differ (%d of 1000 qty draws)", diff_seed);
        params_free(&p);
    }

    /* zipf:1.2 over 1..10: most mass on 1, decreasing, close to 1/k^1.2 normalised. */
    if (resolve(&sc, &p, "zipf:1.2", "10")) {
        enum { N = 200000 };
        long freq[11] = {0};
        int in_range = 1;
        rng_seed(&r, 99, 1);
        for (int i = 0; i < N; i++) {
            params_draw(&p, &r, 1, 1, out, NULL);
            in_range &= out[P_PRODUCT] >= 1 && out[P_PRODUCT] <= 10 && out[P_QTY] >= 1 && out[P_QTY] <= 30;
            if (out[P_PRODUCT] >= 1 && out[P_PRODUCT] <= 10)
                freq[out[P_PRODUCT]]++;
        }
        check(in_range, "zipf: %d draws in 1..10", N);
        double sum = 0;
        for (int k = 1; k <= 10; k++)
            sum += pow(k, -1.2);
        int decreasing = 1, close = 1;
        for (int k = 1; k <= 10; k++) {
            if (k < 10 && freq[k] <= freq[k + 1])
                decreasing = 0;
            if (fabs((double)freq[k] / N - pow(k, -1.2) / sum) > 0.01)
                close = 0;
        }
        long rest = 0;
        for (int k = 2; k <= 10; k++)
            if (freq[k] > rest)
                rest = freq[k];
        check(freq[1] > 2 * rest, "zipf:1.2: 1 is drawn more than twice as often as any other (%ld vs %ld)", freq[1], rest);
        check((double)freq[1] / N > 0.35, "zipf:1.2: 1 gets about 40%% of the draws (%.3f)", (double)freq[1] / N);
        check(decreasing, "zipf:1.2: frequencies decrease from 1 to 10");
        check(close, "zipf:1.2: each frequency within 0.01 of 1/k^1.2 normalised");
        params_free(&p);
    }

    /* A one-value zipf range and a larger one. */
    if (resolve(&sc, &p, "zipf:0.99", "1")) {
        rng_seed(&r, 5, 5);
        int ones = 1;
        for (int i = 0; i < 100; i++) {
            params_draw(&p, &r, 1, 1, out, NULL);
            ones &= out[P_PRODUCT] == 1;
        }
        check(ones, "zipf over 1..1: always 1");
        params_free(&p);
    }
    if (resolve(&sc, &p, "zipf:0.5", "1000")) {
        rng_seed(&r, 5, 6);
        int in_range = 1;
        int64_t hi = 0;
        for (int i = 0; i < 100000; i++) {
            params_draw(&p, &r, 1, 1, out, NULL);
            in_range &= out[P_PRODUCT] >= 1 && out[P_PRODUCT] <= 1000;
            if (out[P_PRODUCT] > hi)
                hi = out[P_PRODUCT];
        }
        check(in_range && hi > 900, "zipf:0.5 over 1..1000: in range, reaches the top (max %lld)", (long long)hi);
        params_free(&p);
    }
    scenario_free(&sc);
}

int main(void)
{
    fixture_init("params");
    test_scenario_parse();
    test_defaults();
    test_overrides();
    test_max();
    test_draws();
    fixture_cleanup();
    return check_summary();
}
