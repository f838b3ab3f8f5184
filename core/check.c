/*
 * check.c -- the index against the text: db:check() tokenizes every stored
 * document again and compares the checksum of the postings it would give
 * with the checksum of the postings the index holds, and the document
 * counts.  A sum of per-posting hashes (as sqlite3Fts5IndexEntryCksum) is
 * order-free, so both sides are computed in one pass each.
 */
#include <stdlib.h>
#include <string.h>
#include "lede_int.h"

typedef struct TermCtx {
  int (*fn)(void *, const char *, size_t, uint64_t, uint64_t);
  void *ud;
} TermCtx;

static int visit(void *ud, const char *t, size_t n, const LedeTermStats *st)
{
  TermCtx *c = ud;
  return c->fn(c->ud, t, n, st->df, st->cf);
}

int lede_terms(LedeStore *st, const char *prefix,
               int (*fn)(void *, const char *, size_t, uint64_t, uint64_t), void *ud)
{
  LedeIndex *ix = lede_store_index(st);
  if (!ix) return LEDE_ESTORE;
  TermCtx c = {fn, ud};
  return lede_index_vocab(ix, prefix ? prefix : "", prefix ? strlen(prefix) : 0, visit, &c);
}

int lede_check(LedeStore *st, LedeCheck *c)
{
  memset(c, 0, sizeof *c);
  LedeIndex *ix = lede_store_index(st);
  if (!ix) return LEDE_ESTORE;
  uint64_t isum = 0, tsum = 0;
  int rc = lede_index_checksum(ix, &isum, &c->index_postings);
  c->indexed_docs = lede_index_ndocs(ix);
  LedeDocFilter f = {.with_text = 1};
  LedeDocIter *it = NULL;
  if (rc == LEDE_OK) rc = lede_store_docs(st, &f, &it);
  LedeDoc d;
  int r;
  while (rc == LEDE_OK && (r = lede_docs_next(it, &d)) == 1) {
    c->docs++;
    rc = lede_analyzer_checksum(lede_store_analyzer(st), d.id, d.text, d.text_len,
                                &tsum, &c->text_postings);
  }
  lede_docs_free(it);
  c->ok = rc == LEDE_OK && isum == tsum && c->index_postings == c->text_postings
          && c->docs == c->indexed_docs;
  return rc;
}

int lede_optimize(LedeStore *st) { return lede_store_optimize(st); }
