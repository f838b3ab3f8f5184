/*
 * fuzz_web.c -- the web parsers on arbitrary bytes: HTML extraction,
 * mojibake and entity repair, WARC records and the HTTP responses in them.
 * No crash, lengths as they say, repaired text still valid UTF-8.
 */
#include <stdlib.h>
#include <string.h>
#include "lede_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void repair(const char *s, size_t n)
{
  char *out;
  size_t on;
  if (lede_repair_mojibake(s, n, &out, &on)) {
    if (!lede_utf8_valid(out, on) || strlen(out) != on) abort();
    free(out);
  }
  if (lede_repair_entities(s, n, &out, &on)) {
    if (!lede_utf8_valid(out, on) || strlen(out) != on) abort();
    free(out);
  }
}

static void html(const char *s, size_t n)
{
  LedeHtmlDoc d;
  char err[160];
  if (lede_html_extract(s, n, &d, err, sizeof err) == LEDE_OK) {
    if (!d.text || strlen(d.text) != d.text_len || d.kept > d.blocks) abort();
  }
  lede_html_doc_free(&d);
  char cs[40];
  lede_html_charset(s, n, cs, sizeof cs);
  if (strlen(cs) >= sizeof cs) abort();
}

static void warc(const char *s, size_t n)
{
  LedeReader *r = lede_reader_mem(s, n);
  LedeWarc *w = lede_warc_new(r);
  LedeWarcRecord rec;
  char err[300];
  long last = 0;
  while (lede_warc_next(w, &rec, err, sizeof err) == 1) {
    if (rec.number != last + 1 || rec.block_len > n) abort();
    last = rec.number;
    LedeHttp h;
    if (lede_http_parse(rec.block, rec.block_len, &h, err, sizeof err) == LEDE_OK) {
      if (!h.body) abort();
      lede_http_free(&h);
    }
    lede_warc_record_free(&rec);
  }
  lede_warc_free(w);
  lede_reader_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *s = (const char *)data;
  char *clean = NULL;
  size_t cn;
  LedeTextInfo ti;
  if (lede_text_clean(s, size, LEDE_TEXT_DETECT | LEDE_TEXT_NEWLINES, &clean, &cn, &ti) == LEDE_OK) {
    repair(clean, cn);
    html(clean, cn);
  }
  free(clean);
  warc(s, size);
  return 0;
}
