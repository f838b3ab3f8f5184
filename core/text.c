/*
 * text.c -- raw bytes to clean UTF-8 (see lede/text.h for the contract).
 *
 * The common case -- valid UTF-8, LF line ends, ASCII or already NFC --
 * must cost little more than a scan, since every loaded document passes
 * here: the scan looks at 8 bytes at a time while they are ASCII, and
 * utf8proc's NFC runs only on text with non-ASCII characters.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "lede_int.h"

/* Windows-1252 bytes 0x80-0x9F; 0 marks the five undefined ones, which
 * become U+FFFD. */
static const uint16_t cp1252[32] = {
  0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
  0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

const char *lede_encoding_name(LedeEncoding enc)
{
  static const char *const names[] = {"UTF-8", "UTF-8 with BOM", "UTF-16LE",
                                      "UTF-16BE", "Windows-1252"};
  return (unsigned)enc < 5 ? names[enc] : "unknown";
}

/* Length of the valid UTF-8 sequence at s, or 0 (Unicode's table 3-7). */
static size_t seq_len(const unsigned char *s, const unsigned char *end)
{
  unsigned c = s[0];
  size_t n = c < 0x80 ? 1 : c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
  if (n <= 1 || (size_t)(end - s) < n) return n == 1 ? 1 : 0;
  unsigned lo = 0x80, hi = 0xBF;
  if (c == 0xE0) lo = 0xA0;
  else if (c == 0xED) hi = 0x9F;
  else if (c == 0xF0) lo = 0x90;
  else if (c == 0xF4) hi = 0x8F;
  if (s[1] < lo || s[1] > hi) return 0;
  for (size_t i = 2; i < n; i++) if ((s[i] & 0xC0) != 0x80) return 0;
  return n;
}

/* Bytes of the maximal subpart of an ill-formed sequence: what one U+FFFD
 * replaces (Unicode 15, section 3.9). */
static size_t bad_len(const unsigned char *s, const unsigned char *end)
{
  unsigned c = s[0];
  size_t n = c < 0xC2 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 1;
  if (n == 1) return 1;
  unsigned lo = 0x80, hi = 0xBF;
  if (c == 0xE0) lo = 0xA0;
  else if (c == 0xED) hi = 0x9F;
  else if (c == 0xF0) lo = 0x90;
  else if (c == 0xF4) hi = 0x8F;
  size_t i = 1;
  if (s + i < end && s[i] >= lo && s[i] <= hi) {
    i++;
    while (i < n && s + i < end && (s[i] & 0xC0) == 0x80) i++;
  }
  return i;
}

int lede_utf8_valid(const char *s, size_t n)
{
  const unsigned char *p = (const unsigned char *)s, *end = p + n;
  while (p < end) {
    size_t k = seq_len(p, end);
    if (!k) return 0;
    p += k;
  }
  return 1;
}

/* Scan: NUL offset (or n), whether all ASCII, any valid multi-byte, any
 * invalid sequence. */
typedef struct Scan { size_t nul; int ascii, multibyte, invalid, unsafe; } Scan;

static int nfc_safe(uint32_t c);

static void scan(const unsigned char *p, size_t n, Scan *sc)
{
  const unsigned char *s = p, *end = p + n;
  sc->nul = n;
  sc->ascii = 1;
  sc->multibyte = sc->invalid = sc->unsafe = 0;
  while (s < end) {
#ifdef __SSE2__
    if (end - s >= 16) {
      __m128i v = _mm_loadu_si128((const __m128i *)s);
      unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(v, _mm_cmpeq_epi8(v, _mm_setzero_si128())));
      if (!m) { s += 16; continue; }
      s += __builtin_ctz(m);      /* the first NUL or non-ASCII byte */
    } else
#endif
    if (end - s >= 8) {
      uint64_t w;
      memcpy(&w, s, 8);
      /* no high bit and no zero byte: eight plain ASCII bytes */
      if (!(w & 0x8080808080808080ULL) && !((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL)) {
        s += 8;
        continue;
      }
    }
    if (*s == 0) { if (sc->nul == n) sc->nul = (size_t)(s - p); s++; continue; }
    if (*s < 0x80) { s++; continue; }
    sc->ascii = 0;
    size_t k = seq_len(s, end);
    if (!k) { sc->invalid = 1; s++; continue; }
    sc->multibyte = 1;
    /* whether NFC could change the text, while the bytes are at hand */
    if (k == 4 || !nfc_safe(k == 2 ? (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F)
                            : (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F)))
      sc->unsafe = 1;
    s += k;
  }
}

static void from_cp1252(const unsigned char *p, size_t n, LedeBuf *b)
{
  for (size_t i = 0; i < n; i++) {
    unsigned c = p[i];
    if (c < 0x80) lede_buf_addc(b, (char)c);
    else if (c < 0xA0) lede_buf_addcp(b, cp1252[c - 0x80] ? cp1252[c - 0x80] : 0xFFFD);
    else lede_buf_addcp(b, c);
  }
}

static void from_utf16(const unsigned char *p, size_t n, int be, LedeBuf *b, size_t *invalid)
{
  for (size_t i = 0; i + 1 < n; i += 2) {
    uint32_t u = be ? (uint32_t)(p[i] << 8 | p[i + 1]) : (uint32_t)(p[i + 1] << 8 | p[i]);
    if (u >= 0xD800 && u < 0xDC00 && i + 3 < n) {
      uint32_t lo = be ? (uint32_t)(p[i + 2] << 8 | p[i + 3]) : (uint32_t)(p[i + 3] << 8 | p[i + 2]);
      if (lo >= 0xDC00 && lo < 0xE000) {
        lede_buf_addcp(b, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        i += 2;
        continue;
      }
    }
    if (u >= 0xD800 && u < 0xE000) { u = 0xFFFD; (*invalid)++; }
    lede_buf_addcp(b, u);
  }
  if (n % 2) { lede_buf_addcp(b, 0xFFFD); (*invalid)++; }
}

/* Copy UTF-8, each ill-formed subpart replaced by U+FFFD. */
static void repair(const unsigned char *p, size_t n, LedeBuf *b, size_t *invalid)
{
  const unsigned char *s = p, *end = p + n, *run = p;
  while (s < end) {
    if (*s < 0x80) { s++; continue; }
    size_t k = seq_len(s, end);
    if (k) { s += k; continue; }
    lede_buf_add(b, run, (size_t)(s - run));
    lede_buf_addcp(b, 0xFFFD);
    (*invalid)++;
    s += bad_len(s, end);
    run = s;
  }
  lede_buf_add(b, run, (size_t)(s - run));
}

/* CRLF and lone CR to LF, in place; returns the new length. */
static size_t newlines(char *s, size_t n, size_t *count)
{
  char *cr = memchr(s, '\r', n);
  if (!cr) return n;
  size_t w = (size_t)(cr - s);
  for (size_t r = w; r < n; r++) {
    if (s[r] == '\r') {
      s[w++] = '\n';
      (*count)++;
      if (r + 1 < n && s[r + 1] == '\n') r++;
    } else {
      s[w++] = s[r];
    }
  }
  s[w] = '\0';
  return w;
}

/* Characters that are NFC whatever surrounds them: not combining, no
 * singleton decomposition, not a second half of a composition.  News text
 * rarely holds anything else (Latin letters with accents, Cyrillic,
 * curly quotes, dashes, NBSP, currency), so most documents skip utf8proc.
 * The ranges were read off Unicode's DerivedNormalizationProps
 * (NFC_QC=Yes) and ccc=0. */
static int nfc_safe(uint32_t c)
{
  return (c >= 0xA0 && c <= 0x2FF)
      || (c >= 0x400 && c <= 0x482) || (c >= 0x48A && c <= 0x52F)
      || (c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205E)
      || (c >= 0x20A0 && c <= 0x20C0) || c == 0x2122 || c == 0x2116;
}

/* Valid UTF-8 in, so decoding can be plain. */
static int needs_nfc(const unsigned char *p, size_t n)
{
  for (size_t i = 0; i < n;) {
    unsigned c = p[i];
    if (c < 0x80) { i++; continue; }
    uint32_t cp;
    if (c < 0xE0) { cp = (c & 0x1F) << 6 | (p[i + 1] & 0x3F); i += 2; }
    else if (c < 0xF0) { cp = (c & 0x0F) << 12 | (p[i + 1] & 0x3F) << 6 | (p[i + 2] & 0x3F); i += 3; }
    else return 1;
    if (!nfc_safe(cp)) return 1;
  }
  return 0;
}

static int nfc(char **s, size_t *n)
{
  if (!needs_nfc((const unsigned char *)*s, *n)) return LEDE_OK;
  utf8proc_uint8_t *out = NULL;
  utf8proc_ssize_t k = utf8proc_map((const utf8proc_uint8_t *)*s, (utf8proc_ssize_t)*n, &out,
                                    UTF8PROC_STABLE | UTF8PROC_COMPOSE);
  if (k < 0) return k == UTF8PROC_ERROR_NOMEM ? LEDE_ENOMEM : LEDE_OK;
  free(*s);
  *s = (char *)out;
  *n = (size_t)k;
  return LEDE_OK;
}

int lede_text_clean(const char *in, size_t n, unsigned flags, char **out, size_t *outn,
                    LedeTextInfo *info)
{
  LedeTextInfo dummy;
  if (!info) info = &dummy;
  memset(info, 0, sizeof *info);
  const unsigned char *p = (const unsigned char *)in;
  LedeBuf b = {0};
  if ((flags & LEDE_TEXT_DETECT) && n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) {
    int be = p[0] == 0xFE;
    info->encoding = be ? LEDE_ENC_UTF16BE : LEDE_ENC_UTF16LE;
    from_utf16(p + 2, n - 2, be, &b, &info->invalid);
  } else {
    if ((flags & LEDE_TEXT_DETECT) && n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
      info->encoding = LEDE_ENC_UTF8_BOM;
      p += 3;
      n -= 3;
    }
    Scan sc;
    scan(p, n, &sc);
    if (sc.nul < n) { info->nul_offset = sc.nul + (size_t)(p - (const unsigned char *)in); return LEDE_EBINARY; }
    if (sc.invalid && !sc.multibyte && (flags & LEDE_TEXT_DETECT)) {
      info->encoding = LEDE_ENC_CP1252;
      from_cp1252(p, n, &b);
    } else if (sc.invalid) {
      repair(p, n, &b, &info->invalid);
    } else {
      lede_buf_add(&b, p, n);
    }
    /* copied as it is with nothing NFC could change: skip it */
    if (sc.ascii || (!sc.invalid && !sc.unsafe)) flags &= ~(unsigned)LEDE_TEXT_NFC;
  }
  if (!b.p) lede_buf_reserve(&b, 0);
  if (b.oom) { lede_buf_free(&b); return LEDE_ENOMEM; }
  size_t len = b.n;
  char *s = lede_buf_detach(&b, NULL);
  if (!s) return LEDE_ENOMEM;
  s[len] = '\0';
  if (flags & LEDE_TEXT_NEWLINES) len = newlines(s, len, &info->newlines);
  if ((flags & LEDE_TEXT_NFC) && nfc(&s, &len) != LEDE_OK) { free(s); return LEDE_ENOMEM; }
  *out = s;
  *outn = len;
  return LEDE_OK;
}
