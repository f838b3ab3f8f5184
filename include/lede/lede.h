/*
 * lede.h -- the public C API of lede, a corpus analysis shell.
 *
 * Include this one header; it pulls in one header per concern:
 *   lede/text.h   UTF-8 checking, repair and normalisation of raw bytes
 *   lede/date.h   dates as news sites print them, parsed to ISO 8601
 *   lede/store.h  the corpus file (SQLite): documents in, documents out
 *   lede/load.h   loaders: files, folders, globs, stdin; txt, JSONL, CSV, .gz
 *   lede/query.h  the query language, parsed to a tree
 *   lede/search.h queries over a corpus: ranked hits and match spans
 *   lede/tokenize.h  UAX #29 words and sentences, news rules, stems, stopwords
 *   lede/dedupe.h    near-duplicates: MinHash over word shingles, LSH
 *   lede/langid.h    language identification by character n-grams
 *
 * Every function returns LEDE_OK (0) on success or a negative LEDE_E* code.
 */
#ifndef LEDE_LEDE_H
#define LEDE_LEDE_H

#define LEDE_VERSION "0.1.0"

/* Result codes shared by every module. */
#define LEDE_OK         0
#define LEDE_ENOMEM    (-1)  /* out of memory */
#define LEDE_EIO       (-2)  /* a file could not be read or written */
#define LEDE_EFORMAT   (-3)  /* input is malformed */
#define LEDE_EBINARY   (-4)  /* input is binary, not text */
#define LEDE_ESTORE    (-5)  /* the corpus file refused an operation */
#define LEDE_ENOTLEDE  (-6)  /* the file is not a lede corpus */
#define LEDE_EBUSY     (-7)  /* another process holds the write lock */
#define LEDE_EINTR     (-8)  /* interrupted by the user */
#define LEDE_EMISUSE   (-9)  /* invalid argument */
#define LEDE_DUPLICATE  1    /* not an error: the document is already stored */

#include "lede/text.h"
#include "lede/date.h"
#include "lede/store.h"
#include "lede/load.h"
#include "lede/query.h"
#include "lede/search.h"
#include "lede/tokenize.h"
#include "lede/dedupe.h"
#include "lede/langid.h"
#include "lede/html.h"
#include "lede/repair.h"

#endif
