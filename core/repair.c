/*
 * repair.c -- mojibake and HTML entities in text (see repair.h).
 */
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "lede_int.h"
#include "lede/repair.h"

/* Decode one UTF-8 character of valid input; *len gets its length. */
static uint32_t cp_at(const unsigned char *s, size_t n, size_t *len)
{
  unsigned c = s[0];
  if (c < 0x80 || n < 2) { *len = 1; return c; }
  if (c < 0xE0) { *len = 2; return ((c & 0x1Fu) << 6) | (s[1] & 0x3Fu); }
  if (c < 0xF0 || n < 4) {
    *len = n < 3 ? 1 : 3;
    return n < 3 ? c : ((c & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
  }
  *len = 4;
  return ((c & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
}

/* Windows-1252 0x80-0x9F; 0 where the code page has no character. */
static const uint16_t cp1252_hi[32] = {
  0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030,
  0x0160, 0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D,
  0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178
};

/* The byte a character had in Windows-1252 (or Latin-1 for the C1
 * controls a Latin-1 decoder gives), or -1. */
static int byte_of(uint32_t cp)
{
  if (cp < 0x100) return (int)cp;
  for (int i = 0; i < 32; i++) if (cp1252_hi[i] == cp) return 0x80 + i;
  return -1;
}

static int plausible(uint32_t cp, int len)
{
  if (len > 2) return 1;
  return (cp >= 0xA0 && cp < 0x180) || (cp >= 0x370 && cp < 0x530)
         || (cp >= 0x590 && cp < 0x700);
}

/* At s: the length in bytes of a mojibake run and the character it
 * stands for; 0 when there is none. */
static size_t mojibake_at(const unsigned char *s, size_t n, uint32_t *cp)
{
  /* A lead C2 or C4-DF decodes to U+0080-00BF or past U+00FF, E1-EF past
   * U+0FFF: never a byte C2-F4, so never a lead (curly quotes and dashes,
   * E2, are most of a news text's non-ASCII). */
  if (s[0] == 0xC2 || (s[0] >= 0xC4 && s[0] <= 0xDF) || (s[0] >= 0xE1 && s[0] <= 0xEF)) return 0;
  size_t l0;
  int b0 = byte_of(cp_at(s, n, &l0));
  if (l0 < 2) return 0;   /* the lead is never ASCII */
  int need = b0 >= 0xC2 && b0 <= 0xDF ? 1 : b0 >= 0xE0 && b0 <= 0xEF ? 2
           : b0 >= 0xF0 && b0 <= 0xF4 ? 3 : 0;
  if (!need) return 0;
  unsigned char u[4] = {(unsigned char)b0};
  size_t at = l0;
  for (int k = 1; k <= need; k++) {
    if (at >= n) return 0;
    size_t l;
    int b = byte_of(cp_at(s + at, n - at, &l));
    if (b < 0x80 || b > 0xBF || l < 2) return 0;
    u[k] = (unsigned char)b;
    at += l;
  }
  /* Overlong forms and surrogates are not UTF-8. */
  if ((b0 == 0xE0 && u[1] < 0xA0) || (b0 == 0xED && u[1] >= 0xA0)
      || (b0 == 0xF0 && u[1] < 0x90) || (b0 == 0xF4 && u[1] >= 0x90))
    return 0;
  size_t ul;
  *cp = cp_at(u, (size_t)need + 1, &ul);
  return plausible(*cp, need + 1) ? at : 0;
}

static size_t mojibake_pass(const char *s, size_t n, LedeBuf *b)
{
  size_t fixed = 0, i = 0, copied = 0;
  const unsigned char *u = (const unsigned char *)s;
  while (i < n) {
    uint64_t w;
#ifdef __SSE2__
    if (n - i >= 16) {
      /* on to the first non-ASCII byte */
      unsigned m = (unsigned)_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(u + i)));
      if (!m) { i += 16; continue; }
      i += (size_t)__builtin_ctz(m);
    }
#endif
    if (n - i >= 8 && (memcpy(&w, u + i, 8), !(w & 0x8080808080808080ULL))) { i += 8; continue; }
    if (u[i] < 0xC2) { i++; continue; }
    uint32_t cp;
    size_t len = mojibake_at(u + i, n - i, &cp);
    if (!len) { size_t l; cp_at(u + i, n - i, &l); i += l; continue; }
    lede_buf_add(b, s + copied, i - copied);
    lede_buf_addcp(b, cp);
    i += len;
    copied = i;
    fixed++;
  }
  if (fixed) lede_buf_add(b, s + copied, n - copied);
  return fixed;
}

size_t lede_repair_mojibake(const char *s, size_t n, char **out, size_t *outn)
{
  size_t total = 0;
  char *cur = NULL;
  size_t curn = n;
  for (int pass = 0; pass < 3; pass++) {
    LedeBuf b = {0};
    size_t f = mojibake_pass(cur ? cur : s, curn, &b);
    if (!f || b.oom) { lede_buf_free(&b); break; }
    free(cur);
    cur = lede_buf_detach(&b, &curn);
    total += f;
  }
  *out = cur;
  *outn = cur ? curn : 0;
  return total;
}

/* ---- entities --------------------------------------------------------- */

/* Names of U+00A0..U+00FF in order. */
static const char *const latin1[96] = {
  "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml",
  "copy", "ordf", "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2",
  "sup3", "acute", "micro", "para", "middot", "cedil", "sup1", "ordm", "raquo",
  "frac14", "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc", "Atilde",
  "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute", "Ecirc", "Euml",
  "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
  "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc",
  "Uuml", "Yacute", "THORN", "szlig", "agrave", "aacute", "acirc", "atilde",
  "auml", "aring", "aelig", "ccedil", "egrave", "eacute", "ecirc", "euml",
  "igrave", "iacute", "icirc", "iuml", "eth", "ntilde", "ograve", "oacute",
  "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
  "uuml", "yacute", "thorn", "yuml"
};

static const struct { const char *name; uint32_t cp; } named[] = {
  {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
  {"ndash", 0x2013}, {"mdash", 0x2014}, {"lsquo", 0x2018}, {"rsquo", 0x2019},
  {"sbquo", 0x201A}, {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"bdquo", 0x201E},
  {"hellip", 0x2026}, {"bull", 0x2022}, {"dagger", 0x2020}, {"Dagger", 0x2021},
  {"permil", 0x2030}, {"prime", 0x2032}, {"Prime", 0x2033}, {"lsaquo", 0x2039},
  {"rsaquo", 0x203A}, {"euro", 0x20AC}, {"trade", 0x2122}, {"thinsp", 0x2009},
  {"ensp", 0x2002}, {"emsp", 0x2003}, {"zwnj", 0x200C}, {"zwj", 0x200D},
  {"lrm", 0x200E}, {"rlm", 0x200F}, {"OElig", 0x152}, {"oelig", 0x153},
  {"Scaron", 0x160}, {"scaron", 0x161}, {"Yuml", 0x178}, {"fnof", 0x192},
  {"circ", 0x2C6}, {"tilde", 0x2DC}, {"minus", 0x2212}, {"larr", 0x2190},
  {"rarr", 0x2192}, {"uarr", 0x2191}, {"darr", 0x2193}, {"hearts", 0x2665},
};

static uint32_t entity_cp(const char *name, size_t n)
{
  for (int i = 0; i < 96; i++)
    if (strlen(latin1[i]) == n && memcmp(latin1[i], name, n) == 0) return 0xA0 + (uint32_t)i;
  for (size_t i = 0; i < sizeof named / sizeof *named; i++)
    if (strlen(named[i].name) == n && memcmp(named[i].name, name, n) == 0) return named[i].cp;
  return 0;
}

/* At s (a '&'): the entity's length and character; 0 when none. */
static size_t entity_at(const char *s, size_t n, uint32_t *cp)
{
  size_t i = 1;
  if (i < n && s[i] == '#') {
    int hex = i + 1 < n && (s[i + 1] == 'x' || s[i + 1] == 'X');
    i += 1 + hex;
    uint32_t v = 0;
    size_t d0 = i;
    for (; i < n && i - d0 < 8; i++) {
      char c = s[i];
      int dv = c >= '0' && c <= '9' ? c - '0' : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
             : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (dv < 0) break;
      v = v * (hex ? 16 : 10) + (uint32_t)dv;
    }
    if (i == d0 || i >= n || s[i] != ';') return 0;
    if (v >= 0x80 && v < 0xA0 && cp1252_hi[v - 0x80]) v = cp1252_hi[v - 0x80];
    if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v < 0xE000)) v = 0xFFFD;
    *cp = v;
    return i + 1;
  }
  while (i < n && i < 10 && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
    i++;
  if (i == 1 || i >= n || s[i] != ';') return 0;
  *cp = entity_cp(s + 1, i - 1);
  return *cp ? i + 1 : 0;
}

size_t lede_repair_entities(const char *s, size_t n, char **out, size_t *outn)
{
  LedeBuf b = {0};
  size_t fixed = 0, copied = 0;
  for (const char *p = memchr(s, '&', n); p; p = memchr(p, '&', n - (size_t)(p - s))) {
    uint32_t cp;
    size_t len = entity_at(p, n - (size_t)(p - s), &cp);
    if (!len) { p++; continue; }
    lede_buf_add(&b, s + copied, (size_t)(p - s) - copied);
    lede_buf_addcp(&b, cp);
    p += len;
    copied = (size_t)(p - s);
    fixed++;
  }
  if (fixed) lede_buf_add(&b, s + copied, n - copied);
  if (!fixed || b.oom) { lede_buf_free(&b); *out = NULL; *outn = 0; return 0; }
  *out = lede_buf_detach(&b, outn);
  return fixed;
}
