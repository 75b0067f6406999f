/* answer.h — compare's answer from the measured figures: which strategies kept every invariant,
 * which of those sold all they could, the fastest such one and by how much, what each unsafe one cost. */
#ifndef RACESIM_ANSWER_H
#define RACESIM_ANSWER_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "run.h"

#define ANSWER_MAX CLI_LIST_MAX     /* as many as --strategies takes */

/* One strategy's measured figures: all the answer looks at. */
struct answer_figures {
    char name[64];
    bool correct;              /* every invariant held */
    char anomalies[256];       /* the violated invariants with their sizes: "oversell 2820, lost_update 12" */
    double goodput;            /* purchases that succeeded, per second */
    double p99_ms;             /* p99 purchase latency */
    uint64_t purchases;        /* purchases asked for */
    uint64_t served;           /* purchases that succeeded */
    uint64_t units_sold;       /* units of the purchases that succeeded */
    int64_t units_left;        /* units unsold at the end; -1 when the scenario does not say */
    uint64_t lost_purchases;   /* turned away by an error or a retry give-up while units were left */
    uint64_t lost_units;       /* the units those purchases asked for */
    bool turns;                /* a lockstep run: statements took turns, so goodput and p99 mean nothing */
};

enum answer_class {
    ANSWER_COMPLETE,           /* kept every invariant and lost no sale */
    ANSWER_LOSSY,              /* kept every invariant but turned buyers away with units left */
    ANSWER_UNSAFE,             /* violated an invariant */
};

struct answer {
    size_t n;
    enum answer_class cls[ANSWER_MAX];
    int best;                  /* the complete strategy with the highest goodput; -1 when none */
    int runner_up;             /* what best is measured against: the next complete one by goodput,
                                  else the correct lossy one with the highest goodput; -1 when none */
    int lowest_p99;            /* the complete strategy with the lowest p99; -1 when none */
    int64_t stock;             /* units there were to sell (sold + left by a correct run); -1 unknown */
};

/* Fills fig from a finished run. */
void answer_figures_of(const struct run_report *r, struct answer_figures *fig);

/* The answer over n figures (at most ANSWER_MAX are looked at). A strategy that violated an
 * invariant or lost a sale is never best nor lowest_p99. Pure: reads fig only. */
void answer_decide(const struct answer_figures *fig, size_t n, struct answer *a);

/* The units a lossy strategy could have sold: its lost units, at most the units left. */
uint64_t answer_unsold(const struct answer_figures *f);

/* The answer's first line without a lead: "atomic: correct, sold out, 1.28× for-update's goodput
 * (2802 vs 2194 ok/s), p99 0.68× (93.7ms vs 137ms)", or why there is no pick; for lockstep runs
 * (turns) those that kept every invariant and lost no sale ("atomic: correct, sold out; lockstep:
 * ..."), and no speed. */
void answer_headline(const struct answer *a, const struct answer_figures *fig, char *buf, size_t n);

/* The answer as the closing lines of compare's text (md: Markdown with hard breaks), wrapped at
 * width columns. */
void answer_write(FILE *f, const struct answer *a, const struct answer_figures *fig, bool md, int width);

/* The answer as JSON: the pick, the headline, and each strategy's figures and class. NULL when
 * out of memory. */
cJSON *answer_json(const struct answer *a, const struct answer_figures *fig);

/* "complete", "lossy" or "unsafe". */
const char *answer_class_name(enum answer_class c);

#endif
