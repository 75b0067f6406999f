/* schedule.h — the order in which buyers take their steps: parsed from --schedule=1,2,(1,2)*3,
 * and the log of the order a run actually took (with who could have gone at each step). */
#ifndef RACESIM_SCHEDULE_H
#define RACESIM_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>

#define SCHEDULE_MAX 1024          /* steps in one schedule */

/* Parses text into steps[0..*n): buyer numbers separated by commas; N*K repeats buyer N K
 * times, (LIST)*K repeats a list. Every buyer must be in 1..users. Returns 0, or -1 with one
 * line in err. */
int schedule_parse(const char *text, int users, int *steps, int *n, char *err, size_t errlen);

/* schedule_parse where a step may also name a role (T1,T2,T2,T1): roles[k] is played by buyer
 * k + 1 (k < users). An unknown role fails with the roles there are. */
int schedule_parse_roles(const char *text, int users, const char (*roles)[32], size_t n_roles,
                         int *steps, int *n, char *err, size_t errlen);

/* True when text names a step by a letter (a role): parsed once the strategy is read. */
bool schedule_names_roles(const char *text);

/* Writes steps[0..n) as a list ("1,2,2,1") into out, cut with "..." if it does not fit. */
void schedule_format(const int *steps, int n, char *out, size_t outlen);

/* What a scheduled run did, step by step: who ran, and who could have. */
struct schedule_log {
    int chosen[SCHEDULE_MAX];
    unsigned runnable[SCHEDULE_MAX];   /* bit b-1: buyer b was at its next step, free to go */
    int n;
    bool overflow;                     /* more steps than SCHEDULE_MAX: the log was cut */
    int waits;                         /* statements seen blocked on a lock */
};

#endif
