/*
 * tally.h -- corpus statistics computed from the index in one pass over
 * the postings: term frequencies per group of documents (by outlet, by
 * period), surface forms counted from the texts, the matches of a query
 * as token positions (for concordances, dispersion and timelines), and
 * TF-IDF cosine similarity between documents.  Internal to lede; the Lua
 * binding is lua/lanalysis.c.
 *
 * Groups.  A document belongs to group grp[doc] (1..ngroups) or to none
 * (0, left out); grp == NULL puts every document in group 1.  ids beyond
 * ngrp are in no group.
 */
#ifndef LEDE_TALLY_H
#define LEDE_TALLY_H

#include <stddef.h>
#include <stdint.h>
#include "lede_int.h"
#include "lede/search.h"

/* Rows (term, group, count, docs), terms one after the other in arena. */
typedef struct LedeTally {
  LedeBuf arena;
  size_t *off, *len;
  uint32_t *group;
  uint64_t *count, *docs;
  size_t n, cap;
  uint64_t *total;          /* tokens per group, [1..ngroups] */
  uint32_t ngroups;
} LedeTally;

void lede_tally_free(LedeTally *t);

/*
 * Term frequencies from the index.  stem_lang: NULL for the index terms
 * (lower case), or a Snowball language ("en"...) to add terms up under
 * their stem (a document then counts once per stem).  Rows with count <
 * min are left out; totals count every token.
 */
int lede_tally_terms(LedeStore *st, const int32_t *grp, int64_t ngrp,
                     uint32_t ngroups, const char *stem_lang, uint64_t min,
                     LedeTally *out);

/* The same counts from the stored texts, tokenized afresh: form 0 counts
 * surface forms (the bytes as written) of the tokens the index holds,
 * form 1 their index terms, form 2 their stems in stem_lang.  Reading the
 * texts once costs the same for every term, where a cursor per term
 * costs a seek into the postings for each of a large vocabulary. */
int lede_tally_texts(LedeStore *st, const int32_t *grp, int64_t ngrp,
                     uint32_t ngroups, int form, const char *stem_lang, uint64_t min,
                     LedeTally *out);

/* The matches of a query, document by document in id order. */
typedef struct LedeSpanDoc {
  int64_t doc;
  uint32_t ntok;            /* document length in positions */
  size_t first, n;          /* its matches: span[first .. first+n) */
} LedeSpanDoc;

typedef struct LedeSpans {
  LedeSpanDoc *doc;
  size_t ndocs;
  uint32_t *first, *last;   /* token positions of each match */
  size_t n;
  int complete;             /* 0 when stopped at the limit */
} LedeSpans;

/* Matches of q in the documents in (grp, ngrp) (all when grp is NULL),
 * stopping once limit matches are found (0: no limit). */
int lede_spans(LedeStore *st, const char *q, size_t max_expansion,
               const int32_t *grp, int64_t ngrp, size_t limit,
               LedeSpans *out, char **err);
void lede_spans_free(LedeSpans *s);
/* Keep only the matches k (0 .. s->n - 1, in order) with keep[k] nonzero,
 * and the documents that still have some. */
void lede_spans_keep(LedeSpans *s, const unsigned char *keep);

/* The stored text of doc (valid until the next step of *stmt, which the
 * caller finalizes) and the byte span of each position up to maxpos, as
 * lede_analyzer_spans gives them. */
int lede_span_text(LedeStore *st, sqlite3_stmt **stmt, int64_t doc, uint32_t maxpos,
                   const char **text, size_t *len, size_t **span, uint32_t *n);

/* The stored text of doc (NULL when it has none), valid until the next
 * step of *stmt, which the caller finalizes. */
int lede_doc_text(LedeStore *st, sqlite3_stmt **stmt, int64_t doc, const char **text, size_t *len);

/* Cut the matches of docs[0..n) (consecutive documents of s, texts
 * text[i] of len[i] bytes; NULL: skipped): cut[LEDE_CUT * k ...] are, for
 * the k-th match from docs[0]'s first, the bytes [a, b) of the match, its
 * left context [lf, lt) and its right context [rf, rt): width characters
 * either side, or with words >= 0 that many words (kwic.lua's `tokens`).
 * With a second analyzer, a second thread cuts every other document:
 * tokenizing for the byte spans is most of the work of a concordance. */
#define LEDE_CUT 6
int lede_kwic_cut(LedeAnalyzer *an, LedeAnalyzer *an2, const LedeSpans *s, const LedeSpanDoc *docs,
                  size_t n, char *const *text, const size_t *len, size_t width, int64_t words,
                  size_t *cut);

/* The context of bytes [start, stop) of s: width characters either side,
 * never splitting a UTF-8 sequence or a letter from its combining marks;
 * the left context is [*left, start), the right [stop, *right). */
void lede_context(const char *s, size_t len, size_t start, size_t stop, size_t width,
                  size_t *left, size_t *right);

/* Every live document and its length in positions (id order). */
int lede_doc_lengths(LedeStore *st, int64_t **ids, uint32_t **len, size_t *n);

/*
 * TF-IDF (tf * ln(N/df)) vector lengths of every document, indexed by id
 * (0..*n-1), from one pass over the postings.
 */
int lede_doc_norms(LedeStore *st, double **norm, int64_t *n);

/* The top documents by cosine with doc (itself left out), best first. */
int lede_similar(LedeStore *st, int64_t doc, const double *norm, int64_t nnorm,
                 size_t top, LedeHit **out, size_t *nout);

#endif
