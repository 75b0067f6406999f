/* html_matrix.h — matrix as one self-contained web page (--html): the grid of strategies by
 * isolation levels as inline SVG, each cell coloured by its verdict, and the table. */
#ifndef RACESIM_HTML_MATRIX_H
#define RACESIM_HTML_MATRIX_H

#include <stdbool.h>
#include <stddef.h>

#include "table.h"

enum grid_verdict { GRID_CORRECT, GRID_ANOMALY, GRID_NOT_RUN };

/* One cell of the grid: where it is, its verdict and two short lines of words. */
struct grid_cell {
    size_t row, col;
    enum grid_verdict verdict;
    char line1[128];           /* "✗ in 12 of 16", "✓ none of 36" */
    char line2[256];           /* the invariants broken, the error seen; may be empty */
};

struct grid {
    const char *rows[64];      /* strategies */
    char cols[16][64];         /* isolation levels */
    size_t n_rows, n_cols;
    struct grid_cell *cells;
    size_t n_cells;
};

/* Writes matrix's page to path (--html=FILE) as output.h writes a report: title and sub as the
 * heading, the grid g as SVG, the table t under it. Returns 0, or 2 with one line in err. */
int html_matrix_write_file(const char *path, bool force, const char *title, const char *sub,
                           const struct grid *g, const struct table *t, char *err, size_t errlen);

#endif
