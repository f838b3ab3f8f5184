/*
 * tally.c -- corpus statistics from the index (see tally.h).
 *
 * Everything here walks postings lists with cursors, in document order,
 * so a frequency list of a subset of the corpus costs one pass over the
 * index and never re-reads a text; only surface forms (which the index
 * folds away) and the spans of a query (for byte offsets) need texts.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "tally.h"
#include "lede/tokenize.h"

static uint32_t group_of(const int32_t *grp, int64_t ngrp, int64_t doc)
{
  if (!grp) return 1;
  return doc >= 0 && doc < ngrp && grp[doc] > 0 ? (uint32_t)grp[doc] : 0;
}

void lede_tally_free(LedeTally *t)
{
  if (!t) return;
  lede_buf_free(&t->arena);
  free(t->off);
  free(t->len);
  free(t->group);
  free(t->count);
  free(t->docs);
  free(t->total);
  memset(t, 0, sizeof *t);
}

static int tally_init(LedeTally *t, uint32_t ngroups)
{
  memset(t, 0, sizeof *t);
  t->ngroups = ngroups;
  t->total = calloc((size_t)ngroups + 1, sizeof *t->total);
  return t->total ? LEDE_OK : LEDE_ENOMEM;
}

static int tally_row(LedeTally *t, const char *term, size_t len, uint32_t g,
                     uint64_t count, uint64_t docs)
{
  if (t->n == t->cap) {
    size_t c = t->cap ? t->cap * 2 : 1024;
    size_t *off = realloc(t->off, c * sizeof *off);
    if (off) t->off = off;
    size_t *ln = realloc(t->len, c * sizeof *ln);
    if (ln) t->len = ln;
    uint32_t *gr = realloc(t->group, c * sizeof *gr);
    if (gr) t->group = gr;
    uint64_t *cn = realloc(t->count, c * sizeof *cn);
    if (cn) t->count = cn;
    uint64_t *dc = realloc(t->docs, c * sizeof *dc);
    if (dc) t->docs = dc;
    if (!off || !ln || !gr || !cn || !dc) return LEDE_ENOMEM;
    t->cap = c;
  }
  t->off[t->n] = t->arena.n;
  t->len[t->n] = len;
  lede_buf_add(&t->arena, term, len);
  if (t->arena.oom) return LEDE_ENOMEM;
  t->group[t->n] = g;
  t->count[t->n] = count;
  t->docs[t->n] = docs;
  t->n++;
  return LEDE_OK;
}

/* ---- frequencies from the postings -------------------------------------- */

typedef struct Vocab { LedeBuf arena; size_t *off, *len; char **stem; size_t n, cap; int oom; } Vocab;

static int vocab_add(void *ud, const char *term, size_t len, const LedeTermStats *ts)
{
  Vocab *v = ud;
  (void)ts;
  if (v->n == v->cap) {
    size_t c = v->cap ? v->cap * 2 : 4096;
    size_t *off = realloc(v->off, c * sizeof *off);
    if (off) v->off = off;
    size_t *ln = realloc(v->len, c * sizeof *ln);
    if (ln) v->len = ln;
    if (!off || !ln) { v->oom = 1; return 1; }
    v->cap = c;
  }
  v->off[v->n] = v->arena.n;
  v->len[v->n] = len;
  lede_buf_add(&v->arena, term, len);
  lede_buf_addc(&v->arena, 0);
  v->n++;
  return v->arena.oom ? (v->oom = 1) : 0;
}

static void vocab_free(Vocab *v)
{
  for (size_t i = 0; v->stem && i < v->n; i++) free(v->stem[i]);
  free(v->stem);
  lede_buf_free(&v->arena);
  free(v->off);
  free(v->len);
}

/* Per-group counters for the term (or stem) being tallied; `touched`
 * lists the groups to emit and clear, so many groups cost nothing extra
 * for a rare term. */
typedef struct Acc {
  uint64_t *count, *docs;
  uint32_t *touched, ntouched;
  uint32_t *mark;           /* mark[doc] == stamp: doc already counted */
  int64_t nmark;
  uint32_t stamp;
} Acc;

static int acc_walk(LedeIndex *ix, const char *term, size_t len, Acc *a,
                    const int32_t *grp, int64_t ngrp, uint64_t *total)
{
  LedeCursor *c = lede_cursor_open(ix, term, len);
  if (!c) return LEDE_ENOMEM;
  int rc;
  while ((rc = lede_cursor_next(c)) == 1) {
    int64_t doc = lede_cursor_doc(c);
    uint32_t g = group_of(grp, ngrp, doc);
    if (!g) continue;
    uint32_t tf = lede_cursor_tf(c);
    if (!a->count[g] && !a->docs[g]) a->touched[a->ntouched++] = g;
    a->count[g] += tf;
    total[g] += tf;
    if (doc < a->nmark && a->mark[doc] != a->stamp) { a->mark[doc] = a->stamp; a->docs[g]++; }
  }
  lede_cursor_close(c);
  return rc < 0 ? rc : LEDE_OK;
}

static int acc_emit(Acc *a, LedeTally *out, const char *term, size_t len, uint64_t min)
{
  int rc = LEDE_OK;
  for (uint32_t i = 0; i < a->ntouched; i++) {
    uint32_t g = a->touched[i];
    if (rc == LEDE_OK && a->count[g] >= min) rc = tally_row(out, term, len, g, a->count[g], a->docs[g]);
    a->count[g] = a->docs[g] = 0;
  }
  a->ntouched = 0;
  a->stamp++;
  return rc;
}

static int max_doc(LedeStore *st, int64_t *n)
{
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(lede_store_db(st), "SELECT coalesce(max(id), 0) FROM docs", -1, &s, NULL) != SQLITE_OK)
    return LEDE_ESTORE;
  *n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) + 1 : 1;
  sqlite3_finalize(s);
  return LEDE_OK;
}

static const char *stem_text(const Vocab *v, size_t i)
{
  return v->stem ? v->stem[i] : v->arena.p + v->off[i];
}

static const Vocab *sort_vocab;
static int cmp_stem(const void *a, const void *b)
{
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  int c = strcmp(stem_text(sort_vocab, x), stem_text(sort_vocab, y));
  return c ? c : (x > y) - (x < y);
}

static int stem_vocab(Vocab *v, const char *lang)
{
  LedeStemmer *sm = lede_stemmer_new(lang);
  if (!sm) return LEDE_EMISUSE;
  v->stem = calloc(v->n ? v->n : 1, sizeof *v->stem);
  int rc = v->stem ? LEDE_OK : LEDE_ENOMEM;
  for (size_t i = 0; rc == LEDE_OK && i < v->n; i++) {
    size_t n;
    const char *s = lede_stem(sm, v->arena.p + v->off[i], v->len[i], &n);
    v->stem[i] = malloc(n + 1);
    if (!v->stem[i]) { rc = LEDE_ENOMEM; break; }
    memcpy(v->stem[i], s, n);
    v->stem[i][n] = 0;
  }
  lede_stemmer_free(sm);
  return rc;
}

int lede_tally_terms(LedeStore *st, const int32_t *grp, int64_t ngrp,
                     uint32_t ngroups, const char *stem_lang, uint64_t min,
                     LedeTally *out)
{
  int rc = tally_init(out, ngroups);
  LedeIndex *ix = lede_store_index(st);
  if (rc == LEDE_OK && !ix) rc = LEDE_ESTORE;
  Vocab v = {0};
  if (rc == LEDE_OK) rc = lede_index_vocab(ix, "", 0, vocab_add, &v);
  if (rc == LEDE_OK && v.oom) rc = LEDE_ENOMEM;
  if (rc == LEDE_OK && stem_lang) rc = stem_vocab(&v, stem_lang);
  size_t *order = malloc((v.n ? v.n : 1) * sizeof *order);
  Acc a = {0};
  if (rc == LEDE_OK) rc = max_doc(st, &a.nmark);
  a.count = calloc((size_t)ngroups + 1, sizeof *a.count);
  a.docs = calloc((size_t)ngroups + 1, sizeof *a.docs);
  a.touched = calloc((size_t)ngroups + 1, sizeof *a.touched);
  a.mark = calloc((size_t)a.nmark + 1, sizeof *a.mark);
  a.stamp = 1;
  if (rc == LEDE_OK && (!order || !a.count || !a.docs || !a.touched || !a.mark)) rc = LEDE_ENOMEM;
  for (size_t i = 0; rc == LEDE_OK && i < v.n; i++) order[i] = i;
  if (rc == LEDE_OK && stem_lang) { sort_vocab = &v; qsort(order, v.n, sizeof *order, cmp_stem); }
  /* Terms sharing a stem are adjacent in `order`: walk them all, then emit. */
  for (size_t i = 0; rc == LEDE_OK && i < v.n; i++) {
    size_t k = order[i];
    rc = acc_walk(ix, v.arena.p + v.off[k], v.len[k], &a, grp, ngrp, out->total);
    size_t nx = i + 1 < v.n ? order[i + 1] : 0;
    if (rc == LEDE_OK && (i + 1 == v.n || strcmp(stem_text(&v, k), stem_text(&v, nx)) != 0)) {
      const char *t = stem_text(&v, k);
      rc = acc_emit(&a, out, t, strlen(t), min ? min : 1);
    }
  }
  free(order);
  free(a.count);
  free(a.docs);
  free(a.touched);
  free(a.mark);
  vocab_free(&v);
  if (rc != LEDE_OK) lede_tally_free(out);
  return rc;
}

/* ---- surface forms from the texts --------------------------------------- */

/* Open addressing on (group, bytes); entries index the tally's rows. */
typedef struct Surf {
  LedeTally *t;
  size_t *slot;             /* row + 1, 0 when empty */
  uint64_t *hash;
  int64_t *last;            /* last document counted, per row */
  size_t cap, lastcap;
  const char *text;
  int64_t doc;
  uint32_t g;
  int rc;
  int form;                 /* 0 surface, 1 index term, 2 its stem */
  LedeStemmer *stemmer;
} Surf;

static int surf_grow(Surf *s)
{
  size_t cap = s->cap ? s->cap * 2 : 4096;
  size_t *slot = calloc(cap, sizeof *slot);
  uint64_t *hash = calloc(cap, sizeof *hash);
  if (!slot || !hash) { free(slot); free(hash); return LEDE_ENOMEM; }
  for (size_t i = 0; i < s->cap; i++) {
    if (!s->slot[i]) continue;
    size_t j = s->hash[i] & (cap - 1);
    while (slot[j]) j = (j + 1) & (cap - 1);
    slot[j] = s->slot[i];
    hash[j] = s->hash[i];
  }
  free(s->slot);
  free(s->hash);
  s->slot = slot;
  s->hash = hash;
  s->cap = cap;
  return LEDE_OK;
}

static int surf_token(void *ud, const LedeToken *tk)
{
  Surf *s = ud;
  if (tk->flags & LEDE_TOKF_NOPOS) return 0;
  LedeTally *t = s->t;
  const char *w = s->text + tk->start;
  size_t len = tk->end - tk->start;
  if (s->form == 1) { w = tk->term; len = tk->len; }
  else if (s->form == 2) w = lede_stem(s->stemmer, tk->term, tk->len, &len);
  uint64_t h = lede_hash64(w, len, s->g);
  if ((t->n + 1) * 2 > s->cap && (s->rc = surf_grow(s)) != LEDE_OK) return 1;
  size_t j = h & (s->cap - 1);
  for (; s->slot[j]; j = (j + 1) & (s->cap - 1)) {
    size_t r = s->slot[j] - 1;
    if (s->hash[j] == h && t->group[r] == s->g && t->len[r] == len &&
        memcmp(t->arena.p + t->off[r], w, len) == 0) {
      t->count[r]++;
      if (s->last[r] != s->doc) { s->last[r] = s->doc; t->docs[r]++; }
      t->total[s->g]++;
      return 0;
    }
  }
  if ((s->rc = tally_row(t, w, len, s->g, 1, 1)) != LEDE_OK) return 1;
  if (t->n > s->lastcap) {
    size_t c = t->cap;
    int64_t *l = realloc(s->last, c * sizeof *l);
    if (!l) { s->rc = LEDE_ENOMEM; return 1; }
    s->last = l;
    s->lastcap = c;
  }
  s->last[t->n - 1] = s->doc;
  s->slot[j] = t->n;
  s->hash[j] = h;
  t->total[s->g]++;
  return 0;
}

int lede_tally_texts(LedeStore *st, const int32_t *grp, int64_t ngrp,
                     uint32_t ngroups, int form, const char *stem_lang, uint64_t min,
                     LedeTally *out)
{
  Surf s = {0};
  s.t = out;
  s.form = form;
  int rc = tally_init(out, ngroups);
  if (rc == LEDE_OK && form == 2 && !(s.stemmer = lede_stemmer_new(stem_lang))) rc = LEDE_EMISUSE;
  LedeDocIter *it = NULL;
  LedeDocFilter f = {.with_text = 1};
  if (rc == LEDE_OK) rc = lede_store_docs(st, &f, &it);
  LedeDoc d;
  int r = 0;
  while (rc == LEDE_OK && (r = lede_docs_next(it, &d)) == 1) {
    s.g = group_of(grp, ngrp, d.id);
    if (!s.g || !d.text) continue;
    s.text = d.text;
    s.doc = d.id;
    rc = lede_analyzer_each(lede_store_analyzer(st), d.text, d.text_len, surf_token, &s);
    if (s.rc != LEDE_OK) rc = s.rc;
  }
  if (rc == LEDE_OK && r < 0) rc = r;
  lede_docs_free(it);
  lede_stemmer_free(s.stemmer);
  free(s.slot);
  free(s.hash);
  free(s.last);
  if (rc == LEDE_OK && min > 1) {   /* drop rare rows, keeping order */
    size_t k = 0;
    for (size_t i = 0; i < out->n; i++) {
      if (out->count[i] < min) continue;
      out->off[k] = out->off[i]; out->len[k] = out->len[i]; out->group[k] = out->group[i];
      out->count[k] = out->count[i]; out->docs[k] = out->docs[i];
      k++;
    }
    out->n = k;
  }
  if (rc != LEDE_OK) lede_tally_free(out);
  return rc;
}

/* ---- the matches of a query --------------------------------------------- */

static int compile(LedeStore *st, const char *q, size_t maxexp, LedeQuery **tree,
                   LedeSearch **s, char **err)
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
  LedeSearchOpts so = {maxexp ? maxexp : 1000, lede_analyzer_terms, lede_store_analyzer(st)};
  return lede_search_new(ix, lede_store_db(st), *tree, &so, s, err);
}

void lede_spans_free(LedeSpans *s)
{
  free(s->doc);
  free(s->first);
  free(s->last);
  memset(s, 0, sizeof *s);
}

static int spans_push(LedeSpans *o, size_t *capd, size_t *caps, int64_t doc, uint32_t ntok,
                      const uint32_t *a, const uint32_t *b, size_t k)
{
  if (o->ndocs == *capd) {
    size_t c = *capd ? *capd * 2 : 256;
    LedeSpanDoc *d = realloc(o->doc, c * sizeof *d);
    if (!d) return LEDE_ENOMEM;
    o->doc = d;
    *capd = c;
  }
  if (o->n + k > *caps) {
    size_t c = *caps ? *caps : 1024;
    while (c < o->n + k) c *= 2;
    uint32_t *f = realloc(o->first, c * sizeof *f);
    if (f) o->first = f;
    uint32_t *l = realloc(o->last, c * sizeof *l);
    if (l) o->last = l;
    if (!f || !l) return LEDE_ENOMEM;
    *caps = c;
  }
  o->doc[o->ndocs++] = (LedeSpanDoc){doc, ntok, o->n, k};
  memcpy(o->first + o->n, a, k * sizeof *a);
  memcpy(o->last + o->n, b, k * sizeof *b);
  o->n += k;
  return LEDE_OK;
}

int lede_spans(LedeStore *st, const char *q, size_t maxexp,
               const int32_t *grp, int64_t ngrp, size_t limit,
               LedeSpans *out, char **err)
{
  memset(out, 0, sizeof *out);
  out->complete = 1;
  if (err) *err = NULL;
  LedeQuery *tree;
  LedeSearch *s;
  int rc = compile(st, q, maxexp, &tree, &s, err);
  LedeIndex *ix = rc == LEDE_OK ? lede_store_index(st) : NULL;
  size_t capd = 0, caps = 0;
  int64_t doc;
  double score;
  int r = 0;
  while (rc == LEDE_OK && (r = lede_search_next(s, &doc, &score)) == 1) {
    if (!group_of(grp, ngrp, doc)) continue;
    if (limit && out->n >= limit) { out->complete = 0; break; }
    uint32_t *a = NULL, *b = NULL;
    size_t k = 0;
    rc = lede_search_spans(s, &a, &b, &k);
    if (rc == LEDE_OK && limit && out->n + k > limit) { k = limit - out->n; out->complete = 0; }
    if (rc == LEDE_OK && k) rc = spans_push(out, &capd, &caps, doc, lede_index_doclen(ix, doc), a, b, k);
    free(a);
    free(b);
  }
  if (rc == LEDE_OK && r < 0) {
    rc = r;
    if (err && !*err && s && lede_search_error(s)) *err = strdup(lede_search_error(s));
  }
  lede_search_free(s);
  lede_query_free(tree);
  if (rc != LEDE_OK) lede_spans_free(out);
  return rc;
}

void lede_spans_keep(LedeSpans *s, const unsigned char *keep)
{
  size_t nd = 0, n = 0;
  for (size_t i = 0; i < s->ndocs; i++) {
    LedeSpanDoc d = s->doc[i];
    size_t first = n;
    for (size_t k = d.first; k < d.first + d.n; k++) {
      if (!keep[k]) continue;
      s->first[n] = s->first[k];
      s->last[n] = s->last[k];
      n++;
    }
    if (n > first) s->doc[nd++] = (LedeSpanDoc){d.doc, d.ntok, first, n - first};
  }
  s->ndocs = nd;
  s->n = n;
}

int lede_doc_lengths(LedeStore *st, int64_t **ids, uint32_t **len, size_t *n)
{
  *ids = NULL;
  *len = NULL;
  *n = 0;
  LedeIndex *ix = lede_store_index(st);
  if (!ix) return LEDE_ESTORE;
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(lede_store_db(st), "SELECT id FROM docs ORDER BY id", -1, &s, NULL) != SQLITE_OK)
    return LEDE_ESTORE;
  size_t cap = 0;
  int rc = LEDE_OK;
  while (rc == LEDE_OK && sqlite3_step(s) == SQLITE_ROW) {
    if (*n == cap) {
      cap = cap ? cap * 2 : 1024;
      int64_t *a = realloc(*ids, cap * sizeof *a);
      if (a) *ids = a;
      uint32_t *b = realloc(*len, cap * sizeof *b);
      if (b) *len = b;
      if (!a || !b) { rc = LEDE_ENOMEM; break; }
    }
    int64_t id = sqlite3_column_int64(s, 0);
    (*ids)[*n] = id;
    (*len)[*n] = lede_index_doclen(ix, id);
    (*n)++;
  }
  sqlite3_finalize(s);
  if (rc != LEDE_OK) { free(*ids); free(*len); *ids = NULL; *len = NULL; *n = 0; }
  return rc;
}

/* ---- TF-IDF cosine ------------------------------------------------------ */

typedef struct NormCtx { LedeIndex *ix; double *norm; int64_t n; double ndocs; int rc; } NormCtx;

static double idf(double ndocs, uint64_t df)
{
  return df ? log(ndocs / (double)df) : 0.0;
}

/* The document frequency over live documents (the dictionary's counts
 * still include removed ones until the next merge). */
static uint64_t live_df(LedeIndex *ix, const char *term, size_t len, int *rc)
{
  LedeCursor *c = lede_cursor_open(ix, term, len);
  if (!c) { *rc = LEDE_ENOMEM; return 0; }
  uint64_t df = 0;
  int r;
  while ((r = lede_cursor_next(c)) == 1) df++;
  if (r < 0) *rc = r;
  lede_cursor_close(c);
  return df;
}

static int norm_term(void *ud, const char *term, size_t len, const LedeTermStats *ts)
{
  NormCtx *x = ud;
  (void)ts;
  uint64_t df = live_df(x->ix, term, len, &x->rc);
  double w = idf(x->ndocs, df);
  if (x->rc != LEDE_OK) return 1;
  if (w == 0) return 0;
  LedeCursor *c = lede_cursor_open(x->ix, term, len);
  if (!c) { x->rc = LEDE_ENOMEM; return 1; }
  int r;
  while ((r = lede_cursor_next(c)) == 1) {
    int64_t d = lede_cursor_doc(c);
    double v = lede_cursor_tf(c) * w;
    if (d >= 0 && d < x->n) x->norm[d] += v * v;
  }
  if (r < 0) x->rc = r;
  lede_cursor_close(c);
  return x->rc != LEDE_OK;
}

static double live_docs(LedeStore *st)
{
  int64_t n = lede_store_count(st);
  return n > 0 ? (double)n : 0.0;
}

int lede_doc_norms(LedeStore *st, double **norm, int64_t *n)
{
  *norm = NULL;
  LedeIndex *ix = lede_store_index(st);
  if (!ix) return LEDE_ESTORE;
  int rc = max_doc(st, n);
  if (rc != LEDE_OK) return rc;
  NormCtx x = {ix, calloc((size_t)*n, sizeof(double)), *n, live_docs(st), LEDE_OK};
  if (!x.norm) return LEDE_ENOMEM;
  rc = lede_index_vocab(ix, "", 0, norm_term, &x);
  if (rc == LEDE_OK) rc = x.rc;
  if (rc != LEDE_OK) { free(x.norm); return rc; }
  for (int64_t i = 0; i < *n; i++) x.norm[i] = sqrt(x.norm[i]);
  *norm = x.norm;
  return LEDE_OK;
}

/* The distinct index terms of a text with their frequencies: sorted
 * copies of the terms, then run lengths. */
typedef struct DocTerms { LedeBuf arena; size_t *off; size_t n, cap; int oom; } DocTerms;

static int doc_term(void *ud, const LedeToken *tk)
{
  DocTerms *t = ud;
  if (tk->flags & LEDE_TOKF_NOPOS) return 0;
  if (t->n == t->cap) {
    size_t c = t->cap ? t->cap * 2 : 512;
    size_t *o = realloc(t->off, c * sizeof *o);
    if (!o) { t->oom = 1; return 1; }
    t->off = o;
    t->cap = c;
  }
  t->off[t->n++] = t->arena.n;
  lede_buf_add(&t->arena, tk->term, tk->len);
  lede_buf_addc(&t->arena, 0);
  return t->arena.oom ? (t->oom = 1) : 0;
}

static const char *sort_arena;
static int cmp_off(const void *a, const void *b)
{
  return strcmp(sort_arena + *(const size_t *)a, sort_arena + *(const size_t *)b);
}

static int cmp_hit(const void *a, const void *b)
{
  const LedeHit *x = a, *y = b;
  if (x->score != y->score) return x->score < y->score ? 1 : -1;
  return (x->doc > y->doc) - (x->doc < y->doc);
}

int lede_similar(LedeStore *st, int64_t doc, const double *norm, int64_t nnorm,
                 size_t top, LedeHit **out, size_t *nout)
{
  *out = NULL;
  *nout = 0;
  LedeIndex *ix = lede_store_index(st);
  if (!ix) return LEDE_ESTORE;
  LedeDocFilter f = {.id = doc, .with_text = 1};
  LedeDocIter *it = NULL;
  LedeDoc d;
  DocTerms t = {0};
  int rc = lede_store_docs(st, &f, &it);
  if (rc == LEDE_OK && lede_docs_next(it, &d) == 1 && d.text)
    rc = lede_analyzer_each(lede_store_analyzer(st), d.text, d.text_len, doc_term, &t);
  lede_docs_free(it);
  if (rc == LEDE_OK && t.oom) rc = LEDE_ENOMEM;
  double *dot = rc == LEDE_OK ? calloc((size_t)nnorm + 1, sizeof *dot) : NULL;
  if (rc == LEDE_OK && !dot) rc = LEDE_ENOMEM;
  sort_arena = t.arena.p;
  if (rc == LEDE_OK && t.n) qsort(t.off, t.n, sizeof *t.off, cmp_off);
  double ndocs = live_docs(st);
  for (size_t i = 0; rc == LEDE_OK && i < t.n;) {
    const char *term = t.arena.p + t.off[i];
    size_t j = i + 1;
    while (j < t.n && strcmp(t.arena.p + t.off[j], term) == 0) j++;
    double w = idf(ndocs, live_df(ix, term, strlen(term), &rc));
    double wq = (double)(j - i) * w;
    i = j;
    if (rc != LEDE_OK || w == 0) continue;
    LedeCursor *c = lede_cursor_open(ix, term, strlen(term));
    if (!c) { rc = LEDE_ENOMEM; break; }
    int r;
    while ((r = lede_cursor_next(c)) == 1) {
      int64_t x = lede_cursor_doc(c);
      if (x >= 0 && x < nnorm) dot[x] += wq * w * lede_cursor_tf(c);
    }
    if (r < 0) rc = r;
    lede_cursor_close(c);
  }
  LedeHit *h = NULL;
  size_t n = 0;
  if (rc == LEDE_OK) {
    h = malloc(((size_t)nnorm + 1) * sizeof *h);
    if (!h) rc = LEDE_ENOMEM;
  }
  double nq = doc >= 0 && doc < nnorm ? norm[doc] : 0;
  for (int64_t x = 0; h && x < nnorm; x++) {
    if (x == doc || dot[x] == 0 || norm[x] == 0 || nq == 0) continue;
    h[n++] = (LedeHit){x, dot[x] / (nq * norm[x])};
  }
  if (h && n > 1) qsort(h, n, sizeof *h, cmp_hit);
  if (h && top && n > top) n = top;
  free(dot);
  free(t.off);
  lede_buf_free(&t.arena);
  if (rc != LEDE_OK) { free(h); return rc; }
  *out = h;
  *nout = n;
  return LEDE_OK;
}

/* ---- byte spans and contexts for concordances --------------------------- */

int lede_doc_text(LedeStore *st, sqlite3_stmt **stmt, int64_t doc, const char **text, size_t *len)
{
  *text = NULL;
  *len = 0;
  if (!*stmt && sqlite3_prepare_v2(lede_store_db(st), "SELECT text FROM doc_text WHERE id = ?",
                                   -1, stmt, NULL) != SQLITE_OK)
    return LEDE_ESTORE;
  sqlite3_reset(*stmt);
  sqlite3_bind_int64(*stmt, 1, doc);
  if (sqlite3_step(*stmt) != SQLITE_ROW) return LEDE_OK;
  *text = (const char *)sqlite3_column_text(*stmt, 0);
  *len = (size_t)sqlite3_column_bytes(*stmt, 0);
  return LEDE_OK;
}

int lede_span_text(LedeStore *st, sqlite3_stmt **stmt, int64_t doc, uint32_t maxpos,
                   const char **text, size_t *len, size_t **span, uint32_t *n)
{
  *span = NULL;
  *n = 0;
  int rc = lede_doc_text(st, stmt, doc, text, len);
  if (rc != LEDE_OK || !*text) return rc;
  return lede_analyzer_spans(lede_store_analyzer(st), *text, *len, maxpos, span, n);
}

/* One document's matches cut (LEDE_CUT numbers each, see tally.h): the
 * context is width characters, or with words >= 0 that many words (the
 * first token at a position: a compound counts whole) on either side;
 * the right side runs to the text's last token when the words run out. */
static int cut_doc(LedeAnalyzer *an, const LedeSpans *s, const LedeSpanDoc *d, const char *text,
                   size_t len, size_t width, int64_t nwords, size_t *cut)
{
  uint32_t words = nwords < 0 ? 0 : nwords > UINT32_MAX ? UINT32_MAX : (uint32_t)nwords;
  uint32_t maxpos = 0;
  for (size_t i = 0; i < d->n; i++) {
    uint32_t y = s->last[d->first + i];
    uint32_t m = y > UINT32_MAX - words ? UINT32_MAX : y + words;
    if (m > maxpos) maxpos = m;
  }
  size_t *span, *word = NULL, end = 0;
  uint32_t npos;
  int rc = nwords >= 0 ? lede_analyzer_word_spans(an, text, len, maxpos, &span, &word, &npos, &end)
                 : lede_analyzer_spans(an, text, len, maxpos, &span, &npos);
  if (rc != LEDE_OK) return rc;
  for (size_t i = 0; i < d->n; i++) {
    uint32_t x = s->first[d->first + i], y = s->last[d->first + i];
    size_t *c = cut + LEDE_CUT * i;
    size_t a = x < npos ? span[2 * x] : 0, b = y < npos ? span[2 * y + 1] : 0;
    c[0] = a;
    c[1] = b;
    if (nwords < 0) {
      lede_context(text, len, a, b, width, &c[2], &c[5]);
      c[3] = a;
      c[4] = b;
      continue;
    }
    uint32_t l = x >= words ? x - words : 0, r = y > UINT32_MAX - words ? UINT32_MAX : y + words;
    c[2] = c[3] = c[4] = c[5] = 0;
    if (x < npos && l < npos && word[2 * l] < word[2 * x]) { c[2] = word[2 * l]; c[3] = word[2 * x]; }
    size_t rend = r < npos ? word[2 * r + 1] : end;
    if (y < npos && (r < npos || end != SIZE_MAX) && rend > word[2 * y + 1]) {
      c[4] = word[2 * y + 1];
      c[5] = rend;
    }
  }
  free(span);
  free(word);
  return LEDE_OK;
}

/* Every step-th document from `start` of a batch, on one analyzer. */
typedef struct CutJob {
  LedeAnalyzer *an;
  const LedeSpans *s;
  const LedeSpanDoc *docs;
  char *const *text;
  const size_t *len;
  size_t n, start, step, width, base;
  int64_t words;
  size_t *cut;
  int rc;
} CutJob;

static void *cut_run(void *p)
{
  CutJob *j = p;
  for (size_t i = j->start; i < j->n && j->rc == LEDE_OK; i += j->step)
    if (j->text[i])
      j->rc = cut_doc(j->an, j->s, &j->docs[i], j->text[i], j->len[i], j->width, j->words,
                      j->cut + LEDE_CUT * (j->docs[i].first - j->base));
  return NULL;
}

int lede_kwic_cut(LedeAnalyzer *an, LedeAnalyzer *an2, const LedeSpans *s, const LedeSpanDoc *docs,
                  size_t n, char *const *text, const size_t *len, size_t width, int64_t words,
                  size_t *cut)
{
  size_t base = n ? docs[0].first : 0;
  CutJob j[2] = {{an, s, docs, text, len, n, 0, 1, width, base, words, cut, LEDE_OK},
                 {an2, s, docs, text, len, n, 1, 2, width, base, words, cut, LEDE_OK}};
  pthread_t t;
  int threaded = an2 && n > 1 && pthread_create(&t, NULL, cut_run, &j[1]) == 0;
  if (threaded) j[0].step = 2;
  cut_run(&j[0]);
  if (threaded) pthread_join(t, NULL);
  return j[0].rc != LEDE_OK ? j[0].rc : threaded ? j[1].rc : LEDE_OK;
}

/* Combining marks, variation selectors and the zero-width joiner belong
 * to the character before them: a context never starts or ends between. */
static int is_mark_at(const char *s, size_t len, size_t i)
{
  const unsigned char *p = (const unsigned char *)s + i;
  if (i >= len || p[0] < 0xCC) return 0;
  uint32_t cp;
  if (p[0] < 0xE0) { if (i + 1 >= len) return 0; cp = (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F); }
  else if (p[0] < 0xF0) {
    if (i + 2 >= len) return 0;
    cp = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
  } else return 0;
  return (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
         (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
         (cp >= 0xFE20 && cp <= 0xFE2F) || cp == 0x200D || (cp >= 0xFE00 && cp <= 0xFE0F);
}

static size_t prev_char(const char *s, size_t i)
{
  while (i > 0 && ((unsigned char)s[--i] & 0xC0) == 0x80) {}
  return i;
}

static size_t next_char(const char *s, size_t len, size_t i)
{
  if (i < len) i++;
  while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80) i++;
  return i;
}

/* No byte of [a, b) is above ASCII. */
static int ascii_run(const char *s, size_t a, size_t b)
{
  unsigned char or = 0;
  for (size_t i = a; i < b; i++) or |= (unsigned char)s[i];
  return or < 0x80;
}

void lede_context(const char *s, size_t len, size_t start, size_t stop, size_t width,
                  size_t *left, size_t *right)
{
  /* plain ASCII (most news text) has a character a byte and no marks */
  size_t a = start, la = start > width ? start - width : 0;
  if (start <= len && ascii_run(s, la, start)) {
    a = la;
  } else {
    for (size_t k = 0; k < width && a > 0; k++) {
      a = prev_char(s, a);
      while (a > 0 && is_mark_at(s, len, a)) a = prev_char(s, a);
    }
  }
  size_t b = stop, rb = stop < len && len - stop > width ? stop + width : len;
  if (stop <= len && ascii_run(s, stop, rb)) {
    b = rb;           /* marks after the last character are its own */
    while (width && b < len && is_mark_at(s, len, b)) b = next_char(s, len, b);
  } else {
    for (size_t k = 0; k < width && b < len; k++) {
      b = next_char(s, len, b);
      while (b < len && is_mark_at(s, len, b)) b = next_char(s, len, b);
    }
  }
  *left = a;
  *right = b;
}
