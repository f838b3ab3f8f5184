/*
 * iwbench.c -- the index writer alone, not a unit test: tokenizes gen's
 * all.txt once (documents cut at offsets.tsv), keeps the tokens, then
 * replays them into a LedeIndexWriter in runs as a load would (sealing
 * each run, writing nothing) and prints the CPU time of inversion
 * (lede_iw_begin/term/end) and of sealing, min of a few rounds.
 *
 *   cc -O2 -g -Iinclude -Icore tests/bench/iwbench.c build/liblede.a $(libs)
 *   build/iwbench DIR [run_mb [rounds]]
 *
 * run_mb is the text per run: 32 is a single-threaded load (one run per
 * 32 MB commit), 16 the runs of each indexing thread.  With a fourth
 * argument "a", inversion is timed from the text instead, through
 * lede_analyzer_index as an indexing thread runs it (tokenizing included).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lede_int.h"
#include "lede/tokenize.h"

typedef struct Tok { uint32_t off, len, pos, sentence; } Tok;

typedef struct Corpus {
  char *terms;
  size_t nterm_bytes, capterm;
  Tok *toks;
  size_t ntoks, captoks;
  size_t *doc_end;          /* tokens */
  size_t *doc_bytes;        /* text bytes */
  size_t ndocs;
} Corpus;

static char *slurp(const char *path, size_t *n)
{
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *p = malloc((size_t)len + 1);
  if (p && fread(p, 1, (size_t)len, f) != (size_t)len) { free(p); p = NULL; }
  fclose(f);
  *n = (size_t)len;
  return p;
}

static int keep(void *ud, const LedeToken *t)
{
  Corpus *c = ud;
  if (t->flags & LEDE_TOKF_NOPOS) return 0;
  if (c->ntoks == c->captoks) {
    c->captoks = c->captoks ? c->captoks * 2 : 1 << 20;
    c->toks = realloc(c->toks, c->captoks * sizeof *c->toks);
  }
  if (c->nterm_bytes + t->len > c->capterm) {
    c->capterm = c->capterm ? c->capterm * 2 : 1 << 24;
    c->terms = realloc(c->terms, c->capterm);
  }
  if (!c->toks || !c->terms) abort();
  memcpy(c->terms + c->nterm_bytes, t->term, t->len);
  c->toks[c->ntoks++] = (Tok){(uint32_t)c->nterm_bytes, (uint32_t)t->len, t->pos, t->sentence};
  c->nterm_bytes += t->len;
  return 0;
}

static double cpu(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One document, as lede_analyzer_index feeds the writer. */
static void index_doc(LedeIndexWriter *w, const Corpus *c, size_t d, uint32_t *sent)
{
  size_t from = d ? c->doc_end[d - 1] : 0, to = c->doc_end[d];
  uint32_t n = 0, nsent = 0, last = 0;
  lede_iw_begin(w, (int64_t)d + 1);
  for (size_t i = from; i < to; i++) {
    const Tok *t = &c->toks[i];
    lede_iw_term(w, c->terms + t->off, t->len, t->pos);
    if (t->pos + 1 > n) n = t->pos + 1;
    if (i == from || t->sentence != last) { sent[nsent++] = t->pos; last = t->sentence; }
  }
  lede_iw_end(w, n, sent, nsent);
}

int main(int argc, char **argv)
{
  if (argc < 2) { fprintf(stderr, "usage: iwbench DIR [run_mb [rounds [a]]]\n"); return 2; }
  size_t run = (size_t)(argc > 2 ? atoi(argv[2]) : 32) << 20;
  int rounds = argc > 3 ? atoi(argv[3]) : 3;
  LedeAnalyzer *an = argc > 4 && argv[4][0] == 'a' ? lede_analyzer_new(NULL) : NULL;
  char path[4096], *text;
  size_t n;
  snprintf(path, sizeof path, "%s/all.txt", argv[1]);
  if (!(text = slurp(path, &n))) { fprintf(stderr, "iwbench: cannot read %s\n", path); return 1; }
  snprintf(path, sizeof path, "%s/offsets.tsv", argv[1]);
  FILE *f = fopen(path, "r");
  if (!f) { fprintf(stderr, "iwbench: cannot read %s\n", path); return 1; }
  Corpus c = {0};
  size_t cap = 1 << 16, start = 0;
  c.doc_end = malloc(cap * sizeof *c.doc_end);
  c.doc_bytes = malloc(cap * sizeof *c.doc_bytes);
  LedeTokenizer *tk = lede_tokenizer_new(LEDE_TOK_FOLD_DIACRITICS);
  unsigned long id, end, jend;
  while (fscanf(f, "%lu %lu %lu", &id, &end, &jend) == 3 && end <= n) {
    if (c.ndocs == cap) {
      cap *= 2;
      c.doc_end = realloc(c.doc_end, cap * sizeof *c.doc_end);
      c.doc_bytes = realloc(c.doc_bytes, cap * sizeof *c.doc_bytes);
    }
    lede_tokenize(tk, text + start, end - start, keep, &c);
    c.doc_bytes[c.ndocs] = end - start;
    c.doc_end[c.ndocs++] = c.ntoks;
    start = end;
  }
  fclose(f);
  lede_tokenizer_free(tk);
  if (!an) { free(text); text = NULL; }
  uint32_t *sent = malloc(c.ntoks * sizeof *sent + 4);
  printf("%zu documents, %zu tokens, runs of %zu MB%s\n", c.ndocs, c.ntoks, run >> 20,
         an ? ", tokenizing included" : "");
  LedeIndexWriter *w = lede_iw_new();
  double best_inv = 1e9, best_seal = 1e9;
  for (int r = 0; r < rounds; r++) {
    double inv = 0, sl = 0, t0;
    size_t bytes = 0, nruns = 0, peak = 0;
    t0 = cpu();
    for (size_t d = 0, at = 0; d < c.ndocs; d++) {
      if (an) lede_analyzer_index(an, w, (int64_t)d + 1, text + at, c.doc_bytes[d]);
      else index_doc(w, &c, d, sent);
      at += c.doc_bytes[d];
      bytes += c.doc_bytes[d];
      if (bytes >= run || d + 1 == c.ndocs) {
        size_t m = lede_iw_memory(w);
        if (m > peak) peak = m;
        double t1 = cpu();
        inv += t1 - t0;
        if (lede_iw_seal(w) != LEDE_OK) { fprintf(stderr, "iwbench: seal failed\n"); return 1; }
        m = lede_iw_memory(w);
        if (m > peak) peak = m;
        lede_iw_discard(w);
        t0 = cpu();
        sl += t0 - t1;
        bytes = 0;
        nruns++;
      }
    }
    printf("round %d: invert %.3f s, seal %.3f s, %zu runs, peak writer memory %zu MB\n",
           r, inv, sl, nruns, peak >> 20);
    if (inv < best_inv) best_inv = inv;
    if (sl < best_seal) best_seal = sl;
  }
  printf("min: invert %.3f s, seal %.3f s, total %.3f s\n", best_inv, best_seal, best_inv + best_seal);
  lede_iw_free(w);
  lede_analyzer_free(an);
  free(text);
  return 0;
}
