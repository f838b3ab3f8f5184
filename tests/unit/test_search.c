/*
 * test_search.c -- differential test of query evaluation: thousands of
 * random queries (terms, phrases, prefixes, regexes, NEAR/ADJ, sentence
 * bounds, AND/OR/NOT, source and date filters) are run through the parser
 * and the index, and through a brute-force evaluator over the token
 * arrays that implements the documented semantics independently.  The
 * matching documents and the matched spans must agree exactly.
 */
#include <regex.h>
#include <sqlite3.h>
#include <stdlib.h>
#include "lede_int.h"
#include "tap.h"

#define NDOCS 400
#define MAXLEN 120
#define NV 14
#define SENT 9          /* a sentence every 9 tokens */

static const char *vocab[NV] = {"alpha", "beta", "gamma", "delta", "alpine", "betamax", "gam",
                               "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda"};
static const char *sources[3] = {"north", "south", "west"};
static int len_of[NDOCS + 1], src_of[NDOCS + 1], day_of[NDOCS + 1];
static unsigned char toks[NDOCS + 1][MAXLEN];

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint32_t rnd(void)
{
  rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
  return (uint32_t)rng;
}

/* ---- the brute-force evaluator -------------------------------------------- */

typedef struct BSpans { uint32_t s[MAXLEN * 4], e[MAXLEN * 4]; int n; } BSpans;

static void badd(BSpans *b, uint32_t s, uint32_t e)
{
  for (int i = 0; i < b->n; i++) if (b->s[i] == s && b->e[i] == e) return;
  if (b->n < MAXLEN * 4) { b->s[b->n] = s; b->e[b->n] = e; b->n++; }
}

static int same_sentence(uint32_t a, uint32_t b) { return a / SENT == b / SENT; }

static int word_matches(const LedeQuery *q, int tok)
{
  const char *w = vocab[tok];
  if (q->kind == LEDE_Q_TERM) return strcasecmp(w, q->text) == 0;
  if (q->kind == LEDE_Q_PREFIX) return strncasecmp(w, q->text, strlen(q->text)) == 0;
  if (q->kind == LEDE_Q_REGEX) {
    /* the answer per vocabulary word, computed once per pattern */
    static char last[64];
    static int answer[NV];
    if (strcmp(last, q->text) != 0) {
      regex_t re;
      if (regcomp(&re, q->text, REG_EXTENDED | REG_NOSUB | (q->nocase ? REG_ICASE : 0))) return 0;
      for (int i = 0; i < NV; i++) answer[i] = regexec(&re, vocab[i], 0, NULL, 0) == 0;
      regfree(&re);
      snprintf(last, sizeof last, "%s", q->text);
    }
    return answer[tok];
  }
  return 0;
}

static int beval(const LedeQuery *q, int d, BSpans *out);

static void near_brute(const LedeQuery *q, int d, BSpans *items, size_t i, uint32_t *ps, uint32_t *pe, BSpans *out)
{
  if (i == q->nkids) {
    uint32_t lo = ps[0], hi = pe[0], maxs = ps[0], mine = pe[0];
    for (size_t k = 1; k < q->nkids; k++) {
      if (ps[k] < lo) lo = ps[k];
      if (pe[k] > hi) hi = pe[k];
      if (ps[k] > maxs) maxs = ps[k];
      if (pe[k] < mine) mine = pe[k];
    }
    if ((int64_t)maxs - (int64_t)mine - 1 > q->distance) return;
    if (q->within_sentence && !same_sentence(lo, hi)) return;
    badd(out, lo, hi);
    return;
  }
  for (int a = 0; a < items[i].n; a++) {
    uint32_t s = items[i].s[a], e = items[i].e[a];
    int ok2 = 1;
    for (size_t k = 0; k < i; k++) if (!(s > pe[k] || e < ps[k])) ok2 = 0;
    if (q->ordered && i > 0 && (s <= pe[i - 1] || (int64_t)s - pe[i - 1] - 1 > q->distance)) ok2 = 0;
    if (!ok2) continue;
    ps[i] = s; pe[i] = e;
    near_brute(q, d, items, i + 1, ps, pe, out);
  }
}

static int beval(const LedeQuery *q, int d, BSpans *out)
{
  BSpans items[8];
  switch (q->kind) {
  case LEDE_Q_TERM: case LEDE_Q_PREFIX: case LEDE_Q_REGEX:
    for (int p = 0; p < len_of[d]; p++) if (word_matches(q, toks[d][p])) badd(out, (uint32_t)p, (uint32_t)p);
    return out->n > 0;
  case LEDE_Q_PHRASE:
    for (int p = 0; p + (int)q->nkids <= len_of[d]; p++) {
      int hit = 1;
      for (size_t i = 0; i < q->nkids && hit; i++) hit = word_matches(q->kids[i], toks[d][p + i]);
      uint32_t e = (uint32_t)p + (uint32_t)q->nkids - 1;
      if (hit && (!q->within_sentence || same_sentence((uint32_t)p, e))) badd(out, (uint32_t)p, e);
    }
    return out->n > 0;
  case LEDE_Q_NEAR: {
    uint32_t ps[8], pe[8];
    for (size_t i = 0; i < q->nkids; i++) { items[i].n = 0; if (!beval(q->kids[i], d, &items[i])) return 0; }
    near_brute(q, d, items, 0, ps, pe, out);
    return out->n > 0;
  }
  case LEDE_Q_AND: {
    BSpans tmp;
    for (size_t i = 0; i < q->nkids; i++) { tmp.n = 0; if (!beval(q->kids[i], d, &tmp)) return 0; }
    for (size_t i = 0; i < q->nkids; i++) beval(q->kids[i], d, out);
    return 1;
  }
  case LEDE_Q_OR: {
    int any = 0;
    for (size_t i = 0; i < q->nkids; i++) { BSpans tmp; tmp.n = 0; if (beval(q->kids[i], d, &tmp)) { any = 1; beval(q->kids[i], d, out); } }
    return any;
  }
  case LEDE_Q_NOT: {
    BSpans tmp;
    tmp.n = 0;
    if (beval(q->kids[1], d, &tmp)) return 0;
    if (!q->kids[0]) return 1;
    return beval(q->kids[0], d, out);
  }
  case LEDE_Q_FIELD:
    return strcasecmp(sources[src_of[d]], q->text) == 0;
  case LEDE_Q_DATE: {
    char iso[16];
    snprintf(iso, sizeof iso, "2021-12-%02d", day_of[d]);
    return (!q->date_lo || strcmp(iso, q->date_lo) >= 0) && (!q->date_hi || strcmp(iso, q->date_hi) <= 0);
  }
  default: return 0;
  }
}

/* ---- random queries ----------------------------------------------------------- */

static void rand_word(LedeBuf *b)
{
  const char *w = vocab[rnd() % NV];
  int r = rnd() % 10;
  if (r == 0) { lede_buf_add(b, w, 3); lede_buf_addc(b, '*'); return; }      /* prefix */
  if (r == 1) { lede_buf_printf(b, "/^%.2s.*a$/", w); return; }             /* regex */
  if (r == 2) { lede_buf_addc(b, (char)(w[0] - 32)); lede_buf_adds(b, w + 1); return; }  /* case */
  lede_buf_adds(b, w);
}

static void rand_operand(LedeBuf *b, int depth);

static void rand_positional(LedeBuf *b)
{
  int r = rnd() % 3;
  if (r == 0) {
    lede_buf_addc(b, '"');
    int n = 2 + rnd() % 2;
    for (int i = 0; i < n; i++) {
      if (i) lede_buf_addc(b, ' ');
      const char *w = vocab[rnd() % 6];
      if (rnd() % 6 == 0) { lede_buf_add(b, w, 3); lede_buf_addc(b, '*'); } else lede_buf_adds(b, w);
    }
    lede_buf_addc(b, '"');
  } else {
    rand_word(b);
    int n = 1 + rnd() % 2;
    const char *op = r == 1 ? "NEAR" : "ADJ";
    int dist = rnd() % 6;
    for (int i = 0; i < n; i++) {
      lede_buf_printf(b, " %s/%d ", op, dist ? dist : 1);
      if (rnd() % 4 == 0) { lede_buf_addc(b, '"'); lede_buf_adds(b, vocab[rnd() % 4]); lede_buf_addc(b, ' '); lede_buf_adds(b, vocab[rnd() % 4]); lede_buf_addc(b, '"'); }
      else rand_word(b);
    }
  }
  if (rnd() % 4 == 0) lede_buf_adds(b, " WITHIN SENTENCE");
}

static void rand_operand(LedeBuf *b, int depth)
{
  int r = rnd() % 10;
  if (depth < 2 && r < 2) {
    lede_buf_addc(b, '(');
    rand_operand(b, depth + 1);
    lede_buf_adds(b, rnd() % 2 ? " OR " : " AND ");
    rand_operand(b, depth + 1);
    lede_buf_addc(b, ')');
  } else if (r < 5) {
    rand_positional(b);
  } else if (r == 5) {
    lede_buf_printf(b, "source:%s", sources[rnd() % 3]);
  } else if (r == 6) {
    int a = 1 + rnd() % 20;
    lede_buf_printf(b, "date:2021-12-%02d..2021-12-%02d", a, a + (int)(rnd() % 10));
  } else {
    rand_word(b);
  }
}

static void rand_query(LedeBuf *b)
{
  rand_operand(b, 0);
  int r = rnd() % 5;
  if (r == 0) { lede_buf_adds(b, " OR "); rand_operand(b, 0); }
  else if (r == 1) { lede_buf_adds(b, " AND "); rand_operand(b, 0); }
  else if (r == 2) { lede_buf_adds(b, " NOT "); rand_operand(b, 1); }
  else if (r == 3) { lede_buf_addc(b, ' '); rand_operand(b, 0); }
}

/* ---- plumbing ------------------------------------------------------------------ */

static int lower_norm(void *ud, const char *s, size_t len, LedeBuf *terms, size_t *n)
{
  (void)ud;
  for (size_t i = 0; i < len; i++) lede_buf_addc(terms, (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]));
  lede_buf_addc(terms, '\0');
  *n = 1;
  return terms->oom ? LEDE_ENOMEM : LEDE_OK;
}

static sqlite3 *build(void)
{
  sqlite3 *db;
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db, "CREATE TABLE lede_info(key TEXT PRIMARY KEY, value);"
               "CREATE TABLE docs(id INTEGER PRIMARY KEY, source, date, title, lang, uri, meta);"
               "CREATE TABLE lede_alias(canonical, variant);", NULL, NULL, NULL);
  lede_index_schema(db);
  LedeIndexWriter *w = lede_iw_new();
  sqlite3_stmt *ins;
  sqlite3_prepare_v2(db, "INSERT INTO docs(id, source, date) VALUES(?,?,?)", -1, &ins, NULL);
  for (int d = 1; d <= NDOCS; d++) {
    len_of[d] = 1 + (int)(rnd() % MAXLEN);
    src_of[d] = (int)(rnd() % 3);
    day_of[d] = 1 + (int)(rnd() % 28);
    char iso[24];
    snprintf(iso, sizeof iso, "2021-12-%02dT10:00", day_of[d]);
    sqlite3_bind_int(ins, 1, d);
    sqlite3_bind_text(ins, 2, sources[src_of[d]], -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 3, iso, -1, SQLITE_TRANSIENT);
    sqlite3_step(ins);
    sqlite3_reset(ins);
    lede_iw_begin(w, d);
    uint32_t sent[MAXLEN / SENT + 1];
    size_t ns = 0;
    for (int p = 0; p < len_of[d]; p++) {
      toks[d][p] = (unsigned char)(rnd() % 100 < 60 ? rnd() % 4 : rnd() % NV);
      lede_iw_term(w, vocab[toks[d][p]], strlen(vocab[toks[d][p]]), (uint32_t)p);
      if (p % SENT == 0) sent[ns++] = (uint32_t)p;
    }
    lede_iw_end(w, (uint32_t)len_of[d], sent, ns);
    if (d % 150 == 0) lede_iw_write(w, db);
  }
  lede_iw_write(w, db);
  lede_iw_free(w);
  sqlite3_finalize(ins);
  return db;
}

/* Run one query both ways; returns 0 when they agree. */
static int compare(LedeIndex *ix, sqlite3 *db, const char *qs, long *docs_seen)
{
  LedeQuery *q;
  char *err = NULL;
  if (lede_query_parse(qs, &q, &err) != LEDE_OK) { diag("parse: %s: %s", qs, err); free(err); return 1; }
  LedeSearchOpts o = {100, lower_norm, NULL};
  LedeSearch *s;
  if (lede_search_new(ix, db, q, &o, &s, &err) != LEDE_OK) { diag("compile %s: %s", qs, err); free(err); lede_query_free(q); return 1; }
  int bad = 0;
  int64_t doc;
  int rc = lede_search_next(s, &doc, NULL);
  for (int d = 1; d <= NDOCS && !bad; d++) {
    BSpans want;
    want.n = 0;
    int m = beval(q, d, &want);
    int got = rc == 1 && doc == d;
    if (m != got) { diag("%s: doc %d brute %d index %d", qs, d, m, got); bad = 1; break; }
    if (!m) continue;
    (*docs_seen)++;
    uint32_t *ss, *ee;
    size_t n;
    lede_search_spans(s, &ss, &ee, &n);
    size_t agree = 0;
    for (size_t i = 0; i < n; i++)
      for (int k = 0; k < want.n; k++) agree += ss[i] == want.s[k] && ee[i] == want.e[k];
    if (agree != n || (int)n != want.n) { diag("%s: doc %d spans: index %zu brute %d", qs, d, n, want.n); bad = 1; }
    free(ss); free(ee);
    rc = lede_search_next(s, &doc, NULL);
  }
  if (!bad && rc != 0) { diag("%s: extra document %lld", qs, (long long)doc); bad = 1; }
  lede_search_free(s);
  lede_query_free(q);
  return bad;
}

/* The bitmap ways (lede_search_count_docs, lede_search_all) against
 * next(): the same documents, the same count, scores equal to the bit.
 * Adds to *used the queries they took. */
static int compare_fast(LedeIndex *ix, sqlite3 *db, const char *qs, int *used)
{
  LedeQuery *q;
  char *err = NULL;
  if (lede_query_parse(qs, &q, &err) != LEDE_OK) { free(err); return 1; }
  LedeSearchOpts o = {100, lower_norm, NULL};
  LedeSearch *s1, *s2, *s3;
  int bad = 0;
  if (lede_search_new(ix, db, q, &o, &s1, NULL) != LEDE_OK) { lede_query_free(q); return 1; }
  lede_search_new(ix, db, q, &o, &s2, NULL);
  lede_search_new(ix, db, q, &o, &s3, NULL);
  int64_t *docs = NULL, doc;
  double *scores = NULL, score;
  size_t n = 0, k = 0;
  uint64_t count = 0;
  int fast = lede_search_all(s2, &docs, &scores, &n);
  int fastc = lede_search_count_docs(s3, &count);
  while (lede_search_next(s1, &doc, &score) == 1) {
    if (fast == 1 && (k >= n || docs[k] != doc || memcmp(&scores[k], &score, sizeof score) != 0)) {
      if (!bad) diag("%s: document %zu: next %lld %.17g, bitmaps %lld %.17g", qs, k, (long long)doc, score,
                     k < n ? (long long)docs[k] : -1LL, k < n ? scores[k] : 0.0);
      bad = 1;
    }
    k++;
  }
  if (fast == 1 && k != n) { diag("%s: next %zu documents, bitmaps %zu", qs, k, n); bad = 1; }
  if (fastc == 1 && count != k) { diag("%s: next %zu documents, count %llu", qs, k, (unsigned long long)count); bad = 1; }
  *used += fast == 1;
  free(docs);
  free(scores);
  lede_search_free(s1);
  lede_search_free(s2);
  lede_search_free(s3);
  lede_query_free(q);
  return bad;
}

/* Queries of the shapes lede_search_top and the term-conjunction count
 * take: a word, or a phrase, NEAR/ADJ group or AND of words, perhaps
 * with a NOT. */
static void rand_conj(LedeBuf *b)
{
  int r = rnd() % 5, n = 2 + rnd() % 2;
  if (r == 0) {
    lede_buf_adds(b, vocab[rnd() % NV]);
  } else if (r == 1 || r == 2) {
    lede_buf_addc(b, '"');
    for (int i = 0; i < n; i++) {
      if (i) lede_buf_addc(b, ' ');
      lede_buf_adds(b, vocab[rnd() % (r == 1 ? 4 : NV)]);
    }
    lede_buf_addc(b, '"');
    if (rnd() % 8 == 0) lede_buf_adds(b, " WITHIN SENTENCE");
  } else if (r == 3) {
    const char *op = rnd() % 2 ? "NEAR" : "ADJ";
    int dist = 1 + (int)(rnd() % 5);
    lede_buf_adds(b, vocab[rnd() % 6]);
    for (int i = 1; i < n; i++) lede_buf_printf(b, " %s/%d %s", op, dist, vocab[rnd() % 6]);
  } else {
    for (int i = 0; i < n; i++) lede_buf_printf(b, "%s%s", i ? " " : "", vocab[rnd() % 8]);
  }
  if (rnd() % 4 == 0) lede_buf_printf(b, " NOT %s", vocab[rnd() % NV]);
}

/* ORs of 2-6 words or prefixes (words may repeat): the MaxScore top k. */
static void rand_or(LedeBuf *b)
{
  static const char *prefixes[] = {"alp*", "bet*", "gam*", "e*"};
  int n = 2 + (int)(rnd() % 5);
  for (int i = 0; i < n; i++) {
    if (i) lede_buf_adds(b, " OR ");
    lede_buf_adds(b, rnd() % 6 ? vocab[rnd() % NV] : prefixes[rnd() % 4]);
  }
}

static int ranked_before(const LedeHit *a, const LedeHit *b)
{
  return a->score != b->score ? a->score > b->score : a->doc < b->doc;
}

/* lede_search_top and the term-conjunction count against next(): the
 * same k best documents with scores equal to the bit, ties to the lower
 * id, the same count.  Adds to *used the queries top took. */
static int compare_top(LedeIndex *ix, sqlite3 *db, const char *qs, size_t k, int *used)
{
  LedeQuery *q;
  char *err = NULL;
  if (lede_query_parse(qs, &q, &err) != LEDE_OK) { diag("parse: %s: %s", qs, err); free(err); return 1; }
  LedeSearchOpts o = {100, lower_norm, NULL};
  LedeSearch *s1, *s2, *s3;
  if (lede_search_new(ix, db, q, &o, &s1, NULL) != LEDE_OK) { lede_query_free(q); return 1; }
  lede_search_new(ix, db, q, &o, &s2, NULL);
  lede_search_new(ix, db, q, &o, &s3, NULL);
  LedeHit all[NDOCS + 1], t;
  size_t n = 0;
  int64_t doc;
  double score;
  while (n <= NDOCS && lede_search_next(s1, &doc, &score) == 1) {
    all[n] = (LedeHit){doc, score};
    for (size_t i = n++; i > 0 && ranked_before(&all[i], &all[i - 1]); i--) { t = all[i]; all[i] = all[i - 1]; all[i - 1] = t; }
  }
  int64_t docs[64];
  double scores[64];
  size_t got = 0;
  uint64_t matched = 0, count = 0;
  int bad = 0, fast = lede_search_top(s2, k, docs, scores, &got, &matched);
  if (fast == 1) {
    size_t want = n < k ? n : k;
    if (got != want) { diag("%s top %zu: %zu documents, next() gives %zu", qs, k, got, want); bad = 1; }
    for (size_t i = 0; !bad && i < got; i++)
      if (docs[i] != all[i].doc || memcmp(&scores[i], &all[i].score, sizeof score) != 0) {
        diag("%s top %zu: #%zu is %lld %.17g, next() gives %lld %.17g", qs, k, i, (long long)docs[i],
             scores[i], (long long)all[i].doc, all[i].score);
        bad = 1;
      }
    if (matched != UINT64_MAX && matched != n) { diag("%s: top says %llu match, next() %zu", qs, (unsigned long long)matched, n); bad = 1; }
  }
  if (lede_search_count_docs(s3, &count) == 1 && count != n) {
    diag("%s: count %llu, next() %zu", qs, (unsigned long long)count, n);
    bad = 1;
  }
  *used += fast == 1;
  lede_search_free(s1);
  lede_search_free(s2);
  lede_search_free(s3);
  lede_query_free(q);
  return bad;
}

int main(void)
{
  sqlite3 *db = build();
  LedeIndex *ix;
  lede_index_open(db, &ix);
  static const char *fixed[] = {
    "alpha", "ALPHA beta", "\"alpha beta\"", "alpha NEAR/2 beta", "alpha ADJ/1 beta",
    "alp*", "/^be/", "alpha OR gamma NOT beta", "-alpha", "source:north", "date:2021-12-03..2021-12-09",
    "\"alpha beta\" WITHIN SENTENCE", "alpha NEAR/3 beta NEAR/3 gamma", "(alpha OR beta) NEAR/1 gamma",
  };
  int bad = 0;
  long seen = 0;
  for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) bad += compare(ix, db, fixed[i], &seen);
  is_int(bad, 0, "hand-picked queries agree with brute force");
  bad = 0;
  int nq = 3000;
  for (int i = 0; i < nq; i++) {
    LedeBuf b = {0};
    rand_query(&b);
    bad += compare(ix, db, b.p, &seen);
    lede_buf_free(&b);
    if (bad > 5) break;
  }
  diag("%d random queries, %ld matching documents compared", nq, seen);
  printf("## search differential (C engine): %d random queries, %d mismatches\n", nq, bad);
  is_int(bad, 0, "random queries agree with brute force (documents and spans)");
  lede_search_bitmaps_always = 1;
  bad = 0;
  int used = 0;
  for (int i = 0; i < nq; i++) {
    LedeBuf b = {0};
    rand_query(&b);
    bad += compare_fast(ix, db, b.p, &used);
    lede_buf_free(&b);
    if (bad > 5) break;
  }
  lede_search_bitmaps_always = 0;
  printf("## bitmap counting and term-at-a-time scoring: %d random queries, %d took them, %d mismatches\n",
         nq, used, bad);
  ok(bad == 0 && used > nq / 10, "bitmaps give next()'s documents, counts and scores (%d of %d queries)", used, nq);
  bad = 0;
  used = 0;
  static const size_t ks[] = {1, 3, 20, 64};
  for (int i = 0; i < nq; i++) {
    LedeBuf b = {0};
    if (i % 3) rand_conj(&b); else rand_query(&b);
    bad += compare_top(ix, db, b.p, ks[i % 4], &used);
    lede_buf_free(&b);
    if (bad > 5) break;
  }
  printf("## top k without visiting every match: %d random queries, %d took it, %d mismatches\n",
         nq, used, bad);
  ok(bad == 0 && used > nq / 3, "top k and counts of term conjunctions give next()'s (%d of %d queries)", used, nq);
  bad = 0;
  used = 0;
  for (int i = 0; i < nq / 2; i++) {
    LedeBuf b = {0};
    rand_or(&b);
    bad += compare_top(ix, db, b.p, ks[i % 4], &used);
    lede_buf_free(&b);
    if (bad > 5) break;
  }
  printf("## top k of ORs of terms (MaxScore): %d random queries, %d took it, %d mismatches\n", nq / 2, used, bad);
  ok(bad == 0 && used > nq / 4, "top k of ORs gives next()'s (%d of %d queries)", used, nq / 2);
  lede_search_merge_always = 1;
  bad = 0;
  for (int i = 0; i < nq / 2; i++) {
    LedeBuf b = {0};
    rand_conj(&b);
    bad += compare_top(ix, db, b.p, ks[i % 4], &used);
    lede_buf_free(&b);
    if (bad > 5) break;
  }
  lede_search_merge_always = 0;
  printf("## phrases and NEAR pairs counted by merging postings: %d random queries, %d mismatches\n", nq / 2, bad);
  is_int(bad, 0, "merging postings counts what next() finds");
  /* removed documents: the top k and counts must leave them out */
  for (int d = 3; d <= NDOCS; d += 7) lede_index_remove(db, d);
  lede_index_refresh(ix);
  bad = 0;
  used = 0;
  for (int i = 0; i < nq / 2; i++) {
    LedeBuf b = {0};
    if (i % 2) rand_conj(&b); else rand_or(&b);
    bad += compare_top(ix, db, b.p, ks[i % 4], &used);
    lede_buf_free(&b);
    if (bad > 5) break;
  }
  for (int i = 0; i < NV * 3; i++)    /* every word alone: some now have idf < 0 */
    bad += compare_top(ix, db, vocab[i % NV], ks[i / NV], &used);
  ok(bad == 0 && used > nq / 6, "top k and counts with removed documents give next()'s (%d of %d queries)",
     used, nq / 2 + NV * 3);
  LedeQuery *q;
  char *err;
  lede_query_parse("a*", &q, &err);
  LedeSearchOpts o = {1, lower_norm, NULL};
  LedeSearch *s;
  int rc = lede_search_new(ix, db, q, &o, &s, &err);
  ok(rc == LEDE_EFORMAT && err && strstr(err, "the prefix 'a*' matches 2 terms, more than the limit of 1"),
     "a wide prefix is refused: %s", err ? err : "(none)");
  if (rc == LEDE_OK) lede_search_free(s);
  free(err);
  lede_query_free(q);
  lede_index_close(ix);
  sqlite3_close(db);
  return tap_done();
}
