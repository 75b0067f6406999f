/* html_parts.h — the pieces every racesim web page shares: escaping, the head with its
 * Content-Security-Policy (no request may leave the page), a table, the closing script. */
#ifndef RACESIM_HTML_PARTS_H
#define RACESIM_HTML_PARTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "table.h"

/* Writes s with &, <, > and " escaped for HTML text and attribute values. */
void html_escape(FILE *f, const char *s);

/* Writes the doctype, <head> (charset, the CSP that forbids every fetch, the title escaped, the
 * run page's stylesheet followed by extra_css, which may be NULL) and opens <body>. */
void html_head(FILE *f, const char *title, const char *extra_css);

/* Writes the page's <header> (title as <h1>, sub under it, both escaped) and opens <main>. */
void html_header(FILE *f, const char *title, const char *sub);

/* Writes t as an HTML <table id="id">, row i with class row_class[i] (row_class may be NULL). */
void html_table(FILE *f, const struct table *t, const char *id, const char *const *row_class);

/* Writes the footer (text escaped), a script that marks <body data-drawn="yes"> and, once loaded,
 * data-requests with the count of requests the page made, and closes the document. */
void html_close(FILE *f, const char *footer);

/* Writes a page to path (--html=FILE) the way output.h writes a report: a temp file renamed into
 * place, an existing file replaced only when force; write(f, data) writes the page and returns 0,
 * or -1 when out of memory or the write failed. Returns 0, or 2 with one line in err. */
int html_write_file(const char *path, bool force, int (*write)(FILE *f, const void *data), const void *data,
                    char *err, size_t errlen);

#endif
