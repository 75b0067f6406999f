/* interrupt.c — a thread that waits for SIGINT/SIGTERM/SIGHUP and tears the private server down. */
#include "interrupt.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static atomic_int caught;      /* the signal being handled; 0 until one arrives */

static void signal_set(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGHUP);
}

static void *waiter(void *arg)
{
    struct server *s = arg;
    sigset_t set;
    int sig = 0;
    signal_set(&set);
    sigwait(&set, &sig);
    atomic_store(&caught, sig);   /* before the stop: a start it makes fail then yields to us */
    server_kill(s);    /* thread-safe: a start in progress then fails; kills and removes */
    fprintf(stderr, "\nracesim: interrupted (%s); nothing of the run is kept\n", strsignal(sig));
    _exit(128 + sig);
    return NULL;
}

int interrupt_install(struct server *s)
{
    sigset_t set;
    signal_set(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    pthread_t t;
    if (pthread_create(&t, NULL, waiter, s))
        return -1;
    pthread_detach(t);
    return 0;
}

void interrupt_yield(void)
{
    if (!atomic_load(&caught))
        return;
    for (;;)
        pause();       /* the signal thread stops the server and exits the process */
}
