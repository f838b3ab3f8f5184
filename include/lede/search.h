/*
 * search.h -- queries over a corpus (the language is in lede/query.h).
 *
 * lede_search() finds the documents a query matches and ranks them: by
 * BM25 score (k1 1.2, b 0.75), by date or by id.  With a limit only the
 * best `limit` are kept (a bounded heap), and every match is counted
 * unless the caller says it need not be (uncounted), which lets the
 * best of a phrase be found without checking every match's positions.
 * lede_matches() gives where a query matched in one document, as token
 * positions and byte offsets into the stored text, for snippets and KWIC.
 */
#ifndef LEDE_SEARCH_H
#define LEDE_SEARCH_H

#include <stddef.h>
#include <stdint.h>
#include "lede/store.h"

typedef enum LedeOrder {
  LEDE_ORDER_SCORE = 0,   /* best first */
  LEDE_ORDER_DATE,        /* oldest first; undated last */
  LEDE_ORDER_DOC          /* by id, the order documents were added */
} LedeOrder;

typedef struct LedeSearchOptions {
  size_t limit;           /* keep at most this many hits; 0 keeps all */
  LedeOrder order;
  int reverse;            /* newest or worst first */
  size_t max_expansion;   /* terms a prefix or regex may become (0: 1000) */
  int uncounted;          /* with a limit and order by score, matched may
                             be LEDE_UNCOUNTED: the best are found without
                             visiting every match (count them apart) */
} LedeSearchOptions;

#define LEDE_UNCOUNTED UINT64_MAX

typedef struct LedeHit {
  int64_t doc;
  double score;
} LedeHit;

typedef struct LedeHits {
  LedeHit *hit;           /* in the order asked for */
  size_t n;               /* hits kept */
  uint64_t matched;       /* documents that match, kept or not, or
                             LEDE_UNCOUNTED (see uncounted) */
} LedeHits;

/*
 * Run query q.  On a syntax error or an over-wide expansion returns
 * LEDE_EFORMAT with *err a malloc'd message (a syntax error has three
 * lines: the message, the query, a caret under the column).
 */
int lede_search(LedeStore *st, const char *q, const LedeSearchOptions *o,
                LedeHits *out, char **err);
void lede_hits_free(LedeHits *h);

/* One match in one document. */
typedef struct LedeMatch {
  uint32_t first, last;   /* token positions, inclusive */
  size_t start, stop;     /* byte offsets in the text: [start, stop) */
} LedeMatch;

/* Where q matches in document doc; *m is malloc'd (caller frees). */
int lede_matches(LedeStore *st, const char *q, int64_t doc, size_t max_expansion,
                 LedeMatch **m, size_t *n, char **err);

/* Count matching documents and match occurrences (spans) of q. */
int lede_count(LedeStore *st, const char *q, size_t max_expansion,
               uint64_t *docs, uint64_t *occurrences, char **err);

/* Visit the vocabulary in byte order, terms starting with prefix (all when
 * NULL or ""), with document and collection frequencies; stop when fn
 * returns nonzero. */
int lede_terms(LedeStore *st, const char *prefix,
               int (*fn)(void *ud, const char *term, size_t len,
                         uint64_t df, uint64_t cf), void *ud);

/* What lede_check() found: the index against the stored texts. */
typedef struct LedeCheck {
  uint64_t docs;             /* documents in the store */
  uint64_t indexed_docs;     /* documents the index knows */
  uint64_t text_postings;    /* postings the texts give */
  uint64_t index_postings;   /* postings the index holds */
  int ok;                    /* everything agrees */
} LedeCheck;

/* Re-tokenize every stored text and compare with the index. */
int lede_check(LedeStore *st, LedeCheck *c);

/* Merge the index into one segment (dropping removed documents). */
int lede_optimize(LedeStore *st);

#endif
