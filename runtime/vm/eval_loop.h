/* eval_loop.h: the interpreter's loop, included by eval.c twice: as polX_run (POLX_TRACED 0) and as
 * polX_run_traced (POLX_TRACED 1), whose only difference is the step hook in FETCH. One source, so the traced
 * run decides exactly as the plain one, and the plain one carries no trace code at all.
 * Expects POLX_RUN_NAME, POLX_TRACED and the VM_* / FETCH / FAIL / CHECK macros of eval.c. */

pol_status POLX_RUN_NAME(pol_context *ctx)
{
    const pol_program *prog = ctx->prog;
    const polP_program *p = prog->p;
#if POLX_TRACED
    const polP_instr *code = p->code, *ins; /* the plain instructions, each of which the tracer sees */
#else
    const polP_instr *code = prog->code, *ins; /* with the loader's superinstructions (quicken.h) */
#endif
    polX_value *sp = ctx->stack, *locals = ctx->locals, *outputs = ctx->outputs;
    polX_loop *loops = ctx->loops, *loop;
    /* Jumps go forward, so code outside loops runs at most once; what can repeat is a loop's body, and each
     * pass is charged the body's length when NEXT starts it. No count per instruction. */
    uint32_t pc = 0, budget = prog->limits.max_instructions;
    polX_value v;
    int c;
#if POLX_TRACED
    uint32_t traced_pc = POL_NONE; /* the instruction executed last */
    polX_trace_start(ctx);
#endif
#ifdef POLX_COMPUTED_GOTO
    static const void *const dispatch[POLX_QUICK__END + 1] = {POL_OPCODES(POLX_LABEL) POLX_QUICK_OPCODES(POLX_QLABEL)
                                                                  &&L_BAD};
#endif

    for (;;) {
        FETCH();
        VM_DISPATCH(ins->op)
        {
            VM_CASE(NOP) VM_BREAK;
            VM_CASE(CONST)
            {
                *sp++ = prog->consts[ins->b];
                VM_BREAK;
            }
            VM_CASE(FIELD)
            {
                uint32_t list = prog->list_of_field[ins->b];
                if (list == POL_NONE) {
                    *sp++ = ctx->fields[ins->b];
                } else {
                    v = polX_null();
                    v.tag = POL_T_LIST;
                    v.x.ref = (uint32_t)ins->b;
                    v.u.i = ctx->lists[list].count;
                    *sp++ = v;
                }
                VM_BREAK;
            }
            VM_CASE(ELEM)
            {
                /* the verifier proved ELEM sits in the body of loop a over a list whose elements have field b,
                 * and a body runs only while pos is an element's index */
                loop = &loops[ins->a];
                *sp++ = loop->rows[(size_t)loop->pos * loop->nfields + (uint32_t)ins->b];
                VM_BREAK;
            }
            VM_CASE(ITEM)
            {
                loop = &loops[ins->a]; /* in the body of range loop a, as the verifier proved */
                *sp++ = polX_int(loop->lo + loop->pos);
                VM_BREAK;
            }
            VM_CASE(LOAD)
            {
                /* a set is the VM's own value (in the eval arena): it never reaches the stack, where an output
                 * or a message could take it. The compiler never LOADs one; this keeps hand-made code honest. */
                if (locals[ins->a].tag == POLX_T_SET)
                    FAIL("the local holds a set, which only the set opcodes read");
                *sp++ = locals[ins->a];
                VM_BREAK;
            }
            VM_CASE(STORE)
            {
                locals[ins->a] = *--sp;
                VM_BREAK;
            }
            VM_CASE(OUTGET)
            {
                *sp++ = outputs[ins->b];
                VM_BREAK;
            }
            VM_CASE(OUTSET)
            {
                SET_OUTPUT(ins->b, *--sp);
                VM_BREAK;
            }
            VM_CASE(ROUTED)
            {
                *sp++ = ctx->routed;
                VM_BREAK;
            }
            VM_CASE(ROUTE)
            {
                const polP_rule *rule = &p->rules[ins->b];
                if (rule->kind != POLP_RULE_ROUTE || rule->target >= p->nentities)
                    FAIL("the rule is not a route");
                v = polX_null();
                v.tag = POL_T_ENTITY;
                v.x.ref = p->entities[rule->target].type;
                v.u.i = rule->target;
                ctx->routed = v;
                VM_BREAK;
            }
            VM_CASE(ATTR)
            {
                if (sp[-1].tag != POL_T_NULL) {
                    if (sp[-1].tag != POL_T_ENTITY)
                        FAIL("not an entity");
                    uint32_t e = (uint32_t)sp[-1].u.i;
                    if ((uint32_t)ins->b >= prog->attr_base[e + 1] - prog->attr_base[e])
                        FAIL("the entity has no such attribute");
                    sp[-1] = prog->attrs[prog->attr_base[e] + (uint32_t)ins->b];
                }
                VM_BREAK;
            }
            VM_CASE(NOT)
            {
                if (sp[-1].tag == POL_T_BOOL)
                    sp[-1].u.i = !sp[-1].u.i;
                else if (sp[-1].tag != POL_T_NULL)
                    FAIL("not a bool");
                VM_BREAK;
            }
            VM_CASE(NEG)
            {
                if (sp[-1].tag == POL_T_INT)
                    sp[-1] = sp[-1].u.i == INT64_MIN ? polX_number(-(double)INT64_MIN) : polX_int(-sp[-1].u.i);
                else if (sp[-1].tag == POL_T_NUMBER)
                    sp[-1].u.d = -sp[-1].u.d;
                else if (sp[-1].tag != POL_T_NULL)
                    FAIL("not a number");
                VM_BREAK;
            }
            VM_CASE(ADD)
            VM_CASE(SUB)
            VM_CASE(MUL)
            VM_CASE(DIV)
            VM_CASE(MIN)
            VM_CASE(MAX)
            {
                sp--;
                if (!arith(ins->op, &sp[-1], &sp[0], &sp[-1]))
                    FAIL("not numbers");
                VM_BREAK;
            }
            VM_CASE(EQ)
            VM_CASE(NE)
            VM_CASE(LT)
            VM_CASE(LE)
            VM_CASE(GT)
            VM_CASE(GE)
            {
                sp--;
                c = holds(ins->op - POL_OP_EQ, &sp[-1], &sp[0]);
                if (c < 0)
                    FAIL("the values cannot be compared");
                sp[-1] = polX_bool(c);
                VM_BREAK;
            }
            VM_CASE(TESTK)
            {
                sp--;
                TEST_AND_BRANCH(ins, sp);
                VM_BREAK;
            }
            VM_CASE(ADDYEARS)
            {
                sp--; /* years on top, the date under it */
                if (sp[-1].tag == POL_T_NULL || sp[0].tag == POL_T_NULL) {
                    sp[-1] = polX_null();
                    VM_BREAK;
                }
                if (sp[-1].tag != POL_T_DATE || sp[0].tag != POL_T_INT)
                    FAIL("not a date and whole years");
                int64_t years = sp[0].u.i;
                if (years > 10000 || years < -10000) /* beyond any calendar year: keeps the sum in range */
                    years = years > 0 ? 10000 : -10000;
                if (sp[-1].flags & POLX_HAS_CIVIL) { /* the result carries its fields too */
                    sp[-1].u.i = polT_add_years_civil(sp[-1].u.i, &sp[-1].x.civil, years);
                } else {
                    sp[-1].u.i = polT_add_years(sp[-1].u.i, years);
                }
                VM_BREAK;
            }
            VM_CASE(AT)
            {
                if (sp[-1].tag == POL_T_DATE) {
                    polX_value day = sp[-1]; /* the same day, so the same fields when it has them */
                    sp[-1] = polX_date(polX_day_of(day.u.i) * POLT_MINUTES_PER_DAY + ins->b, 1);
                    sp[-1].flags |= day.flags & POLX_HAS_CIVIL;
                    sp[-1].x = day.x;
                } else if (sp[-1].tag != POL_T_NULL) {
                    FAIL("not a date");
                }
                VM_BREAK;
            }
            VM_CASE(YEAR)
            {
                if (sp[-1].tag == POL_T_DATE)
                    sp[-1] = polX_int(sp[-1].flags & POLX_HAS_CIVIL ? polT_civil_year(sp[-1].x.civil)
                                                                    : polT_year(sp[-1].u.i));
                else if (sp[-1].tag != POL_T_NULL)
                    FAIL("not a date");
                VM_BREAK;
            }
            VM_CASE(YEARSBETWEEN)
            {
                sp--; /* b on top, a under it */
                if (sp[-1].tag == POL_T_NULL || sp[0].tag == POL_T_NULL)
                    sp[-1] = polX_null();
                else if (sp[-1].tag == POL_T_DATE && sp[0].tag == POL_T_DATE)
                    sp[-1] = polX_int(sp[-1].flags & sp[0].flags & POLX_HAS_CIVIL
                                          ? polT_years_between_civil(sp[-1].x.civil, sp[0].x.civil)
                                          : polT_years_between(sp[-1].u.i, sp[0].u.i));
                else
                    FAIL("not dates");
                VM_BREAK;
            }
            VM_CASE(INSET)
            {
                const polP_set *set = &p->sets[ins->b];
                if (sp[-1].tag == POL_T_ENUM) {
                    uint64_t i = (uint64_t)sp[-1].u.i;
                    sp[-1] = polX_bool(sp[-1].x.ref == set->enum_index && i / 64 < set->nwords &&
                                       (set->bits[i / 64] >> (i % 64) & 1));
                } else if (sp[-1].tag == POL_T_NULL) {
                    sp[-1] = polX_bool(0); /* like x == a or x == b: false for null */
                } else {
                    FAIL("not an enum value");
                }
                VM_BREAK;
            }
            VM_CASE(ISNULL)
            {
                sp[-1] = polX_bool(sp[-1].tag == POL_T_NULL);
                VM_BREAK;
            }
            VM_CASE(JUMP)
            {
                pc = (uint32_t)ins->b;
                VM_BREAK;
            }
            VM_CASE(JUMPF)
            {
                --sp;
                if (sp->tag == POL_T_BOOL) {
                    if (!sp->u.i)
                        pc = (uint32_t)ins->b;
                } else if (sp->tag == POL_T_NULL) {
                    pc = (uint32_t)ins->b;
                } else {
                    FAIL("not a bool");
                }
                VM_BREAK;
            }
            VM_CASE(JUMPT)
            {
                --sp;
                if (sp->tag == POL_T_BOOL) {
                    if (sp->u.i)
                        pc = (uint32_t)ins->b;
                } else if (sp->tag != POL_T_NULL) {
                    FAIL("not a bool");
                }
                VM_BREAK;
            }
            VM_CASE(JUMPNN)
            {
                if (sp[-1].tag != POL_T_NULL)
                    pc = (uint32_t)ins->b;
                else
                    sp--;
                VM_BREAK;
            }
            VM_CASE(SWITCH)
            {
                const polP_table *t = &p->tables[ins->b];
                v = *--sp;
                if (v.tag == POL_T_ENUM || v.tag == POL_T_INT)
                    pc = v.u.i >= 0 && (uint64_t)v.u.i < t->nentries ? t->entries[v.u.i] : t->dflt;
                else if (v.tag == POL_T_NULL)
                    pc = t->dflt;
                else
                    FAIL("not an enum value or an integer");
                VM_BREAK;
            }
            VM_CASE(ITERLIST)
            {
                uint32_t list = prog->list_of_field[ins->b];
                if (list == POL_NONE)
                    FAIL("not a list field");
                const polX_list *l = &ctx->lists[list];
                loops[ins->a] = (polX_loop){POLX_LOOP_LIST, list, -1, l->count, 0, l->rows, l->nfields};
                VM_BREAK;
            }
            VM_CASE(ITERRANGE)
            {
                sp -= 2; /* lo, then hi on top */
                int64_t count;
                CHECK(range_count(ctx, pc - 1, &sp[0], &sp[1], &count));
                loops[ins->a] = (polX_loop){POLX_LOOP_RANGE, 0, -1, count, sp[0].u.i, NULL, 0};
                VM_BREAK;
            }
            VM_CASE(NEXT)
            next_of_loop:
            {
                loop = &loops[ins->a]; /* started by the ITER right before this NEXT, as the verifier proved */
                if (++loop->pos >= loop->count) {
                    pc = (uint32_t)ins->b;
                } else {
                    uint32_t body = (uint32_t)ins->b - pc; /* up to and with the LOOP; the exit follows it */
                    if (body > budget)
                        goto over_budget;
                    budget -= body;
                }
                VM_BREAK;
            }
            VM_CASE(LOOP)
            {
                pc = (uint32_t)ins->b;
                VM_BREAK;
            }
            VM_CASE(LISTLEN)
            {
                *sp++ = polX_int(ctx->lists[prog->list_of_field[ins->b]].count); /* a list field, as verified */
                VM_BREAK;
            }
            VM_CASE(RANGELEN)
            {
                sp--; /* hi on top, lo under it */
                int64_t count;
                CHECK(range_count(ctx, pc - 1, &sp[-1], &sp[0], &count));
                sp[-1] = polX_int(count);
                VM_BREAK;
            }
            VM_CASE(SETNEW)
            {
                sp -= 2; /* lo, then hi on top */
                CHECK(set_new(ctx, pc - 1, &sp[0], &sp[1], &locals[ins->a]));
                VM_BREAK;
            }
            VM_CASE(SETIN)
            {
                if (locals[ins->a].tag != POLX_T_SET)
                    FAIL("the local is not a set");
                sp[-1] = polX_bool(set_holds_range(locals[ins->a].u.w, &sp[-1]));
                VM_BREAK;
            }
            VM_CASE(SETADD)
            {
                v = *--sp;
                if (locals[ins->a].tag != POLX_T_SET)
                    FAIL("the local is not a set");
                uint64_t *w = locals[ins->a].u.w;
                if (!set_holds_range(w, &v))
                    FAIL("not an integer of the set's range");
                uint64_t k = (uint64_t)v.u.i - w[0];
                w[2 + k / 64] |= (uint64_t)1 << (k % 64);
                VM_BREAK;
            }
            VM_CASE(SETCOUNT)
            {
                if (locals[ins->a].tag != POLX_T_SET)
                    FAIL("the local is not a set");
                *sp++ = polX_int(set_size(locals[ins->a].u.w));
                VM_BREAK;
            }
            VM_CASE(FORMAT)
            {
                sp -= ins->a;
                CHECK(join_text(ctx, pc - 1, sp, ins->a, &v));
                *sp++ = v;
                VM_BREAK;
            }
            VM_CASE(FINDING)
            {
                sp--;
                CHECK(add_finding(ctx, pc - 1, (uint32_t)ins->b, sp));
                VM_BREAK;
            }
            VM_CASE(FINDCOUNT)
            {
                *sp++ = polX_int(ins->a < POLX_FINDING_KINDS ? (int64_t)ctx->kind_count[ins->a] : 0);
                VM_BREAK;
            }
            VM_CASE(HALT)
            {
#if POLX_TRACED
                polX_trace_finish(ctx);
#endif
                return POL_OK;
            }
            /* ---- the loader's superinstructions (quicken.h): the first instruction of the sequence keeps its
             * operands, the others are read from the instructions after it, and pc ends past the sequence or
             * at the jump target. An error is reported at the address of the instruction that would have
             * failed, as the plain code reports it. */
            VM_QCASE(FIELD_TESTK)
            {
                pc++; /* at the TESTK's successor; FAIL reports the TESTK */
                TEST_AND_BRANCH(ins + 1, &ctx->fields[ins->b]);
                VM_BREAK;
            }
            VM_QCASE(ELEM_TESTK)
            {
                loop = &loops[ins->a];
                pc++;
                TEST_AND_BRANCH(ins + 1, &loop->rows[(size_t)loop->pos * loop->nfields + (uint32_t)ins->b]);
                VM_BREAK;
            }
            VM_QCASE(FIELD_SWITCH)
            {
                const polP_table *t = &p->tables[ins[1].b];
                const polX_value *f = &ctx->fields[ins->b];
                pc++;
                if (f->tag == POL_T_ENUM || f->tag == POL_T_INT)
                    pc = f->u.i >= 0 && (uint64_t)f->u.i < t->nentries ? t->entries[f->u.i] : t->dflt;
                else if (f->tag == POL_T_NULL)
                    pc = t->dflt;
                else
                    FAIL("not an enum value or an integer");
                VM_BREAK;
            }
            VM_QCASE(ROUTED_ATTR_OUTSET)
            {
                uint32_t attr = (uint32_t)ins[1].b, out = (uint32_t)ins[2].b;
                v = ctx->routed; /* null or an entity: only ROUTE sets it */
                pc++; /* past the ATTR, so that its error is reported at the ATTR */
                if (v.tag != POL_T_NULL) {
                    uint32_t e = (uint32_t)v.u.i;
                    if (attr >= prog->attr_base[e + 1] - prog->attr_base[e])
                        FAIL("the entity has no such attribute");
                    v = prog->attrs[prog->attr_base[e] + attr];
                }
                pc++;
                SET_OUTPUT(out, v);
                VM_BREAK;
            }
            VM_QCASE(LOAD_OUTSET)
            {
                if (locals[ins->a].tag == POLX_T_SET)
                    FAIL("the local holds a set, which only the set opcodes read");
                uint32_t out = (uint32_t)ins[1].b;
                pc++;
                SET_OUTPUT(out, locals[ins->a]);
                VM_BREAK;
            }
            VM_QCASE(LOOP_NEXT)
            {
                pc = (uint32_t)ins->b;
                ins = &p->code[pc++]; /* the NEXT, as the plain code has it */
                goto next_of_loop;
            }
            VM_BAD
            {
                FAIL("not an instruction");
            }
        }
    }
over_budget:
    return polX_fail(ctx, POL_ERR_LIMIT, -1, "evaluation: more than %u instructions",
                     prog->limits.max_instructions);
}

