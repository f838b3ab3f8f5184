/*
 * tokbench.c -- tokenizer throughput, not a unit test: tokenizes the given
 * files (repeated to at least 8 MB when they are small) several times and
 * prints the best round's MB/s in CPU time, so a busy machine inflates no
 * figure.  -s forces the general path (LEDE_TOK_SLOWPATH), -p asks for
 * spans only (LEDE_TOK_SPANS), -r N sets the rounds (default 5), -d SIZE
 * tokenizes in documents of about SIZE bytes cut at line ends, as a load
 * does (default: each file whole).
 *
 *   cc -O2 -Iinclude tests/bench/tokbench.c build/liblede.a $(libs)
 *   build/tokbench [-s] [-p] [-r N] [-d SIZE] file...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "lede/lede.h"
#include "lede/tokenize.h"

static int count(void *ud, const LedeToken *t)
{
  size_t *c = ud;
  c[0]++;
  c[1] += t->len + t->pos + t->sentence;
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

static double cpu_now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Tokenize text once, in documents of about doc bytes (0: whole). */
static void run(LedeTokenizer *tk, const char *text, size_t n, size_t doc, size_t *c)
{
  for (size_t i = 0; i < n;) {
    size_t e = doc ? i + doc : n;
    if (e >= n) e = n;
    else { const char *nl = memchr(text + e, '\n', n - e); e = nl ? (size_t)(nl - text) + 1 : n; }
    lede_tokenize(tk, text + i, e - i, count, c);
    i = e;
  }
}

int main(int argc, char **argv)
{
  unsigned opts = LEDE_TOK_DEFAULT;
  int rounds = 5, o;
  size_t doc = 0;
  while ((o = getopt(argc, argv, "spr:d:")) != -1) {
    if (o == 's') opts |= LEDE_TOK_SLOWPATH;
    else if (o == 'p') opts |= LEDE_TOK_SPANS;
    else if (o == 'r') rounds = atoi(optarg);
    else if (o == 'd') doc = (size_t)atol(optarg);
    else { fprintf(stderr, "usage: tokbench [-s] [-p] [-r N] [-d SIZE] file...\n"); return 2; }
  }
  size_t cap = 0, n = 0;
  char *text = NULL;
  do {
    for (int i = optind; i < argc; i++) {
      size_t m;
      char *p = slurp(argv[i], &m);
      if (!p) { fprintf(stderr, "tokbench: cannot read %s\n", argv[i]); return 1; }
      if (n + m + 1 > cap) {
        cap = (n + m + 1) * 2;
        text = realloc(text, cap);
        if (!text) return 1;
      }
      memcpy(text + n, p, m);
      n += m;
      text[n++] = '\n';
      free(p);
    }
  } while (n && n < (8u << 20));
  if (!n) { fprintf(stderr, "usage: tokbench [-s] [-p] [-r N] [-d SIZE] file...\n"); return 2; }
  LedeTokenizer *tk = lede_tokenizer_new(opts);
  if (!tk) return 1;
  double best = 1e30;
  size_t c[2] = {0, 0};
  for (int r = 0; r < rounds; r++) {
    c[0] = c[1] = 0;
    double a = cpu_now();
    run(tk, text, n, doc, c);
    double secs = cpu_now() - a;
    if (secs < best) best = secs;
  }
  printf("tokbench: %.1f MB, best of %d: %.3f s CPU, %.1f MB/s, %.1f M tokens/s (check %zx)\n",
         (double)n / 1e6, rounds, best, (double)n / 1e6 / best, (double)c[0] / 1e6 / best, c[1]);
  lede_tokenizer_free(tk);
  free(text);
  return 0;
}
