/*
 * fuzz_tokenize.c -- the tokenizer on arbitrary bytes, in both modes.
 * Checks the contract: spans lie inside the input and never go backwards,
 * word positions rise by at most one, sentence numbers never fall, terms
 * are NUL-terminated, and UAX #29 word and sentence segments tile the
 * input exactly.
 */
#include <stdlib.h>
#include <string.h>
#include "lede/lede.h"
#include "lede/tokenize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct Check { size_t n, last_start, last_end; uint32_t pos, sent; int any; } Check;

static int check_news(void *ud, const LedeToken *t)
{
  Check *c = ud;
  if (t->start > t->end || t->end > c->n || t->term[t->len] != 0) abort();
  if (c->any && t->start < c->last_start) abort();
  if (c->any && (t->pos < c->pos || t->pos > c->pos + 1) && !(t->flags & LEDE_TOKF_PART)) abort();
  if (c->any && t->sentence < c->sent) abort();
  c->last_start = t->start; c->pos = t->pos; c->sent = t->sentence; c->any = 1;
  return 0;
}

static int check_raw(void *ud, const LedeToken *t)
{
  Check *c = ud;
  if (t->start != c->last_end || t->end <= t->start || t->end > c->n) abort();
  c->last_end = t->end;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static LedeTokenizer *news, *raw;
  if (!news) news = lede_tokenizer_new(LEDE_TOK_DEFAULT);
  if (!raw) raw = lede_tokenizer_new(LEDE_TOK_UAX29);
  if (!news || !raw) return 0;
  Check c = { size, 0, 0, 0, 0, 0 };
  lede_tokenize(news, (const char *)data, size, check_news, &c);
  Check r = { size, 0, 0, 0, 0, 0 };
  lede_tokenize(raw, (const char *)data, size, check_raw, &r);
  if (r.last_end != size) abort();
  for (size_t i = 0; i < size;) {          /* sentences tile the input too */
    size_t e = lede_sentencebreak_next((const char *)data, size, i);
    if (e <= i || e > size) abort();
    i = e;
  }
  return 0;
}
