/* pol_pg_cache.c: the backend's loaded policies: loaded and verified once, found again from the bytea a call
 * passes, their memory in PostgreSQL memory contexts, load failures as ERRORs with an SQLSTATE. */
#include "pol_pg.h"

#include <string.h>

#include "utils/memutils.h"

/* A backend runs one statement at a time, and a year's batch uses one or two policies: a few slots, searched
 * linearly, least recently used evicted. (Per-backend statics are the normal state of a PostgreSQL extension;
 * parallel workers are processes, each with its own cache.) */
#define PGPOL_CACHE_SLOTS 8
static pgpol_program *cache[PGPOL_CACHE_SLOTS];
static uint64 next_serial = 1;
static uint64 use_clock = 0;

/* What a call remembers (fn_extra, for one query): which cached program its policy argument was, and that
 * argument exactly as passed, so the next row can tell it is the same without detoasting or loading. */
typedef struct pgpol_call_cache {
    uint64 serial;       /* of the cached program; 0 while none */
    bool arg_stable;     /* a Const or an external Param: the same value on every row, nothing to compare */
    char *argument;      /* the datum as passed: a TOAST pointer (18 bytes) or the inline varlena */
    Size argument_size;  /* 0: nothing remembered (a kind of datum that says nothing about its contents) */
    Size argument_capacity;
} pgpol_call_cache;

/* libpol's allocator hook (pol_alloc_fn) into the program's memory context. It never throws: a refusal is
 * NULL, which libpol reports as POL_ERR_NOMEM, so no longjmp ever crosses libpol's code. */
static void *pgpol_alloc(void *ud, void *ptr, size_t oldsize, size_t newsize) {
    MemoryContext memory = (MemoryContext) ud;
    void *fresh;
    if (newsize == 0) {
        if (ptr != NULL) pfree(ptr);
        return NULL;
    }
    if (newsize > MaxAllocSize) return NULL; /* palloc would ERROR rather than return NULL */
    fresh = MemoryContextAllocExtended(memory, newsize, MCXT_ALLOC_NO_OOM);
    if (fresh == NULL) return NULL;
    if (ptr != NULL) {
        memcpy(fresh, ptr, Min(oldsize, newsize));
        pfree(ptr);
    }
    return fresh;
}

static int load_errcode(pol_status status) {
    switch (status) {
    case POL_ERR_NOMEM: return ERRCODE_OUT_OF_MEMORY;
    case POL_ERR_FORMAT:
    case POL_ERR_VERSION:
    case POL_ERR_DIGEST:
    case POL_ERR_VERIFY: return ERRCODE_INVALID_BINARY_REPRESENTATION; /* 22P03: these bytes are no program */
    case POL_ERR_LIMIT: return ERRCODE_PROGRAM_LIMIT_EXCEEDED;
    default: return ERRCODE_INTERNAL_ERROR;
    }
}

static void program_free(pgpol_program *p) {
    pol_json_buffer_free(&p->out);
    pol_json_reader_free(p->reader);
    pol_context_free(p->context);
    pol_program_free(p->program);
    MemoryContextDelete(p->memory); /* and whatever else was allocated in it */
}

/* The digest as the memory context's identifier: pg_backend_memory_contexts then names each loaded policy. */
static void name_context(pgpol_program *p) {
    static const char digits[] = "0123456789abcdef";
    const uint8_t *digest = pol_program_digest(p->program);
    char *hex = MemoryContextAllocExtended(p->memory, 65, MCXT_ALLOC_NO_OOM);
    if (hex == NULL || digest == NULL) return;
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[64] = '\0';
    MemoryContextSetIdentifier(p->memory, hex);
}

/* Load and verify bytes into a new entry (not yet in the cache), or ERROR with the loader's reason. */
static pgpol_program *program_load(const char *bytes, size_t size) {
    char reason[256];
    pol_status status;
    MemoryContext memory = AllocSetContextCreate(TopMemoryContext, "pol program", ALLOCSET_DEFAULT_SIZES);
    pgpol_program *p = MemoryContextAllocExtended(memory, sizeof *p, MCXT_ALLOC_NO_OOM | MCXT_ALLOC_ZERO);
    char *copy = size > 0 && size <= MaxAllocSize ? MemoryContextAllocExtended(memory, size, MCXT_ALLOC_NO_OOM) : NULL;
    if (p == NULL || (size > 0 && copy == NULL)) {
        MemoryContextDelete(memory);
        ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory loading a pol program of %zu bytes", size)));
    }
    p->memory = memory;
    p->config.alloc = pgpol_alloc;
    p->config.alloc_ud = memory;
    if (size > 0) memcpy(copy, bytes, size);
    p->pbc = copy;
    p->pbc_size = size;
    reason[0] = '\0';
    status = pol_program_load(bytes, size, &p->config, &p->program, reason, sizeof reason);
    if (status != POL_OK) {
        MemoryContextDelete(memory);
        ereport(ERROR, (errcode(load_errcode(status)), errmsg("%s", reason[0] ? reason : pol_status_name(status)),
                        errdetail("The policy argument (%zu bytes) is not a program this pol runtime (%s) loads: %s.",
                                  size, pol_version(), pol_status_name(status)),
                        errhint("Pass the bytes of a .pbc file written by polc.")));
    }
    status = pol_context_new(p->program, &p->context);
    if (status == POL_OK) status = pol_json_reader_new(p->program, &p->config, &p->reader);
    if (status != POL_OK) {
        pol_context_free(p->context);
        pol_program_free(p->program);
        MemoryContextDelete(memory);
        ereport(ERROR, (errcode(load_errcode(status)), errmsg("cannot prepare the pol program: %s", pol_status_name(status))));
    }
    pol_json_buffer_init(&p->out, &p->config);
    name_context(p);
    p->serial = next_serial++;
    return p;
}

/* The cached entry for these bytes, loading them into a free or the least recently used slot. Equal bytes are
 * the same program (and the same pol_program_digest, which covers everything after the header). */
static pgpol_program *cache_get(const char *bytes, size_t size) {
    int slot = -1;
    pgpol_program *p;
    for (int i = 0; i < PGPOL_CACHE_SLOTS; i++) {
        p = cache[i];
        if (p != NULL && p->pbc_size == size && (size == 0 || memcmp(p->pbc, bytes, size) == 0)) {
            p->last_used = ++use_clock;
            return p;
        }
    }
    p = program_load(bytes, size); /* before evicting: a policy that fails to load costs no cached one */
    for (int i = 0; i < PGPOL_CACHE_SLOTS; i++) {
        if (cache[i] == NULL) {
            slot = i;
            break;
        }
        if (slot < 0 || cache[i]->last_used < cache[slot]->last_used) slot = i;
    }
    if (cache[slot] != NULL) program_free(cache[slot]);
    cache[slot] = p;
    p->last_used = ++use_clock;
    return p;
}

static pgpol_program *cache_by_serial(uint64 serial) {
    for (int i = 0; i < PGPOL_CACHE_SLOTS; i++)
        if (cache[i] != NULL && cache[i]->serial == serial) return cache[i];
    return NULL;
}

/* Only two kinds of datum identify their contents by their bytes: an inline varlena (its bytes are the value)
 * and an on-disk TOAST pointer (a stored value is never changed in place, and its id is not reused while the
 * query's snapshot can still see it). An indirect or expanded pointer says nothing about its contents. */
static bool argument_identifies_value(const struct varlena *raw) {
    return !VARATT_IS_EXTERNAL(raw) || VARATT_IS_EXTERNAL_ONDISK(raw);
}

static bool same_argument(const pgpol_call_cache *cc, const struct varlena *raw) {
    Size size;
    if (cc->argument_size == 0 || !argument_identifies_value(raw)) return false;
    size = VARSIZE_ANY(raw);
    return size == cc->argument_size && memcmp(cc->argument, raw, size) == 0;
}

static void remember_argument(FmgrInfo *flinfo, pgpol_call_cache *cc, const struct varlena *raw) {
    Size size = VARSIZE_ANY(raw);
    cc->argument_size = 0;
    if (cc->arg_stable || !argument_identifies_value(raw)) return;
    if (size > cc->argument_capacity) {
        char *fresh = MemoryContextAllocExtended(flinfo->fn_mcxt, size, MCXT_ALLOC_NO_OOM);
        if (fresh == NULL) return; /* then every row looks the program up by its bytes: slower, still right */
        if (cc->argument != NULL) pfree(cc->argument);
        cc->argument = fresh;
        cc->argument_capacity = size;
    }
    memcpy(cc->argument, raw, size);
    cc->argument_size = size;
}

pgpol_program *pgpol_program_for_call(FunctionCallInfo fcinfo, int argno) {
    FmgrInfo *flinfo = fcinfo->flinfo;
    pgpol_call_cache *cc = (pgpol_call_cache *) flinfo->fn_extra;
    const struct varlena *raw = (const struct varlena *) DatumGetPointer(PG_GETARG_DATUM(argno));
    pgpol_program *p;
    bytea *pbc;
    if (cc == NULL) {
        cc = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof *cc);
        cc->arg_stable = get_fn_expr_arg_stable(flinfo, argno);
        flinfo->fn_extra = cc;
    }
    if (cc->serial != 0 && (cc->arg_stable || same_argument(cc, raw)) && (p = cache_by_serial(cc->serial)) != NULL) {
        p->last_used = ++use_clock;
        return p;
    }
    pbc = PG_GETARG_BYTEA_PP(argno);
    p = cache_get(VARDATA_ANY(pbc), VARSIZE_ANY_EXHDR(pbc));
    cc->serial = p->serial;
    remember_argument(flinfo, cc, raw);
    if ((const void *) pbc != (const void *) raw) pfree(pbc);
    return p;
}

/* Past this, an output buffer is given back after the call instead of kept for the next one. */
#define PGPOL_OUTPUT_KEEP (1024 * 1024)

void pgpol_output_begin(pgpol_program *p) {
    if (p->out.capacity > PGPOL_OUTPUT_KEEP) {
        pol_json_buffer_free(&p->out);
        pol_json_buffer_init(&p->out, &p->config);
    }
    p->out.length = 0;
}

void pgpol_output_check(pgpol_program *p) {
    if (!p->out.failed) return;
    pol_json_buffer_free(&p->out); /* failed is sticky: start a clean buffer for the next call */
    pol_json_buffer_init(&p->out, &p->config);
    ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory writing a pol decision")));
}
