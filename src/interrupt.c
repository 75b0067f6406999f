/* interrupt.c — a thread that waits for SIGINT/SIGTERM/SIGHUP and tears the private server down. */
#include "interrupt.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t server_lock = PTHREAD_MUTEX_INITIALIZER;

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
    pthread_mutex_lock(&server_lock);
    bool had_server = s && s->pid > 0;
    if (s)
        server_stop(s);
    fprintf(stderr, "\nracesim: interrupted (%s)%s\n", strsignal(sig),
            had_server ? "; the private server was stopped and removed" : "");
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

void interrupt_stop_server(struct server *s)
{
    pthread_mutex_lock(&server_lock);
    server_stop(s);
    pthread_mutex_unlock(&server_lock);
}
