/* trace.c — record steps per buyer, merge them into one timeline, describe and draw it. */
#include "trace.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "text.h"

#define CELL_MAX 512

int trace_add(struct trace_log *log, const struct trace_event *ev)
{
    if (log->n == log->cap) {
        size_t cap = log->cap ? log->cap * 2 : 64;
        struct trace_event *v = realloc(log->v, cap * sizeof *v);
        if (!v)
            return -1;
        log->v = v;
        log->cap = cap;
    }
    log->v[log->n] = *ev;
    log->v[log->n].seq = (int)log->n;
    log->n++;
    return 0;
}

void trace_log_free(struct trace_log *log)
{
    free(log->v);
    memset(log, 0, sizeof *log);
}

static bool lockstep_order;   /* qsort has no context argument: set only inside trace_merge */

static int by_time(const void *pa, const void *pb)
{
    const struct trace_event *a = pa, *b = pb;
    if (lockstep_order) {         /* step, then that step's own events, then resumed buyers' */
        if (a->round != b->round)
            return a->round < b->round ? -1 : 1;
        if (a->order != b->order)
            return a->order < b->order ? -1 : 1;
        if (a->buyer != b->buyer)
            return a->buyer < b->buyer ? -1 : 1;
        return a->seq < b->seq ? -1 : a->seq > b->seq;
    }
    if (a->at_us != b->at_us)
        return a->at_us < b->at_us ? -1 : 1;
    if (a->buyer != b->buyer)
        return a->buyer < b->buyer ? -1 : 1;
    return 0;
}

int trace_merge(struct trace *t, struct trace_log *logs, int n, bool lockstep)
{
    memset(t, 0, sizeof *t);
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += logs[i].n;
    t->v = malloc((total ? total : 1) * sizeof *t->v);
    if (!t->v)
        return -1;
    for (int i = 0; i < n; i++) {
        memcpy(t->v + t->n, logs[i].v, logs[i].n * sizeof *t->v);
        t->n += logs[i].n;
    }
    t->buyers = n;
    t->lockstep = lockstep;
    lockstep_order = lockstep;
    qsort(t->v, t->n, sizeof *t->v, by_time);
    return 0;
}

bool trace_state_holds(const struct trace *t, int64_t v)
{
    const char *op = t->state_op;
    int64_t b = t->state_bound;
    return !strcmp(op, ">=") ? v >= b : !strcmp(op, ">") ? v > b : !strcmp(op, "<=") ? v <= b
           : !strcmp(op, "<") ? v < b : !strcmp(op, "=") ? v == b : !strcmp(op, "!=") ? v != b : true;
}

void trace_attach_states(struct trace *t, const char *name, const char *op, int64_t bound,
                         const int64_t *values, const bool *known, int n)
{
    snprintf(t->state_name, sizeof t->state_name, "%s", name);
    snprintf(t->state_op, sizeof t->state_op, "%s", op);
    t->state_bound = bound;
    t->has_initial_state = n > 0 && known[0];
    t->initial_state = t->has_initial_state ? values[0] : 0;
    for (size_t i = 0, j; i < t->n; i = j) {
        size_t carrier = i;      /* the step's own statement's last event, else its last event */
        for (j = i; j < t->n && t->v[j].round == t->v[i].round; j++)
            if (t->v[j].order == 0 || t->v[carrier].order != 0)
                carrier = j;
        int r = t->v[i].round;
        if (r > 0 && r < n && known[r]) {
            t->v[carrier].has_state = true;
            t->v[carrier].state = values[r];
        }
    }
}

void trace_free(struct trace *t)
{
    free(t->v);
    memset(t, 0, sizeof *t);
}

void trace_statement_text(const struct trace_event *ev, const struct script *s, char *buf, size_t n)
{
    char bound[2048];
    const struct statement *st = &s->steps[ev->step].stmt;
    statement_bound_text(st, ev->params, ev->param_nulls, (size_t)ev->n_params, bound, sizeof bound);
    const char *p = bound;
    size_t k = 0;
    bool space = false;
    for (; *p && k + 1 < n; p++) {
        if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
            space = k > 0;
            continue;
        }
        if (space && k + 2 < n)
            buf[k++] = ' ';
        space = false;
        buf[k++] = *p;
    }
    buf[k] = '\0';
}

static void operand_text(const struct script *s, const struct operand *o, char *buf, size_t n)
{
    switch (o->kind) {
    case OPERAND_INT: snprintf(buf, n, "%lld", (long long)o->value); break;
    case OPERAND_VAR: snprintf(buf, n, "%s", s->vars.v[o->var]); break;
    case OPERAND_AFFECTED: snprintf(buf, n, "affected"); break;
    case OPERAND_FOUND: snprintf(buf, n, "found"); break;
    }
}

static const char *const op_text[] = {">=", ">", "<=", "<", "=", "!="};

static const char *error_name(const struct error_id *id)
{
    const char *n = outcome_builtin_name(id->outcome);
    return n ? n : "error";
}


static void describe_sql(const struct trace_event *ev, const struct script *s, char *buf, size_t n)
{
    const struct statement *st = &s->steps[ev->step].stmt;
    trace_statement_text(ev, s, buf, n);
    if (ev->kind == TRACE_ERROR) {
        text_appendf(buf, n, " → ERROR %s %s%s", ev->error.code, error_name(&ev->error),
               ev->rolled_back ? "; ROLLBACK" : "");
    } else if (ev->n_cols > 0) {
        text_appendf(buf, n, " →");
        for (int c = 0; c < ev->n_cols; c++) {
            if (ev->nulls[c])
                text_appendf(buf, n, "%s %s=NULL", c ? "," : "", ev->col_names[c]);
            else
                text_appendf(buf, n, "%s %s=%lld", c ? "," : "", ev->col_names[c], (long long)ev->cols[c]);
        }
    } else if (st->kind == SQL_SELECT) {
        text_appendf(buf, n, " → no row");
    } else if (st->kind == SQL_OTHER) {
        text_appendf(buf, n, " → %lld row%s", (long long)ev->affected, ev->affected == 1 ? "" : "s");
    }
    if (ev->waited_us > 0 && ev->round > 0) {     /* a scheduled run: no clock times */
        text_appendf(buf, n, ev->blocker > 0 ? " (lock granted)" : " (no longer blocked)");
    } else if (ev->waited_us > 0) {
        if (ev->blocker > 0)
            text_appendf(buf, n, " (lock granted after %.1f ms)", (double)ev->waited_us / 1000);
        else
            text_appendf(buf, n, " (after %.1f ms blocked)", (double)ev->waited_us / 1000);
    }
}

static void describe_require(const struct trace_event *ev, const struct script *s, char *buf, size_t n)
{
    const struct step *st = &s->steps[ev->step];
    char a[64], b[64];
    if (st->kind == STEP_EXPECT) {              /* @expect COLUMN OP N else ANOMALY */
        const struct expectation *x = &st->expect;
        snprintf(buf, n, "expect %s %s %lld: read %lld %s", x->column[0] ? x->column : "rows",
                 op_text[x->op], (long long)x->value, (long long)ev->a, ev->holds ? "✓" : "✗");
        if (!ev->holds)
            text_appendf(buf, n, " → %s", s->expect_labels[x->label]);
        return;
    }
    if (st->a.kind == OPERAND_FOUND && st->op == CMP_NE && st->b.kind == OPERAND_INT && st->b.value == 0) {
        snprintf(buf, n, ev->holds ? "row found ✓" : "no row ✗");   /* @require found else ... */
        if (!ev->holds)
            text_appendf(buf, n, ev->rolled_back ? " → ROLLBACK (%s)" : " → %s", s->outcomes[ev->outcome]);
        return;
    }
    operand_text(s, &st->a, a, sizeof a);
    operand_text(s, &st->b, b, sizeof b);
    snprintf(buf, n, "check %s %s %s: %lld %s %lld %s", a, op_text[st->op], b, (long long)ev->a,
             op_text[st->op], (long long)ev->b, ev->holds ? "✓" : "✗");
    if (!ev->holds)
        text_appendf(buf, n, ev->rolled_back ? " → ROLLBACK (%s)" : " → %s", s->outcomes[ev->outcome]);
}

void trace_describe(const struct trace_event *ev, const struct script *s, char *buf, size_t n)
{
    buf[0] = '\0';
    switch (ev->kind) {
    case TRACE_SQL:
    case TRACE_ERROR:
        describe_sql(ev, s, buf, n);
        break;
    case TRACE_REQUIRE:
        describe_require(ev, s, buf, n);
        break;
    case TRACE_WINDOW:
        snprintf(buf, n, "· race window ·");
        break;
    case TRACE_WAIT:
        if (ev->blocker > 0)
            snprintf(buf, n, "⏳ waiting for buyer %d's lock", ev->blocker);
        else
            snprintf(buf, n, "⏳ blocked");
        break;
    case TRACE_END:
        if (ev->retry > 0 && ev->round > 0)       /* a scheduled retry does not sleep */
            snprintf(buf, n, "%s → retry %d", s->outcomes[ev->outcome], ev->retry);
        else if (ev->retry > 0)
            snprintf(buf, n, "%s → retry %d (backoff %.1f ms)", s->outcomes[ev->outcome], ev->retry,
                     (double)ev->backoff_us / 1000);
        else
            snprintf(buf, n, "%s %s", ev->outcome == OUTCOME_OK ? "✓" : "✗", s->outcomes[ev->outcome]);
        break;
    }
}

/* Splits text into lines of at most width columns, at each '\n' and else at spaces where it can. Returns
 * the number of lines; starts[i] and lens[i] give line i in bytes. */
static int wrap(const char *text, int width, const char **starts, size_t *lens, int max)
{
    int lines = 0;
    const char *p = text;
    while (*p && lines < max) {
        size_t len = strlen(p), take = 0, last_space = 0;
        int w = 0;
        while (take < len && p[take] != '\n') {
            size_t b;
            int cw = columns_char(p + take, len - take, &b);
            if (w + cw > width)
                break;
            if (p[take] == ' ')
                last_space = take;
            take += b;
            w += cw;
        }
        if (take < len && p[take] != '\n' && last_space > 0)
            take = last_space;
        starts[lines] = p;
        lens[lines++] = take;
        p += take;
        if (*p == '\n')
            p++;
        else
            while (*p == ' ')
                p++;
    }
    return lines;
}

#define LINES_MAX 16

struct cell {
    char text[CELL_MAX];
    const char *starts[LINES_MAX];
    size_t lens[LINES_MAX];
    int lines;
};

static void print_padded(FILE *out, const char *s, size_t bytes, int width)
{
    fwrite(s, 1, bytes, out);
    for (int w = columns_of(s, bytes); w < width; w++)
        fputc(' ', out);
}

/* Prints one row: a time label and a cell per buyer (cells[b] for b in 1..n). */
static void print_row(FILE *out, const char *label, struct cell *cells, int n, int colw)
{
    int lines = 1;
    for (int b = 1; b <= n; b++) {
        cells[b].lines = wrap(cells[b].text, colw, cells[b].starts, cells[b].lens, LINES_MAX);
        if (cells[b].lines > lines)
            lines = cells[b].lines;
    }
    for (int l = 0; l < lines; l++) {
        fprintf(out, "%9s", l == 0 ? label : "");
        for (int b = 1; b <= n; b++) {
            fputs(" │ ", out);
            if (l < cells[b].lines)
                print_padded(out, cells[b].starts[l], cells[b].lens[l], b < n ? colw : 0);
            else
                print_padded(out, "", 0, b < n ? colw : 0);
        }
        fputc('\n', out);
    }
}

static void time_label(int64_t us, char *buf, size_t n)
{
    snprintf(buf, n, "%.1f ms", (double)us / 1000);
}

static void add_line(char *cell, const char *line)
{
    if (cell[0])
        text_appendf(cell, CELL_MAX, "\n");
    text_appendf(cell, CELL_MAX, "%s", line);
}

/* When ev carries the watched value and it changed since *prev: "stock 1 → 0" into buf (else
 * ""), and *prev follows. */
static void state_change(const struct trace *t, const struct trace_event *ev, bool *known,
                         int64_t *prev, char *buf, size_t n)
{
    buf[0] = '\0';
    if (!ev->has_state)
        return;
    if (*known && *prev != ev->state) {
        snprintf(buf, n, "⇒ %s %lld → %lld", t->state_name, (long long)*prev, (long long)ev->state);
        if (!trace_state_holds(t, ev->state))
            text_appendf(buf, n, " ✗ (must stay %s %lld)", t->state_op, (long long)t->state_bound);
    }
    *known = true;
    *prev = ev->state;
}

/* Side by side: one column per buyer; lockstep puts a round's events in one row. */
static void print_columns(FILE *out, const struct trace *t, const struct script *s, int width)
{
    int n = t->buyers;
    int colw = (width - 9) / n - 3;
    struct cell *cells = calloc((size_t)n + 1, sizeof *cells);
    if (!cells)
        return;
    fprintf(out, "%9s", t->lockstep ? "step" : "time");
    for (int b = 1; b <= n; b++) {
        char head[32];
        snprintf(head, sizeof head, "buyer %d", b);
        fputs(" │ ", out);
        print_padded(out, head, strlen(head), b < n ? colw : 0);
    }
    fputc('\n', out);
    bool known = t->has_initial_state;
    int64_t prev = t->initial_state;
    for (size_t i = 0; i < t->n;) {
        size_t j = i;
        for (int b = 1; b <= n; b++)
            cells[b].text[0] = '\0';
        /* lockstep: every event of the round; else: one event */
        do {
            char line[CELL_MAX];
            trace_describe(&t->v[j], s, line, sizeof line);
            add_line(cells[t->v[j].buyer].text, line);
            state_change(t, &t->v[j], &known, &prev, line, sizeof line);
            if (line[0])
                add_line(cells[t->v[j].buyer].text, line);
            j++;
        } while (t->lockstep && j < t->n && t->v[j].round == t->v[i].round);
        char label[32];
        if (t->lockstep)
            snprintf(label, sizeof label, "%d", t->v[i].round);
        else
            time_label(t->v[i].at_us, label, sizeof label);
        print_row(out, label, cells, n, colw);
        i = j;
    }
    free(cells);
}

/* Many buyers: one line per event. */
static void print_lines(FILE *out, const struct trace *t, const struct script *s)
{
    bool known = t->has_initial_state;
    int64_t prev = t->initial_state;
    for (size_t i = 0; i < t->n; i++) {
        char text[CELL_MAX], label[32], change[96];
        trace_describe(&t->v[i], s, text, sizeof text);
        state_change(t, &t->v[i], &known, &prev, change, sizeof change);
        if (change[0])
            text_appendf(text, sizeof text, "  %s", change);
        if (t->lockstep)
            snprintf(label, sizeof label, "r%d", t->v[i].round);
        else
            time_label(t->v[i].at_us, label, sizeof label);
        fprintf(out, "%9s  buyer %-4d %s\n", label, t->v[i].buyer, text);
    }
}

void trace_print_text(FILE *out, const struct trace *t, const struct script *s, int width)
{
    if (t->buyers <= 4)
        print_columns(out, t, s, width);
    else
        print_lines(out, t, s);
}
