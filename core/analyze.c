/*
 * analyze.c -- text to index terms with one corpus' settings, used both
 * to index documents and to turn query words into terms, so that a query
 * matches exactly what the index holds.
 *
 * Words are runs of letters, digits and marks (Unicode categories L, N,
 * M via utf8proc), with an apostrophe or period allowed between letters;
 * each is folded (NFKC, case folding, and diacritics stripped when the
 * corpus folds them) and a possessive 's or ’s is dropped.  Positions
 * count words; punctuation takes none.  Sentence starts follow periods,
 * question and exclamation marks and blank lines.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include "lede_int.h"

struct LedeAnalyzer {
  int fold_diacritics;
  LedeBuf fold;                  /* reused for each word */
};

LedeAnalyzer *lede_analyzer_new(const LedeAnalyzerOpts *o)
{
  LedeAnalyzer *a = calloc(1, sizeof *a);
  if (a) a->fold_diacritics = o ? o->fold_diacritics : 1;
  return a;
}

void lede_analyzer_free(LedeAnalyzer *a)
{
  if (!a) return;
  lede_buf_free(&a->fold);
  free(a);
}

typedef LedeWordFn WordFn;

static int is_word_cp(utf8proc_int32_t cp)
{
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
  utf8proc_category_t c = utf8proc_category(cp);
  return c <= UTF8PROC_CATEGORY_NO && c != UTF8PROC_CATEGORY_CN;
}

static utf8proc_int32_t cp_at(const char *t, size_t n, size_t i, size_t *len)
{
  if ((unsigned char)t[i] < 0x80) { *len = 1; return (unsigned char)t[i]; }
  utf8proc_int32_t cp;
  utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)t + i, (utf8proc_ssize_t)(n - i), &cp);
  if (k <= 0) { *len = 1; return -1; }
  *len = (size_t)k;
  return cp;
}

/* Only Latin words lose their diacritics: in Cyrillic, й and и or ё and
 * е are letters of their own, and stripping marks would merge them. */
static int latin(const char *w, size_t n)
{
  for (size_t i = 0; i < n;) {
    size_t k;
    utf8proc_int32_t cp = cp_at(w, n, i, &k);
    if (cp >= 0x250 && !(cp >= 0x1E00 && cp <= 0x1EFF) && !(cp >= 0x300 && cp <= 0x36F)
        && cp != 0x2019)
      return 0;
    i += k;
  }
  return 1;
}

/* Fold one word into a->fold; ASCII words take the fast path. */
static void fold_word(LedeAnalyzer *a, const char *w, size_t n)
{
  a->fold.n = 0;
  int ascii = 1;
  for (size_t i = 0; i < n && ascii; i++) ascii = (unsigned char)w[i] < 0x80;
  if (ascii) {
    lede_buf_reserve(&a->fold, n);
    for (size_t i = 0; i < n && !a->fold.oom; i++) {
      char c = w[i];
      a->fold.p[a->fold.n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c == '\'' ? '\'' : c);
    }
  } else {
    utf8proc_uint8_t *out = NULL;
    int opts = UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD
             | (a->fold_diacritics && latin(w, n) ? UTF8PROC_STRIPMARK : 0);
    utf8proc_ssize_t k = utf8proc_map((const utf8proc_uint8_t *)w, (utf8proc_ssize_t)n, &out, opts);
    if (k > 0) lede_buf_add(&a->fold, out, (size_t)k);
    free(out);
    /* the typographic apostrophe folds to the straight one */
    for (size_t i = 0; i + 2 < a->fold.n; i++)
      if ((unsigned char)a->fold.p[i] == 0xE2 && (unsigned char)a->fold.p[i + 1] == 0x80
          && (unsigned char)a->fold.p[i + 2] == 0x99) {
        a->fold.p[i] = '\'';
        memmove(a->fold.p + i + 1, a->fold.p + i + 3, a->fold.n - i - 3);
        a->fold.n -= 2;
      }
  }
  if (a->fold.n > 2 && a->fold.p[a->fold.n - 2] == '\'' && a->fold.p[a->fold.n - 1] == 's')
    a->fold.n -= 2;
  if (!a->fold.oom && a->fold.p) a->fold.p[a->fold.n] = '\0';
}

/* Is the character at i an apostrophe (' or ’) or period joining two
 * word characters ("don't", "U.S")? */
static int joiner(const char *t, size_t n, size_t i, size_t *len)
{
  size_t k;
  utf8proc_int32_t cp = cp_at(t, n, i, &k);
  if (cp != '\'' && cp != 0x2019 && cp != '.') return 0;
  size_t k2;
  if (i + k >= n || !is_word_cp(cp_at(t, n, i + k, &k2))) return 0;
  *len = k;
  return 1;
}

static void each_word(LedeAnalyzer *a, const char *t, size_t n, WordFn fn, void *ud)
{
  uint32_t pos = 0;
  int sent_start = 1;
  size_t i = 0;
  while (i < n) {
    size_t k;
    utf8proc_int32_t cp = cp_at(t, n, i, &k);
    if (!is_word_cp(cp)) {
      if (cp == '.' || cp == '?' || cp == '!') sent_start = 1;
      if (cp == '\n' && i + 1 < n && t[i + 1] == '\n') sent_start = 1;
      i += k;
      continue;
    }
    size_t start = i;
    i += k;
    for (;;) {
      size_t j;
      if (i < n && is_word_cp(cp_at(t, n, i, &j))) { i += j; continue; }
      if (i < n && joiner(t, n, i, &j)) { i += j; continue; }
      break;
    }
    fold_word(a, t + start, i - start);
    if (a->fold.n > 0 && !a->fold.oom) fn(ud, a->fold.p, a->fold.n, pos++, start, i, sent_start);
    sent_start = 0;
  }
}

typedef struct IndexCtx {
  LedeIndexWriter *w;
  uint32_t n;
  uint32_t *sent;
  size_t nsent, cap;
} IndexCtx;

static void index_word(void *ud, const char *t, size_t len, uint32_t pos, size_t a, size_t b, int ss)
{
  IndexCtx *x = ud;
  (void)a; (void)b;
  lede_iw_term(x->w, t, len, pos);
  x->n = pos + 1;
  if (ss) {
    if (x->nsent == x->cap) {
      size_t cap = x->cap ? x->cap * 2 : 32;
      uint32_t *v = realloc(x->sent, cap * sizeof *v);
      if (!v) return;
      x->sent = v;
      x->cap = cap;
    }
    x->sent[x->nsent++] = pos;
  }
}

int lede_analyzer_index(LedeAnalyzer *a, LedeIndexWriter *w, int64_t doc, const char *text, size_t len)
{
  IndexCtx x = {w, 0, NULL, 0, 0};
  lede_iw_begin(w, doc);
  each_word(a, text, len, index_word, &x);
  lede_iw_end(w, x.n, x.sent, x.nsent);
  free(x.sent);
  return a->fold.oom ? LEDE_ENOMEM : LEDE_OK;
}

typedef struct SumCtx { int64_t doc; uint64_t *sum, *n; } SumCtx;

static void sum_word(void *ud, const char *t, size_t len, uint32_t pos, size_t a, size_t b, int ss)
{
  SumCtx *x = ud;
  (void)a; (void)b; (void)ss;
  if (len > 255) return;      /* the writer leaves such terms out */
  *x->sum += lede_index_entry_sum(t, len, x->doc, pos);
  (*x->n)++;
}

int lede_analyzer_checksum(LedeAnalyzer *a, int64_t doc, const char *text, size_t len,
                           uint64_t *sum, uint64_t *n)
{
  SumCtx x = {doc, sum, n};
  each_word(a, text, len, sum_word, &x);
  return LEDE_OK;
}

typedef struct SpanCtx { size_t *v; uint32_t n, cap; int oom; } SpanCtx;

static void span_word(void *ud, const char *t, size_t len, uint32_t pos, size_t a, size_t b, int ss)
{
  SpanCtx *x = ud;
  (void)t; (void)len; (void)pos; (void)ss;
  if (x->n == x->cap) {
    uint32_t cap = x->cap ? x->cap * 2 : 256;
    size_t *v = realloc(x->v, (size_t)cap * 2 * sizeof *v);
    if (!v) { x->oom = 1; return; }
    x->v = v;
    x->cap = cap;
  }
  x->v[2 * x->n] = a;
  x->v[2 * x->n + 1] = b;
  x->n++;
}

int lede_analyzer_spans(LedeAnalyzer *a, const char *text, size_t len, size_t **span, uint32_t *n)
{
  SpanCtx x = {NULL, 0, 0, 0};
  each_word(a, text, len, span_word, &x);
  if (x.oom) { free(x.v); return LEDE_ENOMEM; }
  *span = x.v;
  *n = x.n;
  return LEDE_OK;
}

typedef struct TermCtx { LedeBuf *b; size_t *n; } TermCtx;

static void term_word(void *ud, const char *t, size_t len, uint32_t pos, size_t a, size_t b, int ss)
{
  TermCtx *x = ud;
  (void)pos; (void)a; (void)b; (void)ss;
  lede_buf_add(x->b, t, len);
  lede_buf_addc(x->b, '\0');
  (*x->n)++;
}

int lede_analyzer_terms(void *ud, const char *s, size_t len, LedeBuf *terms, size_t *n)
{
  LedeAnalyzer *a = ud;
  TermCtx x = {terms, n};
  *n = 0;
  each_word(a, s, len, term_word, &x);
  return terms->oom ? LEDE_ENOMEM : LEDE_OK;
}

int lede_analyzer_each(LedeAnalyzer *a, const char *text, size_t len, LedeWordFn fn, void *ud)
{
  each_word(a, text, len, fn, ud);
  return a->fold.oom ? LEDE_ENOMEM : LEDE_OK;
}
