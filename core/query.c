/*
 * query.c -- the query language parser (the language is described in
 * include/lede/query.h).
 *
 * A hand-written recursive descent parser over a lexer that reads one
 * token ahead.  One function per precedence level, loosest first:
 *
 *   query   := or END
 *   or      := and (OR and)*
 *   and     := near ([AND] near)*          implicit AND between operands
 *   near    := unary | proximity
 *   unary   := (NOT | '-') proximity
 *   proximity := primary (PROX unary)* WITHIN*
 *   primary := term | prefix | phrase | regex | alias | field | date
 *            | '(' or ')'
 *
 * All state lives in a Parser on the caller's stack, so parsing is
 * reentrant.  Errors are sticky: the first fail() records the message and
 * every later one is ignored, so a lexer error deep in a token simply
 * surfaces as the message, however the grammar then unwinds.  Every parse
 * function returns NULL once an error is set and owns (frees) whatever it
 * built.  Recursion happens only at '(' and is capped by QUERY_MAX_DEPTH.
 *
 * Columns are characters, not bytes.  A query may hold tens of thousands
 * of tokens, so the column of a byte offset is found by counting forward
 * from the last one asked for (tokens are asked for in order), never from
 * the start each time.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "lede_int.h"
#include "lede/query.h"

#define QUERY_MAX_BYTES 65536
#define QUERY_MAX_DEPTH 100
#define NEAR_DEFAULT    10
#define NEAR_MAX        100000
#define ECHO_WIDTH      76     /* characters of the query shown in errors */

typedef enum TokType {
  T_ERR,      /* the lexer failed; the message is already set */
  T_END, T_LPAREN, T_RPAREN, T_MINUS, T_AND, T_OR, T_NOT, T_PROX, T_WITHIN,
  T_TERM, T_PREFIX, T_PHRASE, T_REGEX, T_ALIAS, T_FIELD, T_DATE
} TokType;

typedef struct Tok {
  TokType type;
  size_t pos, end;     /* the token's bytes */
  size_t vpos, vend;   /* its value: term, phrase contents, pattern, name,
                          field value */
  size_t kend;         /* T_FIELD, T_DATE: the key is [pos, kend) */
  int dist, ordered;   /* T_PROX */
  int flag;            /* T_REGEX: nocase; T_FIELD: prefix */
  int builtin;         /* T_FIELD: a built-in key, to be lower-cased */
} Tok;

typedef struct Parser {
  const char *q;
  size_t n;
  size_t at;            /* where the lexer reads next */
  size_t last_end;      /* end of the previous token: where END is shown */
  Tok tok;              /* the current token */
  size_t cbyte;         /* column cache: byte cbyte is at column ccol */
  int ccol;
  int depth;
  int rc;
  char *err;
} Parser;

typedef struct Vec {
  LedeQuery **v;
  size_t n, cap;
} Vec;

/**************************************************************************
** UTF-8 and character classes.
*/

/* Decode one UTF-8 sequence at s[0..n) (n >= 1) into *cp; returns its
 * length, or 0 when it is not valid UTF-8 (overlong, surrogate, past
 * U+10FFFF, truncated). */
static size_t u8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
  uint32_t c = s[0], min;
  size_t len;
  if (c < 0x80) { *cp = c; return 1; }
  if (c >= 0xC2 && c <= 0xDF) { len = 2; c &= 0x1F; min = 0x80; }
  else if (c >= 0xE0 && c <= 0xEF) { len = 3; c &= 0x0F; min = 0x800; }
  else if (c >= 0xF0 && c <= 0xF4) { len = 4; c &= 0x07; min = 0x10000; }
  else return 0;
  if (n < len) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    c = (c << 6) | (s[i] & 0x3F);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
  *cp = c;
  return len;
}

/* Like u8_decode, but an invalid byte is one character U+FFFD, so that
 * columns and the echoed query agree even on broken input. */
static size_t u8_next(const char *s, size_t n, uint32_t *cp)
{
  size_t len = u8_decode((const unsigned char *)s, n, cp);
  if (len) return len;
  *cp = 0xFFFD;
  return 1;
}

/* Unicode White_Space, and the invisible zero width space, word joiner and
 * byte order mark: text pasted from web pages brings all of them. */
static int is_space(uint32_t c)
{
  return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200B) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x2060 ||
         c == 0x3000 || c == 0xFEFF;
}

static int is_quote(uint32_t c)
{
  return c == '"' || c == 0x201C || c == 0x201D || c == 0x201E ||
         c == 0x201F || c == 0xAB || c == 0xBB;
}

static int is_control(uint32_t c)
{
  return (c < 0x20 || (c >= 0x7F && c < 0xA0)) && !is_space(c);
}

/* The quote a user would type to close a phrase opened with c. */
static const char *closer_for(uint32_t c)
{
  switch (c) {
  case 0x201C: return "\xE2\x80\x9D";          /* “ -> ” */
  case 0x201D: return "\xE2\x80\x9D";          /* ” -> ” */
  case 0x201E: return "\xE2\x80\x9C";          /* „ -> “ */
  case 0x201F: return "\xE2\x80\x9D";          /* ‟ -> ” */
  case 0xAB:   return "\xC2\xBB";              /* « -> » */
  case 0xBB:   return "\xC2\xAB";              /* » -> « */
  default:     return "\"";
  }
}

/* The character at byte off of the query (0 past the end). */
static uint32_t char_at(const Parser *p, size_t off, size_t *len)
{
  uint32_t cp = 0;
  size_t l = 0;
  if (off < p->n) l = u8_next(p->q + off, p->n - off, &cp);
  if (len) *len = l;
  return cp;
}

static int is_break(const Parser *p, size_t off)
{
  uint32_t c = char_at(p, off, NULL);
  return off >= p->n || is_space(c) || is_quote(c) || c == '(' || c == ')';
}

/* End of the run of word characters starting at off. */
static size_t word_end(const Parser *p, size_t off)
{
  size_t len;
  while (!is_break(p, off)) {
    char_at(p, off, &len);
    off += len;
  }
  return off;
}

static size_t skip_space(const Parser *p, size_t off)
{
  size_t len;
  while (off < p->n && is_space(char_at(p, off, &len))) off += len;
  return off;
}

static int span_is(const Parser *p, size_t a, size_t b, const char *s)
{
  return b - a == strlen(s) && memcmp(p->q + a, s, b - a) == 0;
}

/**************************************************************************
** Columns and error messages.
*/

static int column_of(Parser *p, size_t off)
{
  uint32_t cp;
  if (off < p->cbyte) { p->cbyte = 0; p->ccol = 1; }
  while (p->cbyte < off && p->cbyte < p->n) {
    p->cbyte += u8_next(p->q + p->cbyte, p->n - p->cbyte, &cp);
    p->ccol++;
  }
  return p->ccol;
}

static void buf_vprintf(LedeBuf *b, const char *fmt, va_list ap)
{
  va_list ap2;
  va_copy(ap2, ap);
  int len = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (len < 0 || !lede_buf_reserve(b, (size_t)len)) return;
  vsnprintf(b->p + b->n, (size_t)len + 1, fmt, ap);
  b->n += (size_t)len;
}

/* Append characters [first, last) of the query, whitespace shown as a
 * space and anything unprintable as U+FFFD, so that one character is one
 * column. */
static void echo_chars(LedeBuf *b, const Parser *p, size_t first,
                       size_t last)
{
  size_t off = 0, i = 0, len;
  uint32_t cp;
  while (off < p->n && i < last) {
    len = u8_next(p->q + off, p->n - off, &cp);
    if (i >= first) {
      if (is_space(cp)) lede_buf_addc(b, ' ');
      else if (is_control(cp) || cp == 0xFFFD) lede_buf_addcp(b, 0xFFFD);
      else lede_buf_add(b, p->q + off, len);
    }
    off += len;
    i++;
  }
}

/* The query and a caret under column col, windowed when long. */
static void echo(LedeBuf *b, Parser *p, int col)
{
  size_t total = (size_t)column_of(p, p->n) - 1;
  size_t c = (size_t)col - 1, first = 0, last = total, pad;
  if (total > ECHO_WIDTH) {
    first = c > ECHO_WIDTH / 2 ? c - ECHO_WIDTH / 2 : 0;
    last = first + ECHO_WIDTH;
    if (last > total) { last = total; first = total - ECHO_WIDTH; }
  }
  lede_buf_adds(b, first ? "  ..." : "  ");
  echo_chars(b, p, first, last);
  if (last < total) lede_buf_adds(b, "...");
  lede_buf_adds(b, first ? "\n     " : "\n  ");
  for (pad = first; pad < c; pad++) lede_buf_addc(b, ' ');
  lede_buf_addc(b, '^');
}

static void fail_col(Parser *p, int col, const char *fmt, va_list ap)
{
  LedeBuf b = {0};
  if (p->rc) return;
  p->rc = LEDE_EFORMAT;
  buf_vprintf(&b, fmt, ap);
  lede_buf_printf(&b, " at column %d\n", col);
  echo(&b, p, col);
  p->err = lede_buf_detach(&b, NULL);
  if (!p->err) p->rc = LEDE_ENOMEM;
}

static void fail(Parser *p, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(Parser *p, size_t off, const char *fmt, ...)
{
  va_list ap;
  if (p->rc) return;
  va_start(ap, fmt);
  fail_col(p, column_of(p, off), fmt, ap);
  va_end(ap);
}

static void fail_at_col(Parser *p, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail_at_col(Parser *p, int col, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fail_col(p, col, fmt, ap);
  va_end(ap);
}

static void nomem(Parser *p)
{
  if (!p->rc) p->rc = LEDE_ENOMEM;
}

/* Reject what the lexer should never see: broken UTF-8 and control
 * characters, which would also garble the echoed query. */
static int check_text(Parser *p)
{
  size_t off = 0, len;
  uint32_t cp;
  while (off < p->n) {
    len = u8_decode((const unsigned char *)p->q + off, p->n - off, &cp);
    if (!len) {
      fail(p, off, "expected UTF-8 text, not the byte 0x%02X",
           (unsigned char)p->q[off]);
      return 0;
    }
    if (is_control(cp)) {
      fail(p, off, "expected text, not the control character U+%04X",
           (unsigned)cp);
      return 0;
    }
    off += len;
  }
  return 1;
}

/**************************************************************************
** The lexer.  lex() reads the token at p->at into p->tok.
*/

static void tok_set(Parser *p, TokType type, size_t end)
{
  p->tok.type = type;
  p->tok.end = end;
  p->at = end;
}

static void lex_error(Parser *p)
{
  p->tok.type = T_ERR;
  p->at = p->n;
}

static void lex_fail(Parser *p, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void lex_fail(Parser *p, size_t off, const char *fmt, ...)
{
  va_list ap;
  if (!p->rc) {
    va_start(ap, fmt);
    fail_col(p, column_of(p, off), fmt, ap);
    va_end(ap);
  }
  lex_error(p);
}

/* Closing quote of the quoted text opened at off; 0 when missing. */
static size_t find_closer(const Parser *p, size_t off)
{
  size_t len;
  char_at(p, off, &len);
  for (off += len; off < p->n; off += len)
    if (is_quote(char_at(p, off, &len))) return off;
  return 0;
}

static void lex_phrase(Parser *p)
{
  size_t len, close = find_closer(p, p->tok.pos);
  uint32_t open = char_at(p, p->tok.pos, &len);
  if (!close) {
    lex_fail(p, p->tok.pos, "expected '%s' to close the phrase",
             closer_for(open));
    return;
  }
  p->tok.vpos = p->tok.pos + len;
  p->tok.vend = close;
  char_at(p, close, &len);
  tok_set(p, T_PHRASE, close + len);
}

static void lex_regex(Parser *p)
{
  size_t i = p->tok.pos + 1, fend;
  while (i < p->n && p->q[i] != '/') i += p->q[i] == '\\' ? 2 : 1;
  if (i >= p->n) {
    lex_fail(p, p->tok.pos, "expected '/' to close the regex");
    return;
  }
  if (i == p->tok.pos + 1) {
    lex_fail(p, p->tok.pos, "expected a pattern between the slashes");
    return;
  }
  p->tok.vpos = p->tok.pos + 1;
  p->tok.vend = i;
  fend = word_end(p, i + 1);
  if (fend > i + 1 && !span_is(p, i + 1, fend, "i")) {
    lex_fail(p, i + 1, "expected only the flag 'i' after the regex");
    return;
  }
  p->tok.flag = fend > i + 1;
  tok_set(p, T_REGEX, fend);
}

static void lex_alias(Parser *p)
{
  size_t end = word_end(p, p->tok.pos + 1);
  if (end == p->tok.pos + 1) {
    lex_fail(p, end, "expected a name after '~'");
    return;
  }
  p->tok.vpos = p->tok.pos + 1;
  p->tok.vend = end;
  tok_set(p, T_ALIAS, end);
}

static void lex_minus(Parser *p)
{
  size_t at = p->tok.pos + 1;
  if (at >= p->n || is_space(char_at(p, at, NULL))) {
    lex_fail(p, p->tok.pos,
             "expected a term, phrase or '(' directly after '-'");
    return;
  }
  tok_set(p, T_MINUS, at);
}

/* Strip trailing stars from the value [vpos, vend); 1 when there were
 * any.  A value of stars alone is an error. */
static int strip_stars(Parser *p, const char *what)
{
  size_t e = p->tok.vend;
  while (e > p->tok.vpos && p->q[e - 1] == '*') e--;
  if (e == p->tok.vend) return 0;
  if (e == p->tok.vpos) {
    fail(p, p->tok.vpos, "expected %s before '*'", what);
    return -1;
  }
  p->tok.vend = e;
  return 1;
}

static int is_key_start(char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int is_key_char(char c)
{
  return is_key_start(c) || (c >= '0' && c <= '9') || c == '.';
}

/* End of a key followed by ':' at the start of the token, or 0. */
static size_t key_end(const Parser *p)
{
  size_t i = p->tok.pos;
  if (!is_key_start(p->q[i])) return 0;
  while (i < p->n && is_key_char(p->q[i])) i++;
  if (i >= p->n || p->q[i] != ':') return 0;
  if (i + 2 < p->n && p->q[i + 1] == '/' && p->q[i + 2] == '/') return 0;
  return i;
}

static int lex_quoted_value(Parser *p, size_t open)
{
  size_t len, close = find_closer(p, open);
  uint32_t c = char_at(p, open, &len);
  if (!close) {
    fail(p, open, "expected '%s' to close the value", closer_for(c));
    return 0;
  }
  p->tok.vpos = skip_space(p, open + len);
  p->tok.vend = close;
  while (p->tok.vend > p->tok.vpos) {
    size_t e = p->tok.vend - 1;
    while (e > p->tok.vpos && ((unsigned char)p->q[e] & 0xC0) == 0x80) e--;
    if (!is_space(char_at(p, e, NULL))) break;
    p->tok.vend = e;
  }
  if (p->tok.vend == p->tok.vpos) {
    fail(p, open, "expected a value between the quotes");
    return 0;
  }
  char_at(p, close, &len);
  p->at = close + len;
  return 1;
}

/* The built-in filters are matched in any case, so Source:rt is source:rt;
 * other keys are JSON metadata keys and keep their case. */
static int builtin_key(const Parser *p, size_t kend)
{
  static const char *const keys[] = {"source", "title", "lang", "uri", NULL};
  size_t n = kend - p->tok.pos;
  for (int i = 0; keys[i]; i++)
    if (strlen(keys[i]) == n &&
        strncasecmp(p->q + p->tok.pos, keys[i], n) == 0) return 1;
  return 0;
}

static void lex_field(Parser *p, size_t kend)
{
  size_t v = kend + 1;
  int star;
  p->tok.kend = kend;
  if (v < p->n && is_quote(char_at(p, v, NULL))) {
    if (!lex_quoted_value(p, v)) { lex_error(p); return; }
  } else {
    p->tok.vpos = v;
    p->tok.vend = p->at = word_end(p, v);
    if (p->tok.vend == v) {
      lex_fail(p, v, "expected a value after '%.*s'",
               (int)(v - p->tok.pos), p->q + p->tok.pos);
      return;
    }
  }
  if (kend - p->tok.pos == 4 &&
      strncasecmp(p->q + p->tok.pos, "date", 4) == 0) {
    tok_set(p, T_DATE, p->at);
    return;
  }
  if ((star = strip_stars(p, "a value")) < 0) { lex_error(p); return; }
  p->tok.flag = star;
  p->tok.builtin = builtin_key(p, kend);
  tok_set(p, T_FIELD, p->at);
}

/* NEAR/n, ADJ/n: the distance after the slash at off. */
static void lex_distance(Parser *p, size_t off, size_t end, int ordered)
{
  long d = 0;
  size_t i;
  for (i = off; i < end && p->q[i] >= '0' && p->q[i] <= '9'; i++)
    if ((d = d * 10 + (p->q[i] - '0')) > NEAR_MAX) break;
  if (i == off || i < end || d < 1) {
    lex_fail(p, off, "expected a distance from 1 to %d after '%.*s'",
             NEAR_MAX, (int)(off - p->tok.pos), p->q + p->tok.pos);
    return;
  }
  p->tok.dist = (int)d;
  p->tok.ordered = ordered;
  tok_set(p, T_PROX, end);
}

/* "near/5" in any case but capitals (lex_prox has taken those): an
 * operator typed in the wrong case, never a word anyone searches for. */
static int is_lower_prox(const Parser *p, size_t end)
{
  size_t i = p->tok.pos, k;
  if (end - i > 5 && strncasecmp(p->q + i, "near/", 5) == 0) k = i + 5;
  else if (end - i > 4 && strncasecmp(p->q + i, "adj/", 4) == 0) k = i + 4;
  else return 0;
  for (; k < end; k++)
    if (p->q[k] < '0' || p->q[k] > '9') return 0;
  return 1;
}

static int lex_prox(Parser *p, size_t end)
{
  size_t pos = p->tok.pos;
  if (span_is(p, pos, end, "NEAR")) {
    if (end < p->n && p->q[end] == '(') {
      lex_fail(p, pos, "expected 'a NEAR/5 b' (FTS5's NEAR(a b, 5) is not "
               "supported)");
      return 1;
    }
    p->tok.dist = NEAR_DEFAULT;
    tok_set(p, T_PROX, end);
  } else if (end - pos >= 5 && memcmp(p->q + pos, "NEAR/", 5) == 0) {
    lex_distance(p, pos + 5, end, 0);
  } else if (end - pos >= 4 && memcmp(p->q + pos, "ADJ/", 4) == 0) {
    lex_distance(p, pos + 4, end, 1);
  } else if (span_is(p, pos, end, "ADJ")) {
    lex_fail(p, end, "expected '/' and a distance after ADJ, as in ADJ/1");
  } else if (is_lower_prox(p, end)) {
    char up[24];
    size_t i, n = end - pos < sizeof up ? end - pos : sizeof up - 1;
    for (i = 0; i < n; i++)
      up[i] = (char)toupper((unsigned char)p->q[pos + i]);
    up[n] = '\0';
    lex_fail(p, pos, "expected '%s' in capitals for a proximity search", up);
  } else {
    return 0;
  }
  return 1;
}

static int is_sentence(const Parser *p, size_t a, size_t b)
{
  return span_is(p, a, b, "SENTENCE") || span_is(p, a, b, "sentence");
}

/* WITHIN SENTENCE is two words; lowercase "within" alone is a term. */
static int lex_within(Parser *p, size_t end)
{
  size_t a, b;
  int upper = span_is(p, p->tok.pos, end, "WITHIN");
  if (!upper && !span_is(p, p->tok.pos, end, "within")) return 0;
  a = skip_space(p, end);
  b = word_end(p, a);
  if (b > a && is_sentence(p, a, b)) {
    tok_set(p, T_WITHIN, b);
    return 1;
  }
  if (!upper) return 0;
  lex_fail(p, b > a ? a : end, "expected SENTENCE after WITHIN");
  return 1;
}

static int lex_keyword(Parser *p, size_t end)
{
  size_t pos = p->tok.pos;
  if (span_is(p, pos, end, "AND")) tok_set(p, T_AND, end);
  else if (span_is(p, pos, end, "OR")) tok_set(p, T_OR, end);
  else if (span_is(p, pos, end, "NOT")) tok_set(p, T_NOT, end);
  else if (span_is(p, pos, end, "&&") || span_is(p, pos, end, "||")) {
    lex_fail(p, pos, "expected %s instead of '%.*s'",
             p->q[pos] == '&' ? "AND" : "OR", 2, p->q + pos);
  } else {
    return lex_prox(p, end) || lex_within(p, end);
  }
  return 1;
}

static void lex_word(Parser *p)
{
  size_t end = word_end(p, p->tok.pos), kend = key_end(p);
  int star;
  if (kend) { lex_field(p, kend); return; }
  if (lex_keyword(p, end)) return;
  if (p->q[p->tok.pos] == '*') {
    lex_fail(p, p->tok.pos, "expected a term before '*'");
    return;
  }
  p->tok.vpos = p->tok.pos;
  p->tok.vend = end;
  if ((star = strip_stars(p, "a term")) < 0) { lex_error(p); return; }
  tok_set(p, star ? T_PREFIX : T_TERM, end);
}

static void lex(Parser *p)
{
  uint32_t c;
  if (p->tok.type != T_ERR) p->last_end = p->tok.end;
  if (p->rc) { lex_error(p); return; }
  memset(&p->tok, 0, sizeof p->tok);
  p->at = skip_space(p, p->at);
  p->tok.pos = p->at;
  if (p->at >= p->n) {
    p->tok.type = T_END;
    p->tok.pos = p->tok.end = p->last_end;
    return;
  }
  c = char_at(p, p->at, NULL);
  if (c == '(') tok_set(p, T_LPAREN, p->at + 1);
  else if (c == ')') tok_set(p, T_RPAREN, p->at + 1);
  else if (is_quote(c)) lex_phrase(p);
  else if (c == '/') lex_regex(p);
  else if (c == '~') lex_alias(p);
  else if (c == '-') lex_minus(p);
  else lex_word(p);
}

/**************************************************************************
** Nodes.
*/

static LedeQuery *node_new(Parser *p, LedeQueryKind kind, int col)
{
  LedeQuery *x = calloc(1, sizeof *x);
  if (!x) { nomem(p); return NULL; }
  x->kind = kind;
  x->column = col;
  return x;
}

void lede_query_free(LedeQuery *q)
{
  if (!q) return;
  for (size_t i = 0; i < q->nkids; i++) lede_query_free(q->kids[i]);
  free(q->kids);
  free(q->text);
  free(q->field);
  free(q->date_lo);
  free(q->date_hi);
  free(q);
}

static char *dup_span(Parser *p, size_t a, size_t b)
{
  char *s = malloc(b - a + 1);
  if (!s) { nomem(p); return NULL; }
  memcpy(s, p->q + a, b - a);
  s[b - a] = '\0';
  return s;
}

static int vec_push(Parser *p, Vec *v, LedeQuery *x)
{
  if (v->n == v->cap) {
    size_t cap = v->cap ? v->cap * 2 : 4;
    LedeQuery **nv = realloc(v->v, cap * sizeof *nv);
    if (!nv) { nomem(p); lede_query_free(x); return 0; }
    v->v = nv;
    v->cap = cap;
  }
  v->v[v->n++] = x;
  return 1;
}

static void vec_free(Vec *v)
{
  for (size_t i = 0; i < v->n; i++) lede_query_free(v->v[i]);
  free(v->v);
  v->v = NULL;
  v->n = v->cap = 0;
}

/* Move v's nodes into x's kids. */
static void adopt(LedeQuery *x, Vec *v)
{
  x->kids = v->v;
  x->nkids = v->n;
  v->v = NULL;
  v->n = v->cap = 0;
}

/* Push x, or x's kids when x is itself a `kind` node (flattening). */
static int push_flat(Parser *p, Vec *v, LedeQuery *x, LedeQueryKind kind)
{
  if (x->kind != kind) return vec_push(p, v, x);
  for (size_t i = 0; i < x->nkids; i++) {
    LedeQuery *k = x->kids[i];
    x->kids[i] = NULL;
    if (!vec_push(p, v, k)) { lede_query_free(x); return 0; }
  }
  lede_query_free(x);
  return 1;
}

/* One AND or OR node over v (flattened), or v's only node. */
static LedeQuery *make_nary(Parser *p, LedeQueryKind kind, Vec *v)
{
  Vec flat = {0};
  LedeQuery *x;
  if (v->n == 1) {
    x = v->v[0];
    v->n = 0;
    vec_free(v);
    return x;
  }
  for (size_t i = 0; i < v->n; i++) {
    LedeQuery *k = v->v[i];
    v->v[i] = NULL;
    if (!push_flat(p, &flat, k, kind)) break;
  }
  vec_free(v);
  if (p->rc || !(x = node_new(p, kind, flat.v[0]->column))) {
    vec_free(&flat);
    return NULL;
  }
  adopt(x, &flat);
  return x;
}

/* NOT(pos, neg); pos may be NULL ("all documents"). */
static LedeQuery *make_not(Parser *p, LedeQuery *pos, LedeQuery *neg,
                           int col)
{
  LedeQuery *x = node_new(p, LEDE_Q_NOT, pos ? pos->column : col);
  if (x) x->kids = calloc(2, sizeof *x->kids);
  if (!x || !x->kids) {
    nomem(p);
    free(x);
    lede_query_free(pos);
    lede_query_free(neg);
    return NULL;
  }
  x->nkids = 2;
  x->kids[0] = pos;
  x->kids[1] = neg;
  return x;
}

static int is_pure_not(const LedeQuery *x)
{
  return x->kind == LEDE_Q_NOT && !x->kids[0];
}

/**************************************************************************
** Leaves, built from the current token.
*/

static LedeQuery *leaf(Parser *p, LedeQueryKind kind, size_t a, size_t b,
                       size_t at)
{
  LedeQuery *x = node_new(p, kind, column_of(p, at));
  if (x && !(x->text = dup_span(p, a, b))) { free(x); return NULL; }
  if (x) x->prefix = kind == LEDE_Q_PREFIX;
  return x;
}

/* One item of a phrase: [a, b) without spaces. */
static LedeQuery *phrase_item(Parser *p, size_t a, size_t b)
{
  size_t e = b;
  while (e > a && p->q[e - 1] == '*') e--;
  if (e == a) {
    fail(p, a, "expected a term before '*'");
    return NULL;
  }
  return leaf(p, e < b ? LEDE_Q_PREFIX : LEDE_Q_TERM, a, e, a);
}

static LedeQuery *build_phrase(Parser *p)
{
  const Tok *t = &p->tok;
  Vec items = {0};
  size_t a = skip_space(p, t->vpos), b, len;
  LedeQuery *x = leaf(p, LEDE_Q_PHRASE, t->vpos, t->vend, t->pos), *it;
  while (x && a < t->vend) {
    for (b = a; b < t->vend && !is_space(char_at(p, b, &len)); b += len) {}
    if (!(it = phrase_item(p, a, b)) || !vec_push(p, &items, it)) break;
    a = skip_space(p, b);
  }
  if (x && !p->rc && items.n == 0)
    fail(p, t->pos, "expected a term between the quotes");
  if (!x || p->rc) {
    vec_free(&items);
    lede_query_free(x);
    return NULL;
  }
  adopt(x, &items);
  return x;
}

static LedeQuery *build_regex(Parser *p)
{
  const Tok *t = &p->tok;
  LedeQuery *x = leaf(p, LEDE_Q_REGEX, t->vpos, t->vend, t->pos);
  size_t i, j;
  if (!x) return NULL;
  /* Escapes go in pairs, as the lexer read them: in /a\\/ the slash ends
   * the regex, and /a\\\/b/ is an escaped backslash then a slash. */
  for (i = j = 0; x->text[i]; i++) {
    if (x->text[i] == '\\' && x->text[i + 1] == '/') i++;
    else if (x->text[i] == '\\' && x->text[i + 1]) x->text[j++] = x->text[i++];
    x->text[j++] = x->text[i];
  }
  x->text[j] = '\0';
  x->nocase = t->flag;
  return x;
}

static LedeQuery *build_field(Parser *p)
{
  const Tok *t = &p->tok;
  LedeQuery *x = leaf(p, LEDE_Q_FIELD, t->vpos, t->vend, t->pos);
  if (x && !(x->field = dup_span(p, t->pos, t->kend))) {
    lede_query_free(x);
    return NULL;
  }
  if (x) x->prefix = t->flag;
  for (char *k = x && t->builtin ? x->field : NULL; k && *k; k++)
    *k = (char)tolower((unsigned char)*k);
  return x;
}

/**************************************************************************
** Dates: date:YYYY[-MM[-DD]], and ranges with '..' open at either end.
*/

typedef struct Date { int y, m, d, prec; } Date;   /* prec: 1 y, 2 m, 3 d */

static int days_in(int y, int m)
{
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

static int digits(const char *s, size_t n, int *v)
{
  *v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    *v = *v * 10 + (s[i] - '0');
  }
  return 1;
}

/* Parse one date at [a, b); fails with a message pointing at a. */
static int parse_date(Parser *p, size_t a, size_t b, Date *dt)
{
  const char *s = p->q + a;
  size_t n = b - a;
  memset(dt, 0, sizeof *dt);
  if (!(n == 4 || (n == 7 && s[4] == '-') ||
        (n == 10 && s[4] == '-' && s[7] == '-')) ||
      !digits(s, 4, &dt->y) || (n > 4 && !digits(s + 5, 2, &dt->m)) ||
      (n > 7 && !digits(s + 8, 2, &dt->d))) {
    fail(p, a, "expected a date as YYYY, YYYY-MM or YYYY-MM-DD");
    return 0;
  }
  dt->prec = n == 4 ? 1 : n == 7 ? 2 : 3;
  if (n > 4 && (dt->m < 1 || dt->m > 12)) {
    fail(p, a, "expected a month from 01 to 12 in '%.*s'", (int)n, s);
    return 0;
  }
  if (n > 7 && (dt->d < 1 || dt->d > days_in(dt->y, dt->m))) {
    fail(p, a, "expected a day from 01 to %02d in '%.*s'",
         days_in(dt->y, dt->m), (int)n, s);
    return 0;
  }
  return 1;
}

/* The first (hi == 0) or last day a date of any precision covers. */
static char *date_bound(Parser *p, const Date *dt, int hi)
{
  char *s = malloc(11);
  int m = dt->prec >= 2 ? dt->m : hi ? 12 : 1;
  int d = dt->prec == 3 ? dt->d : hi ? days_in(dt->y, m) : 1;
  if (!s) { nomem(p); return NULL; }
  snprintf(s, 11, "%04d-%02d-%02d", dt->y, m, d);
  return s;
}

static size_t find_dots(const Parser *p, size_t a, size_t b)
{
  for (size_t i = a; i + 1 < b; i++)
    if (p->q[i] == '.' && p->q[i + 1] == '.') return i;
  return b;
}

/* Fill x->date_lo, date_hi from the value [a, b). */
static int date_range(Parser *p, LedeQuery *x, size_t a, size_t b)
{
  size_t dots = find_dots(p, a, b);
  size_t ra = dots < b ? dots + 2 : a;    /* where the upper date starts */
  Date lo, hi;
  if (dots < b && dots == a && ra == b) {
    fail(p, a, "expected a date before or after '..'");
    return 0;
  }
  if (dots > a && !parse_date(p, a, dots, &lo)) return 0;
  if (ra < b && !parse_date(p, ra, b, &hi)) return 0;
  if (dots > a && !(x->date_lo = date_bound(p, &lo, 0))) return 0;
  if (ra < b && !(x->date_hi = date_bound(p, &hi, 1))) return 0;
  if (x->date_lo && x->date_hi && strcmp(x->date_lo, x->date_hi) > 0) {
    fail(p, a, "expected the start of the range before its end in '%.*s'",
         (int)(b - a), p->q + a);
    return 0;
  }
  return 1;
}

static LedeQuery *build_date(Parser *p)
{
  const Tok *t = &p->tok;
  LedeQuery *x = leaf(p, LEDE_Q_DATE, t->vpos, t->vend, t->pos);
  if (!x) return NULL;
  if (!(x->field = strdup("date"))) nomem(p);
  if (p->rc || !date_range(p, x, t->vpos, t->vend)) {
    lede_query_free(x);
    return NULL;
  }
  return x;
}

/**************************************************************************
** The grammar.
*/

static LedeQuery *parse_or(Parser *p);

static int starts_operand(TokType t)
{
  return t == T_TERM || t == T_PREFIX || t == T_PHRASE || t == T_REGEX ||
         t == T_ALIAS || t == T_FIELD || t == T_DATE || t == T_LPAREN ||
         t == T_NOT || t == T_MINUS;
}

/* Where a message about the current token points: END is shown just past
 * the last character. */
static size_t tok_off(const Parser *p)
{
  return p->tok.type == T_END ? p->last_end : p->tok.pos;
}

static const char *tok_text(const Parser *p, int *len)
{
  *len = (int)(p->tok.end - p->tok.pos);
  return p->q + p->tok.pos;
}

/* An operand must follow the operator `after`. */
static int need_operand(Parser *p, const char *after)
{
  if (starts_operand(p->tok.type)) return 1;
  fail(p, tok_off(p), "expected a term, phrase or '(' after %s", after);
  return 0;
}

/* An operand must start the query (top) or a group: say what is wrong
 * with the token there. */
static int need_first(Parser *p, int top)
{
  int len;
  const char *s = tok_text(p, &len);
  switch (p->tok.type) {
  case T_END:
    if (top) fail(p, 0, "empty query: expected a term, phrase or '('");
    else fail(p, tok_off(p), "expected a term, phrase or '(' after '('");
    return 0;
  case T_RPAREN:
    if (top) fail(p, p->tok.pos, "unexpected ')'");
    else fail(p, p->tok.pos, "expected a term, phrase or '(' after '('");
    return 0;
  case T_AND: case T_OR:
    fail(p, p->tok.pos, "expected a term, phrase or '(' before %.*s",
         len, s);
    return 0;
  case T_PROX:
    fail(p, p->tok.pos, "%.*s needs a term on each side", len, s);
    return 0;
  case T_WITHIN:
    fail(p, p->tok.pos, "expected a phrase or a NEAR/ADJ expression "
         "before WITHIN SENTENCE");
    return 0;
  default:
    return starts_operand(p->tok.type);
  }
}

static LedeQuery *parse_group(Parser *p)
{
  size_t open = p->tok.pos;
  int col = column_of(p, open);   /* now: later would count from 0 again */
  LedeQuery *x;
  if (++p->depth > QUERY_MAX_DEPTH) {
    fail(p, open, "expected at most %d nested parentheses", QUERY_MAX_DEPTH);
    return NULL;
  }
  lex(p);
  if (!need_first(p, 0) || !(x = parse_or(p))) return NULL;
  if (p->tok.type != T_RPAREN) {
    fail(p, open, "expected ')' to close '('");
    lede_query_free(x);
    return NULL;
  }
  /* An operator node starts at its '(', so that "(a b) NEAR c" points
   * there; a term or phrase keeps its own column. */
  if (x->kind == LEDE_Q_AND || x->kind == LEDE_Q_OR ||
      x->kind == LEDE_Q_NOT || x->kind == LEDE_Q_NEAR) x->column = col;
  p->depth--;
  lex(p);
  return x;
}

static LedeQuery *parse_primary(Parser *p)
{
  const Tok *t = &p->tok;
  LedeQuery *x;
  switch (t->type) {
  case T_LPAREN: return parse_group(p);
  case T_TERM:   x = leaf(p, LEDE_Q_TERM, t->vpos, t->vend, t->pos); break;
  case T_PREFIX: x = leaf(p, LEDE_Q_PREFIX, t->vpos, t->vend, t->pos); break;
  case T_ALIAS:  x = leaf(p, LEDE_Q_ALIAS, t->vpos, t->vend, t->pos); break;
  case T_PHRASE: x = build_phrase(p); break;
  case T_REGEX:  x = build_regex(p); break;
  case T_FIELD:  x = build_field(p); break;
  case T_DATE:   x = build_date(p); break;
  default:
    fail(p, tok_off(p), "expected a term, phrase or '('");
    return NULL;
  }
  if (x) lex(p);
  return x;
}

static LedeQuery *parse_proximity(Parser *p);

/* NOT and '-' take a whole NEAR/ADJ expression, so that "a NOT b NEAR/5 c"
 * subtracts the proximity match rather than failing on (NOT b) NEAR c. */
static LedeQuery *parse_unary(Parser *p)
{
  int col = column_of(p, p->tok.pos), minus = p->tok.type == T_MINUS;
  LedeQuery *x;
  if (!minus && p->tok.type != T_NOT) return parse_primary(p);
  lex(p);
  if (!need_operand(p, minus ? "'-'" : "NOT")) return NULL;
  if (p->tok.type == T_NOT || p->tok.type == T_MINUS) {
    fail(p, p->tok.pos, "expected a term, phrase or '(' after %s, not "
         "another negation", minus ? "'-'" : "NOT");
    return NULL;
  }
  if (!(x = parse_proximity(p))) return NULL;
  if (is_pure_not(x)) {
    fail_at_col(p, x->column, "expected a term, phrase or '(' after %s, "
                "not another negation", minus ? "'-'" : "NOT");
    lede_query_free(x);
    return NULL;
  }
  return make_not(p, NULL, x, col);
}

static int prox_leaf(const LedeQuery *x)
{
  return x->kind == LEDE_Q_TERM || x->kind == LEDE_Q_PREFIX ||
         x->kind == LEDE_Q_PHRASE || x->kind == LEDE_Q_REGEX ||
         x->kind == LEDE_Q_ALIAS;
}

/* NEAR takes terms, phrases, prefixes, regexes, aliases, or an OR of
 * those: what has positions in a document. */
static int prox_operand(Parser *p, const LedeQuery *x, const Tok *op)
{
  int ok = prox_leaf(x);
  if (x->kind == LEDE_Q_OR) {
    ok = 1;
    for (size_t i = 0; i < x->nkids; i++) ok = ok && prox_leaf(x->kids[i]);
  }
  if (!ok)
    fail_at_col(p, x->column, "expected a term, phrase, regex, alias or "
                "(a OR b) next to %.*s", (int)(op->end - op->pos),
                p->q + op->pos);
  return ok;
}

static int same_prox(const Tok *a, const Tok *b)
{
  return a->dist == b->dist && a->ordered == b->ordered;
}

/* The rest of a chain "first NEAR/n x NEAR/n y ...". */
static LedeQuery *parse_chain(Parser *p, LedeQuery *first)
{
  Tok op = p->tok;
  Vec v = {0};
  LedeQuery *x;
  if (!prox_operand(p, first, &op)) {
    lede_query_free(first);
    return NULL;
  }
  if (!vec_push(p, &v, first)) return NULL;
  while (p->tok.type == T_PROX) {
    Tok cur = p->tok;
    if (!same_prox(&cur, &op)) {
      fail(p, cur.pos, "expected %.*s again (one distance and order per "
           "chain)", (int)(op.end - op.pos), p->q + op.pos);
      goto fail;
    }
    lex(p);
    if (!starts_operand(p->tok.type)) {
      fail(p, tok_off(p), "%.*s needs a term on each side",
           (int)(cur.end - cur.pos), p->q + cur.pos);
      goto fail;
    }
    if (!(x = parse_unary(p)) || !vec_push(p, &v, x)) goto fail;
    if (!prox_operand(p, x, &cur)) goto fail;
  }
  if (!(x = node_new(p, LEDE_Q_NEAR, v.v[0]->column))) goto fail;
  x->distance = op.dist;
  x->ordered = op.ordered;
  adopt(x, &v);
  return x;
fail:
  vec_free(&v);
  return NULL;
}

/* What WITHIN SENTENCE applies to in x, or NULL.  NOT "a b" WITHIN
 * SENTENCE means NOT ("a b" WITHIN SENTENCE). */
static LedeQuery *within_target(LedeQuery *x)
{
  if (is_pure_not(x)) x = x->kids[1];
  return x->kind == LEDE_Q_PHRASE || x->kind == LEDE_Q_NEAR ? x : NULL;
}

static LedeQuery *parse_within(Parser *p, LedeQuery *x)
{
  LedeQuery *target;
  int seen = 0;
  while (p->tok.type == T_WITHIN) {
    if (!(target = within_target(x))) {
      fail(p, p->tok.pos, "expected a phrase or a NEAR/ADJ expression "
           "before WITHIN SENTENCE");
      lede_query_free(x);
      return NULL;
    }
    target->within_sentence = seen = 1;
    lex(p);
  }
  if (seen && p->tok.type == T_PROX) {
    int len;
    const char *s = tok_text(p, &len);
    fail(p, p->tok.pos, "expected WITHIN SENTENCE after the whole %.*s "
         "chain", len, s);
    lede_query_free(x);
    return NULL;
  }
  return x;
}

/* A primary, with a NEAR/ADJ chain and WITHIN SENTENCE if they follow. */
static LedeQuery *parse_proximity(Parser *p)
{
  LedeQuery *x = parse_primary(p);
  if (x && p->tok.type == T_PROX) x = parse_chain(p, x);
  return x ? parse_within(p, x) : NULL;
}

static LedeQuery *parse_near(Parser *p)
{
  if (p->tok.type == T_NOT || p->tok.type == T_MINUS) return parse_unary(p);
  return parse_proximity(p);
}

/* AND operands sort into what must match and what must not, so that
 * a b -c -d becomes (not (and a b) (or c d)). */
static int and_operand(Parser *p, Vec *pos, Vec *neg, LedeQuery *x,
                       int *notcol)
{
  LedeQuery *k0, *k1;
  if (x->kind != LEDE_Q_NOT) return vec_push(p, pos, x);
  k0 = x->kids[0];
  k1 = x->kids[1];
  if (!*notcol) *notcol = x->column;
  x->kids[0] = x->kids[1] = NULL;
  lede_query_free(x);
  if (k0 && !push_flat(p, pos, k0, LEDE_Q_AND)) {
    lede_query_free(k1);
    return 0;
  }
  return push_flat(p, neg, k1, LEDE_Q_OR);
}

static LedeQuery *build_and(Parser *p, Vec *pos, Vec *neg, int notcol)
{
  LedeQuery *a = NULL, *n;
  if (neg->n == 0) return make_nary(p, LEDE_Q_AND, pos);
  if (pos->n && !(a = make_nary(p, LEDE_Q_AND, pos))) {
    vec_free(neg);
    return NULL;
  }
  if (!(n = make_nary(p, LEDE_Q_OR, neg))) {
    lede_query_free(a);
    return NULL;
  }
  return make_not(p, a, n, notcol);
}

static LedeQuery *parse_and(Parser *p)
{
  Vec pos = {0}, neg = {0};
  int notcol = 0;
  LedeQuery *x;
  for (;;) {
    if (!(x = parse_near(p)) || !and_operand(p, &pos, &neg, x, &notcol))
      goto fail;
    if (p->tok.type == T_AND) {
      lex(p);
      if (!need_operand(p, "AND")) goto fail;
    } else if (!starts_operand(p->tok.type)) {
      break;
    }
  }
  return build_and(p, &pos, &neg, notcol);
fail:
  vec_free(&pos);
  vec_free(&neg);
  return NULL;
}

/* Byte offset of a column, for messages that quote what is there. */
static size_t offset_of(Parser *p, int col)
{
  size_t off = 0;
  uint32_t cp;
  for (int c = 1; c < col && off < p->n; c++)
    off += u8_next(p->q + off, p->n - off, &cp);
  return off;
}

/* "a OR NOT b" would subtract b from every document in the corpus. */
static int check_or_operands(Parser *p, const Vec *v)
{
  for (size_t i = 0; i < v->n && v->n > 1; i++) {
    int col = v->v[i]->column;
    if (!is_pure_not(v->v[i])) continue;
    fail_at_col(p, col, "%s needs something to subtract from, but OR "
                "gives it nothing", p->q[offset_of(p, col)] == '-' ? "'-'"
                : "NOT");
    return 0;
  }
  return 1;
}

static LedeQuery *parse_or(Parser *p)
{
  Vec v = {0};
  LedeQuery *x = parse_and(p);
  if (!x || !vec_push(p, &v, x)) return NULL;
  while (p->tok.type == T_OR) {
    lex(p);
    if (!need_operand(p, "OR") || !(x = parse_and(p)) ||
        !vec_push(p, &v, x)) {
      vec_free(&v);
      return NULL;
    }
  }
  if (!check_or_operands(p, &v)) {
    vec_free(&v);
    return NULL;
  }
  return make_nary(p, LEDE_Q_OR, &v);
}

static LedeQuery *parse_query(Parser *p)
{
  LedeQuery *x;
  if (p->n > QUERY_MAX_BYTES) {
    fail(p, QUERY_MAX_BYTES, "expected a query of at most %d bytes",
         QUERY_MAX_BYTES);
    return NULL;
  }
  if (!check_text(p)) return NULL;
  lex(p);
  if (!need_first(p, 1) || !(x = parse_or(p))) return NULL;
  if (p->tok.type == T_RPAREN) fail(p, p->tok.pos, "unexpected ')'");
  else if (p->tok.type != T_END) fail(p, tok_off(p), "expected the end of "
                                      "the query");
  if (p->rc) {
    lede_query_free(x);
    return NULL;
  }
  return x;
}

int lede_query_parse(const char *q, LedeQuery **out, char **err)
{
  Parser p;
  LedeQuery *x;
  if (err) *err = NULL;
  if (out) *out = NULL;
  if (!q || !out) return LEDE_EMISUSE;
  memset(&p, 0, sizeof p);
  p.q = q;
  p.n = strnlen(q, QUERY_MAX_BYTES + 1);
  p.ccol = 1;
  p.tok.type = T_END;
  x = parse_query(&p);
  if (p.rc) {
    lede_query_free(x);
    if (p.rc == LEDE_ENOMEM && !p.err) p.err = strdup("out of memory");
    if (err) *err = p.err;
    else free(p.err);
    return p.rc;
  }
  *out = x;
  return LEDE_OK;
}

/**************************************************************************
** The S-expression dump.
*/

static void dump_str(LedeBuf *b, const char *s)
{
  lede_buf_addc(b, '"');
  for (; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') lede_buf_addc(b, '\\');
    if (c < 0x20 || c == 0x7F) lede_buf_printf(b, "\\x%02X", c);
    else lede_buf_addc(b, (char)c);
  }
  lede_buf_addc(b, '"');
}

static void dump_opt(LedeBuf *b, const char *s)
{
  if (s) dump_str(b, s);
  else lede_buf_adds(b, "nil");
}

static void dump(LedeBuf *b, const LedeQuery *q, int in_phrase);

static void dump_kids(LedeBuf *b, const LedeQuery *q, int in_phrase)
{
  for (size_t i = 0; i < q->nkids; i++) {
    lede_buf_addc(b, ' ');
    dump(b, q->kids[i], in_phrase);
  }
}

static const char *kind_name(LedeQueryKind k)
{
  switch (k) {
  case LEDE_Q_TERM:   return "term";
  case LEDE_Q_PHRASE: return "phrase";
  case LEDE_Q_PREFIX: return "prefix";
  case LEDE_Q_REGEX:  return "regex";
  case LEDE_Q_NEAR:   return "near";
  case LEDE_Q_AND:    return "and";
  case LEDE_Q_OR:     return "or";
  case LEDE_Q_NOT:    return "not";
  case LEDE_Q_FIELD:  return "field";
  case LEDE_Q_DATE:   return "date";
  case LEDE_Q_ALIAS:  return "alias";
  }
  return "?";
}

static void dump(LedeBuf *b, const LedeQuery *q, int in_phrase)
{
  if (!q) { lede_buf_adds(b, "(all)"); return; }
  if (in_phrase && q->kind == LEDE_Q_TERM) { dump_str(b, q->text); return; }
  lede_buf_printf(b, "(%s", q->kind == LEDE_Q_NEAR && q->ordered ? "adj"
                                                   : kind_name(q->kind));
  switch (q->kind) {
  case LEDE_Q_PHRASE: dump_kids(b, q, 1); break;
  case LEDE_Q_NEAR:
    lede_buf_printf(b, " %d", q->distance);
    dump_kids(b, q, 0);
    break;
  case LEDE_Q_AND: case LEDE_Q_OR: case LEDE_Q_NOT: dump_kids(b, q, 0); break;
  case LEDE_Q_FIELD:
    lede_buf_addc(b, ' ');
    dump_str(b, q->field);
    lede_buf_adds(b, q->prefix ? " (prefix " : " ");
    dump_str(b, q->text);
    if (q->prefix) lede_buf_addc(b, ')');
    break;
  case LEDE_Q_DATE:
    lede_buf_addc(b, ' ');
    dump_opt(b, q->date_lo);
    lede_buf_addc(b, ' ');
    dump_opt(b, q->date_hi);
    break;
  default:
    lede_buf_addc(b, ' ');
    dump_str(b, q->text);
  }
  if (q->nocase) lede_buf_adds(b, " :i");
  if (q->within_sentence) lede_buf_adds(b, " :sentence");
  lede_buf_addc(b, ')');
}

char *lede_query_dump(const LedeQuery *q)
{
  LedeBuf b = {0};
  if (!q) return NULL;
  dump(&b, q, 0);
  return lede_buf_detach(&b, NULL);
}
