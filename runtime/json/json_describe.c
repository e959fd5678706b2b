/* json_describe.c: a program described as JSON: its header facts and its record schema (pol_json.h), for the
 * service's /v1/policy and /v1/schema, the database functions' pol_policy_info and the Python package. */
#include "json_gen.h"

static void gen_hex(polJ_gen *w, const uint8_t *bytes, size_t n) {
    static const char digits[] = "0123456789abcdef";
    char text[2 * 32];
    if (bytes == NULL || n > 32) {
        polJ_gen_null(w);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        text[2 * i] = digits[bytes[i] >> 4];
        text[2 * i + 1] = digits[bytes[i] & 15];
    }
    polJ_gen_text(w, text, 2 * n);
}

pol_status pol_json_write_program_info(const pol_program *program, pol_json_buffer *out) {
    polJ_gen w;
    if (program == NULL || out == NULL) return POL_ERR_ARGUMENT;
    if (!polJ_gen_open(&w, out)) return POL_ERR_NOMEM;
    polJ_gen_map(&w, 1);
    polJ_gen_cstr(&w, "name");
    polJ_gen_cstr(&w, pol_program_name(program));
    polJ_gen_cstr(&w, "version");
    polJ_gen_cstr(&w, pol_program_policy_version(program));
    polJ_gen_cstr(&w, "digest");
    gen_hex(&w, pol_program_digest(program), 32);
    polJ_gen_cstr(&w, "source_sha256");
    gen_hex(&w, pol_program_source_sha256(program), 32);
    polJ_gen_cstr(&w, "compiler_version");
    polJ_gen_cstr(&w, pol_program_compiler_version(program));
    polJ_gen_cstr(&w, "format_version");
    polJ_gen_int(&w, pol_format_version());
    polJ_gen_map(&w, 0);
    return polJ_gen_close(&w);
}

static const char *type_name(pol_type t) {
    switch (t) {
    case POL_T_BOOL: return "bool";
    case POL_T_INT: return "int";
    case POL_T_NUMBER: return "number";
    case POL_T_DATE: return "date";
    case POL_T_STRING: return "string";
    case POL_T_ENUM: return "enum";
    case POL_T_ENTITY: return "entity";
    case POL_T_LIST: return "list";
    default: return "null";
    }
}

static void gen_fields(polJ_gen *w, const pol_program *program, int list_slot);

static void gen_field(polJ_gen *w, const pol_program *program, int slot) {
    pol_type type = pol_field_type(program, slot);
    pol_value def, min, max;
    polJ_gen_map(w, 1);
    polJ_gen_cstr(w, "name");
    polJ_gen_cstr(w, pol_field_name(program, slot));
    polJ_gen_cstr(w, "type");
    polJ_gen_cstr(w, type_name(type));
    polJ_gen_cstr(w, "required");
    polJ_gen_bool(w, pol_field_required(program, slot));
    polJ_gen_cstr(w, "default");
    if (type == POL_T_LIST) { /* a list left out is empty */
        polJ_gen_array(w, 1);
        polJ_gen_array(w, 0);
    } else if (pol_field_default(program, slot, &def) == POL_OK) {
        polJ_gen_value(w, &def);
    } else {
        polJ_gen_null(w);
    }
    if (type == POL_T_ENUM) {
        polJ_gen_cstr(w, "values");
        polJ_gen_array(w, 1);
        for (int i = 0, n = pol_field_enum_count(program, slot); i < n; i++)
            polJ_gen_cstr(w, pol_field_enum_value(program, slot, i));
        polJ_gen_array(w, 0);
    }
    if ((type == POL_T_INT || type == POL_T_NUMBER) && pol_field_bounds(program, slot, &min, &max) == POL_OK) {
        if (min.type != POL_T_NULL) {
            polJ_gen_cstr(w, "min");
            polJ_gen_value(w, &min);
        }
        if (max.type != POL_T_NULL) {
            polJ_gen_cstr(w, "max");
            polJ_gen_value(w, &max);
        }
    }
    if (type == POL_T_LIST) {
        polJ_gen_cstr(w, "fields");
        gen_fields(w, program, slot);
    }
    polJ_gen_map(w, 0);
}

/* The applicant's fields (list_slot -1) or a list's element fields, as an array */
static void gen_fields(polJ_gen *w, const pol_program *program, int list_slot) {
    int n = list_slot < 0 ? pol_field_count(program) : pol_element_count(program, list_slot);
    polJ_gen_array(w, 1);
    for (int i = 0; i < n; i++) gen_field(w, program, list_slot < 0 ? i : pol_element_slot_at(program, list_slot, i));
    polJ_gen_array(w, 0);
}

pol_status pol_json_write_schema(const pol_program *program, pol_json_buffer *out) {
    polJ_gen w;
    if (program == NULL || out == NULL) return POL_ERR_ARGUMENT;
    if (!polJ_gen_open(&w, out)) return POL_ERR_NOMEM;
    polJ_gen_map(&w, 1);
    polJ_gen_cstr(&w, "fields");
    gen_fields(&w, program, -1);
    polJ_gen_map(&w, 0);
    return polJ_gen_close(&w);
}
