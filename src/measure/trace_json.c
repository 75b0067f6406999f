/* trace_json.c — the trace as data: one JSON object a line per event, Jepsen-history style
 * (a statement's invoke, then its ok/fail/info), with bound values, rows and times in µs. */
#include "trace.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "outcome.h"

#define TEXT_MAX 2048

static const char *const kind_names[] = {"sql", "error", "require", "window", "wait", "end"};

/* The Jepsen type of a recorded event: a statement that returned is ok, one the server refused
 * is fail, unless the connection was lost (then nobody knows: info); every other step is info. */
static const char *completion_type(const struct trace_event *ev)
{
    if (ev->kind == TRACE_SQL)
        return "ok";
    if (ev->kind == TRACE_ERROR)
        return ev->error.outcome == OUTCOME_CONNECTION_LOST || ev->outcome == OUTCOME_IN_DOUBT
               ? "info" : "fail";
    return "info";
}

static bool is_statement(const struct trace_event *ev)
{
    return ev->kind == TRACE_SQL || ev->kind == TRACE_ERROR;
}

/* The values bound, by :name (each name once); values of an expanded IN list under "list". */
static void add_bound(cJSON *o, const struct trace_event *ev, const struct script *s)
{
    cJSON *bound = cJSON_AddObjectToObject(o, "bound");
    cJSON *list = NULL;
    for (int k = 0; bound && k < ev->n_params; k++) {
        cJSON *v = ev->param_nulls[k] ? cJSON_CreateNull() : cJSON_CreateNumber((double)ev->params[k]);
        if (ev->param_vars[k] < 0) {
            if (!list)
                list = cJSON_AddArrayToObject(bound, "list");
            cJSON_AddItemToArray(list, v);
        } else if (!cJSON_GetObjectItemCaseSensitive(bound, s->vars.v[ev->param_vars[k]])) {
            cJSON_AddItemToObject(bound, s->vars.v[ev->param_vars[k]], v);
        } else {
            cJSON_Delete(v);
        }
    }
    if (ev->params_cut)
        cJSON_AddBoolToObject(o, "bound_cut", true);
}

/* What identifies an event and its statement: buyer, purchase, attempt, step, line. */
static cJSON *base_object(const struct trace *t, const struct trace_event *ev, const struct script *s,
                          const char *type, int64_t t_us)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "type", type);
    cJSON_AddNumberToObject(o, "t_ms", (double)t_us / 1000);
    cJSON_AddNumberToObject(o, "buyer", ev->buyer);
    cJSON_AddNumberToObject(o, "purchase", ev->purchase);
    cJSON_AddNumberToObject(o, "attempt", ev->attempt);
    if (t->lockstep)
        cJSON_AddNumberToObject(o, "round", ev->round);
    cJSON_AddStringToObject(o, "event", ev->kind == TRACE_ERROR && !strcmp(type, "invoke")
                                        ? "sql" : kind_names[ev->kind]);
    if (ev->step >= 0) {
        cJSON_AddNumberToObject(o, "step", ev->step);
        cJSON_AddNumberToObject(o, "line", s->steps[ev->step].line);
    }
    if (is_statement(ev)) {
        char text[TEXT_MAX];
        trace_statement_text(ev, s, text, sizeof text);
        cJSON_AddStringToObject(o, "statement", s->steps[ev->step].stmt.text);
        cJSON_AddStringToObject(o, "sql", text);
        add_bound(o, ev, s);
    }
    return o;
}

/* Where the lines go: printed to a file, one a line, or added to an array. */
struct sink {
    FILE *out;
    cJSON *array;
};

static void emit(struct sink *k, cJSON *o)
{
    if (!o)
        return;
    if (k->array) {
        cJSON_AddItemToArray(k->array, o);
        return;
    }
    char *line = cJSON_PrintUnformatted(o);
    if (line)
        fprintf(k->out, "%s\n", line);
    free(line);
    cJSON_Delete(o);
}

/* The invoke line of statement event ev: when it started, at the step it was let run. */
static void print_invoke(struct sink *out, const struct trace *t, const struct trace_event *ev,
                         const struct script *s, int round)
{
    struct trace_event at = *ev;
    at.round = round;
    cJSON *o = base_object(t, &at, s, "invoke", ev->at_us - ev->took_us);
    if (o)
        cJSON_AddNumberToObject(o, "start_us", (double)(ev->at_us - ev->took_us));
    emit(out, o);
}

static void add_result(cJSON *o, const struct trace_event *ev, const struct script *s)
{
    const struct statement *st = &s->steps[ev->step].stmt;
    if (ev->kind == TRACE_ERROR) {
        cJSON_AddNumberToObject(o, "errno", ev->error.errnum);
        cJSON_AddStringToObject(o, "code", ev->error.code);
        const char *name = outcome_builtin_name(ev->error.outcome);
        cJSON_AddStringToObject(o, "error", name ? name : "error");
        return;
    }
    if (st->kind == SQL_SELECT || ev->n_cols > 0) {
        cJSON_AddBoolToObject(o, "found", ev->found);
        cJSON *read = cJSON_AddObjectToObject(o, "read");
        for (int c = 0; read && c < ev->n_cols; c++)
            cJSON_AddItemToObject(read, ev->col_names[c], ev->nulls[c] ? cJSON_CreateNull()
                                  : cJSON_CreateNumber((double)ev->cols[c]));
    }
    if (st->kind == SQL_SELECT || st->kind == SQL_OTHER)
        cJSON_AddNumberToObject(o, "rows", (double)ev->affected);
}

/* The line of a recorded event: a statement's completion, or an info line for the others. */
static void print_event(struct sink *out, const struct trace *t, const struct trace_event *ev,
                        const struct script *s)
{
    cJSON *o = base_object(t, ev, s, completion_type(ev), ev->at_us);
    if (!o)
        return;
    char text[TEXT_MAX];
    trace_describe(ev, s, text, sizeof text);
    cJSON_AddStringToObject(o, "text", text);
    if (is_statement(ev)) {
        cJSON_AddNumberToObject(o, "start_us", (double)(ev->at_us - ev->took_us));
        cJSON_AddNumberToObject(o, "end_us", (double)ev->at_us);
        add_result(o, ev, s);
    } else {
        cJSON_AddNumberToObject(o, "end_us", (double)ev->at_us);
    }
    if (ev->kind == TRACE_REQUIRE) {
        cJSON_AddNumberToObject(o, "a", (double)ev->a);
        cJSON_AddNumberToObject(o, "b", (double)ev->b);
        cJSON_AddBoolToObject(o, "holds", ev->holds);
    }
    if (ev->kind == TRACE_WAIT || ev->waited_us > 0) {
        cJSON_AddNumberToObject(o, "blocker", ev->blocker);
        cJSON_AddNumberToObject(o, "waited_for", ev->blocker);
    }
    if (ev->waited_us > 0)
        cJSON_AddNumberToObject(o, "waited_ms", (double)ev->waited_us / 1000);
    if (ev->kind == TRACE_END || ev->outcome >= 0)
        cJSON_AddStringToObject(o, "outcome", ev->outcome >= 0 ? s->outcomes[ev->outcome] : "");
    if (ev->kind == TRACE_END && ev->retry > 0)
        cJSON_AddNumberToObject(o, "retry", ev->retry);
    if (ev->rolled_back)
        cJSON_AddBoolToObject(o, "rolled_back", true);
    if (ev->has_state) {
        cJSON *state = cJSON_AddObjectToObject(o, "state");
        if (state)
            cJSON_AddItemToObject(state, t->state_name[0] ? t->state_name : "value",
                                  ev->state_null ? cJSON_CreateNull()
                                  : cJSON_CreateNumber((double)ev->state));
        if (t->state_op[0])
            cJSON_AddBoolToObject(o, "state_holds", trace_state_holds(t, ev->state));
    }
    emit(out, o);
}

/* The recorded statement that a wait event at index i belongs to: the same buyer's next statement. */
static const struct trace_event *waited_statement(const struct trace *t, size_t i)
{
    for (size_t j = i + 1; j < t->n; j++)
        if (t->v[j].buyer == t->v[i].buyer)
            return is_statement(&t->v[j]) ? &t->v[j] : NULL;
    return NULL;
}

/* Every event of t into k, each statement's invoke line before it. */
static void write_events(struct sink *k, const struct trace *t, const struct script *s)
{
    bool *invoked = calloc((size_t)t->buyers + 1, sizeof *invoked);  /* invoke already written */
    if (!invoked)
        return;
    for (size_t i = 0; i < t->n; i++) {
        const struct trace_event *ev = &t->v[i];
        if (ev->kind == TRACE_WAIT) {          /* it blocked: it was invoked at this step */
            const struct trace_event *st = waited_statement(t, i);
            if (st && ev->buyer <= t->buyers && !invoked[ev->buyer]) {
                print_invoke(k, t, st, s, ev->round);
                invoked[ev->buyer] = true;
            }
        } else if (is_statement(ev) && ev->buyer <= t->buyers) {
            if (!invoked[ev->buyer])
                print_invoke(k, t, ev, s, ev->round);
            invoked[ev->buyer] = false;
        }
        print_event(k, t, ev, s);
    }
    free(invoked);
}

void trace_print_json(FILE *out, const struct trace *t, const struct script *s)
{
    struct sink k = {.out = out};
    write_events(&k, t, s);
}

cJSON *trace_json_array(const struct trace *t, const struct script *s)
{
    struct sink k = {.array = cJSON_CreateArray()};
    if (k.array)
        write_events(&k, t, s);
    return k.array;
}
