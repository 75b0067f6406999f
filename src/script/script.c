/* script.c — parse a strategy file: statements, @require, @on, @retry, @isolation, @window. */
#include "script.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "errmsg.h"
#include "spelling.h"
#include <strings.h>

#define TOKENS_MAX 24

struct parser {
    struct script *s;
    size_t each_open;          /* the @each being parsed (its step index + 1), 0 when none */
    const char *path;
    int line;
    char *err;
    size_t errlen;
    int produced_at[OUTCOME_MAX];    /* the first @require/@on line ending with it, 0 if none */
    int retried_at[OUTCOME_MAX];     /* the first @retry line naming it, 0 if none */
};

__attribute__((format(printf, 2, 3)))
static int fail(struct parser *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verrorf_at(p->err, p->errlen, p->path, p->line, fmt, ap);
    va_end(ap);
    return -1;
}

/* Splits text in place on white space and commas; returns the token count or -1 if too many. */
static int tokenize(char *text, char **tok)
{
    int n = 0;
    for (char *t = strtok(text, " \t,"); t; t = strtok(NULL, " \t,")) {
        if (n == TOKENS_MAX)
            return -1;
        tok[n++] = t;
    }
    return n;
}

int script_outcome(const struct script *s, const char *name)
{
    for (size_t i = 0; i < s->n_outcomes; i++)
        if (strcmp(s->outcomes[i], name) == 0)
            return (int)i;
    return -1;
}

/* A known outcome that name looks like a typo of: a built-in one, or a business outcome that a
 * @require or @on of this file ends with. Returns its index, or -1. */
static int near_miss(const struct parser *p, const char *name)
{
    for (size_t i = 0; i < p->s->n_outcomes; i++)
        if ((i < OUTCOME_BUILTIN_COUNT || p->produced_at[i]) && spelling_close(name, p->s->outcomes[i]))
            return (int)i;
    return -1;
}

/* Returns the index of outcome name, adding a business outcome if new (refused when it looks
 * like a typo of a known one); produce: a @require or @on ends with it. -1 on error. */
static int outcome_named(struct parser *p, const char *name, bool produce)
{
    if (!name_is_valid(name))
        return fail(p, "'%s' is not an outcome name (letters, digits, _)", name);
    char lower[64];                     /* names are stored in lower case: look them up so */
    size_t n = 0;
    for (; name[n]; n++)
        lower[n] = (char)tolower((unsigned char)name[n]);
    lower[n] = '\0';
    int i = script_outcome(p->s, lower);
    if (i >= 0) {
        if (produce && !p->produced_at[i])
            p->produced_at[i] = p->line;
        return i;
    }
    int near = near_miss(p, lower);
    if (near >= OUTCOME_BUILTIN_COUNT)
        return fail(p, "'%s' looks like a typo of '%s' (line %d): use one spelling", name,
                    p->s->outcomes[near], p->produced_at[near]);
    if (near >= 0)
        return fail(p, "'%s' is not an outcome: did you mean '%s'?", name, p->s->outcomes[near]);
    if (p->s->n_outcomes == OUTCOME_MAX)
        return fail(p, "too many outcomes (at most %d)", OUTCOME_MAX);
    char *copy = strdup(lower);
    if (!copy)
        return fail(p, "out of memory");
    p->s->owned_outcomes[p->s->n_outcomes] = copy;
    p->s->outcomes[p->s->n_outcomes] = copy;
    p->produced_at[p->s->n_outcomes] = produce ? p->line : 0;
    return (int)p->s->n_outcomes++;
}

static struct step *add_step(struct parser *p, enum step_kind kind)
{
    struct step *steps = realloc(p->s->steps, (p->s->n_steps + 1) * sizeof *steps);
    if (!steps) {
        fail(p, "out of memory");
        return NULL;
    }
    p->s->steps = steps;
    struct step *st = &steps[p->s->n_steps++];
    memset(st, 0, sizeof *st);
    st->kind = kind;
    st->line = p->line;
    st->role = (int)p->s->n_roles;
    return st;
}

static int parse_int(const char *t, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(t, &end, 10);
    if (errno || end == t || *end)
        return -1;
    *out = v;
    return 0;
}

static int parse_operand(struct parser *p, const char *t, struct operand *o)
{
    memset(o, 0, sizeof *o);
    if (strcmp(t, "affected") == 0) {
        o->kind = OPERAND_AFFECTED;
        return 0;
    }
    if (strcmp(t, "found") == 0) {
        o->kind = OPERAND_FOUND;
        return 0;
    }
    if (parse_int(t, &o->value) == 0) {
        o->kind = OPERAND_INT;
        return 0;
    }
    const char *name = t[0] == ':' ? t + 1 : t;
    char head[64];
    const char *dot = strchr(name, '.');     /* :item.field inside an @each */
    snprintf(head, sizeof head, "%.*s", dot ? (int)(dot - name) : (int)strlen(name), name);
    if (!name_is_valid(head) || (dot && !name_is_valid(dot + 1)))
        return fail(p, "'%s' is not :name, an integer, 'affected' or 'found'", t);
    o->kind = OPERAND_VAR;
    o->var = names_intern(&p->s->vars, name);
    return o->var < 0 ? fail(p, "out of memory") : 0;
}

static int parse_op(const char *t, enum compare_op *op)
{
    static const char *const ops[] = {">=", ">", "<=", "<", "=", "!="};
    for (int i = 0; i < 6; i++)
        if (strcmp(t, ops[i]) == 0) {
            *op = (enum compare_op)i;
            return 0;
        }
    return -1;
}

/* @require A OP B else OUTCOME   or   @require found else OUTCOME */
static int directive_require(struct parser *p, char **tok, int n)
{
    struct step *st = add_step(p, STEP_REQUIRE);
    if (!st)
        return -1;
    int base;
    if (n == 4 && strcmp(tok[2], "else") == 0) {       /* @require found else not_found */
        if (parse_operand(p, tok[1], &st->a))
            return -1;
        st->op = CMP_NE;
        st->b = (struct operand){.kind = OPERAND_INT, .value = 0};
        base = 2;
    } else if (n == 6 && strcmp(tok[4], "else") == 0) {
        if (parse_operand(p, tok[1], &st->a) || parse_operand(p, tok[3], &st->b))
            return -1;
        if (parse_op(tok[2], &st->op))
            return fail(p, "'%s' is not a comparison (>= > <= < = !=)", tok[2]);
        base = 4;
    } else {
        return fail(p, "expected '@require A OP B else OUTCOME'");
    }
    st->outcome = outcome_named(p, tok[base + 1], true);
    if (st->outcome == OUTCOME_OK)
        return fail(p, "@require ... else needs a failure outcome, not 'ok'");
    return st->outcome < 0 ? -1 : 0;
}

/* The index of anomaly label name among s's @expect labels, adding it if new; -1 when full. */
static int expect_label(struct script *s, const char *name)
{
    for (size_t i = 0; i < s->n_expect_labels; i++)
        if (strcmp(s->expect_labels[i], name) == 0)
            return (int)i;
    if (s->n_expect_labels == SCRIPT_EXPECTS_MAX)
        return -1;
    snprintf(s->expect_labels[s->n_expect_labels], sizeof s->expect_labels[0], "%s", name);
    return (int)s->n_expect_labels++;
}

/* @expect COLUMN OP INT else LABEL — COLUMN: a column of the SELECT before it, `value` (its only
 * column) or `rows` (how many rows it returned) */
static int directive_expect(struct parser *p, char **tok, int n)
{
    struct script *s = p->s;
    if (n != 6 || strcmp(tok[4], "else") != 0)
        return fail(p, "expected '@expect COLUMN OP INTEGER else ANOMALY' (COLUMN: a column, "
                       "value or rows)");
    size_t k = s->n_steps;
    while (k > 0 && s->steps[k - 1].kind == STEP_EXPECT)
        k--;
    if (k == 0 || s->steps[k - 1].kind != STEP_SQL || s->steps[k - 1].stmt.kind != SQL_SELECT)
        return fail(p, "@expect must follow a SELECT: it checks what that read returned");
    struct expectation x = {0};
    if (!name_is_valid(tok[1]))
        return fail(p, "'%s' is not a column name (or value, rows)", tok[1]);
    if (strcmp(tok[1], "rows") != 0)
        snprintf(x.column, sizeof x.column, "%s", tok[1]);
    if (parse_op(tok[2], &x.op))
        return fail(p, "'%s' is not a comparison (>= > <= < = !=)", tok[2]);
    if (parse_int(tok[3], &x.value))
        return fail(p, "'%s' is not an integer", tok[3]);
    if (!name_is_valid(tok[5]) || strlen(tok[5]) >= sizeof s->expect_labels[0])
        return fail(p, "'%s' is not an anomaly name (letters, digits, _; e.g. G1a)", tok[5]);
    x.label = expect_label(s, tok[5]);
    if (x.label < 0)
        return fail(p, "too many anomaly names in one file (at most %d)", SCRIPT_EXPECTS_MAX);
    struct step *st = add_step(p, STEP_EXPECT);
    if (!st)
        return -1;
    st->expect = x;
    return 0;
}

/* @role NAME — the statements after it, up to the next @role, are what the buyers playing NAME
 * run. */
static int directive_role(struct parser *p, char **tok, int n)
{
    struct script *s = p->s;
    if (n != 2 || !name_is_valid(tok[1]) || strlen(tok[1]) >= sizeof s->roles[0])
        return fail(p, "expected '@role NAME' (letters, digits, _; e.g. T1)");
    if (s->n_roles == 0 && s->n_steps > 0)
        return fail(p, "a statement before the first @role: with roles, every statement "
                       "belongs to one (line %d)", s->steps[0].line);
    if (p->each_open)
        return fail(p, "@role inside @each (line %d)", s->steps[p->each_open - 1].line);
    for (size_t i = 0; i < s->n_roles; i++)
        if (strcmp(s->roles[i], tok[1]) == 0)
            return fail(p, "role '%s' is already defined: one section per role", tok[1]);
    if (s->n_roles == SCRIPT_ROLES_MAX)
        return fail(p, "too many roles (at most %d)", SCRIPT_ROLES_MAX);
    snprintf(s->roles[s->n_roles++], sizeof s->roles[0], "%s", tok[1]);
    return 0;
}

int script_role_of(const struct script *s, int buyer)
{
    return s->n_roles ? (buyer - 1) % (int)s->n_roles + 1 : 0;
}

/* @on ERROR OUTCOME — ERROR: deadlock, lock_timeout, snapshot_conflict, duplicate_key, or a
 * number; @signal CODE OUTCOME — the error CODE the strategy's own routine raises (a SIGNAL):
 * its outcome, not counted among the server's errors */
static int directive_on(struct parser *p, char **tok, int n)
{
    struct script *s = p->s;
    bool own = strcmp(tok[0], "signal") == 0;
    if (n != 3)
        return fail(p, own ? "expected '@signal CODE OUTCOME'" : "expected '@on ERROR OUTCOME'");
    if (s->n_steps == 0 || s->steps[s->n_steps - 1].kind != STEP_SQL)
        return fail(p, "@%s must follow the statement whose error it maps", tok[0]);
    if (own && !db_code_valid(tok[1]))
        return fail(p, "@signal: '%s' is not an error code of this engine (the code the "
                       "routine's SIGNAL raises)", tok[1]);
    struct step *st = &s->steps[s->n_steps - 1];
    if (st->n_on == STEP_ON_MAX)
        return fail(p, "too many @on for one statement (at most %d)", STEP_ON_MAX);
    struct on_error *on = &st->on[st->n_on];
    int64_t num;
    if (db_code_valid(tok[1]) && strlen(tok[1]) < sizeof on->code) {
        *on = (struct on_error){.class_outcome = -1};
        snprintf(on->code, sizeof on->code, "%s", tok[1]);
    } else if (parse_int(tok[1], &num) == 0) {
        return fail(p, "'%s' is not a server error number", tok[1]);
    } else {
        int cls = outcome_builtin_find(tok[1]);
        if (cls <= OUTCOME_OK || cls == OUTCOME_IN_DOUBT)
            return fail(p, "'%s' is not an error (deadlock, lock_timeout, snapshot_conflict, "
                           "serialization, duplicate_key, too_many_connections, connection_lost, "
                           "error, or an error code)", tok[1]);
        *on = (struct on_error){.class_outcome = cls};
    }
    on->outcome = outcome_named(p, tok[2], true);
    if (on->outcome < 0)
        return -1;
    on->own = own;
    st->n_on++;
    return 0;
}

int64_t duration_parse_us(const char *text)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || v < 0 || v > 3.6e9)
        return -1;
    double scale;
    if (*end == '\0' || strcmp(end, "ms") == 0)
        scale = 1000;
    else if (strcmp(end, "us") == 0)
        scale = 1;
    else if (strcmp(end, "s") == 0)
        scale = 1e6;
    else
        return -1;
    return (int64_t)(v * scale + 0.5);
}

#define RETRY_USAGE "expected '@retry OUTCOME[, OUTCOME] up to N times | for DURATION | until done" \
                    "[, backoff MIN..MAX [jitter full|decorrelated|contention]]' with N from 1 to 1000"

/* The limit of a @retry at tok[i]: "up to N times", "for DURATION" or "until done". Returns the
 * index after it, or -1 (the message given). */
static int retry_limit(struct parser *p, struct retry_policy *r, char **tok, int n, int i)
{
    int64_t times;
    if (i + 2 <= n && strcmp(tok[i], "until") == 0 && strcmp(tok[i + 1], "done") == 0) {
        r->until_done = true;
        r->max = RETRY_UNBOUNDED;
        return i + 2;
    }
    if (i + 2 <= n && strcmp(tok[i], "for") == 0) {
        r->budget_us = duration_parse_us(tok[i + 1]);
        if (r->budget_us <= 0)
            return fail(p, "@retry ... for DURATION: '%s' is not a duration above 0 (e.g. 5s, "
                           "500ms)", tok[i + 1]);
        r->max = RETRY_UNBOUNDED;
        return i + 2;
    }
    if (i + 4 > n || strcmp(tok[i], "up") != 0 || strcmp(tok[i + 1], "to") != 0
        || parse_int(tok[i + 2], &times) || times < 1 || times > 1000
        || strcmp(tok[i + 3], "times") != 0)
        return fail(p, RETRY_USAGE);
    r->max = (int)times;
    return i + 4;
}

/* @retry OUTCOMES up to N times | for DURATION | until done[, backoff MIN..MAX [jitter KIND]] */
static int directive_retry(struct parser *p, char **tok, int n)
{
    struct retry_policy *r = &p->s->retry;
    int i = 1;
    for (; i < n && strcmp(tok[i], "up") != 0 && strcmp(tok[i], "for") != 0
           && strcmp(tok[i], "until") != 0; i++) {
        int o = outcome_named(p, tok[i], false);
        if (o < 0)
            return -1;
        if (!p->retried_at[o])
            p->retried_at[o] = p->line;
        if (o == OUTCOME_OK || o == OUTCOME_IN_DOUBT)
            return fail(p, "'%s' cannot be retried", tok[i]);
        r->outcomes |= 1u << o;
    }
    if (i == 1)
        return fail(p, RETRY_USAGE);
    r->budget_us = 0;
    r->until_done = false;
    r->jitter = JITTER_EXPONENTIAL;
    i = retry_limit(p, r, tok, n, i);
    if (i < 0)
        return -1;
    r->backoff_min_us = r->backoff_max_us = 0;
    if (i == n)
        return 0;
    char *dots = i + 2 <= n && strcmp(tok[i], "backoff") == 0 ? strstr(tok[i + 1], "..") : NULL;
    if (!dots || (i + 2 != n && i + 4 != n))
        return fail(p, "expected 'backoff MIN..MAX [jitter full|decorrelated|contention]' after the retry "
                       "limit");
    *dots = '\0';
    r->backoff_min_us = duration_parse_us(tok[i + 1]);
    r->backoff_max_us = duration_parse_us(dots + 2);
    if (r->backoff_min_us < 0 || r->backoff_max_us < r->backoff_min_us)
        return fail(p, "backoff must be MIN..MAX durations with MIN <= MAX (e.g. 1ms..50ms)");
    if (i + 4 == n) {
        static const char *const kinds[] = {"full", "decorrelated", "contention"};
        static const enum retry_jitter kind_of[] = {JITTER_FULL, JITTER_DECORRELATED,
                                                    JITTER_CONTENTION};
        int k = 0;
        while (k < 3 && strcmp(tok[i + 3], kinds[k]) != 0)
            k++;
        if (strcmp(tok[i + 2], "jitter") != 0 || k == 3)
            return fail(p, "expected 'jitter full', 'jitter decorrelated' or 'jitter contention' "
                           "after the backoff");
        r->jitter = kind_of[k];
    }
    return 0;
}

int isolation_parse(const char *text, char *out)
{
    static const char *const levels[] = {"READ UNCOMMITTED", "READ COMMITTED", "REPEATABLE READ",
                                         "SERIALIZABLE"};
    char norm[32];
    size_t n = 0;
    for (; text[n] && n < sizeof norm - 1; n++)
        norm[n] = text[n] == '-' || text[n] == '_' ? ' ' : (char)toupper((unsigned char)text[n]);
    norm[n] = '\0';
    if (text[n])
        return -1;
    for (int i = 0; i < 4; i++)
        if (strcmp(norm, levels[i]) == 0) {
            strcpy(out, levels[i]);
            return 0;
        }
    return -1;
}

static int directive_isolation(struct parser *p, const char *rest)
{
    while (isspace((unsigned char)*rest))
        rest++;
    if (isolation_parse(rest, p->s->isolation))
        return fail(p, "'%s' is not an isolation level (read-uncommitted, read-committed, "
                       "repeatable-read, serializable)", rest);
    return 0;
}

/* @each ITEM in LIST [sorted by FIELD] */
static int directive_each(struct parser *p, char **tok, int n)
{
    if (!((n == 4 || n == 7) && strcmp(tok[2], "in") == 0
          && (n == 4 || (strcmp(tok[4], "sorted") == 0 && strcmp(tok[5], "by") == 0))))
        return fail(p, "expected '@each ITEM in LIST [sorted by FIELD]'");
    if (p->each_open)
        return fail(p, "@each inside @each (line %d): loops do not nest",
                    p->s->steps[p->each_open - 1].line);
    if (!name_is_valid(tok[1]) || !name_is_valid(tok[3]) || (n == 7 && !name_is_valid(tok[6])))
        return fail(p, "@each names must be letters, digits and _");
    struct step *st = add_step(p, STEP_EACH);
    if (!st)
        return -1;
    snprintf(st->item, sizeof st->item, "%s", tok[1]);
    snprintf(st->list, sizeof st->list, "%s", tok[3]);
    snprintf(st->sorted_by, sizeof st->sorted_by, "%s", n == 7 ? tok[6] : "");
    p->each_open = p->s->n_steps;
    return 0;
}

static int directive_end(struct parser *p, int n)
{
    if (n != 1)
        return fail(p, "@end takes no arguments");
    if (!p->each_open)
        return fail(p, "@end without @each");
    struct step *st = add_step(p, STEP_END);
    if (!st)
        return -1;
    st->other = p->each_open - 1;
    p->s->steps[st->other].other = p->s->n_steps - 1;
    p->each_open = 0;
    return 0;
}

static int directive(struct parser *p, const char *text)
{
    char copy[512];
    if (strlen(text) >= sizeof copy)
        return fail(p, "directive too long");
    strcpy(copy, text);
    char *tok[TOKENS_MAX];
    int n = tokenize(copy, tok);
    if (n <= 0)
        return fail(p, n < 0 ? "directive has too many words" : "empty directive after '@'");
    if (strcmp(tok[0], "require") == 0)
        return directive_require(p, tok, n);
    if (strcmp(tok[0], "on") == 0 || strcmp(tok[0], "signal") == 0)
        return directive_on(p, tok, n);
    if (strcmp(tok[0], "retry") == 0)
        return directive_retry(p, tok, n);
    if (strcmp(tok[0], "isolation") == 0)
        return directive_isolation(p, text + strlen("isolation"));
    if (strcmp(tok[0], "each") == 0)
        return directive_each(p, tok, n);
    if (strcmp(tok[0], "expect") == 0)
        return directive_expect(p, tok, n);
    if (strcmp(tok[0], "role") == 0)
        return directive_role(p, tok, n);
    if (strcmp(tok[0], "end") == 0)
        return directive_end(p, n);
    if (strcmp(tok[0], "unsupported") == 0) {
        const char *why = text + strlen("unsupported");
        while (*why == ' ' || *why == '\t')
            why++;
        if (!*why)
            return fail(p, "@unsupported needs the reason (what to use instead)");
        snprintf(p->s->unsupported, sizeof p->s->unsupported, "%s", why);
        return 0;
    }
    if (strcmp(tok[0], "window") == 0) {
        if (n != 1)
            return fail(p, "@window takes no arguments");
        return add_step(p, STEP_WINDOW) ? 0 : -1;
    }
    return fail(p, "unknown directive '@%s' (require, on, signal, retry, isolation, window, each, "
                "end, expect, role, unsupported, setup, delimiter)",
                tok[0]);
}

static int statement(struct parser *p, const char *text)
{
    struct step *st = add_step(p, STEP_SQL);
    if (!st)
        return -1;
    char msg[256];
    if (statement_compile(text, p->line, &p->s->vars, &st->stmt, msg, sizeof msg))
        return fail(p, "%s", msg);
    return 0;
}

static int append_description(struct script *s, const char *text)
{
    size_t old = s->description ? strlen(s->description) : 0;
    char *d = realloc(s->description, old + strlen(text) + 2);
    if (!d)
        return -1;
    if (old)
        d[old++] = '\n';
    strcpy(d + old, text);
    s->description = d;
    return 0;
}

/* A business outcome that @retry names must be one a @require or @on of the file ends with:
 * else it never happens (a typo: "@retry deadlok"), and nothing is retried. */
static int check_retried(struct parser *p)
{
    for (size_t i = OUTCOME_BUILTIN_COUNT; i < p->s->n_outcomes; i++) {
        if (!p->retried_at[i] || p->produced_at[i])
            continue;
        p->line = p->retried_at[i];
        const char *name = p->s->outcomes[i];
        int near = near_miss(p, name);
        if (near >= 0)
            return fail(p, "@retry '%s': no such outcome; did you mean '%s'?", name,
                        p->s->outcomes[near]);
        return fail(p, "@retry '%s': no @require or @on in this file ends with it, and it is not "
                    "a server error (deadlock, lock_timeout, snapshot_conflict, duplicate_key, ...)",
                    name);
    }
    return 0;
}

/* A transaction opened must be closed on every straight path: refuse a file that forgets. */
static int check_transactions(struct parser *p)
{
    int open_line = 0;
    int sql = 0;
    int role = 0;
    for (size_t i = 0; i < p->s->n_steps; i++) {
        const struct step *st = &p->s->steps[i];
        if (st->kind != STEP_SQL)
            continue;
        if (st->role != role && open_line) {
            p->line = open_line;
            return fail(p, "the transaction opened here is never committed (role %s ends)",
                        p->s->roles[role - 1]);
        }
        role = st->role;
        sql++;
        p->line = st->line;
        if (st->stmt.kind == SQL_BEGIN) {
            if (open_line)
                return fail(p, "a transaction is already open (since line %d)", open_line);
            open_line = st->line;
        } else if (st->stmt.kind == SQL_COMMIT || st->stmt.kind == SQL_ROLLBACK) {
            open_line = 0;
        }
    }
    if (open_line) {
        p->line = open_line;
        return fail(p, "the transaction opened here is never committed");
    }
    if (sql == 0 && !p->s->unsupported[0]) {
        p->line = 1;
        return fail(p, "no SQL statement in the file");
    }
    return 0;
}

int script_parse(const char *path, struct script *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    struct sql_file f;
    if (sqltext_read(path, &f, err, errlen))
        return -1;
    struct parser p = {.s = s, .path = path, .err = err, .errlen = errlen};
    for (int i = 0; i < OUTCOME_BUILTIN_COUNT; i++)
        s->outcomes[s->n_outcomes++] = outcome_builtin_name(i);
    int rc = (s->path = strdup(path)) ? 0 : fail(&p, "out of memory");
    int in_header = 1, setup_at = 0;
    for (size_t i = 0; rc == 0 && i < f.n_items; i++) {
        const struct sql_item *it = &f.items[i];
        p.line = it->line;
        if (it->kind == ITEM_DIRECTIVE && strcmp(it->text, "setup") == 0) {
            if (setup_at)
                rc = fail(&p, "a second '-- @setup' (the first is on line %d)", setup_at);
            setup_at = it->line;
            continue;
        }
        if (setup_at) {        /* the strategy's own setup: scenario_add_setup reads it */
            if (it->kind == ITEM_DIRECTIVE)
                rc = fail(&p, "'-- @%s' after '-- @setup': a strategy's setup comes last, after "
                          "its purchase", it->text);
            continue;
        }
        if (it->kind == ITEM_COMMENT) {
            if (in_header && *it->text && append_description(s, it->text))
                rc = fail(&p, "out of memory");
            continue;
        }
        in_header = 0;
        rc = it->kind == ITEM_DIRECTIVE ? directive(&p, it->text) : statement(&p, it->text);
    }
    if (rc == 0 && p.each_open) {
        p.line = s->steps[p.each_open - 1].line;
        rc = fail(&p, "this @each has no @end");
    }
    if (rc == 0)
        rc = check_retried(&p);
    if (rc == 0)
        rc = check_transactions(&p);
    if (rc == 0 && !s->description)
        rc = append_description(s, "") ? fail(&p, "out of memory") : 0;
    sqltext_free(&f);
    if (rc)
        script_free(s);
    return rc;
}

void script_free(struct script *s)
{
    for (size_t i = 0; i < s->n_steps; i++)
        if (s->steps[i].kind == STEP_SQL)
            statement_free(&s->steps[i].stmt);
    free(s->steps);
    for (size_t i = 0; i < OUTCOME_MAX; i++)
        free(s->owned_outcomes[i]);
    names_free(&s->vars);
    free(s->description);
    free(s->path);
    memset(s, 0, sizeof *s);
}
