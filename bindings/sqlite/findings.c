/* findings.c: pol_findings(decision_json), the table-valued function (an eponymous virtual table) that lists a
 * decision's findings as rows (clause, kind, message):
 *
 *     SELECT a.id, f.clause, f.kind FROM applicants a, pol_findings(pol_decide('p.pbc', a.record)) f;
 *
 * A decision has one row per finding; an error object (a refused record) and NULL have none. Text that is not
 * a decision is an SQL error. */
#include <string.h>

#include <yajl/yajl_tree.h>

#include "pol_sqlite.h"

SQLITE_EXTENSION_INIT3

enum { COLUMN_CLAUSE, COLUMN_KIND, COLUMN_MESSAGE, COLUMN_DECISION };

typedef struct findings_cursor {
    sqlite3_vtab_cursor base;
    char *decision_text;  /* the argument, for the hidden column */
    yajl_val decision;    /* its parse tree (yajl_tree: a decision is a few hundred bytes) */
    yajl_val findings;    /* the decision's "findings" array, or NULL: no rows */
    size_t row;
} findings_cursor;

static int findings_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out,
                            char **error) {
    (void)aux;
    (void)argc;
    (void)argv;
    (void)error;
    int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(clause TEXT, kind TEXT, message TEXT, decision_json HIDDEN)");
    if (rc != SQLITE_OK) return rc;
    sqlite3_vtab *table = sqlite3_malloc(sizeof *table);
    if (!table) return SQLITE_NOMEM;
    memset(table, 0, sizeof *table);
    /* it only reads the JSON it is given: safe in views and triggers of an untrusted schema */
    sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
    *out = table;
    return SQLITE_OK;
}

static int findings_disconnect(sqlite3_vtab *table) {
    sqlite3_free(table);
    return SQLITE_OK;
}

/* The decision argument is the hidden column's equality constraint. Without one there are no rows; with one
 * not yet usable (a join's other side first), this plan is refused so that SQLite orders the join the other
 * way, as for any table-valued function. */
static int findings_best_index(sqlite3_vtab *table, sqlite3_index_info *info) {
    (void)table;
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *c = &info->aConstraint[i];
        if (c->iColumn != COLUMN_DECISION || c->op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
        if (!c->usable) return SQLITE_CONSTRAINT;
        info->aConstraintUsage[i].argvIndex = 1;
        info->aConstraintUsage[i].omit = 1;
        info->idxNum = 1;
        info->estimatedCost = 10;
        info->estimatedRows = 5;
        return SQLITE_OK;
    }
    info->idxNum = 0;
    info->estimatedCost = 1e12;
    info->estimatedRows = 0;
    return SQLITE_OK;
}

static void cursor_clear(findings_cursor *cursor) {
    yajl_tree_free(cursor->decision);
    sqlite3_free(cursor->decision_text);
    cursor->decision = cursor->findings = NULL;
    cursor->decision_text = NULL;
    cursor->row = 0;
}

static int findings_open(sqlite3_vtab *table, sqlite3_vtab_cursor **out) {
    (void)table;
    findings_cursor *cursor = sqlite3_malloc(sizeof *cursor);
    if (!cursor) return SQLITE_NOMEM;
    memset(cursor, 0, sizeof *cursor);
    *out = &cursor->base;
    return SQLITE_OK;
}

static int findings_close(sqlite3_vtab_cursor *base) {
    findings_cursor *cursor = (findings_cursor *)base;
    cursor_clear(cursor);
    sqlite3_free(cursor);
    return SQLITE_OK;
}

static int refuse(findings_cursor *cursor, const char *why) {
    sqlite3_free(cursor->base.pVtab->zErrMsg);
    cursor->base.pVtab->zErrMsg = sqlite3_mprintf("pol_findings: not a decision: %s", why);
    cursor_clear(cursor);
    return cursor->base.pVtab->zErrMsg ? SQLITE_ERROR : SQLITE_NOMEM;
}

static int findings_filter(sqlite3_vtab_cursor *base, int idxNum, const char *idxStr, int argc,
                           sqlite3_value **argv) {
    (void)idxStr;
    findings_cursor *cursor = (findings_cursor *)base;
    cursor_clear(cursor);
    if (idxNum != 1 || argc < 1 || sqlite3_value_type(argv[0]) == SQLITE_NULL) return SQLITE_OK;
    const char *text = (const char *)sqlite3_value_text(argv[0]);
    if (!text) return SQLITE_NOMEM;
    cursor->decision_text = sqlite3_mprintf("%s", text);
    if (!cursor->decision_text) return SQLITE_NOMEM;
    char reason[256] = "";
    cursor->decision = yajl_tree_parse(text, reason, sizeof reason);
    if (!cursor->decision) {
        char *newline = strchr(reason, '\n'); /* yajl's reason runs over lines, with the text quoted */
        if (newline) *newline = '\0';
        return refuse(cursor, reason[0] ? reason : "invalid JSON");
    }
    if (!YAJL_IS_OBJECT(cursor->decision)) return refuse(cursor, "expected a JSON object");
    const char *findings_path[] = {"findings", NULL}, *error_path[] = {"error", NULL};
    yajl_val findings = yajl_tree_get(cursor->decision, findings_path, yajl_t_any);
    if (!findings) {
        if (yajl_tree_get(cursor->decision, error_path, yajl_t_string)) return SQLITE_OK; /* an error object */
        return refuse(cursor, "no \"findings\" and no \"error\"");
    }
    if (!YAJL_IS_ARRAY(findings)) return refuse(cursor, "\"findings\" is not an array");
    for (size_t i = 0; i < findings->u.array.len; i++)
        if (!YAJL_IS_OBJECT(findings->u.array.values[i])) return refuse(cursor, "a finding is not an object");
    cursor->findings = findings;
    return SQLITE_OK;
}

static int findings_next(sqlite3_vtab_cursor *base) {
    ((findings_cursor *)base)->row++;
    return SQLITE_OK;
}

static int findings_eof(sqlite3_vtab_cursor *base) {
    const findings_cursor *cursor = (const findings_cursor *)base;
    return !cursor->findings || cursor->row >= cursor->findings->u.array.len;
}

static int findings_column(sqlite3_vtab_cursor *base, sqlite3_context *call, int column) {
    const findings_cursor *cursor = (const findings_cursor *)base;
    if (column == COLUMN_DECISION) {
        sqlite3_result_text(call, cursor->decision_text, -1, SQLITE_TRANSIENT);
        return SQLITE_OK;
    }
    static const char *const keys[] = {"clause", "kind", "message"};
    const char *path[] = {keys[column], NULL};
    yajl_val value = yajl_tree_get(cursor->findings->u.array.values[cursor->row], path, yajl_t_string);
    if (value) sqlite3_result_text(call, YAJL_GET_STRING(value), -1, SQLITE_TRANSIENT);
    else sqlite3_result_null(call); /* a finding outside any clause has "clause": null */
    return SQLITE_OK;
}

static int findings_rowid(sqlite3_vtab_cursor *base, sqlite_int64 *rowid) {
    *rowid = (sqlite_int64)((const findings_cursor *)base)->row + 1;
    return SQLITE_OK;
}

/* xCreate NULL: eponymous only, used by its name as a table-valued function and never created. */
static const sqlite3_module findings_module = {
    .iVersion = 0,
    .xCreate = NULL,
    .xConnect = findings_connect,
    .xBestIndex = findings_best_index,
    .xDisconnect = findings_disconnect,
    .xDestroy = findings_disconnect,
    .xOpen = findings_open,
    .xClose = findings_close,
    .xFilter = findings_filter,
    .xNext = findings_next,
    .xEof = findings_eof,
    .xColumn = findings_column,
    .xRowid = findings_rowid,
};

int polsql_register_findings(sqlite3 *db) { return sqlite3_create_module(db, "pol_findings", &findings_module, NULL); }
