/* html.c — one run as a self-contained web page: the verdict and invariants as HTML, the trace's
 * events and the JSON report as embedded data that the page's script draws (lanes, watched row,
 * playback, latency histogram). */
#include "html.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "html_assets.h"
#include "html_parts.h"
#include "report.h"
#include "summary.h"

/* Writes JSON text inside a <script> element: "</" becomes "<\/" (the same string to JSON), so
 * no value can end the element. */
static void put_script_json(FILE *f, const char *json)
{
    for (const char *p = json; *p; p++) {
        if (p[0] == '<' && p[1] == '/') {
            fputs("<\\/", f);
            p++;
        } else if (p[0] == '<' && p[1] == '!') {
            fputs("\\u003c", f);            /* "<" occurs only inside a JSON string */
        } else {
            fputc(*p, f);
        }
    }
}

/* The page's data: the JSON report, the events of the buyers drawn as lanes, the watched row. */
static cJSON *page_data(const struct run_report *r)
{
    cJSON *d = cJSON_CreateObject();
    if (!d)
        return NULL;
    const struct trace *t = &r->result.trace;
    int lanes = r->settings.users < HTML_LANES_MAX ? r->settings.users : HTML_LANES_MAX;
    cJSON_AddItemToObject(d, "report", report_json(r));
    cJSON_AddNumberToObject(d, "buyers", r->settings.users);
    cJSON_AddNumberToObject(d, "lanes", lanes);
    cJSON_AddBoolToObject(d, "lockstep", t->lockstep);
    cJSON *all = trace_json_array(t, &r->script);
    cJSON *events = cJSON_AddArrayToObject(d, "events");
    for (cJSON *ev = all ? all->child : NULL, *next; ev && events; ev = next) {
        next = ev->next;
        cJSON *b = cJSON_GetObjectItemCaseSensitive(ev, "buyer");
        if (cJSON_IsNumber(b) && b->valueint <= lanes)
            cJSON_AddItemToArray(events, cJSON_DetachItemViaPointer(all, ev));
    }
    cJSON_Delete(all);
    if (t->state_name[0]) {
        cJSON *st = cJSON_AddObjectToObject(d, "state");
        cJSON_AddStringToObject(st, "name", t->state_name);
        if (t->has_initial_state)
            cJSON_AddNumberToObject(st, "initial", (double)t->initial_state);
        if (t->state_op[0]) {
            cJSON_AddStringToObject(st, "op", t->state_op);
            cJSON_AddNumberToObject(st, "bound", (double)t->state_bound);
        }
    }
    return d;
}

static void write_head(FILE *f, const struct run_report *r, bool correct)
{
    char title[512];
    snprintf(title, sizeof title, "%s / %s · %s · racesim", r->scenario.name, r->strategy_name,
             correct ? "correct" : "ANOMALY");
    html_head(f, title, NULL);
}

/* The title line, the verdict and why, in words. */
static void write_header(FILE *f, const struct run_report *r, const char *verdict)
{
    const struct run_settings *o = &r->settings;
    fputs("<header>\n<h1><span id=\"scenario\">", f);
    html_escape(f, r->scenario.name);
    fputs("</span> / <span id=\"strategy\">", f);
    html_escape(f, r->strategy_name);
    fprintf(f, "</span></h1>\n<p class=\"sub\">%d buyer%s · %s · seed %llu · ", o->users,
            o->users == 1 ? "" : "s", o->lockstep ? "one statement at a time (lockstep)" : "free-running",
            (unsigned long long)o->seed);
    char params[512];
    summary_params(r, params, sizeof params);
    html_escape(f, params);
    fputs(" · ", f);
    html_escape(f, r->engine);
    fputs("</p>\n<p class=\"desc\">", f);
    size_t len = strcspn(r->script.description, "\n");
    char first[512];
    snprintf(first, sizeof first, "%.*s", (int)(len < sizeof first ? len : sizeof first - 1),
             r->script.description);
    html_escape(f, first);
    fprintf(f, "</p>\n<div id=\"verdict\" class=\"verdict %s\">", verdict);
    if (strcmp(verdict, "correct") == 0) {
        fputs("✓ correct — every invariant holds", f);
    } else if (strcmp(verdict, "anomaly") == 0) {
        fputs("✗ ANOMALY —", f);     /* as the text report's verdict line */
        for (size_t i = 0, k = 0; i < r->n_invariants; i++)
            if (!r->invariants[i].holds) {
                fprintf(f, "%s ", k++ ? "," : "");
                html_escape(f, r->invariants[i].name);
                fprintf(f, " by %lld", (long long)r->invariants[i].value);
            }
    } else {
        fputs("not checked — ", f);
        html_escape(f, r->not_checked);
    }
    fputs("</div>\n</header>\n", f);
    char why[768];
    report_explanation(r, why, sizeof why);
    if (why[0]) {
        fputs("<p id=\"why\"><b>why:</b> ", f);
        html_escape(f, why);
        fputs("</p>\n", f);
    }
}

static void write_invariants(FILE *f, const struct run_report *r)
{
    fputs("<div id=\"invariants\"><h2>invariants <small>checked by SQL after the run</small></h2>\n"
          "<table>\n", f);
    for (size_t i = 0; i < r->n_invariants; i++) {
        const struct invariant_result *ir = &r->invariants[i];
        bool checked = !r->not_checked[0];
        fprintf(f, "<tr class=\"%s\"><td class=\"mark\">%s</td><td class=\"name\">",
                !checked ? "unchecked" : ir->holds ? "holds" : "broken", !checked ? "?" : ir->holds ? "✓" : "✗");
        html_escape(f, ir->name);
        fprintf(f, "</td><td class=\"value\">%lld</td><td class=\"what\">", (long long)ir->value);
        html_escape(f, ir->description);
        fputs("</td></tr>\n", f);
    }
    fputs("</table></div>\n", f);
}

int report_write_html(FILE *f, const struct run_report *r)
{
    cJSON *data = page_data(r);
    char *json = data ? cJSON_PrintUnformatted(data) : NULL;
    cJSON_Delete(data);
    if (!json)
        return -1;
    const char *verdict = r->not_checked[0] ? "unchecked" : "correct";
    for (size_t i = 0; i < r->n_invariants && !r->not_checked[0]; i++)
        if (!r->invariants[i].holds)
            verdict = "anomaly";
    write_head(f, r, strcmp(verdict, "correct") == 0);
    write_header(f, r, verdict);
    fputs("<main>\n<section id=\"timeline\" aria-label=\"what each buyer did, step by step\">"
          "<p class=\"noscript\">The timeline is drawn by the page's script.</p></section>\n"
          "<nav id=\"controls\" aria-label=\"playback\"><button id=\"first\" title=\"before the first step (Home)\">|◀</button>"
          "<button id=\"prev\" title=\"step back (←)\">◀</button>"
          "<button id=\"play\" title=\"play (space)\">▶ play</button>"
          "<button id=\"next\" title=\"step forward (→)\">▶</button>"
          "<button id=\"last\" title=\"every step (End)\">▶|</button>"
          "<span id=\"stepno\"></span><span class=\"keys\">keys: ← → space</span></nav>\n"
          "<section id=\"bottom\">\n", f);
    write_invariants(f, r);
    fputs("<div id=\"latency\"><h2>purchase latency</h2><div id=\"histogram\"></div></div>\n"
          "</section>\n</main>\n<footer>racesim " RACESIM_VERSION " · drawn from the trace's events "
          "(docs/trace-format.md) · no network</footer>\n<script type=\"application/json\" id=\"data\">", f);
    put_script_json(f, json);
    free(json);
    fprintf(f, "</script>\n<script>\n%s</script>\n</body>\n</html>\n", html_page_js);
    return ferror(f) ? -1 : 0;
}

static int write_run_page(FILE *f, const void *r)
{
    return report_write_html(f, r);
}

int report_write_html_file(const struct run_report *r, const char *path, bool force, char *err,
                           size_t errlen)
{
    return html_write_file(path, force, write_run_page, r, err, errlen);
}
