/* usage.h — the one table of racesim's options: which command takes which, and the help text. */
#ifndef RACESIM_USAGE_H
#define RACESIM_USAGE_H

#include <stdbool.h>
#include <stdio.h>

#include "cli.h"

#define USAGE_WIDTH 80      /* every help line is shorter than this */

/* Whether name (without "--") is an option of racesim for some command. */
bool usage_known(const char *name);

/* Whether name is an option command c takes (help and version: every command). */
bool usage_allowed(enum command c, const char *name);

/* Whether name is a flag: an option that takes no value (trace takes one optionally). */
bool usage_is_flag(const char *name);

/* The command a word names ("compare"), or -1 for none. Words of commands, not -V. */
int usage_command(const char *word);

/* The command word closest to word ("comapre" -> "compare"), or NULL when none is close (a
 * static buffer, valid until the next call). */
const char *usage_command_near(const char *word);

/* The option of command c closest to name ("user" -> "users"), else the first that name begins
 * ("strat" -> "strategy", 3 letters or more), or NULL (a static buffer, valid until the next
 * call). */
const char *usage_option_near(enum command c, const char *name);

/* Prints the help of command c: its usage, what it does, its options only, its exit codes. */
void usage_command_help(FILE *out, enum command c);

/* Prints the overview: the commands, how to get a command's help, the exit codes. */
void usage_overview(FILE *out);

#endif
