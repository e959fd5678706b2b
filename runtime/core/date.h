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

#endif
