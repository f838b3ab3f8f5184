/*
 * csv.c -- RFC 4180 records from a LedeReader, streaming.
 *
 * Quoted fields may hold the delimiter, line breaks and doubled quotes; a
 * quote inside an unquoted field is kept as it is (as Python's csv does);
 * CRLF and LF both end a record; a BOM at the very start and blank lines
 * are skipped.  A quoted field left open at the end of input is an error
 * naming the line on which its record began.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lede_int.h"

struct LedeCsv {
  LedeReader *r;
  char delim;
  long line;               /* current line of input, 1-based */
  int started;
  LedeBuf text;            /* the fields of a record, NUL-separated */
  size_t *off, *lens;
  char **fields;
  size_t nf, cap;
  char err[160];
};

LedeCsv *lede_csv_new(LedeReader *r, char delim)
{
  LedeCsv *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->r = r;
  c->delim = delim;
  c->line = 1;
  return c;
}

void lede_csv_free(LedeCsv *c)
{
  if (!c) return;
  lede_buf_free(&c->text);
  free(c->off);
  free(c->lens);
  free(c->fields);
  free(c);
}

const char *lede_csv_error(LedeCsv *c) { return c->err; }

static int end_field(LedeCsv *c, size_t start)
{
  if (c->nf == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 32;
    size_t *o = realloc(c->off, cap * sizeof *o);
    if (o) c->off = o;
    size_t *l = realloc(c->lens, cap * sizeof *l);
    if (l) c->lens = l;
    char **f = realloc(c->fields, cap * sizeof *f);
    if (f) c->fields = f;
    if (!o || !l || !f) return 0;
    c->cap = cap;
  }
  c->off[c->nf] = start;
  c->lens[c->nf] = c->text.n - start;
  c->nf++;
  lede_buf_addc(&c->text, '\0');
  return !c->text.oom;
}

/* A quoted field: up to its closing quote.  Returns the character after
 * it, or -2 when the input ends inside it. */
static int quoted(LedeCsv *c)
{
  for (;;) {
    int ch = lede_reader_getc(c->r);
    if (ch < 0) return -2;
    if (ch == '"') {
      int next = lede_reader_getc(c->r);
      if (next != '"') return next;
      lede_buf_addc(&c->text, '"');
      continue;
    }
    if (ch == '\n') c->line++;
    lede_buf_addc(&c->text, (char)ch);
  }
}

int lede_csv_next(LedeCsv *c, size_t *nf, char ***fields, size_t **lens, long *line)
{
  int ch;
  c->err[0] = '\0';
  for (;;) {                                   /* skip blank lines, BOM */
    ch = lede_reader_getc(c->r);
    if (!c->started) {
      c->started = 1;
      if (ch == 0xEF) {
        int b = lede_reader_getc(c->r), d = lede_reader_getc(c->r);
        if (b == 0xBB && d == 0xBF) { ch = lede_reader_getc(c->r); }
        else { snprintf(c->err, sizeof c->err, "bad byte order mark"); *line = c->line; return -1; }
      }
    }
    if (ch == '\r') continue;
    if (ch == '\n') { c->line++; continue; }
    break;
  }
  if (ch < 0) return 0;
  *line = c->line;
  c->text.n = 0;
  c->nf = 0;
  size_t start = 0;
  for (;;) {
    if (ch == '"' && c->text.n == start) {
      ch = quoted(c);
      if (ch == -2) {
        snprintf(c->err, sizeof c->err, "a quoted field is never closed");
        return -1;
      }
      continue;
    }
    if (ch < 0 || ch == '\n' || (ch == '\r')) {
      if (ch == '\r') {
        int next = lede_reader_getc(c->r);
        if (next != '\n' && next >= 0) { lede_buf_addc(&c->text, '\r'); ch = next; continue; }
      }
      if (ch >= 0) c->line++;
      if (!end_field(c, start)) return -1;
      break;
    }
    if (ch == c->delim) {
      if (!end_field(c, start)) return -1;
      start = c->text.n;
    } else {
      lede_buf_addc(&c->text, (char)ch);
    }
    ch = lede_reader_getc(c->r);
  }
  for (size_t i = 0; i < c->nf; i++) c->fields[i] = c->text.p + c->off[i];
  *nf = c->nf;
  *fields = c->fields;
  *lens = c->lens;
  return 1;
}
