/* change.c: the list of differences poldiff found, and how it is printed: text by section, or one JSON object. */
#include <stdlib.h>
#include <string.h>

#include "audit.h"

static const char *const section_names[AUDIT_SECTIONS] = {"header",   "enums",  "records",  "entity types",
                                                          "entities", "routes", "findings", "outputs"};
static const char *const section_keys[AUDIT_SECTIONS] = {"header",   "enums",  "records",  "entity_types",
                                                         "entities", "routes", "findings", "outputs"};

void audit_add(audit_changes *c, audit_section s, audit_buf *text, audit_buf *json)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 32;
        c->items = realloc(c->items, c->cap * sizeof *c->items);
        if (!c->items) {
            fputs("poldiff: out of memory\n", stderr);
            exit(2);
        }
    }
    c->items[c->n].section = s;
    c->items[c->n].text = audit_take(text);
    c->items[c->n].json = audit_take(json);
    c->n++;
}

size_t audit_count_differences(const audit_changes *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += c->items[i].section != AUDIT_HEADER;
    return n;
}

void audit_print_text(const audit_changes *c, const audit_prog *old, const audit_prog *new_, FILE *out)
{
    fprintf(out, "poldiff %s -> %s\n", old->path, new_->path);
    for (int s = 0; s < AUDIT_SECTIONS; s++) {
        size_t count = 0;
        for (size_t i = 0; i < c->n; i++)
            count += c->items[i].section == (audit_section)s;
        if (!count)
            continue;
        fprintf(out, "\n== %s (%zu)\n", section_names[s], count);
        for (size_t i = 0; i < c->n; i++)
            if (c->items[i].section == (audit_section)s)
                fprintf(out, "%s\n", c->items[i].text);
    }
    size_t n = audit_count_differences(c);
    if (n)
        fprintf(out, "\n%zu difference%s\n", n, n == 1 ? "" : "s");
    else
        fputs("\nequivalent: no difference in the policy\n", out);
}

void audit_print_json(const audit_changes *c, const audit_prog *old, const audit_prog *new_, FILE *out)
{
    audit_buf b = {0};
    audit_puts(&b, "{\"old\": ");
    audit_json_string(&b, old->path);
    audit_puts(&b, ", \"new\": ");
    audit_json_string(&b, new_->path);
    audit_printf(&b, ", \"equivalent\": %s, \"differences\": %zu", audit_count_differences(c) ? "false" : "true",
                 audit_count_differences(c));
    for (int s = 0; s < AUDIT_SECTIONS; s++) {
        audit_printf(&b, ",\n \"%s\": [", section_keys[s]);
        const char *sep = "";
        for (size_t i = 0; i < c->n; i++)
            if (c->items[i].section == (audit_section)s) {
                audit_printf(&b, "%s\n  %s", sep, c->items[i].json);
                sep = ",";
            }
        audit_puts(&b, *sep ? "\n ]" : "]");
    }
    audit_puts(&b, "\n}\n");
    fputs(b.s, out);
    audit_buf_free(&b);
}

void audit_changes_free(audit_changes *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->items[i].text);
        free(c->items[i].json);
    }
    free(c->items);
    memset(c, 0, sizeof *c);
}
