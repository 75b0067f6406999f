/* report_load.c — the load model in a report: open-loop rate and backlog, time, warmup, intervals. */
#include "report_load.h"

bool report_load_used(const struct run_report *r)
{
    const struct run_settings *s = &r->settings;
    return s->rate > 0 || s->duration_us > 0 || s->warmup_us > 0 || s->interval_us > 0;
}

double report_load_achieved(const struct run_report *r)
{
    const struct engine_result *e = &r->result;
    return e->wall_us > 0 ? (double)e->purchases * 1e6 / (double)e->wall_us : 0;
}

void report_load_work(const struct run_report *r, char *out, size_t n)
{
    const struct run_settings *s = &r->settings;
    if (s->rate > 0 && s->duration_us > 0)
        snprintf(out, n, "serving %.6g/s for %.6g s", s->rate, (double)s->duration_us / 1e6);
    else if (s->rate > 0)
        snprintf(out, n, "serving %lld arrivals at %.6g/s", (long long)s->users * s->rounds, s->rate);
    else if (s->duration_us > 0)
        snprintf(out, n, "for %.6g s", (double)s->duration_us / 1e6);
    else
        snprintf(out, n, "× %d purchase%s", s->rounds, s->rounds == 1 ? "" : "s");
}

static double p99_ms(const struct hist *h)
{
    return (double)hist_percentile(h, 99) / 1e3;
}

static double p50_ms(const struct hist *h)
{
    return (double)hist_percentile(h, 50) / 1e3;
}

void report_load_csv_header(FILE *f, const struct run_report *r)
{
    if (r->settings.rate > 0)
        fputs(",rate_asked,rate_achieved,backlog_end,intended_p50_ms,intended_p99_ms,"
              "service_p50_ms,service_p99_ms", f);
}

void report_load_csv_row(FILE *f, const struct run_report *r)
{
    const struct engine_result *e = &r->result;
    if (r->settings.rate > 0)
        fprintf(f, ",%.6g,%.1f,%llu,%.3f,%.3f,%.3f,%.3f", r->settings.rate, report_load_achieved(r),
                (unsigned long long)e->backlog_end, p50_ms(&e->intended_latency),
                p99_ms(&e->intended_latency), p50_ms(&e->purchase_latency),
                p99_ms(&e->purchase_latency));
}

void report_load_text(FILE *f, const struct run_report *r)
{
    const struct run_settings *s = &r->settings;
    const struct engine_result *e = &r->result;
    if (!report_load_used(r))
        return;
    if (s->rate > 0) {
        fprintf(f, "load       open loop: asked %.6g/s (%s) · achieved %.1f/s · backlog at end %llu\n",
                s->rate, s->poisson ? "poisson" : "constant", report_load_achieved(r),
                (unsigned long long)e->backlog_end);
        fprintf(f, "           p99 from the intended start %.3f ms (corrected) · service p99 %.3f ms\n",
                p99_ms(&e->intended_latency), p99_ms(&e->purchase_latency));
    } else {
        fprintf(f, "load       closed loop: each buyer purchases back to back\n");
    }
    if (s->duration_us > 0)
        fprintf(f, "           for %.6g s", (double)s->duration_us / 1e6);
    else
        fprintf(f, "           %d purchase%s per buyer", s->rounds, s->rounds == 1 ? "" : "s");
    if (s->warmup_us > 0)
        fprintf(f, " after a warmup of %.6g s (%llu purchases, %llu ok, left out of the figures)",
                (double)s->warmup_us / 1e6, (unsigned long long)e->warmup_purchases,
                (unsigned long long)e->warmup_ok);
    fputc('\n', f);
}

static cJSON *interval_json(const struct interval_row *row, bool open_loop)
{
    cJSON *o = cJSON_CreateObject();
    double secs = row->secs > 0 ? row->secs : 1;
    cJSON_AddNumberToObject(o, "t_s", row->t_s);
    cJSON_AddNumberToObject(o, "secs", row->secs);
    cJSON_AddNumberToObject(o, "purchases", (double)row->purchases);
    cJSON_AddNumberToObject(o, "ok", (double)row->ok);
    cJSON_AddNumberToObject(o, "retries", (double)row->retries);
    cJSON_AddNumberToObject(o, "errors", (double)row->errors);
    cJSON *by = cJSON_AddObjectToObject(o, "errors_by");
    for (int i = 1; i < OUTCOME_BUILTIN_COUNT; i++)
        if (row->errors_by[i])
            cJSON_AddNumberToObject(by, outcome_builtin_name(i), (double)row->errors_by[i]);
    cJSON_AddNumberToObject(o, "purchases_per_s", (double)row->purchases / secs);
    cJSON_AddNumberToObject(o, "ok_per_s", (double)row->ok / secs);
    cJSON_AddNumberToObject(o, "p99_ms", (double)row->p99_us / 1e3);
    if (open_loop)
        cJSON_AddNumberToObject(o, "backlog", (double)row->backlog);
    cJSON_AddBoolToObject(o, "warmup", row->warmup);
    return o;
}

cJSON *report_load_json(const struct run_report *r)
{
    const struct run_settings *s = &r->settings;
    const struct engine_result *e = &r->result;
    if (!report_load_used(r))
        return NULL;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "loop", s->rate > 0 ? "open" : "closed");
    if (s->rate > 0) {
        cJSON_AddNumberToObject(o, "rate_asked", s->rate);
        cJSON_AddStringToObject(o, "arrivals", s->poisson ? "poisson" : "constant");
        cJSON_AddNumberToObject(o, "rate_achieved", report_load_achieved(r));
        cJSON_AddNumberToObject(o, "backlog_end", (double)e->backlog_end);
        cJSON_AddNumberToObject(o, "intended_p50_ms", p50_ms(&e->intended_latency));
        cJSON_AddNumberToObject(o, "intended_p99_ms", p99_ms(&e->intended_latency));
        cJSON_AddNumberToObject(o, "service_p50_ms", p50_ms(&e->purchase_latency));
        cJSON_AddNumberToObject(o, "service_p99_ms", p99_ms(&e->purchase_latency));
    }
    if (s->duration_us > 0)
        cJSON_AddNumberToObject(o, "time_s", (double)s->duration_us / 1e6);
    cJSON_AddNumberToObject(o, "warmup_s", (double)s->warmup_us / 1e6);
    cJSON_AddNumberToObject(o, "warmup_purchases", (double)e->warmup_purchases);
    cJSON_AddNumberToObject(o, "warmup_ok", (double)e->warmup_ok);
    if (s->interval_us > 0) {
        cJSON_AddNumberToObject(o, "report_interval_s", (double)s->interval_us / 1e6);
        cJSON *rows = cJSON_AddArrayToObject(o, "intervals");
        for (size_t i = 0; i < e->intervals.n; i++)
            cJSON_AddItemToArray(rows, interval_json(&e->intervals.rows[i], e->open_loop));
    }
    return o;
}
