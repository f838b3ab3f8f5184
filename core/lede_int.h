/*
 * lede_int.h -- internal interfaces of the C core, one banner per module.
 * Nothing here is public API; include/lede/ holds that.
 */
#ifndef LEDE_INT_H
#define LEDE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "lede/lede.h"   /* also declares sqlite3 */


/**************************************************************************
** buf.c -- growable byte buffer with a sticky out-of-memory flag.
** Once oom is set every append is a no-op, so builders check once at the
** end (the pattern of fts5_buffer.c).
*/
typedef struct LedeBuf {
  char *p;        /* always NUL-terminated when n > 0 or after reserve */
  size_t n, cap;
  int oom;
} LedeBuf;

void lede_buf_add(LedeBuf *b, const void *p, size_t n);
void lede_buf_addc(LedeBuf *b, char c);
void lede_buf_adds(LedeBuf *b, const char *s);
void lede_buf_printf(LedeBuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void lede_buf_addcp(LedeBuf *b, uint32_t cp);   /* append as UTF-8 */
int lede_buf_reserve(LedeBuf *b, size_t extra);
char *lede_buf_detach(LedeBuf *b, size_t *n);   /* caller frees */
void lede_buf_free(LedeBuf *b);

/**************************************************************************
** reader.c -- buffered reading of a file, a gzip file or stdin.
** zlib's gzread reads plain files unchanged, so one reader serves both.
*/
typedef struct LedeReader LedeReader;

/* path "-" is standard input.  NULL on failure with *err malloc'd. */
LedeReader *lede_reader_open(const char *path, char **err);
/* Read from memory (not copied; must outlive the reader). */
LedeReader *lede_reader_mem(const char *p, size_t n);
void lede_reader_close(LedeReader *r);
/* Next byte, or -1 at end of input or on error. */
int lede_reader_getc(LedeReader *r);
/* Next line without its "\n" (a "\r" before it stays); valid until the
 * next call.  Returns 1, 0 at end, -1 on error. */
int lede_reader_line(LedeReader *r, const char **line, size_t *len);
/* Whole rest of the input, malloc'd; NULL on error or out of memory. */
char *lede_reader_all(LedeReader *r, size_t *n);
/* Bytes consumed so far from the underlying (compressed) stream. */
double lede_reader_offset(LedeReader *r);
/* Message of the last read error, or NULL. */
const char *lede_reader_error(LedeReader *r);

/**************************************************************************
** warc.c -- WARC 1.0/1.1 records (ISO 28500) and the HTTP responses in them.
** The reader decompresses gzip, whether per record or whole, so records
** are read from a plain stream.  Positions are in the uncompressed stream.
*/
typedef struct LedeWarc LedeWarc;
typedef struct LedeWarcRecord {
  long number;              /* from 1 */
  double offset;            /* byte where the record starts */
  char *type;               /* WARC-Type: response, request, resource, ... */
  char *target_uri, *date, *content_type;   /* NULL when absent */
  char *block;              /* the record's content, block_len bytes */
  size_t block_len;
} LedeWarcRecord;

LedeWarc *lede_warc_new(LedeReader *r);
void lede_warc_free(LedeWarc *w);
/* 1 with the next record in *rec (free it with lede_warc_record_free),
 * 0 at the end, -1 when the input is not WARC or is cut short (err says
 * how; reading cannot go on). */
int lede_warc_next(LedeWarc *w, LedeWarcRecord *rec, char *err, size_t errlen);
void lede_warc_record_free(LedeWarcRecord *rec);

typedef struct LedeHttp {
  int status;               /* 200 */
  char *content_type;       /* "text/html; charset=utf-8", or NULL */
  char *body;               /* de-chunked and decompressed */
  size_t body_len;
} LedeHttp;
/* Parse an HTTP response (status line, headers, body).  LEDE_OK, or
 * LEDE_EFORMAT with err saying why. */
int lede_http_parse(const char *p, size_t n, LedeHttp *h, char *err, size_t errlen);
void lede_http_free(LedeHttp *h);

/**************************************************************************
** csv.c -- RFC 4180 CSV and TSV records, streaming.
** Quoted fields may hold the delimiter, newlines and doubled quotes.
*/
typedef struct LedeCsv LedeCsv;

LedeCsv *lede_csv_new(LedeReader *r, char delim);
void lede_csv_free(LedeCsv *c);
/*
 * Read the next record.  Returns 1 and sets *nf, *fields and *lens (valid
 * until the next call; fields are NUL-terminated), 0 at end of input, -1 on
 * a malformed record (message in lede_csv_error; reading may go on with the
 * next record).  *line is the line on which the record starts.
 */
int lede_csv_next(LedeCsv *c, size_t *nf, char ***fields, size_t **lens,
                  long *line);
const char *lede_csv_error(LedeCsv *c);

/**************************************************************************
** json.c -- JSON objects, one per JSON Lines record, and JSON output.
*/
typedef enum LedeJsonType {
  LEDE_JSON_STRING, LEDE_JSON_NUMBER, LEDE_JSON_BOOL, LEDE_JSON_NULL,
  LEDE_JSON_ARRAY, LEDE_JSON_OBJECT
} LedeJsonType;

typedef struct LedeJsonField {
  char *key;             /* decoded, NUL-terminated */
  LedeJsonType type;
  char *val;             /* strings decoded; other types as raw JSON text */
  size_t len;
} LedeJsonField;

typedef struct LedeJsonObj {
  size_t n, cap;
  LedeJsonField *f;
  LedeBuf tmp;           /* strings are decoded here first */
} LedeJsonObj;

/*
 * Parse one top-level JSON object from the n bytes at s (trailing space
 * allowed).  Returns LEDE_OK, or LEDE_EFORMAT with a message like
 * "expected ',' or '}' at column 17" written to err.  Strings with invalid
 * UTF-8 or lone surrogates get U+FFFD.  The object is reset first.
 */
int lede_json_parse(const char *s, size_t n, LedeJsonObj *o,
                    char *err, size_t errlen);
void lede_json_obj_free(LedeJsonObj *o);
/* The field named key, or NULL. */
const LedeJsonField *lede_json_get(const LedeJsonObj *o, const char *key);
/* Append s as a JSON string literal, quotes included. */
void lede_json_quote(LedeBuf *b, const char *s, size_t n);

/**************************************************************************
** hash.c -- 64-bit content hashes (not cryptographic).
*/
uint64_t lede_hash64(const void *p, size_t n, uint64_t seed);

/**************************************************************************
** cores.c -- the cores this process may run on (its affinity mask, so
** taskset and cpusets count), at least 1.
*/
int lede_cores(void);

/**************************************************************************
** varint.h-style helpers: unsigned LEB128, 7 bits a byte, low bits first.
*/
/* Whether x is in the ascending ids v[0..n) (removed documents). */
static inline int lede_ids_has(const int64_t *v, size_t n, int64_t x)
{
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (v[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && v[lo] == x;
}

static inline size_t lede_varint_put(unsigned char *p, uint64_t v)
{
  size_t n = 0;
  while (v >= 0x80) { p[n++] = (unsigned char)(v | 0x80); v >>= 7; }
  p[n++] = (unsigned char)v;
  return n;
}

/* Decode at p (not past end); returns bytes used, 0 when truncated. */
static inline size_t lede_varint_get(const unsigned char *p,
                                     const unsigned char *end, uint64_t *v)
{
  uint64_t r = 0;
  for (size_t i = 0; i < 10 && p + i < end; i++) {
    r |= (uint64_t)(p[i] & 0x7F) << (7 * i);
    if (!(p[i] & 0x80)) { *v = r; return i + 1; }
  }
  *v = 0;
  return 0;
}

/* Bytes a buffer holds beyond its data for lede_bits_get. */
#define LEDE_SLACK 8

static inline void lede_buf_varint(LedeBuf *b, uint64_t v)
{
  if (b->n + 11 > b->cap && !lede_buf_reserve(b, 10)) return;
  if (v < 0x80) { b->p[b->n++] = (char)v; return; }   /* most deltas */
  b->n += lede_varint_put((unsigned char *)b->p + b->n, v);
}

/* The w-bit value (w <= 57) at bit offset bit of p, bits packed low
 * first.  Reads the 8 bytes from the value's first one, so p needs
 * LEDE_SLACK readable bytes past the packed data. */
static inline uint64_t lede_bits_get(const unsigned char *p, uint64_t bit, unsigned w)
{
  uint64_t x;
  memcpy(&x, p + (bit >> 3), 8);
  return (x >> (bit & 7)) & ((1ULL << w) - 1);
}

/**************************************************************************
** index.c -- the positional inverted index (format described there).
*/
typedef struct LedeIndexWriter LedeIndexWriter;
typedef struct LedeIndex LedeIndex;
typedef struct LedeCursor LedeCursor;

/* Create the index tables in a corpus that has none (in a transaction). */
int lede_index_schema(sqlite3 *db);

LedeIndexWriter *lede_iw_new(void);
void lede_iw_free(LedeIndexWriter *w);
/* Documents are added in rising id order; positions rise within one. */
void lede_iw_begin(LedeIndexWriter *w, int64_t doc);
void lede_iw_term(LedeIndexWriter *w, const char *term, size_t len, uint32_t pos);
/* End the document: its length in positions and its sentence starts. */
void lede_iw_end(LedeIndexWriter *w, uint32_t ntok, const uint32_t *sent, size_t nsent);
/* Or, as a tokenizer's callback (ud: the writer), index each token that
 * takes a position, noting the document's length and sentence starts,
 * and end the document with those. */
struct LedeToken;
int lede_iw_token(void *w, const struct LedeToken *t);
void lede_iw_end_doc(LedeIndexWriter *w);
/* Bytes of memory held by the pending segment. */
size_t lede_iw_memory(const LedeIndexWriter *w);
size_t lede_iw_docs(const LedeIndexWriter *w);
/* Drop the pending documents (their transaction was rolled back). */
void lede_iw_discard(LedeIndexWriter *w);
/* seal encodes the pending documents' segment (no SQLite: an indexing
 * thread may run it); write inserts it (sealing first if need be) inside
 * the caller's transaction and starts afresh.  LEDE_OK or
 * LEDE_ENOMEM/LEDE_ESTORE. */
int lede_iw_seal(LedeIndexWriter *w);
int lede_iw_write(LedeIndexWriter *w, sqlite3 *db);
/* The sealed segment (sealing first if need be) moved out of the writer,
 * which starts afresh; *out NULL when it held no documents.  Written by
 * lede_sealed_write inside the caller's transaction. */
typedef struct LedeSealed LedeSealed;
int lede_iw_take(LedeIndexWriter *w, LedeSealed **out);
int lede_sealed_write(const LedeSealed *g, sqlite3 *db);
size_t lede_sealed_memory(const LedeSealed *g);
void lede_sealed_free(LedeSealed *g);

/* Statistics of one term over the whole index. */
typedef struct LedeTermStats { uint64_t df, cf; } LedeTermStats;

/* A reader; re-reads segment dictionaries when the index changed. */
int lede_index_open(sqlite3 *db, LedeIndex **out);
void lede_index_close(LedeIndex *ix);
/* Reload when another connection or process changed the index. */
int lede_index_refresh(LedeIndex *ix);
int lede_index_lookup(LedeIndex *ix, const char *term, size_t len, LedeTermStats *st);
/* Visit every term with the prefix (all when len is 0) in byte order;
 * stop when fn returns nonzero. */
int lede_index_vocab(LedeIndex *ix, const char *prefix, size_t len,
                     int (*fn)(void *ud, const char *term, size_t len,
                               const LedeTermStats *st), void *ud);
/* Corpus-wide numbers for ranking. */
uint64_t lede_index_ndocs(LedeIndex *ix);
int64_t lede_index_last_doc(LedeIndex *ix);       /* highest id indexed */
int lede_index_removed(LedeIndex *ix, const int64_t **ids, size_t *n);   /* rising */
double lede_index_avglen(LedeIndex *ix);
/* Length in positions of a document (0 when unknown). */
uint32_t lede_index_doclen(LedeIndex *ix, int64_t doc);

/* A cursor walks one term's postings in rising document order, skipping
 * removed documents.  next/seek return 1 on a document, 0 at the end,
 * negative on error.  Only index.c changes a cursor; the struct is here
 * so that the calls made once per document (seek within the current
 * block, doc, tf, the start of the positions) are inline: in the loops
 * of phrase and NEAR queries their call overhead was a third of the
 * time. */
#define LEDE_BLOCK 128          /* documents per postings block */
struct LedeCursor {
  LedeIndex *ix;
  struct CursorPart *parts;
  size_t nparts, part;          /* part == nparts: exhausted */
  struct sqlite3_blob *blob;    /* on lede_post (or lede_seg.post) */
  int64_t blob_row;             /* the row it is on */
  int blob_whole;               /* it is on lede_seg.post */
  int plain;                    /* no document of the index is removed */
  int unopened;                 /* part 0 is not open yet (no step taken) */
  struct CursorSkip *skips;
  uint32_t nblocks, blk, capskips;
  unsigned char *buf;
  size_t capbuf;
  int64_t docs[LEDE_BLOCK];
  uint32_t tfs[LEDE_BLOCK];
  uint32_t n, i;                /* documents in the block, current one */
  int pos_read;                 /* the block's position part is in buf: */
  size_t pbits;                 /* its packed values start here, */
  uint32_t pw;                  /* each pw bits wide */
  uint32_t posidx;              /* document posidx's first position is */
  uint32_t posval;              /* value posval of the block */
  int64_t posdoc;               /* pos[] holds this document's positions */
  uint32_t *pos;
  uint32_t cappos;
  uint32_t *bpos;               /* every position of the block (bpos_ok), */
  size_t capbpos;
  uint32_t boff[LEDE_BLOCK + 1];  /* document i's from boff[i] */
  int bpos_ok;
  uint64_t *keys;               /* lede_cursor_next_keys: one block's */
  size_t capkeys;
  size_t keypart;               /* the next block it gives */
  uint32_t keyblk;
  int64_t doc;                  /* -1 before the start */
  int err;
};
LedeCursor *lede_cursor_open(LedeIndex *ix, const char *term, size_t len);
void lede_cursor_close(LedeCursor *c);
/* The term's df and cf over the index (no postings read). */
void lede_cursor_stats(const LedeCursor *c, LedeTermStats *st);
int lede_cursor_next(LedeCursor *c);
int lede_cursor_seek_slow(LedeCursor *c, int64_t doc);
/* The first document >= doc. */
static inline int lede_cursor_seek(LedeCursor *c, int64_t doc)
{
  if (c->doc >= doc && !c->err) return c->doc != INT64_MAX;
  if (c->plain && !c->err && c->n && c->docs[c->n - 1] >= doc) {
    uint32_t i = c->i;
    while (c->docs[i] < doc) i++;
    c->i = i;
    c->doc = c->docs[i];
    return 1;
  }
  return lede_cursor_seek_slow(c, doc);
}
static inline int64_t lede_cursor_doc(const LedeCursor *c) { return c->doc; }
static inline uint32_t lede_cursor_tf(const LedeCursor *c) { return c->tfs[c->i]; }
/* Set bit d for each document d of the term (removed ones too) up to
 * maxdoc; the cursor is at its end afterwards. */
int lede_cursor_bits(LedeCursor *c, uint64_t *bits, int64_t maxdoc);
/* fn(ud, docs, tfs, n) for each block of the term's postings, removed
 * documents included; the cursor is at its end afterwards. */
int lede_cursor_scan(LedeCursor *c, void (*fn)(void *ud, const int64_t *docs,
                                                const uint32_t *tfs, uint32_t n), void *ud);
/* The positions of the current document (tf of them, rising). */
const uint32_t *lede_cursor_positions(LedeCursor *c);
/* The same, decoded one at a time by lede_pos_next, for loops that stop
 * at the first match.  p is where the block's packed values start. */
typedef struct LedePosIter {
  const unsigned char *p;
  uint64_t bit;                 /* of the next value */
  uint32_t w, left, at;
} LedePosIter;
int lede_cursor_pos_iter_slow(LedeCursor *c, LedePosIter *it);
static inline int lede_cursor_pos_iter(LedeCursor *c, LedePosIter *it)
{
  if (!c->pos_read || c->posidx != c->i) return lede_cursor_pos_iter_slow(c, it);
  *it = (LedePosIter){c->buf + c->pbits, (uint64_t)c->posval * c->pw, c->pw, c->tfs[c->i], 0};
  return 0;
}
static inline int lede_pos_next(LedePosIter *it, uint32_t *pos)
{
  if (!it->left) return 0;
  it->left--;
  it->at += (uint32_t)lede_bits_get(it->p, it->bit, it->w);
  it->bit += it->w;
  *pos = it->at;
  return 1;
}
/* An iterator went through all its positions and stopped at end.  Kept
 * for callers of the byte-varint format: packed values are found by
 * their index, so there is nothing to remember. */
static inline void lede_cursor_pos_end(LedeCursor *c, const unsigned char *end)
{
  (void)c;
  (void)end;
}
/* Every position of the current block, decoded (once per block): the
 * current document's are (*pos)[(*off)[c->i] .. (*off)[c->i + 1]).  For
 * terms with few positions a document, where a call per document costs
 * more than decoding the lot. */
int lede_cursor_block_positions(LedeCursor *c, const uint32_t **pos, const uint32_t **off);
/* The postings of the next block as keys doc << 32 | position, rising,
 * removed documents left out: 1 with *keys (valid until the next call)
 * and *n (maybe 0), 0 after the last block.  Only for a cursor used for
 * nothing else. */
int lede_cursor_next_keys(LedeCursor *c, const uint64_t **keys, size_t *n);

/* Sentence starts of a document (caller frees); returns their number. */
int lede_index_sentences(LedeIndex *ix, int64_t doc, uint32_t **starts);
/* The contribution of one posting to the index checksum. */
uint64_t lede_index_entry_sum(const char *term, size_t len, int64_t doc, uint32_t pos);
/* Sum over every live posting, and their number. */
int lede_index_checksum(LedeIndex *ix, uint64_t *sum, uint64_t *npostings);

/* Mark a document removed; its postings go at the next merge. */
int lede_index_remove(sqlite3 *db, int64_t doc);
/* Merge segments so that at most max remain (1: optimise fully). */
int lede_index_merge(sqlite3 *db, int max);
int lede_index_merge_from(sqlite3 *db, int64_t first_doc);
/* LEDE_OK when the postings are in this lede's format, LEDE_EFORMAT when
 * an older lede wrote them; lede_index_reset drops every segment. */
int lede_index_format_ok(sqlite3 *db);
int lede_index_reset(sqlite3 *db);

/**************************************************************************
** search.c -- evaluating a parsed query (lede/query.h) on the index.
*/
typedef struct LedeSearch LedeSearch;
struct LedeQuery;

typedef struct LedeSearchOpts {
  size_t max_expansion;   /* terms a prefix or regex may expand to */
  /* Turn a word of the query into index terms, each NUL-terminated, one
   * after the other in *terms; *n is how many (0 for none, >1 a phrase). */
  int (*normalize)(void *ud, const char *s, size_t len, LedeBuf *terms, size_t *n);
  void *ud;
} LedeSearchOpts;

/* Compile q against the index.  On failure *err is a malloc'd message
 * (a wide expansion, a bad regex) and the code is returned. */
int lede_search_new(LedeIndex *ix, sqlite3 *db, const struct LedeQuery *q,
                    const LedeSearchOpts *o, LedeSearch **out, char **err);
void lede_search_free(LedeSearch *s);
/* Next matching document in id order: 1 with *doc and *score, 0 at end. */
int lede_search_next(LedeSearch *s, int64_t *doc, double *score);
/* Token spans [start, end] that matched in the current document. */
int lede_search_spans(LedeSearch *s, uint32_t **starts, uint32_t **ends, size_t *n);
/* The number of matching documents by a faster way when the query allows
 * it (1, *docs set), or 0 when the caller must iterate; before any next. */
int lede_search_count_docs(LedeSearch *s, uint64_t *docs);
/* Every matching document (rising) with its score, the same as next()
 * would give, by bitmaps and term-at-a-time scoring when the query allows
 * it (1; the caller frees both arrays), or 0 when the caller must iterate. */
int lede_search_all(LedeSearch *s, int64_t **docs, double **scores, size_t *n);
/* The best k documents by score, best first (equal scores: lower id
 * first), with next()'s scores to the bit, when the query is a term, or
 * an AND, phrase or NEAR group of terms, under an optional NOT: 1 with
 * docs and scores filled (room for k each) and *n set; *matched is the
 * number of matching documents, or UINT64_MAX when finding the best did
 * not need to count them.  0 when the caller must iterate; before any
 * next. */
int lede_search_top(LedeSearch *s, size_t k, int64_t *docs, double *scores, size_t *n,
                    uint64_t *matched);
/* Tests set these to take the bitmap ways, or the merge of a phrase's
 * or NEAR pair's postings, whatever they would cost. */
extern int lede_search_bitmaps_always;
extern int lede_search_merge_always;
const char *lede_search_error(const LedeSearch *s);

/**************************************************************************
** analyze.c -- text to index terms: the tokenizer with a corpus' settings.
** The same analyzer indexes documents and turns query words into terms,
** so a query matches exactly what the index holds.
*/
typedef struct LedeAnalyzer LedeAnalyzer;

typedef struct LedeAnalyzerOpts {
  int fold_diacritics;     /* "café" = "cafe" (default on) */
  const char *lang;        /* corpus language for stemming, or NULL */
} LedeAnalyzerOpts;

LedeAnalyzer *lede_analyzer_new(const LedeAnalyzerOpts *o);
void lede_analyzer_free(LedeAnalyzer *a);
/* Tokenize a document and add its terms to the writer. */
int lede_analyzer_index(LedeAnalyzer *a, LedeIndexWriter *w, int64_t doc,
                        const char *text, size_t len);
/* Add the postings of a document to a checksum (see lede_index_checksum). */
int lede_analyzer_checksum(LedeAnalyzer *a, int64_t doc, const char *text,
                           size_t len, uint64_t *sum, uint64_t *n);
/* Byte span of every position of a text up to maxpos (UINT32_MAX: all):
 * (*span)[2p] and (*span)[2p+1] are the start and end of position p; *n
 * positions.  Caller frees. */
int lede_analyzer_spans(LedeAnalyzer *a, const char *text, size_t len, uint32_t maxpos,
                        size_t **span, uint32_t *n);
/* ... and the span of the first token at each position (a compound whole)
 * in *word; *end is the end of the text's last token when the text ended
 * before maxpos, SIZE_MAX otherwise.  Caller frees both. */
int lede_analyzer_word_spans(LedeAnalyzer *a, const char *text, size_t len, uint32_t maxpos,
                             size_t **span, size_t **word, uint32_t *n, size_t *end);
/* Every token of a text, as lede/tokenize.h reports them. */
struct LedeToken;
int lede_analyzer_each(LedeAnalyzer *a, const char *text, size_t len,
                       int (*fn)(void *ud, const struct LedeToken *t), void *ud);
/* Query words to index terms; fits LedeSearchOpts.normalize. */
int lede_analyzer_terms(void *a, const char *s, size_t len, LedeBuf *terms, size_t *n);

/**************************************************************************
** store.c -- what the rest of the core sees of the store beyond store.h.
*/
/* Bytes held by the index writer for the transaction in flight. */
size_t lede_store_pending(const LedeStore *st);
/* The index reader, refreshed; NULL on failure, and then why. */
LedeIndex *lede_store_index(LedeStore *st);
const char *lede_store_index_why(LedeStore *st);
LedeAnalyzer *lede_store_analyzer(LedeStore *st);
/* Merge the index into one segment, dropping removed documents. */
int lede_store_optimize(LedeStore *st);
/* The id the next document will get (before a load), and the merge of
 * every segment from there on into one (after it). */
int64_t lede_store_next_id(LedeStore *st);
int lede_store_merge_from(LedeStore *st, int64_t first_doc);
/* A load's start and end: the file leaves WAL for a rollback journal
 * while the load runs, when no other connection has it open. */
void lede_store_bulk_begin(LedeStore *st);
void lede_store_bulk_end(LedeStore *st);

/**************************************************************************
** indexer.c -- tokenizing and indexing on worker threads during loads.
*/
typedef struct LedeIndexer LedeIndexer;

/* Start nworkers threads (at least 1), each with its own analyzer and
 * writer.  Documents go to one worker until its run reaches run_bytes of
 * text or run_memory bytes of index; then the next worker takes over and
 * the finished run becomes a segment.  Segments are written to db, in
 * document order, only by the thread that calls add and commit, or by
 * the one that calls write while add is under hold. */
/* A read transaction around one query (store.c); end only what began. */
int lede_store_read_begin(LedeStore *st);
/* A load's batch committed on another thread (store.c, load.c): begin
 * before starting lede_store_commit there; once it is joined, resume
 * begins the next transaction (if any document was reserved meanwhile)
 * and says in *again whether the reserved ids were taken by another
 * process (then the reserved documents must be added afresh, with
 * lede_store_add; an error from resume loses them).
 * reserve gives a document the next id and lends its text to the
 * indexing threads, if the store can tell it is new without SQLite (1;
 * done(ud) is called once they are done with the text; 0: nothing was
 * done): during such a commit, or after an insert in the transaction.
 * Its rows are inserted later, in order, by add_reserved, and before any
 * other document is added.  hash: lede_store_hash of the text. */
uint64_t lede_store_hash(const char *text, size_t len);
int lede_store_add_hashed(LedeStore *st, const LedeDocIn *d, uint64_t hash, int64_t *id);
void lede_store_commit_begin(LedeStore *st);
int lede_store_reserve(LedeStore *st, const LedeDocIn *d, uint64_t hash, int64_t *id,
                       void (*done)(void *), void *ud);
int lede_store_resume(LedeStore *st, int *again);
int lede_store_add_reserved(LedeStore *st, const LedeDocIn *d, int64_t id, uint64_t hash);
void lede_store_read_end(LedeStore *st, int began);

LedeIndexer *lede_indexer_new(int nworkers, size_t run_bytes, size_t run_memory,
                              const LedeAnalyzerOpts *o, sqlite3 *db);
/* Queue a document (its text is copied); blocks while the queue is full;
 * may write an earlier run's segment.  LEDE_OK or the first error. */
int lede_indexer_add(LedeIndexer *x, int64_t doc, const char *text, size_t len);
/* The same without the copy: the text stays the caller's until the
 * worker is done with it and calls done(ud) (on its own thread; at once
 * on failure). */
int lede_indexer_add_lent(LedeIndexer *x, int64_t doc, const char *text, size_t len,
                          void (*done)(void *), void *ud);
/* Write every pending run as a segment (inside the caller's transaction). */
int lede_indexer_commit(LedeIndexer *x);
/* A commit on another thread: cut ends the runs being filled (spreading
 * the current one's unstarted documents over the workers if asked) and
 * says how many runs there are; write, on the thread that has db, writes
 * those (waiting for each to be sealed) while the loading thread goes on
 * adding, under hold: add then writes nothing, however many runs pile up. */
int lede_indexer_cut(LedeIndexer *x, int spread_late, unsigned long *upto);
int lede_indexer_write(LedeIndexer *x, unsigned long upto);
void lede_indexer_hold(LedeIndexer *x, int hold);
/* Drop every pending document (the transaction was rolled back). */
void lede_indexer_discard(LedeIndexer *x);
/* Memory held by the writers and the queued texts. */
size_t lede_indexer_memory(LedeIndexer *x);
void lede_indexer_free(LedeIndexer *x);

#endif
