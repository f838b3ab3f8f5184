/*
 * tokbench.c -- tokenizer throughput, not a unit test: tokenizes a file (or
 * the news seeds repeated to a few MB) several times and prints MB/s.
 *
 *   cc -O2 -Iinclude tests/bench/tokbench.c build/liblede.a $(libs)
 *   build/tokbench [file...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lede/lede.h"
#include "lede/tokenize.h"

static int count(void *ud, const LedeToken *t)
{
  (void)t;
  ++*(size_t *)ud;
  return 0;
}

static char *slurp(const char *path, size_t *n)
{
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *p = malloc((size_t)len + 1);
  if (p && fread(p, 1, (size_t)len, f) != (size_t)len) { free(p); p = NULL; }
  fclose(f);
  *n = (size_t)len;
  return p;
}

int main(int argc, char **argv)
{
  size_t cap = 8u << 20, n = 0;
  char *text = malloc(cap);
  if (!text) return 1;
  /* Fill ~8 MB by repeating the files given. */
  while (n < cap / 2 && argc > 1) {
    for (int i = 1; i < argc; i++) {
      size_t m;
      char *p = slurp(argv[i], &m);
      if (!p) { fprintf(stderr, "tokbench: cannot read %s\n", argv[i]); return 1; }
      if (n + m + 1 > cap) { free(p); goto full; }
      memcpy(text + n, p, m);
      n += m;
      text[n++] = '\n';
      free(p);
    }
  }
full:
  if (!n) { fprintf(stderr, "usage: tokbench file...\n"); return 1; }
  LedeTokenizer *tk = lede_tokenizer_new(LEDE_TOK_DEFAULT);
  size_t tokens = 0;
  struct timespec a, b;
  int rounds = 5;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int r = 0; r < rounds; r++) lede_tokenize(tk, text, n, count, &tokens);
  clock_gettime(CLOCK_MONOTONIC, &b);
  double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
  printf("tokbench: %.1f MB x %d in %.3f s: %.1f MB/s, %.1f M tokens/s\n",
         (double)n / 1e6, rounds, secs, (double)n * rounds / 1e6 / secs,
         (double)tokens / 1e6 / secs);
  lede_tokenizer_free(tk);
  free(text);
  return 0;
}
