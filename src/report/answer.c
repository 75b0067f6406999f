/* answer.c — compare's answer from the measured figures: which strategies kept every invariant,
 * which of those sold all they could, the fastest such one and by how much, what each unsafe one cost. */
#include "answer.h"

#include <string.h>

#include "report.h"
#include "summary.h"
#include "text.h"

void answer_figures_of(const struct run_report *r, struct answer_figures *fig)
{
    struct run_figures rf;
    report_figures(r, &rf);
    memset(fig, 0, sizeof *fig);
    snprintf(fig->name, sizeof fig->name, "%s", r->strategy_name);
    fig->correct = r->exit_code == 0;
    summary_anomalies(r, true, fig->anomalies, sizeof fig->anomalies);
    fig->goodput = rf.goodput;
    fig->p99_ms = rf.p99_ms;
    fig->purchases = r->result.purchases;
    fig->served = r->result.outcomes[OUTCOME_OK];
    fig->units_sold = r->result.outcome_units[OUTCOME_OK];
    fig->units_left = r->remaining;
    fig->lost_purchases = r->lost_purchases;
    fig->lost_units = r->lost_units;
    fig->turns = r->settings.lockstep;
}

uint64_t answer_unsold(const struct answer_figures *f)
{
    if (f->units_left <= 0)
        return 0;
    return f->lost_units < (uint64_t)f->units_left ? f->lost_units : (uint64_t)f->units_left;
}

const char *answer_class_name(enum answer_class c)
{
    return c == ANSWER_COMPLETE ? "complete" : c == ANSWER_LOSSY ? "lossy" : "unsafe";
}

void answer_decide(const struct answer_figures *fig, size_t n, struct answer *a)
{
    memset(a, 0, sizeof *a);
    a->n = n < ANSWER_MAX ? n : ANSWER_MAX;
    a->best = a->runner_up = a->lowest_p99 = -1;
    a->stock = -1;
    for (size_t i = 0; i < a->n; i++) {
        const struct answer_figures *f = &fig[i];
        a->cls[i] = !f->correct ? ANSWER_UNSAFE : f->lost_purchases ? ANSWER_LOSSY : ANSWER_COMPLETE;
        if (f->correct && f->units_left >= 0 && a->stock < 0)
            a->stock = (int64_t)f->units_sold + f->units_left;
        if (a->cls[i] != ANSWER_COMPLETE)
            continue;
        if (a->best < 0 || f->goodput > fig[a->best].goodput)
            a->best = (int)i;
        if (a->lowest_p99 < 0 || f->p99_ms < fig[a->lowest_p99].p99_ms)
            a->lowest_p99 = (int)i;
    }
    if (a->best < 0)
        return;
    for (int pass = 0; pass < 2 && a->runner_up < 0; pass++) {
        enum answer_class want = pass == 0 ? ANSWER_COMPLETE : ANSWER_LOSSY;
        for (size_t i = 0; i < a->n; i++)
            if ((int)i != a->best && a->cls[i] == want &&
                (a->runner_up < 0 || fig[i].goodput > fig[a->runner_up].goodput))
                a->runner_up = (int)i;
    }
}

/* "1.3", "0.68", "1.02", "140": two significant figures (two decimals near 1), whole from 10 up. */
static const char *ratio(double r, char *buf, size_t n)
{
    if (r >= 10)
        snprintf(buf, n, "%.0f", r);
    else if (r >= 0.95 && r < 1.05)
        snprintf(buf, n, "%.2f", r);     /* near even: "1" would hide which way it went */
    else
        snprintf(buf, n, "%.2g", r);
    return buf;
}

static const char *rate(double v, char *buf, size_t n)
{
    snprintf(buf, n, v >= 10 ? "%.0f" : "%.2g", v);
    return buf;
}

/* How a correct strategy ended: "sold out", "lost no sale (120 units left)", "lost 457
 * sales (4342 units left unsold)", "lost sales not measured". */
static void ending(const struct answer_figures *f, char *buf, size_t n)
{
    if (f->lost_purchases)
        snprintf(buf, n, "lost %llu sale%s (%lld unit%s left unsold)", (unsigned long long)f->lost_purchases,
                 f->lost_purchases == 1 ? "" : "s", (long long)f->units_left, f->units_left == 1 ? "" : "s");
    else if (f->units_left == 0)
        snprintf(buf, n, "sold out");
    else if (f->units_left > 0)
        snprintf(buf, n, "lost no sale (%lld unit%s left)", (long long)f->units_left,
                 f->units_left == 1 ? "" : "s");
    else
        snprintf(buf, n, "lost sales not measured (the scenario has no @remaining)");
}

static void names(const struct answer *a, const struct answer_figures *fig, int c, char *buf, size_t n);

void answer_headline(const struct answer *a, const struct answer_figures *fig, char *buf, size_t n)
{
    char x[32], y[32], p[24], q[24], end[160];
    buf[0] = '\0';
    if (a->best < 0) {
        bool any_correct = false;
        for (size_t i = 0; i < a->n; i++)
            any_correct |= a->cls[i] != ANSWER_UNSAFE;
        snprintf(buf, n, "%s", any_correct ? "no strategy both kept every invariant and sold all it could"
                                           : "no strategy kept every invariant");
        return;
    }
    const struct answer_figures *b = &fig[a->best];
    ending(b, end, sizeof end);
    if (b->turns) {        /* statements waited for their turns: no speed to rank them by */
        char list[2048];
        names(a, fig, ANSWER_COMPLETE, list, sizeof list);
        if (strchr(list, ','))
            snprintf(buf, n, "%s: correct, no sale lost", list);
        else
            snprintf(buf, n, "%s: correct, %s", b->name, end);
        text_appendf(buf, n, "; lockstep: one statement at a time, in turn, so no fastest");
        return;
    }
    snprintf(buf, n, "%s: correct, %s, ", b->name, end);
    if (a->runner_up >= 0) {
        const struct answer_figures *r = &fig[a->runner_up];
        text_appendf(buf, n, "%s× %s's goodput (%s vs %s ok/s), ",
                     r->goodput > 0 ? ratio(b->goodput / r->goodput, x, sizeof x) : "∞", r->name,
                     rate(b->goodput, p, sizeof p), rate(r->goodput, q, sizeof q));
        text_appendf(buf, n, "p99 %s× (", r->p99_ms > 0 ? ratio(b->p99_ms / r->p99_ms, y, sizeof y) : "∞");
        text_appendf(buf, n, "%s vs ", summary_ms(b->p99_ms, p, sizeof p));
        text_appendf(buf, n, "%s)", summary_ms(r->p99_ms, q, sizeof q));
    } else {
        text_appendf(buf, n, "the only one that kept every invariant without losing a sale: %s ok/s, p99 %s",
                     rate(b->goodput, p, sizeof p), summary_ms(b->p99_ms, q, sizeof q));
    }
    if (a->lowest_p99 >= 0 && a->lowest_p99 != a->best) {
        const struct answer_figures *l = &fig[a->lowest_p99];
        text_appendf(buf, n, "; lowest p99: %s, %s (%s× %s's), ", l->name, summary_ms(l->p99_ms, p, sizeof p),
                     b->p99_ms > 0 ? ratio(l->p99_ms / b->p99_ms, x, sizeof x) : "∞", b->name);
        text_appendf(buf, n, "%s ok/s", rate(l->goodput, q, sizeof q));
    }
}

/* "atomic, for-update" for the strategies of class c; "" when none. */
static void names(const struct answer *a, const struct answer_figures *fig, int c, char *buf, size_t n)
{
    buf[0] = '\0';
    for (size_t i = 0; i < a->n; i++)
        if ((int)a->cls[i] == c || (c < 0 && a->cls[i] != ANSWER_UNSAFE))
            text_appendf(buf, n, "%s%s", buf[0] ? ", " : "", fig[i].name);
}

static void line(FILE *f, const char *lead, const char *md_lead, const char *text, bool md, int width)
{
    if (md)
        fprintf(f, "%s%s  \n", md_lead, text);
    else
        summary_wrapped(f, lead, text, width);
}

void answer_write(FILE *f, const struct answer *a, const struct answer_figures *fig, bool md, int width)
{
    char text[4096], list[2048], end[160];
    fputc('\n', f);
    answer_headline(a, fig, text, sizeof text);
    line(f, "answer     ", "**answer**: ", text, md, width);
    names(a, fig, -1, list, sizeof list);
    snprintf(text, sizeof text, "kept every invariant: %s", list[0] ? list : "none");
    line(f, "correct    ", "correct: ", text, md, width);
    text[0] = '\0';
    for (size_t i = 0; i < a->n; i++)
        if (a->cls[i] == ANSWER_COMPLETE) {
            ending(&fig[i], end, sizeof end);
            text_appendf(text, sizeof text, "%s%s %s", text[0] ? "; " : "", fig[i].name, end);
        }
    if (text[0]) {
        snprintf(list, sizeof list, "sold all they could: %s", text);
        line(f, "           ", "", list, md, width);
    }
    text[0] = '\0';
    for (size_t i = 0; i < a->n; i++)
        if (a->cls[i] == ANSWER_LOSSY) {
            ending(&fig[i], end, sizeof end);
            text_appendf(text, sizeof text, "%s%s %s", text[0] ? "; " : "", fig[i].name, end);
        }
    if (text[0]) {
        snprintf(list, sizeof list, "lost sales, turned buyers away while units were left: %s", text);
        line(f, "           ", "", list, md, width);
    }
    text[0] = '\0';
    for (size_t i = 0; i < a->n; i++) {
        if (a->cls[i] != ANSWER_UNSAFE)
            continue;
        const struct answer_figures *u = &fig[i];
        text_appendf(text, sizeof text, "%s%s: ", text[0] ? "; " : "", u->name);
        if (a->stock >= 0)
            text_appendf(text, sizeof text, "sold %llu units of %lld, ", (unsigned long long)u->units_sold,
                         (long long)a->stock);
        text_appendf(text, sizeof text, "%s", u->anomalies[0] ? u->anomalies : "an invariant was violated");
    }
    if (text[0])
        line(f, "unsafe     ", "**unsafe**: ", text, md, width);
}

cJSON *answer_json(const struct answer *a, const struct answer_figures *fig)
{
    cJSON *j = cJSON_CreateObject();
    if (!j)
        return NULL;
    char text[4096];
    answer_headline(a, fig, text, sizeof text);
    cJSON_AddStringToObject(j, "headline", text);
    if (a->best >= 0)
        cJSON_AddStringToObject(j, "pick", fig[a->best].name);
    else
        cJSON_AddNullToObject(j, "pick");
    if (a->runner_up >= 0)
        cJSON_AddStringToObject(j, "measured_against", fig[a->runner_up].name);
    if (a->lowest_p99 >= 0)
        cJSON_AddStringToObject(j, "lowest_p99", fig[a->lowest_p99].name);
    if (a->stock >= 0)
        cJSON_AddNumberToObject(j, "stock", (double)a->stock);
    cJSON *arr = cJSON_AddArrayToObject(j, "strategies");
    for (size_t i = 0; arr && i < a->n; i++) {
        const struct answer_figures *f = &fig[i];
        cJSON *s = cJSON_CreateObject();
        if (!s)
            break;
        cJSON_AddStringToObject(s, "strategy", f->name);
        cJSON_AddStringToObject(s, "class", answer_class_name(a->cls[i]));
        cJSON_AddBoolToObject(s, "correct", f->correct);
        cJSON_AddStringToObject(s, "anomalies", f->anomalies);
        cJSON_AddNumberToObject(s, "goodput", f->goodput);
        cJSON_AddNumberToObject(s, "p99_ms", f->p99_ms);
        cJSON_AddNumberToObject(s, "purchases", (double)f->purchases);
        cJSON_AddNumberToObject(s, "served", (double)f->served);
        cJSON_AddNumberToObject(s, "units_sold", (double)f->units_sold);
        cJSON_AddNumberToObject(s, "units_left", (double)f->units_left);
        cJSON_AddNumberToObject(s, "lost_purchases", (double)f->lost_purchases);
        cJSON_AddNumberToObject(s, "lost_units", (double)f->lost_units);
        cJSON_AddItemToArray(arr, s);
    }
    return j;
}
