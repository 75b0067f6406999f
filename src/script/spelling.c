/* spelling.c — how far apart two names are, to suggest the one meant ("did you mean ...?"). */
#include "spelling.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>

#define NAME_MAX_LEN 63

static int min3(int a, int b, int c)
{
    int m = a < b ? a : b;
    return m < c ? m : c;
}

int spelling_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > NAME_MAX_LEN || m > NAME_MAX_LEN)
        return NAME_MAX_LEN + 1;
    int d[NAME_MAX_LEN + 1][NAME_MAX_LEN + 1];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            int cost = a[i - 1] != b[j - 1];
            d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < d[i][j])
                d[i][j] = d[i - 2][j - 2] + 1;          /* two neighbours swapped */
        }
    return d[n][m];
}

bool spelling_close(const char *typed, const char *known)
{
    int d = spelling_distance(typed, known);
    return d > 0 && d <= (strlen(known) >= 6 ? 2 : 1);
}

void spelling_begin(struct spelling_best *b, const char *typed)
{
    b->typed = typed;
    b->best[0] = '\0';
    b->distance = NAME_MAX_LEN + 1;
}

void spelling_consider(struct spelling_best *b, const char *known)
{
    if (!spelling_close(b->typed, known))
        return;
    int d = spelling_distance(b->typed, known);
    if (d < b->distance && strlen(known) < sizeof b->best) {
        snprintf(b->best, sizeof b->best, "%s", known);
        b->distance = d;
    }
}

void spelling_consider_folder(struct spelling_best *b, const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t len = strlen(e->d_name), sl = suffix ? strlen(suffix) : 0;
        if (e->d_name[0] == '.' || len >= sizeof b->best + sl)
            continue;
        if (suffix && (len <= sl || strcmp(e->d_name + len - sl, suffix) != 0))
            continue;
        if (!suffix && e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
            continue;
        char name[sizeof b->best];
        snprintf(name, sizeof name, "%.*s", (int)(len - sl), e->d_name);
        spelling_consider(b, name);
    }
    if (d)
        closedir(d);
}
