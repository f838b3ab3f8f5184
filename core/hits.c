/*
 * hits.c -- corpus-level search (lede/search.h): parse, compile, run, and
 * keep the best hits in a bounded heap; match spans as byte offsets by
 * re-tokenizing only the document asked about.
 */
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "lede_int.h"

typedef struct Ranked { LedeHit h; double key; } Ranked;

/* Heap of the `limit` best: the root is the worst kept. */
static int worse(const Ranked *a, const Ranked *b)
{
  if (a->key != b->key) return a->key < b->key;
  return a->h.doc > b->h.doc;      /* ties: earlier documents first */
}

static void sift_down(Ranked *v, size_t n, size_t i)
{
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < n && worse(&v[l], &v[m])) m = l;
    if (r < n && worse(&v[r], &v[m])) m = r;
    if (m == i) return;
    Ranked t = v[i]; v[i] = v[m]; v[m] = t;
    i = m;
  }
}

static void sift_up(Ranked *v, size_t i)
{
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (!worse(&v[i], &v[p])) return;
    Ranked t = v[i]; v[i] = v[p]; v[p] = t;
    i = p;
  }
}

static int cmp_best(const void *a, const void *b)
{
  const Ranked *x = a, *y = b;
  if (worse(x, y)) return 1;
  if (worse(y, x)) return -1;
  return 0;
}

/* Rank of each document by date: a sorted (id, rank) table, for
 * order=date without a lookup per hit. */
typedef struct DateRank { int64_t *id; uint32_t *rank; size_t n; } DateRank;

static int cmp_idrank(const void *a, const void *b)
{
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

static int load_date_rank(sqlite3 *db, DateRank *dr)
{
  sqlite3_stmt *s;
  memset(dr, 0, sizeof *dr);
  if (sqlite3_prepare_v2(db, "SELECT id FROM docs ORDER BY date IS NULL, date, id", -1, &s, NULL) != SQLITE_OK)
    return LEDE_ESTORE;
  size_t cap = 0;
  int64_t (*pairs)[2] = NULL;
  while (sqlite3_step(s) == SQLITE_ROW) {
    if (dr->n == cap) {
      cap = cap ? cap * 2 : 1024;
      void *p = realloc(pairs, cap * sizeof *pairs);
      if (!p) { free(pairs); sqlite3_finalize(s); return LEDE_ENOMEM; }
      pairs = p;
    }
    pairs[dr->n][0] = sqlite3_column_int64(s, 0);
    pairs[dr->n][1] = (int64_t)dr->n;
    dr->n++;
  }
  sqlite3_finalize(s);
  if (dr->n) qsort(pairs, dr->n, sizeof *pairs, cmp_idrank);
  dr->id = malloc((dr->n ? dr->n : 1) * sizeof *dr->id);
  dr->rank = malloc((dr->n ? dr->n : 1) * sizeof *dr->rank);
  if (!dr->id || !dr->rank) { free(pairs); return LEDE_ENOMEM; }
  for (size_t i = 0; i < dr->n; i++) { dr->id[i] = pairs[i][0]; dr->rank[i] = (uint32_t)pairs[i][1]; }
  free(pairs);
  return LEDE_OK;
}

static double date_key(const DateRank *dr, int64_t doc)
{
  size_t lo = 0, hi = dr->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (dr->id[mid] < doc) lo = mid + 1;
    else hi = mid;
  }
  return lo < dr->n && dr->id[lo] == doc ? -(double)dr->rank[lo] : -1e18;
}

static int compile(LedeStore *st, const char *q, size_t maxexp, LedeQuery **tree,
                   LedeSearch **s, LedeSearchOpts *so, char **err)
{
  *tree = NULL;
  *s = NULL;
  int rc = lede_query_parse(q, tree, err);
  if (rc != LEDE_OK) return rc;
  LedeIndex *ix = lede_store_index(st);
  if (!ix) {
    if (err) *err = strdup(lede_store_index_why(st));
    return LEDE_ESTORE;
  }
  so->max_expansion = maxexp ? maxexp : 1000;
  so->normalize = lede_analyzer_terms;
  so->ud = lede_store_analyzer(st);
  return lede_search_new(ix, lede_store_db(st), *tree, so, s, err);
}

static int keep(Ranked **heap, size_t *n, size_t *cap, size_t limit, Ranked r)
{
  if (limit && *n == limit) {
    if (!worse(&(*heap)[0], &r)) return LEDE_OK;
    (*heap)[0] = r;
    sift_down(*heap, *n, 0);
    return LEDE_OK;
  }
  if (*n == *cap) {
    size_t c = *cap ? *cap * 2 : 64;
    Ranked *v = realloc(*heap, c * sizeof *v);
    if (!v) return LEDE_ENOMEM;
    *heap = v;
    *cap = c;
  }
  (*heap)[(*n)++] = r;
  if (limit) sift_up(*heap, *n - 1);
  return LEDE_OK;
}

/* The best o->limit by score without visiting every match, when the
 * query allows (1, or 0 when it does not): they go to *heap best first. */
static int top_k(LedeStore *st, const char *q, const LedeSearchOptions *o, LedeSearch *s,
                 Ranked **heap, size_t *n, uint64_t *matched)
{
  int64_t *docs = malloc(o->limit * sizeof *docs);
  double *scores = malloc(o->limit * sizeof *scores);
  *heap = malloc(o->limit * sizeof **heap);
  int rc = docs && scores && *heap ? lede_search_top(s, o->limit, docs, scores, n, matched) : LEDE_ENOMEM;
  for (size_t i = 0; rc == 1 && i < *n; i++) (*heap)[i] = (Ranked){{docs[i], scores[i]}, scores[i]};
  free(docs);
  free(scores);
  if (rc == 1 && *matched == LEDE_UNCOUNTED && !o->uncounted)
    rc = lede_count(st, q, o->max_expansion, matched, NULL, NULL) == LEDE_OK ? 1 : LEDE_ESTORE;
  if (rc != 1) { free(*heap); *heap = NULL; *n = 0; }
  return rc;
}

static int search(LedeStore *st, const char *q, const LedeSearchOptions *o,
                  LedeHits *out, char **err)
{
  static const LedeSearchOptions dflt = {0, LEDE_ORDER_SCORE, 0, 0, 0};
  if (!o) o = &dflt;
  memset(out, 0, sizeof *out);
  if (err) *err = NULL;
  LedeQuery *tree;
  LedeSearch *s;
  LedeSearchOpts so;
  int rc = compile(st, q, o->max_expansion, &tree, &s, &so, err);
  DateRank dr = {0};
  if (rc == LEDE_OK && o->order == LEDE_ORDER_DATE) rc = load_date_rank(lede_store_db(st), &dr);
  Ranked *heap = NULL;
  size_t n = 0, cap = 0;
  int64_t doc;
  double score;
  int sign = o->reverse ? -1 : 1;
  int64_t *all = NULL;
  double *scores = NULL;
  size_t nall = 0;
  int fast = 0;
  if (rc == LEDE_OK && o->limit && o->order == LEDE_ORDER_SCORE && !o->reverse) {
    fast = top_k(st, q, o, s, &heap, &n, &out->matched);
    if (fast < 0) rc = fast;
  }
  if (rc == LEDE_OK && !fast) {
    fast = lede_search_all(s, &all, &scores, &nall);
    if (fast < 0) rc = fast;
  }
  for (size_t i = 0; fast == 1 && rc == LEDE_OK && i < nall; i++) {
    out->matched++;
    double key = o->order == LEDE_ORDER_SCORE ? scores[i]
               : o->order == LEDE_ORDER_DATE ? date_key(&dr, all[i]) : -(double)all[i];
    rc = keep(&heap, &n, &cap, o->limit, (Ranked){{all[i], scores[i]}, sign * key});
  }
  free(all);
  free(scores);
  while (!fast && rc == LEDE_OK && (rc = lede_search_next(s, &doc, &score)) == 1) {
    out->matched++;
    double key = o->order == LEDE_ORDER_SCORE ? score
               : o->order == LEDE_ORDER_DATE ? date_key(&dr, doc) : -(double)doc;
    rc = keep(&heap, &n, &cap, o->limit, (Ranked){{doc, score}, sign * key});
  }
  if (rc == 0) rc = LEDE_OK;
  if (rc == LEDE_OK) {
    if (n > 1) qsort(heap, n, sizeof *heap, cmp_best);
    out->hit = malloc((n ? n : 1) * sizeof *out->hit);
    if (!out->hit) rc = LEDE_ENOMEM;
    for (size_t i = 0; out->hit && i < n; i++) out->hit[i] = heap[i].h;
    out->n = out->hit ? n : 0;
  } else if (err && !*err && s && lede_search_error(s)) {
    *err = strdup(lede_search_error(s));
  }
  free(heap);
  free(dr.id);
  free(dr.rank);
  lede_search_free(s);
  lede_query_free(tree);
  return rc;
}

void lede_hits_free(LedeHits *h)
{
  free(h->hit);
  h->hit = NULL;
  h->n = 0;
}

int lede_matches(LedeStore *st, const char *q, int64_t doc, size_t maxexp,
                 LedeMatch **m, size_t *n, char **err)
{
  *m = NULL;
  *n = 0;
  if (err) *err = NULL;
  LedeQuery *tree;
  LedeSearch *s;
  LedeSearchOpts so;
  int rc = compile(st, q, maxexp, &tree, &s, &so, err);
  int64_t got = -1;
  double score;
  while (rc == LEDE_OK && got < doc) {
    int r = lede_search_next(s, &got, &score);
    if (r <= 0) { rc = r; got = INT64_MAX; }
  }
  uint32_t *a = NULL, *b = NULL;
  size_t k = 0;
  if (rc == LEDE_OK && got == doc) rc = lede_search_spans(s, &a, &b, &k);
  LedeDocFilter f = {.id = doc, .with_text = 1};
  LedeDocIter *it = NULL;
  LedeDoc d;
  size_t *span = NULL;
  uint32_t npos = 0;
  if (rc == LEDE_OK && k && (rc = lede_store_docs(st, &f, &it)) == LEDE_OK && lede_docs_next(it, &d) == 1)
    rc = lede_analyzer_spans(lede_store_analyzer(st), d.text, d.text_len, UINT32_MAX, &span, &npos);
  if (rc == LEDE_OK && k) {
    *m = malloc(k * sizeof **m);
    if (!*m) rc = LEDE_ENOMEM;
    for (size_t i = 0; *m && i < k; i++) {
      LedeMatch x = {a[i], b[i], 0, 0};
      if (a[i] < npos && b[i] < npos) { x.start = span[2 * a[i]]; x.stop = span[2 * b[i] + 1]; }
      (*m)[(*n)++] = x;
    }
  }
  free(span);
  lede_docs_free(it);
  free(a);
  free(b);
  lede_search_free(s);
  lede_query_free(tree);
  return rc;
}

static int count(LedeStore *st, const char *q, size_t maxexp, uint64_t *docs,
                 uint64_t *occ, char **err)
{
  LedeQuery *tree;
  LedeSearch *s;
  LedeSearchOpts so;
  *docs = 0;
  if (occ) *occ = 0;
  if (err) *err = NULL;
  int rc = compile(st, q, maxexp, &tree, &s, &so, err);
  int64_t doc;
  int more = rc == LEDE_OK;
  if (more && !occ) {
    int fast = lede_search_count_docs(s, docs);
    if (fast < 0) rc = fast;
    if (fast != 0) more = 0;
  }
  while (more && (more = lede_search_next(s, &doc, NULL)) == 1) {
    (*docs)++;
    if (!occ) continue;
    uint32_t *a, *b;
    size_t n;
    rc = lede_search_spans(s, &a, &b, &n);
    if (rc != LEDE_OK) break;
    *occ += n;
    free(a);
    free(b);
  }
  if (more < 0) rc = more;
  if (rc != LEDE_OK && err && !*err && s && lede_search_error(s)) *err = strdup(lede_search_error(s));
  lede_search_free(s);
  lede_query_free(tree);
  return rc;
}

int lede_search(LedeStore *st, const char *q, const LedeSearchOptions *o,
                LedeHits *out, char **err)
{
  int began = lede_store_read_begin(st);
  int rc = search(st, q, o, out, err);
  lede_store_read_end(st, began);
  return rc;
}

int lede_count(LedeStore *st, const char *q, size_t maxexp, uint64_t *docs,
               uint64_t *occ, char **err)
{
  int began = lede_store_read_begin(st);
  int rc = count(st, q, maxexp, docs, occ, err);
  lede_store_read_end(st, began);
  return rc;
}
