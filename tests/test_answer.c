/* test_answer.c — unit tests for compare's answer, fed crafted figures (no server). */
#include "answer.h"

#include "check.h"

#include <stdlib.h>
#include <string.h>

/* A correct strategy that sold out: units_left 0, no lost sale. */
static struct answer_figures complete(const char *name, double goodput, double p99)
{
    struct answer_figures f = {.correct = true, .goodput = goodput, .p99_ms = p99, .purchases = 500,
                               .served = 330, .units_sold = 5000, .units_left = 0};
    snprintf(f.name, sizeof f.name, "%s", name);
    return f;
}

/* A correct strategy that turned `lost` buyers away with units left. */
static struct answer_figures lossy(const char *name, double goodput, double p99, uint64_t lost)
{
    struct answer_figures f = complete(name, goodput, p99);
    f.served = 500 - lost;
    f.units_sold = 600;
    f.units_left = 4400;
    f.lost_purchases = lost;
    f.lost_units = lost * 15;
    return f;
}

/* A strategy that oversold. */
static struct answer_figures unsafe(const char *name, double goodput, double p99)
{
    struct answer_figures f = complete(name, goodput, p99);
    f.correct = false;
    f.served = 500;
    f.units_sold = 7820;
    f.units_left = 0;
    snprintf(f.anomalies, sizeof f.anomalies, "oversell 2820, negative_stock 2820");
    return f;
}

static char *written(const struct answer *a, const struct answer_figures *fig, bool md)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    answer_write(f, a, fig, md, 1000);   /* one line each: the checks look for phrases */
    fclose(f);
    return buf;
}

static void test_classic(void)
{
    /* the classic shape: unsafe ones fastest, a lossy one, two complete ones */
    struct answer_figures fig[] = {
        complete("atomic", 2802, 93.7), complete("for-update", 2194, 137),
        unsafe("naive", 4217, 83.5),    unsafe("naive-write-back", 4233, 72.2),
        lossy("optimistic", 20, 1900, 457), lossy("serializable", 0.5, 34505, 481),
    };
    struct answer a;
    answer_decide(fig, 6, &a);
    check(a.best == 0, "the fastest complete strategy is the pick (got %d)", a.best);
    check(a.runner_up == 1, "measured against the next complete one (got %d)", a.runner_up);
    check(a.lowest_p99 == 0, "lowest p99 among the complete ones, not the unsafe ones (got %d)", a.lowest_p99);
    check(a.stock == 5000, "the stock is sold + left of a correct run (got %lld)", (long long)a.stock);
    check(a.cls[2] == ANSWER_UNSAFE && a.cls[3] == ANSWER_UNSAFE, "naive ones are unsafe");
    check(a.cls[4] == ANSWER_LOSSY && a.cls[5] == ANSWER_LOSSY, "optimistic, serializable are lossy");
    char h[1024];
    answer_headline(&a, fig, h, sizeof h);
    check(strstr(h, "atomic: correct, sold out, 1.3× for-update's goodput (2802 vs 2194 ok/s), p99 0.68×") == h,
          "headline names the pick, its ending and margins: %s", h);
    char *t = written(&a, fig, false);
    check(strstr(t, "answer     atomic: correct") != NULL, "the text starts with the answer");
    check(strstr(t, "kept every invariant: atomic, for-update, optimistic, serializable") != NULL,
          "the text lists the correct strategies");
    check(strstr(t, "optimistic lost 457 sales (4400 units left unsold)") != NULL, "and the lossy ones, with their loss");
    check(strstr(t, "naive: sold 7820 units of 5000, oversell 2820") != NULL, "and the unsafe ones' cost");
    free(t);
    t = written(&a, fig, true);
    check(strstr(t, "**answer**: atomic: correct") != NULL && strstr(t, "**unsafe**: naive") != NULL,
          "Markdown has the same answer");
    free(t);
}

static void test_lossy_never_wins(void)
{
    /* the lossy strategy has the highest goodput and lowest p99: still not the pick */
    struct answer_figures fig[] = {lossy("optimistic", 5000, 10, 3), complete("for-update", 2000, 140)};
    struct answer a;
    answer_decide(fig, 2, &a);
    check(a.best == 1 && a.lowest_p99 == 1, "a lossy strategy is never the pick (best %d, p99 %d)",
          a.best, a.lowest_p99);
    check(a.runner_up == 0, "but the pick is measured against it when it is the only other correct one");
    char h[1024];
    answer_headline(&a, fig, h, sizeof h);
    check(strncmp(h, "for-update: correct, sold out, 0.4× optimistic's goodput", 57) == 0,
          "the margin can be below 1×: %s", h);
}

static void test_no_pick(void)
{
    struct answer_figures fig[] = {unsafe("naive", 9000, 5), lossy("optimistic", 20, 1900, 457)};
    struct answer a;
    answer_decide(fig, 2, &a);
    check(a.best == -1 && a.lowest_p99 == -1, "no pick when only unsafe and lossy strategies ran");
    char h[512];
    answer_headline(&a, fig, h, sizeof h);
    check(strcmp(h, "no strategy both kept every invariant and sold all it could") == 0, "and it says so: %s", h);
    struct answer_figures bad[] = {unsafe("naive", 9000, 5), unsafe("naive-write-back", 8000, 4)};
    answer_decide(bad, 2, &a);
    answer_headline(&a, bad, h, sizeof h);
    check(a.best == -1 && strcmp(h, "no strategy kept every invariant") == 0,
          "an unsafe strategy is never the pick, however fast: %s", h);
    check(a.stock == -1, "no correct run: the stock is unknown");
    char *t = written(&a, bad, false);
    check(strstr(t, "kept every invariant: none") != NULL && strstr(t, "units of") == NULL,
          "no stock is claimed when none is known");
    free(t);
}

static void test_alone_and_p99(void)
{
    struct answer_figures one[] = {complete("atomic", 2802, 93.7), unsafe("naive", 4217, 83.5)};
    struct answer a;
    answer_decide(one, 2, &a);
    char h[1024];
    answer_headline(&a, one, h, sizeof h);
    check(a.best == 0 && a.runner_up == -1 && strstr(h, "the only one that kept every invariant") != NULL,
          "a lone correct strategy is named as such: %s", h);
    /* a slower strategy with the lower p99 is named for it */
    struct answer_figures two[] = {complete("atomic", 2802, 93.7), complete("for-update", 2194, 50)};
    answer_decide(two, 2, &a);
    answer_headline(&a, two, h, sizeof h);
    check(a.best == 0 && a.lowest_p99 == 1 && strstr(h, "; lowest p99: for-update, 50.0ms (0.53× atomic's)") != NULL,
          "the lowest p99 is named when another one has it: %s", h);
    /* stock left over and nothing lost: "lost no sale" */
    two[0].units_left = 120;
    answer_decide(two, 2, &a);
    answer_headline(&a, two, h, sizeof h);
    check(strstr(h, "atomic: correct, lost no sale (120 units left)") == h, "units left, none lost: %s", h);
}

static void test_json(void)
{
    struct answer_figures fig[] = {unsafe("naive", 4217, 83.5), lossy("optimistic", 20, 1900, 457),
                                   complete("atomic", 2802, 93.7)};
    struct answer a;
    answer_decide(fig, 3, &a);
    cJSON *j = answer_json(&a, fig);
    cJSON *pick = cJSON_GetObjectItem(j, "pick");
    check(cJSON_IsString(pick) && strcmp(pick->valuestring, "atomic") == 0, "JSON names the pick");
    cJSON *s = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "strategies"), 1);
    check(strcmp(cJSON_GetObjectItem(s, "class")->valuestring, "lossy") == 0 &&
          cJSON_GetObjectItem(s, "lost_purchases")->valuedouble == 457 &&
          cJSON_GetObjectItem(s, "units_sold")->valuedouble == 600 &&
          cJSON_GetObjectItem(s, "served")->valuedouble == 43,
          "JSON carries each strategy's class, lost sales, units sold, buyers served");
    cJSON_Delete(j);
}

int main(void)
{
    test_classic();
    test_lossy_never_wins();
    test_no_pick();
    test_alone_and_p99();
    test_json();
    return check_summary();
}
