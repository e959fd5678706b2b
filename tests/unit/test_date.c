/* test_date.c: calendar arithmetic (runtime/core/date.c) against a calendar walked one day at a time, over
 * every day the language allows (years 1..9999), and the edge cases the notice's rules meet: 29 February,
 * anniversaries, times of day, dates before 1970. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "date.h"

#define M(days) ((int64_t)(days) * POLT_MINUTES_PER_DAY)

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

static int64_t days_of(int y, int m, int d) { return polT_days_from_civil(y, m, d); }

/* Every day from 0001-01-01 to 9999-12-31, in order: consecutive day numbers, 1970-01-01 is day 0, and
 * civil_from_days gives the day back. */
static void test_every_day_round_trips(void **state)
{
    (void)state;
    int64_t expect = polT_days_from_civil(1, 1, 1);
    assert_int_equal(polT_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(expect, -719162); /* 1969 years of 365 days and 477 leap days before 1970 */
    int64_t checked = 0;
    for (int y = 1; y <= 9999; y++)
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= month_days(y, m); d++) {
                int64_t n = polT_days_from_civil(y, m, d);
                if (n != expect)
                    fail_msg("%04d-%02d-%02d is day %lld, expected %lld", y, m, d, (long long)n, (long long)expect);
                int cy, cm, cd;
                polT_civil_from_days(n, &cy, &cm, &cd);
                if (cy != y || cm != m || cd != d)
                    fail_msg("day %lld is %04d-%02d-%02d, expected %04d-%02d-%02d", (long long)n, cy, cm, cd, y, m,
                             d);
                if (polT_year(M(n) + 1439) != y || polT_year(M(n)) != y)
                    fail_msg("polT_year of %04d-%02d-%02d is %d", y, m, d, polT_year(M(n)));
                expect++;
                checked++;
            }
    assert_int_equal(checked, 3652059); /* days in 9999 years of the Gregorian calendar */
    /* just outside them (no date a program holds, but the conversion is total): the proleptic calendar goes on */
    int cy, cm, cd;
    polT_civil_from_days(-719163, &cy, &cm, &cd);
    assert_true(cy == 0 && cm == 12 && cd == 31);
    polT_civil_from_days(2932897, &cy, &cm, &cd);
    assert_true(cy == 10000 && cm == 1 && cd == 1);
    polT_civil_from_days(-719468 - 1, &cy, &cm, &cd); /* before the algorithm's own epoch, 0000-03-01 */
    assert_true(cy == 0 && cm == 2 && cd == 29);
}

static void test_valid_days(void **state)
{
    (void)state;
    assert_true(polT_valid_day(2024, 2, 29));
    assert_false(polT_valid_day(2023, 2, 29));
    assert_false(polT_valid_day(1900, 2, 29)); /* a century, not a leap year */
    assert_true(polT_valid_day(2000, 2, 29));  /* divisible by 400 */
    assert_false(polT_valid_day(2024, 4, 31));
    assert_false(polT_valid_day(2024, 13, 1));
    assert_false(polT_valid_day(2024, 0, 1));
    assert_false(polT_valid_day(2024, 1, 0));
    assert_false(polT_valid_day(0, 1, 1));
    assert_false(polT_valid_day(10000, 1, 1));
    assert_true(polT_valid_day(1, 1, 1));
    assert_true(polT_valid_day(9999, 12, 31));
}

static void test_parse_and_format(void **state)
{
    (void)state;
    static const char *const good[] = {"2024-06-30",       "0001-01-01",       "9999-12-31",      "1969-12-31",
                                       "2024-02-29T17:00", "1970-01-01T00:00", "1950-07-15T23:59"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        int64_t minutes;
        int has_time;
        char buf[24];
        assert_true(polT_parse(good[i], strlen(good[i]), &minutes, &has_time));
        assert_int_equal(has_time, strlen(good[i]) == 16);
        assert_int_equal(polT_format(minutes, has_time, buf), (int)strlen(good[i]));
        assert_string_equal(buf, good[i]);
    }
    int64_t minutes;
    int has_time;
    assert_true(polT_parse("1969-12-31T23:59", 16, &minutes, &has_time));
    assert_int_equal(minutes, -1); /* one minute before the epoch */
    static const char *const bad[] = {"2023-02-29", "2024-4-01",        "2024-04-1",        "2024/04/01",
                                      "0000-01-01", "2024-04-01T24:00", "2024-04-01T12:60", "2024-04-01 12:00",
                                      "2024-04-01T", "24-04-01",        "2024-04-01x",      "+024-04-01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (polT_parse(bad[i], strlen(bad[i]), &minutes, &has_time))
            fail_msg("'%s' parsed", bad[i]);
}

/* whole years: an anniversary counts on its day, not the day before; 29 February's anniversary in a common
 * year is 1 March (it has not been reached on 28 February) */
static void test_years_between(void **state)
{
    (void)state;
    static const struct {
        int ay, am, ad, by, bm, bd;
        int64_t years;
    } cases[] = {
        {2019, 6, 30, 2024, 6, 30, 5},  {2019, 6, 30, 2024, 6, 29, 4},  {2019, 6, 30, 2024, 7, 1, 5},
        {2024, 6, 30, 2019, 6, 30, -5}, {2024, 6, 30, 2019, 7, 1, -4},  {2024, 6, 30, 2019, 6, 29, -5},
        {2020, 2, 29, 2021, 2, 28, 0},  {2020, 2, 29, 2021, 3, 1, 1},   {2020, 2, 29, 2024, 2, 29, 4},
        {2024, 1, 1, 2024, 12, 31, 0},  {1950, 3, 15, 2024, 3, 15, 74}, {1, 1, 1, 9999, 12, 31, 9998},
        {2024, 5, 5, 2024, 5, 5, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t a = M(days_of(cases[i].ay, cases[i].am, cases[i].ad));
        int64_t b = M(days_of(cases[i].by, cases[i].bm, cases[i].bd));
        int64_t got = polT_years_between(a, b);
        if (got != cases[i].years)
            fail_msg("years from %04d-%02d-%02d to %04d-%02d-%02d: %lld, expected %lld", cases[i].ay, cases[i].am,
                     cases[i].ad, cases[i].by, cases[i].bm, cases[i].bd, (long long)got, (long long)cases[i].years);
        /* the time of day does not move an anniversary */
        assert_int_equal(polT_years_between(a + 1439, b), cases[i].years);
        assert_int_equal(polT_years_between(a, b + 1439), cases[i].years);
    }
}

static void test_add_years(void **state)
{
    (void)state;
    assert_int_equal(polT_add_years(M(days_of(2019, 6, 30)), 5), M(days_of(2024, 6, 30)));
    assert_int_equal(polT_add_years(M(days_of(2024, 2, 29)), 1), M(days_of(2025, 2, 28)));
    assert_int_equal(polT_add_years(M(days_of(2024, 2, 29)), 4), M(days_of(2028, 2, 29)));
    assert_int_equal(polT_add_years(M(days_of(2024, 2, 29)), -4), M(days_of(2020, 2, 29)));
    assert_int_equal(polT_add_years(M(days_of(1969, 12, 31)) + 17 * 60, 1), M(days_of(1970, 12, 31)) + 17 * 60);
    /* the years stay within 1..9999 */
    assert_int_equal(polT_add_years(M(days_of(9990, 5, 1)), 100), M(days_of(9999, 5, 1)));
    assert_int_equal(polT_add_years(M(days_of(10, 5, 1)), -100), M(days_of(1, 5, 1)));
}

/* The civil-field forms the VM uses for the dates it binds (polT_*_civil) give what the minute forms give, on
 * every day of the years 1..9999 (a stride of days for the pairs, with times of day): the packing round-trips,
 * the text, the years moved, and the years between. */
static void test_civil_fields_agree_with_minutes(void **state)
{
    (void)state;
    char a[24], b[24];
    int64_t first = polT_days_from_civil(1, 1, 1), last = polT_days_from_civil(9999, 12, 31);
    static const int64_t moves[] = {-10000, -9999, -5, -1, 0, 1, 4, 100, 9998, 10000};
    for (int64_t n = first; n <= last; n++) {
        int y, m, d;
        polT_civil_from_days(n, &y, &m, &d);
        uint32_t civil;
        int64_t minutes = M(n) + (n % 7 == 0 ? 17 * 60 + 5 : 0);
        if (!polT_civil_of(minutes, &civil))
            fail_msg("day %lld has no fields", (long long)n);
        if (polT_civil_year(civil) != y || polT_civil_month(civil) != m || polT_civil_day(civil) != d ||
            civil != polT_civil_pack(y, m, d))
            fail_msg("the fields of %04d-%02d-%02d do not round-trip", y, m, d);
        int minute = n % 7 == 0 ? 17 * 60 + 5 : -1;
        polT_format(minutes, minute >= 0, a);
        polT_format_civil(civil, minute, b);
        if (strcmp(a, b) != 0)
            fail_msg("%s formatted from its fields is %s", a, b);
        if (n % 97 != 0)
            continue;
        for (size_t k = 0; k < sizeof moves / sizeof moves[0]; k++) {
            uint32_t moved = civil;
            int64_t want = polT_add_years(minutes, moves[k]), got = polT_add_years_civil(minutes, &moved, moves[k]);
            uint32_t want_civil;
            assert_true(polT_civil_of(want, &want_civil));
            if (got != want || moved != want_civil)
                fail_msg("%s plus %lld years: %lld, not %lld", a, (long long)moves[k], (long long)got,
                         (long long)want);
        }
        int64_t span = last - first + 1, other = first + ((n * 7919) % span + span) % span;
        uint32_t other_civil;
        assert_true(polT_civil_of(M(other), &other_civil));
        if (polT_years_between_civil(civil, other_civil) != polT_years_between(minutes, M(other)) ||
            polT_years_between_civil(other_civil, civil) != polT_years_between(M(other), minutes))
            fail_msg("years between %s and day %lld differ", a, (long long)other);
    }
    /* outside 1..9999 a day has no fields, and the VM keeps the minutes alone */
    uint32_t civil;
    assert_false(polT_civil_of(M(first - 1), &civil));
    assert_false(polT_civil_of(M(last + 1), &civil));
    /* parsing gives the fields of the day it parses */
    int64_t minutes;
    int has_time;
    assert_true(polT_parse_civil("2024-02-29", 10, &minutes, &has_time, &civil));
    assert_int_equal(civil, polT_civil_pack(2024, 2, 29));
    assert_int_equal(minutes, M(polT_days_from_civil(2024, 2, 29)));
    assert_false(polT_parse_civil("2023-02-29", 10, &minutes, &has_time, &civil));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_day_round_trips), cmocka_unit_test(test_valid_days),
        cmocka_unit_test(test_parse_and_format),      cmocka_unit_test(test_years_between),
        cmocka_unit_test(test_add_years),             cmocka_unit_test(test_civil_fields_agree_with_minutes),
    };
    return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
