/*
 * minhash.c -- near-duplicate documents: shingles, MinHash signatures,
 * LSH banding, exact confirmation.  The method is described in
 * include/lede/dedupe.h.
 *
 * Signatures are kept in the corpus file so that only the first call pays
 * for tokenizing every text:
 *   lede_minhash(key INTEGER PRIMARY KEY, n INTEGER, sig BLOB)
 *     key = document id * 16 + shingle size (one row per document and
 *     shingle size; ids are never reused, so a row can only go stale when
 *     its document is removed, and rows are read joined with docs);
 *     n = shingles counted with repeats (0: a text without words, left
 *     out of every comparison); sig = LEDE_MINHASH_SLOTS little-endian
 *     uint32 values.
 * The table is made on first use; a read-only corpus computes what it
 * lacks in memory each time.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include "lede_int.h"
#include "lede/dedupe.h"

#define SLOTS LEDE_MINHASH_SLOTS
#define SLOT_SHIFT 56               /* top 8 bits of a hash pick the slot */
#define EMPTY_SIG 0xFFFFFFFFu       /* a text with no words */
#define BIG_BUCKET 64               /* larger LSH buckets pair with one member */
#define MARGIN 0.1                  /* estimates this far below the threshold
                                     * still get the exact check (> 3 sigma) */

/* ---- shingles ------------------------------------------------------------ */

typedef struct Shingles {
  uint64_t *h;
  size_t n, cap;
  int oom;
} Shingles;

typedef struct ShCtx {
  Shingles *s;
  int k, nring;
  uint64_t ring[LEDE_SHINGLE_MAX];
  int64_t last;
} ShCtx;

static uint64_t mix64(uint64_t h)
{
  h ^= h >> 33; h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

static void push(Shingles *s, uint64_t h)
{
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 512;
    uint64_t *p = realloc(s->h, cap * sizeof *p);
    if (!p) { s->oom = 1; return; }
    s->h = p;
    s->cap = cap;
  }
  s->h[s->n++] = h;
}

/* The hash of the last m words, oldest first. */
static uint64_t shingle_hash(const ShCtx *x, int m)
{
  uint64_t h = 0x6d696e68617368ULL;
  for (int i = m; i > 0; i--)
    h = (h ^ x->ring[(x->nring - i) % LEDE_SHINGLE_MAX]) * 0x9E3779B97F4A7C15ULL;
  return mix64(h);
}

/* One word per position, as a phrase sees the text: a compound's parts,
 * not its whole. */
static int shingle_token(void *ud, const LedeToken *t)
{
  ShCtx *x = ud;
  if (t->flags & (LEDE_TOKF_NOPOS | LEDE_TOKF_COMPOUND)) return 0;
  if ((int64_t)t->pos == x->last) return 0;
  x->last = t->pos;
  x->ring[x->nring % LEDE_SHINGLE_MAX] = lede_hash64(t->term, t->len, 0x5348);
  x->nring++;
  if (x->nring >= x->k) push(x->s, shingle_hash(x, x->k));
  return x->s->oom;
}

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* The shingles of a text in s (reset first); with distinct, sorted and
 * without repeats, as the exact Jaccard index needs (a signature does
 * not: a repeat cannot change a minimum, and sorting is most of the cost
 * of signing). */
static int shingles(LedeAnalyzer *an, const char *text, size_t len, int k, Shingles *s,
                    int distinct)
{
  ShCtx x = {.s = s, .k = k, .last = -1};
  s->n = 0;
  s->oom = 0;
  int rc = lede_analyzer_each(an, text, len, shingle_token, &x);
  if (rc != LEDE_OK || s->oom) return LEDE_ENOMEM;
  if (x.nring > 0 && x.nring < k) push(s, shingle_hash(&x, x.nring));
  if (s->oom) return LEDE_ENOMEM;
  if (!distinct) return LEDE_OK;
  if (s->n > 1) qsort(s->h, s->n, sizeof *s->h, cmp_u64);
  size_t m = 0;
  for (size_t i = 0; i < s->n; i++)
    if (m == 0 || s->h[i] != s->h[m - 1]) s->h[m++] = s->h[i];
  s->n = m;
  return LEDE_OK;
}

/* ---- signatures ------------------------------------------------------------ */

static void sign(const Shingles *s, uint32_t sig[SLOTS])
{
  unsigned char filled[SLOTS] = {0};
  uint32_t own[SLOTS];
  for (int i = 0; i < SLOTS; i++) own[i] = EMPTY_SIG;
  for (size_t i = 0; i < s->n; i++) {
    unsigned slot = (unsigned)(s->h[i] >> SLOT_SHIFT);
    uint32_t v = (uint32_t)s->h[i];
    if (!filled[slot] || v < own[slot]) own[slot] = v;
    filled[slot] = 1;
  }
  for (int i = 0; i < SLOTS; i++) {
    sig[i] = own[i];
    if (filled[i] || s->n == 0) continue;
    /* borrow from the first filled slot of this slot's fixed sequence */
    for (uint64_t a = 1;; a++) {
      unsigned j = (unsigned)(mix64(((uint64_t)i << 32) ^ a) % SLOTS);
      if (filled[j]) { sig[i] = own[j]; break; }
    }
  }
}

double lede_minhash_estimate(const uint32_t *a, const uint32_t *b)
{
  int same = 0;
  for (int i = 0; i < SLOTS; i++) same += a[i] == b[i];
  return (double)same / SLOTS;
}

static double jaccard(const Shingles *a, const Shingles *b)
{
  if (a->n == 0 || b->n == 0) return 0;
  size_t i = 0, j = 0, both = 0;
  while (i < a->n && j < b->n) {
    if (a->h[i] < b->h[j]) i++;
    else if (a->h[i] > b->h[j]) j++;
    else { both++; i++; j++; }
  }
  return (double)both / (double)(a->n + b->n - both);
}

static LedeAnalyzer *default_analyzer(void)
{
  LedeAnalyzerOpts o = {1, NULL};
  return lede_analyzer_new(&o);
}

long lede_minhash_text(const char *text, size_t len, int shingle, uint32_t sig[SLOTS])
{
  if (shingle < 1 || shingle > LEDE_SHINGLE_MAX) return LEDE_EMISUSE;
  LedeAnalyzer *an = default_analyzer();
  if (!an) return LEDE_ENOMEM;
  Shingles s = {0};
  int rc = shingles(an, text, len, shingle, &s, 1);
  if (rc == LEDE_OK) sign(&s, sig);
  long n = rc == LEDE_OK ? (long)s.n : rc;
  free(s.h);
  lede_analyzer_free(an);
  return n;
}

double lede_jaccard_text(const char *a, size_t alen, const char *b, size_t blen, int shingle)
{
  if (shingle < 1 || shingle > LEDE_SHINGLE_MAX) return LEDE_EMISUSE;
  LedeAnalyzer *an = default_analyzer();
  if (!an) return LEDE_ENOMEM;
  Shingles sa = {0}, sb = {0};
  int rc = shingles(an, a, alen, shingle, &sa, 1);
  if (rc == LEDE_OK) rc = shingles(an, b, blen, shingle, &sb, 1);
  double j = rc == LEDE_OK ? jaccard(&sa, &sb) : rc;
  free(sa.h);
  free(sb.h);
  lede_analyzer_free(an);
  return j;
}

/* The most rows per band (fewest false candidates) that still makes a
 * pair at the threshold a candidate with probability >= 0.95; never
 * fewer than 2, since one-slot bands make nearly every pair of a large
 * corpus a candidate. */
int lede_minhash_rows(double t)
{
  for (int r = 16; r > 2; r--) {
    double p = 1 - pow(1 - pow(t, r), SLOTS / r);
    if (p >= 0.95) return r;
  }
  return 2;
}

/* ---- signatures in the corpus -------------------------------------------------- */

typedef struct SigSet {
  int64_t *id;
  uint32_t *sig;      /* SLOTS per document */
  size_t n, cap;
} SigSet;

static int sigset_add(SigSet *ss, int64_t id, const uint32_t *sig)
{
  if (ss->n == ss->cap) {
    size_t cap = ss->cap ? ss->cap * 2 : 1024;
    int64_t *ids = realloc(ss->id, cap * sizeof *ids);
    if (!ids) return LEDE_ENOMEM;
    ss->id = ids;
    uint32_t *sigs = realloc(ss->sig, cap * SLOTS * sizeof *sigs);
    if (!sigs) return LEDE_ENOMEM;
    ss->sig = sigs;
    ss->cap = cap;
  }
  ss->id[ss->n] = id;
  memcpy(ss->sig + ss->n * SLOTS, sig, SLOTS * sizeof *sig);
  ss->n++;
  return LEDE_OK;
}

static void sigset_free(SigSet *ss)
{
  free(ss->id);
  free(ss->sig);
}

static void sig_encode(const uint32_t *sig, unsigned char *out)
{
  for (int i = 0; i < SLOTS; i++) {
    out[4 * i] = (unsigned char)sig[i];
    out[4 * i + 1] = (unsigned char)(sig[i] >> 8);
    out[4 * i + 2] = (unsigned char)(sig[i] >> 16);
    out[4 * i + 3] = (unsigned char)(sig[i] >> 24);
  }
}

static void sig_decode(const unsigned char *p, uint32_t *sig)
{
  for (int i = 0; i < SLOTS; i++)
    sig[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8
           | (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
}

/* SQLite's message stays on the connection for the caller to report. */
static int fail(LedeStore *st, int rc)
{
  (void)st;
  return rc == SQLITE_NOMEM ? LEDE_ENOMEM : LEDE_ESTORE;
}

/* Stored signatures of documents that still exist (empty texts left out). */
static int read_sigs(LedeStore *st, int k, SigSet *ss)
{
  sqlite3 *db = lede_store_db(st);
  sqlite3_stmt *s;
  int rc = sqlite3_prepare_v2(db,
    "SELECT m.key >> 4, m.sig FROM lede_minhash m JOIN docs d ON d.id = m.key >> 4"
    " WHERE m.key & 15 = ?1 AND m.n > 0 ORDER BY m.key", -1, &s, NULL);
  if (rc != SQLITE_OK) return fail(st, rc);
  sqlite3_bind_int(s, 1, k);
  uint32_t sig[SLOTS];
  int lrc = LEDE_OK;
  while (lrc == LEDE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (sqlite3_column_bytes(s, 1) != SLOTS * 4) continue;
    sig_decode(sqlite3_column_blob(s, 1), sig);
    lrc = sigset_add(ss, sqlite3_column_int64(s, 0), sig);
  }
  sqlite3_finalize(s);
  if (lrc != LEDE_OK) return lrc;
  return rc == SQLITE_DONE ? LEDE_OK : fail(st, rc);
}

static int table_exists(sqlite3 *db)
{
  sqlite3_stmt *t;
  int yes = 0;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE name='lede_minhash'", -1, &t, NULL) == SQLITE_OK) {
    yes = sqlite3_step(t) == SQLITE_ROW;
    sqlite3_finalize(t);
  }
  return yes;
}

/* Texts of the documents without a stored signature (all of them when
 * the table is missing), in id order. */
static sqlite3_stmt *missing(sqlite3 *db, int k, int has_table, int only_one)
{
  char q[320];
  snprintf(q, sizeof q, "SELECT d.id, t.text FROM docs d JOIN doc_text t ON t.id = d.id%s%s",
           has_table ? " WHERE NOT EXISTS (SELECT 1 FROM lede_minhash m WHERE m.key = d.id * 16 + ?1)"
                     : " WHERE ?1 > 0",
           only_one ? " LIMIT 1" : " ORDER BY d.id");
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK) return NULL;
  sqlite3_bind_int(s, 1, k);
  return s;
}

/* Store the signatures computed now, in one transaction, when the corpus
 * is writable, no transaction of the user's is open, and the write lock
 * can be had within the busy timeout; otherwise (read-only, or another
 * process still loading) they are computed all the same and kept in
 * memory only, so db:duplicates never fails for want of a lock. */
static int begin_store(LedeStore *st, sqlite3_stmt **ins)
{
  sqlite3 *db = lede_store_db(st);
  *ins = NULL;
  if (sqlite3_db_readonly(db, "main") || !sqlite3_get_autocommit(db)) return 0;
  if (lede_store_begin(st) != LEDE_OK) return 0;
  if (sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS lede_minhash(key INTEGER PRIMARY KEY,"
                   " n INTEGER NOT NULL, sig BLOB NOT NULL)", NULL, NULL, NULL) != SQLITE_OK
      || sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO lede_minhash(key, n, sig) VALUES(?,?,?)",
                            -1, ins, NULL) != SQLITE_OK) {
    lede_store_rollback(st);
    *ins = NULL;
    return 0;
  }
  return 1;
}

/* Texts are signed a batch at a time, the batch split between this
 * thread and a helper when there are two cores: tokenizing is nearly all
 * the cost, and SQLite reads and writes stay on this thread. */
#define BATCH 256

typedef struct Batch {
  int n, k;
  int64_t id[BATCH];
  char *text[BATCH];
  size_t len[BATCH];
  long nsh[BATCH];
  uint32_t sig[BATCH][SLOTS];
} Batch;

typedef struct Signer {
  Batch *b;
  LedeAnalyzer *an;
  Shingles sh;
  int from, rc;
} Signer;

static void *sign_share(void *arg)
{
  Signer *w = arg;
  for (int i = w->from; i < w->b->n && w->rc == LEDE_OK; i += 2) {
    w->rc = shingles(w->an, w->b->text[i], w->b->len[i], w->b->k, &w->sh, 0);
    sign(&w->sh, w->b->sig[i]);
    w->b->nsh[i] = (long)w->sh.n;
  }
  return NULL;
}

static int two_cores(void)
{
  const char *e = getenv("LEDE_THREADS");
  long n = e && *e ? atol(e) : lede_cores();
  return n > 1;
}

/* Sign the batch: the helper (when there is one) takes the odd texts. */
static int sign_batch(Signer *me, Signer *helper)
{
  pthread_t t;
  me->from = 0;
  me->rc = LEDE_OK;
  int threaded = 0;
  if (helper) {
    helper->b = me->b;
    helper->from = 1;
    helper->rc = LEDE_OK;
    threaded = pthread_create(&t, NULL, sign_share, helper) == 0;
  }
  if (!threaded) {
    for (int i = 0; i < me->b->n && me->rc == LEDE_OK; i++) {
      me->rc = shingles(me->an, me->b->text[i], me->b->len[i], me->b->k, &me->sh, 0);
      sign(&me->sh, me->b->sig[i]);
      me->b->nsh[i] = (long)me->sh.n;
    }
    return me->rc;
  }
  sign_share(me);
  pthread_join(t, NULL);
  return me->rc != LEDE_OK ? me->rc : helper->rc;
}

/* Keep the batch's signatures: in ss, and in the table when storing. */
static int keep_batch(LedeStore *st, Batch *b, SigSet *ss, sqlite3_stmt *ins)
{
  unsigned char blob[SLOTS * 4];
  for (int i = 0; i < b->n; i++) {
    if (ss && b->nsh[i] > 0 && sigset_add(ss, b->id[i], b->sig[i]) != LEDE_OK) return LEDE_ENOMEM;
    if (!ins) continue;
    sig_encode(b->sig[i], blob);
    sqlite3_bind_int64(ins, 1, b->id[i] * 16 + b->k);
    sqlite3_bind_int64(ins, 2, (sqlite3_int64)b->nsh[i]);
    sqlite3_bind_blob(ins, 3, blob, sizeof blob, SQLITE_STATIC);
    int irc = sqlite3_step(ins);
    sqlite3_reset(ins);
    if (irc != SQLITE_DONE) return fail(st, irc);
  }
  return LEDE_OK;
}

static void clear_batch(Batch *b)
{
  for (int i = 0; i < b->n; i++) free(b->text[i]);
  b->n = 0;
}

/* Sign every document without a stored signature; store the signatures
 * when possible, and add them to ss (when not NULL). */
static int sign_missing(LedeStore *st, int k, SigSet *ss, long *computed)
{
  sqlite3 *db = lede_store_db(st);
  int has_table = table_exists(db), rc = LEDE_OK, src;
  *computed = 0;
  sqlite3_stmt *probe = missing(db, k, has_table, 1);
  if (!probe) return LEDE_ESTORE;
  src = sqlite3_step(probe);
  sqlite3_finalize(probe);
  if (src == SQLITE_DONE) return LEDE_OK;       /* nothing to sign */
  if (src != SQLITE_ROW) return fail(st, src);
  Batch *b = calloc(1, sizeof *b);
  if (!b) return LEDE_ENOMEM;
  b->k = k;
  Signer me = {b, lede_store_analyzer(st), {0}, 0, 0}, helper = {b, NULL, {0}, 1, 0};
  if (two_cores()) {
    LedeAnalyzerOpts ao = {lede_store_folds_diacritics(st), NULL};
    helper.an = lede_analyzer_new(&ao);
  }
  sqlite3_stmt *ins;
  int in_txn = begin_store(st, &ins);
  sqlite3_stmt *sel = missing(db, k, has_table && table_exists(db), 0);
  if (!sel) rc = LEDE_ESTORE;
  src = SQLITE_DONE;
  while (rc == LEDE_OK) {
    src = sqlite3_step(sel);
    if (src == SQLITE_ROW) {
      const char *text = (const char *)sqlite3_column_text(sel, 1);
      size_t len = (size_t)sqlite3_column_bytes(sel, 1);
      b->id[b->n] = sqlite3_column_int64(sel, 0);
      b->len[b->n] = text ? len : 0;
      b->text[b->n] = text ? strndup(text, len) : strdup("");
      if (!b->text[b->n]) { rc = LEDE_ENOMEM; break; }
      b->n++;
    }
    if (b->n == BATCH || (src != SQLITE_ROW && b->n > 0)) {
      rc = sign_batch(&me, helper.an ? &helper : NULL);
      if (rc == LEDE_OK) rc = keep_batch(st, b, ss, ins);
      *computed += b->n;
      clear_batch(b);
    }
    if (src != SQLITE_ROW) break;
  }
  if (rc == LEDE_OK && src != SQLITE_DONE) rc = fail(st, src);
  clear_batch(b);
  sqlite3_finalize(sel);
  sqlite3_finalize(ins);
  free(me.sh.h);
  free(helper.sh.h);
  lede_analyzer_free(helper.an);
  free(b);
  if (in_txn) {
    if (rc == LEDE_OK) rc = lede_store_commit(st);
    else lede_store_rollback(st);
  }
  return rc;
}

int lede_minhash_update(LedeStore *st, int shingle, long *computed)
{
  long dummy;
  if (shingle < 1 || shingle > LEDE_SHINGLE_MAX) return LEDE_EMISUSE;
  return sign_missing(st, shingle, NULL, computed ? computed : &dummy);
}

/* ---- candidate pairs -------------------------------------------------------- */

/* A set of index pairs (i < j) packed into 64 bits, open addressing. */
typedef struct PairSet {
  uint64_t *slot;     /* 0 = empty; stored as packed + 1 */
  size_t n, cap;
} PairSet;

static int pairset_add(PairSet *ps, uint32_t i, uint32_t j)
{
  if ((ps->n + 1) * 2 > ps->cap) {
    size_t cap = ps->cap ? ps->cap * 2 : 1024;
    uint64_t *s = calloc(cap, sizeof *s);
    if (!s) return LEDE_ENOMEM;
    for (size_t a = 0; a < ps->cap; a++) {
      if (!ps->slot[a]) continue;
      size_t h = mix64(ps->slot[a]) & (cap - 1);
      while (s[h]) h = (h + 1) & (cap - 1);
      s[h] = ps->slot[a];
    }
    free(ps->slot);
    ps->slot = s;
    ps->cap = cap;
  }
  uint64_t key = ((uint64_t)i << 32 | j) + 1;
  size_t h = mix64(key) & (ps->cap - 1);
  while (ps->slot[h]) {
    if (ps->slot[h] == key) return LEDE_OK;
    h = (h + 1) & (ps->cap - 1);
  }
  ps->slot[h] = key;
  ps->n++;
  return LEDE_OK;
}

typedef struct BandEntry { uint64_t key; uint32_t idx; } BandEntry;

static int cmp_band(const void *a, const void *b)
{
  const BandEntry *x = a, *y = b;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Is the pair worth looking at: new enough, and estimated close enough? */
static int wanted(const SigSet *ss, const LedeDupOpts *o, uint32_t i, uint32_t j)
{
  int64_t later = ss->id[i] > ss->id[j] ? ss->id[i] : ss->id[j];
  if (o->newer_than > 0 && later <= o->newer_than) return 0;
  return lede_minhash_estimate(ss->sig + (size_t)i * SLOTS, ss->sig + (size_t)j * SLOTS)
         >= o->threshold - MARGIN;
}

/* Documents sharing a whole band are candidates.  A bucket larger than
 * BIG_BUCKET (a band of very common shingles, or a large cluster) pairs
 * each member with the next only: a large true cluster still joins up
 * through the chain and its other bands, and the work stays linear. */
static int candidates(const SigSet *ss, const LedeDupOpts *o, PairSet *ps)
{
  int r = lede_minhash_rows(o->threshold), bands = SLOTS / r;
  BandEntry *e = malloc((ss->n ? ss->n : 1) * sizeof *e);
  if (!e) return LEDE_ENOMEM;
  int rc = LEDE_OK;
  for (int b = 0; b < bands && rc == LEDE_OK; b++) {
    if (o->interrupt && *o->interrupt) { rc = LEDE_EINTR; break; }
    for (size_t i = 0; i < ss->n; i++) {
      e[i].key = lede_hash64(ss->sig + i * SLOTS + (size_t)b * r, (size_t)r * 4, (uint64_t)b);
      e[i].idx = (uint32_t)i;
    }
    qsort(e, ss->n, sizeof *e, cmp_band);
    for (size_t s = 0; s < ss->n && rc == LEDE_OK;) {
      size_t t = s + 1;
      while (t < ss->n && e[t].key == e[s].key) t++;
      for (size_t x = s; x < t && rc == LEDE_OK; x++)
        for (size_t y = x + 1; y < t && rc == LEDE_OK; y++) {
          if (wanted(ss, o, e[x].idx, e[y].idx)) rc = pairset_add(ps, e[x].idx, e[y].idx);
          if (t - s > BIG_BUCKET) break;
        }
      s = t;
    }
  }
  free(e);
  return rc;
}

/* ---- exact confirmation ------------------------------------------------------ */

typedef struct Exact {
  LedeStore *st;
  sqlite3_stmt *get;
  Shingles *sets;     /* per signature index, filled on first use */
  unsigned char *have;
  int k;
} Exact;

static const Shingles *exact_set(Exact *x, const SigSet *ss, uint32_t i, int *rc)
{
  if (x->have[i]) return &x->sets[i];
  sqlite3_bind_int64(x->get, 1, ss->id[i]);
  int src = sqlite3_step(x->get);
  if (src == SQLITE_ROW) {
    const char *text = (const char *)sqlite3_column_text(x->get, 0);
    *rc = shingles(lede_store_analyzer(x->st), text ? text : "",
                   (size_t)sqlite3_column_bytes(x->get, 0), x->k, &x->sets[i], 1);
  } else if (src != SQLITE_DONE) {
    *rc = fail(x->st, src);
  }
  sqlite3_reset(x->get);
  x->have[i] = 1;
  return &x->sets[i];
}

static int cmp_pair(const void *a, const void *b)
{
  const LedeDupPair *x = a, *y = b;
  if (x->a != y->a) return x->a < y->a ? -1 : 1;
  return x->b < y->b ? -1 : x->b > y->b;
}

static int confirm(LedeStore *st, const SigSet *ss, const LedeDupOpts *o, const PairSet *ps,
                   LedeDupPair **pairs, size_t *npairs)
{
  Exact x = {st, NULL, calloc(ss->n ? ss->n : 1, sizeof(Shingles)),
             calloc(ss->n ? ss->n : 1, 1), o->shingle};
  LedeDupPair *out = malloc((ps->n ? ps->n : 1) * sizeof *out);
  int rc = x.sets && x.have && out ? LEDE_OK : LEDE_ENOMEM;
  if (rc == LEDE_OK && sqlite3_prepare_v2(lede_store_db(st), "SELECT text FROM doc_text WHERE id=?",
                                          -1, &x.get, NULL) != SQLITE_OK)
    rc = LEDE_ESTORE;
  size_t n = 0;
  for (size_t a = 0; a < ps->cap && rc == LEDE_OK; a++) {
    if (!ps->slot[a]) continue;
    if (o->interrupt && *o->interrupt) { rc = LEDE_EINTR; break; }
    uint64_t key = ps->slot[a] - 1;
    uint32_t i = (uint32_t)(key >> 32), j = (uint32_t)key;
    const Shingles *si = exact_set(&x, ss, i, &rc), *sj = exact_set(&x, ss, j, &rc);
    if (rc != LEDE_OK) break;
    double sim = jaccard(si, sj);
    if (sim < o->threshold) continue;
    int64_t da = ss->id[i], db = ss->id[j];
    out[n++] = (LedeDupPair){da < db ? da : db, da < db ? db : da, sim};
  }
  sqlite3_finalize(x.get);
  for (size_t i = 0; x.sets && i < ss->n; i++) free(x.sets[i].h);
  free(x.sets);
  free(x.have);
  if (rc != LEDE_OK) { free(out); return rc; }
  qsort(out, n, sizeof *out, cmp_pair);
  *pairs = out;
  *npairs = n;
  return LEDE_OK;
}

int lede_duplicates(LedeStore *st, const LedeDupOpts *o, LedeDupPair **pairs, size_t *npairs)
{
  *pairs = NULL;
  *npairs = 0;
  if (!(o->threshold > 0 && o->threshold <= 1) || o->shingle < 1 || o->shingle > LEDE_SHINGLE_MAX)
    return LEDE_EMISUSE;
  SigSet ss = {0};
  PairSet ps = {0};
  long computed;
  int rc = LEDE_OK;
  sqlite3_stmt *t;
  if (sqlite3_prepare_v2(lede_store_db(st), "SELECT 1 FROM sqlite_master WHERE name='lede_minhash'",
                         -1, &t, NULL) == SQLITE_OK) {
    if (sqlite3_step(t) == SQLITE_ROW) rc = read_sigs(st, o->shingle, &ss);
    sqlite3_finalize(t);
  }
  if (rc == LEDE_OK) rc = sign_missing(st, o->shingle, &ss, &computed);
  if (rc == LEDE_OK && ss.n > UINT32_MAX) rc = LEDE_EMISUSE;
  if (rc == LEDE_OK) rc = candidates(&ss, o, &ps);
  if (rc == LEDE_OK) rc = confirm(st, &ss, o, &ps, pairs, npairs);
  free(ps.slot);
  sigset_free(&ss);
  return rc;
}
