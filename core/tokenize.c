/*
 * tokenize.c -- UTF-8 text to tokens: UAX #29 word boundaries (tables in
 * unidata.c) with news rules on top, normal forms, sentence numbers, and
 * the Snowball stemmers.  See include/lede/tokenize.h for the contract.
 *
 * Speed: one pass, no allocation per token.  A fast path (tokenize_fast)
 * reports plain ASCII words, spaces and common punctuation from a byte
 * class table and gives every other segment to the general path (step),
 * which follows UAX #29 and the news rules; both give the same tokens
 * (tests/unit/test_tokdiff.c).  Only words holding non-ASCII letters go
 * through utf8proc, one code point at a time into a reused UTF-32 buffer.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>
#include <libstemmer.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "lede/lede.h"
#include "lede/tokenize.h"

uint32_t lede_uniprop(uint32_t cp);   /* unidata.c */

/* Word_Break values, in the generator's order. */
enum { WB_Other, WB_CR, WB_LF, WB_Newline, WB_Extend, WB_ZWJ, WB_RI,
       WB_Format, WB_Katakana, WB_HL, WB_ALetter, WB_SQ, WB_DQ,
       WB_MidNumLet, WB_MidLetter, WB_MidNum, WB_Numeric, WB_ENL, WB_WSeg };
/* Sentence_Break values. */
enum { SB_Other, SB_CR, SB_LF, SB_Extend, SB_Sep, SB_Format, SB_Sp,
       SB_Lower, SB_Upper, SB_OLetter, SB_Numeric, SB_ATerm, SB_SContinue,
       SB_STerm, SB_Close };

#define WBOF(p) ((int)((p) & 31))
#define SBOF(p) ((int)(((p) >> 5) & 15))
#define EPOF(p) (((p) >> 9) & 1)
#define BADCP 0x110000u     /* an invalid byte; no properties */

struct LedeTokenizer {
  unsigned opts;
  char *fold; size_t fcap;                 /* reused normal form */
  utf8proc_int32_t *u32; size_t ucap;      /* reused UTF-32 scratch */
  /* tokenizing state */
  LedeTokenFn fn; void *ud;
  const unsigned char *s; size_t n;
  uint32_t pos, sentence;
  int sent_used, sent_end, space_after_end;
  char last[16]; size_t lastn;             /* last word, folded, for abbreviations */
  size_t last_a, last_b; int last_lazy;    /* or its span, from fast_word() */
  char blk[64];                            /* fast_block()'s bytes, folded */
};

static unsigned char lower_tab[256];
static unsigned char ascii_tab[256];
#define A_PUNCT 1   /* punctuation rather than symbol */

/* Byte classes of the fast path (tokenize_fast); bytes >= 0x80 have none. */
#define C_ALNUM  0x001   /* letter or digit */
#define C_ALPHA  0x002   /* letter */
#define C_BLANK  0x004   /* white space or a control: no token */
#define C_NL     0x008   /* line break: ends the sentence */
#define C_PUNCT  0x010   /* alone in its segment when an ASCII byte follows */
#define C_MAILP  0x020   /* ... unless it starts an e-mail address: - % + */
#define C_WEND   0x040   /* ends a word: no rule can carry a word across it */
#define C_MID    0x080   /* . : , ; ' ends a word unless a letter or digit follows */
#define C_STERM  0x100   /* ! ?: ends the sentence */
static uint16_t ctab[256];
static char one_tab[128][2];    /* the term of each ASCII punctuation byte */

static uint16_t fast_class(int c)
{
  uint32_t pr = lede_uniprop((uint32_t)c);
  int wb = WBOF(pr), sb = SBOF(pr);
  if ((c | 32) >= 'a' && (c | 32) <= 'z') return C_ALNUM | C_ALPHA;
  if (c >= '0' && c <= '9') return C_ALNUM;
  if (wb == WB_CR || wb == WB_LF || wb == WB_Newline || sb == SB_Sep) return C_NL | C_WEND;
  if (wb == WB_WSeg || sb == SB_Sp || c < 0x20) return C_BLANK | C_WEND;
  if (c == '_' || c == '@') return 0;          /* joins letters; e-mail, mention */
  if (c == '#') return C_WEND;                 /* hashtags take the general path */
  uint16_t t = C_PUNCT;
  if (sb == SB_STerm || (sb == SB_ATerm && c != '.')) t |= C_STERM;
  if (c == '-' || c == '%' || c == '+') t |= C_MAILP;
  else if (wb == WB_MidLetter || wb == WB_MidNum || wb == WB_MidNumLet || wb == WB_SQ) t |= C_MID;
  else t |= C_WEND;
  return t;
}

static void init_abbrevs(void);

static void init_tables(void)
{
  for (int c = 0; c < 256; c++) {
    lower_tab[c] = (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    if (c < 0x80 && strchr("!\"#%&'()*,-./:;?@[\\]_{}", c) && c) ascii_tab[c] = A_PUNCT;
    ctab[c] = c < 0x80 ? fast_class(c) : 0;
    if (c < 0x80) one_tab[c][0] = (char)c;
  }
  init_abbrevs();
}

/* Decode one code point at s[i]; invalid bytes decode as BADCP, length 1. */
static size_t dec(const unsigned char *s, size_t n, size_t i, uint32_t *cp)
{
  unsigned c = s[i];
  if (c < 0x80) { *cp = c; return 1; }
  utf8proc_int32_t u;
  utf8proc_ssize_t k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &u);
  if (k <= 0) { *cp = BADCP; return 1; }
  *cp = (uint32_t)u;
  return (size_t)k;
}

static uint32_t prop(uint32_t cp) { return cp == BADCP ? 0 : lede_uniprop(cp); }

/* ---------------------------------------------------------------- UAX 29 */

#define AH(x)   ((x) == WB_ALetter || (x) == WB_HL)
#define MNLQ(x) ((x) == WB_MidNumLet || (x) == WB_SQ)
#define IGN(x)  ((x) == WB_Extend || (x) == WB_Format || (x) == WB_ZWJ)

/* Class of the first code point at or after j that WB4 does not ignore,
 * or -1 at the end of the text. */
static int wb_ahead(const unsigned char *s, size_t n, size_t j)
{
  while (j < n) {
    uint32_t cp;
    size_t k = dec(s, n, j, &cp);
    int c = WBOF(prop(cp));
    if (!IGN(c)) return c;
    j += k;
  }
  return -1;
}

/* WB5-WB16 between effective classes p2 p | c; the lookahead after c comes
 * from s at j.  Nonzero when there is no boundary. */
static int wb_join(int p2, int p, int c, int ri, const unsigned char *s, size_t n, size_t j)
{
  if (AH(p) && AH(c)) return 1;                                   /* WB5 */
  if (AH(p) && (c == WB_MidLetter || MNLQ(c)) && AH(wb_ahead(s, n, j))) return 1;
  if (AH(p2) && (p == WB_MidLetter || MNLQ(p)) && AH(c)) return 1;  /* WB7 */
  if (p == WB_HL && c == WB_SQ) return 1;                          /* WB7a */
  if (p == WB_HL && c == WB_DQ && wb_ahead(s, n, j) == WB_HL) return 1;
  if (p2 == WB_HL && p == WB_DQ && c == WB_HL) return 1;           /* WB7c */
  if ((p == WB_Numeric || AH(p)) && c == WB_Numeric) return 1;     /* WB8, 9 */
  if (p == WB_Numeric && AH(c)) return 1;                          /* WB10 */
  if (p2 == WB_Numeric && (p == WB_MidNum || MNLQ(p)) && c == WB_Numeric) return 1;
  if (p == WB_Numeric && (c == WB_MidNum || MNLQ(c)) && wb_ahead(s, n, j) == WB_Numeric) return 1;
  if (p == WB_Katakana && c == WB_Katakana) return 1;              /* WB13 */
  if ((AH(p) || p == WB_Numeric || p == WB_Katakana || p == WB_ENL) && c == WB_ENL) return 1;
  if (p == WB_ENL && (AH(c) || c == WB_Numeric || c == WB_Katakana)) return 1;
  if (p == WB_RI && c == WB_RI && (ri & 1)) return 1;              /* WB15, 16 */
  return 0;
}

size_t lede_wordbreak_next(const char *text, size_t n, size_t i)
{
  const unsigned char *s = (const unsigned char *)text;
  if (i >= n) return n;
  uint32_t cp;
  size_t j = i + dec(s, n, i, &cp);
  uint32_t pr = prop(cp);
  int raw = WBOF(pr), p = raw, p2 = -1, ri = raw == WB_RI;
  while (j < n) {
    size_t k = dec(s, n, j, &cp);
    pr = prop(cp);
    int c = WBOF(pr);
    if (raw == WB_CR && c == WB_LF) { raw = p = c; j += k; continue; }   /* WB3 */
    if (raw == WB_CR || raw == WB_LF || raw == WB_Newline) break;      /* WB3a */
    if (c == WB_CR || c == WB_LF || c == WB_Newline) break;            /* WB3b */
    int join = (raw == WB_ZWJ && EPOF(pr))                             /* WB3c */
            || (raw == WB_WSeg && c == WB_WSeg);                       /* WB3d */
    if (!join && IGN(c)) { raw = c; j += k; continue; }                /* WB4 */
    if (!join && !wb_join(p2, p, c, ri, s, n, j + k)) break;
    if (IGN(c)) { raw = c; j += k; continue; }
    ri = c == WB_RI ? ri + 1 : 0;
    p2 = p; p = c; raw = c;
    j += k;
  }
  return j;
}

/* UAX #29 sentence boundaries (SB1-SB998), for lede_sentencebreak_next. */
#define PARASEP(x) ((x) == SB_Sep || (x) == SB_CR || (x) == SB_LF)
#define SATERM(x)  ((x) == SB_STerm || (x) == SB_ATerm)

/* SB8: after ATerm Close* Sp*, skip everything but OLetter, Upper, Lower,
 * ParaSep and SATerm from j on; nonzero when a Lower comes next. */
static int sb_lower_ahead(const unsigned char *s, size_t n, size_t j)
{
  while (j < n) {
    uint32_t cp;
    size_t k = dec(s, n, j, &cp);
    int c = SBOF(prop(cp));
    if (c == SB_Lower) return 1;
    if (c == SB_OLetter || c == SB_Upper || PARASEP(c) || SATERM(c)) return 0;
    j += k;
  }
  return 0;
}

size_t lede_sentencebreak_next(const char *text, size_t n, size_t i)
{
  const unsigned char *s = (const unsigned char *)text;
  if (i >= n) return n;
  uint32_t cp;
  size_t j = i + dec(s, n, i, &cp);
  int raw = SBOF(prop(cp)), p = raw;
  int term = SATERM(raw) ? raw : 0, before = -1, sp = 0;   /* SATerm Close* Sp* */
  while (j < n) {
    size_t k = dec(s, n, j, &cp);
    int c = SBOF(prop(cp));
    if (raw == SB_CR && c == SB_LF) { raw = p = c; j += k; continue; }   /* SB3 */
    if (PARASEP(raw)) break;                                           /* SB4 */
    if (c == SB_Extend || c == SB_Format) { raw = c; j += k; continue; } /* SB5 */
    int join = 1;
    if (term) {
      join = (p == SB_ATerm && c == SB_Numeric)                         /* SB6 */
          || (p == SB_ATerm && c == SB_Upper && (before == SB_Upper || before == SB_Lower))
          || (term == SB_ATerm && sb_lower_ahead(s, n, j))              /* SB8 */
          || c == SB_SContinue || SATERM(c)                             /* SB8a */
          || (!sp && c == SB_Close)                                     /* SB9 */
          || c == SB_Sp || PARASEP(c);                                  /* SB9, 10 */
      if (!join) break;                                                 /* SB11 */
    }
    if (SATERM(c)) { term = c; before = p; sp = 0; }
    else if (term && c == SB_Close && !sp) {}
    else if (term && c == SB_Sp) sp = 1;
    else term = 0;
    p = c; raw = c;
    j += k;
  }
  return j;
}

/* ------------------------------------------------------------ buffers */

static int fold_reserve(LedeTokenizer *tk, size_t need)
{
  if (need <= tk->fcap) return 1;
  size_t cap = tk->fcap ? tk->fcap : 256;
  while (cap < need) cap *= 2;
  char *p = realloc(tk->fold, cap);
  if (!p) return 0;
  tk->fold = p; tk->fcap = cap;
  return 1;
}

static int u32_reserve(LedeTokenizer *tk, size_t need)
{
  if (need <= tk->ucap) return 1;
  size_t cap = tk->ucap ? tk->ucap : 256;
  while (cap < need) cap *= 2;
  utf8proc_int32_t *p = realloc(tk->u32, cap * sizeof *p);
  if (!p) return 0;
  tk->u32 = p; tk->ucap = cap;
  return 1;
}

LedeTokenizer *lede_tokenizer_new(unsigned opts)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, init_tables);       /* tokenizers live on worker threads */
  LedeTokenizer *tk = calloc(1, sizeof *tk);
  if (!tk) return NULL;
  tk->opts = opts;
  if (!fold_reserve(tk, 256) || !u32_reserve(tk, 256)) { lede_tokenizer_free(tk); return NULL; }
  return tk;
}

unsigned lede_tokenizer_set_opts(LedeTokenizer *tk, unsigned opts)
{
  unsigned old = tk->opts;
  tk->opts = opts;
  return old;
}

void lede_tokenizer_free(LedeTokenizer *tk)
{
  if (!tk) return;
  free(tk->fold);
  free(tk->u32);
  free(tk);
}

/* ------------------------------------------------------------ folding */

static int is_hyphen(uint32_t cp) { return cp == '-' || cp == 0x2010 || cp == 0x2011; }
static int is_apos(uint32_t cp) { return cp == '\'' || cp == 0x2019 || cp == 0x02BC; }
static int is_latin_greek(utf8proc_int32_t cp)
{
  return cp < 0x250 || (cp >= 0x370 && cp < 0x400) || (cp >= 0x1E00 && cp < 0x2000);
}

/* Strip the marks of Latin and Greek letters, and ё -> е; other scripts
 * keep theirs (й, ї are letters of their own). */
static size_t strip_marks(utf8proc_int32_t *u, size_t m)
{
  size_t o = 0;
  utf8proc_int32_t base = 0;
  for (size_t i = 0; i < m; i++) {
    const utf8proc_property_t *pp = utf8proc_get_property(u[i]);
    if (pp->category == UTF8PROC_CATEGORY_MN) {
      if (is_latin_greek(base) || (base == 0x435 && u[i] == 0x308)) continue;
    } else base = u[i];
    u[o++] = u[i];
  }
  return o;
}

/* Cyrillic and ASCII words fold without utf8proc: case by offsets, ё -> е
 * when diacritics fold (NFKC leaves these letters alone).  Continues tk->fold
 * at on from s[i]; (size_t)-1 when a letter needs the general path. */
static size_t fold_simple(LedeTokenizer *tk, const unsigned char *s, size_t i, size_t b, size_t on)
{
  char *o = tk->fold;
  while (i < b) {
    uint32_t cp;
    if (s[i] < 0x80) { o[on++] = (char)lower_tab[s[i++]]; continue; }
    i += dec(s, b, i, &cp);
    if (cp >= 0x400 && cp < 0x460) {
      if (cp < 0x410) cp += 0x50;
      else if (cp < 0x430) cp += 0x20;
      if (cp == 0x451 && (tk->opts & LEDE_TOK_FOLD_DIACRITICS)) cp = 0x435;
    } else if (is_apos(cp)) cp = '\'';
    else if (cp == 0x2010 || cp == 0x2011) cp = '-';
    else return (size_t)-1;
    on += (size_t)utf8proc_encode_char((utf8proc_int32_t)cp, (utf8proc_uint8_t *)o + on);
  }
  o[on] = 0;
  return on;
}

/* Fold s[a..b) into tk->fold, NUL-terminated; returns its length, or
 * (size_t)-1 when out of memory. */
static size_t fold_span(LedeTokenizer *tk, const unsigned char *s, size_t a, size_t b)
{
  size_t i = a;
  if (tk->opts & LEDE_TOK_SPANS) { tk->fold[0] = 0; return 0; }     /* no terms */
  if (!fold_reserve(tk, (b - a) * 4 + 8)) return (size_t)-1;
  char *o = tk->fold;
  size_t on = 0;
  while (i < b && s[i] < 0x80) o[on++] = (char)lower_tab[s[i++]];
  if (i == b) { o[on] = 0; return on; }
  size_t fast = fold_simple(tk, s, i, b, on);
  if (fast != (size_t)-1) return fast;
  /* Other scripts: decompose (NFKD + case fold) code point by code point. */
  size_t m = 0;
  utf8proc_option_t opt = UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_DECOMPOSE;
  for (size_t q = 0; q < on; q++) tk->u32[m++] = (unsigned char)o[q];
  while (i < b) {
    uint32_t cp;
    i += dec(s, b, i, &cp);
    if (cp == BADCP) cp = 0xFFFD;
    if (is_apos(cp)) cp = '\'';
    else if (is_hyphen(cp)) cp = '-';
    else if (cp == 0xAD || (cp >= 0x200B && cp <= 0x200F) || cp == 0x2060 || cp == 0xFEFF) continue;
    else if (cp == 0xA0 || cp == 0x202F || cp == 0x2009) continue;   /* in numbers */
    for (;;) {
      utf8proc_int32_t bc = 0;
      if (!u32_reserve(tk, m + 8)) return (size_t)-1;
      utf8proc_ssize_t r = utf8proc_decompose_char((utf8proc_int32_t)cp, tk->u32 + m,
                                                   (utf8proc_ssize_t)(tk->ucap - m), opt, &bc);
      if (r < 0) break;
      if ((size_t)r <= tk->ucap - m) { m += (size_t)r; break; }
      if (!u32_reserve(tk, m + (size_t)r)) return (size_t)-1;
    }
  }
  if (tk->opts & LEDE_TOK_FOLD_DIACRITICS) m = strip_marks(tk->u32, m);
  utf8proc_ssize_t r = utf8proc_normalize_utf32(tk->u32, (utf8proc_ssize_t)m,
                                                UTF8PROC_COMPOSE | UTF8PROC_STABLE);
  if (r < 0) r = 0;
  if (!fold_reserve(tk, (size_t)r * 4 + 8)) return (size_t)-1;
  o = tk->fold; on = 0;
  for (utf8proc_ssize_t q = 0; q < r; q++)
    on += (size_t)utf8proc_encode_char(tk->u32[q], (utf8proc_uint8_t *)o + on);
  o[on] = 0;
  return on;
}

/* Drop a possessive 's (the apostrophe is already ASCII). */
static size_t drop_possessive(char *t, size_t len)
{
  if (len > 2 && t[len - 1] == 's' && t[len - 2] == '\'') { t[len - 2] = 0; return len - 2; }
  return len;
}

/* Numbers lose group separators when every group after the first has
 * three digits: "100,000" -> "100000"; "1,5" stays. */
static size_t fold_number(char *t, size_t len)
{
  size_t i = 0, g = 0, groups = 0;
  int ok = 1;
  for (; i < len && t[i] != '.'; i++) {
    if (t[i] == ',') { if (groups && g != 3) ok = 0; if (!groups && (g == 0 || g > 3)) ok = 0; groups++; g = 0; }
    else g++;
  }
  if (!groups || !ok || g != 3) return len;
  size_t o = 0;
  int frac = 0;
  for (i = 0; i < len; i++) {
    if (t[i] == '.') frac = 1;
    if (t[i] != ',' || frac) t[o++] = t[i];
  }
  t[o] = 0;
  return o;
}

/* ------------------------------------------------------------ emitting */

static inline int emit(LedeTokenizer *tk, const char *term, size_t len, size_t a, size_t b,
                       LedeTokenKind kind, unsigned flags, uint32_t pos)
{
  LedeToken t;
  if (tk->opts & LEDE_TOK_SPANS) {
    t.sentence = 0;
  } else {
    if (tk->sent_end && tk->sent_used && (!(flags & LEDE_TOKF_NOPOS) || tk->space_after_end)) {
      tk->sentence++;
      tk->sent_used = 0;
    }
    if (!(flags & LEDE_TOKF_NOPOS) || tk->space_after_end) tk->sent_end = 0;
    if (!tk->sent_used) flags |= LEDE_TOKF_SENTENCE;
    tk->sent_used = 1;
    t.sentence = tk->sentence;
  }
  t.term = term; t.len = len; t.start = a; t.end = b;
  t.pos = pos; t.kind = kind; t.flags = flags;
  return tk->fn(tk->ud, &t);
}

/* ------------------------------------------------------------ news rules */

static int is_letter_cp(uint32_t cp)
{
  if (cp < 0x80) return (cp | 32) >= 'a' && (cp | 32) <= 'z';
  if (cp == BADCP) return 0;
  utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);
  return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

static int is_digit_at(const unsigned char *s, size_t n, size_t i)
{
  return i < n && s[i] >= '0' && s[i] <= '9';
}

/* What the segment s[a..b) holds: 2 letters, 1 only digits, 0 neither. */
static int seg_wordish(const unsigned char *s, size_t a, size_t b)
{
  int digits = 0;
  for (size_t i = a; i < b;) {
    uint32_t cp;
    i += dec(s, b, i, &cp);
    if (cp >= '0' && cp <= '9') digits = 1;
    else if (is_letter_cp(cp)) return 2;
    else if (cp >= 0x80 && cp != BADCP) {
      utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);
      if (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO) digits = 1;
    }
  }
  return digits;
}

/* "U.S" + "." -> "U.S.": single letters separated by periods. */
static size_t initialism(const unsigned char *s, size_t n, size_t a, size_t b)
{
  if (b >= n || s[b] != '.' || b - a < 3) return b;
  for (size_t i = a; i < b; i += 2) {
    if (!is_letter_cp(s[i])) return b;
    if (i + 1 < b && s[i + 1] != '.') return b;
    if (i + 1 == b) return b + 1;
  }
  return b;
}

/* Times "13:56" and NBSP-grouped numbers "100 000" join into one number. */
static size_t number_ext(const unsigned char *s, size_t n, size_t a, size_t b)
{
  for (;;) {
    size_t g = 0;
    while (g < b - a && is_digit_at(s, n, b - 1 - g)) g++;
    if (g == 0) return b;
    if (b + 1 < n && s[b] == ':' && is_digit_at(s, n, b + 1) && g <= 2) {
      size_t e = b + 1;
      while (is_digit_at(s, n, e)) e++;
      if (e - b - 1 != 2) return b;
      b = e;
      continue;
    }
    size_t sep = 0;
    if (b + 1 < n && s[b] == 0xC2 && s[b + 1] == 0xA0) sep = 2;
    else if (b + 2 < n && s[b] == 0xE2 && s[b + 1] == 0x80 && (s[b + 2] == 0xAF || s[b + 2] == 0x89)) sep = 3;
    if (!sep || g > 3 || (b - a != g && g != 3)) return b;
    size_t e = b + sep;
    while (is_digit_at(s, n, e)) e++;
    if (e - b - sep != 3) return b;
    b = e;
  }
}

static int url_char(unsigned char c)
{
  return c > ' ' && c != '<' && c != '>' && c != '"' && c != 0x7F;
}

/* Length of a URL starting at s[i] (http://, https://, www.), or 0. */
static size_t url_at(const unsigned char *s, size_t n, size_t i)
{
  size_t k = 0;
  if (n - i > 8 && !strncasecmp((const char *)s + i, "https://", 8)) k = 8;
  else if (n - i > 7 && !strncasecmp((const char *)s + i, "http://", 7)) k = 7;
  else if (n - i > 5 && !strncasecmp((const char *)s + i, "www.", 4) && s[i + 4] > ' ') k = 4;
  if (!k) return 0;
  size_t e = i + k;
  while (e < n && url_char(s[e])) e++;
  while (e > i + k && strchr(".,;:!?)]'", s[e - 1])) e--;   /* sentence punctuation */
  if (e - i <= k + 1) return 0;
  return e - i;
}

static int email_local(unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
      || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

/* Length of an e-mail address starting at s[i], or 0. */
static size_t email_at(const unsigned char *s, size_t n, size_t i)
{
  size_t e = i;
  while (e < n && email_local(s[e])) e++;
  if (e == i || e >= n || s[e] != '@') return 0;
  size_t d = ++e, dot = 0;
  while (e < n && (email_local(s[e]) && s[e] != '_' && s[e] != '%' && s[e] != '+')) {
    if (s[e] == '.') dot = e;
    e++;
  }
  while (e > d && (s[e - 1] == '.' || s[e - 1] == '-')) e--;
  if (!dot || dot >= e - 1 || dot == d) return 0;
  return e - i;
}

static int word_start_ok(const unsigned char *s, size_t i)
{
  if (i == 0) return 1;
  unsigned c = s[i - 1];
  return !((c | 32) >= 'a' && (c | 32) <= 'z') && !(c >= '0' && c <= '9') && c < 0x80;
}

/* Abbreviations that do not end a sentence (folded, without the period),
 * by length, so that a period costs a few byte compares: this runs at every
 * period of the text.  Dotted ones ("u.s.", "e.g.") are initialisms below. */
static const char *const abbrevs[7] = {
  "", "",
  "mr" "ms" "dr" "lt" "st" "no" "vs" "co" "jr" "sr",
  "mrs" "gen" "col" "sgt" "sen" "rep" "gov" "jan" "feb" "aug" "oct" "nov" "dec"
  "etc" "inc" "ltd" "maj" "adm" "rev",
  "prof" "sept" "corp" "capt" "gens" "sens" "reps",
  "",
  "messrs",
};

static int is_abbrev(const char *w, size_t n)
{
  if (n == 1) return w[0] >= 'a' && w[0] <= 'z';        /* initials: John F. Kennedy */
  if (n >= 4 && w[n - 1] == '.' && w[1] == '.') return 1;   /* any initialism "x.y." */
  if (n >= sizeof abbrevs / sizeof abbrevs[0]) return 0;
  for (const char *p = abbrevs[n]; *p; p += n) {
    size_t k = 0;
    while (k < n && p[k] == w[k]) k++;
    if (k == n) return 1;
  }
  return 0;
}

/* The last word, for is_abbrev(). */
static void remember(LedeTokenizer *tk, const char *term, size_t len)
{
  tk->lastn = len < sizeof tk->last ? len : 0;
  memcpy(tk->last, term, tk->lastn);
  tk->last_lazy = 0;
}

/* The abbreviations as keys: their bytes, little-endian, and their length
 * in the top byte; an open-addressed set, so that a period after a plain
 * word costs a hash and a compare instead of a fold and a scan. */
static uint64_t abbrev_set[128];

static uint64_t load64(const unsigned char *p) { uint64_t x; memcpy(&x, p, 8); return x; }
static unsigned abbrev_slot(uint64_t key) { return (unsigned)((key * 0x9E3779B97F4A7C15ULL) >> 57); }

static void init_abbrevs(void)
{
  for (size_t n = 2; n < sizeof abbrevs / sizeof abbrevs[0]; n++)
    for (const char *p = abbrevs[n]; *p; p += n) {
      uint64_t key = (uint64_t)n << 56;
      for (size_t k = 0; k < n; k++) key |= (uint64_t)(unsigned char)p[k] << (8 * k);
      unsigned h = abbrev_slot(key);
      while (abbrev_set[h]) h = (h + 1) & 127;
      abbrev_set[h] = key;
    }
}

/* is_abbrev() of the plain word s[a..b) as fast_word() and fast_block()
 * leave it (ASCII letters and digits, ' or ’ between letters), folded;
 * 16 bytes from a must be readable.  A possessive ’s goes; what is left
 * is an abbreviation only if it is letters, which the bytes or'ed with
 * 0x20 match only when they are letters (apostrophes never match). */
static int plain_abbrev(const unsigned char *s, size_t a, size_t b)
{
  size_t m = b - a;
  if (m > 10) return 0;                 /* too long even without a possessive */
  if ((s[b - 1] | 32) == 's') {          /* a letter before the ' or ’ */
    if (m >= 3 && s[b - 2] == '\'') m -= 2;
    else if (m >= 5 && s[b - 4] == 0xE2 && s[b - 3] == 0x80 && s[b - 2] == 0x99) m -= 4;
  }
  if (m == 1) return (s[a] | 32) >= 'a' && (s[a] | 32) <= 'z';
  if (m < 2 || m > 6) return 0;
  uint64_t key = ((load64(s + a) | 0x2020202020202020ULL) & ((1ULL << (8 * m)) - 1)) | (uint64_t)m << 56;
  for (unsigned h = abbrev_slot(key); abbrev_set[h]; h = (h + 1) & 127)
    if (abbrev_set[h] == key) return 1;
  return 0;
}

/* fast_word() notes only the span of its word, which it folds again here
 * when a period asks: periods are far fewer than words. */
static void last_word(LedeTokenizer *tk)
{
  const unsigned char *s = tk->s;
  char w[sizeof tk->last + 4];
  size_t len = 0, j = tk->last_a;
  for (; j < tk->last_b && len < sizeof w - 1; j++) {
    if (s[j] == 0xE2) { w[len++] = '\''; j += 2; }      /* ’ */
    else w[len++] = (char)lower_tab[s[j]];
  }
  w[len] = 0;
  /* a longer word stays too long after dropping a possessive */
  len = j < tk->last_b ? 0 : drop_possessive(w, len);
  remember(tk, w, len);
}

/* A period at s[i] ends a sentence unless an abbreviation precedes it or a
 * lower-case letter or digit follows (UAX #29 SB8 in spirit). */
static int period_ends(LedeTokenizer *tk, const unsigned char *s, size_t n, size_t i)
{
  int closes = i + 1 < n && (s[i + 1] == '"' || s[i + 1] == ')'
                             || (i + 3 < n && s[i + 1] == 0xE2 && s[i + 2] == 0x80 && s[i + 3] == 0x9D));
  /* "said \"no.\" Then": a closing quote after the period ends it anyway */
  if (!closes && i > 0 && s[i - 1] != ' ') {
    int ab;
    if (tk->last_lazy && tk->last_a + 16 <= n) ab = plain_abbrev(s, tk->last_a, tk->last_b);
    else {
      if (tk->last_lazy) last_word(tk);
      ab = is_abbrev(tk->last, tk->lastn);
    }
    if (ab) return 0;
  }
  size_t j = i + 1;
  while (j < n && (s[j] == ' ' || s[j] == '"' || s[j] == ')' || s[j] == '\'' || s[j] >= 0x80)) {
    uint32_t cp;
    size_t k = dec(s, n, j, &cp);
    if (cp >= 0x80 && cp != 0xA0 && cp != 0x201D && cp != 0x2019 && cp != 0xBB) break;
    j += k;
  }
  if (j >= n) return 1;
  uint32_t cp;
  dec(s, n, j, &cp);
  int sb = SBOF(prop(cp));
  return !(sb == SB_Lower || sb == SB_Numeric || cp == ',' || cp == ';');
}

/* --------------------------------------------------------------- driver */

/* Emit a word or number s[a..b) with compound parts at hyphens. */
static int emit_word(LedeTokenizer *tk, size_t a, size_t b, LedeTokenKind kind,
                     const size_t *cuts, size_t ncut)
{
  const unsigned char *s = tk->s;
  size_t len = fold_span(tk, s, a, b);
  if (len == (size_t)-1) return LEDE_ENOMEM;
  if (kind == LEDE_TOK_NUMBER) len = fold_number(tk->fold, len);
  else len = drop_possessive(tk->fold, len);
  int rc = emit(tk, tk->fold, len, a, b, kind, ncut ? LEDE_TOKF_COMPOUND : 0, tk->pos);
  if (rc) return rc;
  if (!ncut) { remember(tk, tk->fold, len); tk->pos++; return 0; }
  size_t pa = a;
  for (size_t c = 0; c <= ncut; c++) {
    size_t pb = c < ncut ? cuts[2 * c] : b;
    len = fold_span(tk, s, pa, pb);
    if (len == (size_t)-1) return LEDE_ENOMEM;
    len = drop_possessive(tk->fold, len);
    int w = seg_wordish(s, pa, pb);
    rc = emit(tk, tk->fold, len, pa, pb, w == 1 ? LEDE_TOK_NUMBER : LEDE_TOK_WORD,
              LEDE_TOKF_PART, tk->pos++);
    if (rc) return rc;
    if (c < ncut) pa = cuts[2 * c + 1];
  }
  remember(tk, tk->fold, len);
  return 0;
}

#define MAXCUT 16

/* The word at s[a..b): extend by news rules, then emit; returns the end. */
static int do_word(LedeTokenizer *tk, size_t a, size_t *pb, int w)
{
  const unsigned char *s = tk->s;
  size_t n = tk->n, b = *pb;
  size_t cuts[2 * MAXCUT], ncut = 0;
  if (w == 1) b = number_ext(s, n, a, b);
  else b = initialism(s, n, a, b);
  /* Hyphenated compounds: word-word(-word...), no spaces. */
  for (;;) {
    uint32_t cp;
    if (b >= n || ncut == MAXCUT) break;
    size_t k = dec(s, n, b, &cp);
    if (!is_hyphen(cp) || b + k >= n) break;
    size_t e = lede_wordbreak_next((const char *)s, n, b + k);
    int w2 = seg_wordish(s, b + k, e);
    if (!w2) break;
    if (w2 == 1) e = number_ext(s, n, b + k, e);
    cuts[2 * ncut] = b; cuts[2 * ncut + 1] = b + k; ncut++;
    if (w2 == 2) w = 2;
    b = e;
  }
  *pb = b;
  return emit_word(tk, a, b, w == 1 ? LEDE_TOK_NUMBER : LEDE_TOK_WORD, cuts, ncut);
}

static int do_special(LedeTokenizer *tk, size_t a, size_t b, LedeTokenKind kind)
{
  size_t len = fold_span(tk, tk->s, a, b);
  if (len == (size_t)-1) return LEDE_ENOMEM;
  int rc = emit(tk, tk->fold, len, a, b, kind, 0, tk->pos);
  if (rc || (kind != LEDE_TOK_HASHTAG && kind != LEDE_TOK_MENTION)) { tk->pos++; return rc; }
  if (len) {                              /* 0 with LEDE_TOK_SPANS */
    memmove(tk->fold, tk->fold + 1, len);   /* the tag without # or @ */
    len = drop_possessive(tk->fold, len - 1);
  }
  rc = emit(tk, tk->fold, len, a + 1, b, LEDE_TOK_WORD, LEDE_TOKF_PART, tk->pos++);
  return rc;
}

/* Space, punctuation or symbol segment s[a..b) starting with cp. */
static int do_other(LedeTokenizer *tk, size_t a, size_t b, uint32_t cp, uint32_t pr)
{
  int wb = WBOF(pr), sb = SBOF(pr);
  if (wb == WB_CR || wb == WB_LF || wb == WB_Newline || sb == SB_Sep) {
    tk->sent_end = 1; tk->space_after_end = 1;
    return 0;
  }
  if (wb == WB_WSeg || sb == SB_Sp || (cp < 0x20) || cp == 0xA0) {
    if (tk->sent_end) tk->space_after_end = 1;
    return 0;
  }
  if (wb == WB_Extend || wb == WB_Format || wb == WB_ZWJ) return 0;
  LedeTokenKind kind;
  if (cp < 0x80) kind = ascii_tab[cp] & A_PUNCT ? LEDE_TOK_PUNCT : LEDE_TOK_SYMBOL;
  else {
    utf8proc_category_t c = cp == BADCP ? UTF8PROC_CATEGORY_SO : utf8proc_category((utf8proc_int32_t)cp);
    kind = (c >= UTF8PROC_CATEGORY_PC && c <= UTF8PROC_CATEGORY_PO) ? LEDE_TOK_PUNCT : LEDE_TOK_SYMBOL;
  }
  size_t len = fold_span(tk, tk->s, a, b);
  if (len == (size_t)-1) return LEDE_ENOMEM;
  int rc = emit(tk, tk->fold, len, a, b, kind, LEDE_TOKF_NOPOS, tk->pos);
  if (rc || (tk->opts & LEDE_TOK_SPANS)) return rc;
  if ((cp == '.' && period_ends(tk, tk->s, tk->n, a)) || (sb == SB_STerm && cp != '.')
      || (sb == SB_ATerm && cp != '.')) {
    tk->sent_end = 1; tk->space_after_end = 0;
  }
  return 0;
}

/* Pure UAX #29: every segment as it is. */
static int tokenize_raw(LedeTokenizer *tk)
{
  for (size_t i = 0; i < tk->n;) {
    size_t e = lede_wordbreak_next((const char *)tk->s, tk->n, i);
    uint32_t cp;
    dec(tk->s, tk->n, i, &cp);
    int w = seg_wordish(tk->s, i, e);
    LedeTokenKind kind = w == 2 ? LEDE_TOK_WORD : w == 1 ? LEDE_TOK_NUMBER : LEDE_TOK_SYMBOL;
    int wb = WBOF(prop(cp));
    if (!w && (wb == WB_WSeg || wb == WB_CR || wb == WB_LF || wb == WB_Newline)) kind = LEDE_TOK_SPACE;
    LedeToken t = { (const char *)tk->s + i, e - i, i, e, tk->pos++, 0, kind, 0 };
    int rc = tk->fn(tk->ud, &t);
    if (rc) return rc;
    i = e;
  }
  return 0;
}

/* The general path: the segment at *pi by UAX #29 and every news rule;
 * moves *pi past what it reported. */
static int step(LedeTokenizer *tk, size_t *pi)
{
  const unsigned char *s = tk->s;
  const char *text = (const char *)s;
  size_t n = tk->n, i = *pi, k, e;
  unsigned c = s[i];
  int rc;
  if ((((c | 32) == 'h' && i + 1 < n && (s[i + 1] | 32) == 't')
       || ((c | 32) == 'w' && i + 1 < n && (s[i + 1] | 32) == 'w'))
      && word_start_ok(s, i) && (k = url_at(s, n, i))) {
    *pi = i + k;
    return do_special(tk, i, i + k, LEDE_TOK_URL);
  }
  if (c < 0x80 && email_local((unsigned char)c) && c != '.' && word_start_ok(s, i)
      && (k = email_at(s, n, i))) {
    *pi = i + k;
    return do_special(tk, i, i + k, LEDE_TOK_EMAIL);
  }
  if ((c == '#' || c == '@') && word_start_ok(s, i) && i + 1 < n) {
    e = lede_wordbreak_next(text, n, i + 1);
    if (seg_wordish(s, i + 1, e) == 2) {
      *pi = e;
      return do_special(tk, i, e, c == '#' ? LEDE_TOK_HASHTAG : LEDE_TOK_MENTION);
    }
  }
  e = lede_wordbreak_next(text, n, i);
  int w = seg_wordish(s, i, e);
  if (w) { rc = do_word(tk, i, &e, w); *pi = e; return rc; }
  uint32_t cp;
  dec(s, n, i, &cp);
  *pi = e;
  return do_other(tk, i, e, cp, prop(cp));
}

/* ------------------------------------------------------------ fast path
 *
 * Most news text is ASCII words, spaces and simple punctuation.  The fast
 * path reports those straight from byte classes and hands every other
 * segment to step(), so that each token is exactly what the general path
 * would give: tests/unit/test_tokdiff.c compares the two, field by field.
 * A word is taken here only when what follows it can neither continue its
 * UAX #29 segment nor bring in a news rule (URL, e-mail, compound, number
 * group, time, initialism); punctuation only when the next byte is ASCII,
 * so no combining mark can join it. */

/* The third byte of the punctuation E2 80 xx common in news (– — ’ “ ”)
 * at s[i], or 0. */
static unsigned quote_at(const unsigned char *s, size_t n, size_t i)
{
  if (n - i < 3 || s[i] != 0xE2 || s[i + 1] != 0x80) return 0;
  unsigned x = s[i + 2];
  return x == 0x93 || x == 0x94 || x == 0x99 || x == 0x9C || x == 0x9D ? x : 0;
}

static int mail_at(const unsigned char *s, size_t n, size_t i)
{
  return word_start_ok(s, i) && email_at(s, n, i);
}

/* Nonzero when the word s[i..e) ends at e for certain: e is the end of the
 * text, or s[e] ends words, or s[e] is . : , ; ' ’ and no letter, digit or
 * e-mail address comes after it. */
static int word_ends(const unsigned char *s, size_t n, size_t i, size_t e)
{
  if (e == n) return 1;
  unsigned d = s[e], dc = ctab[d];
  if (dc & C_WEND) return 1;
  unsigned q = quote_at(s, n, e);
  if (q && q != 0x99) return 1;
  if ((dc & C_MID) || q) {
    size_t j = e + (q ? 3 : 1);
    if (j == n) return 1;
    unsigned d2 = s[j], c2 = ctab[d2];
    if ((c2 & C_WEND) || quote_at(s, n, j)) return 1;
    if (!(c2 & C_MID)) return 0;
    return !(d == '.' && d2 == '.' && mail_at(s, n, i));    /* "a..b@c.de" */
  }
  if (d == '%' || d == '+' || d == '@') return !mail_at(s, n, i);
  return 0;                                /* -, _, other non-ASCII */
}

/* The run of ASCII letters and digits at p, at most 16 bytes, folded to
 * lower case into o (16 bytes written); *alpha gets nonzero when it holds
 * a letter.  Returns its length. */
#ifdef __SSE2__
static inline size_t alnum16(const unsigned char *p, char *o, unsigned *alpha)
{
  __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
  __m128i lo = _mm_or_si128(v, _mm_set1_epi8(0x20));
  __m128i al = _mm_and_si128(_mm_cmpgt_epi8(lo, _mm_set1_epi8('a' - 1)),
                             _mm_cmplt_epi8(lo, _mm_set1_epi8('z' + 1)));
  __m128i dg = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                             _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
  __m128i up = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('A' - 1)),
                             _mm_cmplt_epi8(v, _mm_set1_epi8('Z' + 1)));
  _mm_storeu_si128((__m128i *)(void *)o, _mm_or_si128(v, _mm_and_si128(up, _mm_set1_epi8(0x20))));
  unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(al, dg));
  unsigned k = (unsigned)__builtin_ctz(~m);       /* m has 16 bits: k <= 16 */
  *alpha |= (unsigned)_mm_movemask_epi8(al) & ((1u << k) - 1);
  return k;
}
#else
static inline size_t alnum16(const unsigned char *p, char *o, unsigned *alpha)
{
  size_t k = 0;
  while (k < 16 && (ctab[p[k]] & C_ALNUM)) { *alpha |= ctab[p[k]] & C_ALPHA; o[k] = (char)lower_tab[p[k]]; k++; }
  return k;
}
#endif

/* Fold a plain word's bytes s[a..b) into o: ASCII to lower case, ’ to '. */
static size_t fold_plain(const unsigned char *s, size_t a, size_t b, char *o)
{
  size_t len = 0;
  for (size_t j = a; j < b; j++) {
    if (s[j] == 0xE2) { o[len++] = '\''; j += 2; }
    else o[len++] = (char)lower_tab[s[j]];
  }
  return len;
}

/* Report the parts of a compound, cut[0..ncut] their starts and ends, after
 * the whole; as emit_word() does. */
static int fast_parts(LedeTokenizer *tk, const size_t *cut, const unsigned *alpha, size_t ncut)
{
  int spans = tk->opts & LEDE_TOK_SPANS;
  for (size_t c = 0; c < ncut; c++) {
    size_t len = 0;
    char *o = tk->fold;
    if (!spans) {
      len = drop_possessive(o, fold_plain(tk->s, cut[2 * c], cut[2 * c + 1], o));
      o[len] = 0;
    }
    int rc = emit(tk, spans ? "" : o, len, cut[2 * c], cut[2 * c + 1],
                  alpha[c] ? LEDE_TOK_WORD : LEDE_TOK_NUMBER, LEDE_TOKF_PART, tk->pos++);
    if (rc) return rc;
  }
  tk->last_a = cut[2 * ncut - 2]; tk->last_b = cut[2 * ncut - 1]; tk->last_lazy = 1;
  return 0;
}

/* fast_word() for a compound of plain words joined by "-", kept apart so
 * that words without hyphens do not pay for its cuts. */
/* The length of an apostrophe (' or ’) at s[e] that joins two letters
 * (WB6, WB7); 0 when there is none to join, -1 when a digit stands on
 * either side (WB11, WB12), which the general path decides. */
static int apos_join(const unsigned char *s, size_t n, size_t e)
{
  size_t k = s[e] == '\'' ? 1 : s[e] == 0xE2 && quote_at(s, n, e) == 0x99 ? 3 : 0;
  if (!k || e + k >= n || !(ctab[s[e + k]] & C_ALNUM)) return 0;
  return (ctab[s[e - 1]] & ctab[s[e + k]] & C_ALPHA) ? (int)k : -1;
}

static int fast_compound(LedeTokenizer *tk, size_t i, size_t *pe)
{
  const unsigned char *s = tk->s;
  size_t n = tk->n, e = i, len = 0, cut[2 * (MAXCUT + 1)], ncut = 0;
  unsigned alpha = 0, palpha[MAXCUT + 1];
  int apos = 0;
  char *o = tk->fold;
  cut[0] = i;
  palpha[0] = 0;
  for (;;) {
    if (len + 17 > tk->fcap) {
      if (!fold_reserve(tk, len + 17)) return LEDE_ENOMEM;
      o = tk->fold;
    }
    size_t k;
    if (n - e >= 16) k = alnum16(s + e, o + len, &palpha[ncut]);
    else for (k = 0; e + k < n && (ctab[s[e + k]] & C_ALNUM); k++) {
      palpha[ncut] |= ctab[s[e + k]] & C_ALPHA;
      o[len + k] = (char)lower_tab[s[e + k]];
    }
    e += k; len += k;
    if (k == 16) continue;
    if (e == n || (ctab[s[e]] & C_WEND)) break;
    if (s[e] == '-' && e + 1 < n && (ctab[s[e + 1]] & C_ALNUM) && ncut < MAXCUT) {
      alpha |= palpha[ncut];
      cut[2 * ncut + 1] = e;
      ncut++;
      cut[2 * ncut] = e + 1;
      palpha[ncut] = 0;
      o[len++] = '-';
      e++;
      continue;
    }
    int a = apos_join(s, n, e);
    if (a < 0) return 0;
    if (a) {
      o[len++] = '\'';
      e += (size_t)a;
      apos = 1;
      continue;
    }
    if (!word_ends(s, n, i, e)) return 0;
    break;
  }
  *pe = e;
  alpha |= palpha[ncut];
  cut[2 * ncut + 1] = e;
  LedeTokenKind kind = alpha ? LEDE_TOK_WORD : LEDE_TOK_NUMBER;
  int rc;
  if (tk->opts & LEDE_TOK_SPANS) {
    rc = emit(tk, "", 0, i, e, kind, ncut ? LEDE_TOKF_COMPOUND : 0, tk->pos);
  } else {
    if (kind == LEDE_TOK_NUMBER) len = fold_number(o, len);
    else if (apos) len = drop_possessive(o, len);
    o[len] = 0;
    rc = emit(tk, o, len, i, e, kind, ncut ? LEDE_TOKF_COMPOUND : 0, tk->pos);
  }
  if (rc || ncut) return rc ? rc : fast_parts(tk, cut, palpha, ncut + 1);
  tk->last_a = i; tk->last_b = e; tk->last_lazy = 1;
  tk->pos++;
  return 0;
}

/* A number s[i..e) of digits (and separators) before ":": a time such as
 * "13:56" when number_ext() takes it on, as do_word() would. */
static int fast_time(LedeTokenizer *tk, size_t i, size_t e, size_t *pe)
{
  const unsigned char *s = tk->s;
  size_t n = tk->n, b = number_ext(s, n, i, e);
  if (b == e || (b < n && (s[b] == '-' || (s[b] == 0xE2 && n - b >= 3 && s[b + 1] == 0x80
                                           && (s[b + 2] == 0x90 || s[b + 2] == 0x91)))))
    return 0;                              /* no time, or a compound */
  *pe = b;
  if (tk->opts & LEDE_TOK_SPANS) return emit(tk, "", 0, i, b, LEDE_TOK_NUMBER, 0, tk->pos++);
  if (!fold_reserve(tk, b - i + 1)) return LEDE_ENOMEM;
  char *o = tk->fold;
  memcpy(o, s + i, b - i);
  size_t len = fold_number(o, b - i);
  o[len] = 0;
  int rc = emit(tk, o, len, i, b, LEDE_TOK_NUMBER, 0, tk->pos++);
  remember(tk, o, len);
  return rc;
}

/* The plain word at s[i]: ASCII letters and digits, with apostrophes (' or
 * ’) between letters, or a compound of such words joined by "-".  Reports
 * it and sets *pe past it; *pe = 0 when the general path must decide. */
static int fast_word(LedeTokenizer *tk, size_t i, size_t *pe)
{
  const unsigned char *s = tk->s;
  size_t n = tk->n, e = i, len = 0;
  unsigned c = s[i], alpha = 0;
  int apos = 0, sep = 0;
  *pe = 0;
  if (i + 1 < n && (((c | 32) == 'h' && (s[i + 1] | 32) == 't')
                    || ((c | 32) == 'w' && (s[i + 1] | 32) == 'w')))
    return 0;                              /* maybe a URL */
  char *o = tk->fold;
  for (;;) {
    if (len + 17 > tk->fcap) {
      if (!fold_reserve(tk, len + 17)) return LEDE_ENOMEM;
      o = tk->fold;
    }
    size_t k;
    if (n - e >= 16) k = alnum16(s + e, o + len, &alpha);
    else for (k = 0; e + k < n && (ctab[s[e + k]] & C_ALNUM); k++) {
      alpha |= ctab[s[e + k]] & C_ALPHA;
      o[len + k] = (char)lower_tab[s[e + k]];
    }
    e += k; len += k;
    if (k == 16) continue;
    if (e == n || (ctab[s[e]] & C_WEND)) break;
    if (s[e] == '-') return fast_compound(tk, i, pe);
    if ((s[e] == '.' || s[e] == ',') && e + 1 < n && (ctab[s[e + 1]] & ctab[s[e - 1]] & C_ALNUM)
        && !(ctab[s[e + 1]] & C_ALPHA) && !(ctab[s[e - 1]] & C_ALPHA)) {
      o[len++] = (char)s[e++];             /* 1.5, 100,000: WB11, WB12 */
      sep = 1;
      continue;
    }
    if (s[e] == ':' && !alpha) return fast_time(tk, i, e, pe);
    int a = apos_join(s, n, e);
    if (a < 0) return 0;
    if (a) {
      o[len++] = '\'';
      e += (size_t)a;
      apos = 1;
      continue;
    }
    if (!word_ends(s, n, i, e)) return 0;
    break;
  }
  *pe = e;
  LedeTokenKind kind = alpha ? LEDE_TOK_WORD : LEDE_TOK_NUMBER;
  tk->last_a = i; tk->last_b = e; tk->last_lazy = 1;
  if (tk->opts & LEDE_TOK_SPANS) return emit(tk, "", 0, i, e, kind, 0, tk->pos++);
  if (apos) len = drop_possessive(o, len);
  else if (sep && kind == LEDE_TOK_NUMBER) len = fold_number(o, len);
  o[len] = 0;
  if (!sep) return emit(tk, o, len, i, e, kind, 0, tk->pos++);
  int rc = emit(tk, o, len, i, e, kind, 0, tk->pos++);
  remember(tk, o, len);                    /* the term, not the bytes, as "100000" */
  return rc;
}

/* Punctuation s[a..b) with the given term; sterm for ! and ?. */
static int fast_punct(LedeTokenizer *tk, size_t a, size_t b, const char *term,
                      size_t len, LedeTokenKind kind, int sterm)
{
  if (tk->opts & LEDE_TOK_SPANS) return emit(tk, "", 0, a, b, kind, LEDE_TOKF_NOPOS, tk->pos);
  int rc = emit(tk, term, len, a, b, kind, LEDE_TOKF_NOPOS, tk->pos);
  if (rc) return rc;
  if (sterm || (term[0] == '.' && period_ends(tk, tk->s, tk->n, a))) {
    tk->sent_end = 1; tk->space_after_end = 0;
  }
  return 0;
}

#ifdef __SSE2__
/* The classes of the 64 bytes at p as bit masks (bit k for p[k]): ASCII
 * letters and digits, letters, spaces, line feeds; and the bytes folded to
 * lower case into o. */
typedef struct Block { uint64_t alnum, alpha, sp, nl; } Block;

static inline void classify64(const unsigned char *p, char *o, Block *b)
{
  b->alnum = b->alpha = b->sp = b->nl = 0;
  for (int q = 0; q < 64; q += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + q));
    __m128i lo = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i al = _mm_and_si128(_mm_cmpgt_epi8(lo, _mm_set1_epi8('a' - 1)),
                               _mm_cmplt_epi8(lo, _mm_set1_epi8('z' + 1)));
    __m128i dg = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                               _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    __m128i up = _mm_and_si128(al, _mm_cmplt_epi8(v, _mm_set1_epi8('Z' + 1)));
    _mm_storeu_si128((__m128i *)(void *)(o + q), _mm_or_si128(v, _mm_and_si128(up, _mm_set1_epi8(0x20))));
    b->alpha |= (uint64_t)(unsigned)_mm_movemask_epi8(al) << q;
    b->alnum |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(al, dg)) << q;
    b->sp |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(' '))) << q;
    b->nl |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))) << q;
  }
}

/* The commonest tokens of the 64 bytes at s[*pi], straight from bit masks:
 * runs of spaces and line feeds, and plain words (ASCII letters and digits)
 * that a space or line feed ends, or a "," or "." and then one; each is
 * what fast_word() and fast_punct() would report (no URL or e-mail address
 * starts with a word that a space ends).  Stops at anything else,
 * moving *pi past what it reported; *more is nonzero when it stopped at
 * the block's end rather than at a token it leaves to the caller. */
static int fast_block(LedeTokenizer *tk, size_t *pi, int *more)
{
  const unsigned char *p = tk->s + *pi;
  char *o = tk->blk;
  Block b;
  classify64(p, o, &b);
  uint64_t blank = b.sp | b.nl;
  int spans = tk->opts & LEDE_TOK_SPANS, rc = 0;
  unsigned off = 0;
  *more = 0;
  for (;;) {
    uint64_t rest = ~blank >> off;
    unsigned skip = rest ? (unsigned)__builtin_ctzll(rest) : 64 - off;
    if (skip) {
      uint64_t run = (skip == 64 ? ~0ull : ((1ull << skip) - 1)) << off;
      if (b.nl & run) { tk->sent_end = 1; tk->space_after_end = 1; }
      else if (tk->sent_end) tk->space_after_end = 1;
      off += skip;
      if (off == 64) { *more = 1; break; }
    }
    uint64_t w = ~b.alnum >> off;
    if (!(b.alnum >> off & 1) || !w) { *more = !w && off; break; }
    unsigned end = off + (unsigned)__builtin_ctzll(w), d = p[end];
    int punct = (d == ',' || d == '.') && end < 63 && (blank >> (end + 1) & 1);
    if (!(blank >> end & 1) && !punct) break;
    uint64_t word = ((1ull << (end - off)) - 1) << off;
    LedeTokenKind kind = b.alpha & word ? LEDE_TOK_WORD : LEDE_TOK_NUMBER;
    size_t a = *pi + off;
    o[end] = 0;
    tk->last_a = a; tk->last_b = *pi + end; tk->last_lazy = 1;
    rc = emit(tk, spans ? "" : o + off, spans ? 0 : end - off, a, *pi + end, kind, 0, tk->pos++);
    off = end;
    if (rc) break;
    if (punct) {
      rc = fast_punct(tk, *pi + end, *pi + end + 1, one_tab[d], 1, LEDE_TOK_PUNCT, 0);
      off++;
      if (rc) break;
    }
  }
  *pi += off;
  return rc;
}
#endif

static int tokenize_fast(LedeTokenizer *tk)
{
  const unsigned char *s = tk->s;
  size_t n = tk->n, i = 0, e;
  int rc = 0;
  while (i < n && !rc) {
#ifdef __SSE2__
    if (n - i >= 64) {
      int more;
      rc = fast_block(tk, &i, &more);
      if (rc || more) continue;
    }
#endif
    unsigned c = s[i], cl = ctab[c], q;
    if (cl & C_BLANK) { if (tk->sent_end) tk->space_after_end = 1; i++; continue; }
    if (cl & C_NL) { tk->sent_end = 1; tk->space_after_end = 1; i++; continue; }
    if (cl & C_ALNUM) {
      rc = fast_word(tk, i, &e);
      if (e) { i = e; continue; }
    } else if ((cl & C_PUNCT) && (i + 1 == n || s[i + 1] < 0x80 || quote_at(s, n, i + 1))
               && !((cl & C_MAILP) && mail_at(s, n, i))) {
      rc = fast_punct(tk, i, i + 1, one_tab[c], 1,
                      ascii_tab[c] & A_PUNCT ? LEDE_TOK_PUNCT : LEDE_TOK_SYMBOL, cl & C_STERM);
      i++;
      continue;
    } else if ((q = quote_at(s, n, i))
               && (i + 3 == n || s[i + 3] < 0x80 || quote_at(s, n, i + 3))) {
      static const char *const qterm[] = {"\xe2\x80\x93", "\xe2\x80\x94", "'",
                                          "\xe2\x80\x9c", "\xe2\x80\x9d"};
      const char *t = qterm[q < 0x95 ? q - 0x93 : q == 0x99 ? 2 : q - 0x99];
      rc = fast_punct(tk, i, i + 3, t, strlen(t), LEDE_TOK_PUNCT, 0);
      i += 3;
      continue;
    }
    rc = step(tk, &i);
  }
  return rc;
}

int lede_tokenize(LedeTokenizer *tk, const char *text, size_t n, LedeTokenFn fn, void *ud)
{
  tk->fn = fn; tk->ud = ud;
  tk->s = (const unsigned char *)text; tk->n = n;
  tk->pos = tk->sentence = 0;
  tk->sent_used = tk->sent_end = tk->space_after_end = 0;
  tk->lastn = 0;
  tk->last_lazy = 0;
  if (tk->opts & LEDE_TOK_UAX29) return tokenize_raw(tk);
  if (!(tk->opts & LEDE_TOK_SLOWPATH)) return tokenize_fast(tk);
  int rc = 0;
  for (size_t i = 0; i < n && !rc;) rc = step(tk, &i);
  return rc;
}

/* ------------------------------------------------------------ stemming */

struct LedeStemmer { struct sb_stemmer *sb; };

LedeStemmer *lede_stemmer_new(const char *lang)
{
  static const char *const map[][2] = {
    {"en", "english"}, {"ru", "russian"}, {"de", "german"}, {"fr", "french"},
    {"es", "spanish"}, {"uk", "ukrainian"}, {"it", "italian"}, {"pt", "portuguese"},
    {"nl", "dutch"}, {"pl", "polish"}
  };
  if (!lang) return NULL;
  const char *algo = lang;
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (!strcmp(map[i][0], lang)) algo = map[i][1];
  struct sb_stemmer *sb = sb_stemmer_new(algo, "UTF_8");
  if (!sb) return NULL;                /* e.g. no Ukrainian in libstemmer 2.2 */
  LedeStemmer *st = malloc(sizeof *st);
  if (!st) { sb_stemmer_delete(sb); return NULL; }
  st->sb = sb;
  return st;
}

void lede_stemmer_free(LedeStemmer *st)
{
  if (!st) return;
  sb_stemmer_delete(st->sb);
  free(st);
}

const char *lede_stem(LedeStemmer *st, const char *word, size_t len, size_t *outlen)
{
  const sb_symbol *r = st ? sb_stemmer_stem(st->sb, (const sb_symbol *)word, (int)len) : NULL;
  if (!r) { *outlen = len; return word; }
  *outlen = (size_t)sb_stemmer_length(st->sb);
  return (const char *)r;
}
