/* meta.c — what every JSON result says about how it was made: schema version, time, command
 * line, host. */
#include "meta.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int saved_argc;
static char **saved_argv;

void meta_set_argv(int argc, char **argv)
{
    saved_argc = argc;
    saved_argv = argv;
}

/* arg with a DSN's password (user:secret@) masked; racesim refuses such a DSN anyway. */
static cJSON *masked(const char *arg)
{
    const char *scheme = strstr(arg, "://");
    const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
    const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
    if (!at || !colon || colon > at)
        return cJSON_CreateString(arg);
    char buf[4096];
    snprintf(buf, sizeof buf, "%.*s:***%s", (int)(colon - arg), arg, at);
    return cJSON_CreateString(buf);
}

cJSON *meta_uint(unsigned long long v)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%llu", v);
    return cJSON_CreateRaw(digits);
}

cJSON *meta_param(const char *text)
{
    char *end;
    double v = strtod(text, &end);
    if (*text && end != text && !*end && (isdigit((unsigned char)text[0]) || text[0] == '-'))
        return cJSON_CreateNumber(v);
    return cJSON_CreateString(text);
}

void meta_stamp(cJSON *j)
{
    if (!j)
        return;
    cJSON *version = cJSON_CreateNumber(META_SCHEMA_VERSION);
    if (version) {
        cJSON_AddItemToObject(j, "schema_version", version);
        cJSON_DetachItemViaPointer(j, version);
        cJSON_InsertItemInArray(j, 0, version);    /* keeps its name: first in the object */
    }
    cJSON *m = cJSON_AddObjectToObject(j, "meta");
    if (!m)
        return;
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cJSON_AddStringToObject(m, "timestamp", when);
    cJSON *argv = cJSON_AddArrayToObject(m, "command_line");
    for (int i = 0; argv && i < saved_argc; i++)
        cJSON_AddItemToArray(argv, masked(saved_argv[i]));
    cJSON *host = cJSON_AddObjectToObject(m, "host");
    cJSON_AddNumberToObject(host, "cores", (double)sysconf(_SC_NPROCESSORS_ONLN));
    double load[3];
    if (getloadavg(load, 3) == 3) {
        cJSON *l = cJSON_AddArrayToObject(host, "load_average");
        for (int i = 0; l && i < 3; i++)
            cJSON_AddItemToArray(l, cJSON_CreateNumber(load[i]));
    } else {
        cJSON_AddNullToObject(host, "load_average");
    }
}
