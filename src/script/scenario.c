/* scenario.c — parse a scenario file: @param, @units, @setup, @invariant, @recorded, @remaining,
 * @watch. */
#include "scenario.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "text.h"

/* Where the next statement goes. */
enum section { SECTION_NONE, SECTION_SETUP, SECTION_INVARIANT, SECTION_RECORDED, SECTION_REMAINING,
               SECTION_WATCH, SECTION_ACKNOWLEDGED };

struct parser {
    struct scenario *sc;
    const char *path;
    int line;
    enum section section;
    char *err;
    size_t errlen;
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

int scenario_param(const struct scenario *sc, const char *name)
{
    for (size_t i = 0; i < sc->n_params; i++)
        if (strcmp(sc->params[i].name, name) == 0)
            return (int)i;
    return -1;
}

int scenario_units(const struct scenario *sc, int *field)
{
    char name[sizeof sc->units];
    snprintf(name, sizeof name, "%s", sc->units);
    char *dot = strchr(name, '.');
    *field = -1;
    if (dot)
        *dot++ = '\0';
    int i = name[0] ? scenario_param(sc, name) : -1;
    if (i < 0 || !dot)
        return i;
    const struct param_decl *d = &sc->params[i];
    if (d->kind != PARAM_LIST)
        return -1;
    for (int k = 0; k < d->n_fields; k++)
        if (strcmp(d->fields[k], dot) == 0) {
            *field = k;
            return i;
        }
    return -1;
}

/* Copies a "quoted description" at the end of text into out and cuts it off text. */
static int take_description(struct parser *p, char *text, char *out, size_t outlen)
{
    char *q = strchr(text, '"');
    if (!q)
        return 0;
    char *end = strrchr(text, '"');
    if (end == q || end[1] != '\0')
        return fail(p, "a description is one \"quoted text\" at the end of the line");
    *end = '\0';
    snprintf(out, outlen, "%s", q + 1);
    *q = '\0';
    return 0;
}

static int copy_text(struct parser *p, char *out, const char *text)
{
    if (strlen(text) >= PARAM_TEXT_MAX || !*text)
        return fail(p, "parameter value '%s' is empty or too long", text);
    strcpy(out, text);
    return 0;
}

/* "product, qty": the parameters (declared above, drawn per purchase) each list line draws. */
static int list_fields(struct parser *p, struct param_decl *d, char *text)
{
    for (char *f = strtok(text, ", \t"); f; f = strtok(NULL, ", \t")) {
        int i = scenario_param(p->sc, f);
        if (i < 0 || p->sc->params[i].kind != PARAM_RANGE)
            return fail(p, "'%s': a list's lines draw parameters declared above as ranges", f);
        if (d->n_fields == LIST_FIELDS_MAX)
            return fail(p, "a list line draws at most %d parameters", LIST_FIELDS_MAX);
        snprintf(d->fields[d->n_fields++], sizeof d->fields[0], "%s", f);
    }
    return d->n_fields ? 0 : fail(p, "expected 'LO..HI lines of PARAM[, PARAM]'");
}

/* Fills the value part of a @param: "EXPR", "LO..HI [by DIST]", "uniform", "zipf:S",
 * "LO..HI lines of A, B". */
static int param_value(struct parser *p, struct param_decl *d, char *value)
{
    for (;;) {                     /* "min N" and "max EXPR", in either order: the last first */
        char *min = strstr(value, " min "), *max = strstr(value, " max ");
        if (!min && !max)
            break;
        if (min && (!max || min > max)) {
            char *end;
            d->min = strtoll(min + 5, &end, 10);
            if (end == min + 5 || *text_trim(end))
                return fail(p, "'min' takes an integer");
            *min = '\0';
        } else {
            if (copy_text(p, d->max, text_trim(max + 5)))
                return -1;
            *max = '\0';
        }
    }
    value = text_trim(value);
    if (strcmp(value, "flag") == 0) {
        d->kind = PARAM_INT;
        d->flag = true;
        return copy_text(p, d->lo, "0");
    }
    if (strcmp(value, "uniform") == 0 || strncmp(value, "zipf:", 5) == 0) {
        d->kind = PARAM_DIST;
        return copy_text(p, d->lo, value);
    }
    char *lines = strstr(value, " lines of ");
    if (lines) {
        *lines = '\0';
        if (list_fields(p, d, lines + 10))
            return -1;
    }
    char *dots = strstr(value, "..");
    if (!dots && lines)
        dots = value + strlen(value);     /* "3 lines of ...": exactly 3 */
    if (!dots) {
        d->kind = PARAM_INT;
        return copy_text(p, d->lo, value);
    }
    d->kind = lines ? PARAM_LIST : PARAM_RANGE;
    char *hi = *dots ? dots + 2 : value;
    if (*dots)
        *dots = '\0';
    if (lines)
        return copy_text(p, d->lo, text_trim(value)) || copy_text(p, d->hi, text_trim(hi)) ? -1 : 0;
    char *by = strstr(hi, " by ");
    if (by) {
        *by = '\0';
        snprintf(d->by, sizeof d->by, "%s", text_trim(by + 4));
        int i = scenario_param(p->sc, d->by);
        if (i < 0 || p->sc->params[i].kind != PARAM_DIST)
            return fail(p, "'by %s' must name a distribution parameter declared above", d->by);
    }
    return copy_text(p, d->lo, text_trim(value)) || copy_text(p, d->hi, text_trim(hi)) ? -1 : 0;
}

/* @param NAME = VALUE [min N] [max EXPR] ["description"] */
static int directive_param(struct parser *p, char *rest)
{
    struct scenario *sc = p->sc;
    if (sc->n_params == SCENARIO_PARAMS_MAX)
        return fail(p, "too many parameters (at most %d)", SCENARIO_PARAMS_MAX);
    struct param_decl *d = &sc->params[sc->n_params];
    memset(d, 0, sizeof *d);
    d->line = p->line;
    if (take_description(p, rest, d->description, sizeof d->description))
        return -1;
    char *eq = strchr(rest, '=');
    if (!eq)
        return fail(p, "expected '@param NAME = VALUE [min N] [max EXPR] [\"description\"]'");
    *eq = '\0';
    char *name = text_trim(rest);
    if (!name_is_valid(name))
        return fail(p, "'%s' is not a parameter name", name);
    if (scenario_param(sc, name) >= 0 || strcmp(name, "users") == 0 || strcmp(name, "user") == 0
        || strcmp(name, "rounds") == 0 || strcmp(name, "round") == 0)
        return fail(p, "parameter '%s' is already defined", name);
    snprintf(d->name, sizeof d->name, "%s", name);
    if (param_value(p, d, eq + 1))
        return -1;
    sc->n_params++;
    return 0;
}

/* @invariant NAME "description" — the next statement is its query. */
static int directive_invariant(struct parser *p, char *rest)
{
    struct scenario *sc = p->sc;
    if (sc->n_invariants == SCENARIO_INVARIANTS_MAX)
        return fail(p, "too many invariants (at most %d)", SCENARIO_INVARIANTS_MAX);
    struct invariant *inv = &sc->invariants[sc->n_invariants];
    memset(inv, 0, sizeof *inv);
    if (take_description(p, rest, inv->description, sizeof inv->description))
        return -1;
    char *name = text_trim(rest);
    if (!name_is_valid(name))
        return fail(p, "expected '@invariant NAME \"description\"'");
    snprintf(inv->name, sizeof inv->name, "%s", name);
    p->section = SECTION_INVARIANT;
    return 0;
}

/* -- @watch NAME [OP INTEGER]: the contended value, and what it must stay (stock >= 0). */
static int directive_watch(struct parser *p, char *rest)
{
    struct scenario *sc = p->sc;
    static const char *const ops[] = {">=", "<=", "!=", ">", "<", "="};
    if (sc->has_watch)
        return fail(p, "@watch given twice");
    char *name = text_trim(rest);
    size_t len = strcspn(name, " \t<>=!");
    char *tail = text_trim(name + len);
    name[len] = '\0';
    if (!name_is_valid(name))
        return fail(p, "expected '@watch NAME [OP INTEGER]' (the value its query returns, e.g. stock >= 0)");
    snprintf(sc->watch_name, sizeof sc->watch_name, "%s", name);
    sc->watch_op[0] = '\0';
    for (size_t i = 0; *tail && i < sizeof ops / sizeof *ops; i++)
        if (strncmp(tail, ops[i], strlen(ops[i])) == 0) {
            char *end;
            long long bound = strtoll(tail + strlen(ops[i]), &end, 10);
            if (end == tail + strlen(ops[i]) || *text_trim(end))
                return fail(p, "@watch %s %s: expected an integer after it", name, ops[i]);
            snprintf(sc->watch_op, sizeof sc->watch_op, "%s", ops[i]);
            sc->watch_bound = bound;
            break;
        }
    if (*tail && !sc->watch_op[0])
        return fail(p, "@watch %s: expected OP INTEGER after the name (>=, >, <=, <, =, !=)", name);
    p->section = SECTION_WATCH;
    return 0;
}

static int directive(struct parser *p, const char *text)
{
    char copy[512];
    if (strlen(text) >= sizeof copy)
        return fail(p, "directive too long");
    strcpy(copy, text);
    char *word = copy;
    char *rest = copy + strcspn(copy, " \t");
    if (*rest)
        *rest++ = '\0';
    if (p->section >= SECTION_INVARIANT)
        return fail(p, "the previous directive needs its query statement first");
    if (strcmp(word, "param") == 0)
        return directive_param(p, rest);
    if (strcmp(word, "units") == 0) {
        rest = text_trim(rest);
        snprintf(p->sc->units, sizeof p->sc->units, "%s", rest);
        int field;
        if (scenario_units(p->sc, &field) < 0)
            return fail(p, "@units must name a parameter declared above, or LIST.FIELD: a field of a "
                        "list parameter (cart.qty), its lines summed");
        return 0;
    }
    if (strcmp(word, "setup") == 0) {
        p->section = SECTION_SETUP;
        return 0;
    }
    if (strcmp(word, "invariant") == 0)
        return directive_invariant(p, rest);
    if (strcmp(word, "recorded") == 0) {
        if (p->sc->has_recorded)
            return fail(p, "@recorded given twice");
        p->section = SECTION_RECORDED;
        return 0;
    }
    if (strcmp(word, "remaining") == 0) {
        if (p->sc->has_remaining)
            return fail(p, "@remaining given twice");
        p->section = SECTION_REMAINING;
        return 0;
    }
    if (strcmp(word, "watch") == 0)
        return directive_watch(p, rest);
    if (strcmp(word, "acknowledged") == 0) {
        if (p->sc->has_acknowledged)
            return fail(p, "@acknowledged given twice");
        p->section = SECTION_ACKNOWLEDGED;
        return 0;
    }
    return fail(p, "unknown scenario directive '@%s' (param, units, setup, invariant, recorded, "
                   "remaining, watch, acknowledged)", word);
}

static int statement(struct parser *p, const char *text)
{
    struct scenario *sc = p->sc;
    struct statement st;
    char msg[256];
    if (p->section == SECTION_NONE)
        return fail(p, "a statement before '-- @setup', '-- @invariant' or '-- @recorded'");
    if (statement_compile(text, p->line, &sc->vars, &st, msg, sizeof msg))
        return fail(p, "%s", msg);
    if (p->section == SECTION_SETUP) {
        struct statement *v = realloc(sc->setup, (sc->n_setup + 1) * sizeof *v);
        if (!v) {
            statement_free(&st);
            return fail(p, "out of memory");
        }
        sc->setup = v;
        v[sc->n_setup++] = st;
    } else if (p->section == SECTION_INVARIANT) {
        sc->invariants[sc->n_invariants++].stmt = st;
        p->section = SECTION_NONE;
    } else if (p->section == SECTION_RECORDED) {
        sc->recorded = st;
        sc->has_recorded = true;
        p->section = SECTION_NONE;
    } else if (p->section == SECTION_WATCH) {
        sc->watch = st;
        sc->has_watch = true;
        p->section = SECTION_NONE;
    } else if (p->section == SECTION_ACKNOWLEDGED) {
        if (st.n_vars) {
            statement_free(&st);
            return fail(p, "the @acknowledged query takes no :parameters");
        }
        sc->acknowledged = st;
        sc->has_acknowledged = true;
        p->section = SECTION_NONE;
    } else {
        sc->remaining = st;
        sc->has_remaining = true;
        p->section = SECTION_NONE;
    }
    return 0;
}

/* Lowers *line to st's line if st binds var. */
static void first_use(const struct statement *st, int var, int *line)
{
    for (size_t j = 0; j < st->n_vars; j++)
        if (st->vars[j] == var && (*line == 0 || st->line < *line))
            *line = st->line;
}

static int check_complete(struct parser *p)
{
    if (p->section >= SECTION_INVARIANT)
        return fail(p, "the last directive has no query statement");
    if (p->sc->n_setup == 0)
        return fail(p, "no '-- @setup' statements");
    for (size_t i = 0; i < p->sc->vars.n; i++)
        if (scenario_param(p->sc, p->sc->vars.v[i]) < 0 && strcmp(p->sc->vars.v[i], "users") != 0
            && strcmp(p->sc->vars.v[i], "rounds") != 0) {
            int line = 0;   /* point at the statement that uses it, not the end of the file */
            for (size_t k = 0; k < p->sc->n_setup; k++)
                first_use(&p->sc->setup[k], (int)i, &line);
            for (size_t k = 0; k < p->sc->n_invariants; k++)
                first_use(&p->sc->invariants[k].stmt, (int)i, &line);
            if (p->sc->has_recorded)
                first_use(&p->sc->recorded, (int)i, &line);
            if (p->sc->has_remaining)
                first_use(&p->sc->remaining, (int)i, &line);
            if (p->sc->has_watch)
                first_use(&p->sc->watch, (int)i, &line);
            if (line)
                p->line = line;
            return fail(p, ":%s is not a parameter of the scenario", p->sc->vars.v[i]);
        }
    return 0;
}

int scenario_parse(const char *path, const char *name, struct scenario *sc, char *err, size_t errlen)
{
    memset(sc, 0, sizeof *sc);
    struct sql_file f;
    if (sqltext_read(path, &f, err, errlen))
        return -1;
    struct parser p = {.sc = sc, .path = path, .err = err, .errlen = errlen};
    snprintf(sc->name, sizeof sc->name, "%s", name);
    sc->path = strdup(path);
    int rc = sc->path ? 0 : fail(&p, "out of memory");
    for (size_t i = 0; rc == 0 && i < f.n_items; i++) {
        const struct sql_item *it = &f.items[i];
        p.line = it->line;
        if (it->kind == ITEM_COMMENT) {
            if (!sc->description && *it->text && !(sc->description = strdup(it->text)))
                rc = fail(&p, "out of memory");
            continue;
        }
        rc = it->kind == ITEM_DIRECTIVE ? directive(&p, it->text) : statement(&p, it->text);
    }
    if (rc == 0)
        rc = check_complete(&p);
    if (rc == 0 && !sc->description && !(sc->description = strdup("")))
        rc = fail(&p, "out of memory");
    sqltext_free(&f);
    if (rc)
        scenario_free(sc);
    return rc;
}

int scenario_override_setup(struct scenario *sc, const char *path, char *err, size_t errlen)
{
    struct sql_file f;
    if (sqltext_read(path, &f, err, errlen))
        return -1;
    struct scenario mine = *sc;          /* sc's parameters and names; a setup of its own */
    mine.setup = NULL;
    mine.n_setup = 0;
    struct parser p = {.sc = &mine, .path = path, .err = err, .errlen = errlen};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < f.n_items; i++) {
        const struct sql_item *it = &f.items[i];
        p.line = it->line;
        if (it->kind == ITEM_COMMENT)
            continue;
        if (it->kind == ITEM_DIRECTIVE && (strncmp(it->text, "setup", 5) != 0
                                            || (it->text[5] && !isspace((unsigned char)it->text[5]))))
            rc = fail(&p, "an engine's setup.sql holds only '-- @setup' and its statements");
        else
            rc = it->kind == ITEM_DIRECTIVE ? directive(&p, it->text) : statement(&p, it->text);
    }
    if (rc == 0 && mine.n_setup == 0)
        rc = fail(&p, "no '-- @setup' statements");
    for (size_t i = 0; rc == 0 && i < mine.n_setup; i++)
        for (size_t k = 0; rc == 0 && k < mine.setup[i].n_vars; k++) {
            const char *name = mine.vars.v[mine.setup[i].vars[k]];
            p.line = mine.setup[i].line;
            if (scenario_param(&mine, name) < 0 && strcmp(name, "users") != 0
                && strcmp(name, "rounds") != 0)
                rc = fail(&p, ":%s is not a parameter of the scenario", name);
        }
    char *copy = rc == 0 ? strdup(path) : NULL;
    if (rc == 0 && !copy)
        rc = fail(&p, "out of memory");
    sc->vars = mine.vars;                /* names the file added (the array may have moved) */
    if (rc == 0) {
        for (size_t i = 0; i < sc->n_setup; i++)
            statement_free(&sc->setup[i]);
        free(sc->setup);
        sc->setup = mine.setup;
        sc->n_setup = mine.n_setup;
        free(sc->setup_path);
        sc->setup_path = copy;
    } else {
        for (size_t i = 0; i < mine.n_setup; i++)
            statement_free(&mine.setup[i]);
        free(mine.setup);
    }
    sqltext_free(&f);
    return rc;
}

int scenario_add_setup(struct scenario *sc, const char *path, char *err, size_t errlen)
{
    struct sql_file f;
    if (sqltext_read(path, &f, err, errlen))
        return -1;
    size_t i = 0;
    while (i < f.n_items && !(f.items[i].kind == ITEM_DIRECTIVE && strcmp(f.items[i].text, "setup") == 0))
        i++;
    struct parser p = {.sc = sc, .path = path, .err = err, .errlen = errlen,
                       .section = SECTION_SETUP};
    size_t from = sc->n_setup;
    int rc = 0;
    for (i++; rc == 0 && i < f.n_items; i++) {
        const struct sql_item *it = &f.items[i];
        p.line = it->line;
        if (it->kind == ITEM_DIRECTIVE)
            rc = fail(&p, "'-- @%s' after '-- @setup': a strategy's setup comes last", it->text);
        else if (it->kind == ITEM_STATEMENT)
            rc = statement(&p, it->text);
    }
    for (size_t k = from; rc == 0 && k < sc->n_setup; k++)
        for (size_t v = 0; rc == 0 && v < sc->setup[k].n_vars; v++) {
            const char *name = sc->vars.v[sc->setup[k].vars[v]];
            p.line = sc->setup[k].line;
            if (scenario_param(sc, name) < 0 && strcmp(name, "users") != 0
                && strcmp(name, "rounds") != 0)
                rc = fail(&p, ":%s is not a parameter of the scenario", name);
        }
    if (rc == 0 && sc->n_setup > from) {
        free(sc->strategy_setup_path);
        sc->strategy_setup_path = strdup(path);
        sc->strategy_setup_from = from;
        if (!sc->strategy_setup_path)
            rc = fail(&p, "out of memory");
    }
    sqltext_free(&f);
    return rc;
}

void scenario_free(struct scenario *sc)
{
    for (size_t i = 0; i < sc->n_setup; i++)
        statement_free(&sc->setup[i]);
    free(sc->setup);
    for (size_t i = 0; i < sc->n_invariants; i++)
        statement_free(&sc->invariants[i].stmt);
    if (sc->has_recorded)
        statement_free(&sc->recorded);
    if (sc->has_remaining)
        statement_free(&sc->remaining);
    if (sc->has_watch)
        statement_free(&sc->watch);
    if (sc->has_acknowledged)
        statement_free(&sc->acknowledged);
    names_free(&sc->vars);
    free(sc->description);
    free(sc->path);
    free(sc->setup_path);
    free(sc->strategy_setup_path);
    memset(sc, 0, sizeof *sc);
}
