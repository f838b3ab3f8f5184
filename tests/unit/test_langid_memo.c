/*
 * test_langid_memo.c -- langid.c keeps recent words' sums per thread:
 * a text's scores must not depend on what the thread scored before.
 * Each paragraph of tests/fixtures/lang/short.tsv is scored on a fresh
 * thread (an empty memo) and again on one thread after every paragraph,
 * thousands of made-up words (slots taken over) and words that share
 * their first 24 bytes or differ only past them.
 */
#include <pthread.h>
#include <stdlib.h>
#include "lede_int.h"
#include "lede/langid.h"
#include "tap.h"

#define MAXP 400

typedef struct Para { char *text; LedeLangScore sc[LEDE_LANGID_MAX]; long n; } Para;

static void *score(void *arg)
{
  Para *p = arg;
  p->n = lede_langid_rank(p->text, strlen(p->text), p->sc);
  return NULL;
}

static int same(const Para *a, const Para *b)
{
  if (a->n != b->n) return 0;
  for (int i = 0; i < LEDE_LANGID_MAX; i++)
    if (strcmp(a->sc[i].lang, b->sc[i].lang) != 0 || a->sc[i].score != b->sc[i].score) return 0;
  return 1;
}

/* Made-up words, long ones too, to push the fixture's words out. */
static void churn(unsigned seed)
{
  char text[4096];
  for (int round = 0; round < 40; round++) {
    size_t n = 0;
    while (n < 380) {
      int len = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 30;
      for (int i = 0; i < len && n < sizeof text - 2; i++)
        text[n++] = (char)('a' + ((seed = seed * 1103515245u + 12345u) >> 16) % 26);
      text[n++] = ' ';
    }
    text[n] = '\0';
    LedeLangScore sc[LEDE_LANGID_MAX];
    lede_langid_rank(text, n, sc);
  }
}

static int load(Para *ps)
{
  FILE *f = fopen("tests/fixtures/lang/short.tsv", "r");
  if (!f) return 0;
  char line[2048];
  int n = 0;
  while (n < MAXP && fgets(line, sizeof line, f)) {
    if (line[0] == '#' || strlen(line) < 4 || line[2] != '\t') continue;
    line[strcspn(line, "\n")] = '\0';
    ps[n++].text = strdup(line + 3);
  }
  fclose(f);
  return n;
}

static void fixture(void)
{
  static Para cold[MAXP], warm[MAXP];
  int n = load(cold);
  ok(n >= 120, "%d paragraphs in the fixture", n);
  for (int i = 0; i < n; i++) {
    pthread_t t;
    pthread_create(&t, NULL, score, &cold[i]);
    pthread_join(t, NULL);
  }
  int bad = 0;
  for (int pass = 0; pass < 3; pass++) {
    for (int i = 0; i < n; i++) {
      warm[i].text = cold[i].text;
      score(&warm[i]);
      if (!same(&cold[i], &warm[i])) bad++;
    }
    churn(7u + (unsigned)pass);
  }
  ok(bad == 0, "scores on a used memo equal a fresh thread's (%d differ)", bad);
  for (int i = 0; i < n; i++) free(cold[i].text);
}

/* Words whose first 24 bytes agree, or of 24 and 25 bytes. */
static void long_words(void)
{
  const char *texts[] = {
    "internationalisationsxyzabc internationalisationsxyzdef the of and",
    "internationalisationsxyz internationalisationsxyza the of and",
    "internationalisationsxyzabc internationalisationsxyz der die das",
    "Donaudampfschifffahrtsgesellschaftskapitän und die Donaudampfschifffahrtsgesellschaft",
  };
  int n = (int)(sizeof texts / sizeof *texts), bad = 0;
  Para cold[4], warm[4];
  for (int i = 0; i < n; i++) {
    cold[i].text = (char *)texts[i];
    pthread_t t;
    pthread_create(&t, NULL, score, &cold[i]);
    pthread_join(t, NULL);
  }
  for (int pass = 0; pass < 2; pass++)
    for (int i = n - 1; i >= 0; i--) {
      warm[i].text = (char *)texts[i];
      score(&warm[i]);
      bad += !same(&cold[i], &warm[i]);
    }
  ok(bad == 0, "long words and shared prefixes score as on a fresh thread (%d differ)", bad);
}

int main(void)
{
  fixture();
  long_words();
  return tap_done();
}
