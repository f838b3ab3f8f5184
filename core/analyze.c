/*
 * analyze.c -- text to index terms with one corpus' settings, used both
 * to index documents and to turn query words into terms, so that a query
 * matches exactly what the index holds.  The words themselves come from
 * the tokenizer (tokenize.c: UAX #29 plus news rules, folding).
 *
 * Indexed: every token that takes a position (words, numbers, URLs,
 * e-mails, hashtags and mentions, compounds as a whole and as parts).
 * A query word becomes the tokens a phrase would use: the parts of a
 * compound, not its whole, so `pro-russian` matches "pro-Russian" through
 * "pro" and "russian" at consecutive positions, as `"putin biden"` matches
 * "Putin-Biden".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lede_int.h"
#include "lede/tokenize.h"

struct LedeAnalyzer {
  LedeTokenizer *tk;
};

LedeAnalyzer *lede_analyzer_new(const LedeAnalyzerOpts *o)
{
  LedeAnalyzer *a = calloc(1, sizeof *a);
  if (!a) return NULL;
  a->tk = lede_tokenizer_new(!o || o->fold_diacritics ? LEDE_TOK_FOLD_DIACRITICS : 0);
  if (!a->tk) { free(a); return NULL; }
  return a;
}

void lede_analyzer_free(LedeAnalyzer *a)
{
  if (!a) return;
  lede_tokenizer_free(a->tk);
  free(a);
}

int lede_analyzer_each(LedeAnalyzer *a, const char *text, size_t len, LedeTokenFn fn, void *ud)
{
  return lede_tokenize(a->tk, text, len, fn, ud) < 0 ? LEDE_ENOMEM : LEDE_OK;
}

/* ---- indexing ------------------------------------------------------------ */

/* The tokenizer reports to the writer directly (lede_iw_token). */
int lede_analyzer_index(LedeAnalyzer *a, LedeIndexWriter *w, int64_t doc, const char *text, size_t len)
{
  lede_iw_begin(w, doc);
  int rc = lede_analyzer_each(a, text, len, lede_iw_token, w);
  lede_iw_end_doc(w);
  return rc;
}

/* ---- checksums, spans, query terms -------------------------------------------- */

typedef struct SumCtx { int64_t doc; uint64_t *sum, *n; } SumCtx;

static int sum_token(void *ud, const LedeToken *t)
{
  SumCtx *x = ud;
  if ((t->flags & LEDE_TOKF_NOPOS) || t->len == 0 || t->len > 255) return 0;  /* as the writer */
  *x->sum += lede_index_entry_sum(t->term, t->len, x->doc, t->pos);
  (*x->n)++;
  return 0;
}

int lede_analyzer_checksum(LedeAnalyzer *a, int64_t doc, const char *text, size_t len,
                           uint64_t *sum, uint64_t *n)
{
  SumCtx x = {doc, sum, n};
  return lede_analyzer_each(a, text, len, sum_token, &x);
}

/* Byte span of each position: a part's own span wins over its compound's,
 * so a match on "biden" in "Putin-Biden" highlights "Biden".  Tokenizing
 * stops after maxpos: a concordance line near the top of a long text does
 * not pay for the rest of it. */
typedef struct SpanCtx {
  size_t *v;
  size_t *w;                /* or NULL: the first token's span at each position */
  uint32_t n, cap, maxpos;
  size_t last_end;          /* end of the last token (of any kind) seen */
  int oom, stopped;
} SpanCtx;

static int span_token(void *ud, const LedeToken *t)
{
  SpanCtx *x = ud;
  if (t->flags & LEDE_TOKF_NOPOS) { x->last_end = t->end; return 0; }
  if (t->pos > x->maxpos) { x->stopped = 1; return 1; }
  x->last_end = t->end;
  while (x->n <= t->pos) {
    if (x->n == x->cap) {
      uint32_t cap = x->cap ? x->cap * 2 : 256;
      size_t *v = realloc(x->v, (size_t)cap * 2 * sizeof *v);
      if (v) x->v = v;
      size_t *w = x->w ? realloc(x->w, (size_t)cap * 2 * sizeof *w) : NULL;
      if (w) x->w = w;
      if (!v || (x->w && !w)) { x->oom = 1; return 1; }
      x->cap = cap;
    }
    x->v[2 * x->n] = t->start;
    x->v[2 * x->n + 1] = t->end;
    if (x->w) { x->w[2 * x->n] = t->start; x->w[2 * x->n + 1] = t->end; }
    x->n++;
  }
  if (!(t->flags & LEDE_TOKF_COMPOUND)) {
    x->v[2 * t->pos] = t->start;
    x->v[2 * t->pos + 1] = t->end;
  }
  return 0;
}

/* Spans need token boundaries and positions only: a tokenizer in
 * LEDE_TOK_SPANS mode skips folding terms and finding sentence ends (a
 * concordance's time was mostly this).  Made per text: three small
 * allocations against tokenizing a whole article. */
static int each_span(LedeAnalyzer *a, const char *text, size_t len, SpanCtx *x)
{
  (void)a;
  LedeTokenizer *tk = lede_tokenizer_new(LEDE_TOK_SPANS);
  if (!tk) return LEDE_ENOMEM;
  int rc = lede_tokenize(tk, text, len, span_token, x) < 0 ? LEDE_ENOMEM : LEDE_OK;
  lede_tokenizer_free(tk);
  return rc;
}

int lede_analyzer_spans(LedeAnalyzer *a, const char *text, size_t len, uint32_t maxpos,
                        size_t **span, uint32_t *n)
{
  SpanCtx x = {NULL, NULL, 0, 0, maxpos, 0, 0, 0};
  int rc = each_span(a, text, len, &x);
  if (rc != LEDE_OK || x.oom) { free(x.v); return LEDE_ENOMEM; }
  *span = x.v;
  *n = x.n;
  return LEDE_OK;
}

/* The same with, in *word, the span of the first token at each position
 * (a compound as a whole, where a concordance in words counts it as one
 * word), and in *end, when the text ended before maxpos, the end of its
 * last token of any kind (SIZE_MAX when tokenizing stopped at maxpos). */
int lede_analyzer_word_spans(LedeAnalyzer *a, const char *text, size_t len, uint32_t maxpos,
                             size_t **span, size_t **word, uint32_t *n, size_t *end)
{
  SpanCtx x = {NULL, malloc(1), 0, 0, maxpos, 0, 0, 0};
  int rc = x.w ? each_span(a, text, len, &x) : LEDE_ENOMEM;
  if (rc != LEDE_OK || x.oom) { free(x.v); free(x.w); return LEDE_ENOMEM; }
  *span = x.v;
  *word = x.w;
  *n = x.n;
  *end = x.stopped ? SIZE_MAX : x.last_end;
  return LEDE_OK;
}

/* One term per position: a compound gives its parts; a hashtag, whose
 * part shares its position, gives the whole "#tag". */
typedef struct TermCtx { LedeBuf *b; size_t *n; int64_t last; } TermCtx;

static int term_token(void *ud, const LedeToken *t)
{
  TermCtx *x = ud;
  if (t->flags & (LEDE_TOKF_NOPOS | LEDE_TOKF_COMPOUND)) return 0;
  if ((int64_t)t->pos == x->last) return 0;
  x->last = t->pos;
  lede_buf_add(x->b, t->term, t->len);
  lede_buf_addc(x->b, '\0');
  (*x->n)++;
  return 0;
}

int lede_analyzer_terms(void *ud, const char *s, size_t len, LedeBuf *terms, size_t *n)
{
  LedeAnalyzer *a = ud;
  TermCtx x = {terms, n, -1};
  *n = 0;
  int rc = lede_analyzer_each(a, s, len, term_token, &x);
  return rc != LEDE_OK || terms->oom ? LEDE_ENOMEM : LEDE_OK;
}
