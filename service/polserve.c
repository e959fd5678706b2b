/* polserve.c: the polserve command: serve one compiled policy over HTTP (doc/service.md), reload it on SIGHUP or
 * when the file changes (--watch), log every decision (--log), stop cleanly on SIGTERM or SIGINT. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "decision_log.h"
#include "http_server.h"
#include "pol.h"
#include "served_policy.h"
#include "try.h"

#define USAGE_LINE "usage: polserve POLICY.pbc [--listen HOST:PORT] [--threads N] [--log FILE] [--watch] ...\n"

static const char HELP[] =
    USAGE_LINE
    "Serve a compiled policy over HTTP: POST /v1/decide, POST /v1/decide/batch, GET /v1/policy, GET /v1/schema,\n"
    "GET /healthz, GET /metrics, the self-check page / and the playground /try (doc/service.md, man polserve).\n"
    "  --listen HOST:PORT   address to listen on (default 127.0.0.1:8181; [::1]:PORT for IPv6; port 0: any)\n"
    "  --threads N          worker threads (default: the number of cores)\n"
    "  --log FILE           decision log, JSON Lines, one line per answered decision (reopened on SIGHUP)\n"
    "  --log-sync           fdatasync the log before each answer (survives a lost machine, not only a killed server)\n"
    "  --watch              reload the policy when its file changes (checked every second); SIGHUP always reloads\n"
    "  --max-connections N  connections at once (default 1024)\n"
    "  --max-body BYTES     a /v1/decide body and one batch line (default 1048576)\n"
    "  --max-batch BYTES    a /v1/decide/batch body (default 0: no limit; it is streamed, never held in memory)\n"
    "  --request-timeout S  a request's headers and body must arrive within S seconds (default 30); a batch\n"
    "                       that sends at least 64 KiB per period gets another period\n"
    "  --idle-timeout S     close a connection idle for S seconds (default 15)\n"
    "  --spool-dir DIR      where batch answers are spooled, unlinked (default $TMPDIR or /tmp)\n"
    "  --try-max-source BYTES  a /try source (default 1048576)\n"
    "  --try-timeout S      the compiler's time on /try (default 2)\n"
    "  --version            print the version and exit\n";

typedef struct options {
    const char *policy_path;
    char host[256];
    unsigned port;
    const char *log_path;
    int log_sync, watch;
    const char *spool_dir;
    service_limits limits;
    service_try_limits try_limits;
} options;

static int parse_count(const char *option, const char *text, unsigned long long most, unsigned long long *out) {
    char *end;
    errno = 0;
    unsigned long long n = strtoull(text, &end, 10);
    if (text[0] == '\0' || text[0] == '-' || *end != '\0' || errno != 0 || n > most) {
        fprintf(stderr, "polserve: %s needs a number from 0 to %llu, not '%s'\n" USAGE_LINE, option, most, text);
        return -1;
    }
    *out = n;
    return 0;
}

static int parse_listen(const char *text, options *opt) {
    const char *colon = strrchr(text, ':');
    unsigned long long port;
    if (colon == NULL || parse_count("--listen", colon + 1, 65535, &port) != 0) {
        if (colon == NULL) fprintf(stderr, "polserve: --listen wants HOST:PORT, not '%s'\n" USAGE_LINE, text);
        return -1;
    }
    const char *host = text;
    size_t len = (size_t)(colon - text);
    if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
        host++;
        len -= 2;
    }
    if (len == 0) host = "127.0.0.1", len = 9;
    if (len >= sizeof opt->host) {
        fprintf(stderr, "polserve: --listen: address too long\n");
        return -1;
    }
    memcpy(opt->host, host, len);
    opt->host[len] = '\0';
    opt->port = (unsigned)port;
    return 0;
}

/* 0 to run, 1 to exit 0 (--help, --version), -1 to exit 2 */
static int parse_options(int argc, char **argv, options *opt) {
    memset(opt, 0, sizeof *opt);
    strcpy(opt->host, "127.0.0.1");
    opt->port = 8181;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    opt->limits = (service_limits){.threads = cores > 0 ? (unsigned)cores : 1, .max_connections = 1024,
                                   .max_body = 1u << 20, .max_batch = 0, .request_seconds = 30, .idle_seconds = 15};
    const char *tmpdir = getenv("TMPDIR");
    opt->spool_dir = tmpdir != NULL && tmpdir[0] != '\0' ? tmpdir : "/tmp";
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(HELP, stdout);
            return 1;
        }
        if (strcmp(arg, "--version") == 0) {
            printf("polserve %s (libpol %s, bytecode format %d)\n", POL_VERSION_STRING, pol_version(),
                   pol_format_version());
            return 1;
        }
        if (strcmp(arg, "--watch") == 0) { opt->watch = 1; continue; }
        if (strcmp(arg, "--log-sync") == 0) { opt->log_sync = 1; continue; }
        if (arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (opt->policy_path != NULL) {
                fputs("polserve: one policy only\n" USAGE_LINE, stderr);
                return -1;
            }
            opt->policy_path = arg;
            continue;
        }
        /* the options with a value: --name VALUE or --name=VALUE */
        const char *eq = strchr(arg, '=');
        size_t name_len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
        const char *value = eq != NULL ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        char name[32];
        snprintf(name, sizeof name, "%.*s", (int)(name_len < 31 ? name_len : 31), arg);
        if (value == NULL) {
            fprintf(stderr, "polserve: %s needs a value\n" USAGE_LINE, name);
            return -1;
        }
        unsigned long long n = 0;
        int bad = 0;
        if (strcmp(name, "--listen") == 0) bad = parse_listen(value, opt);
        else if (strcmp(name, "--log") == 0) opt->log_path = value;
        else if (strcmp(name, "--spool-dir") == 0) opt->spool_dir = value;
        else if (strcmp(name, "--threads") == 0) {
            if (!(bad = parse_count(name, value, 256, &n)) && n == 0) bad = parse_count(name, "-", 256, &n);
            opt->limits.threads = (unsigned)n;
        } else if (strcmp(name, "--max-connections") == 0) {
            if (!(bad = parse_count(name, value, 65536, &n)) && n == 0) bad = parse_count(name, "-", 65536, &n);
            opt->limits.max_connections = (unsigned)n;
        } else if (strcmp(name, "--max-body") == 0) {
            if (!(bad = parse_count(name, value, SIZE_MAX / 2, &n)) && n == 0) bad = parse_count(name, "-", 1, &n);
            opt->limits.max_body = (size_t)n;
        } else if (strcmp(name, "--max-batch") == 0) {
            bad = parse_count(name, value, SIZE_MAX / 2, &n);
            opt->limits.max_batch = (size_t)n;
        } else if (strcmp(name, "--request-timeout") == 0) {
            if (!(bad = parse_count(name, value, 86400, &n)) && n == 0) bad = parse_count(name, "-", 86400, &n);
            opt->limits.request_seconds = (unsigned)n;
        } else if (strcmp(name, "--idle-timeout") == 0) {
            if (!(bad = parse_count(name, value, 86400, &n)) && n == 0) bad = parse_count(name, "-", 86400, &n);
            opt->limits.idle_seconds = (unsigned)n;
        } else if (strcmp(name, "--try-max-source") == 0) {
            if (!(bad = parse_count(name, value, 64u << 20, &n)) && n == 0) bad = parse_count(name, "-", 1, &n);
            opt->try_limits.max_source_bytes = (size_t)n;
        } else if (strcmp(name, "--try-timeout") == 0) {
            if (!(bad = parse_count(name, value, 600, &n)) && n == 0) bad = parse_count(name, "-", 600, &n);
            opt->try_limits.max_compile_seconds = (double)n;
        } else {
            fprintf(stderr, "polserve: unknown option '%s'\n" USAGE_LINE, name);
            return -1;
        }
        if (bad) return -1;
    }
    if (opt->policy_path == NULL) {
        fputs("polserve: no policy given\n" USAGE_LINE, stderr);
        return -1;
    }
    return 0;
}

/* what --watch compares: a new file (rename into place) or a rewritten one */
typedef struct file_stamp {
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
} file_stamp;

static int stamp_of(const char *path, file_stamp *out) {
    struct stat st;
    if (stat(path, &st) != 0) return -1;
    *out = (file_stamp){st.st_dev, st.st_ino, st.st_size, st.st_mtim};
    return 0;
}

static int same_stamp(const file_stamp *a, const file_stamp *b) {
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
           a->mtime.tv_nsec == b->mtime.tv_nsec;
}

static void reload(policy_holder *policies, http_server *server, const char *why) {
    metrics *counters = http_server_metrics(server);
    char err[512];
    int changed = policy_holder_reload(policies, err, sizeof err);
    served_policy *p = policy_holder_acquire(policies);
    if (changed < 0)
        fprintf(stderr, "polserve: %s: reload refused, still serving %s: %s\n", why, p->digest, err);
    else if (changed == 0)
        fprintf(stderr, "polserve: %s: the file holds the program already served (%s)\n", why, p->digest);
    else
        fprintf(stderr, "polserve: %s: now serving %s %s (%s, generation %lu)\n", why,
                pol_program_name(p->program), pol_program_policy_version(p->program), p->digest, p->generation);
    policy_holder_release(policies, p);
    if (changed != 0) metrics_reload(counters, changed > 0);
    if (changed > 0) http_server_policy_changed(server);
}

int main(int argc, char **argv) {
    options opt;
    int parsed = parse_options(argc, argv, &opt);
    if (parsed != 0) return parsed > 0 ? 0 : 2;

    /* the signals are taken by this thread alone (sigtimedwait below): the server's threads inherit the mask */
    sigset_t handled;
    sigemptyset(&handled);
    sigaddset(&handled, SIGHUP);
    sigaddset(&handled, SIGTERM);
    sigaddset(&handled, SIGINT);
    pthread_sigmask(SIG_BLOCK, &handled, NULL);
    signal(SIGPIPE, SIG_IGN); /* a client gone is an error to the write, not a reason to die */

    char err[512];
    policy_holder *policies = policy_holder_open(opt.policy_path, err, sizeof err);
    if (policies == NULL) {
        fprintf(stderr, "polserve: %s\n", err);
        return 2;
    }
    decision_log *log = NULL;
    if (opt.log_path != NULL && (log = decision_log_open(opt.log_path, opt.log_sync, err, sizeof err)) == NULL) {
        fprintf(stderr, "polserve: --log %s\n", err);
        policy_holder_close(policies);
        return 2;
    }
    service_try *try_pages = service_try_new(&opt.try_limits);
    http_server *server = try_pages == NULL ? NULL
                                            : http_server_start(opt.host, opt.port, &opt.limits, policies, log,
                                                                try_pages, opt.spool_dir, err, sizeof err);
    if (server == NULL) {
        fprintf(stderr, "polserve: %s\n", try_pages == NULL ? "out of memory" : err);
        service_try_free(try_pages);
        decision_log_close(log);
        policy_holder_close(policies);
        return 2;
    }
    served_policy *first = policy_holder_acquire(policies);
    int ipv6 = strchr(opt.host, ':') != NULL;
    fprintf(stderr, "polserve: serving %s %s (%s) on http://%s%s%s:%u/ with %u threads%s%s\n",
            pol_program_name(first->program), pol_program_policy_version(first->program), first->digest,
            ipv6 ? "[" : "", opt.host, ipv6 ? "]" : "", http_server_port(server), opt.limits.threads,
            log != NULL ? ", logging decisions to " : "", log != NULL ? opt.log_path : "");
    policy_holder_release(policies, first);

    file_stamp stamp = {0};
    int have_stamp = opt.watch && stamp_of(opt.policy_path, &stamp) == 0;
    double since_watch = 0;
    for (;;) {
        struct timespec quarter = {0, 250 * 1000 * 1000};
        int sig = sigtimedwait(&handled, NULL, &quarter);
        if (sig == SIGTERM || sig == SIGINT) break;
        if (sig == SIGHUP) {
            reload(policies, server, "SIGHUP");
            if (log != NULL && decision_log_reopen(log, err, sizeof err) != 0)
                fprintf(stderr, "polserve: SIGHUP: the decision log stays on the old file: %s\n", err);
            if (opt.watch) have_stamp = stamp_of(opt.policy_path, &stamp) == 0;
        }
        http_server_cut_slow(server);
        if (opt.watch && (since_watch += 0.25) >= 1.0) {
            since_watch = 0;
            file_stamp now;
            if (stamp_of(opt.policy_path, &now) == 0 && (!have_stamp || !same_stamp(&now, &stamp))) {
                stamp = now;
                have_stamp = 1;
                reload(policies, server, "--watch");
            }
        }
    }
    fprintf(stderr, "polserve: stopping: finishing the requests in flight\n");
    http_server_stop(server);
    service_try_free(try_pages);
    decision_log_close(log);
    policy_holder_close(policies);
    return 0;
}
