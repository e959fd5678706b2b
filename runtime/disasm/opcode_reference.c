/* opcode_reference.c: doc/opcodes.md, the instruction-set reference, as Markdown from the opcode table
 * (polO_info, the operand kinds and the layout text of opcodes.h). */
#include "opcode_reference.h"

#include <ctype.h>
#include <string.h>

#include "opcodes.h"
#include "quicken.h"

/* Paragraphs are wrapped like the hand-written docs beside this one. */
enum { WRAP_COLUMNS = 110 };

/* The kinds' own names (CONST, FIELD, ...); polO_operand_kind_name holds their descriptions. */
static const char *const kind_id[POL_OPND__COUNT] = {
#define POL_X_KIND_ID(name, text) #name,
    POL_OPERAND_KINDS(POL_X_KIND_ID)
#undef POL_X_KIND_ID
};

/* Markdown would read | as a cell border, \ ` * _ as markup and < before a letter as an HTML tag. */
static int needs_escape(const char *s, size_t i)
{
    char c = s[i];
    if (c == '|' || c == '\\' || c == '`' || c == '*' || c == '_')
        return 1;
    return c == '<' && (isalpha((unsigned char)s[i + 1]) || s[i + 1] == '/' || s[i + 1] == '!' || s[i + 1] == '?');
}

/* Write s[0..n) as Markdown text; returns how many columns it took. out NULL only measures. */
static size_t put_text(FILE *out, const char *s, size_t n)
{
    size_t width = 0;
    for (size_t i = 0; i < n; i++) {
        if (needs_escape(s, i)) {
            if (out)
                fputc('\\', out);
            width++;
        }
        if (out)
            fputc(s[i], out);
        width++;
    }
    return width;
}

/* A paragraph of plain text, wrapped at word boundaries. */
static void put_paragraph(FILE *out, const char *s)
{
    size_t column = 0;
    while (*s) {
        while (*s == ' ')
            s++;
        size_t n = strcspn(s, " ");
        if (n == 0)
            break;
        size_t width = put_text(NULL, s, n);
        if (column > 0 && column + 1 + width > WRAP_COLUMNS) {
            fputc('\n', out);
            column = 0;
        } else if (column > 0) {
            fputc(' ', out);
            column++;
        }
        column += put_text(out, s, n);
        s += n;
    }
    fputs("\n\n", out);
}

/* An operand cell: the kind's name, or nothing when the opcode does not use the operand. */
static void put_operand(FILE *out, pol_operand_kind k)
{
    if (k == POL_OPND_NONE)
        fputs(" |", out);
    else
        fprintf(out, " `%s` |", kind_id[k]);
}

/* pops → pushes; a pops of -1 means "a" values (FORMAT's count). */
static void put_stack_effect(FILE *out, const pol_opcode_info *info)
{
    if (info->pops == -1)
        fputs(" a values", out);
    else
        fprintf(out, " %d", info->pops);
    fprintf(out, " → %d |", info->pushes);
}

static void put_layout(FILE *out)
{
    fputs("## Instruction layout\n\n"
          "An instruction is 8 bytes (bit offsets above the fields):\n\n"
          "```\n" POL_INSTRUCTION_LAYOUT "```\n\n",
          out);
    put_paragraph(out, POL_INSTRUCTION_NOTES);
}

static void put_operand_kinds(FILE *out)
{
    fputs("## Operand kinds\n\n"
          "What the verifier checks an operand against, and how the listing (`polc --dis`) resolves it.\n\n"
          "| kind | the operand is |\n"
          "|---|---|\n",
          out);
    for (int k = 0; k < POL_OPND__COUNT; k++) {
        if (k == POL_OPND_NONE)
            continue;
        fprintf(out, "| `%s` | ", kind_id[k]);
        put_text(out, polO_operand_kind_name[k], strlen(polO_operand_kind_name[k]));
        fputs(" |\n", out);
    }
    fputs("\n", out);
}

static void put_opcodes(FILE *out)
{
    fprintf(out,
            "## Opcodes\n\n"
            "The %d opcodes in the order of `POL_OPCODES`; the number is the op byte. An empty operand cell means\n"
            "the opcode does not use that operand (it must be 0). The stack effect is what the instruction pops and\n"
            "pushes.\n\n"
            "| # | opcode | a | b | c | stack (pops → pushes) | meaning |\n"
            "|---:|---|---|---|---|---|---|\n",
            (int)POL_OP__COUNT);
    for (int op = 0; op < POL_OP__COUNT; op++) {
        const pol_opcode_info *info = &polO_info[op];
        fprintf(out, "| %d | `%s` |", op, info->name);
        put_operand(out, info->a);
        put_operand(out, info->b);
        put_operand(out, info->c);
        put_stack_effect(out, info);
        fputc(' ', out);
        put_text(out, info->meaning, strlen(info->meaning));
        fputs(" |\n", out);
    }
}

/* The loader's superinstructions (runtime/vm/quicken.h): not in files, listed so that a reader of a profile or
 * of the interpreter knows them. */
static void put_superinstructions(FILE *out)
{
    fprintf(out,
            "\n## Superinstructions (made by the loader, never in a file)\n\n"
            "When libpol loads a verified program it copies the code and replaces the first instruction of each\n"
            "sequence below by a superinstruction that runs the whole sequence in one dispatch "
            "(`runtime/vm/quicken.h`).\n"
            "The other instructions stay in place, so addresses, jumps and the source map are unchanged and a\n"
            "jump into a sequence runs the plain instructions from there. Files, the verifier, `polc --dis`,\n"
            "traces (`polvm --explain`) and `poldiff` see only the %d opcodes above; a traced evaluation runs the\n"
            "plain code, and `make check` compares the two on every policy.\n\n"
            "| # | superinstruction | replaces | meaning |\n"
            "|---:|---|---|---|\n",
            (int)POL_OP__COUNT);
    for (int op = POL_OP__COUNT; op < POLX_QUICK__END; op++) {
        const polX_quick_info *info = &polX_quick_info_of[op - POL_OP__COUNT];
        fprintf(out, "| %d | `%s` | `%s` | ", op, info->name, info->sequence);
        put_text(out, info->meaning, strlen(info->meaning));
        fputs(" |\n", out);
    }
}

void polD_opcode_reference(FILE *out)
{
    fputs("# The pol instruction set\n\n"
          "This file is generated from `runtime/core/opcodes.h` by `make opcodes-doc` (which `make golden-update`\n"
          "also runs) and must not be edited by hand: `make check` fails when it differs from the table.\n\n",
          out);
    put_layout(out);
    put_operand_kinds(out);
    put_opcodes(out);
    put_superinstructions(out);
}
