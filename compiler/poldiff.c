/* poldiff.c: the poldiff command: what changed between two compiled policies, in terms of the policy (entities,
 * routes, findings, enums, records, outputs), and with --records, which records decide differently. */
#include <stdio.h>
#include <string.h>

#include "audit.h"

static const char usage[] =
    "usage: poldiff [--json] OLD.pbc NEW.pbc                      what changed in the policy\n"
    "       poldiff [--json] --records RECORDS.jsonl OLD.pbc NEW.pbc  which records decide differently\n"
    "exit status: 0 equivalent (no decision changes), 1 they differ, 2 usage, I/O or load error\n";

int main(int argc, char **argv)
{
    int json = 0;
    const char *records = NULL, *files[2];
    int nfiles = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            json = 1;
        else if (!strcmp(argv[i], "--records") && i + 1 < argc)
            records = argv[++i];
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage, stdout);
            return 0;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "poldiff: unknown option %s\n%s", argv[i], usage);
            return 2;
        } else if (nfiles < 2)
            files[nfiles++] = argv[i];
        else {
            fputs(usage, stderr);
            return 2;
        }
    }
    if (nfiles != 2) {
        fputs(usage, stderr);
        return 2;
    }
    audit_prog old, new_;
    if (audit_load(&old, files[0]) < 0)
        return 2;
    if (audit_load(&new_, files[1]) < 0) {
        audit_unload(&old);
        return 2;
    }
    int status;
    if (records) {
        status = audit_impact(&old, &new_, records, json, stdout);
    } else {
        audit_changes changes = {0};
        audit_diff_header(&old, &new_, &changes);
        audit_diff_schema(&old, &new_, &changes);
        audit_diff_entities(&old, &new_, &changes);
        if (audit_diff_routes(&old, &new_, &changes) < 0) {
            status = 2;
        } else {
            audit_diff_rules(&old, &new_, &changes);
            if (json)
                audit_print_json(&changes, &old, &new_, stdout);
            else
                audit_print_text(&changes, &old, &new_, stdout);
            status = audit_count_differences(&changes) ? 1 : 0;
        }
        audit_changes_free(&changes);
    }
    audit_unload(&old);
    audit_unload(&new_);
    return status;
}
