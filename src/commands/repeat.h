/* repeat.h — a command's repeated runs of each strategy (--repeat=N): median, min–max and an
 * interval of throughput, goodput and p99, as text, Markdown and JSON. */
#ifndef RACESIM_REPEAT_H
#define RACESIM_REPEAT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "batch.h"
#include "stats.h"

/* One strategy's repeats. */
struct repeat_stat {
    struct stats_summary throughput, goodput, p99_ms;
};

/* The runs of b are `strategies` strategies interleaved, repeat after repeat (a1 b1 a2 b2 ...):
 * fills *out for strategy s (0-based) from every run of it that ended. */
void repeat_summarize(const struct batch *b, size_t strategies, size_t s, struct repeat_stat *out);

/* Writes the repeats section: one row per strategy with median [interval] (min–max) of each
 * figure, and a line on what the interval is. md: a Markdown table. */
void repeat_write_text(FILE *f, const struct batch *b, size_t strategies, bool md, int width);

/* The repeats as JSON: [{"strategy", "n", "throughput": {median, min, max, ci_low, ci_high,
 * ci_level, samples: [...]}, "goodput": {...}, "p99_ms": {...}}]. NULL when out of memory. */
cJSON *repeat_json(const struct batch *b, size_t strategies);

#endif
