/*
 * lede_int.h -- internal interfaces of the C core, one banner per module.
 * Nothing here is public API; include/lede/ holds that.
 */
#ifndef LEDE_INT_H
#define LEDE_INT_H

#include <stddef.h>
#include <stdint.h>
#include "lede/lede.h"

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

#endif
