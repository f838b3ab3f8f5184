/*
 * search.c -- evaluating a parsed query against the index.
 *
 * A query compiles to a tree of nodes, each an iterator over documents in
 * rising id order with next(target) ("first document >= target"), so AND
 * leapfrogs and a rare term drives a common one through its skip table.
 * Positional nodes (phrases, NEAR/ADJ) also give the spans they match in
 * the current document, as token positions [start, end]; every node can
 * list the spans that made it match, which is what highlights and KWIC
 * use.
 *
 * Semantics (the differential test implements the same by brute force):
 *  - a phrase matches where its items stand at consecutive positions;
 *  - a NEAR/n group matches where one span of each operand can be chosen
 *    so that (largest start) - (smallest end) - 1 <= n, operands on
 *    distinct positions; ADJ/n also needs them in the order written, each
 *    starting after the previous one ends;
 *  - "within sentence" needs the whole match inside one sentence;
 *  - a document's score is BM25 (k1 = 1.2, b = 0.75) summed over the
 *    positive leaves: terms with their own frequencies, phrases and NEAR
 *    groups with their match counts and the sum of their terms' idf.
 */
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "lede_int.h"
#include "lede/query.h"

#define END INT64_MAX

typedef struct Span { uint32_t start, end; } Span;
typedef struct Spans { Span *v; size_t n, cap; } Spans;
typedef struct U32s { uint32_t *v; size_t n, cap; } U32s;

typedef struct Node Node;
typedef enum { N_TERM, N_OR, N_AND, N_NOT, N_PHRASE, N_NEAR, N_SET, N_NONE } NodeKind;

struct Node {
  NodeKind kind;
  int64_t doc;                  /* current document; -1 before, END after */
  Node **kids;
  size_t nkids;
  LedeCursor *cur;              /* N_TERM */
  char *term;                   /* N_TERM: the index term */
  size_t termlen;
  double idf;                   /* scored leaves */
  uint64_t df, cf;              /* N_TERM: documents with the term, its postings */
  int scored;                   /* contributes to BM25 */
  int64_t *set;                 /* N_SET: sorted ids */
  size_t nset, at;
  int distance, ordered, within_sentence;
  Spans spans;                  /* positional nodes: matches in doc */
  int64_t spans_doc;            /* doc the spans are for; -1: not yet */
  Spans *items;                 /* positional nodes: per kid, reused */
  U32s *starts;                 /* phrases: per kid, the start positions */
  uint64_t *bits;               /* phrases: scratch bitmaps, kept zeroed */
  size_t nbits;
};

struct LedeSearch {
  LedeIndex *ix;
  sqlite3 *db;
  Node *root;
  Node **leaves;                /* scored leaves, for BM25 */
  size_t nleaves, capleaves;
  const LedeSearchOpts *o;
  double avglen;
  uint32_t *sent;               /* sentence starts of sent_doc */
  int nsent;
  int64_t sent_doc;
  char *err;
  int rc;
};

/* ---- spans ---------------------------------------------------------------- */

static int spans_add(Spans *s, uint32_t a, uint32_t b)
{
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 16;
    Span *v = realloc(s->v, cap * sizeof *v);
    if (!v) return 0;
    s->v = v;
    s->cap = cap;
  }
  s->v[s->n++] = (Span){a, b};
  return 1;
}

static int cmp_span(const void *a, const void *b)
{
  const Span *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  return (x->end > y->end) - (x->end < y->end);
}

static void spans_sort(Spans *s)
{
  if (s->n < 2) return;
  qsort(s->v, s->n, sizeof *s->v, cmp_span);
  size_t k = 0;                 /* drop exact duplicates */
  for (size_t i = 0; i < s->n; i++)
    if (!k || s->v[i].start != s->v[k - 1].start || s->v[i].end != s->v[k - 1].end)
      s->v[k++] = s->v[i];
  s->n = k;
}

/* ---- errors --------------------------------------------------------------- */

static void fail(LedeSearch *s, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#include <stdarg.h>
static void fail(LedeSearch *s, int rc, const char *fmt, ...)
{
  if (s->rc) return;
  s->rc = rc;
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  s->err = strdup(msg);
}

/* ---- iteration -------------------------------------------------------------- */

static int node_next(LedeSearch *s, Node *n, int64_t target);
static int node_spans(LedeSearch *s, Node *n, Spans *out);

static int term_next(LedeSearch *s, Node *n, int64_t target)
{
  int rc = lede_cursor_seek(n->cur, target);
  if (rc < 0) { fail(s, rc, "the index could not be read"); return rc; }
  n->doc = rc == 1 ? lede_cursor_doc(n->cur) : END;
  return rc;
}

static int or_next(LedeSearch *s, Node *n, int64_t target)
{
  int64_t best = END;
  for (size_t i = 0; i < n->nkids; i++) {
    Node *k = n->kids[i];
    if (k->doc < target && node_next(s, k, target) < 0) return -1;
    if (k->doc < best) best = k->doc;
  }
  n->doc = best;
  return best != END;
}

/* Leapfrog: move every child to the largest current document until all
 * agree. */
static int and_next(LedeSearch *s, Node *n, int64_t target)
{
  for (;;) {
    int64_t hi = target;
    for (size_t i = 0; i < n->nkids; i++) {
      Node *k = n->kids[i];
      if (k->doc < hi && node_next(s, k, hi) < 0) return -1;
      if (k->doc == END) { n->doc = END; return 0; }
      if (k->doc > hi) hi = k->doc;
    }
    int agree = 1;
    for (size_t i = 0; i < n->nkids; i++) agree &= n->kids[i]->doc == hi;
    if (agree) { n->doc = hi; return 1; }
    target = hi;
  }
}

static int not_next(LedeSearch *s, Node *n, int64_t target)
{
  Node *pos = n->kids[0], *neg = n->kids[1];
  for (;;) {
    if (node_next(s, pos, target) < 0) return -1;
    if (pos->doc == END) { n->doc = END; return 0; }
    if (neg->doc < pos->doc && node_next(s, neg, pos->doc) < 0) return -1;
    if (neg->doc != pos->doc) { n->doc = pos->doc; return 1; }
    target = pos->doc + 1;
  }
}

static int set_next(LedeSearch *s, Node *n, int64_t target)
{
  (void)s;
  while (n->at < n->nset && n->set[n->at] < target) n->at++;
  n->doc = n->at < n->nset ? n->set[n->at] : END;
  return n->doc != END;
}

/* Is [a, b] inside one sentence of the current document? */
static int one_sentence(LedeSearch *s, int64_t doc, uint32_t a, uint32_t b)
{
  if (s->sent_doc != doc) {
    free(s->sent);
    s->nsent = lede_index_sentences(s->ix, doc, &s->sent);
    s->sent_doc = doc;
  }
  uint32_t start = 0;
  for (int i = 0; i < s->nsent && s->sent[i] <= a; i++) start = s->sent[i];
  for (int i = 0; i < s->nsent; i++)
    if (s->sent[i] > start) return b < s->sent[i];
  return 1;
}

/* The start positions of kid k in the current document, rising: a term's
 * come straight from its cursor, other kids' from their spans. */
static const uint32_t *kid_starts(LedeSearch *s, Node *n, size_t i, size_t *count)
{
  Node *k = n->kids[i];
  if (k->kind == N_TERM) {
    *count = lede_cursor_tf(k->cur);
    return lede_cursor_positions(k->cur);
  }
  Spans *sp = &n->items[i];
  U32s *u = &n->starts[i];
  sp->n = 0;
  if (node_spans(s, k, sp) < 0) return NULL;
  spans_sort(sp);
  if (sp->n > u->cap) {
    uint32_t *v = realloc(u->v, sp->n * sizeof *v);
    if (!v) return NULL;
    u->v = v;
    u->cap = sp->n;
  }
  for (size_t j = 0; j < sp->n; j++) u->v[j] = sp->v[j].start;
  *count = sp->n;
  return u->v;
}

/* Is there a p in st[0] with p + i in st[i] for every i?  Items 1.. go
 * into one bitmap each (bit p - i, so every bitmap speaks of phrase
 * starts), and item 0's positions are tested against all of them: no
 * unpredictable merge branches, which cost most of a common phrase's
 * time.  The bits set are cleared again, so the bitmaps stay zero between
 * documents. */
static int phrase_any(Node *n, const uint32_t *const *st, const size_t *ns)
{
  size_t k = n->nkids;
  uint32_t top = 0;
  for (size_t i = 0; i < k; i++) if (ns[i] && st[i][ns[i] - 1] > top) top = st[i][ns[i] - 1];
  size_t words = top / 64 + 1;
  if (words * (k - 1) > n->nbits) {
    uint64_t *b = calloc(words * (k - 1), sizeof *b);   /* layout changes: start clean */
    if (!b) return -1;
    free(n->bits);
    n->bits = b;
    n->nbits = words * (k - 1);
  }
  for (size_t i = 1; i < k; i++) {
    uint64_t *b = n->bits + (i - 1) * words;
    for (size_t j = 0; j < ns[i]; j++)
      if (st[i][j] >= i) b[(st[i][j] - i) >> 6] |= 1ULL << ((st[i][j] - i) & 63);
  }
  int found = 0;
  for (size_t a = 0; a < ns[0] && !found; a++) {
    uint32_t p = st[0][a];
    int hit = 1;
    for (size_t i = 1; i < k; i++)
      hit &= (int)(n->bits[(i - 1) * words + (p >> 6)] >> (p & 63)) & 1;
    found = hit;
  }
  for (size_t i = 1; i < k; i++) {
    uint64_t *b = n->bits + (i - 1) * words;
    for (size_t j = 0; j < ns[i]; j++)
      if (st[i][j] >= i) b[(st[i][j] - i) >> 6] = 0;
  }
  return found;
}

/* Phrase: item i at position p + i for every item.  The lists rise, so
 * one pointer per item walks forward with p: linear in their lengths.
 * With first_only it stops at the first match (enough to know the
 * document matches); otherwise every match goes to n->spans. */
static int phrase_match(LedeSearch *s, Node *n, int first_only)
{
  const uint32_t *st[16];
  size_t ns[16], at[16] = {0};
  for (size_t i = 0; i < n->nkids; i++) {
    st[i] = kid_starts(s, n, i, &ns[i]);
    if (!st[i]) return -1;
  }
  if (first_only && !n->within_sentence) return phrase_any(n, st, ns);
  int found = 0;
  for (size_t a = 0; a < ns[0]; a++) {
    uint32_t p = st[0][a];
    int hit = 1;
    for (size_t i = 1; i < n->nkids && hit; i++) {
      while (at[i] < ns[i] && st[i][at[i]] < p + i) at[i]++;
      if (at[i] == ns[i]) return found;
      hit = st[i][at[i]] == p + i;
    }
    uint32_t end = p + (uint32_t)n->nkids - 1;
    if (!hit || (n->within_sentence && !one_sentence(s, n->doc, p, end))) continue;
    found = 1;
    if (first_only) return 1;
    spans_add(&n->spans, p, end);
  }
  return found;
}

/* NEAR/ADJ over k operands by trying every combination, pruned by the
 * window; lists are short in one document, and k is small.  Returns 1 to
 * stop (first_only and a match found). */
static int near_rec(LedeSearch *s, Node *n, size_t i, Span *pick, int first_only)
{
  Spans *items = n->items;
  if (i == n->nkids) {
    uint32_t lo = pick[0].start, hi_end = pick[0].end, max_start = pick[0].start, min_end = pick[0].end;
    for (size_t k = 1; k < n->nkids; k++) {
      if (pick[k].start < lo) lo = pick[k].start;
      if (pick[k].end > hi_end) hi_end = pick[k].end;
      if (pick[k].start > max_start) max_start = pick[k].start;
      if (pick[k].end < min_end) min_end = pick[k].end;
    }
    if ((int64_t)max_start - (int64_t)min_end - 1 > n->distance) return 0;
    if (n->within_sentence && !one_sentence(s, n->doc, lo, hi_end)) return 0;
    spans_add(&n->spans, lo, hi_end);
    return first_only;
  }
  for (size_t a = 0; a < items[i].n; a++) {
    Span c = items[i].v[a];
    int clash = 0;
    for (size_t k = 0; k < i && !clash; k++) {
      clash = !(c.start > pick[k].end || c.end < pick[k].start);
      if (n->ordered && k == i - 1 && c.start <= pick[k].end) clash = 1;
    }
    if (n->ordered && i > 0 && !clash && (int64_t)c.start - pick[i - 1].end - 1 > n->distance)
      clash = 1;
    if (clash) continue;
    pick[i] = c;
    if (near_rec(s, n, i + 1, pick, first_only)) return 1;
  }
  return 0;
}

/* Two terms within the distance (after the first, for ADJ): one pointer
 * walks the second list as the first rises, instead of trying pairs. */
static int near_two_terms(Node *n)
{
  Node *x = n->kids[0], *y = n->kids[1];
  size_t na = lede_cursor_tf(x->cur), nb = lede_cursor_tf(y->cur), j = 0;
  const uint32_t *a = lede_cursor_positions(x->cur);
  const uint32_t *b = a ? lede_cursor_positions(y->cur) : NULL;
  if (!a || !b) return -1;
  int64_t d = n->distance;
  for (size_t i = 0; i < na; i++) {
    int64_t p = a[i];
    if (n->ordered) {
      while (j < nb && (int64_t)b[j] <= p) j++;
      if (j == nb) return 0;
      if ((int64_t)b[j] - p - 1 <= d) return 1;
      continue;
    }
    while (j < nb && (int64_t)b[j] < p - d - 1) j++;
    for (size_t k = j; k < nb && (int64_t)b[k] <= p + d + 1; k++)
      if ((int64_t)b[k] != p) return 1;
  }
  return 0;
}

static int near_match(LedeSearch *s, Node *n, int first_only)
{
  Span pick[16];
  if (first_only && n->nkids == 2 && !n->within_sentence && n->kids[0]->kind == N_TERM &&
      n->kids[1]->kind == N_TERM && n->distance >= 0)
    return near_two_terms(n);
  for (size_t i = 0; i < n->nkids; i++) {
    n->items[i].n = 0;
    if (node_spans(s, n->kids[i], &n->items[i]) < 0) return -1;
  }
  size_t before = n->spans.n;
  near_rec(s, n, 0, pick, first_only);
  return n->spans.n > before;
}

/* The matches of positional node n in its current document: with
 * first_only, just whether there is one. */
static int positional_match(LedeSearch *s, Node *n, int first_only)
{
  if (!n->items) {
    n->items = calloc(n->nkids, sizeof *n->items);
    n->starts = calloc(n->nkids, sizeof *n->starts);
    if (!n->items || !n->starts) { fail(s, LEDE_ENOMEM, "out of memory"); return -1; }
  }
  n->spans.n = 0;
  n->spans_doc = -1;
  int rc = n->kind == N_PHRASE ? phrase_match(s, n, first_only) : near_match(s, n, first_only);
  if (rc < 0) { fail(s, LEDE_ENOMEM, "out of memory"); return -1; }
  if (!first_only) { spans_sort(&n->spans); n->spans_doc = n->doc; }
  return rc;
}

/* Positional nodes: find the next document where the positions agree;
 * the spans there are worked out only when someone asks (node_spans). */
static int positional_next(LedeSearch *s, Node *n, int64_t target)
{
  for (;;) {
    int rc = and_next(s, n, target);
    if (rc != 1) return rc;
    rc = positional_match(s, n, 1);
    if (rc != 0) return rc;
    target = n->doc + 1;
  }
}

static int node_next(LedeSearch *s, Node *n, int64_t target)
{
  if (n->doc >= target) return n->doc != END;
  if (s->rc) return -1;
  switch (n->kind) {
  case N_TERM: return term_next(s, n, target);
  case N_OR: return or_next(s, n, target);
  case N_AND: return and_next(s, n, target);
  case N_NOT: return not_next(s, n, target);
  case N_SET: return set_next(s, n, target);
  case N_PHRASE: case N_NEAR: return positional_next(s, n, target);
  case N_NONE: n->doc = END; return 0;
  }
  return 0;
}

/* Spans of node n in its current document, appended to out. */
static int node_spans(LedeSearch *s, Node *n, Spans *out)
{
  switch (n->kind) {
  case N_TERM: {
    const uint32_t *pos = lede_cursor_positions(n->cur);
    uint32_t tf = lede_cursor_tf(n->cur);
    if (!pos) return -1;
    for (uint32_t i = 0; i < tf; i++) spans_add(out, pos[i], pos[i]);
    return 0;
  }
  case N_OR: case N_AND:
    for (size_t i = 0; i < n->nkids; i++)
      if (n->kids[i]->doc == n->doc && node_spans(s, n->kids[i], out) < 0) return -1;
    if (n->kind == N_OR) spans_sort(out);
    return 0;
  case N_NOT:
    return node_spans(s, n->kids[0], out);
  case N_PHRASE: case N_NEAR:
    if (n->spans_doc != n->doc && positional_match(s, n, 0) < 0) return -1;
    for (size_t i = 0; i < n->spans.n; i++) spans_add(out, n->spans.v[i].start, n->spans.v[i].end);
    return 0;
  default:
    return 0;
  }
}

/* ---- compiling the AST ------------------------------------------------------ */

static Node *new_node(LedeSearch *s, NodeKind k)
{
  Node *n = calloc(1, sizeof *n);
  if (!n) { fail(s, LEDE_ENOMEM, "out of memory"); return NULL; }
  n->kind = k;
  n->doc = -1;
  n->spans_doc = -1;
  return n;
}

static void add_kid(LedeSearch *s, Node *n, Node *k)
{
  if (!k) return;
  Node **v = realloc(n->kids, (n->nkids + 1) * sizeof *v);
  if (!v) { fail(s, LEDE_ENOMEM, "out of memory"); return; }
  n->kids = v;
  n->kids[n->nkids++] = k;
}

static void free_node(Node *n)
{
  if (!n) return;
  for (size_t i = 0; i < n->nkids; i++) free_node(n->kids[i]);
  free(n->kids);
  lede_cursor_close(n->cur);
  free(n->term);
  free(n->set);
  free(n->spans.v);
  for (size_t i = 0; n->items && i < n->nkids; i++) free(n->items[i].v);
  for (size_t i = 0; n->starts && i < n->nkids; i++) free(n->starts[i].v);
  free(n->items);
  free(n->starts);
  free(n->bits);
  free(n);
}

static Node *term_node(LedeSearch *s, const char *t, size_t len, int scored)
{
  Node *n = new_node(s, N_TERM);
  if (!n) return NULL;
  n->term = strndup(t, len);
  n->termlen = len;
  n->cur = lede_cursor_open(s->ix, t, len);
  LedeTermStats st = {0, 0};
  if (n->cur) lede_cursor_stats(n->cur, &st);
  n->df = st.df;
  n->cf = st.cf;
  double N = (double)lede_index_ndocs(s->ix), df = (double)st.df;
  n->idf = log(1.0 + (N - df + 0.5) / (df + 0.5));
  n->scored = scored;
  if (scored && s->nleaves == s->capleaves) {
    size_t cap = s->capleaves ? s->capleaves * 2 : 8;
    Node **v = realloc(s->leaves, cap * sizeof *v);
    if (v) { s->leaves = v; s->capleaves = cap; }
  }
  if (scored && s->nleaves < s->capleaves) s->leaves[s->nleaves++] = n;
  if (!n->term || !n->cur) fail(s, LEDE_ENOMEM, "out of memory");
  return n;
}

/* The index terms of a query word: one, several (a phrase), or none. */
static Node *word_node(LedeSearch *s, const char *text, int scored)
{
  LedeBuf terms = {0};
  size_t nterms = 0;
  int rc = s->o->normalize(s->o->ud, text, strlen(text), &terms, &nterms);
  if (rc != LEDE_OK) { fail(s, rc, "out of memory"); lede_buf_free(&terms); return NULL; }
  Node *n = NULL;
  if (nterms == 0) {
    n = new_node(s, N_NONE);
  } else if (nterms == 1) {
    n = term_node(s, terms.p, strlen(terms.p), scored);
  } else {
    n = new_node(s, N_PHRASE);
    const char *p = terms.p;
    for (size_t i = 0; n && i < nterms; i++) {
      add_kid(s, n, term_node(s, p, strlen(p), scored));
      p += strlen(p) + 1;
    }
  }
  lede_buf_free(&terms);
  return n;
}

typedef struct Expand {
  LedeSearch *s;
  Node *or;
  size_t count, limit;
  regex_t *re;
  int scored;
} Expand;

static int expand_term(void *ud, const char *t, size_t len, const LedeTermStats *st)
{
  Expand *x = ud;
  (void)st;
  if (x->re) {
    char buf[256];
    snprintf(buf, sizeof buf, "%.*s", (int)len, t);
    if (regexec(x->re, buf, 0, NULL, 0) != 0) return 0;
  }
  if (++x->count <= x->limit) add_kid(x->s, x->or, term_node(x->s, t, len, x->scored));
  return 0;
}

static Node *expansion(LedeSearch *s, const LedeQuery *q, Expand *x, const char *what)
{
  if (x->count > x->limit) {
    fail(s, LEDE_EFORMAT, "%s matches %zu terms, more than the limit of %zu; "
         "make it narrower, or raise the limit (opts.max_expansion)",
         what, x->count, x->limit);
    return x->or;
  }
  (void)q;
  if (x->count == 0) { free_node(x->or); return new_node(s, N_NONE); }
  return x->or;
}

static Node *prefix_node(LedeSearch *s, const LedeQuery *q, int scored)
{
  LedeBuf terms = {0};
  size_t nterms = 0;
  s->o->normalize(s->o->ud, q->text, strlen(q->text), &terms, &nterms);
  Expand x = {s, new_node(s, N_OR), 0, s->o->max_expansion, NULL, scored};
  if (nterms == 1 && x.or) lede_index_vocab(s->ix, terms.p, strlen(terms.p), expand_term, &x);
  lede_buf_free(&terms);
  char what[300];
  snprintf(what, sizeof what, "the prefix '%.200s*'", q->text);
  return expansion(s, q, &x, what);
}

static Node *regex_node(LedeSearch *s, const LedeQuery *q, int scored)
{
  regex_t re;
  int flags = REG_EXTENDED | REG_NOSUB | (q->nocase ? REG_ICASE : 0);
  int rc = regcomp(&re, q->text, flags);
  if (rc != 0) {
    char msg[200];
    regerror(rc, &re, msg, sizeof msg);
    fail(s, LEDE_EFORMAT, "bad regular expression /%.100s/: %s", q->text, msg);
    return NULL;
  }
  Expand x = {s, new_node(s, N_OR), 0, s->o->max_expansion, &re, scored};
  if (x.or) lede_index_vocab(s->ix, "", 0, expand_term, &x);
  regfree(&re);
  char what[300];
  snprintf(what, sizeof what, "the pattern /%.200s/", q->text);
  return expansion(s, q, &x, what);
}

static int cmp_i64(const void *a, const void *b)
{
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* Documents chosen by SQL, as a sorted set. */
static Node *sql_set(LedeSearch *s, const char *sql, const char *a, const char *b)
{
  Node *n = new_node(s, N_SET);
  sqlite3_stmt *st;
  if (!n) return NULL;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
    fail(s, LEDE_ESTORE, "%s", sqlite3_errmsg(s->db));
    return n;
  }
  if (a) sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT);
  if (b) sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
  size_t cap = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    if (n->nset == cap) {
      cap = cap ? cap * 2 : 256;
      int64_t *v = realloc(n->set, cap * sizeof *v);
      if (!v) { fail(s, LEDE_ENOMEM, "out of memory"); break; }
      n->set = v;
    }
    n->set[n->nset++] = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  qsort(n->set, n->nset, sizeof *n->set, cmp_i64);
  return n;
}

static int valid_key(const char *k)
{
  for (const char *p = k; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '.'))
      return 0;
  return *k != 0;
}

static Node *field_node(LedeSearch *s, const LedeQuery *q)
{
  static const char *const cols[] = {"source", "title", "lang", "uri", "id", NULL};
  char sql[300], val[1024];
  const char *col = NULL;
  for (int i = 0; cols[i]; i++) if (strcmp(q->field, cols[i]) == 0) col = cols[i];
  if (!col && !valid_key(q->field)) {
    fail(s, LEDE_EFORMAT, "'%s' is not a field name", q->field);
    return NULL;
  }
  char expr[160];
  if (col) snprintf(expr, sizeof expr, "%s", col);
  else snprintf(expr, sizeof expr, "json_extract(meta, '$.%s')", q->field);
  if (q->prefix) {
    snprintf(val, sizeof val, "%s%%", q->text);
    snprintf(sql, sizeof sql, "SELECT id FROM docs WHERE %s LIKE ?1", expr);
  } else if (col && strcmp(col, "title") == 0) {
    snprintf(val, sizeof val, "%%%s%%", q->text);
    snprintf(sql, sizeof sql, "SELECT id FROM docs WHERE title LIKE ?1");
  } else {
    snprintf(val, sizeof val, "%s", q->text);
    snprintf(sql, sizeof sql, "SELECT id FROM docs WHERE %s = ?1 COLLATE NOCASE", expr);
  }
  return sql_set(s, sql, val, NULL);
}

static Node *date_node(LedeSearch *s, const LedeQuery *q)
{
  char hi[40];
  if (q->date_hi) snprintf(hi, sizeof hi, "%s~", q->date_hi);   /* '~' sorts after 'T...' */
  if (q->date_lo && q->date_hi)
    return sql_set(s, "SELECT id FROM docs WHERE date >= ?1 AND date <= ?2", q->date_lo, hi);
  if (q->date_lo) return sql_set(s, "SELECT id FROM docs WHERE date >= ?1", q->date_lo, NULL);
  if (q->date_hi) return sql_set(s, "SELECT id FROM docs WHERE date <= ?1", hi, NULL);
  return sql_set(s, "SELECT id FROM docs WHERE date IS NOT NULL", NULL, NULL);
}

static Node *alias_node(LedeSearch *s, const LedeQuery *q, int scored)
{
  Node *or = new_node(s, N_OR);
  sqlite3_stmt *st;
  add_kid(s, or, word_node(s, q->text, scored));
  if (sqlite3_prepare_v2(s->db, "SELECT variant FROM lede_alias WHERE canonical = ?1 COLLATE NOCASE"
                         " OR canonical IN (SELECT canonical FROM lede_alias WHERE variant = ?1"
                         " COLLATE NOCASE)", -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, q->text, -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st) == SQLITE_ROW)
      add_kid(s, or, word_node(s, (const char *)sqlite3_column_text(st, 0), scored));
    sqlite3_finalize(st);
  }
  return or;
}

static Node *compile(LedeSearch *s, const LedeQuery *q, int scored);

static Node *compile_kids(LedeSearch *s, const LedeQuery *q, NodeKind k, int scored)
{
  Node *n = new_node(s, k);
  for (size_t i = 0; n && i < q->nkids && !s->rc; i++) {
    Node *kid = compile(s, q->kids[i], scored);
    /* a multi-word item of a phrase is spliced in, so positions line up */
    if (k == N_PHRASE && kid && kid->kind == N_PHRASE) {
      for (size_t j = 0; j < kid->nkids; j++) add_kid(s, n, kid->kids[j]);
      kid->nkids = 0;
      free_node(kid);
    } else {
      add_kid(s, n, kid);
    }
  }
  if (n && (k == N_PHRASE || k == N_NEAR)) {
    if (n->nkids > 16) fail(s, LEDE_EFORMAT, "a phrase or NEAR group may have at most 16 items");
    n->distance = q->distance;
    n->ordered = q->ordered;
    n->within_sentence = q->within_sentence;
  }
  return n;
}

static Node *compile(LedeSearch *s, const LedeQuery *q, int scored)
{
  if (s->rc) return NULL;
  switch (q->kind) {
  case LEDE_Q_TERM: return word_node(s, q->text, scored);
  case LEDE_Q_PREFIX: return prefix_node(s, q, scored);
  case LEDE_Q_REGEX: return regex_node(s, q, scored);
  case LEDE_Q_ALIAS: return alias_node(s, q, scored);
  case LEDE_Q_PHRASE: return compile_kids(s, q, N_PHRASE, scored);
  case LEDE_Q_NEAR: return compile_kids(s, q, N_NEAR, scored);
  case LEDE_Q_AND: return compile_kids(s, q, N_AND, scored);
  case LEDE_Q_OR: return compile_kids(s, q, N_OR, scored);
  case LEDE_Q_FIELD: return field_node(s, q);
  case LEDE_Q_DATE: return date_node(s, q);
  case LEDE_Q_NOT: {
    Node *n = new_node(s, N_NOT);
    if (!n) return NULL;
    add_kid(s, n, q->kids[0] ? compile(s, q->kids[0], scored)
                             : sql_set(s, "SELECT id FROM docs", NULL, NULL));
    add_kid(s, n, compile(s, q->kids[1], 0));
    return n;
  }
  }
  return NULL;
}

/* ---- the public face ---------------------------------------------------- */

int lede_search_new(LedeIndex *ix, sqlite3 *db, const LedeQuery *q,
                    const LedeSearchOpts *o, LedeSearch **out, char **err)
{
  LedeSearch *s = calloc(1, sizeof *s);
  *out = NULL;
  if (err) *err = NULL;
  if (!s) return LEDE_ENOMEM;
  s->ix = ix;
  s->db = db;
  s->o = o;
  s->sent_doc = -1;
  s->avglen = lede_index_avglen(ix);
  s->root = compile(s, q, 1);
  if (!s->rc && (!s->root || (s->root->kind == N_NOT && s->root->nkids < 2)))
    fail(s, LEDE_EFORMAT, "the query could not be compiled");
  if (s->rc) {
    int rc = s->rc;
    if (err) { *err = s->err; s->err = NULL; }
    lede_search_free(s);
    return rc;
  }
  *out = s;
  return LEDE_OK;
}

void lede_search_free(LedeSearch *s)
{
  if (!s) return;
  free_node(s->root);
  free(s->leaves);
  free(s->sent);
  free(s->err);
  free(s);
}

/* BM25's parts, written once: every way of scoring (bm25() below, the
 * term-at-a-time and top-k paths) must give the same bits. */
#define BM25_K1 1.2
#define BM25_B 0.75

static inline double len_norm(uint32_t len, double avglen)
{
  return BM25_K1 * (1 - BM25_B + BM25_B * (avglen > 0 ? (double)len / avglen : 1));
}

static inline double leaf_score(double idf, uint32_t tf, double norm)
{
  return idf * (double)tf * (BM25_K1 + 1) / ((double)tf + norm);
}

static double bm25(LedeSearch *s, int64_t doc)
{
  double norm = len_norm(lede_index_doclen(s->ix, doc), s->avglen), score = 0;
  for (size_t i = 0; i < s->nleaves; i++) {
    Node *n = s->leaves[i];
    if (n->doc != doc) continue;
    score += leaf_score(n->idf, lede_cursor_tf(n->cur), norm);
  }
  return score;
}

int lede_search_next(LedeSearch *s, int64_t *doc, double *score)
{
  int64_t target = s->root->doc < 0 ? 0 : s->root->doc + 1;
  if (s->root->doc == END) return 0;
  int rc = node_next(s, s->root, target);
  if (rc < 0 || s->rc) return s->rc ? s->rc : rc;
  if (rc == 0) return 0;
  *doc = s->root->doc;
  if (score) *score = bm25(s, *doc);
  return 1;
}

int lede_search_spans(LedeSearch *s, uint32_t **starts, uint32_t **ends, size_t *n)
{
  Spans sp = {0};
  if (node_spans(s, s->root, &sp) < 0) { free(sp.v); return LEDE_ENOMEM; }
  spans_sort(&sp);
  *starts = malloc((sp.n ? sp.n : 1) * sizeof **starts);
  *ends = malloc((sp.n ? sp.n : 1) * sizeof **ends);
  if (!*starts || !*ends) { free(sp.v); free(*starts); free(*ends); return LEDE_ENOMEM; }
  for (size_t i = 0; i < sp.n; i++) { (*starts)[i] = sp.v[i].start; (*ends)[i] = sp.v[i].end; }
  *n = sp.n;
  free(sp.v);
  return LEDE_OK;
}

const char *lede_search_error(const LedeSearch *s) { return s->err; }

/* ---- counting with bitmaps ------------------------------------------------
 *
 * Counting the documents of a boolean query over common terms spends most
 * of its time stepping cursors one document at a time.  Decoding each
 * term's document ids into a bitmap (one bit per id) and combining the
 * bitmaps word by word does the same job several times faster, when the
 * lists are long; when one operand of an AND is rare, leapfrogging over
 * the others' skip tables touches far fewer postings, so a cost estimate
 * picks the way.
 */

int lede_search_bitmaps_always;

/* A term, or an AND, phrase or NEAR group of terms, under an optional
 * NOT (see "conjunctions of terms" below). */
typedef struct Conj {
  Node *terms[16];              /* rarest first */
  size_t n;
  Node *pos;                    /* the phrase or NEAR group, or NULL */
  Node *neg;                    /* what a NOT excludes, or NULL */
  int few;                      /* every term has few positions a document */
} Conj;
static int conj_plan(LedeSearch *s, Conj *c, int scoring);
static int conj_count(LedeSearch *s, Conj *c, uint64_t *docs);

static int bitmap_kind(const Node *n)
{
  switch (n->kind) {
  case N_TERM: case N_SET: case N_NONE: return 1;
  case N_OR: case N_AND: case N_NOT:
    for (size_t i = 0; i < n->nkids; i++) if (!bitmap_kind(n->kids[i])) return 0;
    return 1;
  default: return 0;
  }
}

/* Documents a leapfrog would visit, roughly. */
static double visits(const Node *n)
{
  double v = 0;
  switch (n->kind) {
  case N_TERM: return (double)n->df;
  case N_SET: return (double)n->nset;
  case N_NOT: return visits(n->kids[0]);
  case N_AND:
    v = n->nkids ? visits(n->kids[0]) : 0;
    for (size_t i = 1; i < n->nkids; i++) if (visits(n->kids[i]) < v) v = visits(n->kids[i]);
    return v;
  case N_OR:
    for (size_t i = 0; i < n->nkids; i++) v += visits(n->kids[i]);
    return v;
  default: return 0;
  }
}

/* Postings the bitmaps would decode. */
static double postings(const Node *n)
{
  if (n->kind == N_TERM) return (double)n->df;
  if (n->kind == N_SET) return (double)n->nset;
  double v = 0;
  for (size_t i = 0; i < n->nkids; i++) v += postings(n->kids[i]);
  return v;
}

static int64_t max_doc(const Node *n, int64_t m)
{
  if (n->kind == N_SET && n->nset && n->set[n->nset - 1] > m) m = n->set[n->nset - 1];
  for (size_t i = 0; i < n->nkids; i++) m = max_doc(n->kids[i], m);
  return m;
}

static int node_bits(LedeSearch *s, Node *n, uint64_t *out, size_t words, int64_t maxdoc)
{
  memset(out, 0, words * sizeof *out);
  if (n->kind == N_TERM) return lede_cursor_bits(n->cur, out, maxdoc);
  if (n->kind == N_SET) {
    for (size_t i = 0; i < n->nset; i++)
      if (n->set[i] >= 0) out[n->set[i] >> 6] |= 1ULL << (n->set[i] & 63);
    return LEDE_OK;
  }
  if (n->kind == N_NONE || n->nkids == 0) return LEDE_OK;
  uint64_t *tmp = malloc(words * sizeof *tmp);
  if (!tmp) return LEDE_ENOMEM;
  int rc = node_bits(s, n->kids[0], out, words, maxdoc);
  for (size_t i = 1; rc == LEDE_OK && i < n->nkids; i++) {
    rc = node_bits(s, n->kids[i], tmp, words, maxdoc);
    if (rc != LEDE_OK) break;
    if (n->kind == N_OR) for (size_t w = 0; w < words; w++) out[w] |= tmp[w];
    else if (n->kind == N_AND) for (size_t w = 0; w < words; w++) out[w] &= tmp[w];
    else for (size_t w = 0; w < words; w++) out[w] &= ~tmp[w];
  }
  free(tmp);
  return rc;
}

/* The matching documents as a bitmap, removed ones cleared; NULL on error. */
static uint64_t *match_bits(LedeSearch *s, int64_t maxdoc, size_t words)
{
  const int64_t *removed;
  size_t nremoved;
  lede_index_removed(s->ix, &removed, &nremoved);
  uint64_t *bits = malloc(words * sizeof *bits);
  if (!bits) { fail(s, LEDE_ENOMEM, "out of memory"); return NULL; }
  int rc = node_bits(s, s->root, bits, words, maxdoc);
  if (rc != LEDE_OK) { free(bits); fail(s, rc, "the index could not be read"); return NULL; }
  for (size_t i = 0; i < nremoved; i++)
    if (removed[i] >= 0 && removed[i] <= maxdoc) bits[removed[i] >> 6] &= ~(1ULL << (removed[i] & 63));
  return bits;
}

int lede_search_count_docs(LedeSearch *s, uint64_t *docs)
{
  Node *r = s->root;
  const int64_t *removed;
  size_t nremoved;
  lede_index_removed(s->ix, &removed, &nremoved);
  Conj c;
  if (!lede_search_bitmaps_always && conj_plan(s, &c, 0) && c.pos) return conj_count(s, &c, docs);
  if (r->doc != -1 || !bitmap_kind(r)) return 0;
  if (r->kind == N_TERM && nremoved == 0 && !lede_search_bitmaps_always) { *docs = r->df; return 1; }
  if (postings(r) / 8 > visits(r) && !lede_search_bitmaps_always) return 0;
  int64_t maxdoc = max_doc(r, lede_index_last_doc(s->ix));
  size_t words = (size_t)(maxdoc / 64) + 1;
  uint64_t *bits = match_bits(s, maxdoc, words);
  if (!bits) return s->rc;
  uint64_t n = 0;
  for (size_t w = 0; w < words; w++) n += (uint64_t)__builtin_popcountll(bits[w]);
  free(bits);
  *docs = n;
  r->doc = END;
  return 1;
}


/* Term-at-a-time scoring gives next()'s scores only where every scored
 * term that occurs in a matching document is one next() has standing on
 * it: true for ORs, ANDs and NOTs of terms, but not for an AND under an
 * OR, whose terms next() may have leapt past. */
static int taat_kind(const Node *n, int under_or)
{
  switch (n->kind) {
  case N_TERM: case N_SET: case N_NONE: return 1;
  case N_OR:
    for (size_t i = 0; i < n->nkids; i++) if (!taat_kind(n->kids[i], 1)) return 0;
    return 1;
  case N_AND:
    if (under_or) return 0;
    for (size_t i = 0; i < n->nkids; i++) if (!taat_kind(n->kids[i], 0)) return 0;
    return 1;
  case N_NOT: return n->nkids == 2 && taat_kind(n->kids[0], under_or) && bitmap_kind(n->kids[1]);
  default: return 0;
  }
}

typedef struct Acc {
  LedeSearch *s;
  const Node *leaf;
  const uint64_t *bits;         /* the matching documents, or NULL */
  uint64_t *mark;               /* or: set the bits of what is scanned */
  double *score;
  int64_t maxdoc;
} Acc;

/* A term or an OR of terms: its matches are the documents its scored
 * terms' lists hold, so scoring can find them in one pass. */
static int pure_or(const Node *n)
{
  if (n->kind == N_TERM) return n->scored;
  if (n->kind != N_OR) return 0;
  for (size_t i = 0; i < n->nkids; i++) if (!pure_or(n->kids[i])) return 0;
  return 1;
}

/* bm25()'s sum, one term at a time: the same expression, added in the
 * same leaf order, so the scores are equal to the last bit. */
static void accumulate(void *ud, const int64_t *docs, const uint32_t *tfs, uint32_t n)
{
  Acc *a = ud;
  for (uint32_t i = 0; i < n; i++) {
    int64_t d = docs[i];
    if (d < 0 || d > a->maxdoc) continue;
    if (a->mark) a->mark[d >> 6] |= 1ULL << (d & 63);
    else if (!((a->bits[d >> 6] >> (d & 63)) & 1)) continue;
    double norm = len_norm(lede_index_doclen(a->s->ix, d), a->s->avglen);
    a->score[d] += leaf_score(a->leaf->idf, tfs[i], norm);
  }
}

int lede_search_all(LedeSearch *s, int64_t **docs, double **scores, size_t *n)
{
  Node *r = s->root;
  if (r->doc != -1 || !bitmap_kind(r) || !taat_kind(r, 0)) return 0;
  if (postings(r) / 8 > visits(r) && !lede_search_bitmaps_always) return 0;
  int64_t maxdoc = max_doc(r, lede_index_last_doc(s->ix));
  size_t words = (size_t)(maxdoc / 64) + 1;
  int pure = pure_or(r);
  uint64_t *bits = pure ? calloc(words, sizeof *bits) : match_bits(s, maxdoc, words);
  if (!bits) return s->rc ? s->rc : LEDE_ENOMEM;
  double *acc = calloc((size_t)maxdoc + 1, sizeof *acc);
  int rc = acc ? LEDE_OK : LEDE_ENOMEM;
  for (size_t i = 0; rc == LEDE_OK && i < s->nleaves; i++) {
    Acc a = {s, s->leaves[i], pure ? NULL : bits, pure ? bits : NULL, acc, maxdoc};
    rc = lede_cursor_scan(s->leaves[i]->cur, accumulate, &a);
  }
  if (pure) {
    const int64_t *removed;
    size_t nremoved;
    lede_index_removed(s->ix, &removed, &nremoved);
    for (size_t i = 0; i < nremoved; i++)
      if (removed[i] >= 0 && removed[i] <= maxdoc) bits[removed[i] >> 6] &= ~(1ULL << (removed[i] & 63));
  }
  size_t count = 0;
  for (size_t w = 0; w < words; w++) count += (size_t)__builtin_popcountll(bits[w]);
  *docs = malloc((count ? count : 1) * sizeof **docs);
  *scores = malloc((count ? count : 1) * sizeof **scores);
  if (rc == LEDE_OK && (!*docs || !*scores)) rc = LEDE_ENOMEM;
  size_t k = 0;
  for (size_t w = 0; rc == LEDE_OK && w < words; w++)
    for (uint64_t x = bits[w]; x; x &= x - 1) {
      int64_t d = (int64_t)(w * 64 + (size_t)__builtin_ctzll(x));
      (*docs)[k] = d;
      (*scores)[k++] = acc[d];
    }
  free(bits);
  free(acc);
  r->doc = END;
  if (rc != LEDE_OK) {
    free(*docs); free(*scores); *docs = NULL; *scores = NULL;
    fail(s, rc, rc == LEDE_ENOMEM ? "out of memory" : "the index could not be read");
    return rc;
  }
  *n = k;
  return 1;
}

/* ---- conjunctions of terms ------------------------------------------------
 *
 * Most queries people type are a term, or a phrase, NEAR group or AND of
 * terms, perhaps with a NOT.  For those the documents to look at are the
 * ones where every term occurs, found by leapfrogging the term cursors
 * (the rarest drives, the others leap through their skip tables), and
 * a phrase needs only its first match in a document, found by decoding
 * positions only as far as needed.  Ranking needs positions even less: a
 * document's score comes from its terms' frequencies (bm25() above), so
 * each candidate is scored first and its positions are checked only when
 * that score would enter the top k found so far.
 */


/* Does the query have that shape?  With scoring, next()'s score must be
 * the sum over these terms, so every scored leaf must be one of them. */
static int conj_plan(LedeSearch *s, Conj *c, int scoring)
{
  Node *r = s->root;
  memset(c, 0, sizeof *c);
  if (r->doc != -1) return 0;
  if (r->kind == N_NOT) {
    if (r->nkids != 2) return 0;
    c->neg = r->kids[1];
    r = r->kids[0];
  }
  if (r->kind == N_TERM) {
    c->terms[c->n++] = r;
  } else if (r->kind == N_AND || r->kind == N_PHRASE || r->kind == N_NEAR) {
    if (r->nkids == 0 || r->nkids > 16) return 0;
    for (size_t i = 0; i < r->nkids; i++) {
      if (r->kids[i]->kind != N_TERM) return 0;
      c->terms[c->n++] = r->kids[i];
    }
    if (r->kind != N_AND) c->pos = r;
  } else {
    return 0;
  }
  for (size_t i = 0; scoring && i < s->nleaves; i++) {
    int found = 0;
    for (size_t j = 0; j < c->n; j++) found |= s->leaves[i] == c->terms[j];
    if (!found) return 0;
  }
  c->few = 1;
  for (size_t i = 0; i < c->n; i++) c->few &= c->terms[i]->cf <= 4 * c->terms[i]->df;
  for (size_t i = 1; i < c->n; i++)
    for (size_t j = i; j > 0 && c->terms[j]->df < c->terms[j - 1]->df; j--) {
      Node *t = c->terms[j]; c->terms[j] = c->terms[j - 1]; c->terms[j - 1] = t;
    }
  return 1;
}

/* The first document >= target holding every term: 1 with the term
 * nodes standing on it, 0 at the end, negative on error. */
static int conj_next(LedeSearch *s, Conj *c, int64_t target, int64_t *doc)
{
  for (;;) {
    int rc = lede_cursor_seek(c->terms[0]->cur, target);
    if (rc != 1) break;
    int64_t d = lede_cursor_doc(c->terms[0]->cur);
    size_t i = 1;
    for (; i < c->n; i++) {
      rc = lede_cursor_seek(c->terms[i]->cur, d);
      if (rc != 1) break;
      int64_t e = lede_cursor_doc(c->terms[i]->cur);
      if (e != d) { target = e; break; }
    }
    if (rc != 1) {
      if (rc < 0) fail(s, rc, "the index could not be read");
      return rc;
    }
    if (i == c->n) {
      for (i = 0; i < c->n; i++) c->terms[i]->doc = d;
      *doc = d;
      return 1;
    }
  }
  return 0;
}

/* A phrase of two terms in the current document: is there p with kid 0
 * at p and kid 1 at p + 1?  Kid 0's positions mark a bitmap, and kid 1's
 * are decoded only up to the first hit or past the last mark.  The
 * bitmap (n->bits) is zero again afterwards. */
static int phrase2(Node *n)
{
  LedeCursor *x = n->kids[0]->cur, *y = n->kids[1]->cur;
  LedePosIter ia, ib;
  if (lede_cursor_pos_iter(x, &ia) != LEDE_OK || lede_cursor_pos_iter(y, &ib) != LEDE_OK) return -1;
  LedePosIter a = ia, b = ib;   /* copies whose address never escapes stay
                                   in registers */
  uint32_t p, lo, hi;
  uint64_t *bits = n->bits, word = 0;
  size_t nbits = n->nbits;
  if (!lede_pos_next(&a, &p)) return 0;
  lo = hi = p >> 6;
  /* positions rise, so a word is whole once the next one starts: plain
   * stores, no read-modify-write chain through memory */
  do {
    uint32_t w = p >> 6;
    if (w >= nbits) {
      size_t nw = (size_t)w * 2 + 16;
      uint64_t *v = realloc(bits, nw * sizeof *v);
      if (!v) return -1;
      memset(v + nbits, 0, (nw - nbits) * sizeof *v);
      n->bits = bits = v;
      n->nbits = nbits = nw;
    }
    word = (w == hi ? word : 0) | 1ULL << (p & 63);
    bits[w] = word;
    hi = w;
  } while (lede_pos_next(&a, &p));
  lede_cursor_pos_end(x, a.p);
  int found = 0;
  while (lede_pos_next(&b, &p)) {
    uint32_t st = p - 1, w = st >> 6;
    if (p == 0) continue;
    if (w > hi) break;
    if ((bits[w] >> (st & 63)) & 1) { found = 1; break; }
  }
  if (!b.left) lede_cursor_pos_end(y, b.p);
  for (uint32_t w = lo; w <= hi; w++) bits[w] = 0;
  return found;
}

/* phrase2() for terms with few positions a document: their blocks are
 * decoded whole, and the positions compared pair by pair without
 * branches. */
static int phrase2_block(Node *n)
{
  LedeCursor *x = n->kids[0]->cur, *y = n->kids[1]->cur;
  const uint32_t *pa, *oa, *pb, *ob;
  if (lede_cursor_block_positions(x, &pa, &oa) != LEDE_OK ||
      lede_cursor_block_positions(y, &pb, &ob) != LEDE_OK) return -1;
  const uint32_t *a = pa + oa[x->i], *b = pb + ob[y->i];
  uint32_t na = oa[x->i + 1] - oa[x->i], nb = ob[y->i + 1] - ob[y->i];
  if (na * nb <= 64) {
    int hit = 0;
    for (uint32_t i = 0; i < na; i++)
      for (uint32_t j = 0; j < nb; j++) hit |= a[i] + 1 == b[j];
    return hit;
  }
  for (uint32_t i = 0, j = 0; i < na && j < nb;) {
    uint32_t u = a[i] + 1, v = b[j];
    if (u == v) return 1;
    i += u < v;
    j += v < u;
  }
  return 0;
}

/* Is the current document (where every term occurs) a match? */
static int conj_check(LedeSearch *s, Conj *c, int64_t d)
{
  if (c->neg) {
    if (c->neg->doc < d && node_next(s, c->neg, d) < 0) return -1;
    if (c->neg->doc == d) return 0;
  }
  if (!c->pos) return 1;
  c->pos->doc = d;
  if (c->pos->kind == N_PHRASE && c->pos->nkids == 2 && !c->pos->within_sentence) {
    int rc = c->few ? phrase2_block(c->pos) : phrase2(c->pos);
    if (rc < 0) fail(s, LEDE_ENOMEM, "the index could not be read");
    return rc;
  }
  return positional_match(s, c->pos, 1);
}

/* ---- phrases and NEAR pairs by merging postings ---------------------------
 *
 * When a phrase's or NEAR pair's terms have few positions in each of
 * their documents (cf a small multiple of df), the work per candidate
 * document (seek, find its positions, compare a handful) costs far more
 * than the positions themselves.  Then every posting of each term
 * becomes a key doc << 32 | position, and one merge of the sorted keys
 * finds the matches: a phrase where key + i of item 0 is a key of item
 * i, a NEAR pair where two keys lie within the distance.  (Positions are
 * below 2^28, so a key +- the distance never reaches another document.)
 */

int lede_search_merge_always;

static int merge_kind(const Conj *c)
{
  Node *n = c->pos;
  if (!n || c->neg || n->within_sentence) return 0;
  if (n->kind == N_NEAR && (n->nkids != 2 || n->distance < 0)) return 0;
  if (lede_search_merge_always) return 1;
  double cf = 0, mindf = (double)c->terms[0]->df;
  for (size_t i = 0; i < c->n; i++) cf += (double)c->terms[i]->cf;
  return cf <= 8 * mindf;
}

/* A term's keys, a block at a time. */
typedef struct Keys {
  LedeCursor *cur;
  const uint64_t *k;
  size_t n, i;
  int rc;                       /* of the last refill: 1 more to come */
  int held;                     /* near_key looked past the block's last */
  uint64_t last;                /* key, this one, which may still count */
} Keys;

/* Make k->i < k->n unless the term is done: 1, or 0 at its end. */
static int keys_ready(Keys *k)
{
  while (k->i == k->n && k->rc == 1) {
    k->i = 0;
    k->rc = lede_cursor_next_keys(k->cur, &k->k, &k->n);
  }
  return k->i < k->n;
}

/* The first key >= target: 1 with it at k->k[k->i], or 0 at the end. */
static int keys_seek(Keys *k, uint64_t target)
{
  for (;;) {
    if (!keys_ready(k)) return 0;
    if (k->k[k->n - 1] < target) { k->i = k->n; continue; }
    while (k->k[k->i] < target) k->i++;
    return 1;
  }
}

/* Documents where the phrase's keys line up: item i at key + i. */
static uint64_t merge_phrase(Keys *key, size_t nk)
{
  uint64_t count = 0, last = UINT64_MAX;
  if (nk == 2) {                /* without branches on the data */
    Keys *x = &key[0], *y = &key[1];
    while (keys_ready(x) && keys_ready(y)) {
      const uint64_t *a = x->k, *b = y->k;
      size_t i = x->i, j = y->i, na = x->n, nb = y->n;
      while (i < na && j < nb) {
        uint64_t u = a[i] + 1, v = b[j], d = v >> 32;
        int hit = u == v && d != last;
        count += (uint64_t)hit;
        last = hit ? d : last;
        i += u <= v;
        j += v <= u;
      }
      x->i = i;
      y->i = j;
    }
    return count;
  }
  while (keys_ready(&key[0])) {
    uint64_t p = key[0].k[key[0].i++];
    int hit = 1;
    for (size_t i = 1; i < nk && hit; i++) {
      if (!keys_seek(&key[i], p + i)) return count;
      hit = key[i].k[key[i].i] == p + i;
    }
    if (hit && p >> 32 != last) { count++; last = p >> 32; }
  }
  return count;
}

/* Is there a key of a within w of v: before it for ADJ, on either side
 * but not on it for NEAR?  a moves to the first key >= v - w. */
static int near_key(Keys *a, uint64_t v, uint64_t w, int ordered)
{
  int hit = 0;
  if (a->held && a->last + w < v) a->held = 0;
  if (a->held) hit = ordered ? a->last < v : a->last != v && a->last <= v + w;
  if (hit || !keys_seek(a, v > w ? v - w : 0)) return hit;
  uint64_t u = a->k[a->i];
  if (ordered) return u < v;
  if (u != v) return u <= v + w;
  if (a->i + 1 < a->n) return a->k[a->i + 1] <= v + w;
  a->i++;                       /* the key after u is in the next block, */
  a->held = 1;                  /* and u may count for keys of b after v */
  a->last = u;
  return keys_ready(a) && a->k[a->i] <= v + w;
}

/* Documents where a key of b lies within d + 1 of a key of a (see
 * near_key).  The inner loop runs while both blocks have keys to spare;
 * a block's edge goes through near_key. */
static uint64_t merge_near(Keys *a, Keys *b, uint64_t d, int ordered)
{
  uint64_t count = 0, last = UINT64_MAX, w = d + 1;
  while (keys_ready(b) && (keys_ready(a) || a->held)) {
    const uint64_t *A = a->k, *B = b->k;
    size_t i = a->i, j = b->i, na = a->n, nb = b->n;
    while (j < nb && !a->held) {
      uint64_t v = B[j];
      while (i + 1 < na && A[i] + w < v) i++;
      if (i + 1 >= na) break;
      uint64_t u = A[i], u2 = A[i + 1];
      int hit = ordered ? u < v : u != v ? u <= v + w : u2 <= v + w;
      hit &= v >> 32 != last;
      count += (uint64_t)hit;
      last = hit ? v >> 32 : last;
      j++;
    }
    a->i = i;
    b->i = j;
    if (j == nb) continue;
    uint64_t v = B[j];
    b->i++;
    if (v >> 32 != last && near_key(a, v, w, ordered)) { count++; last = v >> 32; }
  }
  return count;
}

static int merge_count(LedeSearch *s, Conj *c, uint64_t *docs)
{
  Node *n = c->pos;
  Keys key[16];
  for (size_t i = 0; i < n->nkids; i++) key[i] = (Keys){n->kids[i]->cur, NULL, 0, 0, 1, 0, 0};
  *docs = n->kind == N_PHRASE ? merge_phrase(key, n->nkids)
                              : merge_near(&key[0], &key[1], (uint64_t)n->distance, n->ordered);
  for (size_t i = 0; i < n->nkids; i++)
    if (key[i].rc < 0) {
      fail(s, key[i].rc, key[i].rc == LEDE_ENOMEM ? "out of memory" : "the index could not be read");
      return key[i].rc;
    }
  s->root->doc = END;
  return 1;
}

static int conj_count(LedeSearch *s, Conj *c, uint64_t *docs)
{
  if (merge_kind(c)) return merge_count(s, c, docs);
  int64_t d = -1;
  uint64_t n = 0;
  int rc;
  while ((rc = conj_next(s, c, d + 1, &d)) == 1) {
    int ok = conj_check(s, c, d);
    if (ok < 0) return ok;
    n += (uint64_t)ok;
  }
  if (rc < 0) return rc;
  *docs = n;
  s->root->doc = END;
  return 1;
}

/* Ranking order: a before b?  Higher score, then lower id. */
static int better(double sa, int64_t da, double sb, int64_t db)
{
  return sa != sb ? sa > sb : da < db;
}

/* A bounded heap of the k best (doc, score) pairs: the root is the worst
 * kept. */
typedef struct Top { int64_t *doc; double *score; size_t n, k; } Top;

static void top_swap(Top *t, size_t a, size_t b)
{
  int64_t d = t->doc[a]; t->doc[a] = t->doc[b]; t->doc[b] = d;
  double x = t->score[a]; t->score[a] = t->score[b]; t->score[b] = x;
}

/* The root may be better than its children: move it down. */
static void top_down(Top *t)
{
  for (size_t i = 0;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < t->n && better(t->score[m], t->doc[m], t->score[l], t->doc[l])) m = l;
    if (r < t->n && better(t->score[m], t->doc[m], t->score[r], t->doc[r])) m = r;
    if (m == i) return;
    top_swap(t, i, m);
    i = m;
  }
}

static void top_add(Top *t, int64_t doc, double score)
{
  size_t i;
  if (t->n < t->k) {
    i = t->n++;
    t->doc[i] = doc;
    t->score[i] = score;
    while (i > 0 && better(t->score[(i - 1) / 2], t->doc[(i - 1) / 2], t->score[i], t->doc[i])) {
      top_swap(t, i, (i - 1) / 2);
      i = (i - 1) / 2;
    }
    return;
  }
  if (!t->k || !better(score, doc, t->score[0], t->doc[0])) return;
  t->doc[0] = doc;
  t->score[0] = score;
  top_down(t);
}

/* Sort the heap's pairs best first (the heap is gone afterwards): pop
 * the worst into the last place until none is left. */
static void top_sort(Top *t)
{
  size_t n = t->n;
  while (t->n > 1) {
    t->n--;
    top_swap(t, 0, t->n);
    top_down(t);
  }
  t->n = n;
}

/* ---- the top k of one term ------------------------------------------------
 *
 * A lone term (perhaps a prefix that expands to one) has every document of
 * its list as a match, so its top k is one pass over the blocks.  Once k
 * are kept, a document can enter only with a score above the k-th, and
 * with one term the score falls as the length rises: for each tf there is
 * a longest length that can still enter, found from the exact expression
 * (floating-point operations are monotonic, so the boundary is exact) and
 * renewed only when the k-th score changes.  Most documents are then
 * turned away with one comparison of integers, no division.
 */

#define TF_LIMITS 64            /* tf below this have a length bound */

typedef struct TermTop {
  Top *top;
  LedeIndex *ix;
  double idf, avglen;
  const int64_t *removed;
  size_t nremoved;
  uint64_t seen;                /* documents visited */
  uint32_t ver;                 /* bumped when the k-th score changes */
  uint32_t limver[TF_LIMITS];   /* ver of each limit (UINT32_MAX: none yet) */
  uint32_t lim[TF_LIMITS];      /* a document with this tf may enter only
                                   if its length is below lim[tf] */
} TermTop;

/* (With removed documents a term's df, which counts them, may pass the
 * live document count: then its idf is negative, its score rises with the
 * length, and no limit is used.) */
static int can_enter(const TermTop *t, uint32_t tf, uint32_t len)
{
  return leaf_score(t->idf, tf, len_norm(len, t->avglen)) >= t->top->score[0];
}

/* The lengths of documents with this tf that may score >= the k-th:
 * [0, lim).  Solved for the length, then moved to the exact boundary. */
static uint32_t length_limit(const TermTop *t, uint32_t tf)
{
  if (t->avglen <= 0) return UINT32_MAX;
  double th = t->top->score[0];
  double x = th > 0 ? t->idf * (double)tf * (BM25_K1 + 1) / th - (double)tf : 1e300;
  double len = (x / BM25_K1 - (1 - BM25_B)) * t->avglen / BM25_B;
  int64_t l = len < 0 ? 0 : len > 4e9 ? 4000000000LL : (int64_t)len;
  while (l < 4000000000LL && can_enter(t, tf, (uint32_t)l + 1)) l++;
  while (l >= 0 && !can_enter(t, tf, (uint32_t)l)) l--;
  return (uint32_t)(l + 1);
}

static void term_block(void *ud, const int64_t *docs, const uint32_t *tfs, uint32_t n)
{
  TermTop *t = ud;
  Top *top = t->top;
  t->seen += n;
  for (uint32_t i = 0; i < n; i++) {
    int64_t d = docs[i];
    uint32_t tf = tfs[i], len = lede_index_doclen(t->ix, d);
    int full = top->n == top->k;
    if (full && tf < TF_LIMITS && t->idf > 0) {
      if (t->limver[tf] != t->ver) {
        t->lim[tf] = length_limit(t, tf);
        t->limver[tf] = t->ver;
      }
      if (len >= t->lim[tf]) continue;
    }
    double sc = leaf_score(t->idf, tf, len_norm(len, t->avglen));
    if (full && !better(sc, d, top->score[0], top->doc[0])) continue;
    if (t->nremoved && lede_ids_has(t->removed, t->nremoved, d)) continue;
    top_add(top, d, sc);
    if (top->n == top->k) t->ver++;
  }
}

/* The lone scored term the query is, or NULL: a term, or ORs of one. */
static Node *lone_term(Node *n)
{
  while (n->kind == N_OR && n->nkids == 1) n = n->kids[0];
  return n->kind == N_TERM && n->scored ? n : NULL;
}

static int term_top(LedeSearch *s, Node *term, Top *top, uint64_t *matched)
{
  TermTop t;
  memset(&t, 0, sizeof t);
  t.top = top;
  t.ix = s->ix;
  t.idf = term->idf;
  t.avglen = s->avglen;
  lede_index_removed(s->ix, &t.removed, &t.nremoved);
  for (size_t i = 0; i < TF_LIMITS; i++) t.limver[i] = UINT32_MAX;
  int rc = lede_cursor_scan(term->cur, term_block, &t);
  if (rc < 0) { fail(s, rc, "the index could not be read"); return rc; }
  top_sort(top);
  *matched = t.nremoved ? UINT64_MAX : t.seen;
  s->root->doc = END;
  return 1;
}

/* ---- the top k of an OR of terms (MaxScore) ---------------------------------
 *
 * A term adds less than idf * (k1 + 1) to any document's score.  With the
 * terms ordered by that bound, the first few whose bounds sum to no more
 * than the k-th score so far are "non-essential": a document holding only
 * them cannot enter, so documents are taken only from the others' lists,
 * and the non-essential terms are looked up (sought to the document) only
 * when the rest of the score leaves room.  The score of a document that
 * may enter is bm25()'s, over the leaves in their own order, so it equals
 * next()'s to the last bit; the bounds are compared with a margin far
 * above any rounding.
 */

#define OR_TOP_MAX 16           /* more terms: term at a time is cheaper */
#define BOUND_SLACK (1 + 1e-9)

static int or_top(LedeSearch *s, Top *top, uint64_t *matched)
{
  size_t m = s->nleaves, ord[OR_TOP_MAX], ne = 0;
  double ub[OR_TOP_MAX], cum[OR_TOP_MAX];
  for (size_t i = 0; i < m; i++) {
    ub[i] = s->leaves[i]->idf > 0 ? s->leaves[i]->idf * (BM25_K1 + 1) : 0;   /* see term_top */
    size_t j = i;
    for (; j > 0 && ub[ord[j - 1]] > ub[i]; j--) ord[j] = ord[j - 1];
    ord[j] = i;
  }
  for (size_t j = 0; j < m; j++) cum[j] = (j ? cum[j - 1] : 0) + ub[ord[j]];
  for (size_t i = 0; i < m; i++) {
    Node *t = s->leaves[i];
    int rc = lede_cursor_seek(t->cur, 0);
    if (rc < 0) { fail(s, rc, "the index could not be read"); return rc; }
    t->doc = lede_cursor_doc(t->cur);
  }
  uint64_t count = 0;
  int pruned = 0;
  for (;;) {
    int64_t d = END;
    for (size_t j = ne; j < m; j++)
      if (s->leaves[ord[j]]->doc < d) d = s->leaves[ord[j]]->doc;
    if (d == END) break;
    count++;
    double norm = len_norm(lede_index_doclen(s->ix, d), s->avglen), part = 0;
    for (size_t j = ne; j < m; j++) {
      Node *t = s->leaves[ord[j]];
      if (t->doc == d) part += leaf_score(t->idf, lede_cursor_tf(t->cur), norm);
    }
    int full = top->n == top->k;
    if (!full || (part + (ne ? cum[ne - 1] : 0)) * BOUND_SLACK >= top->score[0]) {
      for (size_t j = 0; j < ne; j++) {
        Node *t = s->leaves[ord[j]];
        int rc = t->doc < d ? lede_cursor_seek(t->cur, d) : 1;
        if (rc < 0) { fail(s, rc, "the index could not be read"); return rc; }
        t->doc = lede_cursor_doc(t->cur);
      }
      double sc = bm25(s, d);
      if (!full || better(sc, d, top->score[0], top->doc[0])) {
        top_add(top, d, sc);
        while (top->n == top->k && ne < m && cum[ne] * BOUND_SLACK < top->score[0]) { ne++; pruned = 1; }
      }
    }
    for (size_t j = 0; j < m; j++) {
      Node *t = s->leaves[ord[j]];
      if (t->doc != d) continue;
      int rc = lede_cursor_seek(t->cur, d + 1);
      if (rc < 0) { fail(s, rc, "the index could not be read"); return rc; }
      t->doc = lede_cursor_doc(t->cur);
    }
  }
  top_sort(top);
  *matched = pruned ? UINT64_MAX : count;
  s->root->doc = END;
  return 1;
}

int lede_search_top(LedeSearch *s, size_t k, int64_t *docs, double *scores, size_t *n,
                    uint64_t *matched)
{
  Conj c;
  if (!k) return 0;
  Node *lone = lone_term(s->root);
  if (lone && s->nleaves == 1 && s->root->doc == -1) {
    Top top = {docs, scores, 0, k};
    int rc = term_top(s, lone, &top, matched);
    *n = top.n;
    return rc;
  }
  if (s->root->kind == N_OR && s->root->doc == -1 && pure_or(s->root) && s->nleaves >= 2
      && s->nleaves <= OR_TOP_MAX) {
    Top top = {docs, scores, 0, k};
    int rc = or_top(s, &top, matched);
    *n = top.n;
    return rc;
  }
  if (!conj_plan(s, &c, 1)) return 0;
  Top top = {docs, scores, 0, k};
  int64_t d = -1;
  uint64_t count = 0;
  int rc, all = 1;              /* every candidate checked: count is exact */
  while ((rc = conj_next(s, &c, d + 1, &d)) == 1) {
    double sc = bm25(s, d);
    /* positions only for a candidate that would enter the top k; the
     * threshold only rises, and a later document loses a tie */
    if (c.pos && top.n == k && !better(sc, d, top.score[0], top.doc[0])) { all = 0; continue; }
    int ok = conj_check(s, &c, d);
    if (ok < 0) { rc = ok; break; }
    count += (uint64_t)ok;
    if (ok) top_add(&top, d, sc);
  }
  if (rc < 0) return s->rc ? s->rc : rc;
  top_sort(&top);
  *n = top.n;
  *matched = all ? count : UINT64_MAX;
  s->root->doc = END;
  return 1;
}
