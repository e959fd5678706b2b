/* decision_log.h: polserve's decision log (--log FILE): JSON Lines, one line per decision it answered, so that
 * an auditor can say which policy version decided an applicant:
 *   {"time": "2026-12-05T09:30:00.123Z", "policy": "<digest>", "request": "decide" | "batch", "line": N,
 *    "id": "<record id>" | null, "status": "<decision status>" | "error", "decision": {...the answer...}}
 * A request's lines are written with one write(2) to a file opened O_APPEND before its answer is sent, so a
 * killed server has logged everything it answered (with --log-sync, fdatasync too: a lost machine as well). */
#ifndef SERVICE_DECISION_LOG_H
#define SERVICE_DECISION_LOG_H

#include <stddef.h>

#include "served_policy.h"
#include "try_text.h"

typedef struct decision_log decision_log;

/* NULL with the reason in err when the file cannot be opened for appending. */
decision_log *decision_log_open(const char *path, int sync, char *err, size_t errlen);
/* Open the file again by its name (after logrotate moved it); the old one stays open when this fails. */
int decision_log_reopen(decision_log *log, char *err, size_t errlen);
void decision_log_close(decision_log *log);

/* Append one log line to lines (its '\n' included). line_no is 0 for a single decide; id NULL when the record
 * had none; status NULL for an error line; answer is the decision or error object (without its '\n'). */
void decision_log_format(try_text *lines, const served_policy *policy, const char *request, size_t line_no,
                         const char *id, size_t id_len, const char *status, size_t status_len,
                         const char *answer, size_t answer_len);

/* Write the lines (several, whole) in one go; 0, or -1 with errno when they could not all be written. */
int decision_log_write(decision_log *log, const char *lines, size_t len);

#endif
