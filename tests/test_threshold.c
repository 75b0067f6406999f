/* test_threshold.c — unit tests for threshold.c: parsing (good and bad), comparison, names, and
 * evaluation on crafted run reports (repeats: the median; counts: the worst). */
#include "threshold.h"

#include "check.h"

#include <string.h>

static struct threshold t;
static char err[512];

static int parses(const char *text)
{
    err[0] = '\0';
    return threshold_parse(text, &t, err, sizeof err) == 0;
}

static void parsing(void)
{
    check(parses("p99<200ms") && t.kind == THRESHOLD_LATENCY && t.op == THRESHOLD_LT && t.limit == 200
              && strcmp(t.metric, "p99") == 0, "p99<200ms: latency, <, 200 ms");
    check(parses("p99<0.2s") && t.limit == 200, "p99<0.2s: 200 ms");
    check(parses("p50 <= 500us") && t.op == THRESHOLD_LE && t.limit == 0.5, "p50 <= 500us: spaces, 0.5 ms");
    check(parses("p999<30") && t.limit == 30, "a bare latency is ms");
    check(parses("goodput>500") && t.kind == THRESHOLD_RATE && t.op == THRESHOLD_GT && t.limit == 500,
          "goodput>500: a rate");
    check(parses("throughput>=1e3/s") && t.op == THRESHOLD_GE && t.limit == 1000, "throughput>=1e3/s");
    check(parses("oversell==0") && t.kind == THRESHOLD_INVARIANT && t.op == THRESHOLD_EQ && t.limit == 0,
          "oversell==0: an invariant, ==");
    check(parses("lost_sales==0") && t.kind == THRESHOLD_COUNT, "lost_sales==0: a count");
    check(parses("retries!=3") && t.op == THRESHOLD_NE, "retries!=3: !=");
    check(parses("foo==1") && t.kind == THRESHOLD_INVARIANT, "foo==1 parses: an invariant name, checked later");
    const char *bad[] = {"p99<", "p99<200parsecs", "p99", "<200", "p99=200", "goodput>500ms", "oversell==0ms",
                         "P99<1", "p99<abc", "p99<<1", "", "9x<1", "p99<nan"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int ok = parses(bad[i]);
        check(!ok && strstr(err, "--threshold=") && !strchr(err, '\n'), "refused '%s': %s", bad[i], err);
    }
}

static void comparing(void)
{
    parses("p99<200");
    check(threshold_holds(&t, 199.9) && !threshold_holds(&t, 200), "<: 199.9 holds, 200 fails");
    parses("p99<=200");
    check(threshold_holds(&t, 200) && !threshold_holds(&t, 200.1), "<=: 200 holds");
    parses("goodput>500");
    check(threshold_holds(&t, 501) && !threshold_holds(&t, 500), ">: 501 holds, 500 fails");
    parses("goodput>=500");
    check(threshold_holds(&t, 500), ">=: 500 holds");
    parses("oversell==0");
    check(threshold_holds(&t, 0) && !threshold_holds(&t, 1), "==: 0 holds, 1 fails");
    parses("oversell!=0");
    check(!threshold_holds(&t, 0) && threshold_holds(&t, 3), "!=: 3 holds");
}

static void names(void)
{
    struct threshold ts[2];
    threshold_parse("p99<1", &ts[0], err, sizeof err);
    threshold_parse("oversell==0", &ts[1], err, sizeof err);
    const char *stock[] = {"oversell", "negative_stock"};
    check(threshold_check_names(ts, 2, stock, 2, err, sizeof err) == 0, "oversell is an invariant of stock");
    const char *coupon[] = {"overuse"};
    check(threshold_check_names(ts, 2, coupon, 1, err, sizeof err) == 2 && strstr(err, "overuse")
              && strstr(err, "oversell"), "oversell is not one of coupon's: 2, naming both (%s)", err);
}

/* A run report with the figures thresholds read. */
static cJSON *run(const char *strategy, double p99, double goodput, double oversell, bool checked)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"run\": {\"scenario\": \"stock\", \"strategy\": \"%s\", \"users\": 50, \"isolation\": \"server default\"},"
             " \"time\": {\"throughput\": %g, \"goodput\": %g}, \"latency\": {\"purchase\": {\"p99_ms\": %g}},"
             " \"lost_sales\": {\"purchases\": 2}, \"invariants\": [{\"name\": \"oversell\", \"value\": %s}]}",
             strategy, goodput * 2, goodput, p99, checked ? (oversell ? "5" : "0") : "null");
    return cJSON_Parse(text);
}

static void evaluating(void)
{
    struct threshold ts[3];
    threshold_parse("p99<200ms", &ts[0], err, sizeof err);
    threshold_parse("oversell==0", &ts[1], err, sizeof err);
    threshold_parse("lost_sales<=2", &ts[2], err, sizeof err);
    cJSON *runs = cJSON_CreateArray();
    /* atomic three times: p99 100, 300, 150 -> median 150 passes although one run is 300 */
    cJSON_AddItemToArray(runs, run("atomic", 100, 900, 0, true));
    cJSON_AddItemToArray(runs, run("naive", 50, 900, 1, true));
    cJSON_AddItemToArray(runs, run("atomic", 300, 900, 0, true));
    cJSON_AddItemToArray(runs, run("naive", 50, 900, 0, true));
    cJSON_AddItemToArray(runs, run("atomic", 150, 900, 0, true));
    cJSON_AddItemToArray(runs, run("lost", 50, 900, 0, false));
    struct threshold_result r[32];
    size_t failed, n = threshold_evaluate(ts, 3, runs, r, 32, &failed);
    check(n == 9, "3 groups x 3 thresholds = 9 results (%zu)", n);
    check(strcmp(r[0].group, "atomic/50") == 0 && r[0].n == 3 && r[0].value == 150 && r[0].passed,
          "atomic p99 over 3 repeats: the median 150 ms, passes (%g)", r[0].value);
    check(strcmp(r[4].group, "naive/50") == 0 && r[4].value == 5 && !r[4].passed,
          "naive oversell: the worst repeat (5), fails");
    check(r[5].value == 2 && r[5].passed, "lost_sales<=2: 2 passes");
    check(strcmp(r[7].group, "lost/50") == 0 && !r[7].known && !r[7].passed,
          "an invariant not checked: fails, said unknown");
    check(failed == 2, "2 failed (%zu)", failed);
    cJSON *j = threshold_json(r, n);
    check(cJSON_GetArraySize(j) == 9 && cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(j, 7), "value")),
          "JSON: 9 entries, the unknown value null");
    cJSON_Delete(j);
    thresholds_failed_message(r, n, err, sizeof err);
    check(strcmp(err, "2 thresholds failed: oversell==0 (naive/50) oversell==0 (lost/50)") == 0,
          "the one-line message: %s", err);
    const char *names_found[8];
    check(threshold_invariant_names(runs, names_found, 8) == 1 && strcmp(names_found[0], "oversell") == 0,
          "the invariant names of the runs: oversell");
    cJSON_Delete(runs);
}

int main(void)
{
    parsing();
    comparing();
    names();
    evaluating();
    return check_summary();
}
