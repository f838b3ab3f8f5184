/*
 * date.h -- dates as news sites print them, parsed to ISO 8601.
 *
 * Accepted: ISO 8601 dates and date-times ("2021-12-07",
 * "2021-12-07T15:00:00Z", "2021-12-07 15:00:00+03:00"), RFC 2822
 * ("Tue, 07 Dec 2021 15:00:00 GMT"), and the forms news pages print:
 * "8 Dec, 2021 11:53", "November 19th 2021", "Dec. 7, 2021",
 * "7 December 2021", "13:56 IST, November 19th 2021",
 * "Published 13:56 IST, November 19th 2021", "December 7, 2021 at 3:00 PM".
 * Month names are English, full or abbreviated, any case.  Zone
 * abbreviations known to news (GMT, UTC, Z, IST, MSK, CET, CEST, EST, EDT,
 * PST, PDT, BST, ...) and numeric offsets become offsets in the output.
 */
#ifndef LEDE_DATE_H
#define LEDE_DATE_H

#include <stddef.h>

/* How much of a point in time a parsed date gives. */
typedef enum LedeDatePrecision {
  LEDE_DATE_NONE = 0,   /* not a date */
  LEDE_DATE_YEAR,       /* "2021" */
  LEDE_DATE_MONTH,      /* "2021-12" */
  LEDE_DATE_DAY,        /* "2021-12-07" */
  LEDE_DATE_MINUTE,     /* "2021-12-07T15:00" with zone when known */
  LEDE_DATE_SECOND      /* "2021-12-07T15:00:00" with zone when known */
} LedeDatePrecision;

#define LEDE_ISO_MAX 32

/*
 * Parse the n bytes at s (leading and trailing space and punctuation are
 * ignored) into iso, NUL-terminated: "YYYY", "YYYY-MM", "YYYY-MM-DD",
 * "YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM]".  Returns the precision, or
 * LEDE_DATE_NONE (iso set to "") when the text is not a date it knows.
 * Impossible dates (2021-02-30, month 13) are LEDE_DATE_NONE.
 */
LedeDatePrecision lede_date_parse(const char *s, size_t n,
                                  char iso[LEDE_ISO_MAX]);

#endif
