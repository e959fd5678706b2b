/* opcodes.h: the one definition of the pol instruction set; everything else is generated from this table,
 * doc/opcodes.md included (make opcodes-doc).
 *
 * An instruction is 8 bytes, laid out as POL_INSTRUCTION_LAYOUT draws it; POL_INSTRUCTION_NOTES says what
 * the operands are and how the machine runs. Both are text rather than a comment because they open
 * doc/opcodes.md.
 *
 * POL_OPCODES(X) calls X(name, operand a, operand b, operand c, pops, pushes, meaning) once per opcode.
 * Operand kinds say what the verifier checks and how the listing resolves the operand. A pops value of -1
 * means "a" values (FORMAT). JUMPNN keeps its value when it jumps and pops it when it falls through.
 */
#ifndef POL_OPCODES_H
#define POL_OPCODES_H

#define POL_INSTRUCTION_LAYOUT                                                                                 \
    "0        8        16                32                                63\n"                               \
    "+--------+--------+-----------------+----------------------------------+\n"                               \
    "|   op   |   a    |        c        |                b                 |\n"                               \
    "+--------+--------+-----------------+----------------------------------+\n"

#define POL_INSTRUCTION_NOTES                                                                                  \
    "a is a small operand (a local, a kind, a count); b is a 32-bit operand (a constant, a field, a jump "     \
    "target, a rule, ...); c is a 16-bit operand, 0 except in TESTK, the fused test that also needs a "        \
    "constant. The machine is a stack machine: each instruction pops its inputs and pushes its result. Each "  \
    "evaluation runs the code once from address 0 to HALT. Jumps go forward only, except LOOP, which goes "    \
    "back to the NEXT of a loop over a list or a range fixed when the loop began: every program terminates."

/* operand kinds */
#define POL_OPERAND_KINDS(X)                                                                                   \
    X(NONE, "")                                                                                                \
    X(CONST, "constant")                                                                                       \
    X(FIELD, "record field")                                                                                   \
    X(ELEMFIELD, "element field")                                                                              \
    X(LOCAL, "local")                                                                                          \
    X(OUTPUT, "output")                                                                                        \
    X(RULE, "rule")                                                                                            \
    X(ATTR, "attribute")                                                                                       \
    X(JUMP, "jump target")                                                                                     \
    X(TABLE, "jump table")                                                                                     \
    X(SET, "enum set")                                                                                         \
    X(KIND, "finding kind")                                                                                    \
    X(COUNT, "count")                                                                                          \
    X(MINUTE, "minute of day")                                                                                 \
    X(LISTFIELD, "list field")                                                                                 \
    X(TEST, "comparison")

#define POL_OPCODES(X)                                                                                         \
    X(NOP, NONE, NONE, NONE, 0, 0, "do nothing")                                                                   \
    X(CONST, NONE, CONST, NONE, 0, 1, "push constant b")                                                           \
    X(FIELD, NONE, FIELD, NONE, 0, 1, "push record field b (its default when absent)")                             \
    X(ELEM, LOCAL, ELEMFIELD, NONE, 0, 1, "push field b of the current element of list loop a")                    \
    X(ITEM, LOCAL, NONE, NONE, 0, 1, "push the current integer of range loop a")                                   \
    X(LOAD, LOCAL, NONE, NONE, 0, 1, "push local a")                                                               \
    X(STORE, LOCAL, NONE, NONE, 1, 0, "pop into local a")                                                          \
    X(OUTGET, NONE, OUTPUT, NONE, 0, 1, "push output b")                                                           \
    X(OUTSET, NONE, OUTPUT, NONE, 1, 0, "pop into output b")                                                       \
    X(ROUTED, NONE, NONE, NONE, 0, 1, "push the entity the routes chose, or null")                                 \
    X(ROUTE, NONE, RULE, NONE, 0, 0, "route rule b fires: its target becomes the routed entity")                   \
    X(ATTR, NONE, ATTR, NONE, 1, 1, "pop an entity, push its attribute b (null stays null)")                       \
    X(NOT, NONE, NONE, NONE, 1, 1, "logical not (null stays null)")                                                \
    X(NEG, NONE, NONE, NONE, 1, 1, "negate a number (null stays null)")                                            \
    X(ADD, NONE, NONE, NONE, 2, 1, "add two numbers (null if either is null)")                                     \
    X(SUB, NONE, NONE, NONE, 2, 1, "subtract two numbers (null if either is null)")                                \
    X(MUL, NONE, NONE, NONE, 2, 1, "multiply two numbers (null if either is null)")                                \
    X(DIV, NONE, NONE, NONE, 2, 1, "divide two numbers (null if either is null or the divisor is 0)")              \
    X(EQ, NONE, NONE, NONE, 2, 1, "equal (null equals only null)")                                                 \
    X(NE, NONE, NONE, NONE, 2, 1, "not equal (null equals only null)")                                             \
    X(LT, NONE, NONE, NONE, 2, 1, "less than (false if either is null)")                                           \
    X(LE, NONE, NONE, NONE, 2, 1, "less or equal (false if either is null)")                                       \
    X(GT, NONE, NONE, NONE, 2, 1, "greater than (false if either is null)")                                        \
    X(GE, NONE, NONE, NONE, 2, 1, "greater or equal (false if either is null)")                                    \
    X(MIN, NONE, NONE, NONE, 2, 1, "the smaller of two numbers")                                                   \
    X(MAX, NONE, NONE, NONE, 2, 1, "the larger of two numbers")                                                    \
    X(ADDYEARS, NONE, NONE, NONE, 2, 1, "date plus whole years (29 Feb becomes 28 Feb)")                           \
    X(AT, NONE, MINUTE, NONE, 1, 1, "pop a date, push it at minute b of that day")                                 \
    X(YEAR, NONE, NONE, NONE, 1, 1, "the year of a date")                                                          \
    X(YEARSBETWEEN, NONE, NONE, NONE, 2, 1, "whole years from the first date to the second (negative if before)")  \
    X(INSET, NONE, SET, NONE, 1, 1, "pop an enum value, push whether it is in set b")                              \
    X(ISNULL, NONE, NONE, NONE, 1, 1, "push whether the value is null")                                            \
    X(JUMP, NONE, JUMP, NONE, 0, 0, "jump to b")                                                                   \
    X(JUMPF, NONE, JUMP, NONE, 1, 0, "pop; jump to b if false or null")                                            \
    X(JUMPT, NONE, JUMP, NONE, 1, 0, "pop; jump to b if true")                                                     \
    X(TESTK, TEST, JUMP, CONST, 1, 0,                                                                          \
      "pop x; compare x with constant c by a (0..5: == != < <= > >=); jump to b if that is false, or if it "  \
      "is true when a has +8")                                                                               \
    X(JUMPNN, NONE, JUMP, NONE, 1, 1, "if the top is not null jump to b keeping it, else pop it")                  \
    X(SWITCH, NONE, TABLE, NONE, 1, 0, "pop an enum value or integer, jump where table b says")                    \
    X(ITERLIST, LOCAL, LISTFIELD, NONE, 0, 0, "start loop a over the elements of list field b")                    \
    X(ITERRANGE, LOCAL, NONE, NONE, 2, 0, "pop hi and lo, start loop a over the integers lo..hi")                  \
    X(NEXT, LOCAL, JUMP, NONE, 0, 0, "advance loop a; when it is done jump to b")                                  \
    X(LOOP, NONE, JUMP, NONE, 0, 0, "jump back to the NEXT at b")                                                  \
    X(LISTLEN, NONE, LISTFIELD, NONE, 0, 1, "push how many elements list field b holds")                        \
    X(RANGELEN, NONE, NONE, NONE, 2, 1, "pop hi and lo, push how many integers lo..hi holds (0 if either is null)")\
    X(SETNEW, LOCAL, NONE, NONE, 2, 0, "pop hi and lo; local a becomes an empty set of the integers lo..hi")       \
    X(SETIN, LOCAL, NONE, NONE, 1, 1, "pop a value, push whether it is an integer in local a's range lo..hi")      \
    X(SETADD, LOCAL, NONE, NONE, 1, 0, "pop an integer of local a's range and add it to that set")                 \
    X(SETCOUNT, LOCAL, NONE, NONE, 0, 1, "push how many integers the set in local a holds")                        \
    X(FORMAT, COUNT, NONE, NONE, -1, 1, "pop a values, push their text joined")                                    \
    X(FINDING, NONE, RULE, NONE, 1, 0, "pop a message; finding rule b fires with it")                              \
    X(FINDCOUNT, KIND, NONE, NONE, 0, 1, "push the number of findings of kind a so far")                           \
    X(HALT, NONE, NONE, NONE, 0, 0, "end of the evaluation")

typedef enum pol_operand_kind {
#define POL_X_OPERAND(name, text) POL_OPND_##name,
    POL_OPERAND_KINDS(POL_X_OPERAND)
#undef POL_X_OPERAND
        POL_OPND__COUNT
} pol_operand_kind;

typedef enum pol_opcode {
#define POL_X_OPCODE(name, a, b, c, pops, pushes, meaning) POL_OP_##name,
    POL_OPCODES(POL_X_OPCODE)
#undef POL_X_OPCODE
        POL_OP__COUNT
} pol_opcode;

/* Per-opcode facts generated from the table (defined in opcodes.c). */
typedef struct pol_opcode_info {
    const char *name;
    pol_operand_kind a, b, c;
    int pops, pushes;
    const char *meaning;
} pol_opcode_info;

extern const pol_opcode_info polO_info[POL_OP__COUNT];
extern const char *const polO_operand_kind_name[POL_OPND__COUNT];

#endif
