/* workers.h: the deciding state polserve's requests borrow: a pol context, a JSON reader and output buffers made
 * for one served program (pol contexts and readers serve one thread at a time). A request takes one for the
 * program it started with and gives it back when done; states are kept and reused, and one made for a program
 * that was replaced is rebuilt when next taken, so after warm-up a request allocates nothing to decide. */
#ifndef SERVICE_WORKERS_H
#define SERVICE_WORKERS_H

#include "pol.h"
#include "pol_json.h"
#include "served_policy.h"
#include "try_text.h"

typedef struct worker {
    served_policy *policy;    /* a reference, held while the worker is built for it */
    pol_context *ctx;
    pol_json_reader *reader;
    pol_json_buffer out;      /* decisions */
    pol_json_buffer trace;    /* explanations (?explain=1) */
    try_text log;             /* decision-log lines */
    try_text answer;          /* an answer composed of the above ({"decision":..., "explain":...}) */
    struct worker *next;      /* in the pool's free list */
} worker;

typedef struct worker_pool worker_pool;

worker_pool *worker_pool_new(policy_holder *holder);
void worker_pool_free(worker_pool *pool); /* after every worker was given back */

/* A worker for policy (the caller holds a reference to it), buffers emptied; NULL when out of memory. */
worker *worker_take(worker_pool *pool, served_policy *policy);
void worker_give_back(worker_pool *pool, worker *w);
/* Free the idle workers built for a program other than the current one (after a reload), so that they do not
 * keep the replaced program alive. */
void worker_pool_drop_stale(worker_pool *pool);

#endif
