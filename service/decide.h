/* decide.h: POST /v1/decide and POST /v1/decide/batch without HTTP: a body in, an answer (status and bytes) out,
 * the decision-log lines and the metrics of each decided line on the way. polserve's HTTP layer (http.c) only
 * moves bytes to and from these; tests/service/test_service.c calls them directly.
 *
 * decide: the body is one applicant record. 200 with exactly the bytes polvm writes for that line (the decision
 * and its '\n'), or with ?explain=1 {"decision": <that decision>, "explain": <pol_json_explain_line's events>};
 * 422 with the contract's error object for a record it refuses; 400 with the error object when the body is not
 * a JSON object; 500 when memory ran out or the decision log could not be written (nothing is answered that was
 * not logged).
 * batch: JSON Lines in, decided line by line as the body arrives, the answers spooled to an unlinked file (so a
 * 1 GB body is never held in memory), one output line per input line, exactly polvm's. */
#ifndef SERVICE_DECIDE_H
#define SERVICE_DECIDE_H

#include <stddef.h>

#include "decision_log.h"
#include "metrics.h"
#include "workers.h"

typedef struct decide_answer {
    int status;
    const char *body; /* owned by the worker (w->out or w->answer), valid until it is given back */
    size_t length;
} decide_answer;

/* log may be NULL (no --log). */
void service_decide(worker *w, const char *body, size_t len, int explain, decision_log *log, metrics *m,
                    decide_answer *out);

typedef struct service_batch service_batch;

/* max_line: a longer line becomes an error line (the service's own limit: polvm has none). NULL with err set
 * when the spool file cannot be made in spool_dir. */
service_batch *service_batch_new(worker *w, const char *spool_dir, size_t max_line, char *err, size_t errlen);
/* The next bytes of the body. 0, or -1 when the spool or the log could not be written (the batch has failed:
 * service_batch_error says why; later bytes are ignored). */
int service_batch_feed(service_batch *b, const char *data, size_t len, decision_log *log, metrics *m);
/* The end of the body (a last line without '\n' is decided). 0, or -1 as above. Then the answer is the spool:
 * *fd (the caller owns it from now on, positioned at 0) holding *size bytes. */
int service_batch_finish(service_batch *b, decision_log *log, metrics *m, int *fd, size_t *size);
const char *service_batch_error(const service_batch *b);
size_t service_batch_lines(const service_batch *b);
void service_batch_free(service_batch *b); /* closes the spool unless finish handed it over */

#endif
