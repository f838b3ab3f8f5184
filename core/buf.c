/*
 * buf.c -- growable byte buffer with a sticky out-of-memory flag, so that
 * code building a string checks for failure once, at the end.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lede_int.h"

int lede_buf_reserve(LedeBuf *b, size_t extra)
{
  if (b->oom) return 0;
  if (b->n + extra + 1 <= b->cap) return 1;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->n + extra + 1) {
    if (cap > SIZE_MAX / 2) { b->oom = 1; return 0; }
    cap *= 2;
  }
  char *p = realloc(b->p, cap);
  if (!p) { b->oom = 1; return 0; }
  b->p = p;
  b->cap = cap;
  return 1;
}

void lede_buf_add(LedeBuf *b, const void *p, size_t n)
{
  if (!lede_buf_reserve(b, n)) return;
  if (n) memcpy(b->p + b->n, p, n);
  b->n += n;
  b->p[b->n] = '\0';
}

void lede_buf_addc(LedeBuf *b, char c)
{
  if (!lede_buf_reserve(b, 1)) return;
  b->p[b->n++] = c;
  b->p[b->n] = '\0';
}

void lede_buf_adds(LedeBuf *b, const char *s)
{
  lede_buf_add(b, s, strlen(s));
}

void lede_buf_printf(LedeBuf *b, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (len < 0 || !lede_buf_reserve(b, (size_t)len)) return;
  va_start(ap, fmt);
  vsnprintf(b->p + b->n, (size_t)len + 1, fmt, ap);
  va_end(ap);
  b->n += (size_t)len;
}

void lede_buf_addcp(LedeBuf *b, uint32_t cp)
{
  char u[4];
  size_t n;
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) { u[0] = (char)cp; n = 1; }
  else if (cp < 0x800) {
    u[0] = (char)(0xC0 | (cp >> 6)); u[1] = (char)(0x80 | (cp & 0x3F)); n = 2;
  } else if (cp < 0x10000) {
    u[0] = (char)(0xE0 | (cp >> 12)); u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
  } else {
    u[0] = (char)(0xF0 | (cp >> 18)); u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[3] = (char)(0x80 | (cp & 0x3F));
    n = 4;
  }
  lede_buf_add(b, u, n);
}

char *lede_buf_detach(LedeBuf *b, size_t *n)
{
  if (b->oom) { lede_buf_free(b); return NULL; }
  if (!b->p && !lede_buf_reserve(b, 0)) return NULL;
  if (b->n == 0) b->p[0] = '\0';
  char *p = b->p;
  if (n) *n = b->n;
  b->p = NULL;
  b->n = b->cap = 0;
  return p;
}

void lede_buf_free(LedeBuf *b)
{
  free(b->p);
  b->p = NULL;
  b->n = b->cap = 0;
  b->oom = 0;
}
