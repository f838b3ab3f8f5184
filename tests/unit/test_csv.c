/*
 * test_csv.c -- RFC 4180 records: quoting, embedded line breaks, doubled
 * quotes, line numbers, BOM, blank lines, TSV, and an unclosed quote.
 */
#include <stdlib.h>
#include "lede_int.h"
#include "tap.h"

/* All records of s, as "f1|f2|...;" with line numbers "@N". */
static char *records(const char *s, char delim)
{
  LedeReader *r = lede_reader_mem(s, strlen(s));
  LedeCsv *c = lede_csv_new(r, delim);
  LedeBuf out = {0};
  size_t nf;
  char **f;
  size_t *lens;
  long line;
  int rc;
  while ((rc = lede_csv_next(c, &nf, &f, &lens, &line)) != 0) {
    if (rc < 0) { lede_buf_printf(&out, "ERR@%ld:%s;", line, lede_csv_error(c)); continue; }
    lede_buf_printf(&out, "@%ld:", line);
    for (size_t i = 0; i < nf; i++) {
      if (strlen(f[i]) != lens[i]) lede_buf_adds(&out, "(len!)");
      lede_buf_printf(&out, "%s%s", i ? "|" : "", f[i]);
    }
    lede_buf_addc(&out, ';');
  }
  lede_csv_free(c);
  lede_reader_close(r);
  return lede_buf_detach(&out, NULL);
}

static const struct { const char *in; char delim; const char *want; const char *what; } cases[] = {
  {"a,b,c\n1,2,3\n", ',', "@1:a|b|c;@2:1|2|3;", "plain records"},
  {"a,b\r\n1,2\r\n", ',', "@1:a|b;@2:1|2;", "CRLF record ends"},
  {"a,b\n1,2", ',', "@1:a|b;@2:1|2;", "no newline at the end"},
  {"\"x, y\",z\n", ',', "@1:x, y|z;", "quoted comma"},
  {"\"line one\nline two\",z\nnext,row\n", ',', "@1:line one\nline two|z;@3:next|row;", "quoted newline; line numbers go on"},
  {"\"say \"\"hi\"\"\",b\n", ',', "@1:say \"hi\"|b;", "doubled quotes"},
  {"a,,c,\n", ',', "@1:a||c|;", "empty fields and a trailing delimiter"},
  {"\"\",x\n", ',', "@1:|x;", "an empty quoted field"},
  {"ab\"c,d\n", ',', "@1:ab\"c|d;", "a quote inside an unquoted field is kept"},
  {"\xEF\xBB\xBFid,t\n1,x\n", ',', "@1:id|t;@2:1|x;", "BOM skipped"},
  {"a,b\n\n\n1,2\n", ',', "@1:a|b;@4:1|2;", "blank lines skipped"},
  {"a\tb\n1\t\"x\ty\"\n", '\t', "@1:a|b;@2:1|x\ty;", "TSV"},
  {"a,b\n1,\"open\nnever closed\n", ',', "@1:a|b;ERR@2:a quoted field is never closed;", "unclosed quote names its line"},
  {"h\n\"a\r\nb\"\n", ',', "@1:h;@2:a\r\nb;", "CRLF inside quotes kept for the text cleaner"},
};

int main(void)
{
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *got = records(cases[i].in, cases[i].delim);
    is_str(got, cases[i].want, "%s", cases[i].what);
    free(got);
  }
  /* a record longer than any buffer */
  size_t n = 3u << 20;
  char *big = malloc(n + 16);
  if (!big) return tap_done();
  memcpy(big, "\"", 1);
  memset(big + 1, 'x', n);
  memcpy(big + 1 + n, "\",y\n", 5);
  LedeReader *r = lede_reader_mem(big, strlen(big));
  LedeCsv *c = lede_csv_new(r, ',');
  size_t nf;
  char **f;
  size_t *lens;
  long line;
  ok(lede_csv_next(c, &nf, &f, &lens, &line) == 1 && nf == 2 && lens[0] == n, "a 3 MB field");
  lede_csv_free(c);
  lede_reader_close(r);
  free(big);
  return tap_done();
}
