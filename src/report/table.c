/* table.c — a table of text cells: printed to fit a width (wide ones split into blocks), or as Markdown. */
#include "table.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void table_init(struct table *t, size_t ncols)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols <= TABLE_COLS_MAX ? ncols : TABLE_COLS_MAX;
    t->gap = 2;
}

void table_column(struct table *t, size_t col, const char *header, enum table_align align)
{
    if (col >= t->ncols)
        return;
    free(t->headers[col]);
    t->headers[col] = strdup(header);
    t->failed |= t->headers[col] == NULL;
    t->align[col] = align;
}

size_t table_row(struct table *t)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        char **cells = realloc(t->cells, cap * t->ncols * sizeof *cells);
        if (!cells) {
            t->failed = true;
            return (size_t)-1;
        }
        memset(cells + t->cap * t->ncols, 0, (cap - t->cap) * t->ncols * sizeof *cells);
        t->cells = cells;
        t->cap = cap;
    }
    return t->nrows++;
}

void table_set(struct table *t, size_t row, size_t col, const char *fmt, ...)
{
    if (row >= t->nrows || col >= t->ncols)
        return;
    char *s = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0) {
        t->failed = true;
        return;
    }
    free(t->cells[row * t->ncols + col]);
    t->cells[row * t->ncols + col] = s;
}

int table_text_width(const char *s)
{
    int w = 0;
    for (; s && *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static const char *cell(const struct table *t, size_t row, size_t col)
{
    const char *s = t->cells[row * t->ncols + col];
    return s ? s : "";
}

static void pad(FILE *f, const char *s, int width, enum table_align a, bool last)
{
    int n = width - table_text_width(s);
    if (a == TABLE_RIGHT)
        fprintf(f, "%*s%s", n > 0 ? n : 0, "", s);
    else if (last)
        fputs(s, f);
    else
        fprintf(f, "%s%*s", s, n > 0 ? n : 0, "");
}

/* One block: column 0, then columns from..to-1. */
static void print_block(FILE *f, const struct table *t, const int *w, size_t from, size_t to)
{
    size_t cols[TABLE_COLS_MAX], n = 0;
    cols[n++] = 0;
    for (size_t c = from; c < to; c++)
        cols[n++] = c;
    for (size_t row = 0; row <= t->nrows; row++) {
        for (size_t i = 0; i < n; i++) {
            size_t c = cols[i];
            const char *s = row == 0 ? (t->headers[c] ? t->headers[c] : "") : cell(t, row - 1, c);
            if (i > 0)
                fprintf(f, "%*s", t->gap, "");
            pad(f, s, w[c], t->align[c], i + 1 == n);
        }
        fputc('\n', f);
    }
}

int table_column_width(const struct table *t, size_t col)
{
    int w = col < t->ncols ? table_text_width(t->headers[col]) : 0;
    for (size_t r = 0; col < t->ncols && r < t->nrows; r++) {
        int x = table_text_width(cell(t, r, col));
        if (x > w)
            w = x;
    }
    return w;
}

int table_print(FILE *f, const struct table *t, int width)
{
    if (t->failed)
        return -1;
    int w[TABLE_COLS_MAX];
    for (size_t c = 0; c < t->ncols; c++)
        w[c] = table_column_width(t, c);
    /* split columns 1.. into blocks that fit beside column 0 */
    size_t from = 1;
    do {
        int used = w[0];
        size_t to = from;
        while (to < t->ncols && (to == from || used + t->gap + w[to] <= width)) {
            used += t->gap + w[to];
            to++;
        }
        if (from > 1)
            fputc('\n', f);
        print_block(f, t, w, from, to);
        from = to;
    } while (from < t->ncols);
    return ferror(f) ? -1 : 0;
}

static void md_cell(FILE *f, const char *s)
{
    fputs("| ", f);
    for (; *s; s++) {
        if (*s == '|')
            fputc('\\', f);
        fputc(*s == '\n' ? ' ' : *s, f);
    }
    fputc(' ', f);
}

int table_print_md(FILE *f, const struct table *t)
{
    if (t->failed)
        return -1;
    for (size_t c = 0; c < t->ncols; c++)
        md_cell(f, t->headers[c] ? t->headers[c] : "");
    fputs("|\n", f);
    for (size_t c = 0; c < t->ncols; c++)
        fputs(t->align[c] == TABLE_RIGHT ? "|---:" : "|---", f);
    fputs("|\n", f);
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++)
            md_cell(f, cell(t, r, c));
        fputs("|\n", f);
    }
    return ferror(f) ? -1 : 0;
}

void table_free(struct table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    for (size_t c = 0; c < t->ncols; c++)
        free(t->headers[c]);
    memset(t, 0, sizeof *t);
}
