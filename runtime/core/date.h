/* date.h: calendar arithmetic on dates stored as minutes since 1970-01-01 00:00 (proleptic Gregorian). */
#ifndef POL_DATE_H
#define POL_DATE_H

#include <stddef.h>
#include <stdint.h>

#define POLT_MINUTES_PER_DAY 1440

int64_t polT_days_from_civil(int year, int month, int day);
void polT_civil_from_days(int64_t days, int *year, int *month, int *day);
/* 1 when year-month-day is a real calendar day (years 1..9999) */
int polT_valid_day(int year, int month, int day);
/* Parse exactly YYYY-MM-DD or YYYY-MM-DDTHH:MM (a real day and time); 1 on success. */
int polT_parse(const char *text, size_t len, int64_t *minutes, int *has_time);
/* Write YYYY-MM-DD, or YYYY-MM-DDTHH:MM when has_time, NUL-terminated; returns the length (10 or 16).
 * buf must hold 24 bytes. */
int polT_format(int64_t minutes, int has_time, char *buf);
/* The date moved by whole years, keeping the time of day; 29 February becomes 28 February. */
int64_t polT_add_years(int64_t minutes, int64_t years);
/* Whole years from a to b: how many anniversaries of a fall on or before b (negative when b < a). */
int64_t polT_years_between(int64_t a, int64_t b);
int polT_year(int64_t minutes);

/* ---- a day's civil fields, packed: year << 9 | month << 5 | day, for the years 1..9999 ----
 * The VM keeps them beside the minutes of the dates it binds and computes with (value.h), so that YEAR,
 * YEARSBETWEEN, ADDYEARS and a date's text need no conversion from days. */
static inline uint32_t polT_civil_pack(int year, int month, int day)
{
    return (uint32_t)year << 9 | (uint32_t)month << 5 | (uint32_t)day;
}
static inline int polT_civil_year(uint32_t civil) { return (int)(civil >> 9); }
static inline int polT_civil_month(uint32_t civil) { return (int)(civil >> 5 & 15); }
static inline int polT_civil_day(uint32_t civil) { return (int)(civil & 31); }
/* 1 and the packed fields of the day of minutes when its year is 1..9999; else 0 */
int polT_civil_of(int64_t minutes, uint32_t *civil);
/* polT_parse, with the day's packed fields */
int polT_parse_civil(const char *text, size_t len, int64_t *minutes, int *has_time, uint32_t *civil);
/* polT_format of a date whose day has these fields (minute: of the day, or -1 for a date without a time) */
int polT_format_civil(uint32_t civil, int minute, char *buf);
/* polT_add_years for a date whose day has the fields *civil (years 1..9999); *civil becomes the result's */
int64_t polT_add_years_civil(int64_t minutes, uint32_t *civil, int64_t years);
/* polT_years_between of two days given by their fields */
int64_t polT_years_between_civil(uint32_t a, uint32_t b);

#endif
