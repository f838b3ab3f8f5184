/*
 * test_wordbreak.c -- every case of Unicode 15.0's WordBreakTest.txt
 * against the tokenizer's pure UAX #29 mode (LEDE_TOK_UAX29).  Prints the
 * pass rate as a TAP diagnostic, asserts >= 99.5%, and names each failing
 * case with its comment (the classes and rules involved).  A missing test
 * file is a failure: `make deps` installs unicode-data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include "lede/lede.h"
#include "lede/tokenize.h"
#include "tap.h"

#define WBTEST "/usr/share/unicode/auxiliary/WordBreakTest.txt"

typedef struct Ends { size_t n; size_t at[256]; } Ends;

static int collect(void *ud, const LedeToken *t)
{
  Ends *e = ud;
  if (e->n < 256) e->at[e->n++] = t->end;
  return 0;
}

/* Parse "÷ 0041 × 0308 ÷" into UTF-8 text and the expected break offsets. */
static int parse_case(char *line, char *text, size_t *tn, Ends *want)
{
  *tn = 0; want->n = 0;
  for (char *tok = strtok(line, " \t"); tok; tok = strtok(NULL, " \t")) {
    if (!strcmp(tok, "\xc3\xb7")) {                   /* ÷ */
      if (*tn) want->at[want->n++] = *tn;
    } else if (!strcmp(tok, "\xc3\x97")) {            /* × */
    } else {
      long cp = strtol(tok, NULL, 16);
      *tn += (size_t)utf8proc_encode_char((utf8proc_int32_t)cp, (utf8proc_uint8_t *)text + *tn);
    }
  }
  return *tn > 0;
}

int main(void)
{
  FILE *f = fopen(WBTEST, "r");
  if (!ok(f != NULL, "open %s (install unicode-data: make deps)", WBTEST)) {
    return tap_done();
  }
  LedeTokenizer *tk = lede_tokenizer_new(LEDE_TOK_UAX29);
  char line[4096], text[1024];
  int total = 0, pass = 0;
  while (fgets(line, sizeof line, f)) {
    char *hash = strchr(line, '#');
    char comment[4096] = "";
    if (hash) { snprintf(comment, sizeof comment, "%s", hash + 1); *hash = 0; }
    size_t tn;
    Ends want, got = { 0 };
    if (!parse_case(line, text, &tn, &want)) continue;
    total++;
    lede_tokenize(tk, text, tn, collect, &got);
    int same = got.n == want.n && !memcmp(got.at, want.at, got.n * sizeof got.at[0]);
    if (same) pass++;
    else printf("# FAIL WordBreakTest line %d:%s", total, comment);
  }
  fclose(f);
  double rate = total ? 100.0 * pass / total : 0;
  printf("# WordBreakTest: %d/%d (%.2f%%)\n", pass, total, rate);
  ok(total > 1000 && rate >= 99.5, "WordBreakTest pass rate >= 99.5%%");
  lede_tokenizer_free(tk);
  return tap_done();
}
