/* test_script.c — unit tests for the strategy file parser (sqltext + script), no server. */
#include "script.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "config.h"
#include "fixture.h"

#define ERRLEN 1024

/* Writes text to a fixture and parses it; path and err (ERRLEN) are filled. */
static int parse(const char *text, struct script *s, char *path, char *err)
{
    fixture_write(text, path);
    err[0] = '\0';
    return script_parse(path, s, err, ERRLEN);
}

/* Parses text and expects success; prints the error otherwise. */
static int parse_ok(const char *what, const char *text, struct script *s)
{
    char path[PATH_MAX], err[ERRLEN];
    int rc = parse(text, s, path, err);
    check(rc == 0, "%s: parses%s%s", what, rc ? " -- got: " : "", rc ? err : "");
    return rc == 0;
}

/* Parses text and expects "path:line: ...want..." as the only error line. */
static void parse_error(const char *what, const char *text, int line, const char *want)
{
    char path[PATH_MAX], err[ERRLEN];
    struct script s;
    int rc = parse(text, &s, path, err);
    check(rc == -1 && error_at(err, path, line, want), "%s: error at line %d mentioning '%s' -- got: %s",
          what, line, want ? want : "", rc ? err : "(parsed)");
    check(s.n_steps == 0 && s.steps == NULL && s.path == NULL && s.description == NULL,
          "%s: the script is left empty after the error", what);
    script_free(&s);
}

/* Returns text with each newline shown as \\n, so a check stays on one line (4 rotating buffers). */
static const char *show(const char *text)
{
    static char bufs[4][512];
    static int next;
    char *b = bufs[next++ % 4];
    size_t n = 0;
    for (; text && *text && n + 3 < sizeof bufs[0]; text++) {
        if (*text == '\n') {
            b[n++] = '\\';
            b[n++] = 'n';
        } else if (*text != '\r') {
            b[n++] = *text;
        }
    }
    b[n] = '\0';
    return b;
}

static int var_index(const struct script *s, const char *name)
{
    return names_find(&s->vars, name);
}

static int vars_are(const struct statement *st, const int *want, size_t n)
{
    if (st->n_vars != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (st->vars[i] != want[i])
            return 0;
    return 1;
}

/* ---- the real strategies -------------------------------------------------------------- */

static void test_real_files(void)
{
    const char *dir = RACESIM_SOURCE_STRATEGIES "/stock";
    DIR *d = opendir(dir);
    check(d != NULL, "opens %s", dir);
    if (!d)
        return;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".sql") != 0 || strcmp(e->d_name, "scenario.sql") == 0)
            continue;
        char path[PATH_MAX + 256], err[ERRLEN] = "";
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct script s;
        int rc = script_parse(path, &s, err, sizeof err);
        check(rc == 0, "stock/%s parses%s%s", e->d_name, rc ? " -- got: " : "", err);
        if (rc == 0) {
            size_t sql = 0;
            for (size_t i = 0; i < s.n_steps; i++)
                sql += s.steps[i].kind == STEP_SQL;
            check(sql > 0, "stock/%s has SQL steps (%zu)", e->d_name, sql);
            check(s.description && *s.description && !strstr(s.description, "--"),
                  "stock/%s has a description without comment markers", e->d_name);
            check(s.vars.n > 0 && var_index(&s, "product") >= 0 && var_index(&s, "qty") >= 0,
                  "stock/%s uses :product and :qty", e->d_name);
            check(strcmp(s.path, path) == 0, "stock/%s keeps its path", e->d_name);
        }
        script_free(&s);
        n++;
    }
    closedir(d);
    check(n >= 6, "found the stock strategies (%d)", n);
}

/* @unsupported: an engine folder's file that says a strategy has no meaning there. */
static void test_unsupported(void)
{
    struct script s;
    if (parse_ok("@unsupported alone", "-- for-update: no row locks here.\n"
                 "-- @unsupported no row locks: use immediate\n", &s))
        check(strcmp(s.unsupported, "no row locks: use immediate") == 0 && s.n_steps == 0,
              "@unsupported keeps its reason (got '%s', %zu steps)", s.unsupported, s.n_steps);
    script_free(&s);
    if (parse_ok("a plain file", "SELECT 1;\n", &s))
        check(s.unsupported[0] == '\0', "a file without @unsupported has no reason");
    script_free(&s);
    parse_error("@unsupported without a reason", "-- @unsupported\n", 1, "needs the reason");
    parse_error("no SQL and no @unsupported", "-- just a comment\n", 1, "no SQL statement");

    /* every SQLite file parses; those with no meaning there say why */
    const char *files[] = {"stock/sqlite/for-update.sql", "seats/sqlite/skip-locked.sql",
                           "transfer/sqlite/for-update-ordered.sql", "coupon/sqlite/for-update.sql"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[PATH_MAX], err[ERRLEN] = "";
        snprintf(path, sizeof path, "%s/%s", RACESIM_SOURCE_STRATEGIES, files[i]);
        int rc = script_parse(path, &s, err, sizeof err);
        check(rc == 0 && s.unsupported[0], "%s parses and is unsupported%s%s", files[i],
              rc ? " -- got: " : "", err);
        script_free(&s);
    }
}

static void test_real_details(void)
{
    char path[PATH_MAX], err[ERRLEN] = "";
    struct script s;

    snprintf(path, sizeof path, "%s/stock/atomic.sql", RACESIM_SOURCE_STRATEGIES);
    if (check(script_parse(path, &s, err, sizeof err) == 0, "atomic.sql parses %s", err)) {
        int ok = s.n_steps == 6 && s.steps[0].kind == STEP_SQL && s.steps[0].stmt.kind == SQL_BEGIN
                 && s.steps[1].kind == STEP_SQL && s.steps[2].kind == STEP_REQUIRE
                 && s.steps[3].kind == STEP_WINDOW && s.steps[4].kind == STEP_SQL
                 && s.steps[5].stmt.kind == SQL_COMMIT;
        check(ok, "atomic.sql: BEGIN, UPDATE, @require, @window, INSERT, COMMIT");
        if (ok) {
            int qty = var_index(&s, "qty"), product = var_index(&s, "product"), user = var_index(&s, "user");
            check(qty == 0 && product == 1 && user == 2, "atomic.sql: vars in first-use order qty, product, user");
            check(strcmp(s.steps[1].stmt.sql,
                         "UPDATE products SET stock = stock - ? WHERE id = ? AND stock >= ?") == 0,
                  "atomic.sql: UPDATE compiled to ? (%s)", s.steps[1].stmt.sql);
            check(vars_are(&s.steps[1].stmt, (int[]){qty, product, qty}, 3), "atomic.sql: UPDATE binds qty, product, qty");
            check(vars_are(&s.steps[4].stmt, (int[]){user, product, qty}, 3), "atomic.sql: INSERT binds user, product, qty");
            const struct step *r = &s.steps[2];
            check(r->a.kind == OPERAND_AFFECTED && r->op == CMP_EQ && r->b.kind == OPERAND_INT && r->b.value == 1
                  && r->outcome == OUTCOME_BUILTIN_COUNT && strcmp(s.outcomes[r->outcome], "out_of_stock") == 0,
                  "atomic.sql: @require affected = 1 else out_of_stock");
            check(s.steps[2].line == s.steps[1].line + 1 && s.steps[3].line == s.steps[2].line + 1,
                  "atomic.sql: directive lines follow the UPDATE's");
        }
        script_free(&s);
    }

    snprintf(path, sizeof path, "%s/stock/for-update.sql", RACESIM_SOURCE_STRATEGIES);
    if (check(script_parse(path, &s, err, sizeof err) == 0, "for-update.sql parses %s", err)) {
        check(s.retry.outcomes == ((1u << OUTCOME_DEADLOCK) | (1u << OUTCOME_LOCK_TIMEOUT)) && s.retry.max == 5
              && s.retry.backoff_min_us == 1000 && s.retry.backoff_max_us == 50000,
              "for-update.sql: retry deadlock, lock_timeout up to 5 times, 1ms..50ms");
        check(s.isolation[0] == '\0', "for-update.sql: no isolation of its own");
        script_free(&s);
    }

    snprintf(path, sizeof path, "%s/stock/serializable.sql", RACESIM_SOURCE_STRATEGIES);
    if (check(script_parse(path, &s, err, sizeof err) == 0, "serializable.sql parses %s", err)) {
        check(strcmp(s.isolation, "SERIALIZABLE") == 0, "serializable.sql: @isolation SERIALIZABLE (%s)", s.isolation);
        script_free(&s);
    }

    snprintf(path, sizeof path, "%s/stock/optimistic.sql", RACESIM_SOURCE_STRATEGIES);
    if (check(script_parse(path, &s, err, sizeof err) == 0, "optimistic.sql parses %s", err)) {
        int conflict = script_outcome(&s, "conflict");
        check(conflict >= OUTCOME_BUILTIN_COUNT && s.retry.outcomes == (1u << conflict) && s.retry.max == 20,
              "optimistic.sql: retries its business outcome 'conflict' up to 20 times");
        script_free(&s);
    }
}

/* ---- splitting ------------------------------------------------------------------------ */

static void test_split(void)
{
    struct script s;
    const char *text =
        "-- first line of the description\n"                    /* 1 */
        "--   second line  \n"                                  /* 2 */
        "--\n"                                                  /* 3 */
        "-- third line\n"                                       /* 4 */
        "SELECT 'a;b' AS x;   -- trailing; comment\n"           /* 5 */
        "SELECT \"c;d\", 2 # hash; comment\n"                   /* 6 */
        "  FROM t;\n"                                           /* 7 */
        "\n"                                                    /* 8 */
        "   SELECT\n"                                           /* 9 */
        "  1,\n"                                                /* 10 */
        "-- a comment inside the statement; with a semicolon\n" /* 11 */
        "  2\n"                                                 /* 12 */
        ";\n"                                                   /* 13 */
        "-- a later comment, not the description\n"             /* 14 */
        "SELECT 3; SELECT\n"                                    /* 15 */
        "4;\n"                                                  /* 16 */
        "SELECT 'it\\'s; fine', 'a''b;c', `d;e` FROM t;\n"      /* 17 */
        "SELECT 'x\n"                                           /* 18 */
        "-- @window ; not a directive\n"                        /* 19 */
        "y';\n"                                                 /* 20 */
        "# a hash comment line; ignored\n"                      /* 21 */
        "SELECT 5;;\n";                                         /* 22 */
    if (!parse_ok("split fixture", text, &s))
        return;
    check(strcmp(s.description, "first line of the description\nsecond line\nthird line") == 0,
          "description is the opening comment lines joined by '\\n' (got \"%s\")", show(s.description));
    check(s.n_steps == 8, "8 statements (got %zu)", s.n_steps);
    if (s.n_steps != 8)
        goto out;
    static const int lines[] = {5, 6, 9, 15, 15, 17, 18, 22};
    for (size_t i = 0; i < 8; i++)
        check(s.steps[i].kind == STEP_SQL && s.steps[i].line == lines[i] && s.steps[i].stmt.line == lines[i],
              "statement %zu is on line %d (got %d)", i + 1, lines[i], s.steps[i].line);
    check(strcmp(s.steps[0].stmt.text, "SELECT 'a;b' AS x") == 0, "';' inside '...' does not split (%s)",
          show(s.steps[0].stmt.text));
    check(strstr(s.steps[1].stmt.text, "\"c;d\"") && strstr(s.steps[1].stmt.text, "FROM t")
          && !strstr(s.steps[1].stmt.text, "hash") && !strchr(s.steps[1].stmt.text, '#'),
          "';' inside \"...\" does not split, '#' comment dropped (%s)", show(s.steps[1].stmt.text));
    check(strcmp(s.steps[2].stmt.text, "SELECT\n  1,\n  2") == 0,
          "multi-line statement keeps its lines, drops the '--' line (%s)", show(s.steps[2].stmt.text));
    check(strcmp(s.steps[3].stmt.text, "SELECT 3") == 0 && strcmp(s.steps[4].stmt.text, "SELECT\n4") == 0,
          "two statements on one line split at ';'");
    check(strcmp(s.steps[5].stmt.text, "SELECT 'it\\'s; fine', 'a''b;c', `d;e` FROM t") == 0,
          "escaped quote, doubled quote and backticks hold ';' (%s)", show(s.steps[5].stmt.text));
    check(strcmp(s.steps[6].stmt.text, "SELECT 'x\n-- @window ; not a directive\ny'") == 0,
          "a string across lines keeps '-- @' as text (%s)", show(s.steps[6].stmt.text));
    check(strcmp(s.steps[7].stmt.text, "SELECT 5") == 0, "an empty statement ';;' is skipped");
out:
    script_free(&s);

    if (parse_ok("no opening comment", "SELECT 1;\n-- a comment after SQL\n", &s)) {
        check(s.description && strcmp(s.description, "") == 0, "no opening comment: description is \"\"");
        script_free(&s);
    }
    if (parse_ok("CRLF line ends", "-- crlf\r\nSELECT 1;\r\n\r\nSELECT\r\n 2;\r\n", &s)) {
        check(strcmp(s.description, "crlf") == 0 && s.n_steps == 2 && s.steps[1].line == 4
              && strcmp(s.steps[1].stmt.text, "SELECT\n 2") == 0,
              "CRLF: '\\r' dropped, lines counted");
        script_free(&s);
    }
}

/* ---- compound statements: -- @delimiter, $$ bodies, a strategy's own -- @setup ---------- */

/* Splits text with sqltext_read; expects n statements, each the matching want[] text. */
static void split_is(const char *what, const char *text, size_t n, const char *const *want)
{
    char path[PATH_MAX], err[ERRLEN] = "";
    struct sql_file f;
    fixture_write(text, path);
    if (sqltext_read(path, &f, err, sizeof err)) {
        check(0, "%s: splits -- got: %s", what, err);
        return;
    }
    size_t got = 0;
    for (size_t i = 0; i < f.n_items; i++) {
        if (f.items[i].kind != ITEM_STATEMENT)
            continue;
        check(got < n && strcmp(f.items[i].text, want[got]) == 0, "%s: statement %zu is '%s' (got '%s')",
              what, got + 1, got < n ? show(want[got]) : "(none)", show(f.items[i].text));
        got++;
    }
    check(got == n, "%s: %zu statements (got %zu)", what, n, got);
    sqltext_free(&f);
}

static void split_error(const char *what, const char *text, int line, const char *want)
{
    char path[PATH_MAX], err[ERRLEN] = "";
    struct sql_file f;
    fixture_write(text, path);
    int rc = sqltext_read(path, &f, err, sizeof err);
    check(rc == -1 && error_at(err, path, line, want), "%s: error at line %d mentioning '%s' -- got: %s",
          what, line, want, rc ? err : "(split)");
    if (rc == 0)
        sqltext_free(&f);
}

static void test_compound(void)
{
    static const char *const procedure[] = {
        "CREATE PROCEDURE p(IN q INT)\nBEGIN\n  UPDATE t SET a = 'x;y' WHERE b = q;   \n"
        "  IF ROW_COUNT() = 0 THEN\n    SIGNAL SQLSTATE '45000';\n  END IF;\nEND",
        "SELECT 1", "SELECT 2"};
    split_is("-- @delimiter //: BEGIN...END with inner ';', a string with ';', a comment dropped",
             "-- @delimiter //\n"
             "CREATE PROCEDURE p(IN q INT)\n"
             "BEGIN\n"
             "  UPDATE t SET a = 'x;y' WHERE b = q;   -- a comment; with ';'\n"
             "  IF ROW_COUNT() = 0 THEN\n"
             "-- a whole comment line // with the delimiter\n"
             "    SIGNAL SQLSTATE '45000';\n"
             "  END IF;\n"
             "END //\n"
             "-- @delimiter ;\n"
             "SELECT 1; SELECT 2;\n",
             3, procedure);
    static const char *const two[] = {"SELECT 1; SELECT 2", "SELECT 3"};
    split_is("-- @delimiter ;; (two characters): a single ';' no longer ends",
             "-- @delimiter ;;\nSELECT 1; SELECT 2;;\nSELECT 3;;\n", 2, two);
    static const char *const dollar[] = {
        "CREATE FUNCTION f(a BIGINT) RETURNS INT LANGUAGE plpgsql AS $$\nBEGIN\n"
        "  UPDATE t SET s = s - a; -- stays: inside the body\n  RETURN 1;\nEND;\n$$",
        "DO $body$ BEGIN PERFORM 'it''s $$; fine'; END $body$", "SELECT a$b, '$$' FROM t"};
    split_is("$$ and $tag$ bodies hold ';', comments and other tags; a$b is a name",
             "CREATE FUNCTION f(a BIGINT) RETURNS INT LANGUAGE plpgsql AS $$\n"
             "BEGIN\n"
             "  UPDATE t SET s = s - a; -- stays: inside the body\n"
             "  RETURN 1;\n"
             "END;\n"
             "$$;\n"
             "DO $body$ BEGIN PERFORM 'it''s $$; fine'; END $body$;\n"
             "SELECT a$b, '$$' FROM t;\n",
             3, dollar);
    split_error("an unclosed $$ body", "SELECT 1;\nCREATE FUNCTION f() AS $$\nBEGIN; END;\n", 2,
                "unterminated string ($$)");
    split_error("a statement left open by -- @delimiter //", "-- @delimiter //\nSELECT 1;\n", 2,
                "not terminated by '//'");
    split_error("-- @delimiter with nothing", "-- @delimiter\nSELECT 1;\n", 1, "@delimiter X");
    split_error("-- @delimiter $$ (a PostgreSQL body quote)", "-- @delimiter $$\nSELECT 1;\n", 1,
                "@delimiter X");
    split_error("-- @delimiter with a quote", "-- @delimiter '\nSELECT 1;\n", 1, "@delimiter X");

    /* :names inside a $$ body are the function's own text, not racesim parameters */
    struct statement st;
    struct names vars = {0};
    char msg[256];
    int rc = statement_compile("SELECT f(:qty, $$ :notme ? $$)", 1, &vars, &st, msg, sizeof msg);
    check(rc == 0 && st.n_vars == 1 && strcmp(st.sql, "SELECT f(?, $$ :notme ? $$)") == 0,
          "a $$ body keeps its ':name' and '?' (got %s)", st.sql ? st.sql : msg);
    statement_free(&st);
    names_free(&vars);

    /* a strategy's -- @setup section: not part of the purchase; nothing but statements after it */
    struct script s;
    if (parse_ok("a strategy with a -- @setup section",
                 "-- buys\nCALL buy(:qty);\n-- @on 1644 sold_out\n\n-- @setup\n-- @delimiter //\n"
                 "CREATE PROCEDURE buy(IN q INT) BEGIN SELECT q; SELECT q; END //\n", &s)) {
        check(s.n_steps == 1 && strcmp(s.steps[0].stmt.text, "CALL buy(:qty)") == 0,
              "the purchase is the CALL alone (%zu steps)", s.n_steps);
        script_free(&s);
    }
    parse_error("a directive after -- @setup", "SELECT 1;\n-- @setup\nCREATE TABLE x (a INT);\n-- @window\n",
                4, "a strategy's setup comes last");
    parse_error("two -- @setup", "SELECT 1;\n-- @setup\n-- @setup\n", 3, "a second '-- @setup'");
}

/* ---- :name parameters ----------------------------------------------------------------- */

static void test_params(void)
{
    struct script s;
    const char *text =
        "SELECT :a, :b, :a, ':c', \":d\", `:e`, 'x\\':f' FROM t WHERE y = :c AND z = :a_1;\n"
        "UPDATE t SET v = :c WHERE k = :zz AND j = :b;\n"
        "SET @x := 5;\n"
        "SELECT '?', \"?\" FROM t WHERE a = :a;\n";
    if (!parse_ok(":name fixture", text, &s))
        return;
    if (check(s.n_steps == 4, "4 statements")) {
        const struct statement *st = &s.steps[0].stmt;
        check(strcmp(st->sql, "SELECT ?, ?, ?, ':c', \":d\", `:e`, 'x\\':f' FROM t WHERE y = ? AND z = ?") == 0,
              ":name replaced by ?, quoted names untouched (%s)", st->sql);
        check(s.vars.n == 5 && strcmp(s.vars.v[0], "a") == 0 && strcmp(s.vars.v[1], "b") == 0
              && strcmp(s.vars.v[2], "c") == 0 && strcmp(s.vars.v[3], "a_1") == 0 && strcmp(s.vars.v[4], "zz") == 0,
              "vars table: a, b, c, a_1, zz in first-use order (no d, e, f)");
        check(vars_are(st, (int[]){0, 1, 0, 2, 3}, 5), "first statement binds a, b, a, c, a_1");
        check(strcmp(st->text, "SELECT :a, :b, :a, ':c', \":d\", `:e`, 'x\\':f' FROM t WHERE y = :c AND z = :a_1") == 0,
              "text keeps the statement as written");
        check(vars_are(&s.steps[1].stmt, (int[]){2, 4, 1}, 3) && strcmp(s.steps[1].stmt.sql,
              "UPDATE t SET v = ? WHERE k = ? AND j = ?") == 0, "second statement shares the table: c, zz, b");
        check(s.steps[2].stmt.n_vars == 0 && strcmp(s.steps[2].stmt.sql, "SET @x := 5") == 0,
              "':=' is not a parameter");
        check(vars_are(&s.steps[3].stmt, (int[]){0}, 1) && strcmp(s.steps[3].stmt.sql,
              "SELECT '?', \"?\" FROM t WHERE a = ?") == 0, "'?' inside quotes is allowed");
        char bound[256];
        statement_bound_text(st, (int64_t[]){1, -2, 1, 30, 7}, (bool[]){false, false, false, true, false},
                             5, bound, sizeof bound);
        check(strcmp(bound, "SELECT 1, -2, 1, ':c', \":d\", `:e`, 'x\\':f' FROM t WHERE y = NULL AND z = 7") == 0,
              "bound text: each :name replaced by its value (NULL where null), quoted names untouched (%s)", bound);
        statement_bound_text(st, (int64_t[]){1}, NULL, 1, bound, sizeof bound);
        check(strcmp(bound, st->text) == 0, "bound text: too few values (an expanded list): the text as written");
        statement_bound_text(st, (int64_t[]){1, 2, 3, 4, 5}, NULL, 5, bound, 12);
        check(strcmp(bound, "SELECT 1, 2") == 0, "bound text: truncated to its buffer (%s)", bound);
    }
    script_free(&s);

    parse_error("'?' in the SQL", "SELECT 1;\n\nSELECT a\n  FROM t WHERE b = ?;\n", 3, "?");
    parse_error("'?' in the SQL names :name", "SELECT ? ;\n", 1, ":name");
}

/* ---- statement kinds ------------------------------------------------------------------ */

static void test_kinds(void)
{
    struct script s;
    const char *text =
        "START TRANSACTION;\n"
        "SELECT 1;\n"
        "COMMIT;\n"
        "begin;\n"
        "update t set a = 1;\n"
        "rollback;\n"
        "Start Transaction Read Write;\n"
        "with x as (select 1) select * from x;\n"
        "Commit Work;\n"
        "SELECTED_THING();\n"
        "INSERT INTO t VALUES (1);\n";
    static const enum sql_kind want[] = {SQL_BEGIN, SQL_SELECT, SQL_COMMIT, SQL_BEGIN, SQL_OTHER,
                                         SQL_ROLLBACK, SQL_BEGIN, SQL_SELECT, SQL_COMMIT, SQL_OTHER, SQL_OTHER};
    static const char *const names[] = {"START TRANSACTION", "SELECT", "COMMIT", "begin", "update",
                                        "rollback", "Start Transaction Read Write", "with ... select",
                                        "Commit Work", "SELECTED_THING()", "INSERT"};
    if (!parse_ok("kinds fixture", text, &s))
        return;
    if (check(s.n_steps == 11, "11 statements")) {
        for (size_t i = 0; i < 11; i++)
            check(s.steps[i].stmt.kind == want[i], "kind of '%s' is %d (got %d)", names[i], (int)want[i],
                  (int)s.steps[i].stmt.kind);
    }
    script_free(&s);
}

/* ---- directives ----------------------------------------------------------------------- */

static void test_require(void)
{
    static const char *const ops[] = {">=", ">", "<=", "<", "=", "!="};
    static const enum compare_op want[] = {CMP_GE, CMP_GT, CMP_LE, CMP_LT, CMP_EQ, CMP_NE};
    for (int i = 0; i < 6; i++) {
        char text[256];
        snprintf(text, sizeof text, "SELECT a FROM t;\n-- @require a %s 3 else too_low\n", ops[i]);
        struct script s;
        if (!parse_ok(ops[i], text, &s))
            continue;
        const struct step *r = s.n_steps == 2 ? &s.steps[1] : NULL;
        check(r && r->kind == STEP_REQUIRE && r->line == 2 && r->op == want[i] && r->a.kind == OPERAND_VAR
              && r->a.var == var_index(&s, "a") && r->b.kind == OPERAND_INT && r->b.value == 3
              && r->outcome == OUTCOME_BUILTIN_COUNT && strcmp(s.outcomes[r->outcome], "too_low") == 0,
              "@require a %s 3 else too_low: op %d, a var, b 3", ops[i], (int)want[i]);
        script_free(&s);
    }

    struct script s;
    const char *text =
        "SELECT stock FROM t WHERE id = :product;\n"     /* 1 */
        "-- @require found else not_found\n"             /* 2 */
        "-- @require stock >= :qty else out_of_stock\n"  /* 3 */
        "-- @require :stock != -5 else weird\n"          /* 4 */
        "UPDATE t SET stock = 0;\n"                      /* 5 */
        "-- @require affected < 10 else too_many\n"      /* 6 */
        "-- @require 0 <= found else never\n"            /* 7 */
        "-- @require affected else nothing\n";           /* 8 */
    if (!parse_ok("@require operands", text, &s))
        return;
    if (check(s.n_steps == 8, "@require operands: 8 steps (got %zu)", s.n_steps)) {
        const struct step *st = s.steps;
        int stock = var_index(&s, "stock"), qty = var_index(&s, "qty");
        check(st[1].a.kind == OPERAND_FOUND && st[1].op == CMP_NE && st[1].b.kind == OPERAND_INT && st[1].b.value == 0
              && st[1].outcome == script_outcome(&s, "not_found"), "@require found else X: found != 0");
        check(st[2].a.kind == OPERAND_VAR && st[2].a.var == stock && st[2].b.kind == OPERAND_VAR
              && st[2].b.var == qty && st[2].op == CMP_GE, "@require stock >= :qty: bare name and :name are vars");
        check(st[3].a.kind == OPERAND_VAR && st[3].a.var == stock && st[3].b.kind == OPERAND_INT
              && st[3].b.value == -5 && st[3].op == CMP_NE, "@require :stock != -5: :stock is the same var, -5 an integer");
        check(st[5].a.kind == OPERAND_AFFECTED && st[5].op == CMP_LT && st[5].b.value == 10 && st[5].line == 6,
              "@require affected < 10");
        check(st[6].a.kind == OPERAND_INT && st[6].a.value == 0 && st[6].b.kind == OPERAND_FOUND && st[6].op == CMP_LE,
              "@require 0 <= found");
        check(st[7].a.kind == OPERAND_AFFECTED && st[7].op == CMP_NE && st[7].b.value == 0, "@require affected else X");
        const char *business[] = {"not_found", "out_of_stock", "weird", "too_many", "never", "nothing"};
        int ok = s.n_outcomes == OUTCOME_BUILTIN_COUNT + 6;
        for (int i = 0; ok && i < 6; i++)
            ok = script_outcome(&s, business[i]) == OUTCOME_BUILTIN_COUNT + i;
        check(ok, "business outcomes get indices after the built-ins, in order of first use");
        check(strcmp(s.outcomes[0], "ok") == 0 && strcmp(s.outcomes[OUTCOME_DEADLOCK], "deadlock") == 0
              && strcmp(s.outcomes[OUTCOME_ERROR], "error") == 0, "built-in outcomes come first");
        check(script_outcome(&s, "no_such") == -1, "script_outcome of an unknown name is -1");
    }
    script_free(&s);

    parse_error("bad @require shape (no B)", "SELECT 1;\n-- @require a >= else x\n", 2, "@require A OP B else OUTCOME");
    parse_error("bad @require shape (no else)", "SELECT 1;\n\n-- @require a >= 1 or x\n", 3, "@require A OP B");
    parse_error("bad @require shape (no outcome)", "SELECT 1;\n-- @require found else\n", 2, "@require A OP B");
    parse_error("bad @require shape (alone)", "SELECT 1;\n-- @require\n", 2, "@require A OP B");
    parse_error("bad @require operator =>", "SELECT 1;\n-- @require a => 1 else x\n", 2, "'=>' is not a comparison");
    parse_error("bad @require operator ==", "SELECT 1;\n-- @require a == 1 else x\n", 2, "'==' is not a comparison");
    parse_error("bad @require operator <>", "SELECT 1;\n-- @require a <> 1 else x\n", 2, "'<>' is not a comparison");
    parse_error("@require ... else ok", "SELECT 1;\n-- @require a >= 1 else ok\n", 2, "not 'ok'");
    parse_error("@require found else ok", "SELECT 1;\n\n\n-- @require found else ok\n", 4, "not 'ok'");
    parse_error("bad @require operand", "SELECT 1;\n-- @require 1x >= 1 else x\n", 2, "'1x' is not :name");
    parse_error("bad @require outcome name", "SELECT 1;\n-- @require a >= 1 else out-of-stock\n", 2,
                "'out-of-stock' is not an outcome name");
}

static void test_on(void)
{
    struct script s;
    const char *text =
        "UPDATE t SET a = 1;\n"                  /* 1 */
        "-- @on deadlock busy\n"                 /* 2 */
        "-- @on 1062 dup\n"                      /* 3 */
        "-- @on lock_timeout lock_timeout\n"     /* 4 */
        "-- @on duplicate_key busy\n"            /* 5 */
        "INSERT INTO t VALUES (1);\n"            /* 6 */
        "-- @on 65535 error\n";                  /* 7 */
    if (!parse_ok("@on fixture", text, &s))
        return;
    if (check(s.n_steps == 2 && s.steps[0].n_on == 4 && s.steps[1].n_on == 1, "@on attaches to the statement above")) {
        const struct on_error *on = s.steps[0].on;
        int busy = script_outcome(&s, "busy"), dup = script_outcome(&s, "dup");
        check(busy == OUTCOME_BUILTIN_COUNT && dup == OUTCOME_BUILTIN_COUNT + 1, "@on outcomes are business outcomes");
        check(on[0].code[0] == '\0' && on[0].class_outcome == OUTCOME_DEADLOCK && on[0].outcome == busy,
              "@on deadlock busy: by class");
        check(strcmp(on[1].code, "1062") == 0 && on[1].class_outcome == -1 && on[1].outcome == dup, "@on 1062 dup: by number");
        check(on[2].class_outcome == OUTCOME_LOCK_TIMEOUT && on[2].outcome == OUTCOME_LOCK_TIMEOUT,
              "@on lock_timeout lock_timeout maps to the built-in");
        check(on[3].class_outcome == OUTCOME_DUPLICATE_KEY && on[3].outcome == busy, "@on reuses a known outcome");
        check(strcmp(s.steps[1].on[0].code, "65535") == 0 && s.steps[1].on[0].outcome == OUTCOME_ERROR, "@on 65535 error");
    }
    script_free(&s);

    parse_error("@on before any statement", "-- @on deadlock busy\nSELECT 1;\n", 1, "@on must follow the statement");
    parse_error("@on after a @require", "SELECT 1;\n-- @require found else nf\n-- @on deadlock busy\n", 3,
                "@on must follow the statement");
    parse_error("@on after a @window", "SELECT 1;\n-- @window\n-- @on deadlock busy\n", 3, "@on must follow");
    parse_error("@on unknown error name", "SELECT 1;\n-- @on bogus busy\n", 2, "'bogus' is not an error");
    parse_error("@on ok", "SELECT 1;\n-- @on ok busy\n", 2, "'ok' is not an error");
    parse_error("@on in_doubt", "SELECT 1;\n-- @on in_doubt busy\n", 2, "'in_doubt' is not an error");
    parse_error("@on 0", "SELECT 1;\n-- @on 0 busy\n", 2, "'0' is not a server error number");
    parse_error("@on 65536", "SELECT 1;\n-- @on 65536 busy\n", 2, "'65536' is not a server error number");
    parse_error("@on without outcome", "SELECT 1;\n-- @on deadlock\n", 2, "expected '@on ERROR OUTCOME'");
    parse_error("@on with extra words", "SELECT 1;\n-- @on deadlock busy now\n", 2, "expected '@on ERROR OUTCOME'");
    parse_error("@on bad outcome", "SELECT 1;\n-- @on deadlock 2busy\n", 2, "'2busy' is not an outcome name");
}

/* @signal CODE OUTCOME: an @on whose error is the strategy's own SIGNAL (not a server error). */
static void test_signal(void)
{
    struct script s;
    if (parse_ok("@signal fixture", "CALL buy(:qty);\n-- @signal 1644 sold_out\n-- @on 1213 busy\n", &s)) {
        const struct on_error *on = s.steps[0].on;
        check(s.steps[0].n_on == 2 && strcmp(on[0].code, "1644") == 0
              && on[0].outcome == script_outcome(&s, "sold_out") && on[0].own && !on[1].own,
              "@signal 1644 sold_out: by number, the strategy's own (an @on beside it is not)");
        script_free(&s);
    }
    parse_error("@signal by class", "SELECT 1;\n-- @signal deadlock busy\n", 2,
                "'deadlock' is not an error code of this engine");
    parse_error("@signal before any statement", "-- @signal 1644 busy\nSELECT 1;\n", 1,
                "@signal must follow the statement");
    parse_error("@signal without outcome", "SELECT 1;\n-- @signal 1644\n", 2,
                "expected '@signal CODE OUTCOME'");
}

static void test_retry(void)
{
    struct script s;
    if (parse_ok("@retry full", "-- @retry deadlock, lock_timeout, busy up to 3 times, backoff 1ms..50ms\nSELECT 1;\n"
                 "-- @on 1205 busy\n", &s)) {
        int busy = script_outcome(&s, "busy");
        check(busy == OUTCOME_BUILTIN_COUNT && s.retry.outcomes == ((1u << OUTCOME_DEADLOCK)
              | (1u << OUTCOME_LOCK_TIMEOUT) | (1u << busy)), "@retry outcomes list: deadlock, lock_timeout, busy");
        check(s.retry.max == 3, "@retry up to 3 times (got %d)", s.retry.max);
        check(s.retry.backoff_min_us == 1000 && s.retry.backoff_max_us == 50000, "@retry backoff 1ms..50ms in us (%lld..%lld)",
              (long long)s.retry.backoff_min_us, (long long)s.retry.backoff_max_us);
        check(s.n_steps == 1, "@retry adds no step");
        script_free(&s);
    }
    if (parse_ok("@retry us..s", "SELECT 1;\n-- @retry snapshot_conflict up to 1000 times, backoff 200us..2s\n", &s)) {
        check(s.retry.outcomes == (1u << OUTCOME_SNAPSHOT_CONFLICT) && s.retry.max == 1000
              && s.retry.backoff_min_us == 200 && s.retry.backoff_max_us == 2000000, "@retry backoff 200us..2s, N = 1000");
        script_free(&s);
    }
    if (parse_ok("@retry bare ms", "SELECT 1;\n-- @retry deadlock up to 2 times, backoff 5..7\n", &s)) {
        check(s.retry.backoff_min_us == 5000 && s.retry.backoff_max_us == 7000, "@retry backoff 5..7 means ms");
        script_free(&s);
    }
    if (parse_ok("@retry equal bounds", "SELECT 1;\n-- @retry deadlock up to 2 times, backoff 3ms..3ms\n", &s)) {
        check(s.retry.backoff_min_us == 3000 && s.retry.backoff_max_us == 3000, "@retry backoff MIN == MAX is allowed");
        script_free(&s);
    }
    if (parse_ok("@retry no backoff", "SELECT 1;\n-- @retry deadlock up to 1 times\n", &s)) {
        check(s.retry.max == 1 && s.retry.backoff_min_us == 0 && s.retry.backoff_max_us == 0, "@retry without backoff: 0..0");
        script_free(&s);
    }
    if (parse_ok("no @retry", "SELECT 1;\n", &s)) {
        check(s.retry.max == 0 && s.retry.outcomes == 0, "no @retry: max 0, no outcomes");
        script_free(&s);
    }

    parse_error("@retry alone", "SELECT 1;\n-- @retry\n", 2, "up to N times");
    parse_error("@retry without 'up to'", "SELECT 1;\n-- @retry deadlock\n", 2, "up to N times");
    parse_error("@retry without outcomes", "SELECT 1;\n-- @retry up to 3 times\n", 2, "up to N times");
    parse_error("@retry 'up 3 times'", "SELECT 1;\n-- @retry deadlock up 3 times\n", 2, "up to N times");
    parse_error("@retry N not a number", "SELECT 1;\n-- @retry deadlock up to three times\n", 2, "up to N times");
    parse_error("@retry N missing 'times'", "SELECT 1;\n-- @retry deadlock up to 3\n", 2, "up to N times");
    parse_error("@retry N wrong word", "SELECT 1;\n-- @retry deadlock up to 3 tries\n", 2, "up to N times");
    parse_error("@retry N = 0", "SELECT 1;\n-- @retry deadlock up to 0 times\n", 2, "N from 1 to 1000");
    parse_error("@retry N = -1", "SELECT 1;\n-- @retry deadlock up to -1 times\n", 2, "N from 1 to 1000");
    parse_error("@retry N = 1001", "SELECT 1;\n-- @retry deadlock up to 1001 times\n", 2, "N from 1 to 1000");
    parse_error("@retry ok", "SELECT 1;\n-- @retry ok up to 3 times\n", 2, "'ok' cannot be retried");
    parse_error("@retry in_doubt", "SELECT 1;\n-- @retry in_doubt up to 3 times\n", 2, "'in_doubt' cannot be retried");
    parse_error("@retry backoff max < min", "SELECT 1;\n\n-- @retry deadlock up to 3 times, backoff 50ms..1ms\n", 3,
                "MIN <= MAX");
    parse_error("@retry backoff 2s..1500ms", "SELECT 1;\n-- @retry deadlock up to 3 times, backoff 2s..1500ms\n", 2,
                "MIN <= MAX");
    parse_error("@retry backoff bad unit", "SELECT 1;\n-- @retry deadlock up to 3 times, backoff 1ms..5min\n", 2,
                "backoff must be");
    parse_error("@retry backoff negative", "SELECT 1;\n-- @retry deadlock up to 3 times, backoff -1ms..5ms\n", 2,
                "backoff must be");
    parse_error("@retry backoff without ..", "SELECT 1;\n-- @retry deadlock up to 3 times, backoff 5ms\n", 2,
                "backoff MIN..MAX");
    parse_error("@retry trailing junk", "SELECT 1;\n-- @retry deadlock up to 3 times, soon\n", 2, "backoff MIN..MAX");

    check(duration_parse_us("1ms") == 1000 && duration_parse_us("200us") == 200 && duration_parse_us("1s") == 1000000
          && duration_parse_us("3") == 3000 && duration_parse_us("0.5ms") == 500 && duration_parse_us("0") == 0,
          "duration_parse_us: ms, us, s, bare ms, fractions");
    check(duration_parse_us("") == -1 && duration_parse_us("ms") == -1 && duration_parse_us("-1") == -1
          && duration_parse_us("5 ms") == -1 && duration_parse_us("5m") == -1, "duration_parse_us refuses bad text");
}

/* @retry limits beyond a count (a time budget, until done) and the jitter kinds. */
static void test_retry_policies(void)
{
    struct script s;
    if (parse_ok("@retry until done", "SELECT 1;\n-- @retry deadlock until done, backoff 1ms..1s jitter full\n", &s)) {
        check(s.retry.until_done && s.retry.max == RETRY_UNBOUNDED && s.retry.budget_us == 0
              && s.retry.jitter == JITTER_FULL && s.retry.backoff_max_us == 1000000,
              "@retry until done, backoff 1ms..1s jitter full");
        script_free(&s);
    }
    if (parse_ok("@retry for", "SELECT 1;\n-- @retry deadlock for 5s, backoff 2ms..100ms jitter decorrelated\n", &s)) {
        check(!s.retry.until_done && s.retry.budget_us == 5000000 && s.retry.max == RETRY_UNBOUNDED
              && s.retry.jitter == JITTER_DECORRELATED && s.retry.backoff_min_us == 2000,
              "@retry for 5s: a time budget, decorrelated jitter");
        script_free(&s);
    }
    if (parse_ok("@retry jitter contention", "SELECT 1;\n-- @retry deadlock until done, backoff 0ms..2s jitter contention\n", &s)) {
        check(s.retry.until_done && s.retry.backoff_min_us == 0 && s.retry.backoff_max_us == 2000000
                  && s.retry.jitter == JITTER_CONTENTION,
              "@retry until done, backoff 0ms..2s jitter contention");
        script_free(&s);
    }
    if (parse_ok("@retry for, no backoff", "SELECT 1;\n-- @retry deadlock for 500ms\n", &s)) {
        check(s.retry.budget_us == 500000 && s.retry.backoff_max_us == 0 && s.retry.jitter == JITTER_EXPONENTIAL,
              "@retry for 500ms without backoff");
        script_free(&s);
    }
    if (parse_ok("@retry count keeps its jitter", "SELECT 1;\n-- @retry deadlock up to 3 times, backoff 1ms..9ms\n", &s)) {
        check(s.retry.max == 3 && !s.retry.until_done && s.retry.budget_us == 0 && s.retry.jitter == JITTER_EXPONENTIAL,
              "@retry up to N times: the jittered exponential backoff as before");
        script_free(&s);
    }
    parse_error("@retry for nothing", "SELECT 1;\n-- @retry deadlock for 5parsecs\n", 2, "not a duration");
    parse_error("@retry for 0", "SELECT 1;\n-- @retry deadlock for 0\n", 2, "not a duration");
    parse_error("@retry until later", "SELECT 1;\n-- @retry deadlock until later\n", 2, "until done");
    parse_error("@retry jitter kind", "SELECT 1;\n-- @retry deadlock until done, backoff 1ms..5ms jitter some\n", 2,
                "jitter full");
    parse_error("@retry jitter without backoff", "SELECT 1;\n-- @retry deadlock until done, jitter full\n", 2,
                "backoff MIN..MAX");
}

static void test_isolation_window(void)
{
    static const char *const in[] = {"serializable", "read-committed", "READ COMMITTED", "Repeatable_Read",
                                     "read-uncommitted", "SERIALIZABLE"};
    static const char *const out[] = {"SERIALIZABLE", "READ COMMITTED", "READ COMMITTED", "REPEATABLE READ",
                                      "READ UNCOMMITTED", "SERIALIZABLE"};
    for (int i = 0; i < 6; i++) {
        char text[256];
        snprintf(text, sizeof text, "-- @isolation %s\nSELECT 1;\n", in[i]);
        struct script s;
        if (parse_ok(in[i], text, &s)) {
            check(strcmp(s.isolation, out[i]) == 0, "@isolation %s -> %s (got %s)", in[i], out[i], s.isolation);
            script_free(&s);
        }
    }
    char level[24] = "";
    check(isolation_parse("read committed", level) == 0 && strcmp(level, "READ COMMITTED") == 0,
          "isolation_parse('read committed')");
    check(isolation_parse("snapshot", level) == -1 && isolation_parse("", level) == -1
          && isolation_parse("serializable ", level) == -1, "isolation_parse refuses other text");

    parse_error("bad @isolation", "SELECT 1;\n-- @isolation snapshot\n", 2, "'snapshot' is not an isolation level");
    parse_error("@isolation without level", "SELECT 1;\n-- @isolation\n", 2, "is not an isolation level");
    parse_error("@isolation with two levels", "SELECT 1;\n-- @isolation serializable read-committed\n", 2,
                "is not an isolation level");

    struct script s;
    if (parse_ok("@window", "SELECT 1;\n-- @window\nSELECT 2;\n-- @window\n", &s)) {
        check(s.n_steps == 4 && s.steps[1].kind == STEP_WINDOW && s.steps[1].line == 2 && s.steps[3].kind == STEP_WINDOW
              && s.steps[3].line == 4, "@window adds a step at its line");
        script_free(&s);
    }
    parse_error("@window with args", "SELECT 1;\n-- @window 5ms\n", 2, "@window takes no arguments");
}

/* Outcome names are stored in lower case: a name is one outcome whatever its case. */
static void test_outcome_case(void)
{
    struct script s;
    if (parse_ok("outcome case", "-- @retry DEADLOCK, Busy up to 2 times\nSELECT 1;\n"
                 "-- @require found else BUSY\n-- @require found else busy\n", &s)) {
        int busy = script_outcome(&s, "busy");
        check(s.n_outcomes == OUTCOME_BUILTIN_COUNT + 1 && busy == OUTCOME_BUILTIN_COUNT,
              "Busy, BUSY and busy are one business outcome 'busy' (%zu outcomes)", s.n_outcomes);
        check(s.retry.outcomes == ((1u << OUTCOME_DEADLOCK) | (1u << busy)),
              "@retry DEADLOCK retries the built-in deadlock (bits %#x)", s.retry.outcomes);
        check(s.n_steps == 3 && s.steps[1].outcome == busy && s.steps[2].outcome == busy,
              "@require ... else BUSY / busy give the same outcome");
        script_free(&s);
    }
    parse_error("@require ... else OK", "SELECT 1;\n-- @require found else OK\n", 2, "not 'ok'");
    parse_error("@retry OK", "SELECT 1;\n-- @retry OK up to 3 times\n", 2, "cannot be retried");
}

/* An unknown outcome name is a typo, refused with a suggestion; legitimate business outcomes
 * (made by a @require or @on of the same file) still work, in every shipped strategy. */
static void test_outcome_names(void)
{
    parse_error("@retry deadlok", "-- @retry deadlok up to 3 times\nSELECT 1;\n", 1,
                "'deadlok' is not an outcome: did you mean 'deadlock'?");
    parse_error("@retry lock_timout", "SELECT 1;\n-- @retry deadlock, lock_timout up to 3 times\n", 2,
                "did you mean 'lock_timeout'?");
    parse_error("@retry dedalock (two letters swapped)", "-- @retry dedalock up to 3 times\nSELECT 1;\n", 1,
                "did you mean 'deadlock'?");
    parse_error("@require ... else deadlok", "SELECT 1;\n-- @require found else deadlok\n", 2,
                "did you mean 'deadlock'?");
    parse_error("@on 1205 lock_timout", "SELECT 1;\n-- @on 1205 lock_timout\n", 2,
                "did you mean 'lock_timeout'?");
    parse_error("@retry conflcit, made later as conflict",
                "-- @retry conflcit up to 3 times\nSELECT 1;\n-- @require affected = 1 else conflict\n", 1,
                "@retry 'conflcit': no such outcome; did you mean 'conflict'?");
    parse_error("@retry an outcome nothing makes", "SELECT 1;\n\n-- @retry conflict up to 3 times\n", 3,
                "@retry 'conflict': no @require or @on in this file ends with it");
    parse_error("two spellings of one business outcome",
                "SELECT 1;\n-- @require found else out_of_stock\nSELECT 2;\n-- @require found else out_of_stok\n",
                4, "'out_of_stok' looks like a typo of 'out_of_stock' (line 2)");

    struct script s;
    if (parse_ok("@retry a business outcome made later", "-- @retry conflict up to 3 times\nSELECT 1;\n"
                 "-- @require affected = 1 else conflict\n", &s)) {
        int c = script_outcome(&s, "conflict");
        check(c >= OUTCOME_BUILTIN_COUNT && (s.retry.outcomes & (1u << c)), "conflict is retried");
        script_free(&s);
    }
    if (parse_ok("@retry a business outcome made by @on", "SELECT 1;\n-- @on 1205 busy\n"
                 "-- @retry busy up to 3 times\n", &s))
        script_free(&s);
    if (parse_ok("distinct business outcomes", "SELECT 1;\n-- @require found else not_found\n"
                 "-- @require found else out_of_stock\n-- @require found else already_used\n"
                 "-- @require found else exhausted\n-- @require found else unavailable\n"
                 "-- @require found else taken\n-- @require found else insufficient_funds\n", &s))
        script_free(&s);

    /* every strategy of every shipped scenario */
    DIR *top = opendir(RACESIM_SOURCE_STRATEGIES);
    int n = 0;
    for (struct dirent *sc; top && (sc = readdir(top)) != NULL; ) {
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%s/%s", RACESIM_SOURCE_STRATEGIES, sc->d_name);
        DIR *d = sc->d_name[0] != '.' ? opendir(dir) : NULL;
        for (struct dirent *e; d && (e = readdir(d)) != NULL; ) {
            size_t len = strlen(e->d_name);
            if (len < 5 || strcmp(e->d_name + len - 4, ".sql") != 0 || strcmp(e->d_name, "scenario.sql") == 0)
                continue;
            char path[PATH_MAX + 256], err[ERRLEN] = "";
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            int rc = script_parse(path, &s, err, sizeof err);
            check(rc == 0, "%s/%s parses%s%s", sc->d_name, e->d_name, rc ? " -- got: " : "", err);
            if (rc == 0)
                script_free(&s);
            n++;
        }
        if (d)
            closedir(d);
    }
    if (top)
        closedir(top);
    check(n >= 20, "found the shipped strategies (%d)", n);
}

/* ---- errors: structure and files ------------------------------------------------------- */

static void test_errors(void)
{
    parse_error("unknown directive", "SELECT 1;\n\n-- @frobnicate now\n", 3, "unknown directive '@frobnicate'");
    parse_error("empty directive", "SELECT 1;\n-- @\n", 2, "empty directive");
    parse_error("directive inside an unterminated statement", "SELECT a\n  FROM t\n-- @window\n;\n", 3,
                "directive inside a statement (is a ';' missing on line 1?)");
    parse_error("unterminated string", "SELECT 1;\nSELECT 'abc;\nSELECT 2;\n", 2, "unterminated string");
    parse_error("unterminated double-quoted string", "SELECT 1;\n\nSELECT \"abc;\n", 3, "unterminated string");
    parse_error("statement without ';' at EOF", "SELECT 1;\n\nSELECT a\n  FROM t\n", 3, "not terminated by ';'");
    parse_error("statement without ';' (no newline at EOF)", "SELECT 1", 1, "not terminated by ';'");
    parse_error("transaction never committed", "SELECT 1;\nSTART TRANSACTION;\nUPDATE t SET a = 1;\n", 2,
                "never committed");
    parse_error("transaction opened twice", "BEGIN;\nSELECT 1;\nBEGIN;\nCOMMIT;\n", 3, "already open (since line 1)");
    parse_error("file with only comments and directives", "-- just words\n-- @window\n", 1, "no SQL statement");
    parse_error("empty file", "", 1, "no SQL statement");

    /* A NUL byte: "path: not a text file". */
    char path[PATH_MAX], err[ERRLEN];
    struct script s;
    fixture_write_n("SELECT 1;\n\0\n", 12, path);
    int rc = script_parse(path, &s, err, sizeof err);
    check(rc == -1 && strstr(err, path) == err && strstr(err, "not a text file"), "NUL byte: not a text file (%s)", err);

    /* A file that does not exist. */
    snprintf(path, sizeof path, "%s/no-such-file.sql", fixture_dir);
    err[0] = '\0';
    rc = script_parse(path, &s, err, sizeof err);
    check(rc == -1 && strstr(err, path) != NULL, "nonexistent file: error names the path (%s)", err);
    check(s.steps == NULL && s.path == NULL, "nonexistent file: the script is left empty");

    /* Exactly 1 MiB is accepted; one byte more is refused. */
    size_t max = 1u << 20;
    char *big = malloc(max + 2);
    if (!check(big != NULL, "allocate 1 MiB"))
        return;
    memset(big, ' ', max + 1);
    memcpy(big, "SELECT 1;\n", 10);
    big[max - 1] = '\n';
    fixture_write_n(big, max, path);
    err[0] = '\0';
    rc = script_parse(path, &s, err, sizeof err);
    check(rc == 0, "a file of exactly 1 MiB parses%s%s", rc ? " -- got: " : "", err);
    script_free(&s);
    fixture_write_n(big, max + 1, path);
    err[0] = '\0';
    rc = script_parse(path, &s, err, sizeof err);
    check(rc == -1 && strstr(err, path) == err && strstr(err, "larger than 1 MiB"), "a file over 1 MiB is refused (%s)", err);
    free(big);

    /* A small error buffer is still terminated. */
    char tiny[8];
    fixture_write("SELECT 1;\n-- @bogus\n", path);
    rc = script_parse(path, &s, tiny, sizeof tiny);
    check(rc == -1 && memchr(tiny, '\0', sizeof tiny) != NULL, "a short err buffer is truncated, terminated");
}

/* @each ITEM in LIST [sorted by FIELD] ... @end: the loop's steps, and every misuse. */
static void test_each(void)
{
    struct script s;
    const char *text = "START TRANSACTION;\n"
                       "-- @each line in cart sorted by product\n"
                       "SELECT stock FROM products WHERE id = :line.product FOR UPDATE;\n"
                       "-- @require stock >= :line.qty else out_of_stock\n"
                       "-- @end\n"
                       "COMMIT;\n";
    if (parse_ok("@each ... @end", text, &s)) {
        check(s.n_steps == 6 && s.steps[1].kind == STEP_EACH && s.steps[4].kind == STEP_END,
              "@each and @end are steps 1 and 4");
        check(strcmp(s.steps[1].item, "line") == 0 && strcmp(s.steps[1].list, "cart") == 0
                  && strcmp(s.steps[1].sorted_by, "product") == 0,
              "@each keeps item, list and sort field");
        check(s.steps[1].other == 4 && s.steps[4].other == 1, "@each and @end point at each other");
        check(var_index(&s, "line.product") >= 0 && var_index(&s, "line.qty") >= 0,
              ":line.product and :line.qty are names (the second in a @require)");
        script_free(&s);
    }
    if (parse_ok("@each without sorting", "-- @each l in cart\nSELECT :l.a;\n-- @end\n", &s)) {
        check(s.steps[0].sorted_by[0] == '\0', "no sort field");
        script_free(&s);
    }
    parse_error("@each nested", "-- @each a in x\n-- @each b in y\nSELECT 1;\n-- @end\n-- @end\n", 2, "do not nest");
    parse_error("@end without @each", "SELECT 1;\n-- @end\n", 2, "@end without @each");
    parse_error("@each without @end", "SELECT 1;\n\n-- @each a in x\nSELECT 2;\n", 3, "has no @end");
    parse_error("@each bad shape", "-- @each a of x\nSELECT 1;\n-- @end\n", 1, "@each ITEM in LIST");
    parse_error("@each bad sort shape", "-- @each a in x ordered by y z\nSELECT 1;\n-- @end\n", 1,
                "@each ITEM in LIST");
    parse_error("@end with words", "-- @each a in x\nSELECT 1;\n-- @end now\n", 3, "takes no arguments");
}

/* @expect after a read (a column, value, rows) and @role sections. */
static void test_expect_roles(void)
{
    struct script s;
    if (parse_ok("@expect",
                 "BEGIN;\nSELECT value, id FROM t WHERE id = 1;\n-- @expect value = 10 else G1a\n"
                 "-- @expect rows != 0 else G1a\n-- @expect id >= 2 else G_single\nCOMMIT;\n", &s)) {
        const struct step *x = &s.steps[2];
        check(x->kind == STEP_EXPECT && strcmp(x->expect.column, "value") == 0
              && x->expect.op == CMP_EQ && x->expect.value == 10 && x->expect.label == 0,
              "@expect value = 10 else G1a: column value, =, 10, label 0");
        check(s.steps[3].kind == STEP_EXPECT && s.steps[3].expect.column[0] == '\0'
              && s.steps[3].expect.op == CMP_NE, "@expect rows != 0: the row count (no column)");
        check(s.n_expect_labels == 2 && strcmp(s.expect_labels[0], "G1a") == 0
              && strcmp(s.expect_labels[1], "G_single") == 0 && s.steps[4].expect.label == 1,
              "two labels, G1a named once (got %zu)", s.n_expect_labels);
        check(s.n_roles == 0 && s.steps[1].role == 0 && script_role_of(&s, 3) == 0,
              "without @role every step is every buyer's (role 0)");
    }
    script_free(&s);
    if (parse_ok("@role",
                 "-- two roles\n-- @role T1\nBEGIN;\nUPDATE t SET v = 1;\nCOMMIT;\n"
                 "-- @role T2\nSELECT v FROM t;\n-- @expect v = 0 else G1a\n", &s)) {
        check(s.n_roles == 2 && strcmp(s.roles[0], "T1") == 0 && strcmp(s.roles[1], "T2") == 0,
              "@role T1, @role T2: two roles in order");
        check(s.steps[0].role == 1 && s.steps[2].role == 1 && s.steps[3].role == 2
              && s.steps[4].role == 2, "each step belongs to the section it is in");
        check(script_role_of(&s, 1) == 1 && script_role_of(&s, 2) == 2 && script_role_of(&s, 3) == 1,
              "buyer b plays role ((b - 1) mod 2) + 1");
    }
    script_free(&s);
    parse_error("@expect after an UPDATE", "UPDATE t SET v = 1;\n-- @expect v = 1 else G1a\n", 2,
                "@expect must follow a SELECT");
    parse_error("@expect first", "-- @expect v = 1 else G1a\nSELECT 1;\n", 1, "must follow a SELECT");
    parse_error("@expect without else", "SELECT v FROM t;\n-- @expect v = 1\n", 2,
                "@expect COLUMN OP INTEGER else ANOMALY");
    parse_error("@expect bad op", "SELECT v FROM t;\n-- @expect v == 1 else G1a\n", 2,
                "'==' is not a comparison");
    parse_error("@expect not a number", "SELECT v FROM t;\n-- @expect v = x else G1a\n", 2,
                "'x' is not an integer");
    parse_error("@expect bad label", "SELECT v FROM t;\n-- @expect v = 1 else G-1\n", 2,
                "not an anomaly name");
    parse_error("statement before @role", "SELECT 1;\n-- @role T1\nSELECT 2;\n", 2,
                "before the first @role");
    parse_error("@role twice", "-- @role T1\nSELECT 1;\n-- @role T1\nSELECT 2;\n", 3,
                "already defined");
    parse_error("@role bad name", "-- @role T 1\nSELECT 1;\n", 1, "@role NAME");
    parse_error("transaction across roles", "-- @role T1\nBEGIN;\n-- @role T2\nCOMMIT;\n", 2,
                "never committed (role T1 ends)");
}

int main(void)
{
    fixture_init("script");
    test_expect_roles();
    test_real_files();
    test_real_details();
    test_split();
    test_compound();
    test_params();
    test_kinds();
    test_require();
    test_on();
    test_signal();
    test_retry();
    test_retry_policies();
    test_isolation_window();
    test_outcome_case();
    test_outcome_names();
    test_errors();
    test_each();
    test_unsupported();
    fixture_cleanup();
    return check_summary();
}
