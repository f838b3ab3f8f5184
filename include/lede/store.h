/*
 * store.h -- the corpus file.
 *
 * A corpus is one SQLite file in WAL mode (or an in-memory database).  Its
 * schema version is PRAGMA user_version; a row ('format', 'lede') in table
 * lede_info marks the file as ours.  Opening anything else -- a directory,
 * a file that is not SQLite, a SQLite file that is not a corpus, a newer
 * schema, a corrupt file -- fails with a message and leaves the file as it
 * was.  Documents are stored NFC-normalised with a content hash, so the
 * same text is never stored twice.
 */
#ifndef LEDE_STORE_H
#define LEDE_STORE_H

#include <stddef.h>
#include <stdint.h>

typedef struct LedeStore LedeStore;
typedef struct sqlite3 sqlite3;

/* A document on its way in.  Any pointer may be NULL; text may not. */
typedef struct LedeDocIn {
  const char *uri;        /* where it came from: path, URL or id */
  const char *title;
  const char *source;     /* the outlet */
  const char *date;       /* ISO 8601, or NULL when unknown */
  const char *date_raw;   /* the date as the input gave it */
  const char *lang;       /* ISO 639-1 code when known */
  const char *meta_json;  /* a JSON object of every other field */
  const char *text;       /* UTF-8, NFC */
  size_t text_len;
} LedeDocIn;

/* Flags for lede_store_open(). */
#define LEDE_OPEN_READONLY 0x1   /* never write; fail when missing */
#define LEDE_OPEN_KEEP_DIACRITICS 0x2  /* a new corpus keeps "café" and
                                        * "cafe" apart; the choice is stored
                                        * in the corpus and kept for good */

/*
 * Open (creating when missing) the corpus at path; NULL or ":memory:" is an
 * in-memory corpus.  On failure returns a LEDE_E* code and, when errmsg is
 * not NULL, sets *errmsg to a malloc'd message naming the path.
 */
int lede_store_open(const char *path, unsigned flags, LedeStore **out,
                    char **errmsg);
void lede_store_close(LedeStore *st);     /* NULL-safe */

/* The path given to open, ":memory:" for an in-memory corpus. */
const char *lede_store_path(const LedeStore *st);
/* The message of the last failure on st. */
const char *lede_store_errmsg(const LedeStore *st);
/* The underlying connection, for running the user's SQL. */
sqlite3 *lede_store_db(LedeStore *st);

/*
 * Transactions.  A load adds documents in batches, each batch one
 * transaction, so an interrupted load leaves whole documents only.
 * begin returns LEDE_EBUSY when another writer holds the lock past the
 * busy timeout.
 */
int lede_store_begin(LedeStore *st);
int lede_store_commit(LedeStore *st);
int lede_store_rollback(LedeStore *st);

/*
 * How loads index: threads is the number of indexing threads (0: index on
 * the loading thread itself; a negative value keeps the setting), memory
 * the bytes the index being built may hold before it is written out as a
 * segment (0 keeps the setting).  Defaults: $LEDE_THREADS or the cores
 * online, and $LEDE_MEMORY megabytes or 256 MB.  LEDE_EMISUSE inside a
 * transaction.
 */
int lede_store_set_load(LedeStore *st, int threads, size_t memory);
void lede_store_get_load(const LedeStore *st, int *threads, size_t *memory);

/*
 * Store one document.  Returns LEDE_OK and the new id, or LEDE_DUPLICATE and
 * the id of the document that already holds identical text.
 */
int lede_store_add(LedeStore *st, const LedeDocIn *doc, int64_t *id);

/* Remove a document; LEDE_EMISUSE when there is no such id. */
int lede_store_remove(LedeStore *st, int64_t id);
/* Rebuild the index from the stored texts (a corpus whose index an older
 * lede wrote cannot be searched or added to until then). */
int lede_store_reindex(LedeStore *st);

/* Number of stored documents, or a negative code. */
int64_t lede_store_count(LedeStore *st);

/* A stored document as read back; strings are NULL when unknown and valid
 * until the next call on the iterator. */
typedef struct LedeDoc {
  int64_t id;
  const char *uri, *title, *source, *date, *date_raw, *lang, *meta, *added;
  const char *text;          /* NULL unless asked for */
  size_t text_len;
} LedeDoc;

/* Which documents to read. */
typedef struct LedeDocFilter {
  int64_t id;                /* one document; 0 for all */
  const char *source;        /* only this outlet; NULL for all */
  int64_t after;             /* ids greater than this (for paging) */
  int64_t limit;             /* at most this many; 0 for no limit */
  int with_text;             /* read the text too */
} LedeDocFilter;

typedef struct LedeDocIter LedeDocIter;

/* Iterate documents in id order.  lede_docs_next returns 1 with *d set, 0
 * at the end, or a negative code (lede_store_errmsg says why). */
int lede_store_docs(LedeStore *st, const LedeDocFilter *f, LedeDocIter **it);
int lede_docs_next(LedeDocIter *it, LedeDoc *d);
void lede_docs_free(LedeDocIter *it);     /* NULL-safe */

/* Nonzero when the corpus folds diacritics ("café" = "cafe"). */
int lede_store_folds_diacritics(LedeStore *st);

/* Milliseconds a writer waits for another writer's lock (default 5000). */
void lede_store_set_timeout(LedeStore *st, int ms);

#endif
