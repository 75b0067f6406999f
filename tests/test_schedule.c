/* test_schedule.c — unit tests for --schedule lists (forms, repeats, each refusal) and for
 * reading lock waits and their blockers out of SHOW ENGINE INNODB STATUS text. */
#include "lockwait.h"
#include "mariadb/mariadb.h"
#include "schedule.h"

#include <stdio.h>
#include <string.h>

#include "check.h"

static void good(const char *text, int users, const char *expect)
{
    int steps[SCHEDULE_MAX], n;
    char err[256] = "", out[512];
    int rc = schedule_parse(text, users, steps, &n, err, sizeof err);
    if (rc == 0)
        schedule_format(steps, n, out, sizeof out);
    check(rc == 0 && strcmp(out, expect) == 0, "--schedule=%s (%d buyers) is %s (got %s%s)", text,
          users, expect, rc ? "error: " : "", rc ? err : out);
}

static void bad(const char *text, int users, const char *fragment)
{
    int steps[SCHEDULE_MAX], n;
    char err[256] = "";
    int rc = schedule_parse(text, users, steps, &n, err, sizeof err);
    check(rc == -1 && strstr(err, fragment) && !strchr(err, '\n'),
          "--schedule=%s (%d buyers) refused, saying '%s' (got: %s)", text, users, fragment, err);
}

/* Two transactions as MariaDB 10.11 prints them with innodb_status_output_locks=ON: thread 13
 * waits for the record lock (space 5, page 3, heap 2) that thread 12 holds. */
static const char status[] =
    "------------\nTRANSACTIONS\n------------\nTrx id counter 27\n"
    "LIST OF TRANSACTIONS FOR EACH SESSION:\n"
    "---TRANSACTION 26, ACTIVE 0 sec starting index read\n"
    "mysql tables in use 1, locked 1\n"
    "LOCK WAIT 2 lock struct(s), heap size 1128, 1 row lock(s)\n"
    "MariaDB thread id 13, OS thread handle 140303300937408, query id 831 localhost root Statistics\n"
    "select * from p where id=1 for update\n"
    "------- TRX HAS BEEN WAITING 302017 us FOR THIS LOCK TO BE GRANTED:\n"
    "RECORD LOCKS space id 5 page no 3 n bits 320 index PRIMARY of table `t`.`p` trx id 26 lock_mode X locks rec but not gap waiting\n"
    "Record lock, heap no 2 PHYSICAL RECORD: n_fields 4; compact format; info bits 0\n"
    "\n------------------\n"
    "TABLE LOCK table `t`.`p` trx id 26 lock mode IX\n"
    "RECORD LOCKS space id 5 page no 3 n bits 320 index PRIMARY of table `t`.`p` trx id 26 lock_mode X locks rec but not gap waiting\n"
    "Record lock, heap no 2 PHYSICAL RECORD: n_fields 4; compact format; info bits 0\n"
    "\n---TRANSACTION 25, ACTIVE 0 sec\n"
    "2 lock struct(s), heap size 1128, 1 row lock(s)\n"
    "MariaDB thread id 12, OS thread handle 140303300630208, query id 830 localhost root User sleep\n"
    "do sleep(1.5)\n"
    "TABLE LOCK table `t`.`p` trx id 25 lock mode IX\n"
    "RECORD LOCKS space id 5 page no 3 n bits 320 index PRIMARY of table `t`.`p` trx id 25 lock_mode X locks rec but not gap\n"
    "Record lock, heap no 2 PHYSICAL RECORD: n_fields 4; compact format; info bits 0\n"
    "\n--------\nFILE I/O\n--------\n";

static void lock_waits(void)
{
    struct lockwaits w = {0};
    unsigned long blocker = 99;
    mariadb_lockwait_parse_innodb(status, &w);
    check(w.n == 1, "one transaction waits (got %d)", w.n);
    check(lockwait_find(&w, 13, &blocker) && blocker == 12, "thread 13 waits for thread 12's lock "
          "(blocker %lu)", blocker);
    check(!lockwait_find(&w, 12, NULL), "thread 12 holds, it does not wait");

    char no_locks[sizeof status];       /* innodb_status_output_locks=OFF: no held locks listed */
    snprintf(no_locks, sizeof no_locks, "%s", status);
    char *held = strstr(no_locks, "TABLE LOCK table `t`.`p` trx id 25");
    snprintf(held, sizeof no_locks - (size_t)(held - no_locks), "\n--------\nFILE I/O\n");
    struct lockwaits w2 = {0};
    mariadb_lockwait_parse_innodb(no_locks, &w2);
    check(w2.n == 1 && lockwait_find(&w2, 13, &blocker) && blocker == 0,
          "without the lock lists: thread 13 still waits, blocker unknown (%lu)", blocker);

    struct lockwaits none = {0};
    mariadb_lockwait_parse_innodb("LIST OF TRANSACTIONS FOR EACH SESSION:\n---TRANSACTION 9, not started\n"
                          "MariaDB thread id 4, OS thread handle 1, query id 2 localhost root\n"
                          "--------\nFILE I/O\n", &none);
    check(none.n == 0, "no LOCK WAIT: nobody waits (got %d)", none.n);
}

/* --schedule by role names: role k is buyer k; an unknown role is refused with the roles. */
static void roles(void)
{
    static const char names[3][32] = {"T1", "T2", "writer"};
    int steps[SCHEDULE_MAX], n;
    char err[256] = "", out[512] = "";
    int rc = schedule_parse_roles("T1,T2,(writer,T1)*2", 3, names, 3, steps, &n, err, sizeof err);
    if (rc == 0)
        schedule_format(steps, n, out, sizeof out);
    check(rc == 0 && strcmp(out, "1,2,3,1,3,1") == 0, "--schedule=T1,T2,(writer,T1)*2 is 1,2,3,1,3,1 "
          "(got %s)", rc ? err : out);
    rc = schedule_parse_roles("T1,T3", 2, names, 2, steps, &n, err, sizeof err);
    check(rc == -1 && strstr(err, "no role 'T3'") && strstr(err, "(T1, T2)"),
          "--schedule=T1,T3 with roles T1, T2: refused naming the roles (got %s)", err);
    rc = schedule_parse_roles("T1,writer", 2, names, 3, steps, &n, err, sizeof err);
    check(rc == -1 && strstr(err, "no role 'writer'"), "a role beyond --users is refused (got %s)", err);
    rc = schedule_parse_roles("T1", 2, names, 0, steps, &n, err, sizeof err);
    check(rc == -1 && strstr(err, "has no @role"), "a name without roles is refused (got %s)", err);
    check(schedule_names_roles("T1,2") && !schedule_names_roles("(1,2)*3"),
          "a letter marks a schedule by roles");
}

int main(void)
{
    roles();
    good("1,2,2,1", 2, "1,2,2,1");
    good("2", 2, "2");
    good("1*3,2", 2, "1,1,1,2");
    good("(1,2)*3", 2, "1,2,1,2,1,2");
    good("(1,(2,3)*2)*2,1", 3, "1,2,3,2,3,1,2,3,2,3,1");
    bad("0,1", 2, "buyer 0: must be from 1 to 2");
    bad("1,3", 2, "buyer 3: must be from 1 to 2");
    bad("", 2, "give buyer numbers");
    bad("1,,2", 2, "expected buyer");
    bad("1,2,", 2, "expected buyer at 'the end'");
    bad("(1,2", 2, "expected ')'");
    bad("1,2)", 2, "unexpected ')'");
    bad("1*0", 2, "repeat count 0");
    bad("1*", 2, "expected repeat count");
    bad("x", 2, "expected buyer at 'x'");
    bad("1 2", 2, "unexpected ' 2'");
    bad("1*1025", 2, "repeat count 1025");
    bad("(1,2)*600", 2, "more than 1024 steps");
    bad("99999999999", 2, "must be from 1 to 2");
    lock_waits();
    return check_summary();
}
