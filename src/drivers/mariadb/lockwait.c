/* lockwait.c — live lock waits: parse InnoDB's status for waiting transactions and the record
 * locks each holds (to name the blocker), and the process list for metadata and user locks.
 * SHOW PROCESSLIST, not information_schema.PROCESSLIST: polling the latter while connections
 * come and go crashed MariaDB 10.11.19 (in freeing its temporary table). */
#include "mariadb.h"

#include <stdlib.h>
#include <string.h>

#define TRX_MAX 64
#define KEYS_MAX 128

struct rec_key {
    unsigned long space, page, heap;
};

struct trx {
    unsigned long thread;
    bool waiting;
    struct rec_key wants[8];
    int n_wants;
    struct rec_key holds[KEYS_MAX];
    int n_holds;
};

struct status {
    struct trx *v;
    int n;
};

static bool starts(const char *line, const char *prefix)
{
    return strncmp(line, prefix, strlen(prefix)) == 0;
}

/* The number after `word` in line, or 0. */
static unsigned long number_after(const char *line, const char *end, const char *word)
{
    const char *p = strstr(line, word);
    if (!p || p >= end)
        return 0;
    return strtoul(p + strlen(word), NULL, 10);
}

static void add_key(struct rec_key *keys, int *n, int max, struct rec_key k)
{
    if (*n < max)
        keys[(*n)++] = k;
}

/* Reads one line [line, end) of transaction t; `section` tracks what the Record lock lines
 * that follow belong to: 0 nothing, 1 the lock waited for, 2 a lock held. */
static void parse_line(struct trx *t, const char *line, const char *end, int *section,
                       struct rec_key *page)
{
    if (starts(line, "LOCK WAIT"))
        t->waiting = true;
    else if (strstr(line, "thread id ") && strstr(line, "thread id ") < end && !t->thread)
        t->thread = number_after(line, end, "thread id ");
    else if (strstr(line, "TRX HAS BEEN WAITING") && strstr(line, "TRX HAS BEEN WAITING") < end)
        *section = 1;
    else if (starts(line, "------------------"))
        *section = 0;
    else if (starts(line, "RECORD LOCKS space id ")) {
        page->space = number_after(line, end, "space id ");
        page->page = number_after(line, end, "page no ");
        bool waiting = end - line > 8 && strncmp(end - 8, " waiting", 8) == 0;
        *section = *section == 1 ? 1 : waiting ? 0 : 2;
    } else if (starts(line, "TABLE LOCK"))
        *section = *section == 1 ? 1 : 0;
    else if (starts(line, "Record lock, heap no ")) {
        struct rec_key k = *page;
        k.heap = number_after(line, end, "heap no ");
        if (*section == 1)
            add_key(t->wants, &t->n_wants, 8, k);
        else if (*section == 2)
            add_key(t->holds, &t->n_holds, KEYS_MAX, k);
    }
}

static void parse_transactions(const char *text, struct status *st)
{
    const char *p = strstr(text, "LIST OF TRANSACTIONS");
    struct trx *t = NULL;
    int section = 0;
    struct rec_key page = {0};
    while (p && *p) {
        const char *end = strchr(p, '\n');
        if (!end)
            end = p + strlen(p);
        if (starts(p, "---TRANSACTION ")) {
            t = st->n < TRX_MAX ? &st->v[st->n++] : NULL;
            if (t)
                memset(t, 0, sizeof *t);
            section = 0;
        } else if (starts(p, "--------") && !starts(p, "---------")) {
            t = NULL;                                      /* the next section of the status */
        } else if (t) {
            parse_line(t, p, end, &section, &page);
        }
        p = *end ? end + 1 : end;
    }
}

static bool same(struct rec_key a, struct rec_key b)
{
    return a.space == b.space && a.page == b.page && a.heap == b.heap;
}

/* The thread of another transaction holding a lock that t waits for, or 0. */
static unsigned long blocker_of(const struct status *st, const struct trx *t)
{
    for (int i = 0; i < st->n; i++) {
        const struct trx *o = &st->v[i];
        if (o == t)
            continue;
        for (int h = 0; h < o->n_holds; h++)
            for (int w = 0; w < t->n_wants; w++)
                if (same(o->holds[h], t->wants[w]))
                    return o->thread;
    }
    return 0;
}

static void add_wait(struct lockwaits *w, unsigned long id, unsigned long blocker)
{
    if (w->n < LOCKWAIT_MAX && !lockwait_find(w, id, NULL)) {
        w->waiting[w->n] = id;
        w->blocker[w->n++] = blocker;
    }
}

void mariadb_lockwait_parse_innodb(const char *status, struct lockwaits *w)
{
    struct status st = {.v = calloc(TRX_MAX, sizeof(struct trx))};
    if (!st.v)
        return;
    parse_transactions(status, &st);
    for (int i = 0; i < st.n; i++)
        if (st.v[i].waiting && st.v[i].thread)
            add_wait(w, st.v[i].thread, blocker_of(&st, &st.v[i]));
    free(st.v);
}

static int on_status(void *ctx, size_t n, char **row)
{
    if (n >= 3 && row[2])
        mariadb_lockwait_parse_innodb(row[2], ctx);
    return 0;
}

/* SHOW PROCESSLIST rows: Id, User, Host, db, Command, Time, State, Info. */
static int on_process(void *ctx, size_t n, char **row)
{
    const char *state = n >= 7 ? row[6] : NULL;
    if (row[0] && state && ((strncmp(state, "Waiting for", 11) == 0 && strstr(state, "lock"))
                            || strcmp(state, "User lock") == 0))
        add_wait(ctx, strtoul(row[0], NULL, 10), 0);
    return 0;
}

static int on_flag(void *ctx, size_t n, char **row)
{
    *(int *)ctx = n >= 1 && row[0] ? atoi(row[0]) : -1;
    return 0;
}

int mariadb_lockwait_open(db_conn *monitor, bool *raised)
{
    struct db_error e;
    int on = -1;
    *raised = false;
    /* a server-wide setting (it names blockers): turned on only for the run, then given back */
    if (db_query(monitor, "SELECT @@GLOBAL.innodb_status_output_locks", on_flag, &on, &e) == 0 && on == 0)
        *raised = db_execute(monitor, "SET GLOBAL innodb_status_output_locks = ON", &e) == 0;
    struct lockwaits w = {0};
    return mariadb_lockwait_read(monitor, &w, true);
}

void mariadb_lockwait_close(db_conn *monitor, bool raised)
{
    struct db_error e;
    if (monitor && raised)
        db_execute(monitor, "SET GLOBAL innodb_status_output_locks = OFF", &e);
}

int mariadb_lockwait_read(db_conn *monitor, struct lockwaits *w, bool other_locks)
{
    struct db_error e;
    w->n = 0;
    if (db_query(monitor, "SHOW ENGINE INNODB STATUS", on_status, w, &e) < 0)
        return -1;
    if (other_locks && db_query(monitor, "SHOW PROCESSLIST", on_process, w, &e) < 0)
        return -1;
    return 0;
}
