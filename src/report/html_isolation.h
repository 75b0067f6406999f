/* html_isolation.h — racesim isolation as one self-contained web page (--html): the table of
 * anomalies by isolation level, each cell coloured by its verdict, the legend, and how each
 * prevented cell was kept. */
#ifndef RACESIM_HTML_ISOLATION_H
#define RACESIM_HTML_ISOLATION_H

#include <stdbool.h>
#include <stddef.h>

enum iso_mark { ISO_PREVENTED, ISO_OCCURS, ISO_READ_ONLY, ISO_CUT };

/* One line of "how each ✓ was kept": the level, the test ("PMP (write)") and how. */
struct iso_how {
    char level[48], test[48], how[256];
};

struct iso_page {
    const char *title, *sub;          /* the heading and the line under it (engine, server, time) */
    const char *const *notes;         /* lines under the legend (a cluster's, a level not run) */
    size_t n_notes;
    const char *const *columns;       /* the anomalies */
    size_t n_columns;
    const char *const *rows;          /* the levels */
    size_t n_rows;
    const enum iso_mark *marks;       /* [row * n_columns + column] */
    const struct iso_how *how;
    size_t n_how;
};

/* Writes the page to path (--html=FILE) as output.h writes a report (a temp file renamed into
 * place; an existing file replaced only with force). Returns 0, or 2 with one line in err. */
int html_isolation_write_file(const char *path, bool force, const struct iso_page *p, char *err,
                              size_t errlen);

#endif
