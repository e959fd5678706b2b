/* pol_pg.h: what the PostgreSQL extension's files share: a loaded policy as one backend keeps it, and the
 * cache that finds it again from the bytea a query passes. */
#ifndef POL_PG_H
#define POL_PG_H

#include "postgres.h"

#include "fmgr.h"

#include "pol.h"
#include "pol_json.h"

/* One loaded policy, with everything a decision needs, kept for the backend's life (or until evicted). All of
 * it lives in memory: libpol's allocations go there through the pol_config hook, so deleting the context
 * frees whatever libpol may have left behind. */
typedef struct pgpol_program {
    MemoryContext memory;   /* child of TopMemoryContext, one per program */
    pol_config config;      /* the allocator hook into memory */
    char *pbc;              /* a copy of the .pbc bytes: a cache hit compares them, not a pointer */
    size_t pbc_size;
    uint64 serial;          /* never reused: a call's remembered entry is still this one while equal */
    uint64 last_used;       /* for least-recently-used eviction */
    pol_program *program;
    pol_context *context;   /* one of each per program: a backend runs one statement at a time */
    pol_json_reader *reader;
    pol_json_buffer out;    /* the decision bytes, reused from call to call */
} pgpol_program;

/* The loaded policy for argument argno (a bytea) of this call, loaded and verified once per backend and found
 * again cheaply on later rows (fn_extra). A policy that does not load is an ERROR with an SQLSTATE and the
 * loader's reason; it never returns NULL. */
pgpol_program *pgpol_program_for_call(FunctionCallInfo fcinfo, int argno);

/* Empty p->out, or make it new again when a large output left it big (so one huge decision does not pin its
 * memory for the backend's life). After an allocation failure it is rebuilt and the call ends in an ERROR. */
void pgpol_output_begin(pgpol_program *p);
void pgpol_output_check(pgpol_program *p);

#endif
