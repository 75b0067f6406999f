/* meta.h — what every JSON result says about how it was made: schema version, time, command
 * line, host. */
#ifndef RACESIM_META_H
#define RACESIM_META_H

#include <cjson/cJSON.h>

#define META_SCHEMA_VERSION 1    /* schemas/result.schema.json: bump on an incompatible change */

/* Keeps argv for the results (main calls it once, before anything else). */
void meta_set_argv(int argc, char **argv);

/* Puts "schema_version" first in j (a result object) and adds "meta": {"timestamp" (UTC,
 * ISO 8601), "command_line" (argv; a password could only come from the environment, never
 * argv: a DSN's userinfo after ':' is masked all the same), "host": {"cores", "load_average":
 * [1, 5, 15 min]}}. Does nothing when j is NULL; on no memory some fields may be missing. */
void meta_stamp(cJSON *j);

/* A JSON number for a whole number of up to 20 digits, exact beyond 2^53 (written as digits).
 * NULL when out of memory. */
cJSON *meta_uint(unsigned long long v);

/* A scenario parameter's value as JSON: a number when the text is one ("5000"), else the text
 * ("1..30", "zipf:0.99"). NULL when out of memory. */
cJSON *meta_param(const char *text);

#endif
