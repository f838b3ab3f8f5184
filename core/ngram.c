/*
 * ngram.c -- n-gram and collocate counting (lede/stats.h).
 *
 * Each document's text is tokenized again with the corpus' analyzer into
 * the token stream stats.h describes: an array of interned term ids, one
 * per position, with the sentence of each.  Terms are interned once into
 * a hash table (ids are dense, so per-term counts are plain arrays); an
 * n-gram is a key of n ids in a second open-addressing table.  Both
 * tables keep the 32-bit hash beside the entry index in their slots, so a
 * probe that misses never touches the entries.  Bigrams, the common
 * case, are counted without a key per position: gathered by first term
 * (a group of first terms at a time, so memory stays bounded), each first
 * term's followers counted in arrays indexed by term id.
 *
 * Collocates read only the documents the node query matches (the index
 * finds them and the match positions), and intern only the terms inside
 * the windows, tokenizing up to the last; the corpus size N is the sum of
 * the document lengths the index keeps and a collocate's frequency is its
 * collection frequency in the index, which equals its count in the token
 * stream (stats.h says why).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include "lede_int.h"
#include "lede/stats.h"
#include "lede/tokenize.h"

#define GAP UINT32_MAX          /* a position with no countable term */
#define MAXTERM 255             /* as the index writer */

/* The first 8 bytes of a term, zero-padded: terms hold no NUL bytes, so
 * for a term of at most 8 bytes equal heads mean equal terms. */
static uint64_t head8(const char *p, size_t len)
{
  uint64_t h = 0;
  memcpy(&h, p, len < 8 ? len : 8);
  return h;
}

/* A hash of a term 8 bytes at a time (a multiply-xorshift mix). */
static uint32_t hash_term(const char *p, size_t len, uint64_t head)
{
  uint64_t h = (len + 1) * 0x9E3779B97F4A7C15ULL;
  h = (h ^ head) * 0xff51afd7ed558ccdULL;
  for (size_t i = 8; i < len; i += 8) {
    uint64_t w = 0;
    memcpy(&w, p + i, len - i < 8 ? len - i : 8);
    h = (h ^ (h >> 29) ^ w) * 0xc4ceb9fe1a85ec53ULL;
  }
  h ^= h >> 32;
  return (uint32_t)h;
}

/* ---- interned terms -------------------------------------------------- */

/* A slot keeps the term's head beside its hash and id, so a short term
 * is found without touching the arena. */
typedef struct Slot { uint64_t head; uint32_t hash, id1; } Slot;

#define CACHE 4096               /* slots of the front cache (64 KB) */

typedef struct Intern {
  Slot cache[CACHE];            /* recently seen short terms, by hash */
  LedeBuf arena;                /* terms, each NUL-terminated */
  uint32_t *off;                /* id -> offset in arena */
  unsigned char *stop;          /* id -> is a stopword */
  uint32_t n, cap;
  Slot *slots;                  /* id1 = id + 1; 0 is empty */
  uint32_t nslots;
  const char *stoplang;
  int oom;
} Intern;

static int intern_grow(Intern *t)
{
  uint32_t ns = t->nslots ? t->nslots * 2 : 1 << 12;
  Slot *s = calloc(ns, sizeof *s);
  if (!s) return t->oom = 1, 0;
  for (uint32_t i = 0; i < t->nslots; i++) {
    if (!t->slots[i].id1) continue;
    uint32_t j = t->slots[i].hash & (ns - 1);
    while (s[j].id1) j = (j + 1) & (ns - 1);
    s[j] = t->slots[i];
  }
  free(t->slots);
  t->slots = s;
  t->nslots = ns;
  return 1;
}

static const char *intern_str(const Intern *t, uint32_t id) { return t->arena.p + t->off[id]; }

static uint32_t intern(Intern *t, const char *p, size_t len)
{
  if (t->n * 2 >= t->nslots && !intern_grow(t)) return GAP;
  uint64_t hd = head8(p, len);
  uint32_t h = hash_term(p, len, hd), j = h & (t->nslots - 1);
  /* Word frequencies are Zipfian: most tokens are a few hundred words,
   * which stay in a table small enough for the L1/L2 cache, while the
   * full table misses the cache on nearly every probe. */
  Slot *c = &t->cache[h & (CACHE - 1)];
  if (len <= 8 && c->id1 && c->hash == h && c->head == hd) return c->id1 - 1;
  for (;;) {
    const Slot *sl = &t->slots[j];
    if (!sl->id1) break;
    if (sl->hash == h && sl->head == hd) {
      if (len <= 8) { *c = *sl; return sl->id1 - 1; }
      const char *s = intern_str(t, sl->id1 - 1);
      if (memcmp(s, p, len) == 0 && s[len] == '\0') return sl->id1 - 1;
    }
    j = (j + 1) & (t->nslots - 1);
  }
  if (t->n == t->cap) {
    uint32_t cap = t->cap ? t->cap * 2 : 1024;
    uint32_t *o = realloc(t->off, cap * sizeof *o);
    if (o) t->off = o;
    unsigned char *st = realloc(t->stop, cap);
    if (st) t->stop = st;
    if (!o || !st) return t->oom = 1, GAP;
    t->cap = cap;
  }
  uint32_t id = t->n++;
  t->off[id] = (uint32_t)t->arena.n;
  lede_buf_add(&t->arena, p, len);
  lede_buf_addc(&t->arena, '\0');
  if (t->arena.oom) return t->oom = 1, GAP;
  t->stop[id] = t->stoplang && lede_stopword(t->stoplang, p, len);
  t->slots[j] = (Slot){hd, h, id + 1};
  return id;
}

static void intern_free(Intern *t)
{
  lede_buf_free(&t->arena);
  free(t->off);
  free(t->stop);
  free(t->slots);
}

/* ---- one document as a token stream ---------------------------------- */

typedef struct Stream {
  Intern *terms;
  uint32_t *id, *sent;          /* per position */
  size_t n, cap;
  const unsigned char *want;    /* when set, intern only where want[pos] */
  size_t nwant;                 /* and stop at this position */
  int oom;
} Stream;

static int stream_token(void *ud, const LedeToken *t)
{
  Stream *s = ud;
  if (t->flags & (LEDE_TOKF_NOPOS | LEDE_TOKF_COMPOUND)) return 0;
  if (s->want && t->pos >= s->nwant) return 1;    /* not an error: s->oom says */
  uint32_t id = t->len == 0 || t->len > MAXTERM || (s->want && !s->want[t->pos])
              ? GAP : intern(s->terms, t->term, t->len);
  if (s->terms->oom) return s->oom = 1, 1;
  if (s->n && t->pos + 1 == s->n) {       /* a part shares its whole's position */
    s->id[t->pos] = id;
    return 0;
  }
  while (s->n <= t->pos) {
    if (s->n == s->cap) {
      size_t cap = s->cap ? s->cap * 2 : 4096;
      uint32_t *a = realloc(s->id, cap * sizeof *a);
      if (a) s->id = a;
      uint32_t *b = realloc(s->sent, cap * sizeof *b);
      if (b) s->sent = b;
      if (!a || !b) return s->oom = 1, 1;
      s->cap = cap;
    }
    s->id[s->n] = GAP;
    s->sent[s->n] = t->sentence;
    s->n++;
  }
  s->id[t->pos] = id;
  return 0;
}

static int stream_doc(Stream *s, LedeAnalyzer *a, const char *text, size_t len)
{
  s->n = 0;
  int rc = lede_analyzer_each(a, text, len, stream_token, s);
  return rc != LEDE_OK || s->oom ? LEDE_ENOMEM : LEDE_OK;
}

static void stream_free(Stream *s)
{
  free(s->id);
  free(s->sent);
}

/* ---- documents to visit ---------------------------------------------- */

/* Every document in id order, or those a query matches; with the match
 * spans when asked.  The query is compiled as hits.c compiles it. */
typedef struct Visit {
  LedeStore *st;
  sqlite3_stmt *all, *one;      /* every text; one text by id */
  LedeQuery *tree;
  LedeSearch *s;
  LedeSearchOpts so;
  int64_t doc;
  const char *text;
  size_t len;
} Visit;

static int visit_open(Visit *v, LedeStore *st, const char *q, size_t maxexp, char **err)
{
  memset(v, 0, sizeof *v);
  v->st = st;
  sqlite3 *db = lede_store_db(st);
  if (!q) {
    if (sqlite3_prepare_v2(db, "SELECT id, text FROM doc_text ORDER BY id", -1, &v->all, NULL))
      return LEDE_ESTORE;
    return LEDE_OK;
  }
  if (sqlite3_prepare_v2(db, "SELECT text FROM doc_text WHERE id = ?", -1, &v->one, NULL))
    return LEDE_ESTORE;
  int rc = lede_query_parse(q, &v->tree, err);
  if (rc != LEDE_OK) return rc;
  LedeIndex *ix = lede_store_index(st);
  if (!ix) {
    if (err) *err = strdup(lede_store_index_why(st));
    return LEDE_ESTORE;
  }
  v->so.max_expansion = maxexp ? maxexp : 1000;
  v->so.normalize = lede_analyzer_terms;
  v->so.ud = lede_store_analyzer(st);
  return lede_search_new(ix, db, v->tree, &v->so, &v->s, err);
}

/* Next document with its text: 1, 0 at the end, or a negative code. */
static int visit_next(Visit *v)
{
  if (v->all) {
    int r = sqlite3_step(v->all);
    if (r == SQLITE_DONE) return 0;
    if (r != SQLITE_ROW) return LEDE_ESTORE;
    v->doc = sqlite3_column_int64(v->all, 0);
    v->text = (const char *)sqlite3_column_text(v->all, 1);
    v->len = (size_t)sqlite3_column_bytes(v->all, 1);
    return 1;
  }
  for (;;) {
    int r = lede_search_next(v->s, &v->doc, NULL);
    if (r <= 0) return r;
    sqlite3_reset(v->one);
    sqlite3_bind_int64(v->one, 1, v->doc);
    r = sqlite3_step(v->one);
    if (r == SQLITE_DONE) continue;       /* indexed but without text */
    if (r != SQLITE_ROW) return LEDE_ESTORE;
    v->text = (const char *)sqlite3_column_text(v->one, 0);
    v->len = (size_t)sqlite3_column_bytes(v->one, 0);
    if (!v->text) v->text = "";
    return 1;
  }
}

static void visit_close(Visit *v, int rc, char **err)
{
  if (rc != LEDE_OK && err && !*err && v->s && lede_search_error(v->s))
    *err = strdup(lede_search_error(v->s));
  sqlite3_finalize(v->all);
  sqlite3_finalize(v->one);
  lede_search_free(v->s);
  lede_query_free(v->tree);
}

/* ---- n-grams --------------------------------------------------------- */

typedef struct Grams {
  int n;
  uint32_t *key;                /* n ids per entry */
  uint32_t *count, *docs, *last;  /* last: visit number of the last doc */
  uint32_t len, cap;
  uint64_t *slots;
  uint32_t nslots;
  int oom;
} Grams;

static uint32_t hash_key(const uint32_t *k, int n)
{
  uint64_t h = 0x9E3779B97F4A7C15ULL;
  for (int i = 0; i < n; i++) h = (h ^ k[i]) * 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return (uint32_t)h;
}

static int grams_grow_slots(Grams *g)
{
  uint32_t ns = g->nslots ? g->nslots * 2 : 1 << 14;
  uint64_t *s = calloc(ns, sizeof *s);
  if (!s) return g->oom = 1, 0;
  for (uint32_t i = 0; i < g->nslots; i++) {
    uint64_t v = g->slots[i];
    if (!v) continue;
    uint32_t j = (uint32_t)(v >> 32) & (ns - 1);
    while (s[j]) j = (j + 1) & (ns - 1);
    s[j] = v;
  }
  free(g->slots);
  g->slots = s;
  g->nslots = ns;
  return 1;
}

static int grams_grow(Grams *g)
{
  uint32_t cap = g->cap ? g->cap * 2 : 1 << 13;
  uint32_t *k = realloc(g->key, (size_t)cap * g->n * sizeof *k);
  if (k) g->key = k;
  uint32_t *c = realloc(g->count, (size_t)cap * sizeof *c);
  if (c) g->count = c;
  uint32_t *d = realloc(g->docs, (size_t)cap * sizeof *d);
  if (d) g->docs = d;
  uint32_t *l = realloc(g->last, (size_t)cap * sizeof *l);
  if (l) g->last = l;
  if (!k || !c || !d || !l) return g->oom = 1, 0;
  g->cap = cap;
  return 1;
}

static void grams_add(Grams *g, const uint32_t *k, uint32_t visit)
{
  if (g->len * 2 >= g->nslots && !grams_grow_slots(g)) return;
  int n = g->n;
  uint32_t h = hash_key(k, n), j = h & (g->nslots - 1);
  for (;;) {
    uint64_t v = g->slots[j];
    if (!v) break;
    if ((uint32_t)(v >> 32) == h) {
      uint32_t e = (uint32_t)v - 1;
      if (memcmp(g->key + (size_t)e * n, k, n * sizeof *k) == 0) {
        g->count[e]++;
        if (g->last[e] != visit) { g->last[e] = visit; g->docs[e]++; }
        return;
      }
    }
    j = (j + 1) & (g->nslots - 1);
  }
  if (g->len == g->cap && !grams_grow(g)) return;
  uint32_t e = g->len++;
  memcpy(g->key + (size_t)e * n, k, n * sizeof *k);
  g->count[e] = 1;
  g->docs[e] = 1;
  g->last[e] = visit;
  g->slots[j] = (uint64_t)h << 32 | (e + 1);
}

static void grams_free(Grams *g)
{
  free(g->key);
  free(g->count);
  free(g->docs);
  free(g->last);
  free(g->slots);
}

/* Every visited document's stream one after the other, with a GAP after
 * each document (and between sentences when n-grams stay inside one), so
 * that an n-gram is any n positions free of GAPs.  start[d] is where
 * document d begins. */
typedef struct Seq {
  uint32_t *id;
  size_t n, cap;
  size_t *start;
  uint32_t ndocs, capd;
  int oom;
} Seq;

static void seq_push(Seq *q, uint32_t id)
{
  if (q->n == q->cap) {
    size_t cap = q->cap ? q->cap * 2 : 1 << 16;
    uint32_t *v = realloc(q->id, cap * sizeof *v);
    if (!v) { q->oom = 1; return; }
    q->id = v;
    q->cap = cap;
  }
  q->id[q->n++] = id;
}

static void seq_doc(Seq *q, const Stream *s, int within)
{
  if (q->ndocs == q->capd) {
    uint32_t cap = q->capd ? q->capd * 2 : 1024;
    size_t *v = realloc(q->start, (size_t)cap * sizeof *v);
    if (!v) { q->oom = 1; return; }
    q->start = v;
    q->capd = cap;
  }
  q->start[q->ndocs++] = q->n;
  for (size_t i = 0; i < s->n && !q->oom; i++) {
    if (within && i && s->sent[i] != s->sent[i - 1]) seq_push(q, GAP);
    seq_push(q, s->id[i]);
  }
  seq_push(q, GAP);
}

/* Calls visit(ud, first position, document) for each n-gram to count:
 * no GAP inside, no stopword at either end. */
#define EACH_NGRAM(Q_, T_, N_, BODY) do {                                     \
    uint32_t doc_ = 0;                                                    \
    size_t run_ = 0;                                                      \
    for (size_t i_ = 0; i_ < (Q_)->n; i_++) {                              \
      while (doc_ + 1 < (Q_)->ndocs && (Q_)->start[doc_ + 1] <= i_) doc_++; \
      if ((Q_)->id[i_] == GAP) { run_ = 0; continue; }                     \
      if (++run_ < (size_t)(N_)) continue;                                 \
      size_t first_ = i_ + 1 - (size_t)(N_);                               \
      if ((T_)->stoplang && ((T_)->stop[(Q_)->id[first_]] || (T_)->stop[(Q_)->id[i_]])) continue; \
      { const uint32_t *ids = (Q_)->id + first_; uint32_t doc = doc_; BODY } \
    }                                                                     \
  } while (0)

/* Unigrams: counters indexed by term id. */
static int count_unigrams(const Seq *q, const Intern *t, Grams *g)
{
  uint32_t *count = calloc(t->n ? t->n : 1, sizeof *count);
  uint32_t *docs = calloc(t->n ? t->n : 1, sizeof *docs);
  uint32_t *last = malloc((t->n ? t->n : 1) * sizeof *last);
  int rc = count && docs && last ? LEDE_OK : LEDE_ENOMEM;
  if (rc == LEDE_OK) {
    memset(last, 0xff, (t->n ? t->n : 1) * sizeof *last);
    EACH_NGRAM(q, t, 1, {
      count[ids[0]]++;
      if (last[ids[0]] != doc) { last[ids[0]] = doc; docs[ids[0]]++; }
    });
  }
  for (uint32_t id = 0; rc == LEDE_OK && id < t->n; id++) {
    if (!count[id]) continue;
    if (g->len == g->cap && !grams_grow(g)) { rc = LEDE_ENOMEM; break; }
    g->key[g->len] = id;
    g->count[g->len] = count[id];
    g->docs[g->len] = docs[id];
    g->len++;
  }
  free(count);
  free(docs);
  free(last);
  return rc;
}

static int bits_for(uint64_t v)
{
  int b = 1;
  while (b < 64 && (v >> b)) b++;
  return b;
}

/* LSD radix sort of n keys on their bits lo .. lo+bits-1, 12 bits a pass
 * or fewer.  Stable: keys equal in those bits keep their order.  Returns
 * the sorted array (a or tmp), or NULL when out of memory. */
static uint64_t *radix_sort(uint64_t *a, uint64_t *tmp, size_t n, int lo, int bits)
{
  int passes = (bits + 11) / 12, d = (bits + passes - 1) / passes;
  size_t nb = (size_t)1 << d;
  size_t *cnt = calloc(nb * (size_t)passes, sizeof *cnt);
  if (!cnt) return NULL;
  for (size_t i = 0; i < n; i++)
    for (int p = 0; p < passes; p++) cnt[(size_t)p * nb + ((a[i] >> (lo + p * d)) & (nb - 1))]++;
  for (int p = 0; p < passes; p++) {
    size_t *c = cnt + (size_t)p * nb, sum = 0;
    int trivial = 0, shift = lo + p * d;
    for (size_t k = 0; k < nb; k++) {
      if (c[k] == n) trivial = 1;
      size_t x = c[k];
      c[k] = sum;
      sum += x;
    }
    if (trivial) continue;                /* every key has this digit */
    for (size_t i = 0; i < n; i++) tmp[c[(a[i] >> shift) & (nb - 1)]++] = a[i];
    uint64_t *x = a; a = tmp; tmp = x;
  }
  free(cnt);
  return a;
}

/* n-grams as packed keys: n ids of b bits above the document ordinal.
 * Sorting on the id bits alone leaves equal n-grams in runs with their
 * documents in the order they were read, so counting the documents of a
 * run is counting changes.  Used when the key fits in 64 bits; *used
 * says whether it did. */
static int count_sorted(const Seq *q, const Intern *t, int n, Grams *g, int *used)
{
  int b = bits_for(t->n), db = bits_for(q->ndocs);
  *used = n * b + db <= 64;
  if (!*used) return LEDE_OK;
  uint64_t *k = malloc((q->n ? q->n : 1) * sizeof *k);   /* at most one per position */
  size_t m = 0;
  if (k)
    EACH_NGRAM(q, t, n, {
      uint64_t key = 0;
      for (int x = 0; x < n; x++) key = key << b | ids[x];
      k[m++] = key << db | doc;
    });
  uint64_t *tmp = malloc((m ? m : 1) * sizeof *tmp);
  if (!k || !tmp) { free(k); free(tmp); return LEDE_ENOMEM; }
  uint64_t *sorted = radix_sort(k, tmp, m, db, n * b);
  int rc = sorted ? LEDE_OK : LEDE_ENOMEM;
  uint64_t dmask = ((uint64_t)1 << db) - 1, bmask = ((uint64_t)1 << b) - 1;
  for (size_t i = 0; rc == LEDE_OK && i < m;) {
    uint64_t gram = sorted[i] >> db;
    uint32_t count = 0, docs = 0;
    uint64_t last = UINT64_MAX;
    for (; i < m && sorted[i] >> db == gram; i++) {
      count++;
      if ((sorted[i] & dmask) != last) { last = sorted[i] & dmask; docs++; }
    }
    if (g->len == g->cap && !grams_grow(g)) { rc = LEDE_ENOMEM; break; }
    uint32_t *ids = g->key + (size_t)g->len * n;
    for (int x = n - 1; x >= 0; x--, gram >>= b) ids[x] = (uint32_t)(gram & bmask);
    g->count[g->len] = count;
    g->docs[g->len] = docs;
    g->len++;
  }
  free(k);
  free(tmp);
  return rc;
}

/* The general case: a hash table of n-gram keys. */
static int count_hashed(const Seq *q, const Intern *t, int n, Grams *g)
{
  EACH_NGRAM(q, t, n, { if (!g->oom) grams_add(g, ids, doc); });
  return g->oom ? LEDE_ENOMEM : LEDE_OK;
}

static int count_ngrams(const Seq *q, const Intern *t, const LedeNgramOpts *o, Grams *g)
{
  if (o->n == 1) return count_unigrams(q, t, g);
  int used = 0, rc = LEDE_OK;
  if (!(o->flags & LEDE_NGRAM_HASH)) rc = count_sorted(q, t, o->n, g, &used);
  if (rc == LEDE_OK && !used) rc = count_hashed(q, t, o->n, g);
  return rc;
}

/* Order of the result: more frequent first, then the terms in byte
 * order, compared one term at a time (as the joined text would sort). */
typedef struct Rank { const Grams *g; const Intern *t; } Rank;

static int gram_cmp_terms(const Rank *r, uint32_t a, uint32_t b)
{
  const uint32_t *x = r->g->key + (size_t)a * r->g->n, *y = r->g->key + (size_t)b * r->g->n;
  for (int i = 0; i < r->g->n; i++) {
    if (x[i] == y[i]) continue;
    return strcmp(intern_str(r->t, x[i]), intern_str(r->t, y[i]));
  }
  return 0;
}

/* Nonzero when entry a ranks after entry b. */
static int ranks_after(const Rank *r, uint32_t a, uint32_t b)
{
  if (r->g->count[a] != r->g->count[b]) return r->g->count[a] < r->g->count[b];
  return gram_cmp_terms(r, a, b) > 0;
}

static void heap_down(const Rank *r, uint32_t *h, size_t n, size_t i)
{
  for (;;) {
    size_t l = 2 * i + 1, rr = l + 1, m = i;
    if (l < n && ranks_after(r, h[l], h[m])) m = l;
    if (rr < n && ranks_after(r, h[rr], h[m])) m = rr;
    if (m == i) return;
    uint32_t x = h[i]; h[i] = h[m]; h[m] = x;
    i = m;
  }
}

/* The entries passing min, best first; at most top when top > 0.  A heap
 * whose root is the worst kept: most entries lose to the root on count
 * alone, so the common case is one comparison. */
static uint32_t *select_top(const Rank *r, uint64_t min, size_t top, size_t *nout)
{
  const Grams *g = r->g;
  size_t cap = top ? top : g->len, n = 0;
  uint32_t *h = malloc((cap ? cap : 1) * sizeof *h);
  if (!h) return NULL;
  for (uint32_t e = 0; e < g->len; e++) {
    if (g->count[e] < min) continue;
    if (n < cap) {
      h[n++] = e;
      if (top && n == cap)
        for (size_t i = n / 2; i-- > 0;) heap_down(r, h, n, i);
    } else if (ranks_after(r, h[0], e)) {
      h[0] = e;
      heap_down(r, h, n, 0);
    }
  }
  if (!top || n < cap)
    for (size_t i = n / 2; i-- > 0;) heap_down(r, h, n, i);
  /* Heap sort: each round moves the worst left to the end, which leaves
   * the array best first. */
  for (size_t k = n; k > 1; k--) {
    uint32_t x = h[0]; h[0] = h[k - 1]; h[k - 1] = x;
    heap_down(r, h, k - 1, 0);
  }
  *nout = n;
  return h;
}

static int ngrams_result(const Grams *g, const Intern *t, const LedeNgramOpts *o, LedeNgrams *out)
{
  Rank r = {g, t};
  size_t n;
  uint32_t *pick = select_top(&r, o->min ? o->min : 1, o->top, &n);
  if (!pick) return LEDE_ENOMEM;
  out->v = malloc((n ? n : 1) * sizeof *out->v);
  LedeBuf b = {0};
  size_t *offs = malloc((n ? n : 1) * sizeof *offs);
  if (!out->v || !offs) { free(pick); free(offs); return LEDE_ENOMEM; }
  for (size_t i = 0; i < n; i++) {
    const uint32_t *k = g->key + (size_t)pick[i] * g->n;
    offs[i] = b.n;
    for (int j = 0; j < g->n; j++) {
      if (j) lede_buf_addc(&b, ' ');
      lede_buf_adds(&b, intern_str(t, k[j]));
    }
    lede_buf_addc(&b, '\0');
    out->v[i].count = g->count[pick[i]];
    out->v[i].docs = g->docs[pick[i]];
  }
  free(pick);
  if (b.oom) { free(offs); lede_buf_free(&b); return LEDE_ENOMEM; }
  out->arena = lede_buf_detach(&b, NULL);
  for (size_t i = 0; i < n; i++) out->v[i].text = out->arena + offs[i];
  free(offs);
  out->n = n;
  return LEDE_OK;
}

/* ---- bigrams: a two-level count, bounded in memory ------------------- */

/* A stream to count: a part's sequence in the reader's term ids, its
 * documents numbered from doc0. */
typedef struct Src { const Seq *q; uint32_t doc0; } Src;

/* Calls BODY with a, b (first and second term) and i (the position of b)
 * for each bigram of q that EACH_NGRAM would give whose first term is
 * in [lo, lo + span): a GAP is out of any range. */
#define EACH_BIGRAM(Q_, T_, LO_, SPAN_, BODY) do {                            \
    const uint32_t *id_ = (Q_)->id;                                       \
    for (size_t i = 1; i < (Q_)->n; i++) {                                \
      uint32_t a = id_[i - 1], b = id_[i];                                \
      if (a - (LO_) >= (SPAN_) || b == GAP) continue;                     \
      if ((T_)->stoplang && ((T_)->stop[a] || (T_)->stop[b])) continue;   \
      BODY                                                                \
    }                                                                     \
  } while (0)

/* Where counted n-grams go.  With a top, the kept entries are cut to the
 * best top whenever they pass limit: an n-gram counted fewer times than
 * the last of those can never rank among the top (ties rank by their
 * terms, so the floor itself stays), and every n-gram is complete when it
 * arrives, so the list stays exact. */
typedef struct Sink {
  Grams *g;
  const Intern *t;
  uint64_t distinct, floor;
  size_t top, limit;
  int oom;
} Sink;

static void sink_prune(Sink *k)
{
  Grams *g = k->g, kept = {.n = g->n};
  Rank r = {g, k->t};
  size_t n;
  uint32_t *pick = select_top(&r, k->floor, k->top, &n);
  if (!pick) { k->oom = 1; return; }
  for (size_t i = 0; i < n && !kept.oom; i++) {
    if (kept.len == kept.cap && !grams_grow(&kept)) break;
    memcpy(kept.key + (size_t)i * g->n, g->key + (size_t)pick[i] * g->n, g->n * sizeof *kept.key);
    kept.count[i] = g->count[pick[i]];
    kept.docs[i] = g->docs[pick[i]];
    kept.len++;
  }
  free(pick);
  grams_free(g);
  *g = kept;
  if (g->oom) { k->oom = 1; return; }
  if (n == k->top) k->floor = g->count[n - 1];
}

static void sink_add(Sink *k, const uint32_t *ids, uint32_t count, uint32_t docs)
{
  Grams *g = k->g;
  k->distinct++;
  if (count < k->floor) return;
  if (g->len == g->cap && !grams_grow(g)) { k->oom = 1; return; }
  memcpy(g->key + (size_t)g->len * g->n, ids, g->n * sizeof *ids);
  g->count[g->len] = count;
  g->docs[g->len] = docs;
  g->len++;
  if (k->top && g->len >= k->limit) sink_prune(k);
}

#define BIGRAM_BUDGET (1u << 24)  /* bigrams held at once (8 bytes each) */

/* The bigrams of one group of first terms, gathered by first term in e:
 * each run of second terms (with their documents) is counted in arrays
 * indexed by the second term. */
static void bigram_runs(Sink *k, const uint64_t *e, const size_t *off, uint32_t lo, uint32_t hi,
                        uint32_t *cnt, uint32_t *docs, uint32_t *last, uint32_t *seen)
{
  for (uint32_t a = lo; a < hi && !k->oom; a++) {
    size_t ns = 0;
    for (size_t i = off[a - lo]; i < off[a - lo + 1]; i++) {
      uint32_t b = (uint32_t)e[i], d = (uint32_t)(e[i] >> 32);
      if (!cnt[b]) seen[ns++] = b;
      cnt[b]++;
      if (last[b] != d) { last[b] = d; docs[b]++; }
    }
    for (size_t i = 0; i < ns; i++) {
      uint32_t b = seen[i], ids[2] = {a, b};
      sink_add(k, ids, cnt[b], docs[b]);
      cnt[b] = docs[b] = 0;
      last[b] = UINT32_MAX;
    }
  }
}

/* Bigrams with their first term in [lo, hi), gathered into e by a pass
 * over the sources: a bigram's document is its second position's (a
 * GAP ends each document). */
static void bigram_group(Sink *k, const Src *src, int nsrc, const Intern *t, uint32_t lo, uint32_t hi,
                         const uint32_t *per, uint64_t *e, size_t *off, uint32_t *scratch)
{
  off[0] = 0;
  for (uint32_t a = lo; a < hi; a++) off[a - lo + 1] = off[a - lo] + per[a];
  size_t *at = off + (hi - lo + 1);
  memcpy(at, off, (hi - lo) * sizeof *at);
  for (int s = 0; s < nsrc; s++) {
    const Seq *q = src[s].q;
    uint32_t d = 0;
    size_t next = q->ndocs > 1 ? q->start[1] : SIZE_MAX;
    EACH_BIGRAM(q, t, lo, hi - lo, {
      while (i >= next) next = ++d + 1 < q->ndocs ? q->start[d + 1] : SIZE_MAX;
      e[at[a - lo]++] = (uint64_t)(src[s].doc0 + d) << 32 | b;
    });
  }
  uint32_t n = t->n;
  bigram_runs(k, e, off, lo, hi, scratch, scratch + n, scratch + 2 * n, scratch + 3 * n);
}

/* Bigrams in groups of first terms, each group at most BIGRAM_BUDGET
 * bigrams (or one first term), so memory is bounded by the budget and
 * the term count, whatever the corpus size. */
static int count_bigrams(const Src *src, int nsrc, const Intern *t, Sink *k)
{
  uint32_t n = t->n ? t->n : 1;
  uint32_t *per = calloc(n, sizeof *per);
  uint32_t *scratch = malloc((size_t)n * 4 * sizeof *scratch);
  size_t *off = malloc(((size_t)n * 2 + 1) * sizeof *off);
  size_t total = 0, most = 0;
  for (int s = 0; s < nsrc && per && scratch && off; s++)
    EACH_BIGRAM(src[s].q, t, 0, t->n, { (void)b; per[a]++; total++; });
  for (uint32_t a = 0; a < n && per; a++) if (per[a] > most) most = per[a];
  size_t cap = total < BIGRAM_BUDGET ? total : BIGRAM_BUDGET;
  if (cap < most) cap = most;
  uint64_t *e = malloc((cap ? cap : 1) * sizeof *e);
  if (!per || !scratch || !off || !e) k->oom = 1;
  else {
    memset(scratch, 0, (size_t)n * 2 * sizeof *scratch);
    memset(scratch + 2 * (size_t)n, 0xff, (size_t)n * sizeof *scratch);
  }
  for (uint32_t lo = 0, hi; lo < t->n && !k->oom; lo = hi) {
    size_t sum = per[lo];
    for (hi = lo + 1; hi < t->n && sum + per[hi] <= cap; hi++) sum += per[hi];
    bigram_group(k, src, nsrc, t, lo, hi, per, e, off, scratch);
  }
  free(per);
  free(scratch);
  free(off);
  free(e);
  return k->oom ? LEDE_ENOMEM : LEDE_OK;
}

/* ---- tokenizing on two threads -------------------------------------- */

/* Tokenizing is most of the work, so documents are read in batches and a
 * worker thread tokenizes every batch it is free to take while the
 * reading thread tokenizes the others; each has its own analyzer, terms
 * and stream, and the worker's are merged in at the end.  SQLite is only
 * touched by the reading thread.  Documents end up in a different order,
 * which no count depends on. */
#define BATCH_DOCS  16
#define BATCH_BYTES (1u << 20)

typedef struct Batch { LedeBuf text; size_t off[BATCH_DOCS], len[BATCH_DOCS]; size_t n; } Batch;

typedef struct Part {
  LedeAnalyzer *a;
  int own_analyzer;
  Intern t;
  Stream s;
  Seq q;
  uint64_t tokens;
  int within, rc;
} Part;

static int part_init(Part *p, LedeAnalyzer *shared, LedeStore *st, const LedeNgramOpts *o)
{
  memset(p, 0, sizeof *p);
  p->t.stoplang = o->stopwords;
  p->s.terms = &p->t;
  p->within = o->within_sentence;
  p->a = shared;
  if (!shared) {
    LedeAnalyzerOpts ao = {lede_store_folds_diacritics(st), NULL};
    p->a = lede_analyzer_new(&ao);
    p->own_analyzer = 1;
  }
  return p->a ? LEDE_OK : LEDE_ENOMEM;
}

static void part_free(Part *p)
{
  if (p->own_analyzer) lede_analyzer_free(p->a);
  intern_free(&p->t);
  stream_free(&p->s);
  free(p->q.id);
  free(p->q.start);
}

static void part_doc(Part *p, const char *text, size_t len)
{
  if (p->rc != LEDE_OK) return;
  p->rc = stream_doc(&p->s, p->a, text, len);
  if (p->rc != LEDE_OK) return;
  seq_doc(&p->q, &p->s, p->within);
  if (p->q.oom) p->rc = LEDE_ENOMEM;
  p->tokens += p->s.n;
}

static void part_batch(Part *p, const Batch *b)
{
  for (size_t i = 0; i < b->n; i++) part_doc(p, b->text.p + b->off[i], b->len[i]);
}

/* The worker's term ids as the reader's: a new term is interned. */
static uint32_t *part_map(Part *to, const Part *from)
{
  uint32_t *map = malloc((from->t.n ? from->t.n : 1) * sizeof *map);
  if (!map) return NULL;
  for (uint32_t id = 0; id < from->t.n; id++) {
    const char *term = intern_str(&from->t, id);
    map[id] = intern(&to->t, term, strlen(term));
  }
  if (to->t.oom) { free(map); return NULL; }
  return map;
}

/* Append the worker's stream to the reader's, its term ids mapped. */
static int part_merge(Part *to, const Part *from)
{
  uint32_t *map = part_map(to, from);
  if (!map) return LEDE_ENOMEM;
  int rc = LEDE_OK;
  const Seq *f = &from->q;
  for (uint32_t d = 0; rc == LEDE_OK && d < f->ndocs; d++) {
    if (to->q.ndocs == to->q.capd) {
      uint32_t cap = to->q.capd ? to->q.capd * 2 : 1024;
      size_t *v = realloc(to->q.start, (size_t)cap * sizeof *v);
      if (!v) { rc = LEDE_ENOMEM; break; }
      to->q.start = v;
      to->q.capd = cap;
    }
    to->q.start[to->q.ndocs++] = to->q.n;
    size_t end = d + 1 < f->ndocs ? f->start[d + 1] : f->n;
    for (size_t i = f->start[d]; i < end; i++) seq_push(&to->q, f->id[i] == GAP ? GAP : map[f->id[i]]);
    if (to->q.oom) rc = LEDE_ENOMEM;
  }
  to->tokens += from->tokens;
  free(map);
  return rc;
}

/* Bigrams straight from both parts' streams, without appending one to
 * the other (which would hold both at once): the worker's ids are
 * mapped in place. */
static int part_bigrams(Part *p, Part *w, const LedeNgramOpts *o, Grams *g, uint64_t *distinct)
{
  Src src[2] = {{&p->q, 0}, {&w->q, p->q.ndocs}};
  int nsrc = w->q.ndocs ? 2 : 1;
  if (nsrc == 2) {
    uint32_t *map = part_map(p, w);
    if (!map) return LEDE_ENOMEM;
    for (size_t i = 0; i < w->q.n; i++) if (w->q.id[i] != GAP) w->q.id[i] = map[w->q.id[i]];
    free(map);
  }
  Sink k = {g, &p->t, 0, o->min ? o->min : 1, o->top, o->top + (1u << 20), 0};
  int rc = count_bigrams(src, nsrc, &p->t, &k);
  *distinct = k.distinct;
  return rc;
}

typedef struct Worker {
  Part part;
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  Batch *job;                   /* the batch being tokenized, or NULL */
  int stop, started;
} Worker;

static void *work(void *arg)
{
  Worker *w = arg;
  pthread_mutex_lock(&w->mu);
  for (;;) {
    while (!w->job && !w->stop) pthread_cond_wait(&w->cv, &w->mu);
    if (!w->job) break;
    Batch *b = w->job;
    pthread_mutex_unlock(&w->mu);
    part_batch(&w->part, b);
    pthread_mutex_lock(&w->mu);
    w->job = NULL;
    pthread_cond_broadcast(&w->cv);
  }
  pthread_mutex_unlock(&w->mu);
  return NULL;
}

static int threads_wanted(void)
{
  const char *e = getenv("LEDE_THREADS");
  if (e && *e) return atoi(e) > 1 ? 2 : 1;
  return lede_cores() > 1 ? 2 : 1;
}

/* Give b to the worker when it is idle (returning the batch it finished
 * with, for the reader to fill next); otherwise NULL. */
static Batch *hand_over(Worker *w, Batch *b, Batch *spare)
{
  if (!w->started) return NULL;
  pthread_mutex_lock(&w->mu);
  Batch *r = NULL;
  if (!w->job) { w->job = b; r = spare; pthread_cond_broadcast(&w->cv); }
  pthread_mutex_unlock(&w->mu);
  return r;
}

static void worker_stop(Worker *w)
{
  if (!w->started) return;
  pthread_mutex_lock(&w->mu);
  w->stop = 1;
  pthread_cond_broadcast(&w->cv);
  pthread_mutex_unlock(&w->mu);
  pthread_join(w->th, NULL);
  pthread_mutex_destroy(&w->mu);
  pthread_cond_destroy(&w->cv);
  w->started = 0;
}

/* Read and tokenize every visited document into p. */
static int read_all(Visit *v, Part *p, Worker *w)
{
  Batch bufs[2], *cur = &bufs[0], *spare = &bufs[1];
  memset(bufs, 0, sizeof bufs);
  int more;
  while ((more = visit_next(v)) == 1 && p->rc == LEDE_OK) {
    if (!w->started) { part_doc(p, v->text, v->len); continue; }
    cur->off[cur->n] = cur->text.n;
    cur->len[cur->n++] = v->len;
    lede_buf_add(&cur->text, v->text, v->len);
    if (cur->text.oom) { p->rc = LEDE_ENOMEM; break; }
    if (cur->n < BATCH_DOCS && cur->text.n < BATCH_BYTES) continue;
    Batch *next = hand_over(w, cur, spare);
    if (next) { spare = cur; cur = next; }
    else part_batch(p, cur);
    cur->n = cur->text.n = 0;
  }
  if (w->started && cur->n) part_batch(p, cur);
  worker_stop(w);
  lede_buf_free(&bufs[0].text);
  lede_buf_free(&bufs[1].text);
  if (more < 0) return more;
  if (p->rc != LEDE_OK) return p->rc;
  return w->part.rc;
}

int lede_ngrams(LedeStore *st, const LedeNgramOpts *o, LedeNgrams *out, char **err)
{
  memset(out, 0, sizeof *out);
  if (err) *err = NULL;
  if (o->n < 1 || o->n > LEDE_NGRAM_MAX) return LEDE_EMISUSE;
  Part *p = malloc(sizeof *p);
  Worker *w = calloc(1, sizeof *w);
  if (!p || !w) { free(p); free(w); return LEDE_ENOMEM; }
  int rc = part_init(p, lede_store_analyzer(st), st, o);
  int threads = o->threads ? o->threads : threads_wanted();
  if (rc == LEDE_OK && threads > 1 && part_init(&w->part, NULL, st, o) == LEDE_OK) {
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    w->started = pthread_create(&w->th, NULL, work, w) == 0;
  }
  Visit v;
  memset(&v, 0, sizeof v);
  Grams g = {.n = o->n};
  if (rc == LEDE_OK) rc = visit_open(&v, st, o->where, o->max_expansion, err);
  if (rc == LEDE_OK) rc = read_all(&v, p, w);
  else worker_stop(w);
  int direct = o->n == 2 && !(o->flags & LEDE_NGRAM_HASH);
  out->tokens = p->tokens + w->part.tokens;
  out->ndocs = p->q.ndocs + w->part.q.ndocs;
  if (rc == LEDE_OK && direct) rc = part_bigrams(p, &w->part, o, &g, &out->distinct);
  else if (rc == LEDE_OK && w->part.q.ndocs) rc = part_merge(p, &w->part);
  part_free(&w->part);
  stream_free(&p->s);
  p->s = (Stream){.terms = &p->t};
  if (rc == LEDE_OK && !direct) rc = count_ngrams(&p->q, &p->t, o, &g);
  free(p->q.id);
  free(p->q.start);
  p->q = (Seq){0};
  if (!direct) out->distinct = g.len;
  if (rc == LEDE_OK) rc = ngrams_result(&g, &p->t, o, out);
  visit_close(&v, rc, err);
  grams_free(&g);
  part_free(p);
  free(p);
  free(w);
  if (rc != LEDE_OK) lede_ngrams_free(out);
  return rc;
}

void lede_ngrams_free(LedeNgrams *g)
{
  if (!g) return;
  free(g->v);
  free(g->arena);
  g->v = NULL;
  g->arena = NULL;
  g->n = 0;
}

/* ---- collocates ------------------------------------------------------ */

typedef struct Window {
  uint64_t *obs;                /* per term id */
  uint32_t cap;
  uint64_t slots;
  int oom;
} Window;

static void window_count(Window *w, const Stream *s, size_t p)
{
  uint32_t id = s->id[p];
  w->slots++;
  if (id == GAP) return;
  if (id >= w->cap) {
    uint32_t cap = w->cap ? w->cap : 1024;
    while (cap <= id) cap *= 2;
    uint64_t *o = realloc(w->obs, (size_t)cap * sizeof *o);
    if (!o) { w->oom = 1; return; }
    memset(o + w->cap, 0, (size_t)(cap - w->cap) * sizeof *o);
    w->obs = o;
    w->cap = cap;
  }
  w->obs[id]++;
}

/* The positions the windows of a document's spans cover, in s->want:
 * only their terms are interned and the tokenizer stops after the last
 * (most of a document lies outside every window of a rare node, and
 * interning is most of the cost of a term). */
static int want_windows(Stream *s, unsigned char **mask, size_t *cap, const uint32_t *a,
                        const uint32_t *b, size_t nspan, const LedeCollocOpts *o)
{
  size_t n = 0;
  for (size_t i = 0; i < nspan; i++)
    if ((size_t)b[i] + o->right + 1 > n) n = (size_t)b[i] + o->right + 1;
  if (n > *cap) {
    unsigned char *m = realloc(*mask, n);
    if (!m) return LEDE_ENOMEM;
    *mask = m;
    *cap = n;
  }
  memset(*mask, 0, n);
  for (size_t i = 0; i < nspan; i++) {
    size_t lo = a[i] >= o->left ? a[i] - o->left : 0;
    memset(*mask + lo, 1, a[i] - lo);
    memset(*mask + b[i] + 1, 1, o->right);
  }
  s->want = *mask;
  s->nwant = n;
  return LEDE_OK;
}

static void count_windows(Window *w, const Stream *s, const uint32_t *a, const uint32_t *b,
                          size_t nspan, const LedeCollocOpts *o)
{
  for (size_t i = 0; i < nspan; i++) {
    if (b[i] >= s->n) continue;
    size_t lo = a[i] >= o->left ? a[i] - o->left : 0;
    for (size_t p = lo; p < a[i]; p++)
      if (!o->within_sentence || s->sent[p] == s->sent[a[i]]) window_count(w, s, p);
    size_t hi = (size_t)b[i] + o->right;
    if (hi >= s->n) hi = s->n - 1;
    for (size_t p = (size_t)b[i] + 1; p <= hi; p++)
      if (!o->within_sentence || s->sent[p] == s->sent[b[i]]) window_count(w, s, p);
  }
}

/* N: the token positions of every live document, as the index counts
 * them (removed documents are gone from docs). */
static int corpus_tokens(LedeStore *st, LedeIndex *ix, uint64_t *n)
{
  sqlite3_stmt *q;
  *n = 0;
  if (sqlite3_prepare_v2(lede_store_db(st), "SELECT id FROM docs", -1, &q, NULL)) return LEDE_ESTORE;
  while (sqlite3_step(q) == SQLITE_ROW) *n += lede_index_doclen(ix, sqlite3_column_int64(q, 0));
  sqlite3_finalize(q);
  return LEDE_OK;
}

static int collocs_result(const Window *w, const Intern *t, LedeIndex *ix, LedeCollocs *out)
{
  size_t n = 0;
  for (uint32_t id = 0; id < w->cap && id < t->n; id++) n += w->obs[id] > 0;
  out->v = malloc((n ? n : 1) * sizeof *out->v);
  out->arena = malloc(t->arena.n + 1);
  if (!out->v || !out->arena) return LEDE_ENOMEM;
  memcpy(out->arena, t->arena.p ? t->arena.p : "", t->arena.n);
  for (uint32_t id = 0; id < w->cap && id < t->n; id++) {
    if (!w->obs[id]) continue;
    LedeColloc *c = &out->v[out->n++];
    c->term = out->arena + t->off[id];
    c->observed = w->obs[id];
    LedeTermStats ts;
    if (lede_index_lookup(ix, c->term, strlen(c->term), &ts) == 1 && ts.cf >= c->observed)
      c->freq = ts.cf;
    else
      c->freq = c->observed;    /* a term the index does not keep */
  }
  return LEDE_OK;
}

int lede_collocates(LedeStore *st, const char *q, const LedeCollocOpts *o,
                    LedeCollocs *out, char **err)
{
  memset(out, 0, sizeof *out);
  if (err) *err = NULL;
  Intern t = {0};
  Stream s = {.terms = &t};
  Window w = {0};
  Visit v;
  LedeAnalyzer *a = lede_store_analyzer(st);
  unsigned char *mask = NULL;
  size_t maskcap = 0;
  int rc = visit_open(&v, st, q, o->max_expansion, err);
  int more = 0;
  while (rc == LEDE_OK && (more = visit_next(&v)) == 1) {
    uint32_t *sa, *sb;
    size_t nspan;
    rc = lede_search_spans(v.s, &sa, &sb, &nspan);
    if (rc != LEDE_OK) break;
    if (nspan) {
      rc = want_windows(&s, &mask, &maskcap, sa, sb, nspan, o);
      if (rc == LEDE_OK) rc = stream_doc(&s, a, v.text, v.len);
      if (rc == LEDE_OK) count_windows(&w, &s, sa, sb, nspan, o);
      if (w.oom) rc = LEDE_ENOMEM;
      out->node_freq += nspan;
      out->node_docs++;
    }
    free(sa);
    free(sb);
  }
  if (rc == LEDE_OK && more < 0) rc = more;
  out->window_slots = w.slots;
  LedeIndex *ix = rc == LEDE_OK ? lede_store_index(st) : NULL;
  if (rc == LEDE_OK && !ix) rc = LEDE_ESTORE;
  if (rc == LEDE_OK) rc = corpus_tokens(st, ix, &out->tokens);
  if (rc == LEDE_OK) rc = collocs_result(&w, &t, ix, out);
  visit_close(&v, rc, err);
  free(w.obs);
  free(mask);
  stream_free(&s);
  intern_free(&t);
  if (rc != LEDE_OK) lede_collocs_free(out);
  return rc;
}

void lede_collocs_free(LedeCollocs *c)
{
  if (!c) return;
  free(c->v);
  free(c->arena);
  c->v = NULL;
  c->arena = NULL;
  c->n = 0;
}
