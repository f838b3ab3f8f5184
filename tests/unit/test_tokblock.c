/*
 * test_tokblock.c -- the tokenizer's 64-byte block scan (fast_block in
 * core/tokenize.c) against its general path (LEDE_TOK_SLOWPATH).  The
 * block scan runs only where 64 bytes remain, and decides at bit masks'
 * edges (a word or a run of spaces across the block's end, a "," or "."
 * as its last byte), so the texts here are long runs of plain words,
 * spaces, line ends and ", " / ". ", with a few pieces it must leave to
 * the other paths, and each is tokenized from every starting offset of a
 * block so that every byte lands on every edge.  Folding on and off,
 * spans only, and a callback that stops early must all agree.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lede/lede.h"
#include "lede/tokenize.h"
#include "tap.h"

typedef struct Tok {
  char term[2048];
  size_t len, start, end;
  uint32_t pos, sentence;
  unsigned kind, flags;
} Tok;

typedef struct List { Tok v[1024]; size_t n, stop; } List;

/* Keeps each token (terms are short here); stops after l->stop tokens. */
static int keep(void *ud, const LedeToken *t)
{
  List *l = ud;
  if (l->n == sizeof l->v / sizeof l->v[0] || t->len >= sizeof l->v[0].term
      || t->term[t->len] != 0)
    abort();
  Tok *k = &l->v[l->n++];
  memcpy(k->term, t->term, t->len + 1);
  k->len = t->len; k->start = t->start; k->end = t->end;
  k->pos = t->pos; k->sentence = t->sentence;
  k->kind = (unsigned)t->kind; k->flags = t->flags;
  return l->n == l->stop ? 7 : 0;
}

static uint64_t rng = 0x2545F4914F6CDD1Du;
static uint32_t rnd(uint32_t k)
{
  rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
  return (uint32_t)(rng % k);
}

/* Mostly what the block scan takes, some of what it must not. */
static const char *const pieces[] = {
  "the", "The", "said", "a", "I", "x", "Mr", "Dr", "St", "U", "e", "no", "Kazakhstan",
  "2021", "17", "0", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
  "Zallandez", "WWW", "ht", "http", "hT", "wW", "h", "w", "htt", "wwwx", "x1", "1x",
  ", ", ". ", ",\n", ".\n", ". ", ",", ".", "  ", "\n", "\n\n", " ", " ", " ", " ",
  "U.S.", "don't", "Russia’s", "self-as", "17.5%", "1,000", "13:56", "a@b.cd", "–", "“",
  "”", "(", ")", "!", "?", ";", ":", "\t", "\r\n", "café", "Путин", "\xcc\x81", "#x", "@y",
  "https://x.org/a", "www.x.ru", ".. ", ", ,", "., ", "...", "\xc2\xa0",
  "said)", "(said", "\"said\"", "said”", "“said", "x’", "’x", "a–b", "1—2", "’’", "“”",
  "‘x", "x‘", "--", "%", "+", "/", "#", "@", "_", "&", "x!", "x?", "x/y", "x;", "x:", "x'",
  "'x", "x-", "x%", "x+", "x@", "x_", "x#", "13:", "x.\"", "x,\"", "é", "-a@b.cd", "%a@b.cd", "+a@b.cd", "“\xcc\x81", ".\xcc\x81", "x\xe2\x80", "\xe2",
};
#define NPIECES (sizeof pieces / sizeof pieces[0])

static size_t gen(char *buf, size_t cap)
{
  size_t n = 0, k = 20 + rnd(120);
  for (size_t i = 0; i < k; i++) {
    const char *p = pieces[rnd(NPIECES)];
    size_t m = strlen(p);
    if (n + m + 1 >= cap) break;
    memcpy(buf + n, p, m);
    n += m;
    if (rnd(4)) buf[n++] = ' ';
  }
  return n;
}

static int same(const Tok *x, const Tok *y, int spans)
{
  if (x->start != y->start || x->end != y->end || x->pos != y->pos || x->kind != y->kind)
    return 0;
  if (spans) return x->len == 0 && x->sentence == 0 && x->flags == (y->flags & ~(unsigned)LEDE_TOKF_SENTENCE);
  return x->flags == y->flags && x->sentence == y->sentence && x->len == y->len
      && !strcmp(x->term, y->term);
}

static long bad;
static List got, want;

static void report(const char *text, size_t n, size_t k, const char *what)
{
  if (bad++ >= 5) return;
  printf("# MISMATCH (%s) at token %zu of %zu/%zu in \"%.*s\"\n", what, k, got.n, want.n,
         (int)(n < 200 ? n : 200), text);
  if (k < got.n) printf("#   fast: '%s' %zu-%zu pos %u sentence %u kind %u flags %u\n",
                        got.v[k].term, got.v[k].start, got.v[k].end, got.v[k].pos,
                        got.v[k].sentence, got.v[k].kind, got.v[k].flags);
  if (k < want.n) printf("#   general: '%s' %zu-%zu pos %u sentence %u kind %u flags %u\n",
                         want.v[k].term, want.v[k].start, want.v[k].end, want.v[k].pos,
                         want.v[k].sentence, want.v[k].kind, want.v[k].flags);
}

/* One text through fast and general tokenizers; stop after `stop` tokens
 * (0: never).  Returns the general path's token count. */
static size_t check(LedeTokenizer *fast, LedeTokenizer *slow, const char *text, size_t n,
                    size_t stop, int spans, const char *what)
{
  got.n = want.n = 0;
  got.stop = want.stop = stop;
  int rg = lede_tokenize(fast, text, n, keep, &got);
  int rw = lede_tokenize(slow, text, n, keep, &want);
  if (rg != rw) { report(text, n, 0, "return value"); return want.n; }
  size_t m = got.n > want.n ? got.n : want.n;
  for (size_t k = 0; k < m; k++)
    if (k >= got.n || k >= want.n || !same(&got.v[k], &want.v[k], spans)) {
      report(text, n, k, what);
      break;
    }
  return want.n;
}

int main(void)
{
  LedeTokenizer *fast[2], *slow[2], *spans;
  fast[0] = lede_tokenizer_new(0);
  fast[1] = lede_tokenizer_new(LEDE_TOK_FOLD_DIACRITICS);
  slow[0] = lede_tokenizer_new(LEDE_TOK_SLOWPATH);
  slow[1] = lede_tokenizer_new(LEDE_TOK_FOLD_DIACRITICS | LEDE_TOK_SLOWPATH);
  spans = lede_tokenizer_new(LEDE_TOK_FOLD_DIACRITICS | LEDE_TOK_SPANS);
  if (!ok(fast[0] && fast[1] && slow[0] && slow[1] && spans, "tokenizers")) return tap_done();

  static char buf[2048];
  long texts = 0, toks = 0;
  for (int i = 0; i < 600; i++) {
    size_t n = gen(buf, sizeof buf);
    for (size_t off = 0; off < 64 && off < n; off++, texts++) {
      for (int f = 0; f < 2; f++)
        toks += (long)check(fast[f], slow[f], buf + off, n - off, 0, 0, "whole");
      check(spans, slow[1], buf + off, n - off, 0, 1, "spans");
    }
  }
  printf("# %ld texts, %ld tokens, %ld mismatches\n", texts, toks, bad);
  ok(bad == 0, "block scan = general path, from every offset of a block");

  long before = bad;
  for (int i = 0; i < 3000; i++) {
    size_t n = gen(buf, sizeof buf);
    check(fast[1], slow[1], buf, n, 1 + rnd(60), 0, "stopped");
  }
  ok(bad == before, "a callback's nonzero return stops both paths at the same token");

  for (int f = 0; f < 2; f++) { lede_tokenizer_free(fast[f]); lede_tokenizer_free(slow[f]); }
  lede_tokenizer_free(spans);
  return tap_done();
}
