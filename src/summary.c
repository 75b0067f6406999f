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
static int mapped_outcome(const struct script *s, unsigned errnum)
{
    int cls = outcome_of_error(errnum);
    for (size_t i = 0; i < s->n_steps; i++)
        for (size_t k = 0; k < s->steps[i].n_on; k++) {
            const struct on_error *on = &s->steps[i].on[k];
            if (on->errnum ? on->errnum == errnum : on->class_outcome == cls)
                return on->outcome;
        }
    return cls;
}

bool summary_dominant_error(const struct run_report *r, unsigned *errnum, uint64_t *count, bool *retried)
{
    const struct engine_result *e = &r->result;
    size_t best = e->n_errors;
    for (size_t i = 0; i < e->n_errors; i++)
        if (best == e->n_errors || e->errors[i].count > e->errors[best].count)
            best = i;
    if (best == e->n_errors)
        return false;
    *errnum = e->errors[best].errnum;
    *count = e->errors[best].count;
    int outcome = mapped_outcome(&r->script, *errnum);
    *retried = r->script.retry.max > 0 && outcome >= 0 && outcome < 32
               && ((r->script.retry.outcomes >> outcome) & 1u);
    return true;
}

void summary_cell(const struct run_report *r, char *buf, size_t n)
{
    char anomalies[256];
    summary_anomalies(r, false, anomalies, sizeof anomalies);
    snprintf(buf, n, "%s%s", anomalies[0] ? "✗ " : "✓", anomalies);
    unsigned errnum;
    uint64_t count;
    bool retried;
    if (summary_dominant_error(r, &errnum, &count, &retried))
        text_appendf(buf, n, " (%u ×%llu, %s)", errnum, (unsigned long long)count,
                     retried ? "retried" : "failed");
}

void summary_params(const struct run_report *r, char *buf, size_t n)
{
    buf[0] = '\0';
    for (size_t i = 0; i < r->params.n; i++)
        text_appendf(buf, n, "%s%s=%s", i ? " " : "", r->scenario.params[i].name, r->params.v[i].text);
}

int summary_durability(const struct preflight *pf, char *buf, size_t n)
{
    const char *flush = preflight_var(pf, "innodb_flush_log_at_trx_commit");
    const char *binlog = preflight_var(pf, "sync_binlog");
    buf[0] = '\0';
    if (!flush)
        return 0;
    char sync[48] = "";
    if (binlog)
        snprintf(sync, sizeof sync, " sync_binlog=%s", binlog);
    if (strcmp(flush, "1") == 0)
        snprintf(buf, n, "innodb_flush_log_at_trx_commit=1%s: every commit is flushed to disk", sync);
    else
        snprintf(buf, n, "innodb_flush_log_at_trx_commit=%s%s: commits %s, flushed to disk about once "
                 "a second; a crash of the %s can lose the last second, and commits cost less than on a "
                 "durable (=1) server", flush, sync, strcmp(flush, "2") == 0 ? "reach the OS at once" : "wait in memory",
                 strcmp(flush, "2") == 0 ? "machine" : "server");
    return strcmp(flush, "1") == 0;
}

void summary_header(FILE *f, const struct run_report *r)
{
    fprintf(f, "server     %s\n", r->server);
    fprintf(f, "version    %s\n", r->preflight.version);
    char durability[512];
    summary_durability(&r->preflight, durability, sizeof durability);
    if (durability[0])
        summary_wrapped(f, "durability ", durability, 100);
    for (size_t i = 0; i < r->preflight.n_warnings; i++)
        fprintf(f, "warning    %s\n", r->preflight.warnings[i]);
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
