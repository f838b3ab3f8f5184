/*
 * test_date.c -- lede_date_parse on the forms news sites print, and on
 * text that only looks like a date.
 */
#include "lede_int.h"
#include "tap.h"

static const struct { const char *in, *iso; int prec; } cases[] = {
  {"2021-12-07", "2021-12-07", LEDE_DATE_DAY},
  {"2021-12-07T15:00:00Z", "2021-12-07T15:00:00Z", LEDE_DATE_SECOND},
  {"2021-12-07T15:00:00.123Z", "2021-12-07T15:00:00Z", LEDE_DATE_SECOND},
  {"2021-12-07 15:00", "2021-12-07T15:00", LEDE_DATE_MINUTE},
  {"2021-12-07T15:00:00+03:00", "2021-12-07T15:00:00+03:00", LEDE_DATE_SECOND},
  {"2021-12-07T15:00-0500", "2021-12-07T15:00-05:00", LEDE_DATE_MINUTE},
  {"2021/12/07", "2021-12-07", LEDE_DATE_DAY},
  {"Tue, 07 Dec 2021 15:00:00 GMT", "2021-12-07T15:00:00Z", LEDE_DATE_SECOND},
  {"Tue, 07 Dec 2021 15:00:00 +0300", "2021-12-07T15:00:00+03:00", LEDE_DATE_SECOND},
  {"8 Dec, 2021 11:53", "2021-12-08T11:53", LEDE_DATE_MINUTE},
  {"November 19th 2021", "2021-11-19", LEDE_DATE_DAY},
  {"Dec. 7, 2021", "2021-12-07", LEDE_DATE_DAY},
  {"7 December 2021", "2021-12-07", LEDE_DATE_DAY},
  {"13:56 IST, November 19th 2021", "2021-11-19T13:56+05:30", LEDE_DATE_MINUTE},
  {"Published 13:56 IST, November 19th 2021", "2021-11-19T13:56+05:30", LEDE_DATE_MINUTE},
  {"Published 07:45 CET, March 5th 2024", "2024-03-05T07:45+01:00", LEDE_DATE_MINUTE},
  {"December 7, 2021 at 3:00 PM", "2021-12-07T15:00", LEDE_DATE_MINUTE},
  {"Nov. 19, 2021 1:30 p.m. ET", "2021-11-19T13:30-05:00", LEDE_DATE_MINUTE},
  {"12:30 am, 1 January 2022", "2022-01-01T00:30", LEDE_DATE_MINUTE},
  {"07.12.2021", "2021-12-07", LEDE_DATE_DAY},
  {"December 2021", "2021-12", LEDE_DATE_MONTH},
  {"May 2021", "2021-05", LEDE_DATE_MONTH},
  {"2021", "2021", LEDE_DATE_YEAR},
  {"Dec 7 2021", "2021-12-07", LEDE_DATE_DAY},
  {"Tuesday, December 7, 2021", "2021-12-07", LEDE_DATE_DAY},
  {"7th of December, 2021", "2021-12-07", LEDE_DATE_DAY},
  {"Sept. 30, 2021", "2021-09-30", LEDE_DATE_DAY},
  {"4 Mar, 2024 09:12", "2024-03-04T09:12", LEDE_DATE_MINUTE},
  {"Updated Mar. 11, 2024", "2024-03-11", LEDE_DATE_DAY},
  {"Posted 2024-03-04 17:20", "2024-03-04T17:20", LEDE_DATE_MINUTE},
  {"  2024-02-29 ", "2024-02-29", LEDE_DATE_DAY},
  {"\xc2\xa0" "8 Dec, 2021 11:53\xc2\xa0", "2021-12-08T11:53", LEDE_DATE_MINUTE},
  {"2021-02-30", "", LEDE_DATE_NONE},
  {"2023-02-29", "", LEDE_DATE_NONE},
  {"2021-13-01", "", LEDE_DATE_NONE},
  {"31 April 2021", "", LEDE_DATE_NONE},
  {"2021-12-07T25:00", "", LEDE_DATE_NONE},
  {"13:00 pm, 1 May 2021", "", LEDE_DATE_NONE},
  {"12/07/2021", "", LEDE_DATE_NONE},
  {"December 7", "", LEDE_DATE_NONE},
  {"Meeting of 30 leaders in 2021", "", LEDE_DATE_NONE},
  {"sometime soon", "", LEDE_DATE_NONE},
  {"", "", LEDE_DATE_NONE},
  {"100,000 troops", "", LEDE_DATE_NONE},
};

int main(void)
{
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char iso[LEDE_ISO_MAX];
    LedeDatePrecision p = lede_date_parse(cases[i].in, strlen(cases[i].in), iso);
    if (is_str(iso, cases[i].iso, "'%s' -> '%s'", cases[i].in, cases[i].iso))
      is_int(p, cases[i].prec, "'%s' precision", cases[i].in);
  }
  /* the input is not NUL-terminated: only n bytes are read */
  char iso[LEDE_ISO_MAX];
  is_int(lede_date_parse("2021-12-0799", 10, iso), LEDE_DATE_DAY, "reads only n bytes");
  return tap_done();
}
