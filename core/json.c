/*
 * json.c -- one JSON object per JSON Lines record, and JSON string output.
 *
 * Top-level string values are decoded (escapes, surrogate pairs; invalid
 * UTF-8 and lone surrogates become U+FFFD); numbers, booleans, null,
 * arrays and objects are kept as their raw JSON text, which is what the
 * loader stores in a document's metadata.  The object's memory is reused
 * from record to record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "lede_int.h"

#define MAX_DEPTH 256

typedef struct P {
  const unsigned char *s, *p, *end;
  char *err;
  size_t errlen;
  int failed;
} P;

static void perr(P *p, const char *what, const unsigned char *at)
{
  if (p->failed) return;
  p->failed = 1;
  snprintf(p->err, p->errlen, "%s at column %zu", what, (size_t)(at - p->s) + 1);
}

static void ws(P *p)
{
  while (p->p < p->end && (*p->p == ' ' || *p->p == '\t' || *p->p == '\r' || *p->p == '\n')) p->p++;
}

static int hex4(const unsigned char *q, const unsigned char *end, uint32_t *v)
{
  if (end - q < 4) return 0;
  *v = 0;
  for (int i = 0; i < 4; i++) {
    unsigned c = q[i];
    *v <<= 4;
    if (c >= '0' && c <= '9') *v |= c - '0';
    else if (c >= 'a' && c <= 'f') *v |= c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') *v |= c - 'A' + 10;
    else return 0;
  }
  return 1;
}

/* Length of a valid UTF-8 sequence at q, or 0. */
static size_t utf8_seq(const unsigned char *q, const unsigned char *end)
{
  unsigned c = q[0];
  size_t n = c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
  if (!n || (size_t)(end - q) < n) return 0;
  for (size_t i = 1; i < n; i++) if ((q[i] & 0xC0) != 0x80) return 0;
  if (c == 0xE0 && q[1] < 0xA0) return 0;
  if (c == 0xED && q[1] > 0x9F) return 0;
  if (c == 0xF0 && q[1] < 0x90) return 0;
  if (c == 0xF4 && q[1] > 0x8F) return 0;
  return n;
}

/* lede_buf_add without the call while the buffer has room, as it
 * nearly always has (string() reserves the rest of the line): a news
 * text's string breaks for an escape every 150 bytes or so. */
static inline void put(LedeBuf *b, const void *s, size_t n)
{
  if (b->n + n < b->cap) {
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
  } else {
    lede_buf_add(b, s, n);
  }
}

static int escape(P *p, LedeBuf *b)
{
  const unsigned char *at = p->p - 1;
  if (p->p >= p->end) { perr(p, "unterminated escape", at); return 0; }
  unsigned char c = *p->p++;
  char to;
  switch (c) {
  case '"': case '\\': case '/': to = (char)c; break;
  case 'b': to = '\b'; break;
  case 'f': to = '\f'; break;
  case 'n': to = '\n'; break;
  case 'r': to = '\r'; break;
  case 't': to = '\t'; break;
  default: to = 0;
  }
  if (to) { put(b, &to, 1); return 1; }
  if (c != 'u') { perr(p, "invalid escape", at); return 0; }
  uint32_t v, lo;
  if (!hex4(p->p, p->end, &v)) { perr(p, "expected four hex digits after \\u", at); return 0; }
  p->p += 4;
  if (v >= 0xD800 && v < 0xDC00 && p->end - p->p >= 6 && p->p[0] == '\\' && p->p[1] == 'u'
      && hex4(p->p + 2, p->end, &lo) && lo >= 0xDC00 && lo < 0xE000) {
    p->p += 6;
    v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
  } else if (v >= 0xD800 && v < 0xE000) {
    v = 0xFFFD;
  }
  lede_buf_addcp(b, v);
  return 1;
}

/* The end of the run at q that a string copies as it is: printable ASCII
 * and well-formed UTF-8, up to a quote, a backslash or a bad byte. */
static const unsigned char *plain_run(const unsigned char *q, const unsigned char *end)
{
  const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
  while (q < end) {
    uint64_t w, x, y;
#ifdef __SSE2__
    /* sixteen at a time: the first byte that is not plain ASCII (a
     * multi-byte character, often in news text, is checked below and the
     * scan goes on after it) */
    while (end - q >= 16) {
      __m128i v = _mm_loadu_si128((const __m128i *)q);
      __m128i ctl = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F));
      __m128i quo = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
      __m128i bsl = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
      unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(ctl, v), _mm_or_si128(quo, bsl)));
      if (m) { q += __builtin_ctz(m); goto one; }
      q += 16;
    }
#endif
    /* eight bytes at a time while all are plain ASCII */
    while (end - q >= 8) {
      memcpy(&w, q, 8);
      x = w ^ (ones * '"');
      y = w ^ (ones * '\\');
      if ((w | ((w - ones * 0x20) & ~w) | ((x - ones) & ~x) | ((y - ones) & ~y)) & high) break;
      q += 8;
    }
    if (q == end) break;
#ifdef __SSE2__
  one:;
#endif
    unsigned c = *q;
    if (c < 0x80) {
      if (c == '"' || c == '\\' || c < 0x20) break;
      q++;
      continue;
    }
    size_t n = utf8_seq(q, end);
    if (!n) break;
    q += n;
  }
  return q;
}

/* A string at p->p (after its opening quote) decoded into b. */
static int string(P *p, LedeBuf *b)
{
  const unsigned char *open = p->p - 1;
  /* decoded text is never longer than the rest of the line */
  if (!lede_buf_reserve(b, (size_t)(p->end - p->p))) { perr(p, "out of memory", p->p); return 0; }
  while (p->p < p->end) {
    const unsigned char *q = plain_run(p->p, p->end);
    put(b, p->p, (size_t)(q - p->p));
    p->p = q;
    if (q == p->end) break;
    unsigned char c = *q;
    if (c == '"') { p->p++; return !b->oom; }
    if (c == '\\') { p->p++; if (!escape(p, b)) return 0; continue; }
    if (c < 0x20) { perr(p, "control character in string", q); return 0; }
    lede_buf_addcp(b, 0xFFFD);
    p->p++;
  }
  perr(p, "unterminated string starting", open);
  return 0;
}

static int skip_value(P *p, int depth);

static int skip_string(P *p)
{
  const unsigned char *open = p->p++;
  while (p->p < p->end && *p->p != '"') {
    if (*p->p == '\\') p->p++;
    p->p++;
  }
  if (p->p >= p->end) { perr(p, "unterminated string starting", open); return 0; }
  p->p++;
  return 1;
}

static int skip_container(P *p, int depth, char close)
{
  const unsigned char *open = p->p++;
  if (depth > MAX_DEPTH) { perr(p, "nesting too deep", open); return 0; }
  ws(p);
  if (p->p < p->end && *p->p == close) { p->p++; return 1; }
  for (;;) {
    ws(p);
    if (close == '}') {
      if (p->p >= p->end || *p->p != '"') { perr(p, "expected a string key", p->p); return 0; }
      if (!skip_string(p)) return 0;
      ws(p);
      if (p->p >= p->end || *p->p != ':') { perr(p, "expected ':' after key", p->p); return 0; }
      p->p++;
    }
    if (!skip_value(p, depth + 1)) return 0;
    ws(p);
    if (p->p < p->end && *p->p == ',') { p->p++; continue; }
    if (p->p < p->end && *p->p == close) { p->p++; return 1; }
    perr(p, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'", p->p);
    return 0;
  }
}

static int skip_literal(P *p, const char *lit)
{
  size_t n = strlen(lit);
  if ((size_t)(p->end - p->p) < n || memcmp(p->p, lit, n) != 0) { perr(p, "expected a value", p->p); return 0; }
  p->p += n;
  return 1;
}

static int skip_number(P *p)
{
  const unsigned char *q = p->p;
  if (q < p->end && *q == '-') q++;
  if (q >= p->end || *q < '0' || *q > '9') { perr(p, "expected a value", p->p); return 0; }
  if (*q == '0') q++; else while (q < p->end && *q >= '0' && *q <= '9') q++;
  if (q < p->end && *q == '.') {
    q++;
    if (q >= p->end || *q < '0' || *q > '9') { perr(p, "expected a digit", q); return 0; }
    while (q < p->end && *q >= '0' && *q <= '9') q++;
  }
  if (q < p->end && (*q == 'e' || *q == 'E')) {
    q++;
    if (q < p->end && (*q == '+' || *q == '-')) q++;
    if (q >= p->end || *q < '0' || *q > '9') { perr(p, "expected a digit", q); return 0; }
    while (q < p->end && *q >= '0' && *q <= '9') q++;
  }
  p->p = q;
  return 1;
}

static int skip_value(P *p, int depth)
{
  ws(p);
  if (p->p >= p->end) { perr(p, "expected a value", p->p); return 0; }
  switch (*p->p) {
  case '"': return skip_string(p);
  case '{': return skip_container(p, depth, '}');
  case '[': return skip_container(p, depth, ']');
  case 't': return skip_literal(p, "true");
  case 'f': return skip_literal(p, "false");
  case 'n': return skip_literal(p, "null");
  default: return skip_number(p);
  }
}

static LedeJsonField *new_field(LedeJsonObj *o)
{
  if (o->n == o->cap) {
    size_t cap = o->cap ? o->cap * 2 : 16;
    LedeJsonField *f = realloc(o->f, cap * sizeof *f);
    if (!f) return NULL;
    memset(f + o->cap, 0, (cap - o->cap) * sizeof *f);
    o->f = f;
    o->cap = cap;
  }
  return &o->f[o->n++];
}

/* Keep a field's buffers for reuse: key and val live in one malloc'd
 * block each, grown as needed. */
static int set_text(char **dst, const char *src, size_t n)
{
  char *p = realloc(*dst, n + 1);
  if (!p) return 0;
  memcpy(p, src, n);
  p[n] = '\0';
  *dst = p;
  return 1;
}

static int member(P *p, LedeJsonObj *o, LedeBuf *tmp)
{
  ws(p);
  if (p->p >= p->end || *p->p != '"') { perr(p, "expected a string key", p->p); return 0; }
  p->p++;
  tmp->n = 0;
  if (!string(p, tmp)) return 0;
  LedeJsonField *f = new_field(o);
  if (!f || !set_text(&f->key, tmp->p ? tmp->p : "", tmp->n)) { perr(p, "out of memory", p->p); return 0; }
  ws(p);
  if (p->p >= p->end || *p->p != ':') { perr(p, "expected ':' after key", p->p); return 0; }
  p->p++;
  ws(p);
  if (p->p < p->end && *p->p == '"') {
    p->p++;
    tmp->n = 0;
    if (!string(p, tmp)) return 0;
    f->type = LEDE_JSON_STRING;
    f->len = tmp->n;
    return set_text(&f->val, tmp->p ? tmp->p : "", tmp->n) || (perr(p, "out of memory", p->p), 0);
  }
  const unsigned char *start = p->p;
  if (!skip_value(p, 1)) return 0;
  unsigned c = *start;
  f->type = c == '{' ? LEDE_JSON_OBJECT : c == '[' ? LEDE_JSON_ARRAY : c == 't' || c == 'f' ? LEDE_JSON_BOOL
          : c == 'n' ? LEDE_JSON_NULL : LEDE_JSON_NUMBER;
  f->len = (size_t)(p->p - start);
  return set_text(&f->val, (const char *)start, f->len) || (perr(p, "out of memory", p->p), 0);
}

int lede_json_parse(const char *s, size_t n, LedeJsonObj *o, char *err, size_t errlen)
{
  char dummy[8];
  P p = {(const unsigned char *)s, (const unsigned char *)s, (const unsigned char *)s + n,
         err ? err : dummy, err ? errlen : sizeof dummy, 0};
  o->n = 0;
  LedeBuf *tmp = &o->tmp;
  tmp->oom = 0;
  ws(&p);
  if (p.p >= p.end || *p.p != '{') perr(&p, "expected '{'", p.p);
  else {
    p.p++;
    ws(&p);
    if (p.p < p.end && *p.p == '}') p.p++;
    else {
      while (member(&p, o, tmp)) {
        ws(&p);
        if (p.p < p.end && *p.p == ',') { p.p++; continue; }
        if (p.p < p.end && *p.p == '}') { p.p++; break; }
        perr(&p, "expected ',' or '}'", p.p);
        break;
      }
    }
    ws(&p);
    if (!p.failed && p.p < p.end) perr(&p, "trailing characters after object", p.p);
  }
  return p.failed ? LEDE_EFORMAT : LEDE_OK;
}

void lede_json_obj_free(LedeJsonObj *o)
{
  for (size_t i = 0; i < o->cap; i++) { free(o->f[i].key); free(o->f[i].val); }
  free(o->f);
  lede_buf_free(&o->tmp);
  memset(o, 0, sizeof *o);
}

const LedeJsonField *lede_json_get(const LedeJsonObj *o, const char *key)
{
  for (size_t i = 0; i < o->n; i++) if (strcmp(o->f[i].key, key) == 0) return &o->f[i];
  return NULL;
}

void lede_json_quote(LedeBuf *b, const char *s, size_t n)
{
  lede_buf_addc(b, '"');
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    lede_buf_add(b, s + run, i - run);
    run = i + 1;
    switch (c) {
    case '"': lede_buf_adds(b, "\\\""); break;
    case '\\': lede_buf_adds(b, "\\\\"); break;
    case '\n': lede_buf_adds(b, "\\n"); break;
    case '\t': lede_buf_adds(b, "\\t"); break;
    case '\r': lede_buf_adds(b, "\\r"); break;
    default: lede_buf_printf(b, "\\u%04x", c);
    }
  }
  lede_buf_add(b, s + run, n - run);
  lede_buf_addc(b, '"');
}
