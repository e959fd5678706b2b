/* decision.c: reading a decision: the outputs (by index or name) and the findings in the order they fired. */
#include "vm.h"

int pol_output_count(const pol_program *program) { return program ? (int)program->p->noutputs : 0; }

const char *pol_output_name(const pol_program *program, int index)
{
    if (!program || index < 0 || (uint32_t)index >= program->p->noutputs)
        return NULL;
    return polX_str(program->p, program->p->outputs[index].name);
}

int pol_output_index(const pol_program *program, const char *name, size_t len)
{
    return program ? (int)polX_names_find(&program->names, POLX_SCOPE_OUTPUTS, name, len) : -1;
}

pol_status pol_output(const pol_context *ctx, int index, pol_value *out)
{
    if (!ctx || !out || index < 0 || (uint32_t)index >= ctx->prog->p->noutputs || !ctx->decided)
        return POL_ERR_ARGUMENT;
    polX_value_public(ctx->prog->p, &ctx->outputs[index], out);
    return POL_OK;
}

const char *pol_finding_kind_name(pol_finding_kind kind)
{
    switch (kind) {
    case POL_VIOLATION:
        return "violation";
    case POL_TODO:
        return "todo";
    case POL_WARNING:
        return "warning";
    }
    return "unknown";
}

size_t pol_finding_count(const pol_context *ctx) { return ctx && ctx->decided ? ctx->nfindings : 0; }

pol_status pol_finding_get(const pol_context *ctx, size_t index, pol_finding *out)
{
    if (!ctx || !out || !ctx->decided || index >= ctx->nfindings)
        return POL_ERR_ARGUMENT;
    const polP_program *p = ctx->prog->p;
    const polX_finding *f = &ctx->findings[index];
    const polP_rule *rule = &p->rules[f->rule];
    out->kind = (pol_finding_kind)rule->kind;
    out->clause = polX_str(p, rule->clause);
    out->message = f->message;
    out->message_length = f->length;
    out->line = (int)rule->line;
    return POL_OK;
}
