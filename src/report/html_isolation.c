/* html_isolation.c — racesim isolation as one self-contained web page: the table of anomalies by
 * isolation level, each cell coloured by its verdict, the legend, and how each ✓ was kept. */
#include "html_isolation.h"

#include <stdio.h>

#include "config.h"
#include "html_parts.h"

static const char isolation_css[] =
    "#anomalies { border-collapse: collapse; margin: 0.6rem 0; font-size: 1.1rem; }\n"
    "#anomalies th, #anomalies td { border: 2px solid var(--line); padding: 0.3rem 0.6rem; "
    "text-align: center; }\n"
    "#anomalies th.level { text-align: left; white-space: nowrap; }\n"
    "#anomalies td.mark { font-weight: bold; min-width: 4.2rem; }\n"
    "#anomalies td.prevented { color: var(--ok); background: var(--ok-bg); }\n"
    "#anomalies td.occurs { color: #fff; background: var(--bad); }\n"
    "#anomalies td.read-only { color: var(--wait); background: var(--wait-bg); }\n"
    "#anomalies td.cut { color: var(--muted); background: #eee; }\n"
    "#legend { list-style: none; padding: 0; margin: 0.3rem 0; font-size: 0.9rem; }\n"
    "#legend li { margin: 0.15rem 0; }\n"
    "#legend .key { display: inline-block; min-width: 2.6rem; text-align: center; font-weight: "
    "bold; padding: 0 0.3rem; margin-right: 0.4rem; border-radius: 0.2rem; }\n"
    ".key.prevented { color: var(--ok); background: var(--ok-bg); }\n"
    ".key.occurs { color: #fff; background: var(--bad); }\n"
    ".key.read-only { color: var(--wait); background: var(--wait-bg); }\n"
    ".key.cut { color: var(--muted); background: #eee; }\n"
    ".notes { font-size: 0.85rem; color: var(--muted); margin: 0.2rem 0; }\n"
    "#how { border-collapse: collapse; font-size: 0.8rem; margin-top: 0.3rem; }\n"
    "#how th, #how td { padding: 0.1rem 0.5rem; border-bottom: 1px solid #bbb; text-align: left; "
    "vertical-align: top; }\n";

static const char *mark_class(enum iso_mark m)
{
    return m == ISO_PREVENTED ? "prevented" : m == ISO_OCCURS ? "occurs"
           : m == ISO_READ_ONLY ? "read-only" : "cut";
}

static const char *mark_text(enum iso_mark m)
{
    return m == ISO_PREVENTED ? "✓" : m == ISO_OCCURS ? "—" : m == ISO_READ_ONLY ? "R/O" : "cut";
}

static void write_table(FILE *f, const struct iso_page *p)
{
    fputs("<table id=\"anomalies\">\n<tr><th class=\"level\">isolation</th>", f);
    for (size_t c = 0; c < p->n_columns; c++) {
        fputs("<th>", f);
        html_escape(f, p->columns[c]);
        fputs("</th>", f);
    }
    fputs("</tr>\n", f);
    for (size_t r = 0; r < p->n_rows; r++) {
        fputs("<tr><th class=\"level\">", f);
        html_escape(f, p->rows[r]);
        fputs("</th>", f);
        for (size_t c = 0; c < p->n_columns; c++) {
            enum iso_mark m = p->marks[r * p->n_columns + c];
            fprintf(f, "<td class=\"mark %s\">%s</td>", mark_class(m), mark_text(m));
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

static void write_legend(FILE *f, const struct iso_page *p)
{
    static const char *const words[] = {
        "prevented: no interleaving of the transactions shows the anomaly",
        "occurs: some interleavings show it",
        "prevented only without writes: the read-only form is prevented, the form with a write is not",
        "explore was stopped before it tried every interleaving",
    };
    fputs("<ul id=\"legend\">\n", f);
    for (enum iso_mark m = ISO_PREVENTED; m <= ISO_CUT; m++)
        fprintf(f, "<li><span class=\"key %s\">%s</span>%s</li>\n", mark_class(m), mark_text(m),
                words[m]);
    fputs("</ul>\n", f);
    for (size_t i = 0; i < p->n_notes; i++) {
        fputs("<p class=\"notes\">", f);
        html_escape(f, p->notes[i]);
        fputs("</p>\n", f);
    }
}

static void write_how(FILE *f, const struct iso_page *p)
{
    fputs("<h2>How each ✓ was kept <small>(and what it cost)</small></h2>\n<table id=\"how\">\n"
          "<tr><th>isolation</th><th>anomaly</th><th>how</th></tr>\n", f);
    for (size_t i = 0; i < p->n_how; i++) {
        fputs("<tr><td>", f);
        html_escape(f, p->how[i].level);
        fputs("</td><td>", f);
        html_escape(f, p->how[i].test);
        fputs("</td><td>", f);
        html_escape(f, p->how[i].how);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
}

static int write_page(FILE *f, const void *data)
{
    const struct iso_page *p = data;
    html_head(f, p->title, isolation_css);
    html_header(f, p->title, p->sub);
    write_table(f, p);
    write_legend(f, p);
    write_how(f, p);
    fputs("</main>\n", f);
    html_close(f, "racesim " RACESIM_VERSION " isolation · every interleaving of each test's "
               "transactions, run by racesim explore");
    return ferror(f) ? -1 : 0;
}

int html_isolation_write_file(const char *path, bool force, const struct iso_page *p, char *err,
                              size_t errlen)
{
    return html_write_file(path, force, write_page, p, err, errlen);
}
