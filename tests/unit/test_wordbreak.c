/*
 * test_wordbreak.c -- every case of Unicode 15.0's WordBreakTest.txt
 * against the tokenizer's pure UAX #29 mode (LEDE_TOK_UAX29), and every
 * case of SentenceBreakTest.txt against lede_sentencebreak_next().  Prints
 * each pass rate as a TAP diagnostic, asserts >= 99.5%, and names each
 * failing case with its comment (the classes and rules involved).  A missing test
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
#define SBTEST "/usr/share/unicode/auxiliary/SentenceBreakTest.txt"

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

/* Ends of the segments of text: word segments through the tokenizer,
 * sentences through lede_sentencebreak_next. */
static void segment(LedeTokenizer *tk, int sentences, const char *text, size_t n, Ends *got)
{
  if (!sentences) { lede_tokenize(tk, text, n, collect, got); return; }
  for (size_t i = 0; i < n && got->n < 256;) {
    i = lede_sentencebreak_next(text, n, i);
    got->at[got->n++] = i;
  }
}

static void run_file(LedeTokenizer *tk, const char *path, const char *name, int sentences)
{
  FILE *f = fopen(path, "r");
  if (!ok(f != NULL, "open %s (install unicode-data: make deps)", path)) return;
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
    segment(tk, sentences, text, tn, &got);
    int same = got.n == want.n && !memcmp(got.at, want.at, got.n * sizeof got.at[0]);
    if (same) pass++;
    else printf("# FAIL %s case %d:%s", name, total, comment);
  }
  fclose(f);
  double rate = total ? 100.0 * pass / total : 0;
  printf("# %s: %d/%d (%.2f%%)\n", name, pass, total, rate);
  ok(total > 400 && rate >= 99.5, "%s pass rate >= 99.5%%", name);
}

int main(void)
{
  LedeTokenizer *tk = lede_tokenizer_new(LEDE_TOK_UAX29);
  ok(tk != NULL, "tokenizer in UAX #29 mode");
  run_file(tk, WBTEST, "WordBreakTest", 0);
  run_file(tk, SBTEST, "SentenceBreakTest", 1);
  lede_tokenizer_free(tk);
  return tap_done();
}
