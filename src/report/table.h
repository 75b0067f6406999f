/* table.h — a table of text cells: printed to fit a width (wide ones split into blocks), or as Markdown. */
#ifndef RACESIM_TABLE_H
#define RACESIM_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum table_align { TABLE_LEFT, TABLE_RIGHT };

#define TABLE_COLS_MAX 80

struct table {
    size_t ncols, nrows, cap;
    char *headers[TABLE_COLS_MAX];
    enum table_align align[TABLE_COLS_MAX];
    char **cells;                 /* nrows x ncols, each owned; NULL is an empty cell */
    bool failed;                  /* out of memory somewhere: print nothing, report it */
    int gap;                      /* spaces between columns in text (default 2) */
};

/* Starts an empty table of ncols columns (at most TABLE_COLS_MAX). */
void table_init(struct table *t, size_t ncols);

/* Names column col and says how its cells line up. */
void table_column(struct table *t, size_t col, const char *header, enum table_align align);

/* Appends an empty row; returns its index (on no memory t->failed is set and cells go nowhere). */
size_t table_row(struct table *t);

/* Sets a cell to printf output. */
__attribute__((format(printf, 4, 5)))
void table_set(struct table *t, size_t row, size_t col, const char *fmt, ...);

/* The columns col takes in text: its widest cell or its header. */
int table_column_width(const struct table *t, size_t col);

/* Prints t as aligned text no wider than width columns: when it is wider, the columns after the
 * first are split into blocks, each printed under its own header with the first column again.
 * Returns 0, or -1 when t->failed. */
int table_print(FILE *f, const struct table *t, int width);

/* Prints t as a Markdown table ('|' in cells escaped). Returns 0, or -1 when t->failed. */
int table_print_md(FILE *f, const struct table *t);

/* Columns s takes on a terminal: UTF-8 code points (✓, ✗, ×, – count one). */
int table_text_width(const char *s);

/* Frees the cells and headers. */
void table_free(struct table *t);

#endif
