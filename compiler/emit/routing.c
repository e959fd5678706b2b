/* routing.c (emit): routes become an index, not a scan: one SWITCH per routing key narrows the record to its
 * cell (e.g. 机械 × 中级), and the cell's few routes are tried narrowest first. Cells with the same routes share
 * their code, and so do key levels with the same tables, so the code grows with the distinct routing
 * situations, not with the number of combinations. */
#include <string.h>

#include "emitter.h"

/* Identical sequences of uint32 get the same id (first come, first numbered) */
typedef struct dedupe {
    strmap map;
    uint32_t count;
} dedupe;

static uint32_t dedupe_id(emitter *e, dedupe *d, const uint32_t *items, uint32_t n, int *fresh)
{
    uint32_t id;
    size_t bytes = (size_t)n * sizeof *items;
    if (strmap_get(&d->map, (const char *)items, bytes, &id)) {
        *fresh = 0;
        return id;
    }
    char *copy = ast_alloc(e->r->tree, bytes + 1);
    memcpy(copy, items, bytes);
    id = d->count++;
    strmap_put(&d->map, copy, bytes, id);
    *fresh = 1;
    return id;
}

/* The route tries of one cell, narrowest first; the jumps to the end are collected in ends */
static void emit_cell(emitter *e, const uint32_t *routes, uint32_t n, uint32_t *ends, uint32_t *nends)
{
    const check_result *r = e->r;
    int fall_through = 1;
    for (uint32_t i = 0; i < n && fall_through; i++) {
        const check_route *route = &r->routes[routes[i]];
        e->line = (uint32_t)route->node->loc.line;
        e->rule = route->rule;
        uint32_t miss = EMIT_NO_JUMPS;
        if (route->node->a)
            emit_jump_if_false(e, route->node->a, &miss);
        emit_op(e, POL_OP_ROUTE, 0, (int32_t)route->rule);
        ends[(*nends)++] = emit_op(e, POL_OP_JUMP, 0, 0);
        emit_patch_chain_here(e, miss);
        fall_through = route->node->a != NULL; /* after a route without condition nothing else is tried */
    }
    if (fall_through) { /* no route of the cell matched: unrouted */
        e->rule = POL_NONE;
        ends[(*nends)++] = emit_op(e, POL_OP_JUMP, 0, 0);
    }
}

/* Routing code is made of pieces: a SWITCH over one key (values lo .. hi-1 go to child pieces, the others to
 * the end), or a leaf (the route tries of a cell). A SWITCH fans out to at most ROUTING_CHUNK values, and
 * pieces are laid out depth first, so the jump targets pending at any address stay few however many routes
 * and key values there are (the verifier bounds them). */
#define ROUTING_CHUNK 128u
#define PIECE_LEAF UINT32_MAX
#define PIECE_END UINT32_MAX

typedef struct piece {
    uint32_t key;       /* SWITCH: the routing key's index; PIECE_LEAF for a leaf */
    uint32_t lo, hi;    /* SWITCH: the values it tells apart */
    uint32_t *child;    /* SWITCH: the piece for each value (indexed by value), PIECE_END for the end */
    uint32_t leaf;      /* LEAF: its id */
    uint32_t parents;   /* pieces that jump here and are not placed yet */
    uint32_t at, table; /* address once placed (UINT32_MAX before); SWITCH: its table */
} piece;

typedef struct routing_layout {
    emitter *e;
    piece *pieces;
    uint32_t npieces;
    uint32_t *mark; /* per piece: 1 + the last piece that counted or released it */
    const uint32_t *sizes, *key_fields, *leaf_cell;
    uint32_t *ends, nends;
} routing_layout;

static uint32_t new_piece(routing_layout *L, uint32_t key, uint32_t lo, uint32_t hi, uint32_t *child, uint32_t leaf)
{
    piece *x = &L->pieces[L->npieces];
    x->key = key;
    x->lo = lo;
    x->hi = hi;
    x->child = child;
    x->leaf = leaf;
    x->parents = 0;
    x->at = x->table = UINT32_MAX;
    return L->npieces++;
}

/* Each child counts the distinct pieces that jump to it */
static void count_parents(routing_layout *L)
{
    for (uint32_t id = 0; id < L->npieces; id++)
        L->mark[id] = 0;
    for (uint32_t id = 0; id < L->npieces; id++) {
        const piece *x = &L->pieces[id];
        for (uint32_t v = x->lo; x->key != PIECE_LEAF && v < x->hi; v++) {
            uint32_t c = x->child[v];
            if (c != PIECE_END && L->mark[c] != id + 1) {
                L->mark[c] = id + 1;
                L->pieces[c].parents++;
            }
        }
    }
    for (uint32_t id = 0; id < L->npieces; id++)
        L->mark[id] = 0;
}

/* Emit piece id, then every child whose last parent it was (so each piece follows all that jump to it) */
static void place(routing_layout *L, uint32_t id)
{
    emitter *e = L->e;
    const check_result *r = e->r;
    piece *x = &L->pieces[id];
    if (x->key == PIECE_LEAF) {
        uint64_t c = L->leaf_cell[x->leaf];
        x->at = emit_here(e);
        emit_cell(e, r->cell_routes + r->cell_start[c], r->cell_start[c + 1] - r->cell_start[c], L->ends, &L->nends);
        return;
    }
    e->line = r->routing_node ? (uint32_t)r->routing_node->loc.line : 0;
    e->rule = POL_NONE;
    x->at = emit_op(e, POL_OP_FIELD, 0, (int32_t)L->key_fields[x->key]);
    x->table = emit_table(e, L->sizes[x->key]);
    emit_op(e, POL_OP_SWITCH, 0, (int32_t)x->table);
    for (uint32_t v = x->lo; v < x->hi; v++) {
        uint32_t c = L->pieces[id].child[v];
        if (c == PIECE_END || L->mark[c] == id + 1)
            continue;
        L->mark[c] = id + 1;
        if (--L->pieces[c].parents == 0)
            place(L, c);
    }
}

void emit_routing(emitter *e)
{
    check_result *r = e->r;
    const polP_record *app = &r->prog->records[0];
    uint32_t nkeys = r->nkeys;
    uint32_t *sizes = ast_alloc(r->tree, (size_t)nkeys * sizeof *sizes);
    for (uint32_t k = 0; k < nkeys; k++)
        sizes[k] = r->prog->enums[app->fields[r->key_fields[k]].type.ref].nvalues;

    /* leaves: each cell's distinct route list gets an id; id 0 is reserved for "no routes" */
    uint32_t *cell_leaf = ast_alloc(r->tree, (r->ncells + 1) * sizeof *cell_leaf);
    dedupe leaves = {{0}, 1};
    strmap_init(&leaves.map);
    uint32_t *leaf_cell = ast_alloc(r->tree, (r->ncells + 2) * sizeof *leaf_cell); /* a cell showing each leaf */
    for (uint64_t c = 0; c < r->ncells; c++) {
        uint32_t n = r->cell_start[c + 1] - r->cell_start[c];
        int fresh = 0;
        cell_leaf[c] = n ? dedupe_id(e, &leaves, r->cell_routes + r->cell_start[c], n, &fresh) : 0;
        if (fresh)
            leaf_cell[cell_leaf[c]] = (uint32_t)c;
    }

    /* key levels, from the last key up: a node is the vector of its children's ids */
    uint32_t **node_children = ast_alloc(r->tree, (size_t)nkeys * sizeof *node_children); /* per level, flat */
    uint32_t *nnodes = ast_alloc(r->tree, (size_t)nkeys * sizeof *nnodes);
    uint32_t *child = cell_leaf;
    uint64_t nchild_groups = r->ncells;
    for (uint32_t k = nkeys; k-- > 0;) {
        nchild_groups /= sizes[k];
        uint32_t *parent = ast_alloc(r->tree, (nchild_groups + 1) * sizeof *parent);
        node_children[k] = ast_alloc(r->tree, (nchild_groups * sizes[k] + 1) * sizeof **node_children);
        dedupe nodes = {{0}, 0};
        strmap_init(&nodes.map);
        for (uint64_t g = 0; g < nchild_groups; g++) {
            int fresh;
            parent[g] = dedupe_id(e, &nodes, child + g * sizes[k], sizes[k], &fresh);
            if (fresh)
                memcpy(node_children[k] + (uint64_t)parent[g] * sizes[k], child + g * sizes[k],
                       sizes[k] * sizeof *child);
        }
        nnodes[k] = nodes.count;
        strmap_free(&nodes.map);
        child = parent;
    }

    /* code: the pieces in depth-first order, each placed as soon as every piece jumping to it is placed */
    uint32_t npieces = leaves.count;
    for (uint32_t k = 0; k < nkeys; k++)
        npieces += nnodes[k] * (1 + (sizes[k] > ROUTING_CHUNK ? (sizes[k] + ROUTING_CHUNK - 1) / ROUTING_CHUNK : 0));
    routing_layout L = {e, ast_alloc(r->tree, ((size_t)npieces + 1) * sizeof(piece)), 0,
                        ast_alloc(r->tree, ((size_t)npieces + 1) * sizeof(uint32_t)), sizes, r->key_fields,
                        leaf_cell, NULL, 0};
    uint32_t *leaf_piece = ast_alloc(r->tree, ((size_t)leaves.count + 1) * sizeof *leaf_piece);
    leaf_piece[0] = PIECE_END;
    for (uint32_t leaf = 1; leaf < leaves.count; leaf++)
        leaf_piece[leaf] = new_piece(&L, PIECE_LEAF, 0, 0, NULL, leaf);
    uint32_t *below = leaf_piece; /* the piece of each node of the level below (or of each leaf) */
    for (uint32_t k = nkeys; k-- > 0;) {
        uint32_t *here = ast_alloc(r->tree, ((size_t)nnodes[k] + 1) * sizeof *here);
        for (uint32_t i = 0; i < nnodes[k]; i++) {
            uint32_t *child = ast_alloc(r->tree, ((size_t)sizes[k] + 1) * sizeof *child);
            for (uint32_t v = 0; v < sizes[k]; v++)
                child[v] = below[node_children[k][(uint64_t)i * sizes[k] + v]];
            if (sizes[k] <= ROUTING_CHUNK) {
                here[i] = new_piece(&L, k, 0, sizes[k], child, 0);
                continue;
            }
            /* more values than a SWITCH may fan out to at once: a SWITCH to one stub per chunk of values,
             * each stub a SWITCH over its chunk, so the verifier never has too many targets pending */
            uint32_t *stub = ast_alloc(r->tree, ((size_t)sizes[k] + 1) * sizeof *stub);
            for (uint32_t lo = 0; lo < sizes[k]; lo += ROUTING_CHUNK) {
                uint32_t hi = lo + ROUTING_CHUNK < sizes[k] ? lo + ROUTING_CHUNK : sizes[k];
                uint32_t id = new_piece(&L, k, lo, hi, child, 0);
                for (uint32_t v = lo; v < hi; v++)
                    stub[v] = id;
            }
            here[i] = new_piece(&L, k, 0, sizes[k], stub, 0);
        }
        below = here;
    }
    uint32_t root = below[0];
    count_parents(&L);
    uint64_t max_ends = 1;
    for (uint32_t leaf = 1; leaf < leaves.count; leaf++)
        max_ends += r->cell_start[leaf_cell[leaf] + 1] - r->cell_start[leaf_cell[leaf]] + 1;
    L.ends = ast_alloc(r->tree, (size_t)max_ends * sizeof *L.ends);
    place(&L, root);
    for (uint32_t id = 0; id < L.npieces; id++) /* cannot happen: every piece hangs from the root */
        if (L.pieces[id].at == UINT32_MAX)
            place(&L, id);
    uint32_t end = emit_here(e);
    for (uint32_t i = 0; i < L.nends; i++)
        e->p->code[L.ends[i]].b = (int32_t)end;
    strmap_free(&leaves.map);

    /* fill the tables now that every target has an address; a null key goes to the end (unrouted) */
    for (uint32_t id = 0; id < L.npieces; id++) {
        const piece *x = &L.pieces[id];
        if (x->key == PIECE_LEAF)
            continue;
        polP_table *t = &e->p->tables[x->table];
        t->dflt = end;
        for (uint32_t v = 0; v < sizes[x->key]; v++) {
            uint32_t c = v >= x->lo && v < x->hi ? x->child[v] : PIECE_END;
            t->entries[v] = c == PIECE_END ? end : L.pieces[c].at;
        }
    }
}
