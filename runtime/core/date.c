/* date.c: civil-calendar conversions (days from/to year-month-day) and the date operations of the language. */
#include "date.h"

/* Floor division, so dates before 1970 convert correctly too. */
static int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

/* The era-based algorithm: 400-year eras of 146097 days. */
int64_t polT_days_from_civil(int year, int month, int day)
{
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t mp = (month + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Days from 0000-03-01 (the algorithm's epoch) of 0001-01-01 and of 9999-12-31 */
#define FIRST_DAY 306u
#define LAST_DAY 3652364u

void polT_civil_from_days(int64_t days, int *year, int *month, int *day)
{
    int64_t z = days + 719468;
    if (z >= FIRST_DAY && z <= LAST_DAY) {
        /* the years 1..9999, every day a program can hold: the same steps on unsigned 32-bit numbers, whose
         * divisions by constants are cheaper (YEAR and YEARSBETWEEN run this per evaluation) */
        uint32_t u = (uint32_t)z, era = u / 146097, doe = u - era * 146097;
        uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        uint32_t mp = (5 * doy + 2) / 153;
        uint32_t m = mp < 10 ? mp + 3 : mp - 9;
        *day = (int)(doy - (153 * mp + 2) / 5 + 1);
        *month = (int)m;
        *year = (int)(yoe + era * 400 + (m <= 2));
        return;
    }
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = (int)(yoe + era * 400 + (m <= 2));
    *month = m;
    *day = d;
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

int polT_valid_day(int year, int month, int day)
{
    return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

int polT_parse_civil(const char *s, size_t len, int64_t *minutes, int *has_time, uint32_t *civil)
{
    int y, m, d, hh = 0, mm = 0;
    if (len != 10 && len != 16)
        return 0;
    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' || !digits(s + 8, 2, &d))
        return 0;
    if (!polT_valid_day(y, m, d))
        return 0;
    if (len == 16) {
        if (s[10] != 'T' || !digits(s + 11, 2, &hh) || s[13] != ':' || !digits(s + 14, 2, &mm) || hh > 23 ||
            mm > 59)
            return 0;
    }
    *minutes = polT_days_from_civil(y, m, d) * POLT_MINUTES_PER_DAY + hh * 60 + mm;
    *has_time = len == 16;
    *civil = polT_civil_pack(y, m, d);
    return 1;
}

int polT_parse(const char *s, size_t len, int64_t *minutes, int *has_time)
{
    uint32_t civil;
    return polT_parse_civil(s, len, minutes, has_time, &civil);
}

int polT_civil_of(int64_t minutes, uint32_t *civil)
{
    int y, m, d;
    polT_civil_from_days(floor_div(minutes, POLT_MINUTES_PER_DAY), &y, &m, &d);
    if (y < 1 || y > 9999)
        return 0;
    *civil = polT_civil_pack(y, m, d);
    return 1;
}

static void put_two_digits(char *at, int n)
{
    at[0] = (char)('0' + n / 10);
    at[1] = (char)('0' + n % 10);
}

/* fixed-width fields, written digit by digit so no format truncation can occur; minute -1: no time */
static int format_fields(int y, int m, int d, int minute, char *buf)
{
    if (y < 0)
        y = 0;
    if (y > 9999)
        y = 9999;
    for (int w = 3; w >= 0; w--, y /= 10)
        buf[w] = (char)('0' + y % 10);
    buf[4] = '-';
    put_two_digits(buf + 5, m);
    buf[7] = '-';
    put_two_digits(buf + 8, d);
    if (minute < 0) {
        buf[10] = '\0';
        return 10;
    }
    buf[10] = 'T';
    put_two_digits(buf + 11, minute / 60);
    buf[13] = ':';
    put_two_digits(buf + 14, minute % 60);
    buf[16] = '\0';
    return 16;
}

int polT_format(int64_t minutes, int has_time, char *buf)
{
    int y, m, d;
    int64_t days = floor_div(minutes, POLT_MINUTES_PER_DAY);
    int minute = (int)(minutes - days * POLT_MINUTES_PER_DAY);
    polT_civil_from_days(days, &y, &m, &d);
    return format_fields(y, m, d, has_time ? minute : -1, buf);
}

int polT_format_civil(uint32_t civil, int minute, char *buf)
{
    return format_fields(polT_civil_year(civil), polT_civil_month(civil), polT_civil_day(civil), minute, buf);
}

/* y-m-d moved by whole years, clamped to 1..9999; 29 February becomes 28 February where there is none */
static void move_years(int *y, int m, int *d, int64_t years)
{
    int64_t ny = (int64_t)*y + years;
    if (ny < 1)
        ny = 1;
    if (ny > 9999)
        ny = 9999;
    if (m == 2 && *d == 29 && !is_leap((int)ny))
        *d = 28;
    *y = (int)ny;
}

int64_t polT_add_years(int64_t minutes, int64_t years)
{
    int y, m, d;
    int64_t days = floor_div(minutes, POLT_MINUTES_PER_DAY);
    int64_t minute = minutes - days * POLT_MINUTES_PER_DAY;
    polT_civil_from_days(days, &y, &m, &d);
    move_years(&y, m, &d, years);
    return polT_days_from_civil(y, m, d) * POLT_MINUTES_PER_DAY + minute;
}

int64_t polT_add_years_civil(int64_t minutes, uint32_t *civil, int64_t years)
{
    int y = polT_civil_year(*civil), m = polT_civil_month(*civil), d = polT_civil_day(*civil);
    int64_t minute = minutes - floor_div(minutes, POLT_MINUTES_PER_DAY) * POLT_MINUTES_PER_DAY;
    move_years(&y, m, &d, years);
    *civil = polT_civil_pack(y, m, d);
    return polT_days_from_civil(y, m, d) * POLT_MINUTES_PER_DAY + minute;
}

/* whole years from ay-am-ad to by-bm-bd: an anniversary not yet reached in b's year does not count */
static int64_t years_from_to(int ay, int am, int ad, int by, int bm, int bd)
{
    int64_t years = (int64_t)by - ay;
    if (years > 0 && (bm < am || (bm == am && bd < ad)))
        years--;
    else if (years < 0 && (bm > am || (bm == am && bd > ad)))
        years++;
    return years;
}

int64_t polT_years_between(int64_t a, int64_t b)
{
    int ay, am, ad, by, bm, bd;
    polT_civil_from_days(floor_div(a, POLT_MINUTES_PER_DAY), &ay, &am, &ad);
    polT_civil_from_days(floor_div(b, POLT_MINUTES_PER_DAY), &by, &bm, &bd);
    return years_from_to(ay, am, ad, by, bm, bd);
}

int64_t polT_years_between_civil(uint32_t a, uint32_t b)
{
    return years_from_to(polT_civil_year(a), polT_civil_month(a), polT_civil_day(a), polT_civil_year(b),
                         polT_civil_month(b), polT_civil_day(b));
}

int polT_year(int64_t minutes)
{
    int y, m, d;
    polT_civil_from_days(floor_div(minutes, POLT_MINUTES_PER_DAY), &y, &m, &d);
    return y;
}
