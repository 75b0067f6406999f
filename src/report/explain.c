/* explain.c — the verdict in words: find in the trace the reads, waits and failures that made
 * the outcome, and say them in one or two sentences. */
#include "explain.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"


/* The attempt's final outcome: the TRACE_END of (buyer, purchase, attempt). */
static const struct trace_event *attempt_end(const struct trace *t, const struct trace_event *ev)
{
    for (size_t i = 0; i < t->n; i++) {
        const struct trace_event *x = &t->v[i];
        if (x->kind == TRACE_END && x->buyer == ev->buyer && x->purchase == ev->purchase
            && x->attempt == ev->attempt)
            return x;
    }
    return NULL;
}

/* For each event, whether its attempt ended ok: one backward walk (a buyer's events are in
 * time order, so walking back each attempt's end comes before its steps). NULL on no memory. */
static bool *attempts_ok(const struct trace *t)
{
    bool *ok = calloc(t->n + 1, sizeof *ok);
    int *current = calloc((size_t)t->buyers + 1, sizeof *current);
    for (size_t i = t->n; ok && current && i-- > 0;) {
        const struct trace_event *ev = &t->v[i];
        if (ev->kind == TRACE_END)
            current[ev->buyer] = ev->outcome == OUTCOME_OK ? 1 : 0;
        ok[i] = current[ev->buyer] == 1;
    }
    free(current);
    return ok;
}

static bool same_values(const struct trace_event *a, const struct trace_event *b)
{
    if (a->step != b->step || a->n_cols != b->n_cols)
        return false;
    for (int c = 0; c < a->n_cols; c++)
        if (a->nulls[c] != b->nulls[c] || a->cols[c] != b->cols[c])
            return false;
    return true;
}

static void values_text(const struct trace_event *ev, char *buf, size_t n)
{
    buf[0] = '\0';
    for (int c = 0; c < ev->n_cols; c++)
        text_appendf(buf, n, "%s%s=%lld", c ? ", " : "", ev->col_names[c], (long long)ev->cols[c]);
}

static void violated(const struct run_report *r, char *out, size_t n)
{
    for (size_t i = 0, k = 0; i < r->n_invariants; i++)
        if (!r->invariants[i].holds)
            text_appendf(out, n, "%s%s by %lld", k++ ? ", " : "", r->invariants[i].name,
                (long long)r->invariants[i].value);
}

/* An anomaly a read showed (an @expect that did not hold): its line says who read what. */
static bool explain_expect(const struct run_report *r, char *out, size_t n)
{
    for (size_t i = 0; i < r->n_invariants; i++)
        for (size_t k = 0; !r->invariants[i].holds && k < r->script.n_expect_labels; k++)
            if (strcmp(r->invariants[i].name, r->script.expect_labels[k]) == 0) {
                text_appendf(out, n, "%s: %s", r->invariants[i].name, r->invariants[i].description);
                return true;
            }
    return false;
}

/* Anomaly: the first value that two or more successful buyers read alike. */
static void explain_anomaly(const struct run_report *r, char *out, size_t n)
{
    if (explain_expect(r, out, n))
        return;
    const struct trace *t = &r->result.trace;
    bool *ok = attempts_ok(t);
    for (size_t i = 0; ok && i < t->n; i++) {
        const struct trace_event *ev = &t->v[i];
        if (ev->kind != TRACE_SQL || ev->n_cols == 0 || !ok[i])
            continue;
        int buyers[4], alike = 0;
        for (size_t j = 0; j < t->n; j++) {
            const struct trace_event *x = &t->v[j];
            if (x->kind == TRACE_SQL && ok[j] && same_values(ev, x)) {
                if (alike < 4)
                    buyers[alike] = x->buyer;
                alike++;
            }
        }
        if (alike >= 2 && buyers[0] > buyers[1]) {   /* name them in order */
            int tmp = buyers[0];
            buyers[0] = buyers[1];
            buyers[1] = tmp;
        }
        if (alike < 2)
            continue;
        char vals[160];
        values_text(ev, vals, sizeof vals);
        if (alike == 2)
            text_appendf(out, n, "buyers %d and %d both read %s", buyers[0], buyers[1], vals);
        else
            text_appendf(out, n, "%d buyers (%d, %d, %d, ...) all read %s", alike, buyers[0], buyers[1],
                buyers[2], vals);
        text_appendf(out, n, " (line %d) before any of them wrote, and %s purchases went through: ",
            r->script.steps[ev->step].line, alike == 2 ? "both" : "all their");
        violated(r, out, n);
        free(ok);
        return;
    }
    free(ok);
    text_appendf(out, n, "the database shows ");
    violated(r, out, n);
    text_appendf(out, n, "; the trace shows no two successful buyers reading the same value");
}

/* What the buyer's next step after event i showed, and how its attempt ended. */
static void aftermath(const struct run_report *r, size_t i, char *out, size_t n)
{
    const struct trace *t = &r->result.trace;
    const struct trace_event *ev = &t->v[i];
    if (ev->n_cols > 0) {
        char vals[160];
        values_text(ev, vals, sizeof vals);
        text_appendf(out, n, ", then read %s", vals);
    } else if (ev->kind == TRACE_SQL && r->script.steps[ev->step].stmt.kind == SQL_OTHER) {
        text_appendf(out, n, ", then changed %lld row%s", (long long)ev->affected, ev->affected == 1 ? "" : "s");
    }
    const struct trace_event *end = attempt_end(t, ev);
    if (end)
        text_appendf(out, n, " → %s", r->script.outcomes[end->outcome]);
}

/* Correct: the first thing that kept two buyers apart. */
static void explain_correct(const struct run_report *r, char *out, size_t n)
{
    const struct trace *t = &r->result.trace;
    for (size_t i = 0; i < t->n; i++) {          /* a lock wait */
        const struct trace_event *ev = &t->v[i];
        if ((ev->kind == TRACE_SQL || ev->kind == TRACE_ERROR) && ev->waited_us > 0 && ev->blocker > 0) {
            if (ev->round > 0)         /* a scheduled run: steps, not clock times */
                text_appendf(out, n, "buyer %d waited until step %d for buyer %d's lock (line %d)",
                    ev->buyer, ev->round, ev->blocker, r->script.steps[ev->step].line);
            else
                text_appendf(out, n, "buyer %d waited %.1f ms for buyer %d's lock (line %d)", ev->buyer,
                    (double)ev->waited_us / 1000, ev->blocker, r->script.steps[ev->step].line);
            aftermath(r, i, out, n);
            return;
        }
    }
    for (size_t i = 0; i < t->n; i++) {          /* a deadlock or conflict, and the retry */
        const struct trace_event *ev = &t->v[i];
        if (ev->kind == TRACE_ERROR) {
            text_appendf(out, n, "buyer %d's statement at line %d failed with %s (%s)%s", ev->buyer,
                r->script.steps[ev->step].line, ev->error.code,
                outcome_builtin_name(ev->error.outcome),
                ev->rolled_back ? " and was rolled back" : "");
            const struct trace_event *end = attempt_end(t, ev);
            if (end && end->retry > 0)
                text_appendf(out, n, "; it retried");
            for (size_t j = i + 1; end && end->retry > 0 && j < t->n; j++)
                if (t->v[j].kind == TRACE_END && t->v[j].buyer == ev->buyer
                    && t->v[j].purchase == ev->purchase && t->v[j].retry == 0) {
                    text_appendf(out, n, " and ended %s after %d attempts", r->script.outcomes[t->v[j].outcome],
                        t->v[j].attempt);
                    break;
                }
            return;
        }
    }
    for (size_t i = 0; i < t->n; i++) {          /* a check that turned a buyer away */
        const struct trace_event *ev = &t->v[i];
        if (ev->kind == TRACE_REQUIRE && !ev->holds) {
            char desc[512];
            trace_describe(ev, &r->script, desc, sizeof desc);
            text_appendf(out, n, "buyer %d: %s (line %d)", ev->buyer, desc, r->script.steps[ev->step].line);
            return;
        }
    }
    text_appendf(out, n, "no buyer got in another's way");
}

void explain_verdict(const struct run_report *r, char *out, size_t outlen)
{
    out[0] = '\0';
    if (r->result.trace.n == 0)
        return;
    if (r->exit_code != 0)
        explain_anomaly(r, out, outlen);
    else
        explain_correct(r, out, outlen);
}
