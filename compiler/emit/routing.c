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
        uint32_t miss = UINT32_MAX;
        if (route->node->a) {
            emit_expr(e, route->node->a);
            miss = emit_op(e, POL_OP_JUMPF, 0, 0);
        }
        emit_op(e, POL_OP_ROUTE, 0, (int32_t)route->rule);
        ends[(*nends)++] = emit_op(e, POL_OP_JUMP, 0, 0);
        if (miss != UINT32_MAX)
            emit_patch_here(e, miss);
        fall_through = miss != UINT32_MAX; /* after a route without condition nothing else is tried */
    }
    if (fall_through) { /* no route of the cell matched: unrouted */
        e->rule = POL_NONE;
        ends[(*nends)++] = emit_op(e, POL_OP_JUMP, 0, 0);
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

    /* code: the SWITCH nodes level by level, then the leaves, then the end */
    e->line = r->routing_node ? (uint32_t)r->routing_node->loc.line : 0;
    e->rule = POL_NONE;
    uint32_t **node_table = ast_alloc(r->tree, (size_t)nkeys * sizeof *node_table);
    uint32_t **node_at = ast_alloc(r->tree, (size_t)nkeys * sizeof *node_at);
    for (uint32_t k = 0; k < nkeys; k++) {
        node_table[k] = ast_alloc(r->tree, ((size_t)nnodes[k] + 1) * sizeof **node_table);
        node_at[k] = ast_alloc(r->tree, ((size_t)nnodes[k] + 1) * sizeof **node_at);
        for (uint32_t i = 0; i < nnodes[k]; i++) {
            node_at[k][i] = emit_op(e, POL_OP_FIELD, 0, (int32_t)r->key_fields[k]);
            node_table[k][i] = emit_table(e, sizes[k]);
            emit_op(e, POL_OP_SWITCH, 0, (int32_t)node_table[k][i]);
        }
    }
    uint32_t *leaf_at = ast_alloc(r->tree, ((size_t)leaves.count + 1) * sizeof *leaf_at);
    uint64_t max_ends = 1;
    for (uint32_t leaf = 1; leaf < leaves.count; leaf++)
        max_ends += r->cell_start[leaf_cell[leaf] + 1] - r->cell_start[leaf_cell[leaf]] + 1;
    uint32_t *ends = ast_alloc(r->tree, (size_t)max_ends * sizeof *ends), nends = 0;
    for (uint32_t leaf = 1; leaf < leaves.count; leaf++) {
        uint64_t c = leaf_cell[leaf];
        leaf_at[leaf] = emit_here(e);
        emit_cell(e, r->cell_routes + r->cell_start[c], r->cell_start[c + 1] - r->cell_start[c], ends, &nends);
    }
    uint32_t end = emit_here(e);
    leaf_at[0] = end;
    for (uint32_t i = 0; i < nends; i++)
        e->p->code[ends[i]].b = (int32_t)end;
    strmap_free(&leaves.map);

    /* fill the tables now that every target has an address; a null key goes to the end (unrouted) */
    for (uint32_t k = 0; k < nkeys; k++)
        for (uint32_t i = 0; i < nnodes[k]; i++) {
            polP_table *t = &e->p->tables[node_table[k][i]];
            t->dflt = end;
            for (uint32_t v = 0; v < sizes[k]; v++) {
                uint32_t id = node_children[k][(uint64_t)i * sizes[k] + v];
                t->entries[v] = k + 1 < nkeys ? node_at[k + 1][id] : leaf_at[id];
            }
        }
}
