/* summary.c — one run in a few words, for the tables of compare, sweep and matrix. */
#include "summary.h"

#include <string.h>

#include "table.h"
#include "text.h"


const char *summary_ms(double ms, char *buf, size_t n)
{
    if (ms < 10)
        snprintf(buf, n, "%.2fms", ms);
    else if (ms < 1000)
        snprintf(buf, n, "%.*fms", ms < 100 ? 1 : 0, ms);
    else
        snprintf(buf, n, "%.*fs", ms < 10000 ? 2 : 1, ms / 1000);
    return buf;
}

void summary_failures(const struct run_report *r, int budget, char *buf, size_t n)
{
    const struct engine_result *e = &r->result;
    int order[OUTCOME_MAX];
    size_t k = 0;
    for (size_t i = 1; i < r->script.n_outcomes && i < OUTCOME_MAX; i++)
        if (e->outcomes[i] > 0) {
            size_t j = k++;
            for (; j > 0 && e->outcomes[order[j - 1]] < e->outcomes[i]; j--)
                order[j] = order[j - 1];
            order[j] = (int)i;
        }
    buf[0] = '\0';
    uint64_t rest = 0;
    for (size_t j = 0; j < k; j++) {
        char item[96];
        snprintf(item, sizeof item, "%s%llu %s", j ? ", " : "", (unsigned long long)e->outcomes[order[j]],
                 r->script.outcomes[order[j]]);
        int room = budget - (j + 1 < k ? 6 : 0);    /* " +NNNN" after it, if more follow */
        if (rest == 0 && (j == 0 || table_text_width(buf) + table_text_width(item) <= room))
            text_appendf(buf, n, "%s", item);
        else
            rest += e->outcomes[order[j]];
    }
    if (rest)
        text_appendf(buf, n, " +%llu", (unsigned long long)rest);
    if (!buf[0])
        snprintf(buf, n, "0");
}

void summary_marks(const struct run_report *r, char *buf, size_t n)
{
    buf[0] = '\0';
    for (size_t i = 0; i < r->n_invariants; i++)
        text_appendf(buf, n, "%s", r->invariants[i].holds ? "✓" : "✗");
}

void summary_anomalies(const struct run_report *r, bool with_values, char *buf, size_t n)
{
    buf[0] = '\0';
    for (size_t i = 0; i < r->n_invariants; i++) {
        const struct invariant_result *ir = &r->invariants[i];
        if (ir->holds)
            continue;
        text_appendf(buf, n, "%s%s", buf[0] ? ", " : "", ir->name);
        if (with_values)
            text_appendf(buf, n, " %lld", (long long)ir->value);
    }
}

/* The outcome a server error becomes in this strategy: its @on lines, else the error's class. */
static int mapped_outcome(const struct script *s, const struct error_id *id)
{
    int cls = id->outcome;
    for (size_t i = 0; i < s->n_steps; i++)
        for (size_t k = 0; k < s->steps[i].n_on; k++) {
            const struct on_error *on = &s->steps[i].on[k];
            if (on->code[0] ? strcmp(on->code, id->code) == 0 : on->class_outcome == cls)
                return on->outcome;
        }
    return cls;
}

bool summary_dominant_error(const struct run_report *r, struct error_id *id, uint64_t *count, bool *retried)
{
    const struct engine_result *e = &r->result;
    size_t best = e->n_errors;
    for (size_t i = 0; i < e->n_errors; i++)
        if (best == e->n_errors || e->errors[i].count > e->errors[best].count)
            best = i;
    if (best == e->n_errors)
        return false;
    *id = e->errors[best].id;
    *count = e->errors[best].count;
    int outcome = mapped_outcome(&r->script, id);
    *retried = r->script.retry.max > 0 && outcome >= 0 && outcome < 32
               && ((r->script.retry.outcomes >> outcome) & 1u);
    return true;
}

void summary_cell(const struct run_report *r, char *buf, size_t n)
{
    char anomalies[256];
    summary_anomalies(r, false, anomalies, sizeof anomalies);
    snprintf(buf, n, "%s%s", anomalies[0] ? "✗ " : "✓", anomalies);
    struct error_id id;
    uint64_t count;
    bool retried;
    if (summary_dominant_error(r, &id, &count, &retried))
        text_appendf(buf, n, " (%s ×%llu, %s)", id.code, (unsigned long long)count,
                     retried ? "retried" : "failed");
}

void summary_params(const struct run_report *r, char *buf, size_t n)
{
    buf[0] = '\0';
    for (size_t i = 0; i < r->params.n; i++)
        text_appendf(buf, n, "%s%s=%s", i ? " " : "", r->scenario.params[i].name, r->params.v[i].text);
}

void summary_header(FILE *f, const struct run_report *r)
{
    fprintf(f, "server     %s\n", r->server);
    fprintf(f, "version    %s\n", r->server_facts.version);
    if (r->server_facts.durability_note[0])
        summary_wrapped(f, "durability ", r->server_facts.durability_note, 100);
    for (size_t i = 0; i < r->server_facts.n_warnings; i++)
        fprintf(f, "warning    %s\n", r->server_facts.warnings[i]);
}

void summary_wrapped(FILE *f, const char *lead, const char *text, int width)
{
    int indent = table_text_width(lead), col = indent;
    fputs(lead, f);
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, " ");
        char word[512];
        snprintf(word, sizeof word, "%.*s", (int)(len < sizeof word ? len : sizeof word - 1), p);
        int w = table_text_width(word);
        if (col > indent && col + 1 + w > width) {
            fprintf(f, "\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', f);
            col++;
        }
        fputs(word, f);
        col += w;
        p += len;
        while (*p == ' ')
            p++;
    }
    fputc('\n', f);
}
