/*
 * warc.c -- WARC records and the HTTP responses they hold.
 *
 * A WARC file is a sequence of records: a version line ("WARC/1.0" or
 * "WARC/1.1"), named header fields, a blank line, Content-Length bytes of
 * content, and two CRLFs.  Crawlers gzip each record on its own (a
 * multi-member gzip file) or the whole file; zlib's gzread reads both as
 * one stream, so this module sees plain records.  A response record's
 * content is the HTTP response as it was received: status line, headers,
 * and a body that may be chunked and gzip- or deflate-encoded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>
#include "lede_int.h"

struct LedeWarc {
  LedeReader *r;
  long number;
  double pos;
};

LedeWarc *lede_warc_new(LedeReader *r)
{
  LedeWarc *w = calloc(1, sizeof *w);
  if (w) w->r = r;
  return w;
}

void lede_warc_free(LedeWarc *w) { free(w); }

void lede_warc_record_free(LedeWarcRecord *rec)
{
  free(rec->type);
  free(rec->target_uri);
  free(rec->date);
  free(rec->content_type);
  free(rec->block);
  memset(rec, 0, sizeof *rec);
}

/* A header line: the value of field `name`, trimmed, or NULL. */
static char *field(const char *line, size_t n, const char *name)
{
  size_t k = strlen(name);
  if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':') return NULL;
  size_t a = k + 1;
  while (a < n && (line[a] == ' ' || line[a] == '\t')) a++;
  while (n > a && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r')) n--;
  /* WARC/1.0 writes the target URI in angle brackets */
  if (n - a >= 2 && line[a] == '<' && line[n - 1] == '>') { a++; n--; }
  return strndup(line + a, n - a);
}

static void fail(char *err, size_t errlen, const char *fmt, long num, double off, const char *extra)
{
  char what[200];
  snprintf(what, sizeof what, fmt, extra ? extra : "");
  snprintf(err, errlen, "record %ld (at byte %.0f): %s", num, off, what);
}

int lede_warc_next(LedeWarc *w, LedeWarcRecord *rec, char *err, size_t errlen)
{
  memset(rec, 0, sizeof *rec);
  const char *line;
  size_t len;
  int rc;
  /* Skip the blank lines that end the previous record. */
  while ((rc = lede_reader_line(w->r, &line, &len)) == 1) {
    w->pos += (double)len + 1;
    if (len && !(len == 1 && line[0] == '\r')) break;
  }
  long num = w->number + 1;
  double off = w->pos - (double)len - 1;
  if (rc == 0) return 0;
  if (rc < 0) {
    fail(err, errlen, "read error: %s", num, w->pos, lede_reader_error(w->r));
    return -1;
  }
  if (len < 8 || strncmp(line, "WARC/", 5) != 0) {
    fail(err, errlen, "not a WARC record (no WARC/1.0 or WARC/1.1 line)%s", num, off, NULL);
    return -1;
  }
  w->number = num;
  rec->number = num;
  rec->offset = off;
  long long clen = -1;
  while ((rc = lede_reader_line(w->r, &line, &len)) == 1) {
    w->pos += (double)len + 1;
    if (len == 0 || (len == 1 && line[0] == '\r')) break;
    char *v;
    if ((v = field(line, len, "WARC-Type"))) { free(rec->type); rec->type = v; }
    else if ((v = field(line, len, "WARC-Target-URI"))) { free(rec->target_uri); rec->target_uri = v; }
    else if ((v = field(line, len, "WARC-Date"))) { free(rec->date); rec->date = v; }
    else if ((v = field(line, len, "Content-Type"))) { free(rec->content_type); rec->content_type = v; }
    else if ((v = field(line, len, "Content-Length"))) {
      char *end;
      clen = strtoll(v, &end, 10);
      if (end == v || *end || clen < 0) clen = -2;
      free(v);
    }
  }
  if (rc != 1) {
    const char *e = lede_reader_error(w->r);
    char msg[160];
    snprintf(msg, sizeof msg, "cut short in its header%s%s", e ? ": " : "", e ? e : "");
    fail(err, errlen, "%s", num, off, msg);
    lede_warc_record_free(rec);
    return -1;
  }
  if (clen < 0) {
    fail(err, errlen, "%s", num, off, clen == -1 ? "no Content-Length" : "bad Content-Length");
    lede_warc_record_free(rec);
    return -1;
  }
  rec->block = malloc((size_t)clen + 1);
  if (!rec->block) {
    fail(err, errlen, "out of memory%s", num, off, NULL);
    lede_warc_record_free(rec);
    return -1;
  }
  long long got = 0;
  int c;
  while (got < clen && (c = lede_reader_getc(w->r)) >= 0) rec->block[got++] = (char)c;
  w->pos += (double)got;
  rec->block[got] = '\0';
  rec->block_len = (size_t)got;
  if (got < clen) {
    const char *e = lede_reader_error(w->r);
    char msg[160];
    snprintf(msg, sizeof msg, "cut short: %lld of %lld content bytes%s%s", got, clen,
             e ? "; " : "", e ? e : "");
    fail(err, errlen, "%s", num, off, msg);
    lede_warc_record_free(rec);
    return -1;
  }
  return 1;
}

/* ---- HTTP ---------------------------------------------------------------- */

void lede_http_free(LedeHttp *h)
{
  free(h->content_type);
  free(h->body);
  memset(h, 0, sizeof *h);
}

static int contains(const char *s, const char *w)
{
  size_t k = strlen(w);
  for (; *s; s++) if (strncasecmp(s, w, k) == 0) return 1;
  return 0;
}

/* Chunked transfer coding: hex size line, data, CRLF, ..., a 0 chunk. */
static int dechunk(const char *p, size_t n, LedeBuf *out)
{
  size_t i = 0;
  for (;;) {
    size_t size = 0;
    int digits = 0;
    while (i < n) {
      char c = p[i];
      int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (v < 0) break;
      if (size > (SIZE_MAX >> 4)) return -1;
      size = size * 16 + (size_t)v;
      digits++;
      i++;
    }
    if (!digits) return -1;
    while (i < n && p[i] != '\n') i++;   /* chunk extensions */
    if (i++ >= n) return -1;
    if (size == 0) return 0;
    if (size > n - i) return -1;
    lede_buf_add(out, p + i, size);
    i += size;
    if (i < n && p[i] == '\r') i++;
    if (i < n && p[i] == '\n') i++;
  }
}

static int inflate_body(const char *p, size_t n, int gzip, LedeBuf *out)
{
  z_stream z;
  memset(&z, 0, sizeof z);
  if (inflateInit2(&z, gzip ? 15 + 32 : 15) != Z_OK) return -1;
  z.next_in = (Bytef *)p;
  z.avail_in = (uInt)n;
  int rc;
  do {
    if (!lede_buf_reserve(out, 65536)) { rc = Z_MEM_ERROR; break; }
    z.next_out = (Bytef *)out->p + out->n;
    z.avail_out = 65536;
    rc = inflate(&z, Z_NO_FLUSH);
    out->n += 65536 - z.avail_out;
    if (rc == Z_NEED_DICT || rc == Z_DATA_ERROR) {
      /* "deflate" sometimes means raw deflate, without the zlib wrapper */
      if (!gzip && out->n == 0) {
        inflateEnd(&z);
        memset(&z, 0, sizeof z);
        if (inflateInit2(&z, -15) != Z_OK) return -1;
        z.next_in = (Bytef *)p;
        z.avail_in = (uInt)n;
        gzip = 1;
        rc = Z_OK;
        continue;
      }
      break;
    }
  } while (rc == Z_OK && (z.avail_in > 0 || z.avail_out == 0));
  inflateEnd(&z);
  return rc == Z_STREAM_END || (rc == Z_OK || rc == Z_BUF_ERROR) ? 0 : -1;
}

int lede_http_parse(const char *p, size_t n, LedeHttp *h, char *err, size_t errlen)
{
  memset(h, 0, sizeof *h);
  if (n < 12 || strncmp(p, "HTTP/", 5) != 0) {
    snprintf(err, errlen, "not an HTTP response");
    return LEDE_EFORMAT;
  }
  const char *sp = memchr(p, ' ', n > 20 ? 20 : n);
  h->status = sp ? atoi(sp + 1) : 0;
  int chunked = 0, gzip = 0, deflate = 0;
  size_t i = 0;
  for (;;) {
    const char *nl = memchr(p + i, '\n', n - i);
    if (!nl) {
      snprintf(err, errlen, "HTTP headers without an end");
      lede_http_free(h);
      return LEDE_EFORMAT;
    }
    size_t len = (size_t)(nl - (p + i));
    const char *line = p + i;
    i += len + 1;
    if (len == 0 || (len == 1 && line[0] == '\r')) break;
    char *v;
    if ((v = field(line, len, "Content-Type"))) { free(h->content_type); h->content_type = v; }
    else if ((v = field(line, len, "Transfer-Encoding"))) { chunked = contains(v, "chunked"); free(v); }
    else if ((v = field(line, len, "Content-Encoding"))) {
      gzip = contains(v, "gzip");
      deflate = contains(v, "deflate");
      free(v);
    }
  }
  LedeBuf body = {0}, dec = {0};
  const char *b = p + i;
  size_t bn = n - i;
  if (chunked) {
    if (dechunk(b, bn, &body) < 0) {
      snprintf(err, errlen, "broken chunked transfer coding");
      goto bad;
    }
    b = body.p ? body.p : "";
    bn = body.n;
  }
  if (gzip || deflate) {
    if (inflate_body(b, bn, gzip, &dec) < 0) {
      snprintf(err, errlen, "broken %s content encoding", gzip ? "gzip" : "deflate");
      goto bad;
    }
    b = dec.p ? dec.p : "";
    bn = dec.n;
  }
  h->body = malloc(bn + 1);
  if (!h->body) { snprintf(err, errlen, "out of memory"); goto bad; }
  memcpy(h->body, b, bn);
  h->body[bn] = '\0';
  h->body_len = bn;
  lede_buf_free(&body);
  lede_buf_free(&dec);
  return LEDE_OK;
bad:
  lede_buf_free(&body);
  lede_buf_free(&dec);
  lede_http_free(h);
  return LEDE_EFORMAT;
}
