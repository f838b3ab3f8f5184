/*
 * langid.h -- which language a text is in, from its character n-grams.
 *
 * A naive Bayes classifier over the 1-, 2- and 3-character n-grams of the
 * text's words (case folded, diacritics kept, each word padded with a
 * space at both ends, so "the" gives " t", "th", "he", "e ", " th",
 * "the", "he " and the letters).  The model knows English, German, French,
 * Spanish, Russian and Ukrainian; it is built from training prose in
 * core/gen/langid/ by core/gen/gen_langid.lua into core/langid_data.c.
 * Russian and Ukrainian share most letters; letters of their own (і ї є ґ
 * against ы э ъ) and n-grams such as " що", "ння", "ів " against " что",
 * "ого", "ый " tell them apart.  Only the first 400 bytes are
 * read: an article's first paragraph says enough, and loading stays fast.
 */
#ifndef LEDE_LANGID_H
#define LEDE_LANGID_H

#include <stddef.h>

#define LEDE_LANGID_MAX 6          /* languages the model knows */
#define LEDE_LANGID_BYTES 400      /* bytes of a text that are read */

/* ISO 639-1 code of the text's language ("en", "de", "fr", "es", "ru",
 * "uk"), or NULL when the text has no words or its words are mostly in
 * letters none of the six languages uses (Greek, Chinese...).  Safe to
 * call from several threads. */
const char *lede_langid(const char *text, size_t len);

typedef struct LedeLangScore {
  const char *lang;     /* ISO 639-1 code */
  double score;         /* mean natural-log probability per n-gram */
} LedeLangScore;

/* Every language's score, best first, in out[0..LEDE_LANGID_MAX-1].
 * Returns the number of n-grams scored (0: no words), or a negative
 * LEDE_E* code. */
long lede_langid_rank(const char *text, size_t len, LedeLangScore out[LEDE_LANGID_MAX]);

#endif
