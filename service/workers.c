/* workers.c: the pool of deciding states (workers.h). */
#include "workers.h"

#include <pthread.h>
#include <stdlib.h>

struct worker_pool {
    pthread_mutex_t lock;
    policy_holder *holder;
    worker *free_list;
};

worker_pool *worker_pool_new(policy_holder *holder) {
    worker_pool *pool = calloc(1, sizeof *pool);
    if (pool == NULL) return NULL;
    pool->holder = holder;
    pthread_mutex_init(&pool->lock, NULL);
    return pool;
}

/* drop what w was built for (its context and reader, its reference to the program) */
static void worker_unbuild(worker_pool *pool, worker *w) {
    pol_json_reader_free(w->reader);
    pol_context_free(w->ctx);
    w->reader = NULL;
    w->ctx = NULL;
    policy_holder_release(pool->holder, w->policy);
    w->policy = NULL;
}

static void worker_free(worker_pool *pool, worker *w) {
    worker_unbuild(pool, w);
    pol_json_buffer_free(&w->out);
    pol_json_buffer_free(&w->trace);
    try_text_free(&w->log);
    try_text_free(&w->answer);
    free(w);
}

void worker_pool_free(worker_pool *pool) {
    if (pool == NULL) return;
    while (pool->free_list != NULL) {
        worker *w = pool->free_list;
        pool->free_list = w->next;
        worker_free(pool, w);
    }
    pthread_mutex_destroy(&pool->lock);
    free(pool);
}

static void reset_buffer(pol_json_buffer *b) {
    if (b->failed) { /* a buffer that could not grow stays failed: start it again */
        pol_json_buffer_free(b);
        pol_json_buffer_init(b, NULL);
    }
    b->length = 0;
}

worker *worker_take(worker_pool *pool, served_policy *policy) {
    pthread_mutex_lock(&pool->lock);
    /* one built for this program if there is one, else any (it is rebuilt) */
    worker **best = NULL;
    for (worker **at = &pool->free_list; *at != NULL; at = &(*at)->next) {
        if ((*at)->policy == policy) {
            best = at;
            break;
        }
        if (best == NULL) best = at;
    }
    worker *w = NULL;
    if (best != NULL) {
        w = *best;
        *best = w->next;
        w->next = NULL;
    }
    pthread_mutex_unlock(&pool->lock);
    if (w == NULL) {
        if ((w = calloc(1, sizeof *w)) == NULL) return NULL;
        pol_json_buffer_init(&w->out, NULL);
        pol_json_buffer_init(&w->trace, NULL);
    }
    if (w->policy != policy) {
        worker_unbuild(pool, w);
        w->policy = policy_holder_retain(pool->holder, policy); /* the worker's own reference */
        if (pol_context_new(policy->program, &w->ctx) != POL_OK ||
            pol_json_reader_new(policy->program, NULL, &w->reader) != POL_OK) {
            worker_free(pool, w);
            return NULL;
        }
    }
    reset_buffer(&w->out);
    reset_buffer(&w->trace);
    w->log.length = w->answer.length = 0;
    w->log.failed = w->answer.failed = 0;
    return w;
}

void worker_give_back(worker_pool *pool, worker *w) {
    if (w == NULL) return;
    /* a worker built for a program that was replaced lets go of it now, so the old program is freed when its
     * last request ends, not when the worker is next taken */
    served_policy *current = policy_holder_acquire(pool->holder);
    if (w->policy != current) worker_unbuild(pool, w);
    policy_holder_release(pool->holder, current);
    pthread_mutex_lock(&pool->lock);
    w->next = pool->free_list;
    pool->free_list = w;
    pthread_mutex_unlock(&pool->lock);
}

void worker_pool_drop_stale(worker_pool *pool) {
    served_policy *current = policy_holder_acquire(pool->holder);
    worker *stale = NULL;
    pthread_mutex_lock(&pool->lock);
    for (worker **at = &pool->free_list; *at != NULL;) {
        worker *w = *at;
        if (w->policy != NULL && w->policy != current) {
            *at = w->next;
            w->next = stale;
            stale = w;
        } else {
            at = &w->next;
        }
    }
    pthread_mutex_unlock(&pool->lock);
    policy_holder_release(pool->holder, current);
    while (stale != NULL) { /* freed outside the lock: the last reference may free a whole program */
        worker *w = stale;
        stale = w->next;
        worker_free(pool, w);
    }
}
