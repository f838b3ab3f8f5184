/*
 * text.h -- turning the bytes of a file into clean UTF-8.
 *
 * Scraped text arrives as UTF-8 with or without a BOM, as UTF-16, as
 * Windows-1252, with CRLF line ends and with stray invalid bytes.
 * lede_text_clean() turns all of it into NFC-normalised UTF-8 with LF line
 * ends and says what it did, so a loader can report it.
 */
#ifndef LEDE_TEXT_H
#define LEDE_TEXT_H

#include <stddef.h>

typedef enum LedeEncoding {
  LEDE_ENC_UTF8 = 0,    /* valid UTF-8 (possibly after U+FFFD repair) */
  LEDE_ENC_UTF8_BOM,    /* UTF-8 with a byte order mark, dropped */
  LEDE_ENC_UTF16LE,     /* UTF-16 little endian with BOM, converted */
  LEDE_ENC_UTF16BE,     /* UTF-16 big endian with BOM, converted */
  LEDE_ENC_CP1252       /* not UTF-8 but Windows-1252, converted */
} LedeEncoding;

/* What lede_text_clean() found and did. */
typedef struct LedeTextInfo {
  LedeEncoding encoding;
  size_t invalid;        /* invalid sequences replaced by U+FFFD */
  size_t newlines;       /* CRLF or lone CR turned into LF */
  size_t nul_offset;     /* byte offset of the first NUL when binary */
} LedeTextInfo;

/* Flags for lede_text_clean(). */
#define LEDE_TEXT_DETECT    0x1  /* honour BOMs, UTF-16, guess Windows-1252 */
#define LEDE_TEXT_NEWLINES  0x2  /* CRLF and CR become LF */
#define LEDE_TEXT_NFC       0x4  /* normalise to NFC (utf8proc) */
#define LEDE_TEXT_ALL       0x7

/*
 * Clean n bytes at in.  On LEDE_OK *out holds a malloc'd NUL-terminated
 * UTF-8 string of *outn bytes which the caller frees.  Returns LEDE_EBINARY
 * (and sets info->nul_offset) when the input holds NUL bytes and is not
 * UTF-16, LEDE_ENOMEM when memory runs out.  The Windows-1252 guess is made
 * only when the input is invalid UTF-8 and holds no valid multi-byte UTF-8
 * sequence at all, so a UTF-8 file with one stray byte keeps its text.
 */
int lede_text_clean(const char *in, size_t n, unsigned flags,
                    char **out, size_t *outn, LedeTextInfo *info);

/* Nonzero when the n bytes at s are valid UTF-8. */
int lede_utf8_valid(const char *s, size_t n);

/* "UTF-8", "UTF-8 with BOM", "UTF-16LE", "UTF-16BE", "Windows-1252". */
const char *lede_encoding_name(LedeEncoding enc);

#endif
