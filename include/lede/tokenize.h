/*
 * tokenize.h -- splitting UTF-8 news text into tokens.
 *
 * Word boundaries follow UAX #29 (Unicode 15.0, generated tables); on top
 * of them news rules join what readers see as one token: "U.S.", "100,000",
 * "13:56", URLs, e-mail addresses, #hashtags and @mentions, and hyphenated
 * compounds, which are reported whole AND as their parts.
 *
 * Positions.  Words, numbers, URLs, e-mails, hashtags and mentions take
 * consecutive positions 0, 1, 2, ...  Punctuation and symbols are reported
 * (for KWIC and sentences) with LEDE_TOKF_NOPOS and the position the next
 * word will get; indexers skip them.  A compound of k parts takes k
 * positions: "Putin-Biden talks" gives putin-biden:[0] putin:[0] biden:[1]
 * talks:[2], so the phrase "putin biden" matches and so do both
 * `putin-biden` and `biden`.  The whole carries LEDE_TOKF_COMPOUND (phrase
 * builders skip it), the parts LEDE_TOKF_PART.  A hashtag "#Kyiv" gives
 * "#kyiv" and, at the same position, the part "kyiv".
 *
 * Normal form.  NFKC, full case folding, ’ and ʼ as ', a possessive 's
 * dropped ("Russia’s" -> "russia"), and with LEDE_TOK_FOLD_DIACRITICS (on by
 * default) marks stripped from Latin and Greek letters ("café" -> "cafe") and
 * ё -> е, while й, ї and other Cyrillic letters stay.  Numbers lose their
 * group separators ("100,000" and "100 000" -> "100000").  Initialisms keep
 * their periods ("U.S." -> "u.s.").  ASCII words are folded with a table.
 */
#ifndef LEDE_TOKENIZE_H
#define LEDE_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>

/* What a token is. */
typedef enum LedeTokenKind {
  LEDE_TOK_WORD = 1,     /* letters (and marks, digits inside) */
  LEDE_TOK_NUMBER,       /* 42, 100,000, 1,500.5, 13:56 */
  LEDE_TOK_PUNCT,        /* . , ; " ( — ... (no position) */
  LEDE_TOK_SYMBOL,       /* $ % emoji ... (no position) */
  LEDE_TOK_URL,          /* http://, https://, www. */
  LEDE_TOK_EMAIL,        /* name@example.org */
  LEDE_TOK_HASHTAG,      /* #tag */
  LEDE_TOK_MENTION,      /* @name */
  LEDE_TOK_SPACE         /* white space; only in LEDE_TOK_UAX29 mode */
} LedeTokenKind;

/* Flags of one token. */
#define LEDE_TOKF_NOPOS     0x01  /* takes no position (punctuation, symbol) */
#define LEDE_TOKF_COMPOUND  0x02  /* a whole compound; its parts follow */
#define LEDE_TOKF_PART      0x04  /* a part of a compound or hashtag */
#define LEDE_TOKF_SENTENCE  0x08  /* first token of a sentence */

/* One token, valid only during the callback. */
typedef struct LedeToken {
  const char *term;      /* normal form, NUL-terminated (reused buffer) */
  size_t len;            /* bytes of term */
  size_t start, end;     /* byte span [start, end) in the input */
  uint32_t pos;          /* ordinal position (see above) */
  uint32_t sentence;     /* sentence number, from 0 */
  LedeTokenKind kind;
  unsigned flags;        /* LEDE_TOKF_* */
} LedeToken;

/* Called for each token in text order; a nonzero return stops
 * lede_tokenize(), which then returns that value. */
typedef int (*LedeTokenFn)(void *ud, const LedeToken *tok);

/* Options for lede_tokenizer_new(). */
#define LEDE_TOK_FOLD_DIACRITICS  0x1  /* "café" = "cafe" */
#define LEDE_TOK_UAX29            0x2  /* pure UAX #29: every segment, spaces
                                        * too, no news rules, terms as-is */
#define LEDE_TOK_SPANS            0x4  /* spans only, for concordances: see
                                        * below */
#define LEDE_TOK_SLOWPATH         0x8  /* for tests and benches: no ASCII
                                        * fast path (same tokens, slower) */
#define LEDE_TOK_DEFAULT          LEDE_TOK_FOLD_DIACRITICS

/*
 * LEDE_TOK_SPANS: the same tokens (start, end, pos, kind and flags) without
 * the work only terms and sentences need: term is "" and len 0 (nothing is
 * folded), sentence is 0 and LEDE_TOKF_SENTENCE is never set.  About 1.5x
 * the speed of a full tokenization, for callers that map positions to byte
 * spans.
 */

typedef struct LedeTokenizer LedeTokenizer;

/* A tokenizer with LEDE_TOK_* options; NULL when out of memory.  One
 * tokenizer serves one thread; it owns the reused fold buffers. */
LedeTokenizer *lede_tokenizer_new(unsigned opts);
void lede_tokenizer_free(LedeTokenizer *tk);

/* Set tk's options for the calls to come (LEDE_TOK_SPANS for one call, say)
 * and return the old ones. */
unsigned lede_tokenizer_set_opts(LedeTokenizer *tk, unsigned opts);

/*
 * Tokenize n bytes of UTF-8 at text (invalid bytes are single symbols).
 * Returns LEDE_OK (0), LEDE_ENOMEM, or the callback's nonzero value.
 */
int lede_tokenize(LedeTokenizer *tk, const char *text, size_t n,
                  LedeTokenFn fn, void *ud);

/*
 * The UAX #29 word boundary after offset i (0 <= i < n): the end of the
 * word segment starting at i.  Pure Unicode rules, nothing added.
 */
size_t lede_wordbreak_next(const char *text, size_t n, size_t i);

/*
 * The UAX #29 sentence boundary after offset i: the end of the sentence
 * starting at i, by the Unicode rules alone.  lede_tokenize() numbers
 * sentences with its own news rules instead (abbreviations such as "Mr."
 * and "U.S." do not end a sentence; every line break does).
 */
size_t lede_sentencebreak_next(const char *text, size_t n, size_t i);

/* Snowball stemming (libstemmer).  lang is an ISO 639-1 code: "en", "ru",
 * "de", "fr", "es", "uk"; NULL when the language has no stemmer. */
typedef struct LedeStemmer LedeStemmer;
LedeStemmer *lede_stemmer_new(const char *lang);
void lede_stemmer_free(LedeStemmer *st);
/* The stem of a normalised word (valid until the next call), *outlen its
 * length; the word itself when stemming fails. */
const char *lede_stem(LedeStemmer *st, const char *word, size_t len,
                      size_t *outlen);

/* Nonzero when the normalised term is a stopword of lang ("en", "ru",
 * "uk", "de", "fr", "es"). */
int lede_stopword(const char *lang, const char *term, size_t len);
/* Nonzero when lang has a stopword list. */
int lede_stopword_lang(const char *lang);

#endif
