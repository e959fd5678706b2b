/* embed.c: a minimal embedder of libpol: load the 2024 policy, bind records natively (no JSON), print decisions.
 *
 *     cc embed.c $(pkg-config --cflags --libs pol) -o embed && ./embed suzhou-2024.pbc
 *
 * The applicant records live in the embedder's own C structures; field names are resolved to slots once,
 * after loading, and each record is then bound by slot. Exit status: 0 every record was decided, 1 some record
 * could not be (its error is printed), 2 the program could not be loaded. */
#include <stdio.h>
#include <string.h>

#include <pol.h>

/* The embedder's own data: a continuing-education year and an applicant. */
typedef struct ce_year {
    int year;
    double hours;
} ce_year;

typedef struct paper {
    const char *title;
    int year, month, day;
    double similarity;
} paper;

typedef struct applicant {
    const char *id, *specialty, *level, *region, *submitted_by;
    int title_year, title_month, title_day;
    int self_assessment_uploaded;
    ce_year ce[6];
    size_t ce_count;
    paper papers[2];
    size_t paper_count;
} applicant;

static const applicant applicants[] = {
    {"E01", "电子信息", "高级", "吴中", "本人", 2017, 9, 1, 1,
     {{2019, 24}, {2020, 24}, {2021, 24}, {2022, 24}, {2023, 24}}, 5,
     {{"车规级芯片电磁兼容测试", 2024, 4, 30, 12.5}}, 1},
    {"E02", "交通", "高级", "姑苏", "本人", 2018, 3, 1, 0,
     {{2019, 24}, {2020, 24}, {2021, 24}, {2022, 24}}, 4,
     {{0}}, 0},
    {"E03", "机械", "高级", "工业园", "本人", 2018, 3, 1, 1, /* a region the policy does not know */
     {{2019, 24}}, 1, {{0}}, 0},
};

/* Slots, resolved once per loaded program. */
typedef struct slots {
    int id, specialty, level, region, submitted_by, current_title_date, self_assessment_uploaded;
    int ce, ce_year, ce_hours;
    int papers, paper_title, paper_date, paper_similarity;
} slots;

static int resolve(const pol_program *p, slots *s)
{
#define FIELD(name) pol_field_slot(p, name, strlen(name))
#define ELEMENT(list, name) pol_element_slot(p, list, name, strlen(name))
    s->id = FIELD("id");
    s->specialty = FIELD("specialty");
    s->level = FIELD("level");
    s->region = FIELD("region");
    s->submitted_by = FIELD("submitted_by");
    s->current_title_date = FIELD("current_title_date");
    s->self_assessment_uploaded = FIELD("self_assessment_uploaded");
    s->ce = FIELD("ce");
    s->ce_year = ELEMENT(s->ce, "year");
    s->ce_hours = ELEMENT(s->ce, "hours");
    s->papers = FIELD("papers");
    s->paper_title = ELEMENT(s->papers, "title");
    s->paper_date = ELEMENT(s->papers, "date");
    s->paper_similarity = ELEMENT(s->papers, "similarity");
#undef FIELD
#undef ELEMENT
    const int *all = &s->id;
    for (size_t i = 0; i < sizeof *s / sizeof(int); i++)
        if (all[i] < 0)
            return -1; /* not the policy this program was written for */
    return 0;
}

/* Stop at the first setter that fails; its message is in pol_context_error(). */
#define TRY(call)                                                                                              \
    do {                                                                                                       \
        pol_status status_ = (call);                                                                           \
        if (status_ != POL_OK)                                                                                 \
            return status_;                                                                                    \
    } while (0)

static pol_status bind(pol_context *ctx, const slots *s, const applicant *a)
{
    TRY(pol_set_string(ctx, s->id, a->id, strlen(a->id)));
    TRY(pol_set_enum(ctx, s->specialty, a->specialty, strlen(a->specialty)));
    TRY(pol_set_enum(ctx, s->level, a->level, strlen(a->level)));
    TRY(pol_set_enum(ctx, s->region, a->region, strlen(a->region)));
    TRY(pol_set_enum(ctx, s->submitted_by, a->submitted_by, strlen(a->submitted_by)));
    TRY(pol_set_date(ctx, s->current_title_date, a->title_year, a->title_month, a->title_day));
    TRY(pol_set_bool(ctx, s->self_assessment_uploaded, a->self_assessment_uploaded));
    for (size_t i = 0; i < a->ce_count; i++) {
        TRY(pol_list_append(ctx, s->ce, NULL)); /* element slots now write into this element */
        TRY(pol_set_int(ctx, s->ce_year, a->ce[i].year));
        TRY(pol_set_number(ctx, s->ce_hours, a->ce[i].hours));
    }
    for (size_t i = 0; i < a->paper_count; i++) {
        const paper *pp = &a->papers[i];
        TRY(pol_list_append(ctx, s->papers, NULL));
        TRY(pol_set_string(ctx, s->paper_title, pp->title, strlen(pp->title)));
        TRY(pol_set_date(ctx, s->paper_date, pp->year, pp->month, pp->day));
        TRY(pol_set_number(ctx, s->paper_similarity, pp->similarity));
    }
    return POL_OK;
}

static void print_value(const pol_value *v)
{
    switch (v->type) {
    case POL_T_NULL: printf("null"); break;
    case POL_T_BOOL: printf("%s", v->boolean ? "true" : "false"); break;
    case POL_T_INT: printf("%lld", (long long)v->integer); break;
    case POL_T_NUMBER: printf("%g", v->number); break;
    case POL_T_DATE:
        printf("%04d-%02d-%02d", v->year, v->month, v->day);
        if (v->minute >= 0)
            printf("T%02d:%02d", v->minute / 60, v->minute % 60);
        break;
    default: printf("%.*s", (int)v->length, v->string); break; /* string, enum, entity */
    }
}

static void print_decision(const pol_program *p, const pol_context *ctx)
{
    for (int i = 0; i < pol_output_count(p); i++) {
        pol_value v;
        if (pol_output(ctx, i, &v) != POL_OK)
            continue;
        printf("  %s = ", pol_output_name(p, i));
        print_value(&v);
        putchar('\n');
    }
    for (size_t i = 0; i < pol_finding_count(ctx); i++) {
        pol_finding f;
        if (pol_finding_get(ctx, i, &f) == POL_OK)
            printf("  finding %s %s: %s\n", pol_finding_kind_name(f.kind), f.clause, f.message);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: embed FILE.pbc\n");
        return 2;
    }
    printf("libpol %s (header %s), bytecode format %d\n", pol_version(), POL_VERSION_STRING,
           pol_format_version());

    char reason[256];
    pol_program *program = NULL;
    pol_status s = pol_program_load_file(argv[1], NULL, &program, reason, sizeof reason);
    if (s != POL_OK) {
        fprintf(stderr, "embed: %s: %s: %s\n", argv[1], pol_status_name(s), reason);
        return 2;
    }
    printf("policy %s %s\n", pol_program_name(program), pol_program_policy_version(program));

    slots sl;
    pol_context *ctx = NULL;
    if (resolve(program, &sl) != 0 || pol_context_new(program, &ctx) != POL_OK) {
        fprintf(stderr, "embed: %s is not the 2024 policy, or out of memory\n", argv[1]);
        pol_program_free(program);
        return 2;
    }

    int failed = 0;
    for (size_t i = 0; i < sizeof applicants / sizeof applicants[0]; i++) {
        pol_context_reset(ctx); /* one context, reused record after record */
        s = bind(ctx, &sl, &applicants[i]);
        if (s == POL_OK)
            s = pol_evaluate(ctx);
        printf("%s:\n", applicants[i].id);
        if (s != POL_OK) {
            printf("  %s: %s\n", pol_status_name(s), pol_context_error(ctx));
            failed = 1;
            continue;
        }
        print_decision(program, ctx);
    }
    pol_context_free(ctx);
    pol_program_free(program);
    return failed;
}
