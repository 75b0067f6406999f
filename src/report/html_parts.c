/* html_parts.c — the pieces every racesim web page shares: escaping, the head with its
 * Content-Security-Policy, a table, the closing script. */
#include "html_parts.h"

#include "html_assets.h"
#include "output.h"

void html_escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

void html_head(FILE *f, const char *title, const char *extra_css)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", f);
    html_escape(f, title);
    fprintf(f, "</title>\n<style>\n%s%s</style>\n</head>\n<body>\n", html_page_css, extra_css ? extra_css : "");
}

void html_header(FILE *f, const char *title, const char *sub)
{
    fputs("<header>\n<h1>", f);
    html_escape(f, title);
    fputs("</h1>\n<p class=\"sub\">", f);
    html_escape(f, sub);
    fputs("</p>\n</header>\n<main>\n", f);
}

void html_table(FILE *f, const struct table *t, const char *id, const char *const *row_class)
{
    fprintf(f, "<table id=\"%s\">\n<tr>", id);
    for (size_t c = 0; c < t->ncols; c++) {
        fprintf(f, "<th class=\"%s\">", t->align[c] == TABLE_RIGHT ? "num" : "text");
        html_escape(f, t->headers[c] ? t->headers[c] : "");
        fputs("</th>", f);
    }
    fputs("</tr>\n", f);
    for (size_t r = 0; r < t->nrows; r++) {
        fprintf(f, "<tr class=\"row%s%s\">", row_class ? " " : "", row_class ? row_class[r] : "");
        for (size_t c = 0; c < t->ncols; c++) {
            const char *cell = t->cells[r * t->ncols + c];
            fprintf(f, "<td class=\"%s\">", t->align[c] == TABLE_RIGHT ? "num" : "text");
            html_escape(f, cell ? cell : "");
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

void html_close(FILE *f, const char *footer)
{
    fputs("<footer>", f);
    html_escape(f, footer);
    fputs(" · no network</footer>\n<script>\ndocument.body.dataset.drawn = \"yes\";\n"
          "window.addEventListener(\"load\", () => {\n"
          "  document.body.dataset.requests = String(performance.getEntriesByType(\"resource\").length);\n"
          "});\n</script>\n</body>\n</html>\n", f);
}

int html_write_file(const char *path, bool force, int (*write)(FILE *f, const void *data), const void *data,
                    char *err, size_t errlen)
{
    struct output out;
    if (output_open(&out, "--html", path, force, err, errlen))
        return 2;
    int rc = write(out.f, data);
    if (rc && output_close(&out, false, err, errlen) == 0)
        snprintf(err, errlen, "--html=%s: cannot write the page (out of memory or disk full)", path);
    return rc ? 2 : output_close(&out, true, err, errlen);
}
