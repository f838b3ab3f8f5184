/*
 * test_text.c -- lede_text_clean: every encoding branch, every class of
 * invalid UTF-8, line ends, NFC, binary and empty input.
 */
#include <stdlib.h>
#include "lede_int.h"
#include "tap.h"

static int clean(const char *in, size_t n, unsigned flags, const char *want,
                 LedeEncoding enc, size_t invalid, const char *what)
{
  char *out = NULL;
  size_t outn;
  LedeTextInfo ti;
  int rc = lede_text_clean(in, n, flags, &out, &outn, &ti);
  int good = ok(rc == LEDE_OK && out && strlen(out) == outn && strcmp(out, want) == 0
                && ti.encoding == enc && ti.invalid == invalid, "%s", what);
  if (!good) diag("rc %d out '%s' enc %d invalid %zu", rc, out ? out : "(null)", ti.encoding, ti.invalid);
  free(out);
  return good;
}

int main(void)
{
  clean("plain ascii", 11, LEDE_TEXT_ALL, "plain ascii", LEDE_ENC_UTF8, 0, "ASCII passes");
  clean("", 0, LEDE_TEXT_ALL, "", LEDE_ENC_UTF8, 0, "empty input is an empty string");
  clean("\xEF\xBB\xBFhi", 5, LEDE_TEXT_ALL, "hi", LEDE_ENC_UTF8_BOM, 0, "UTF-8 BOM dropped");
  clean("a\r\nb\rc\n", 7, LEDE_TEXT_ALL, "a\nb\nc\n", LEDE_ENC_UTF8, 0, "CRLF and CR become LF");
  clean("a\r\nb", 4, LEDE_TEXT_NFC, "a\r\nb", LEDE_ENC_UTF8, 0, "line ends kept without the flag");
  clean("Cafe\xCC\x81", 6, LEDE_TEXT_ALL, "Caf\xC3\xA9", LEDE_ENC_UTF8, 0, "NFC composes e + U+0301");
  clean("\xD0\xB8\xCC\x86", 4, LEDE_TEXT_ALL, "\xD0\xB9", LEDE_ENC_UTF8, 0, "NFC composes Cyrillic short i");
  clean("\xE2\x80\x9Cquoted\xE2\x80\x9D \xC2\xA0\xE2\x80\x94", 18, LEDE_TEXT_ALL,
        "\xE2\x80\x9Cquoted\xE2\x80\x9D \xC2\xA0\xE2\x80\x94", LEDE_ENC_UTF8, 0, "curly quotes, NBSP, dash kept");
  clean("A long plain run, then Cafe\xCC\x81", 29, LEDE_TEXT_ALL, "A long plain run, then Caf\xC3\xA9", LEDE_ENC_UTF8, 0,
        "NFC composes after a long ASCII run and safe characters");
  clean("\xE2\x80\x9CQuoted\xE2\x80\x9D \xD0\x97 caf\xC3\xA9", 21, LEDE_TEXT_ALL, "\xE2\x80\x9CQuoted\xE2\x80\x9D \xD0\x97 caf\xC3\xA9",
        LEDE_ENC_UTF8, 0, "safe characters only: kept as they are");
  clean("\xEF\xAC\x81", 3, LEDE_TEXT_ALL, "\xEF\xAC\x81", LEDE_ENC_UTF8, 0, "NFC keeps compatibility characters");
  clean("\xE2\x84\xAB", 3, LEDE_TEXT_ALL, "\xC3\x85", LEDE_ENC_UTF8, 0, "NFC maps the Angstrom sign");
  clean("\xFF\xFEH\0i\0", 6, LEDE_TEXT_ALL, "Hi", LEDE_ENC_UTF16LE, 0, "UTF-16LE with BOM");
  clean("\xFE\xFF\0H\0i", 6, LEDE_TEXT_ALL, "Hi", LEDE_ENC_UTF16BE, 0, "UTF-16BE with BOM");
  clean("\xFF\xFE\x3D\xD8\x00\xDE", 6, LEDE_TEXT_ALL, "\xF0\x9F\x98\x80", LEDE_ENC_UTF16LE, 0, "UTF-16 surrogate pair");
  clean("\xFF\xFE\x3D\xD8" "a\0", 6, LEDE_TEXT_ALL, "\xEF\xBF\xBD" "a", LEDE_ENC_UTF16LE, 1, "UTF-16 lone surrogate");
  clean("\x93Smart\x94 caf\xE9", 12, LEDE_TEXT_ALL, "\xE2\x80\x9CSmart\xE2\x80\x9D caf\xC3\xA9",
        LEDE_ENC_CP1252, 0, "Windows-1252 converted");
  clean("\x81x", 2, LEDE_TEXT_ALL, "\xEF\xBF\xBDx", LEDE_ENC_CP1252, 0, "undefined Windows-1252 byte is U+FFFD");
  clean("caf\xC3\xA9 \xFF ok", 10, LEDE_TEXT_ALL, "caf\xC3\xA9 \xEF\xBF\xBD ok", LEDE_ENC_UTF8, 1,
        "UTF-8 with one stray byte stays UTF-8");
  clean("\xC3\xA9\xC0\xAF", 4, LEDE_TEXT_ALL, "\xC3\xA9\xEF\xBF\xBD\xEF\xBF\xBD", LEDE_ENC_UTF8, 2, "overlong: one U+FFFD per byte");
  clean("\xC3\xA9\xED\xA0\x80", 5, LEDE_TEXT_ALL, "\xC3\xA9\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", LEDE_ENC_UTF8, 3, "surrogate encoded in UTF-8");
  clean("\xC3\xA9\xF4\x90\x80\x80", 6, LEDE_TEXT_ALL, "\xC3\xA9\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", LEDE_ENC_UTF8, 4, "above U+10FFFF");
  clean("\xC3\xA9\xE2\x82", 4, LEDE_TEXT_ALL, "\xC3\xA9\xEF\xBF\xBD", LEDE_ENC_UTF8, 1, "truncated sequence is one U+FFFD");
  clean("\xC3\xA9\xE2\x82x", 5, LEDE_TEXT_ALL, "\xC3\xA9\xEF\xBF\xBDx", LEDE_ENC_UTF8, 1, "maximal subpart then ASCII");

  char *out = NULL;
  size_t outn;
  LedeTextInfo ti;
  is_int(lede_text_clean("ELF\0bin", 7, LEDE_TEXT_ALL, &out, &outn, &ti), LEDE_EBINARY, "NUL bytes: binary");
  is_int(ti.nul_offset, 3, "offset of the first NUL");
  ok(lede_utf8_valid("caf\xC3\xA9", 5) && !lede_utf8_valid("\xC0\x80", 2), "lede_utf8_valid");
  is_str(lede_encoding_name(LEDE_ENC_CP1252), "Windows-1252", "encoding names");

  /* a long text crosses the 8-byte fast path at every alignment */
  char big[1000];
  for (int i = 0; i < 999; i++) big[i] = (char)('a' + i % 26);
  big[999] = 0;
  for (int k = 990; k < 999; k++) {
    big[k] = (char)0xFF;
    lede_text_clean(big, 999, LEDE_TEXT_ALL, &out, &outn, &ti);
    if (!ok(ti.encoding == LEDE_ENC_CP1252 && strstr(out, "\xC3\xBF"), "stray byte at %d found", k)) break;
    free(out);
    big[k] = 'x';
  }
  return tap_done();
}
