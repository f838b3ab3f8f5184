/*
 * test_minhash.c -- MinHash signatures against exact Jaccard indexes
 * worked by hand: word sets with a known overlap, the estimate's error
 * over many pairs, identical and empty texts, and the LSH band sizes
 * chosen for a threshold (worked out from 1 - (1 - t^r)^(256/r) >= 0.95).
 */
#include <math.h>
#include <stdlib.h>
#include "lede_int.h"
#include "lede/dedupe.h"
#include "tap.h"

/* Words w<from> .. w<from+n-1>, one per word position. */
static char *words(int from, int n)
{
  LedeBuf b = {0};
  for (int i = from; i < from + n; i++) lede_buf_printf(&b, "w%d ", i);
  return lede_buf_detach(&b, NULL);
}

int main(void)
{
  /* A = w0..w299, B = ws..w(s+299): with 1-word shingles J = (300-s)/(300+s). */
  double worst = 0, sum = 0;
  int exact_ok = 1, pairs = 0;
  for (int s = 0; s <= 240; s += 8) {
    char *a = words(0, 300), *b = words(s, 300);
    double want = (300.0 - s) / (300.0 + s);
    double j = lede_jaccard_text(a, strlen(a), b, strlen(b), 1);
    if (fabs(j - want) > 1e-12) { exact_ok = 0; diag("s=%d: exact %f, want %f", s, j, want); }
    uint32_t sa[LEDE_MINHASH_SLOTS], sb[LEDE_MINHASH_SLOTS];
    lede_minhash_text(a, strlen(a), 1, sa);
    lede_minhash_text(b, strlen(b), 1, sb);
    double err = fabs(lede_minhash_estimate(sa, sb) - want);
    if (err > worst) worst = err;
    sum += err;
    pairs++;
    free(a);
    free(b);
  }
  ok(exact_ok, "exact Jaccard of overlapping word ranges is (300-s)/(300+s)");
  diag("MinHash estimate over %d pairs: mean error %.4f, worst %.4f", pairs, sum / pairs, worst);
  ok(sum / pairs < 0.035, "mean estimate error below 0.035 (%.4f)", sum / pairs);
  ok(worst < 0.1, "worst estimate error below 0.1 (%.4f)", worst);

  /* Shingles of 2 words: "a b c d e" has {ab bc cd de}; "a b c x e" {ab bc cx xe}: 2/6. */
  is_int((int)(lede_jaccard_text("a b c d e", 9, "a b c x e", 9, 2) * 600 + 0.5), 200,
         "2-word shingles: 2 shared of 6 distinct");
  long n = lede_minhash_text("a b c d e", 9, 2, (uint32_t[LEDE_MINHASH_SLOTS]){0});
  is_int(n, 4, "four distinct 2-word shingles");

  /* Identical texts, short texts, empty text. */
  uint32_t x[LEDE_MINHASH_SLOTS], y[LEDE_MINHASH_SLOTS];
  const char *t = "Only a few words here.";
  lede_minhash_text(t, strlen(t), 3, x);
  lede_minhash_text(t, strlen(t), 3, y);
  ok(lede_minhash_estimate(x, y) == 1.0, "the same text: every slot agrees");
  const char *u = "Only a few words there.";
  lede_minhash_text(u, strlen(u), 3, y);
  ok(lede_minhash_estimate(x, y) < 1.0, "a short text's every slot is filled: one changed word shows");
  is_int(lede_minhash_text("", 0, 3, x), 0, "no words: no shingles");
  is_int(lede_minhash_text("a", 1, 0, x), LEDE_EMISUSE, "shingle 0 is misuse");

  /* Band sizes: most rows that keep the pair at the threshold a candidate
   * with probability >= 0.95. */
  is_int(lede_minhash_rows(0.5), 4, "threshold 0.5: bands of 4 (1-(1-0.5^4)^64 = 0.984; 5 rows give 0.80)");
  is_int(lede_minhash_rows(0.8), 9, "threshold 0.8: bands of 9 (0.982; 10 rows give 0.941)");
  is_int(lede_minhash_rows(0.25), 2, "threshold 0.25: bands of 2 (0.9997; 3 rows give 0.74)");
  is_int(lede_minhash_rows(0.05), 2, "never fewer than 2 rows");
  return tap_done();
}
