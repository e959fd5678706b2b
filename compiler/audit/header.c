/* header.c: the provenance facts of the two files (name, version, compiler, source digest), shown beside the
 * differences but never counted as one: the same policy rebuilt or reformatted is still the same policy. */
#include <stdio.h>
#include <string.h>

#include "audit.h"

static void fact(audit_changes *c, const char *what, const char *old, const char *new_)
{
    audit_buf t = {0}, j = {0};
    if (strcmp(old, new_) == 0)
        audit_printf(&t, "%-9s %s", what, old);
    else
        audit_printf(&t, "%-9s %s -> %s", what, old, new_);
    audit_puts(&j, "{\"fact\": ");
    audit_json_string(&j, what);
    audit_puts(&j, ", \"old\": ");
    audit_json_string(&j, old);
    audit_puts(&j, ", \"new\": ");
    audit_json_string(&j, new_);
    audit_puts(&j, "}");
    audit_add(c, AUDIT_HEADER, &t, &j);
}

void audit_diff_header(const audit_prog *old, const audit_prog *new_, audit_changes *c)
{
    const polP_program *a = old->p, *b = new_->p;
    char ya[16], yb[16], ha[65], hb[65];
    fact(c, "policy", audit_str(a, a->name), audit_str(b, b->name));
    fact(c, "version", audit_str(a, a->policy_version), audit_str(b, b->policy_version));
    snprintf(ya, sizeof ya, "%d", (int)a->year);
    snprintf(yb, sizeof yb, "%d", (int)b->year);
    fact(c, "year", ya, yb);
    fact(c, "compiler", audit_str(a, a->compiler_version), audit_str(b, b->compiler_version));
    for (int i = 0; i < 32; i++) {
        snprintf(ha + 2 * i, 3, "%02x", a->source_sha256[i]);
        snprintf(hb + 2 * i, 3, "%02x", b->source_sha256[i]);
    }
    fact(c, "source", ha, hb);
}
