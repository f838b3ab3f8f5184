/*
 * stats.h -- counting for corpus statistics: n-grams, collocates and the
 * word counts keyness compares.
 *
 * The token stream.  Every statistic here counts over the same stream of
 * words: one term per token position, as the index numbers positions
 * (lede/tokenize.h).  Punctuation takes no position and so is not a
 * token; a hyphenated compound is its parts ("pro-Russian" is "pro",
 * "russian"), never its whole; a hashtag or mention is its bare word
 * ("#Kyiv" is "kyiv"), the part that shares its position.  With this rule
 * a term's count in the stream equals its collection frequency in the
 * index, so collocate frequencies can be read from the index and agree
 * with counts made from the texts.  N-grams and windows never cross a
 * document boundary; with `within_sentence` they do not cross a sentence
 * boundary either.  A term longer than 255 bytes (which the index does
 * not keep) is a gap: no n-gram or window counts it.
 *
 * The counting is done here, in C, with hash tables over interned term
 * ids; the association measures are computed from the counts in Lua
 * (lua/methods/collocation.lua), where the formulas are written out.
 */
#ifndef LEDE_STATS_H
#define LEDE_STATS_H

#include <stddef.h>
#include <stdint.h>
#include "lede/store.h"

#define LEDE_NGRAM_MAX 5

/* What lede_ngrams() counts and keeps. */
typedef struct LedeNgramOpts {
  int n;                  /* 1 .. LEDE_NGRAM_MAX */
  int within_sentence;    /* n-grams stay inside one sentence */
  const char *where;      /* a query the documents must match, or NULL */
  const char *stopwords;  /* "en", "ru": drop n-grams that begin or end
                           * with a stopword; NULL keeps all */
  uint64_t min;           /* drop n-grams seen fewer times than this */
  size_t top;             /* keep the most frequent top (0: all) */
  size_t max_expansion;   /* for `where` (0: 1000) */
  unsigned flags;         /* LEDE_NGRAM_* */
  int threads;            /* 1 or 2 tokenizing threads; 0: $LEDE_THREADS,
                           * else 2 when there are two cores */
} LedeNgramOpts;

/* Count with a hash table even where sorting packed keys would do (the
 * two ways must agree; tests compare them). */
#define LEDE_NGRAM_HASH 0x1

/* One n-gram: its terms joined by single spaces. */
typedef struct LedeNgram {
  const char *text;       /* NUL-terminated, owned by the LedeNgrams */
  uint64_t count;         /* occurrences */
  uint64_t docs;          /* documents it occurs in */
} LedeNgram;

typedef struct LedeNgrams {
  LedeNgram *v;           /* most frequent first; ties in byte order */
  size_t n;
  uint64_t tokens;        /* token positions in the documents visited */
  uint64_t ndocs;         /* documents visited */
  uint64_t distinct;      /* distinct n-grams counted (before min/top) */
  char *arena;            /* the texts */
} LedeNgrams;

/*
 * Count the n-grams of every document, or of those matching o->where.
 * On a bad query returns LEDE_EFORMAT with *err a malloc'd message.
 */
int lede_ngrams(LedeStore *st, const LedeNgramOpts *o, LedeNgrams *out, char **err);
void lede_ngrams_free(LedeNgrams *g);   /* NULL-safe */

/* What lede_collocates() counts. */
typedef struct LedeCollocOpts {
  uint32_t left, right;   /* window: tokens before and after the node */
  int within_sentence;    /* the window stops at the node's sentence */
  size_t max_expansion;   /* for the node query (0: 1000) */
} LedeCollocOpts;

/* One word seen in the node's windows. */
typedef struct LedeColloc {
  const char *term;       /* owned by the LedeCollocs */
  uint64_t observed;      /* tokens of it inside the node's windows */
  uint64_t freq;          /* its frequency in the whole corpus */
} LedeColloc;

typedef struct LedeCollocs {
  LedeColloc *v;          /* in no particular order */
  size_t n;
  uint64_t node_freq;     /* occurrences (match spans) of the node */
  uint64_t node_docs;     /* documents the node occurs in */
  uint64_t tokens;        /* N: token positions of the whole corpus */
  uint64_t window_slots;  /* window positions actually inside the text */
  char *arena;
} LedeCollocs;

/*
 * Count the words around each match of the node query q: for a match
 * spanning positions [a, b], positions a-left .. a-1 and b+1 .. b+right
 * (clipped to the document and, with within_sentence, to the sentences
 * of a and b).  Only documents the query matches are read.  A bad query
 * is LEDE_EFORMAT with *err malloc'd.
 */
int lede_collocates(LedeStore *st, const char *q, const LedeCollocOpts *o,
                    LedeCollocs *out, char **err);
void lede_collocs_free(LedeCollocs *c);  /* NULL-safe */

#endif
