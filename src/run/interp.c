/* interp.c — execute a strategy's steps: bind :names, check @require, map errors, roll back. */
#include "interp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "expand.h"
#include "spelling.h"

/* The most values one execution binds: an IN (:list.field) binds one per list line. */
static size_t max_params(const struct script *s)
{
    size_t n = 1;
    for (size_t i = 0; i < s->n_steps; i++)
        if (s->steps[i].kind == STEP_SQL && s->steps[i].stmt.n_vars > n)
            n = s->steps[i].stmt.n_vars;
    return n * LIST_ITEMS_MAX;
}

/* Sets the session's isolation level through the driver (a level ending in INTERP_SNAPSHOT is
 * the engine's snapshot variant of REPEATABLE READ). */
static enum interp_status set_isolation(db_conn *conn, const char *level, char *err, size_t errlen)
{
    return db_set_isolation(conn, level, err, errlen) ? INTERP_DB_ERROR : INTERP_OK;
}

/* Maps each result column of step i to a var, marking it as known from here on. */
static int map_columns(struct interp *it, size_t i, bool *known)
{
    size_t n = db_stmt_columns(it->stmts[i]);
    it->col_vars[i] = malloc((n ? n : 1) * sizeof(int));
    if (!it->col_vars[i])
        return -1;
    for (size_t c = 0; c < n; c++) {
        int v = names_find(&it->script->vars, db_stmt_column_name(it->stmts[i], c));
        it->col_vars[i][c] = v;
        if (v >= 0)
            known[v] = true;
    }
    return 0;
}

/* Fails with file:line when a step uses a :name nobody supplies before it (with the closest
 * name that is supplied: a :name known so far or a parameter of p's scenario; p may be NULL). */
static int check_known(const struct script *s, const struct step *st, const bool *known,
                       const struct params *p, char *err, size_t errlen)
{
    int unknown = -1;
    for (size_t k = 0; st->kind == STEP_SQL && k < st->stmt.n_vars; k++)
        if (!known[st->stmt.vars[k]])
            unknown = st->stmt.vars[k];
    const struct operand *ops[2] = {&st->a, &st->b};
    for (int k = 0; st->kind == STEP_REQUIRE && k < 2; k++)
        if (ops[k]->kind == OPERAND_VAR && !known[ops[k]->var])
            unknown = ops[k]->var;
    if (unknown < 0)
        return 0;
    struct spelling_best b;
    spelling_begin(&b, s->vars.v[unknown]);
    for (size_t v = 0; v < s->vars.n; v++)
        if (known[v])
            spelling_consider(&b, s->vars.v[v]);
    for (size_t i = 0; p && i < p->sc->n_params; i++)
        spelling_consider(&b, p->sc->params[i].name);
    if (b.best[0])
        snprintf(err, errlen, "%s:%d: :%s is neither a scenario parameter nor a column of an "
                 "earlier SELECT; did you mean :%s?", s->path, st->line, s->vars.v[unknown], b.best);
    else
        snprintf(err, errlen, "%s:%d: :%s is neither a scenario parameter nor a column of an "
                 "earlier SELECT", s->path, st->line, s->vars.v[unknown]);
    return -1;
}

/* The index of field name among list parameter lp's fields, or -1. */
static int field_index(const struct params *p, const struct param_value *lp, const char *name)
{
    for (int f = 0; f < lp->n_fields; f++)
        if (strcmp(p->sc->params[lp->fields[f]].name, name) == 0)
            return f;
    return -1;
}

/* Plans @each step i: its list, its order, its :item.field vars (marked known). */
static enum interp_status plan_each(struct interp *it, size_t i, const struct params *p,
                                    bool *known, char *err, size_t errlen)
{
    const struct script *s = it->script;
    const struct step *st = &s->steps[i];
    struct each_plan *plan = &it->each[i];
    int lp = p ? scenario_param(p->sc, st->list) : -1;
    if (lp < 0 || p->v[lp].kind != PARAM_LIST) {
        snprintf(err, errlen, "%s:%d: @each: '%s' is not a list parameter of the scenario", s->path,
                 st->line, st->list);
        return INTERP_BAD_SCRIPT;
    }
    plan->list = p->v[lp].list;
    plan->sorted_by = st->sorted_by[0] ? field_index(p, &p->v[lp], st->sorted_by) : -1;
    if (st->sorted_by[0] && plan->sorted_by < 0) {
        snprintf(err, errlen, "%s:%d: @each: the lines of '%s' have no field '%s'", s->path,
                 st->line, st->list, st->sorted_by);
        return INTERP_BAD_SCRIPT;
    }
    size_t len = strlen(st->item);
    for (size_t v = 0; v < s->vars.n; v++) {
        const char *name = s->vars.v[v];
        if (strncmp(name, st->item, len) != 0 || name[len] != '.')
            continue;
        int f = field_index(p, &p->v[lp], name + len + 1);
        if (f < 0 || plan->n_vars == LIST_FIELDS_MAX) {
            snprintf(err, errlen, "%s:%d: :%s: the lines of '%s' have no such field", s->path,
                     st->line, name, st->list);
            return INTERP_BAD_SCRIPT;
        }
        plan->vars[plan->n_vars] = (int)v;
        plan->fields[plan->n_vars++] = f;
        known[v] = true;
    }
    return INTERP_OK;
}

/* Prepares the variant of expanding step i for n lines. Returns it, or NULL with e filled. */
static db_stmt *prepare_variant(struct interp *it, size_t i, int n, struct db_error *e)
{
    const struct statement *st = &it->script->steps[i].stmt;
    struct expansion *x = it->expand[i];
    size_t len = strlen(st->sql) + st->n_vars * LIST_ITEMS_MAX * 3 + 8;
    char *sql = malloc(len);
    db_stmt *stmt = NULL;
    db_error_make(e, OUTCOME_ERROR, "cannot expand the statement");
    if (sql && expand_sql(st->sql, x->expands, st->n_vars, n, sql, len) == 0)
        stmt = db_prepare(it->conn, sql, e);
    free(sql);
    x->by_count[n] = stmt;
    return stmt;
}

/* The list parameter a :list.field name names (its name into head), or -1 when it names none. */
static int list_param_of(const struct params *p, const char *name, char *head, size_t headlen)
{
    const char *dot = strchr(name, '.');
    snprintf(head, headlen, "%.*s", dot ? (int)(dot - name) : 0, name);
    int lp = dot ? scenario_param(p->sc, head) : -1;
    return lp >= 0 && p->v[lp].kind == PARAM_LIST ? lp : -1;
}

/* Finds the :list.field names of SQL step i; when there are, plans its expansion (they are
 * known from here on). Returns INTERP_OK, or INTERP_BAD_SCRIPT for an unknown field. */
static enum interp_status plan_expansion(struct interp *it, size_t i, const struct params *p,
                                         bool *known, char *err, size_t errlen)
{
    const struct script *s = it->script;
    const struct statement *st = &s->steps[i].stmt;
    struct expansion *x = NULL;
    for (size_t k = 0; p && k < st->n_vars; k++) {
        const char *name = s->vars.v[st->vars[k]];
        char head[64];
        int lp = list_param_of(p, name, head, sizeof head);
        if (lp < 0)
            continue;
        int f = field_index(p, &p->v[lp], name + strlen(head) + 1);
        if (f < 0) {
            snprintf(err, errlen, "%s:%d: :%s: the lines of '%s' have no such field", s->path,
                     s->steps[i].line, name, head);
            return INTERP_BAD_SCRIPT;
        }
        if (!x) {
            x = it->expand[i] = calloc(1, sizeof *x);
            if (x) {
                x->field = calloc(st->n_vars, sizeof *x->field);
                x->expands = calloc(st->n_vars, sizeof *x->expands);
            }
            if (!x || !x->field || !x->expands) {
                snprintf(err, errlen, "out of memory");
                return INTERP_DB_ERROR;
            }
            for (size_t j = 0; j < st->n_vars; j++)
                x->field[j] = -1;
            x->list = p->v[lp].list;
        }
        x->field[k] = f;
        x->expands[k] = 1;
        known[st->vars[k]] = true;
    }
    return INTERP_OK;
}

/* The result column @expect step i checks, into it->expect_col[i]: its name, or `value` for the
 * read's only column, or -1 for rows. Fails when the read before it returns no columns. */
static enum interp_status plan_expect(struct interp *it, size_t i, char *err, size_t errlen)
{
    const struct script *s = it->script;
    const struct step *st = &s->steps[i];
    size_t k = i;
    while (k > 0 && s->steps[k - 1].kind == STEP_EXPECT)
        k--;
    db_stmt *read = k > 0 ? it->stmts[k - 1] : NULL;
    size_t n = read ? db_stmt_columns(read) : 0;
    if (n == 0) {
        snprintf(err, errlen, "%s:%d: @expect follows a statement that returns no rows", s->path,
                 st->line);
        return INTERP_BAD_SCRIPT;
    }
    it->expect_col[i] = -1;
    if (!st->expect.column[0])
        return INTERP_OK;
    for (size_t c = 0; c < n; c++)
        if (strcasecmp(db_stmt_column_name(read, c), st->expect.column) == 0)
            it->expect_col[i] = (int)c;
    if (it->expect_col[i] < 0 && n == 1 && strcmp(st->expect.column, "value") == 0)
        it->expect_col[i] = 0;
    if (it->expect_col[i] >= 0)
        return INTERP_OK;
    snprintf(err, errlen, "%s:%d: @expect %s: the read before it has no such column%s", s->path,
             st->line, st->expect.column, n > 1 ? " (value stands for a read of one column)" : "");
    return INTERP_BAD_SCRIPT;
}

/* The statements prepared ahead in one batch (db_prepare_many), so that a buyer's connection
 * takes one round trip for all of them rather than one each. */
struct batch {
    int *at;                   /* per step: its place in stmts and errs; -1: not in the batch */
    db_stmt **stmts;
    struct db_error *errs;
};

/* Whether SQL statement st names no :list.field (it is prepared as written, not expanded). */
static bool plain_statement(const struct script *s, const struct statement *st,
                            const struct params *p)
{
    for (size_t k = 0; p && k < st->n_vars; k++) {
        char head[64];
        if (list_param_of(p, s->vars.v[st->vars[k]], head, sizeof head) >= 0)
            return false;
    }
    return true;
}

/* Prepares every plain SQL step of it's script at once into b. Out of memory, b stays empty
 * and prepare_steps prepares each in turn. */
static void batch_prepare(struct interp *it, const struct params *p, struct batch *b)
{
    const struct script *s = it->script;
    size_t n = 0;
    *b = (struct batch){0};
    int *at = malloc((s->n_steps + 1) * sizeof *at);
    const char **sqls = calloc(s->n_steps + 1, sizeof *sqls);
    for (size_t i = 0; at && sqls && i < s->n_steps; i++) {
        bool in = s->steps[i].kind == STEP_SQL && plain_statement(s, &s->steps[i].stmt, p);
        at[i] = in ? (int)n : -1;
        if (in)
            sqls[n++] = s->steps[i].stmt.sql;
    }
    b->stmts = calloc(n + 1, sizeof *b->stmts);
    b->errs = calloc(n + 1, sizeof *b->errs);
    if (at && sqls && b->stmts && b->errs) {
        db_prepare_many(it->conn, sqls, n, b->stmts, b->errs);
        b->at = at;
        at = NULL;
    }
    free(at);
    free(sqls);
}

static void batch_free(struct batch *b)
{
    free(b->at);
    free(b->stmts);
    free(b->errs);
}

/* Step i's statement: from the batch, else prepared now. NULL with e filled when refused. */
static db_stmt *prepared(struct interp *it, size_t i, const struct batch *b, struct db_error *e)
{
    int k = b->at ? b->at[i] : -1;
    if (k < 0)
        return db_prepare(it->conn, it->script->steps[i].stmt.sql, e);
    if (!b->stmts[k])
        *e = b->errs[k];
    return b->stmts[k];
}

static enum interp_status prepare_steps(struct interp *it, bool *known, const bool *bound,
                                        const struct params *p, const struct batch *b,
                                        char *err, size_t errlen)
{
    const struct script *s = it->script;
    for (size_t i = 0; i < s->n_steps; i++) {
        const struct step *st = &s->steps[i];
        if (i > 0 && st->role != s->steps[i - 1].role)   /* a role sees only its own reads */
            memcpy(known, bound, s->vars.n * sizeof *known);
        if (st->kind == STEP_EXPECT) {
            enum interp_status xs = plan_expect(it, i, err, errlen);
            if (xs != INTERP_OK)
                return xs;
        }
        if (st->kind == STEP_EACH) {
            enum interp_status es = plan_each(it, i, p, known, err, errlen);
            if (es != INTERP_OK)
                return es;
        }
        if (st->kind == STEP_SQL) {
            enum interp_status xs = plan_expansion(it, i, p, known, err, errlen);
            if (xs != INTERP_OK)
                return xs;
        }
        if (check_known(s, st, known, p, err, errlen))
            return INTERP_BAD_SCRIPT;
        if (st->kind != STEP_SQL)
            continue;
        struct db_error e;
        /* an expanding statement is checked (and its columns read) in its 1-line variant */
        it->stmts[i] = it->expand[i] ? prepare_variant(it, i, 1, &e) : prepared(it, i, b, &e);
        if (!it->stmts[i]) {
            snprintf(err, errlen, "%s:%d: the server refused this statement: %s", s->path,
                     st->line, e.text);
            return e.client ? INTERP_DB_ERROR : INTERP_BAD_SCRIPT;
        }
        if (map_columns(it, i, known)) {
            snprintf(err, errlen, "out of memory");
            return INTERP_DB_ERROR;
        }
    }
    return INTERP_OK;
}

/* The most lines a list named by one of st's :list.field variables can have; 1 when none. */
static size_t variants_of(const struct script *s, const struct statement *st, const struct params *p)
{
    size_t most = 1;
    for (size_t k = 0; p && k < st->n_vars; k++) {
        char head[64];
        int lp = list_param_of(p, s->vars.v[st->vars[k]], head, sizeof head);
        if (lp >= 0 && p->v[lp].hi > (int64_t)most)
            most = (size_t)p->v[lp].hi;   /* a variant per line count, made on first use */
    }
    return most;
}

size_t interp_statements_max(const struct script *s, const struct params *p)
{
    size_t n = 1;   /* ROLLBACK */
    for (size_t i = 0; i < s->n_steps; i++)
        if (s->steps[i].kind == STEP_SQL)
            n += variants_of(s, &s->steps[i].stmt, p);
    return n;
}

enum interp_status interp_prepare(struct interp *it, const struct script *s, db_conn *conn,
                                  const char *isolation, const bool *bound,
                                  const struct params *p, char *err, size_t errlen)
{
    memset(it, 0, sizeof *it);
    it->script = s;
    it->conn = conn;
    size_t np = max_params(s);
    it->stmts = calloc(s->n_steps, sizeof *it->stmts);
    it->each = calloc(s->n_steps, sizeof *it->each);
    it->expand = calloc(s->n_steps, sizeof *it->expand);
    it->col_vars = calloc(s->n_steps, sizeof *it->col_vars);
    it->expect_col = calloc(s->n_steps, sizeof *it->expect_col);
    it->param_buf = calloc(np, sizeof *it->param_buf);
    it->param_null_buf = calloc(np, sizeof *it->param_null_buf);
    bool *known = calloc(s->vars.n + 1, sizeof *known);
    enum interp_status st = INTERP_OK;
    if (!it->stmts || !it->each || !it->expand || !it->col_vars || !it->expect_col || !it->param_buf || !it->param_null_buf || !known) {
        snprintf(err, errlen, "out of memory");
        st = INTERP_DB_ERROR;
    }
    if (st == INTERP_OK)
        memcpy(known, bound, s->vars.n * sizeof *known);
    if (st == INTERP_OK)
        st = set_isolation(conn, s->isolation[0] ? s->isolation : isolation, err, errlen);
    if (st == INTERP_OK) {
        struct batch b;
        batch_prepare(it, p, &b);
        st = prepare_steps(it, known, bound, p, &b, err, errlen);
        batch_free(&b);
    }
    size_t nc = 1;
    for (size_t i = 0; st == INTERP_OK && i < s->n_steps; i++)
        if (it->stmts[i] && db_stmt_columns(it->stmts[i]) > nc)
            nc = db_stmt_columns(it->stmts[i]);
    if (st == INTERP_OK) {
        it->col_buf = calloc(nc, sizeof *it->col_buf);
        it->col_null_buf = calloc(nc, sizeof *it->col_null_buf);
        if (!it->col_buf || !it->col_null_buf) {
            snprintf(err, errlen, "out of memory");
            st = INTERP_DB_ERROR;
        }
    }
    free(known);
    if (st != INTERP_OK)
        interp_release(it);
    return st;
}

void interp_release(struct interp *it)
{
    if (it->col_vars && it->script)
        for (size_t i = 0; i < it->script->n_steps; i++)
            free(it->col_vars[i]);
    free(it->col_vars);
    free(it->expect_col);
    for (size_t i = 0; it->expand && it->script && i < it->script->n_steps; i++)
        if (it->expand[i]) {
            free(it->expand[i]->field);
            free(it->expand[i]->expands);
            free(it->expand[i]);
        }
    free(it->expand);
    free(it->stmts);
    free(it->each);
    free(it->param_buf);
    free(it->param_null_buf);
    free(it->col_buf);
    free(it->col_null_buf);
    memset(it, 0, sizeof *it);
}

/* The value of an operand; *null set when it is SQL NULL. */
static int64_t operand_value(const struct operand *o, const struct vars *v,
                             const struct db_result *last, bool *null)
{
    switch (o->kind) {
    case OPERAND_INT: return o->value;
    case OPERAND_AFFECTED: return last->affected;
    case OPERAND_FOUND: return last->found;
    case OPERAND_VAR:
        if (v->null[o->var])
            *null = true;
        return v->value[o->var];
    }
    return 0;
}

static bool compare(enum compare_op op, int64_t a, int64_t b)
{
    switch (op) {
    case CMP_GE: return a >= b;
    case CMP_GT: return a > b;
    case CMP_LE: return a <= b;
    case CMP_LT: return a < b;
    case CMP_EQ: return a == b;
    case CMP_NE: return a != b;
    }
    return false;
}

/* SQL semantics: a comparison with NULL is not true. Stores the compared values. */
static bool require_holds(const struct step *st, const struct vars *v, const struct db_result *last,
                          int64_t *av, int64_t *bv, bool *null)
{
    *null = false;
    int64_t a = *av = operand_value(&st->a, v, last, null);
    int64_t b = *bv = operand_value(&st->b, v, last, null);
    return !*null && compare(st->op, a, b);
}

/* The outcome of error e at step st: an @on's or @signal's (*own: a @signal's), else its class. */
static int map_error(const struct step *st, const struct db_error *e, bool *own)
{
    int cls = e->outcome;
    for (size_t i = 0; i < st->n_on; i++)
        if (st->on[i].code[0] ? strcmp(st->on[i].code, e->code) == 0 : st->on[i].class_outcome == cls) {
            *own = st->on[i].own;
            return st->on[i].outcome;
        }
    return cls;
}

/* Ends the open transaction as text, not prepared: preparing ROLLBACK on every connection cost
 * each buyer a round trip at start for a statement most purchases never run. */
static void rollback(struct interp *it)
{
    struct db_error e;
    if (db_execute(it->conn, "ROLLBACK", &e) != 0
        && e.outcome == OUTCOME_CONNECTION_LOST)
        it->broken = true;
}

const char *interp_column_name(const struct interp *it, int step, size_t c)
{
    return it->stmts[step] ? db_stmt_column_name(it->stmts[step], c) : NULL;
}

static void emit(const struct interp_hooks *hooks, const struct step_event *ev)
{
    if (hooks && hooks->after)
        hooks->after(hooks->ctx, ev);
}

/* Checks @expect step i against the read just before it (its first row in col_buf); a miss is
 * noted in out (the first per label) and the attempt goes on. */
static void check_expect(struct interp *it, size_t i, const struct db_result *last,
                         struct attempt *out, const struct interp_hooks *hooks)
{
    const struct expectation *x = &it->script->steps[i].expect;
    int c = it->expect_col[i];
    struct step_event ev = {.step = (int)i, .kind = EVENT_EXPECT, .outcome = -1, .b = x->value};
    if (c < 0)
        ev.a = last->affected;
    else if (!last->found || it->col_null_buf[c])
        ev.null = true;
    else
        ev.a = it->col_buf[c];
    ev.holds = !ev.null && compare(x->op, ev.a, x->value);
    uint32_t bit = 1u << x->label;
    if (!ev.holds && !(out->expect_missed & bit)) {
        out->expect_missed |= bit;
        out->expect_actual[x->label] = ev.a;
        out->expect_null[x->label] = ev.null;
        out->expect_step[x->label] = (int)i;
    }
    emit(hooks, &ev);
}

/* Ends the attempt at step i with outcome: rolls back an open transaction, tells the hooks. */
static void fail_step(struct interp *it, struct step_event *ev, bool in_txn, int outcome,
                      struct attempt *out, const struct interp_hooks *hooks)
{
    out->outcome = outcome;
    out->step = ev->step;
    ev->outcome = outcome;
    /* a lock timeout or a duplicate key may roll back only the statement: end the transaction ourselves */
    ev->rolled_back = in_txn && !it->broken;
    if (ev->rolled_back)
        rollback(it);
    emit(hooks, ev);
}

/* Fills the parameter buffers for SQL step i: a value per :name, or one per line for an
 * IN (:list.field); their count goes to *n_bound. Returns the statement to execute (an
 * expanding statement's variant for this many lines, prepared on its first use), or NULL with
 * e filled. */
static db_stmt *bind_values(struct interp *it, size_t i, const struct vars *v, size_t *n_bound,
                            struct db_error *e)
{
    const struct statement *st = &it->script->steps[i].stmt;
    const struct expansion *x = it->expand[i];
    const struct list_value *l = x ? &v->lists[x->list] : NULL;
    size_t b = 0;
    for (size_t k = 0; k < st->n_vars; k++) {
        if (x && x->field[k] >= 0) {
            for (int j = 0; j < l->n; j++, b++) {
                it->param_buf[b] = l->item[j][x->field[k]];
                it->param_null_buf[b] = false;
            }
            continue;
        }
        it->param_buf[b] = v->value[st->vars[k]];
        it->param_null_buf[b++] = v->null[st->vars[k]];
    }
    *n_bound = b;
    if (!x)
        return it->stmts[i];
    return x->by_count[l->n] ? x->by_count[l->n] : prepare_variant(it, i, l->n, e);
}

/* Runs SQL step i; returns 0, or -1 having filled out (and rolled back if needed). */
static int run_sql(struct interp *it, size_t i, struct vars *v, bool *in_txn,
                   struct db_result *last, struct attempt *out, const struct interp_hooks *hooks)
{
    const struct step *st = &it->script->steps[i];
    size_t n_bound = 0;
    db_stmt *stmt = bind_values(it, i, v, &n_bound, &out->error);
    struct step_event ev = {.step = (int)i, .outcome = -1, .params = it->param_buf,
                            .param_nulls = it->param_null_buf, .n_params = n_bound};
    if (!stmt || db_stmt_execute(stmt, it->param_buf, it->param_null_buf, it->col_buf,
                                 it->col_null_buf, last, &out->error) != 0) {
        ev.kind = EVENT_SQL_ERROR;
        ev.error = &out->error;
        int outcome = map_error(st, &out->error, &out->own_error);
        if (out->error.outcome == OUTCOME_CONNECTION_LOST) {
            it->broken = true;
            if (st->stmt.kind == SQL_COMMIT)
                outcome = OUTCOME_IN_DOUBT;
        }
        fail_step(it, &ev, *in_txn, outcome, out, hooks);
        return -1;
    }
    if (last->insert_id)
        out->insert_id = last->insert_id;
    if (st->stmt.kind == SQL_BEGIN)
        *in_txn = true;
    else if (st->stmt.kind == SQL_COMMIT || st->stmt.kind == SQL_ROLLBACK)
        *in_txn = false;
    size_t nc = db_stmt_columns(it->stmts[i]);
    for (size_t c = 0; c < nc; c++) {
        int var = it->col_vars[i][c];
        if (var >= 0) {
            v->value[var] = last->found ? it->col_buf[c] : 0;
            v->null[var] = !last->found || it->col_null_buf[c];
        }
    }
    ev.kind = EVENT_SQL;
    ev.result = last;
    ev.cols = it->col_buf;
    ev.nulls = it->col_null_buf;
    ev.n_cols = last->found ? nc : 0;
    emit(hooks, &ev);
    return 0;
}

/* The loop of an @each: the lines in the order walked, and where it is. */
struct loop {
    int order[LIST_ITEMS_MAX];
    int n, at;
};

/* Starts @each step i: orders the lines; returns false when the list is empty. */
static bool loop_start(const struct interp *it, size_t i, const struct vars *v, struct loop *lp)
{
    const struct each_plan *plan = &it->each[i];
    const struct list_value *l = &v->lists[plan->list];
    lp->n = l->n;
    lp->at = 0;
    for (int k = 0; k < l->n; k++) {         /* insertion sort: a cart has a few lines */
        int j = k;
        for (; plan->sorted_by >= 0 && j > 0
               && l->item[lp->order[j - 1]][plan->sorted_by] > l->item[k][plan->sorted_by];
             j--)
            lp->order[j] = lp->order[j - 1];
        lp->order[j] = k;
    }
    return lp->n > 0;
}

/* Binds the :item.field vars of @each step i to the loop's current line. */
static void loop_bind(const struct interp *it, size_t i, struct vars *v, const struct loop *lp)
{
    const struct each_plan *plan = &it->each[i];
    const int64_t *line = v->lists[plan->list].item[lp->order[lp->at]];
    for (int k = 0; k < plan->n_vars; k++) {
        v->value[plan->vars[k]] = line[plan->fields[k]];
        v->null[plan->vars[k]] = false;
    }
}

void interp_run(struct interp *it, struct vars *v, const struct interp_hooks *hooks,
                struct attempt *out)
{
    const struct script *s = it->script;
    struct db_result last = {0};
    struct loop loop = {0};
    bool in_txn = false;
    out->outcome = OUTCOME_OK;
    out->step = -1;
    out->error = (struct db_error){.outcome = OUTCOME_OK};
    out->own_error = false;
    out->expect_missed = 0;
    out->insert_id = 0;
    for (size_t i = 0; i < s->n_steps; i++) {
        const struct step *st = &s->steps[i];
        if (it->role && st->role != it->role)
            continue;
        if (st->kind == STEP_EACH) {
            if (loop_start(it, i, v, &loop))
                loop_bind(it, i, v, &loop);
            else
                i = st->other;                   /* an empty list: past its @end */
            continue;
        }
        if (st->kind == STEP_END) {
            if (++loop.at < loop.n) {
                loop_bind(it, st->other, v, &loop);
                i = st->other;                   /* the next line: the step after @each */
            }
            continue;
        }
        if ((st->kind == STEP_SQL || st->kind == STEP_WINDOW) && hooks && hooks->before)
            hooks->before(hooks->ctx, (int)i);
        if (st->kind == STEP_SQL) {
            if (run_sql(it, i, v, &in_txn, &last, out, hooks))
                return;
        } else if (st->kind == STEP_EXPECT) {
            check_expect(it, i, &last, out, hooks);
        } else if (st->kind == STEP_REQUIRE) {
            struct step_event ev = {.step = (int)i, .kind = EVENT_REQUIRE, .outcome = -1};
            ev.holds = require_holds(st, v, &last, &ev.a, &ev.b, &ev.null);
            if (!ev.holds) {
                fail_step(it, &ev, in_txn, st->outcome, out, hooks);
                return;
            }
            emit(hooks, &ev);
        } else {
            if (hooks && hooks->window)
                hooks->window(hooks->ctx);
            emit(hooks, &(struct step_event){.step = (int)i, .kind = EVENT_WINDOW, .outcome = -1});
        }
    }
}
