/*
 * dedupe.h -- near-duplicate documents: MinHash over word shingles.
 *
 * A document's shingles are its runs of `shingle` consecutive words, the
 * words normalised as the index sees them (case, diacritics, numbers), so
 * punctuation and spacing never matter.  Two documents' similarity is the
 * Jaccard index of their shingle sets: shared shingles over all distinct
 * shingles of the two.  A republished wire story with a new headline and a
 * few edited phrases scores about 0.8 with 3-word shingles; a machine
 * rewrite (synonyms swapped, paragraphs reordered) keeps few 3-word runs
 * and scores 0.15-0.3, best seen with 2-word shingles.
 *
 * A signature of LEDE_MINHASH_SLOTS 32-bit values estimates the Jaccard
 * index (the share of equal slots; standard error at most 0.03).  It is
 * built by one-permutation hashing: each shingle's 64-bit hash picks a
 * slot by its top bits and competes there for the minimum with its low
 * bits; a slot no shingle reached borrows the value of a slot chosen by a
 * fixed hash sequence ("optimal densification", Shrivastava 2017), the
 * same for every document, so the estimate stays unbiased for short texts.
 * One hash per shingle, not one per slot: this is what makes signing a
 * large corpus cost little more than tokenizing it.
 *
 * Candidate pairs come from LSH banding: the signature is cut into bands
 * of r slots and documents whose band is identical are candidates; r is
 * chosen from the threshold so that a pair right at the threshold is a
 * candidate with probability at least 0.95 (more above it).  Candidates
 * whose estimate is near the threshold or above are then confirmed by the
 * exact Jaccard index of their shingle sets, which is what is reported.
 */
#ifndef LEDE_DEDUPE_H
#define LEDE_DEDUPE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "lede/store.h"

#define LEDE_MINHASH_SLOTS 256
#define LEDE_SHINGLE_MAX 9       /* longest shingle, in words */

/*
 * The signature of a text with the default normalisation.  Returns the
 * number of distinct shingles (0 for a text without words, whose
 * signature never equals another's), or a negative LEDE_E* code.
 * shingle is 1..LEDE_SHINGLE_MAX; a text of fewer words has one shingle.
 */
long lede_minhash_text(const char *text, size_t len, int shingle,
                       uint32_t sig[LEDE_MINHASH_SLOTS]);

/* Estimated Jaccard index: the share of slots two signatures agree on. */
double lede_minhash_estimate(const uint32_t *a, const uint32_t *b);

/* Exact Jaccard index of two texts' shingle sets (0 when either has no
 * words), or a negative LEDE_E* code. */
double lede_jaccard_text(const char *a, size_t alen, const char *b,
                         size_t blen, int shingle);

/* LSH rows per band used for a threshold (bands = SLOTS / rows). */
int lede_minhash_rows(double threshold);

/* Options of lede_duplicates(). */
typedef struct LedeDupOpts {
  double threshold;     /* report pairs with Jaccard >= this (0 < t <= 1) */
  int shingle;          /* words per shingle, 1..LEDE_SHINGLE_MAX */
  int64_t newer_than;   /* only pairs whose later document has an id above
                         * this (0: all pairs); for checking a new load */
  volatile sig_atomic_t *interrupt;  /* nonzero: stop early (LEDE_EINTR) */
} LedeDupOpts;

typedef struct LedeDupPair {
  int64_t a, b;         /* document ids, a < b */
  double similarity;    /* exact Jaccard index */
} LedeDupPair;

/*
 * Pairs of stored documents at or above the threshold, by (a, b).
 * Signatures missing from the corpus are computed and kept in table
 * lede_minhash (unless the corpus is read-only), so later calls only read
 * them.  *pairs is malloc'd (free it); returns LEDE_OK or a LEDE_E* code
 * (lede_store_errmsg says why).
 */
int lede_duplicates(LedeStore *st, const LedeDupOpts *o, LedeDupPair **pairs,
                    size_t *npairs);

/* Number of signatures stored for a shingle size, computing missing ones
 * first (what the first call of lede_duplicates spends its time on). */
int lede_minhash_update(LedeStore *st, int shingle, long *computed);

#endif
