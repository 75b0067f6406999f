/* watch.c — the lockstep gate and the trace recording around each step of one buyer. */
#include "watch.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"

/* Whether step is an @window: under a schedule it is no step of its own (it follows the
 * statement before it), so interleavings differ only in the order of statements. */
static bool is_window(const struct watch *w, int step)
{
    return step >= 0 && w->interp && w->interp->script->steps[step].kind == STEP_WINDOW;
}

void watch_before(void *ctx, int step)
{
    struct watch *w = ctx;
    if (w->lockstep && !is_window(w, step))
        lockstep_gate(w->lockstep, w->buyer);
    w->step_started_us = clock_now_us();
}

static void base_event(const struct watch *w, struct trace_event *te, int step, enum trace_kind kind)
{
    memset(te, 0, sizeof *te);
    te->at_us = clock_now_us() - w->start_us;
    te->buyer = w->buyer;
    te->purchase = w->purchase;
    te->attempt = w->attempt;
    te->round = w->round;
    te->order = w->sub;
    te->step = step;
    te->kind = kind;
    te->outcome = -1;
}

/* The statement returned after lockstep saw it blocked: a wait event in the round it blocked. */
static void record_wait(struct watch *w, int step, const struct lockstep_step *ls)
{
    struct trace_event te;
    base_event(w, &te, step, TRACE_WAIT);
    te.at_us = ls->blocked_at_us - w->start_us;
    te.round = ls->blocked_round;
    te.order = 0;                  /* it blocked at its own step */
    te.blocker = ls->blocker;
    trace_add(&w->log, &te);
}

/* The values the statement was run with: by :name, or list lines where IN (:list.field) expanded. */
static void fill_params(const struct watch *w, struct trace_event *te, const struct step_event *ev)
{
    const struct statement *st = &w->interp->script->steps[ev->step].stmt;
    bool by_name = ev->n_params == st->n_vars;
    te->n_params = ev->n_params < TRACE_PARAMS ? (int)ev->n_params : TRACE_PARAMS;
    te->params_cut = ev->n_params > TRACE_PARAMS;
    for (int k = 0; k < te->n_params; k++) {
        te->param_vars[k] = by_name ? st->vars[k] : -1;
        te->params[k] = ev->params[k];
        te->param_nulls[k] = ev->param_nulls[k];
    }
}

static void fill_sql(const struct watch *w, struct trace_event *te, const struct step_event *ev)
{
    te->affected = ev->result->affected;
    te->found = ev->result->found;
    te->n_cols = ev->n_cols < TRACE_COLS ? (int)ev->n_cols : TRACE_COLS;
    for (int c = 0; c < te->n_cols; c++) {
        const char *name = interp_column_name(w->interp, ev->step, (size_t)c);
        snprintf(te->col_names[c], sizeof te->col_names[c], "%s", name ? name : "?");
        te->cols[c] = ev->cols[c];
        te->nulls[c] = ev->nulls[c];
    }
}

void watch_after(void *ctx, const struct step_event *ev)
{
    struct watch *w = ctx;
    struct lockstep_step ls = {0};
    bool gated = ev->kind == EVENT_SQL || ev->kind == EVENT_SQL_ERROR
                 || (ev->kind == EVENT_WINDOW && !w->lockstep);
    if (w->lockstep && gated) {
        lockstep_done(w->lockstep, w->buyer, &ls);
        w->round = ls.round;
        w->sub = ls.sub;
    }
    if (!w->tracing)
        return;
    if (ls.blocked)
        record_wait(w, ev->step, &ls);
    static const enum trace_kind kinds[] = {TRACE_SQL, TRACE_ERROR, TRACE_REQUIRE, TRACE_WINDOW,
                                            TRACE_REQUIRE};   /* an @expect is drawn as a check */
    struct trace_event te;
    base_event(w, &te, ev->step, kinds[ev->kind]);
    te.took_us = gated ? clock_now_us() - w->step_started_us : 0;
    if (ls.blocked) {
        te.blocker = ls.blocker;
        te.waited_us = clock_now_us() - ls.blocked_at_us;
        if (te.waited_us <= 0)
            te.waited_us = 1;          /* it did wait: the trace must say so */
    }
    if ((ev->kind == EVENT_SQL || ev->kind == EVENT_SQL_ERROR) && ev->params && w->interp)
        fill_params(w, &te, ev);
    if (ev->kind == EVENT_SQL)
        fill_sql(w, &te, ev);
    else if (ev->kind == EVENT_SQL_ERROR)
        te.error = db_error_id(ev->error);
    te.a = ev->a;
    te.b = ev->b;
    te.holds = ev->holds;
    te.outcome = ev->outcome;
    te.rolled_back = ev->rolled_back;
    trace_add(&w->log, &te);
}

void watch_attempt_end(struct watch *w, int outcome, int retry, int64_t backoff_us)
{
    if (!w->tracing)
        return;
    struct trace_event te;
    base_event(w, &te, -1, TRACE_END);
    te.outcome = outcome;
    te.retry = retry;
    te.backoff_us = backoff_us;
    trace_add(&w->log, &te);
}
