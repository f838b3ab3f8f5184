/*
 * langid_data.h -- the character n-gram model of langid.c, as generated
 * into langid_data.c by core/gen/gen_langid.lua.
 */
#ifndef LEDE_LANGID_DATA_H
#define LEDE_LANGID_DATA_H

#include <stddef.h>

#define LEDE_LANGID_NLANGS 6
#define LEDE_LANGID_SCALE 100    /* log-probabilities are stored times this */

/* One n-gram of 1 to 3 characters (' ' marks a word's edge) with its
 * scaled natural-log probability in each language. */
typedef struct LedeLangGram {
  const char *gram;
  short lp[LEDE_LANGID_NLANGS];
} LedeLangGram;

typedef struct LedeLangModel {
  const char *const *codes;          /* ISO 639-1, LEDE_LANGID_NLANGS of them */
  const short (*unseen)[LEDE_LANGID_NLANGS];  /* [n-1][lang]: an unseen n-gram */
  const LedeLangGram *grams;
  size_t ngrams;
} LedeLangModel;

const LedeLangModel *lede_langid_model(void);

#endif
