/* peephole.c (emit): jump threading once every address is known, so conditions cost fewer instructions at run
 * time. A jump that lands on a JUMP goes straight to its target; one that lands on "CONST b; JUMPF x" (or
 * JUMPT, maybe reached through JUMPs) goes straight to where that always leads, since the constant decides it. Nothing that runs is
 * changed otherwise: the stack and locals are the same on the shortcut as on the long way, and targets only
 * move forward within the same loops, so the verifier's rules keep holding. The skipped instructions stay
 * (other paths may still reach them), so the source map and the listing are unchanged. */
#include "emitter.h"

#define MAX_HOPS 64

/* 0 or 1 for a CONST of a bool at address at, else -1 */
static int bool_const(const polP_program *p, uint32_t at)
{
    const polP_instr *in = &p->code[at];
    if (in->op != POL_OP_CONST || in->b < 0 || (uint32_t)in->b >= p->nconsts)
        return -1;
    const polP_const *c = &p->consts[in->b];
    return c->kind == POL_T_BOOL ? c->u.i != 0 : -1;
}

/* Where a jump to target ends up once the instructions it would run there without effect are skipped */
static uint32_t final_target(const polP_program *p, uint32_t target)
{
    for (int hops = 0; hops < MAX_HOPS && target < p->ncode; hops++) {
        const polP_instr *t = &p->code[target];
        if (t->op == POL_OP_JUMP && t->b > (int32_t)target) {
            target = (uint32_t)t->b;
            continue;
        }
        /* CONST b, then (through plain JUMPs) the JUMPF or JUMPT that pops it */
        int value = bool_const(p, target);
        uint32_t at = target + 1;
        for (int k = 0; value >= 0 && k < MAX_HOPS && at < p->ncode && p->code[at].op == POL_OP_JUMP &&
                        p->code[at].b > (int32_t)at;
             k++)
            at = (uint32_t)p->code[at].b;
        const polP_instr *test = value >= 0 && at < p->ncode ? &p->code[at] : NULL;
        if (test && (test->op == POL_OP_JUMPF || test->op == POL_OP_JUMPT) && test->b > (int32_t)at) {
            int jumps = test->op == POL_OP_JUMPT ? value : !value;
            target = jumps ? (uint32_t)test->b : at + 1;
            continue;
        }
        break;
    }
    return target;
}

void emit_thread_jumps(emitter *e)
{
    polP_program *p = e->p;
    for (uint32_t i = 0; i < p->ncode; i++) {
        polP_instr *in = &p->code[i];
        if (in->op != POL_OP_JUMP && in->op != POL_OP_JUMPF && in->op != POL_OP_JUMPT && in->op != POL_OP_JUMPNN &&
            in->op != POL_OP_TESTK)
            continue;
        if (in->b <= (int32_t)i)
            continue; /* not ours to judge: the verifier refuses it */
        in->b = (int32_t)final_target(p, (uint32_t)in->b);
    }
}
