/* decision_log.c: the append-only decision log (decision_log.h). */
#include "decision_log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct decision_log {
    pthread_mutex_t lock; /* one request's lines stay together even when a write is partial */
    char *path;
    int fd;
    int sync;
};

static int open_for_append(const char *path) {
    return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

decision_log *decision_log_open(const char *path, int sync, char *err, size_t errlen) {
    decision_log *log = calloc(1, sizeof *log);
    if (log == NULL || (log->path = strdup(path)) == NULL) {
        free(log);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if ((log->fd = open_for_append(path)) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        free(log->path);
        free(log);
        return NULL;
    }
    log->sync = sync;
    pthread_mutex_init(&log->lock, NULL);
    return log;
}

int decision_log_reopen(decision_log *log, char *err, size_t errlen) {
    int fd = open_for_append(log->path);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", log->path, strerror(errno));
        return -1;
    }
    pthread_mutex_lock(&log->lock);
    close(log->fd);
    log->fd = fd;
    pthread_mutex_unlock(&log->lock);
    return 0;
}

void decision_log_close(decision_log *log) {
    if (log == NULL) return;
    close(log->fd);
    pthread_mutex_destroy(&log->lock);
    free(log->path);
    free(log);
}

void decision_log_format(try_text *lines, const served_policy *policy, const char *request, size_t line_no,
                         const char *id, size_t id_len, const char *status, size_t status_len,
                         const char *answer, size_t answer_len) {
    struct timespec now;
    struct tm utc;
    char when[32];
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &utc);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &utc);
    try_text_printf(lines, "{\"time\":\"%s.%03ldZ\",\"policy\":\"%s\",\"request\":\"%s\",", when,
                    now.tv_nsec / 1000000L, policy->digest, request);
    if (line_no > 0) try_text_printf(lines, "\"line\":%zu,", line_no);
    try_text_puts(lines, "\"id\":");
    if (id != NULL) try_text_json_string(lines, id, id_len);
    else try_text_puts(lines, "null");
    try_text_puts(lines, ",\"status\":");
    if (status != NULL) try_text_json_string(lines, status, status_len);
    else try_text_puts(lines, "\"error\"");
    try_text_puts(lines, ",\"decision\":");
    try_text_append(lines, answer, answer_len);
    try_text_puts(lines, "}\n");
}

int decision_log_write(decision_log *log, const char *lines, size_t len) {
    int result = 0;
    pthread_mutex_lock(&log->lock);
    while (len > 0) {
        ssize_t n = write(log->fd, lines, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            result = -1;
            break;
        }
        lines += n;
        len -= (size_t)n;
    }
    if (result == 0 && log->sync && fdatasync(log->fd) != 0) result = -1;
    pthread_mutex_unlock(&log->lock);
    return result;
}
