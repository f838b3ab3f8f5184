/*
 * langid.c -- language identification by character n-grams; the method is
 * described in include/lede/langid.h, the model is core/langid_data.c.
 *
 * The generated model is a sorted list of n-grams; on first use it goes
 * into an open-addressing hash table (built once, under pthread_once) so
 * scoring a text costs one short hash and a probe or two per n-gram, and
 * a word met lately (each thread keeps the last few thousand words' sums)
 * one lookup.  Words come from the
 * tokenizer with diacritics kept, as the generator took them; each thread
 * keeps its own tokenizer.
 */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "lede_int.h"
#include "lede/langid.h"
#include "langid_data.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;

/* A word's n-gram sums, kept for the words seen last: the common words
 * of a language come back in every text, and a word's sums are the same
 * wherever it is.  Words of up to MEMO_BYTES, their bytes zero-padded. */
#define MEMO_BYTES 24
#define MEMO_BITS 11
#define MEMO_SLOTS (1 << MEMO_BITS)
typedef struct Memo {
  uint64_t key[MEMO_BYTES / 8];
  uint32_t len;             /* 0: empty */
  int sum[LEDE_LANGID_NLANGS], grams, known;
} Memo;

/* Each thread's tokenizer and memo, freed when the thread ends (a key's
 * destructor: a plain _Thread_local pointer would leak them). */
typedef struct Thread { LedeTokenizer *tk; Memo memo[MEMO_SLOTS]; } Thread;
static pthread_key_t tk_key;

static void free_thread(void *p)
{
  Thread *t = p;
  lede_tokenizer_free(t->tk);
  free(t);
}
/* A slot holds a gram's 32-bit hash (0: empty) and its log-probabilities,
 * so a lookup touches one 16-byte slot; the table is small enough to stay
 * in cache.  A hit is a hash match: a false match of 32 bits among a few
 * thousand grams is rarer than one n-gram in a hundred thousand texts and
 * would move one score by one n-gram. */
typedef struct Slot { uint32_t h; short lp[LEDE_LANGID_NLANGS]; } Slot;
static Slot *table;
static size_t mask;

/* FNV-1a: n-grams are a few bytes, where a short loop beats a block hash. */
static inline uint32_t fold(uint64_t h)
{
  uint32_t x = (uint32_t)(h ^ (h >> 32));
  return x ? x : 1;
}

static inline uint32_t gram_hash(const char *g, size_t n)
{
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)g[i]) * 0x100000001b3ULL;
  return fold(h);
}

static void build(void)
{
  pthread_key_create(&tk_key, free_thread);
  const LedeLangModel *m = lede_langid_model();
  size_t cap = 1;
  while (cap * 3 < m->ngrams * 5) cap <<= 1;     /* load factor at most 0.6 */
  table = calloc(cap, sizeof *table);
  if (!table) return;
  mask = cap - 1;
  for (size_t i = 0; i < m->ngrams; i++) {
    uint32_t h = gram_hash(m->grams[i].gram, strlen(m->grams[i].gram));
    size_t at = h & mask;
    while (table[at].h) at = (at + 1) & mask;
    table[at].h = h;
    memcpy(table[at].lp, m->grams[i].lp, sizeof table[at].lp);
  }
}

static const short *probe(uint32_t h)
{
  for (size_t at = h & mask; table[at].h; at = (at + 1) & mask)
    if (table[at].h == h) return table[at].lp;
  return NULL;
}

typedef struct Score {
  long sum[LEDE_LANGID_NLANGS];
  long grams, known;
  int early;                /* stop once the answer is settled */
  Memo *memo;
} Score;

/* Settled: enough n-grams, and the leader ahead of the runner-up by a
 * log-likelihood ratio of e^DECIDED.  A news article's first sentence
 * usually does it, so loading reads a fraction of the window. */
#define DECIDED_GRAMS 100
#define DECIDED (100L * LEDE_LANGID_SCALE)

static int settled(const Score *s)
{
  if (s->grams < DECIDED_GRAMS || s->known * 4 < s->grams * 3) return 0;
  long best = LONG_MIN, second = LONG_MIN;
  for (int l = 0; l < LEDE_LANGID_NLANGS; l++) {
    if (s->sum[l] > best) { second = best; best = s->sum[l]; }
    else if (s->sum[l] > second) second = s->sum[l];
  }
  return best - second >= DECIDED;
}

/* The sums over every n-gram of " word " (a lone space left out). */
static void word_sums(const char *term, size_t tlen, Memo *out)
{
  const LedeLangModel *m = lede_langid_model();
  char w[204];
  size_t at[204], n = 0;    /* byte offset where each character starts */
  w[0] = ' ';
  memcpy(w + 1, term, tlen);
  w[tlen + 1] = ' ';
  size_t len = tlen + 2;
  for (size_t i = 0; i < len; i++)
    if (((unsigned char)w[i] & 0xC0) != 0x80) at[n++] = i;
  at[n] = len;
  /* The table is bigger than the cache: hash every n-gram of the word and
   * fetch their slots before the first probe, so the misses overlap.  The
   * n-grams starting at a character extend one another, so one FNV-1a run
   * hashes all three. */
  uint32_t hs[3 * 204];
  unsigned char ks[3 * 204];
  size_t ng = 0;
  for (size_t i = 0; i < n; i++) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t k = 1; k <= 3 && i + k <= n; k++) {
      for (size_t j = at[i + k - 1]; j < at[i + k]; j++)
        h = (h ^ (unsigned char)w[j]) * 0x100000001b3ULL;
      if (k == 1 && w[at[i]] == ' ') continue;
      uint32_t x = fold(h);
      __builtin_prefetch(&table[x & mask]);
      hs[ng] = x;
      ks[ng++] = (unsigned char)k;
    }
  }
  /* A word's sums fit an int (612 n-grams of at most 32767), held in
   * registers: the compiler keeps an array of them in memory. */
#if LEDE_LANGID_NLANGS != 6
#error "word_sums adds six languages"
#endif
  int s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, known = 0;
  for (size_t g = 0; g < ng; g++) {
    const short *lp = probe(hs[g]);
    if (!lp) lp = m->unseen[ks[g] - 1];
    else known++;
    s0 += lp[0]; s1 += lp[1]; s2 += lp[2]; s3 += lp[3]; s4 += lp[4]; s5 += lp[5];
  }
  out->sum[0] = s0; out->sum[1] = s1; out->sum[2] = s2;
  out->sum[3] = s3; out->sum[4] = s4; out->sum[5] = s5;
  out->grams = (int)ng;
  out->known = known;
}

static int score_token(void *ud, const LedeToken *t)
{
  Score *s = ud;
  if (t->kind != LEDE_TOK_WORD || (t->flags & LEDE_TOKF_COMPOUND) || t->len > 200) return 0;
  Memo tmp, *e = &tmp;
  if (t->len <= MEMO_BYTES) {
#if MEMO_BYTES != 24
#error "score_token hashes three words of key"
#endif
    uint64_t key[MEMO_BYTES / 8] = {0};
    memcpy(key, t->term, t->len);
    uint64_t h = (key[0] ^ key[1] * 0x9E3779B97F4A7C15ULL ^ key[2] * 0xC2B2AE3D27D4EB4FULL ^ t->len)
                 * 0xFF51AFD7ED558CCDULL;
    e = &s->memo[h >> (64 - MEMO_BITS)];
    if (e->len != t->len || memcmp(e->key, key, sizeof key) != 0) {
      word_sums(t->term, t->len, e);
      memcpy(e->key, key, sizeof key);
      e->len = (uint32_t)t->len;
    }
  } else {
    word_sums(t->term, t->len, e);
  }
  for (int l = 0; l < LEDE_LANGID_NLANGS; l++) s->sum[l] += e->sum[l];
  s->grams += e->grams;
  s->known += e->known;
  return s->early && settled(s);
}


static int cmp_score(const void *a, const void *b)
{
  const LedeLangScore *x = a, *y = b;
  return x->score > y->score ? -1 : x->score < y->score;
}

static long rank(const char *text, size_t len, LedeLangScore out[LEDE_LANGID_MAX], long *known,
                 int early)
{
  pthread_once(&once, build);
  if (!table) return LEDE_ENOMEM;
  Thread *th = pthread_getspecific(tk_key);
  if (!th) {
    if (!(th = calloc(1, sizeof *th))) return LEDE_ENOMEM;
    if (!(th->tk = lede_tokenizer_new(0)) || pthread_setspecific(tk_key, th) != 0) {
      free_thread(th);
      return LEDE_ENOMEM;
    }
  }
  LedeTokenizer *tk = th->tk;
  if (len > LEDE_LANGID_BYTES) {
    len = LEDE_LANGID_BYTES;
    while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80) len--;
  }
  Score s = {{0}, 0, 0, early, th->memo};
  if (lede_tokenize(tk, text, len, score_token, &s) < 0) return LEDE_ENOMEM;
  const LedeLangModel *m = lede_langid_model();
  for (int l = 0; l < LEDE_LANGID_NLANGS; l++) {
    out[l].lang = m->codes[l];
    out[l].score = s.grams ? (double)s.sum[l] / s.grams / LEDE_LANGID_SCALE : 0;
  }
  qsort(out, LEDE_LANGID_NLANGS, sizeof *out, cmp_score);
  *known = s.known;
  return s.grams;
}

long lede_langid_rank(const char *text, size_t len, LedeLangScore out[LEDE_LANGID_MAX])
{
  long known;
  return rank(text, len, out, &known, 0);
}

const char *lede_langid(const char *text, size_t len)
{
  LedeLangScore out[LEDE_LANGID_MAX];
  long known, n = rank(text, len, out, &known, 1);
  /* mostly n-grams the model never saw: another script, not a guess */
  if (n <= 0 || known * 2 < n) return NULL;
  return out[0].lang;
}
