/* interval.c — live figures per reporting interval: tallies, rows and the line on stderr. */
#include "interval.h"

#include <stdlib.h>
#include <string.h>

static void counts_clear(struct interval_counts *c)
{
    memset(c, 0, sizeof *c);
    hist_init(&c->latency);
}

void interval_tally_init(struct interval_tally *t)
{
    pthread_mutex_init(&t->lock, NULL);
    counts_clear(&t->now);
}

void interval_tally_destroy(struct interval_tally *t)
{
    pthread_mutex_destroy(&t->lock);
}

void interval_tally_add(struct interval_tally *t, int outcome, uint64_t retries, uint64_t latency_us)
{
    pthread_mutex_lock(&t->lock);
    t->now.purchases++;
    t->now.ok += outcome == OUTCOME_OK;
    t->now.retries += retries;
    if (outcome > OUTCOME_OK && outcome < OUTCOME_BUILTIN_COUNT)
        t->now.errors[outcome]++;
    hist_record(&t->now.latency, latency_us);
    pthread_mutex_unlock(&t->lock);
}

void interval_tally_take(struct interval_tally *t, struct interval_counts *sum)
{
    pthread_mutex_lock(&t->lock);
    sum->purchases += t->now.purchases;
    sum->ok += t->now.ok;
    sum->retries += t->now.retries;
    for (int i = 0; i < OUTCOME_BUILTIN_COUNT; i++)
        sum->errors[i] += t->now.errors[i];
    if (t->now.purchases)
        hist_merge(&sum->latency, &t->now.latency);
    counts_clear(&t->now);
    pthread_mutex_unlock(&t->lock);
}

struct interval_row interval_row_make(const struct interval_counts *sum, double t_s, double secs,
                                      uint64_t backlog, bool open_loop, bool warmup)
{
    struct interval_row row = {.t_s = t_s, .secs = secs, .purchases = sum->purchases,
                               .ok = sum->ok, .retries = sum->retries,
                               .p99_us = hist_percentile(&sum->latency, 99),
                               .backlog = open_loop ? backlog : 0, .warmup = warmup};
    for (int i = 0; i < OUTCOME_BUILTIN_COUNT; i++) {
        row.errors_by[i] = sum->errors[i];
        row.errors += sum->errors[i];
    }
    return row;
}

int interval_log_add(struct interval_log *log, const struct interval_row *row)
{
    if (log->n == log->cap) {
        size_t cap = log->cap ? log->cap * 2 : 64;
        struct interval_row *rows = realloc(log->rows, cap * sizeof *rows);
        if (!rows)
            return -1;
        log->rows = rows;
        log->cap = cap;
    }
    log->rows[log->n++] = *row;
    return 0;
}

void interval_print(FILE *f, const struct interval_row *row, bool open_loop)
{
    double s = row->secs > 0 ? row->secs : 1;
    fprintf(f, "racesim: [%6.1fs]%s purchases/s %.1f · ok/s %.1f · retries/s %.1f · errors/s %.1f",
            row->t_s, row->warmup ? " warmup" : "", (double)row->purchases / s,
            (double)row->ok / s, (double)row->retries / s, (double)row->errors / s);
    const char *sep = " (";
    for (int i = 1; i < OUTCOME_BUILTIN_COUNT; i++)
        if (row->errors_by[i]) {
            fprintf(f, "%s%s %.1f", sep, outcome_builtin_name(i), (double)row->errors_by[i] / s);
            sep = ", ";
        }
    if (sep[0] == ',')
        fputc(')', f);
    fprintf(f, " · p99 %.3f ms", (double)row->p99_us / 1e3);
    if (open_loop)
        fprintf(f, " · backlog %llu", (unsigned long long)row->backlog);
    fputc('\n', f);
    fflush(f);
}

void interval_log_free(struct interval_log *log)
{
    if (!log)
        return;
    free(log->rows);
    log->rows = NULL;
    log->n = log->cap = 0;
}
