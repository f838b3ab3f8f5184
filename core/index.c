/*
 * index.c -- the positional inverted index, kept in the corpus file.
 *
 * Storage format
 * --------------
 * Document ids rise in load order and are never reused (AUTOINCREMENT), so
 * the index is a list of *segments*, each covering a range of ids that
 * lies wholly after the range of the segment before it.  A term's postings
 * list over the corpus is the concatenation of its lists in segment order:
 * no k-way merge of document ids is ever needed, and merging segments is a
 * per-term concatenation.
 *
 *   lede_seg(id, first_doc, last_doc, ndocs, ntok, docs, sent, dict, post)
 *   lede_post(id, data)        the segment's postings, cut into chunks of
 *                              index_chunk bytes: chunk k of segment s is
 *                              row s * 2^20 + k (post in lede_seg is then
 *                              empty)
 *   lede_removed(id)           documents removed since their segment was
 *                              written; skipped by readers, dropped by merge
 *   lede_info('index_gen')     bumped by every change, so readers know when
 *                              to reload
 *   lede_info('index_format')  3, the block format below; set when the
 *                              first segment is written.  Files whose
 *                              segments were written in another format
 *                              (without it: varint blocks, or the whole
 *                              list in lede_seg.post; 2: a skip table for
 *                              one-document lists) are not read:
 *                              lede_index_open says LEDE_EFORMAT.
 *   lede_info('index_chunk')   bytes of a lede_post chunk, about 64 KiB,
 *                              chosen with index_format for the file's
 *                              page size (67,546 with 16 KiB pages,
 *                              65,956 with 4 KiB)
 *
 * Integers are unsigned LEB128 varints, except the bit-packed values
 * inside postings blocks.
 *
 * docs: for each document of the segment, (id - previous id, ntok), where
 *   ntok is the number of positions (the BM25 length).
 *
 * sent: for each document, (id - previous id, nsent, sentence starts as
 *   deltas): the position where each sentence begins, for queries bounded
 *   by a sentence.
 *
 * dict: "LDX2", nterms, r, then the terms in byte order, front-coded:
 *   (shared prefix length, suffix length, suffix bytes, df, cf, post_len).
 *   A term's postings start where the previous term's ended.  Every r-th
 *   entry (0, r, 2r, ...; the writer makes r 32) is a restart point: it
 *   shares no prefix.  Then the restart table, one row per restart point
 *   and one for the end: the byte offset of its entry in the blob (4
 *   bytes) and the offset of its postings (8 bytes), little-endian; then
 *   the number of restart points (4 bytes).  A reader keeps the blob as
 *   it is and decodes at most one block of r entries per lookup, so
 *   opening the index decodes nothing.
 *
 * post: for each term, its postings list:
 *   df, nblocks, skip_bytes, then the skip table, then the blocks; a list
 *   of one document (most terms) is df and its block alone, its skip
 *   entry implied by the block (which starts with the id) and the term's
 *   cf (the tf).
 *   skip table: per block (last doc id, doc_bytes, pos_bytes,
 *   (max_tf - 1) << 7 | (n - 1)), where n (1 to 128) is the number of
 *   documents in the block.
 *   block: a doc part of doc_bytes and then a position part of pos_bytes.
 *   doc part: the first document's id (a varint, absolute); when n > 1, a
 *   byte wd; then packed, the n - 1 gaps between successive ids less one,
 *   wd bits each, followed by the n values tf - 1, wt bits each, where wt
 *   is the bit length of max_tf - 1 (0 when every tf is 1: no bits).
 *   position part: a byte wp, then packed, wp bits each, for each
 *   document in turn its tf positions, the first absolute and the rest as
 *   gaps.
 *   Packed values: value k of width w is bits k*w to k*w + w - 1 of the
 *   packed bytes read as one little-endian number (bit 0 is the low bit
 *   of the first byte); the last byte is padded with zero bits.  Widths
 *   are those of the block's largest value, so wd <= 56 (document ids
 *   stay below 2^56) and wp <= 32.
 *   Blocks stand alone, so a reader decodes only the blocks it lands on
 *   (AND and phrase queries leap over a common term's list using the
 *   skip table), and a merge may copy them whole.
 *
 * Why packed: positions are two thirds of the postings.  A document's
 * first position is absolute (nine or ten bits in an article of some
 * hundred words) and took two bytes as a varint, as did every gap of a
 * rare word; a common word's gaps took one byte where they need four or
 * five bits.  Packed at the block's width, positions take 14% less room
 * and ids and tf 28% less, and a document's positions are found by their
 * index (the sum of the tf before it) instead of by walking the varints
 * of those before.
 *
 * Why chunks: SQLite keeps a big blob as a chain of overflow pages, and a
 * fresh blob handle reaches offset X only by walking the chain from the
 * start, so every term lookup in a 30 MB blob cost tens of thousands of
 * page fetches.  In a chunk of about 64 KiB the walk is at most 16 pages
 * (4 with 16 KiB pages), and one handle moves between chunks with
 * sqlite3_blob_reopen.  The chunk is cut to fill whole pages (see
 * chunk_for_page).
 *
 * Positions are token ordinals, not byte offsets: byte spans are recomputed
 * by tokenizing the few documents shown (KWIC, highlights).
 */
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/mman.h>
#include "lede_int.h"
#include "lede/tokenize.h"

#define BLOCK LEDE_BLOCK
#define MAGIC "LDX2"
#define RESTART 32              /* dictionary entries per restart point */
#define CHUNK_ROWS 1048576      /* lede_post ids per segment */
#define FORMAT 3                /* lede_info('index_format'): of the blocks */

int lede_index_schema(sqlite3 *db)
{
  static const char *sql =
    "CREATE TABLE IF NOT EXISTS lede_seg(id INTEGER PRIMARY KEY,"
    " first_doc INTEGER NOT NULL, last_doc INTEGER NOT NULL,"
    " ndocs INTEGER NOT NULL, ntok INTEGER NOT NULL,"
    " docs BLOB NOT NULL, sent BLOB NOT NULL, dict BLOB NOT NULL,"
    " post BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS lede_removed(id INTEGER PRIMARY KEY);"
    "CREATE TABLE IF NOT EXISTS lede_post(id INTEGER PRIMARY KEY, data BLOB NOT NULL);"
    "CREATE TRIGGER IF NOT EXISTS lede_seg_post AFTER DELETE ON lede_seg BEGIN"
    " DELETE FROM lede_post WHERE id BETWEEN old.id * 1048576 AND old.id * 1048576 + 1048575;"
    " END;"
    "INSERT OR IGNORE INTO lede_info VALUES('index_gen', 0);";
  return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? LEDE_OK : LEDE_ESTORE;
}

/* Bytes of postings per lede_post row: about 64 KiB, cut so that a row
 * fills whole pages.  SQLite keeps min_local bytes of a big record in its
 * leaf page and the rest in overflow pages of page - 4 bytes each, so a
 * record of min_local + k * (page - 4) bytes leaves no page part empty;
 * the record is the blob and a 5-byte header.  (A 64 KiB chunk left 2 KB
 * of its last overflow page empty with 16 KiB pages: 3% of the index.) */
static uint32_t chunk_for_page(sqlite3_int64 page)
{
  if (page < 512 || page > 65536) return 65536;
  uint32_t u = (uint32_t)page, min_local = (u - 12) * 32 / 255 - 23, k = 65536 / (u - 4);
  return min_local + (k ? k : 1) * (u - 4) - 5;
}

/* Postings in the format of this lede are marked as such, with the chunk
 * size for the file's pages, when the first segment is written; a file
 * whose segments were written in an earlier format has no mark and is
 * not read (its blocks would decode as garbage). */
static int mark_format(sqlite3 *db)
{
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &s, NULL) != SQLITE_OK) return LEDE_ESTORE;
  sqlite3_int64 page = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
  sqlite3_finalize(s);
  char sql[320];
  snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO lede_info SELECT 'index_format', %d"
           " WHERE NOT EXISTS (SELECT 1 FROM lede_seg);"
           "INSERT OR REPLACE INTO lede_info SELECT 'index_chunk', %u"
           " WHERE NOT EXISTS (SELECT 1 FROM lede_seg)", FORMAT, chunk_for_page(page));
  return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? LEDE_OK : LEDE_ESTORE;
}

/* LEDE_OK when the postings are in this lede's format (or there are
 * none), with *chunk their bytes per lede_post row. */
static int check_format(sqlite3 *db, uint32_t *chunk)
{
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(db, "SELECT (SELECT value FROM lede_info WHERE key='index_format'),"
                         " EXISTS (SELECT 1 FROM lede_seg),"
                         " (SELECT value FROM lede_info WHERE key='index_chunk')",
                         -1, &s, NULL) != SQLITE_OK)
    return LEDE_ESTORE;
  int rc = LEDE_ESTORE;
  if (sqlite3_step(s) == SQLITE_ROW) {
    sqlite3_int64 n = sqlite3_column_int64(s, 2);
    if (!sqlite3_column_int(s, 1)) rc = LEDE_OK;      /* no postings yet */
    else rc = sqlite3_column_int(s, 0) == FORMAT && n >= 1024 && n <= (1 << 20) ? LEDE_OK : LEDE_EFORMAT;
    *chunk = n >= 1024 && n <= (1 << 20) ? (uint32_t)n : 65536;
  }
  sqlite3_finalize(s);
  return rc;
}

static uint64_t le_get(const unsigned char *p, int bytes)
{
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; i--) v = v << 8 | p[i];
  return v;
}

static int bump_gen(sqlite3 *db)
{
  return sqlite3_exec(db, "UPDATE lede_info SET value = value + 1 WHERE key = 'index_gen'",
                      NULL, NULL, NULL) == SQLITE_OK ? LEDE_OK : LEDE_ESTORE;
}

int lede_index_format_ok(sqlite3 *db)
{
  uint32_t chunk;
  return check_format(db, &chunk);
}

/* Every segment goes, and with them the format marks, so the next segment
 * written sets them anew (lede_store_reindex). */
int lede_index_reset(sqlite3 *db)
{
  int rc = sqlite3_exec(db, "DELETE FROM lede_post; DELETE FROM lede_seg; DELETE FROM lede_removed;"
                        "DELETE FROM lede_info WHERE key IN ('index_format', 'index_chunk')",
                        NULL, NULL, NULL);
  return rc == SQLITE_OK ? bump_gen(db) : LEDE_ESTORE;
}

/* ======================================================================
 * Writer: postings of a batch of documents in memory, then one segment.
 */

/* Everything the writer keeps of a term is in one 64-byte slot of an
 * open-addressing table: the hash, the first bytes of the term, its place
 * in the current document, its statistics and its postings buffer.  Finding
 * a term, noting a token and appending the document's postings touch that
 * one cache line (and the buffer's end).  Tokens are not looked up as they
 * come: lede_iw_term keeps the document's tokens and prefetches their slots,
 * and lede_iw_end looks them all up, so the cache misses of rare terms
 * overlap instead of following one another.  Postings are appended once per
 * distinct term of a document, from a small per-document list that stays in
 * cache. */
#define KEY 15

typedef struct Slot {
  uint32_t hash;            /* 0: empty */
  uint32_t mark;            /* the document (writer's count + 1) it was last seen in */
  uint32_t local;           /* its index among that document's terms */
  uint32_t off;             /* term bytes in the arena */
  uint32_t df, cf;
  int64_t lastdoc;          /* last document written to post */
  unsigned char *post;      /* per document: doc delta, tf, then its positions,
                               the first absolute and the rest as deltas */
  uint32_t npost, cappost;
  uint8_t len;              /* with key: 16 bytes compared as two words */
  char key[KEY];            /* the term's first bytes, zero-padded */
} Slot;

_Static_assert(sizeof(Slot) == 64, "a slot is one cache line");

/* Postings buffers are cut from chunks of POOL_CHUNK bytes, not
 * malloc'ed one by one: a run makes a few hundred thousand of them.  A
 * buffer that grows moves to a new piece twice its size, and the piece
 * it leaves goes on a list for the next buffer that grows to that size;
 * past POOL_BIG it is malloc'ed, as are the few lists of common terms
 * that grow large.  The
 * chunks are 2 MiB pages where the system gives them (new_slots): a
 * document appends to a few hundred buffers all over the pool, and on
 * 4 KiB pages most of those appends missed in the TLB.  A run's chunks
 * are kept for the next run, not unmapped: every fresh one cost the
 * system zeroing 2 MiB (clear_page_erms, 4% of a load's CPU). */
#define POOL_CHUNK (2u << 20)
#define POOL_BIG   (64u << 10)
#define POOL_MIN   16u
#define POOL_CLASSES 13         /* 16 B to 64 KiB */

/* A token of the current document, not yet looked up: its hash, where
 * its bytes are in tb (only a term longer than KEY bytes is copied
 * there), its position, its local index once looked up, and its length
 * and first bytes as the slot keeps them (key_words): the whole of most
 * terms. */
typedef struct DocTok { uint32_t hash, off, pos, local; uint64_t k0, k1; } DocTok;

/* The merge builds terms of this shape for encode_blocks. */
typedef struct WTerm {
  uint32_t df, cf;
  int64_t lastdoc;          /* last document written to post */
  LedeBuf post;             /* as Slot.post */
} WTerm;

struct LedeIndexWriter {
  Slot *slots;
  uint32_t nslots, nterms;
  LedeBuf arena;            /* term bytes */
  uint32_t mark;            /* the current document's mark */
  /* the current document: its tokens, then its distinct terms */
  DocTok *toks;
  char *tb;                 /* the tokens' bytes */
  size_t ntoks, captoks, ntb, captb;
  uint32_t *lterm, *lend;   /* local index -> slot, end of its positions */
  uint32_t *gpos;           /* positions grouped by local index */
  uint32_t nlocal;
  uint32_t dlen, dsentence;  /* lede_iw_token: the document's length, last sentence */
  uint32_t *dsent;          /* and its sentence starts */
  size_t ndsent, capdsent;
  int64_t doc, first_doc, last_doc;
  LedeBuf docs;             /* the segment's docs blob */
  LedeBuf sent;             /* the segment's sent blob */
  size_t ndocs;
  uint64_t ntok;
  size_t memory;            /* postings' bytes allocated, pool included */
  unsigned char **chunks;   /* the postings pool (see post_room) */
  size_t nchunks, capchunks, used;
  size_t nkept;             /* chunks[nchunks..nkept): mapped, free for reuse */
  unsigned char *freel[POOL_CLASSES];   /* pieces left behind, by size */
  int oom;
  int sealed;               /* terms encoded into sdict and spost */
  LedeBuf sdict, spost;
};

static uint64_t load64(const void *p) { uint64_t x; memcpy(&x, p, 8); return x; }

/* The n bytes at p (n < 8) as a little-endian number, read without
 * touching a byte outside them (overlapping reads agree where they
 * overlap). */
static inline uint64_t le_bytes(const char *p, size_t n)
{
  if (n >= 4) {
    uint32_t a, b;
    memcpy(&a, p, 4);
    memcpy(&b, p + n - 4, 4);
    return a | (uint64_t)b << (8 * (n - 4));
  }
  const unsigned char *u = (const unsigned char *)p;
  return n ? u[0] | (uint64_t)u[n / 2] << (8 * (n / 2)) | (uint64_t)u[n - 1] << (8 * (n - 1)) : 0;
}

/* The term's length and first KEY bytes as the slot keeps them, read
 * from the tokenizer's buffer (whose bytes past the term are not ours)
 * while they are in cache.  A term of up to KEY bytes is whole in them. */
static inline void key_words(const char *t, size_t len, uint64_t *k0, uint64_t *k1)
{
  if (len < 8) {
    *k0 = len | le_bytes(t, len) << 8;
    *k1 = 0;
    return;
  }
  *k0 = len | (load64(t) & 0x00FFFFFFFFFFFFFFULL) << 8;
  *k1 = len >= 15 ? load64(t + 7) : load64(t + len - 8) >> (8 * (15 - len));
}

/* A hash of the key words, and of the bytes past them for a longer term
 * (eight at a time, the tail as one word), with low bits good for the
 * table mask. */
static inline uint32_t hash_term(const char *p, size_t n, uint64_t k0, uint64_t k1)
{
  uint64_t h = (k0 * 0x9E3779B97F4A7C15ULL) ^ (k1 * 0xC2B2AE3D27D4EB4FULL);
  if (n > KEY) {
    size_t i = KEY;
    for (; i + 8 <= n; i += 8) h = (h ^ load64(p + i)) * 0xff51afd7ed558ccdULL;
    if (i < n) h = (h ^ load64(p + n - 8)) * 0xc4ceb9fe1a85ec53ULL;
  }
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ULL;
  uint32_t r = (uint32_t)(h >> 32);
  return r ? r : 1;
}

static int same_term(const LedeIndexWriter *w, const Slot *s, const char *t, size_t len,
                     uint64_t k0, uint64_t k1)
{
  const unsigned char *k = &s->len;
  if (load64(k) != k0 || load64(k + 8) != k1) return 0;
  return len <= KEY || memcmp(w->arena.p + s->off + KEY, t + KEY, len - KEY) == 0;
}

/* The slot table of a big batch spans thousands of 4 KiB pages, and even
 * the few thousand common words, whose slots stay in cache, miss in the
 * TLB at every token; on 2 MiB pages they do not. */
/* A mapping of its own, aligned to 2 MiB (a heap block would leave the
 * alignment's waste in the heap, and the advice would spread to its
 * neighbours), so the system can back it with huge pages; zero-filled. */
static void *huge_alloc(size_t bytes)
{
  size_t align = 2u << 20;
  char *p = mmap(NULL, bytes + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return NULL;
  size_t head = (align - (uintptr_t)p % align) % align;
  if (head) munmap(p, head);
  if (align - head) munmap(p + head + bytes, align - head);
  p += head;
#ifdef MADV_HUGEPAGE
  madvise(p, bytes, MADV_HUGEPAGE);
#endif
  return p;
}

static Slot *new_slots(uint32_t n)
{
  size_t bytes = (size_t)n * sizeof(Slot);
  return bytes < (2u << 20) ? calloc(n, sizeof(Slot)) : huge_alloc(bytes);
}

static void free_slots(Slot *s, uint32_t n)
{
  size_t bytes = (size_t)n * sizeof(Slot);
  if (bytes < (2u << 20)) free(s);
  else if (s) munmap(s, bytes);
}

LedeIndexWriter *lede_iw_new(void)
{
  LedeIndexWriter *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->nslots = 1 << 10;
  w->slots = new_slots(w->nslots);
  if (!w->slots) { free(w); return NULL; }
  return w;
}

/* The pool's pieces are let go; its chunks stay mapped for the next run. */
static void free_pool(LedeIndexWriter *w)
{
  if (w->nchunks > w->nkept) w->nkept = w->nchunks;
  w->nchunks = 0;
  memset(w->freel, 0, sizeof w->freel);
}

static void unmap_pool(LedeIndexWriter *w)
{
  for (size_t i = 0; i < w->nkept || i < w->nchunks; i++) munmap(w->chunks[i], POOL_CHUNK);
  w->nchunks = w->nkept = 0;
}

static void reset_terms(LedeIndexWriter *w)
{
  for (uint32_t i = 0; i < w->nslots && w->nterms; i++)
    if (w->slots[i].cappost > POOL_BIG) free(w->slots[i].post);
  free_pool(w);
  if (w->nterms) memset(w->slots, 0, w->nslots * sizeof *w->slots);   /* seal cleared them */
  w->nterms = 0;
  w->mark = 0;
  w->arena.n = 0;
  w->memory = 0;
}

static void reset(LedeIndexWriter *w)
{
  reset_terms(w);
  lede_buf_free(&w->sdict);
  lede_buf_free(&w->spost);
  w->sealed = 0;
  w->docs.n = 0;
  w->sent.n = 0;
  w->ndocs = 0;
  w->ntok = 0;
  w->nlocal = 0;
  w->ntoks = w->ntb = 0;
  w->first_doc = w->last_doc = 0;
}

void lede_iw_discard(LedeIndexWriter *w) { reset(w); w->oom = 0; }

void lede_iw_free(LedeIndexWriter *w)
{
  if (!w) return;
  reset(w);
  unmap_pool(w);
  free_slots(w->slots, w->nslots);
  free(w->toks);
  free(w->tb);
  free(w->lterm);
  free(w->lend);
  free(w->gpos);
  free(w->dsent);
  free(w->chunks);
  lede_buf_free(&w->arena);
  lede_buf_free(&w->docs);
  lede_buf_free(&w->sent);
  free(w);
}

/* Postings buffers as allocated, the slots, term bytes, the current
 * document's arrays and the segment's blobs. */
size_t lede_iw_memory(const LedeIndexWriter *w)
{
  return w->memory + w->arena.cap + (size_t)w->nslots * sizeof(Slot)
         + w->captoks * (sizeof(DocTok) + 12) + w->captb
         + w->docs.cap + w->sent.cap + w->sdict.cap + w->spost.cap;
}

size_t lede_iw_docs(const LedeIndexWriter *w) { return w->ndocs; }

/* Slots move: the current document's list follows them. */
static int grow_slots(LedeIndexWriter *w)
{
  uint32_t n = w->nslots * 2;
  Slot *s = new_slots(n);
  if (!s) return 0;
  for (uint32_t i = 0; i < w->nslots; i++) {
    const Slot *o = &w->slots[i];
    if (!o->hash) continue;
    uint32_t j = o->hash & (n - 1);
    while (s[j].hash) j = (j + 1) & (n - 1);
    s[j] = *o;
    if (o->mark == w->mark) w->lterm[o->local] = j;
  }
  free_slots(w->slots, w->nslots);
  w->slots = s;
  w->nslots = n;
  return 1;
}

/* A new term in slot j: its key words k0 and k1 (key_words) hold all of
 * a term of up to KEY bytes; the bytes of a longer one are at t. */
static Slot *new_term(LedeIndexWriter *w, uint32_t j, const char *t, uint64_t k0, uint64_t k1,
                      uint32_t h)
{
  size_t len = k0 & 255;
  if (w->arena.n + len > UINT32_MAX) { w->oom = 1; return NULL; }
  Slot *s = &w->slots[j];
  memset(s, 0, sizeof *s);
  s->hash = h;
  s->off = (uint32_t)w->arena.n;
  unsigned char *key = (unsigned char *)s + offsetof(Slot, len);  /* len, key[] */
  memcpy(key, &k0, 8);
  memcpy(key + 8, &k1, 8);
  if (len > KEY) {
    lede_buf_add(&w->arena, t, len);
  } else {
    unsigned char b[16];
    uint64_t lo = k0 >> 8;
    memcpy(b, &lo, 8);
    memcpy(b + 7, &k1, 8);
    lede_buf_add(&w->arena, b, len);
  }
  if (w->arena.oom) { w->oom = 1; return NULL; }
  w->nterms++;
  return s;
}

void lede_iw_begin(LedeIndexWriter *w, int64_t doc)
{
  w->doc = doc;
  w->mark++;
  w->nlocal = 0;
  w->ntoks = w->ntb = 0;
  w->dlen = 0;
  w->ndsent = 0;
  if (!w->first_doc) w->first_doc = doc;
}

static int grow_doc(LedeIndexWriter *w, size_t len)
{
  if (w->ntb + len > w->captb) {
    size_t cap = w->captb ? w->captb : 4096;
    while (cap < w->ntb + len) cap *= 2;
    if (cap > UINT32_MAX) return 0;
    char *p = realloc(w->tb, cap);
    if (!p) return 0;
    w->tb = p;
    w->captb = cap;
  }
  if (w->ntoks == w->captoks) {
    size_t cap = w->captoks ? w->captoks * 2 : 1024;
    DocTok *t = realloc(w->toks, cap * sizeof *t);
    if (t) w->toks = t;
    uint32_t *a = t ? realloc(w->lterm, cap * sizeof *a) : NULL;
    if (a) w->lterm = a;
    uint32_t *b = a ? realloc(w->lend, cap * sizeof *b) : NULL;
    if (b) w->lend = b;
    uint32_t *c = b ? realloc(w->gpos, cap * sizeof *c) : NULL;
    if (c) w->gpos = c;
    if (!c) return 0;
    w->captoks = cap;
  }
  return 1;
}

/* memcpy for a few bytes, without the call: words, the last one
 * overlapping, so nothing outside the n bytes is read or written. */
static void copy_term(char *d, const char *s, size_t n)
{
  if (n >= 8) {
    size_t i = 0;
    for (; i + 8 < n; i += 8) memcpy(d + i, s + i, 8);
    memcpy(d + n - 8, s + n - 8, 8);
  } else if (n >= 4) {
    memcpy(d, s, 4);
    memcpy(d + n - 4, s + n - 4, 4);
  } else {
    d[0] = s[0];
    d[n / 2] = s[n / 2];
    d[n - 1] = s[n - 1];
  }
}

/* A term of up to KEY bytes is kept as its key words alone; only the
 * bytes of longer ones are copied. */
static inline void add_term(LedeIndexWriter *w, const char *term, size_t len, uint32_t pos)
{
  if (w->oom || len == 0 || len > 255) return;
  if ((w->ntoks == w->captoks || w->ntb + len > w->captb) && !grow_doc(w, len)) {
    w->oom = 1;
    return;
  }
  DocTok *k = &w->toks[w->ntoks++];
  key_words(term, len, &k->k0, &k->k1);
  k->hash = hash_term(term, len, k->k0, k->k1);
  k->off = (uint32_t)w->ntb;
  k->pos = pos;
  if (len > KEY) {
    copy_term(w->tb + w->ntb, term, len);
    w->ntb += len;
  }
}

void lede_iw_term(LedeIndexWriter *w, const char *term, size_t len, uint32_t pos)
{
  add_term(w, term, len, pos);
}

/* The tokenizer calls the writer itself: a call less per token than
 * through the analyzer, and the length and sentence starts are noted
 * here. */
int lede_iw_token(void *ud, const LedeToken *t)
{
  LedeIndexWriter *w = ud;
  if (t->flags & LEDE_TOKF_NOPOS) return 0;
  add_term(w, t->term, t->len, t->pos);
  if (t->pos + 1 > w->dlen) w->dlen = t->pos + 1;
  if (w->ndsent == 0 || t->sentence != w->dsentence) {
    if (w->ndsent == w->capdsent) {
      size_t cap = w->capdsent ? w->capdsent * 2 : 64;
      uint32_t *v = realloc(w->dsent, cap * sizeof *v);
      if (!v) { w->oom = 1; return 1; }
      w->dsent = v;
      w->capdsent = cap;
    }
    w->dsent[w->ndsent++] = t->pos;
    w->dsentence = t->sentence;
  }
  return 0;
}

void lede_iw_end_doc(LedeIndexWriter *w)
{
  lede_iw_end(w, w->dlen, w->dsent, w->ndsent);
}

/* The token's slot, added if new; NULL when out of memory. */
static Slot *find_slot(LedeIndexWriter *w, const DocTok *k)
{
  const char *t = w->tb + k->off;
  uint64_t k0 = k->k0, k1 = k->k1;
  size_t len = k0 & 255;
  if ((w->nterms + 1) * 5 > w->nslots * 3 && !grow_slots(w)) { w->oom = 1; return NULL; }
  uint32_t mask = w->nslots - 1;
  for (uint32_t j = k->hash & mask;; j = (j + 1) & mask) {
    Slot *s = &w->slots[j];
    if (!s->hash) return new_term(w, j, t, k0, k1, k->hash);
    if (s->hash == k->hash && same_term(w, s, t, len, k0, k1)) return s;
  }
}

/* Look up the document's tokens, listing its distinct terms and counting
 * each one's tokens. */
static void lookup_doc(LedeIndexWriter *w)
{
  for (size_t i = 0; i < w->ntoks; i++) {
    DocTok *k = &w->toks[i];
    if (i + 16 < w->ntoks) __builtin_prefetch(&w->slots[k[16].hash & (w->nslots - 1)]);
    Slot *s = find_slot(w, k);
    if (!s) return;
    if (s->mark != w->mark) {
      s->mark = w->mark;
      s->local = w->nlocal;
      w->lterm[w->nlocal] = (uint32_t)(s - w->slots);
      w->lend[w->nlocal++] = 0;
    }
    k->local = s->local;
    w->lend[s->local]++;
  }
}

static unsigned pool_class(size_t n) { return (unsigned)__builtin_ctzll(n) - 4; }

/* A piece of n bytes, a power of two from POOL_MIN to POOL_BIG. */
static unsigned char *pool_alloc(LedeIndexWriter *w, size_t n)
{
  unsigned char **fl = &w->freel[pool_class(n)];
  if (*fl) {
    unsigned char *p = *fl;
    memcpy(fl, p, sizeof *fl);
    return p;
  }
  if (w->nchunks == 0 || w->used + n > POOL_CHUNK) {
    if (w->nchunks == w->capchunks) {
      size_t cap = w->capchunks ? w->capchunks * 2 : 64;
      unsigned char **c = realloc(w->chunks, cap * sizeof *c);
      if (!c) return NULL;
      w->chunks = c;
      w->capchunks = cap;
    }
    if (w->nchunks >= w->nkept && !(w->chunks[w->nchunks] = huge_alloc(POOL_CHUNK))) return NULL;
    w->nchunks++;
    w->memory += POOL_CHUNK;
    w->used = 0;
  }
  unsigned char *p = w->chunks[w->nchunks - 1] + w->used;
  w->used += n;
  return p;
}

/* Room for need more bytes of the slot's postings. */
static int post_room(LedeIndexWriter *w, Slot *s, size_t need)
{
  if (s->npost + need <= s->cappost) return 1;
  size_t cap = s->cappost ? s->cappost : POOL_MIN;
  while (cap < s->npost + need) cap *= 2;
  if (cap > UINT32_MAX) return 0;
  int big = s->cappost > POOL_BIG;
  unsigned char *p = cap > POOL_BIG ? realloc(big ? s->post : NULL, cap) : pool_alloc(w, cap);
  if (!p) return 0;
  if (!big && s->cappost) {
    memcpy(p, s->post, s->npost);
    unsigned char **fl = &w->freel[pool_class(s->cappost)];
    memcpy(s->post, fl, sizeof *fl);
    *fl = s->post;
  }
  if (cap > POOL_BIG) w->memory += cap - (big ? s->cappost : 0);
  s->post = p;
  s->cappost = (uint32_t)cap;
  return 1;
}

/* Group the document's positions by term (a counting sort that keeps
 * token order) and append one entry per distinct term. */
static void flush_doc(LedeIndexWriter *w)
{
  uint32_t at = 0;
  for (uint32_t l = 0; l < w->nlocal; l++) { at += w->lend[l]; w->lend[l] = at; }
  for (size_t i = w->ntoks; i-- > 0;)
    w->gpos[--w->lend[w->toks[i].local]] = w->toks[i].pos;
  for (uint32_t l = 0; l < w->nlocal; l++) {
    Slot *s = &w->slots[w->lterm[l]];
    if (l + 8 < w->nlocal) {     /* the buffer end a few terms ahead */
      const Slot *f = &w->slots[w->lterm[l + 8]];
      if (f->post) __builtin_prefetch(f->post + f->npost, 1);
    }
    uint32_t from = w->lend[l], to = l + 1 < w->nlocal ? w->lend[l + 1] : (uint32_t)w->ntoks;
    if (!post_room(w, s, 20 + (size_t)5 * (to - from))) { w->oom = 1; return; }
    unsigned char *p = s->post + s->npost;
    p += lede_varint_put(p, (uint64_t)(w->doc - s->lastdoc));
    p += lede_varint_put(p, to - from);
    uint32_t prev = 0;
    for (uint32_t k = from; k < to; k++) {
      p += lede_varint_put(p, w->gpos[k] - prev);
      prev = w->gpos[k];
    }
    s->npost = (uint32_t)(p - s->post);
    s->lastdoc = w->doc;
    s->df++;
    s->cf += to - from;
  }
}

void lede_iw_end(LedeIndexWriter *w, uint32_t ntok, const uint32_t *sent, size_t nsent)
{
  if (w->oom) return;
  lookup_doc(w);
  if (w->oom) return;
  flush_doc(w);
  int64_t prev = w->last_doc ? w->last_doc : 0;
  lede_buf_varint(&w->docs, (uint64_t)(w->doc - prev));
  lede_buf_varint(&w->docs, ntok);
  lede_buf_varint(&w->sent, (uint64_t)(w->doc - prev));
  lede_buf_varint(&w->sent, nsent);
  for (size_t i = 0; i < nsent; i++)
    lede_buf_varint(&w->sent, sent[i] - (i ? sent[i - 1] : 0));
  w->last_doc = w->doc;
  w->ndocs++;
  w->ntok += ntok;
}

/* ---- flush: encode the batch as a segment ------------------------------ */

/* pre: the term's first 8 bytes, zero-padded, as a big-endian number,
 * so most comparisons are one integer comparison, not a memcmp of bytes
 * scattered over the arena. */
typedef struct SortKey { uint64_t pre; const char *p; uint32_t len, idx; } SortKey;

static int cmp_key(const void *a, const void *b)
{
  const SortKey *x = a, *y = b;
  if (x->pre != y->pre) return x->pre < y->pre ? -1 : 1;
  size_t n = x->len < y->len ? x->len : y->len;
  int c = memcmp(x->p, y->p, n);
  return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Terms in byte order: a radix sort on pre, 8 bits a pass (passes on a
 * byte that all keys share are skipped), then the few runs of keys that
 * share their first 8 bytes by comparison.  0 when out of memory. */
static int sort_keys(SortKey *k, size_t n)
{
  if (n < 2) return 1;
  SortKey *tmp = malloc(n * sizeof *tmp), *a = k, *b = tmp;
  if (!tmp) return 0;
  for (unsigned shift = 0; shift < 64; shift += 8) {
    size_t count[256] = {0};
    for (size_t i = 0; i < n; i++) count[(a[i].pre >> shift) & 255]++;
    if (count[(a[0].pre >> shift) & 255] == n) continue;
    for (size_t d = 0, at = 0; d < 256; d++) { size_t c = count[d]; count[d] = at; at += c; }
    for (size_t i = 0; i < n; i++) b[count[(a[i].pre >> shift) & 255]++] = a[i];
    SortKey *t = a;
    a = b;
    b = t;
  }
  if (a != k) memcpy(k, a, n * sizeof *k);
  free(tmp);
  for (size_t i = 0, j; i < n; i = j) {
    for (j = i + 1; j < n && k[j].pre == k[i].pre; j++) {}
    if (j - i > 1) qsort(k + i, j - i, sizeof *k, cmp_key);
  }
  return 1;
}

static SortKey sort_key(const LedeIndexWriter *w, uint32_t i)
{
  const Slot *s = &w->slots[i];
  return (SortKey){__builtin_bswap64(load64(s->key)), w->arena.p + s->off, s->len, i};
}

/* Bits needed to write v (0 for 0). */
static unsigned width_of(uint64_t v) { return v ? 64 - (unsigned)__builtin_clzll(v) : 0; }

/* Values packed low bits first into bytes reserved beforehand. */
typedef struct BitOut { unsigned char *p; uint64_t acc; unsigned n; } BitOut;

/* Stores the whole accumulator each time and moves on by its full
 * bytes: no loop, and the bytes past the end are reserved (bits_begin)
 * and overwritten by what follows. */
static inline void bits_put(BitOut *o, uint64_t v, unsigned w)
{
  o->acc |= v << o->n;          /* v < 2^w, w <= 57, n < 8: no bit lost */
  o->n += w;
  memcpy(o->p, &o->acc, 8);
  unsigned full = o->n & ~7u;
  o->p += full >> 3;
  o->acc = full >= 64 ? 0 : o->acc >> full;
  o->n &= 7;
}

/* Start packing at the end of b, with room for nbits more bits. */
static BitOut bits_begin(LedeBuf *b, uint64_t nbits)
{
  if (!lede_buf_reserve(b, (size_t)(nbits / 8) + 9)) return (BitOut){NULL, 0, 0};
  return (BitOut){(unsigned char *)b->p + b->n, 0, 0};
}

static void bits_end(LedeBuf *b, BitOut *o)
{
  if (!o->p) return;
  if (o->n) *o->p++ = (unsigned char)o->acc;
  b->n = (size_t)((char *)o->p - b->p);
}

/* One block as decoded from the writer's buffer: documents, their gaps
 * less one, tf and the position values (each document's first absolute,
 * the rest as gaps) in vals. */
typedef struct WBlock {
  uint32_t n, maxtf, maxval;
  int64_t first, last;
  uint64_t gapbits;             /* OR of the gaps: its width is theirs */
  uint64_t gap[BLOCK];
  uint32_t tf[BLOCK];
  size_t nvals;
} WBlock;

/* Most values of the writer's buffers take one byte, most others two:
 * both without a branch on which (it went either way for positions);
 * longer ones, and the last byte of a buffer, the slow way. */
static inline uint64_t get_varint(const unsigned char **p, const unsigned char *end)
{
  const unsigned char *q = *p;
  if (__builtin_expect(end - q >= 2 && !(q[0] & q[1] & 0x80), 1)) {
    uint64_t two = q[0] >> 7;
    *p = q + 1 + two;
    return (q[0] & 0x7Fu) | ((uint64_t)(q[1] & 0x7Fu) << 7 & (0 - two));
  }
  uint64_t v = 0;
  *p += lede_varint_get(*p, end, &v);
  return v;
}

static const unsigned char *read_block(const unsigned char *p, const unsigned char *end,
                                       int64_t doc, WBlock *k, LedeBuf *vals)
{
  k->first = k->last = doc;
  k->maxtf = 1;
  k->maxval = 0;
  k->gapbits = 0;
  k->nvals = 0;
  vals->n = 0;
  for (uint32_t i = 0; i < k->n; i++) {
    uint64_t delta = get_varint(&p, end), tf = get_varint(&p, end);
    doc += (int64_t)delta;
    if (i == 0) k->first = doc;
    k->gap[i] = i ? delta - 1 : 0;
    k->gapbits |= k->gap[i];
    k->tf[i] = (uint32_t)tf;
    if (tf > k->maxtf) k->maxtf = (uint32_t)tf;
    size_t need = (size_t)tf * sizeof(uint32_t);
    if (vals->n + need >= vals->cap && !lede_buf_reserve(vals, need)) return end;
    uint32_t *out = (uint32_t *)(void *)vals->p + k->nvals;
    uint32_t any = 0;
    for (uint64_t j = 0; j < tf; j++) {
      uint32_t v = (uint32_t)get_varint(&p, end);
      out[j] = v;
      any |= v;
    }
    k->maxval |= any;
    k->nvals += tf;
    vals->n += (size_t)tf * sizeof(uint32_t);
  }
  k->last = doc;
  return p;
}

/* Write the block's doc part and position part; returns the doc part's
 * bytes. */
static size_t write_block(const WBlock *k, const LedeBuf *vals, LedeBuf *out)
{
  size_t before = out->n;
  lede_buf_varint(out, (uint64_t)k->first);
  unsigned wd = width_of(k->gapbits), wt = width_of(k->maxtf - 1u);
  if (k->n > 1) lede_buf_add(out, &(unsigned char){(unsigned char)wd}, 1);
  BitOut o = bits_begin(out, (uint64_t)(k->n - 1) * wd + (uint64_t)k->n * wt);
  for (uint32_t i = 1; o.p && i < k->n; i++) bits_put(&o, k->gap[i], wd);
  for (uint32_t i = 0; o.p && wt && i < k->n; i++) bits_put(&o, k->tf[i] - 1u, wt);
  bits_end(out, &o);
  size_t docbytes = out->n - before;
  unsigned wp = width_of(k->maxval);
  lede_buf_add(out, &(unsigned char){(unsigned char)wp}, 1);
  const uint32_t *v = (const uint32_t *)(const void *)vals->p;
  o = bits_begin(out, (uint64_t)k->nvals * wp);
  for (size_t j = 0; o.p && j < k->nvals; j++) bits_put(&o, v[j], wp);
  bits_end(out, &o);
  return docbytes;
}

/* Encode one term's postings (decoded from the writer's buffer) as
 * blocks of BLOCK documents and their skip table. */
static uint32_t encode_blocks(const WTerm *e, LedeBuf *skip, LedeBuf *blocks, LedeBuf *vals)
{
  const unsigned char *p = (const unsigned char *)e->post.p, *end = p + e->post.n;
  uint32_t nblocks = (e->df + BLOCK - 1) / BLOCK;
  int64_t doc = 0;
  WBlock k;
  for (uint32_t b = 0; b < nblocks; b++) {
    k.n = (b + 1 == nblocks) ? e->df - b * BLOCK : BLOCK;
    p = read_block(p, end, doc, &k, vals);
    doc = k.last;
    size_t before = blocks->n, docbytes = write_block(&k, vals, blocks);
    lede_buf_varint(skip, (uint64_t)k.last);
    lede_buf_varint(skip, docbytes);
    lede_buf_varint(skip, blocks->n - before - docbytes);
    lede_buf_varint(skip, (uint64_t)(k.maxtf - 1u) << 7 | (k.n - 1u));
  }
  if (vals->oom) blocks->oom = 1;
  return nblocks;
}

static void postings_out(LedeBuf *out, uint64_t df, uint64_t nblocks,
                         const LedeBuf *skip, const LedeBuf *blocks)
{
  lede_buf_varint(out, df);
  if (df > 1) {                 /* one document: no skip table (single_skip) */
    lede_buf_varint(out, nblocks);
    lede_buf_varint(out, skip->n);
    lede_buf_add(out, skip->p, skip->n);
  }
  lede_buf_add(out, blocks->p, blocks->n);
}

static void encode_postings(const WTerm *e, LedeBuf *out, LedeBuf *skip, LedeBuf *blocks,
                            LedeBuf *vals)
{
  skip->n = blocks->n = 0;
  uint32_t nblocks = encode_blocks(e, skip, blocks, vals);
  postings_out(out, e->df, nblocks, skip, blocks);
}

/* A dictionary being written (see "dict" above): entries, the restart
 * table, and the previous term for front coding. */
typedef struct DictOut {
  LedeBuf ents, table, prev;
  uint64_t n, post;             /* entries so far, their postings' bytes */
} DictOut;

static void put_le(LedeBuf *b, uint64_t v, int bytes)
{
  unsigned char x[8];
  for (int i = 0; i < bytes; i++) x[i] = (unsigned char)(v >> (8 * i));
  lede_buf_add(b, x, (size_t)bytes);
}

static void dict_put(DictOut *d, const char *t, size_t len, uint64_t df, uint64_t cf, uint64_t postlen)
{
  size_t shared = 0;
  if (d->n % RESTART == 0) {
    put_le(&d->table, d->ents.n, 4);
    put_le(&d->table, d->post, 8);
  } else {
    while (shared < d->prev.n && shared < len && d->prev.p[shared] == t[shared]) shared++;
  }
  lede_buf_varint(&d->ents, shared);
  lede_buf_varint(&d->ents, len - shared);
  lede_buf_add(&d->ents, t + shared, len - shared);
  lede_buf_varint(&d->ents, df);
  lede_buf_varint(&d->ents, cf);
  lede_buf_varint(&d->ents, postlen);
  d->prev.n = 0;
  lede_buf_add(&d->prev, t, len);
  d->n++;
  d->post += postlen;
}

/* The blob: header, entries, the restart table with its end row (offsets
 * made absolute), the number of restart points.  0 when out of memory. */
static int dict_finish(DictOut *d, LedeBuf *out)
{
  lede_buf_add(out, MAGIC, 4);
  lede_buf_varint(out, d->n);
  lede_buf_varint(out, RESTART);
  uint64_t hdr = out->n;
  lede_buf_add(out, d->ents.p, d->ents.n);
  const unsigned char *row = (const unsigned char *)d->table.p;
  uint64_t nrst = d->table.n / 12;
  for (uint64_t r = 0; r < nrst; r++, row += 12) {
    put_le(out, hdr + le_get(row, 4), 4);
    lede_buf_add(out, row + 4, 8);
  }
  put_le(out, hdr + d->ents.n, 4);
  put_le(out, d->post, 8);
  put_le(out, nrst, 4);
  return !(out->oom || d->ents.oom || d->table.oom || d->prev.oom || hdr + d->ents.n > UINT32_MAX);
}

static void dict_out_free(DictOut *d)
{
  lede_buf_free(&d->ents);
  lede_buf_free(&d->table);
  lede_buf_free(&d->prev);
}

static int insert_chunks(sqlite3 *db, int64_t seg, const LedeBuf *post, uint32_t chunk)
{
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(db, "INSERT INTO lede_post(id, data) VALUES(?,?)", -1, &s, NULL) != SQLITE_OK)
    return LEDE_ESTORE;
  int rc = LEDE_OK;
  for (size_t off = 0, k = 0; off < post->n && rc == LEDE_OK; off += chunk, k++) {
    size_t n = post->n - off < chunk ? post->n - off : chunk;
    sqlite3_bind_int64(s, 1, seg * CHUNK_ROWS + (int64_t)k);
    sqlite3_bind_blob64(s, 2, post->p + off, n, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE) rc = LEDE_ESTORE;
    sqlite3_reset(s);
  }
  sqlite3_finalize(s);
  return rc;
}

static int insert_segment(sqlite3 *db, int64_t first, int64_t last, size_t ndocs,
                          uint64_t ntok, const LedeBuf *docs, const LedeBuf *sent,
                          const LedeBuf *dict, const LedeBuf *post)
{
  uint32_t chunk = 0;
  if (mark_format(db) != LEDE_OK) return LEDE_ESTORE;
  int rc = check_format(db, &chunk);
  if (rc != LEDE_OK) return rc;
  if (post->n / chunk >= CHUNK_ROWS) return LEDE_ESTORE;   /* 64 GiB in one segment */
  sqlite3_stmt *s;
  rc = sqlite3_prepare_v2(db,
    "INSERT INTO lede_seg(first_doc,last_doc,ndocs,ntok,docs,sent,dict,post)"
    " VALUES(?,?,?,?,?,?,?,x'')", -1, &s, NULL);
  if (rc != SQLITE_OK) return LEDE_ESTORE;
  sqlite3_bind_int64(s, 1, first);
  sqlite3_bind_int64(s, 2, last);
  sqlite3_bind_int64(s, 3, (sqlite3_int64)ndocs);
  sqlite3_bind_int64(s, 4, (sqlite3_int64)ntok);
  const LedeBuf *blobs[] = {docs, sent, dict};
  for (int i = 0; i < 3; i++)
    sqlite3_bind_blob64(s, 5 + i, blobs[i]->p ? blobs[i]->p : "", blobs[i]->n, SQLITE_STATIC);
  rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return LEDE_ESTORE;
  rc = insert_chunks(db, sqlite3_last_insert_rowid(db), post, chunk);
  return rc == LEDE_OK ? bump_gen(db) : rc;
}

/* Encode the pending documents' postings as a segment's dict and post
 * blobs, kept until lede_iw_write; the per-term buffers are freed.  Runs
 * on an indexing thread, so the loading thread only inserts blobs. */
int lede_iw_seal(LedeIndexWriter *w)
{
  if (w->sealed || w->oom || w->ndocs == 0) return w->oom ? LEDE_ENOMEM : LEDE_OK;
  SortKey *keys = malloc((w->nterms ? w->nterms : 1) * sizeof *keys);
  if (!keys) { w->oom = 1; return LEDE_ENOMEM; }
  uint32_t n = 0;
  for (uint32_t i = 0; i < w->nslots; i++)
    if (w->slots[i].hash) keys[n++] = sort_key(w, i);
  if (!sort_keys(keys, n)) { free(keys); w->oom = 1; return LEDE_ENOMEM; }
  LedeBuf skip = {0}, blocks = {0}, vals = {0};
  DictOut dict = {0};
  w->sdict.n = w->spost.n = 0;
  for (uint32_t i = 0; i < n; i++) {
    Slot *s = &w->slots[keys[i].idx];
    if (i + 16 < n) __builtin_prefetch(&w->slots[keys[i + 16].idx]);
    if (i + 8 < n) __builtin_prefetch(w->slots[keys[i + 8].idx].post);
    WTerm e = {s->df, s->cf, s->lastdoc, {(char *)s->post, s->npost, s->cappost, 0}};
    size_t before = w->spost.n;
    encode_postings(&e, &w->spost, &skip, &blocks, &vals);
    dict_put(&dict, keys[i].p, keys[i].len, e.df, e.cf, w->spost.n - before);
    if (s->cappost > POOL_BIG) {  /* as we go: the blobs grow as these go */
      free(s->post);
      w->memory -= s->cappost;
    }
    memset(s, 0, sizeof *s);     /* in cache now; clearing the table later was a sweep of it all */
  }
  w->nterms = 0;
  if (!dict_finish(&dict, &w->sdict) || w->spost.oom || skip.oom || blocks.oom
      || w->docs.oom || w->sent.oom)
    w->oom = 1;
  dict_out_free(&dict);
  free(keys);
  lede_buf_free(&skip);
  lede_buf_free(&blocks);
  lede_buf_free(&vals);
  reset_terms(w);
  w->sealed = 1;
  return w->oom ? LEDE_ENOMEM : LEDE_OK;
}

/* Insert the sealed segment (sealing it first if need be) inside the
 * caller's transaction and start afresh. */
int lede_iw_write(LedeIndexWriter *w, sqlite3 *db)
{
  if (w->ndocs == 0 && !w->oom) return LEDE_OK;
  int rc = w->sealed ? LEDE_OK : lede_iw_seal(w);
  if (rc == LEDE_OK && w->oom) rc = LEDE_ENOMEM;
  if (rc == LEDE_OK)
    rc = insert_segment(db, w->first_doc, w->last_doc, w->ndocs, w->ntok,
                        &w->docs, &w->sent, &w->sdict, &w->spost);
  lede_iw_discard(w);
  return rc;
}


/* A sealed segment taken from its writer, so the writer can take the
 * next run while this one waits for its transaction (indexer.c). */
struct LedeSealed {
  int64_t first, last;
  size_t ndocs;
  uint64_t ntok;
  LedeBuf docs, sent, dict, post;
};

int lede_iw_take(LedeIndexWriter *w, LedeSealed **out)
{
  *out = NULL;
  if (w->ndocs == 0 && !w->oom) return LEDE_OK;
  int rc = w->sealed ? LEDE_OK : lede_iw_seal(w);
  LedeSealed *g = rc == LEDE_OK && !w->oom ? malloc(sizeof *g) : NULL;
  if (g) {
    *g = (LedeSealed){w->first_doc, w->last_doc, w->ndocs, w->ntok,
                      w->docs, w->sent, w->sdict, w->spost};
    memset(&w->docs, 0, sizeof w->docs);
    memset(&w->sent, 0, sizeof w->sent);
    memset(&w->sdict, 0, sizeof w->sdict);
    memset(&w->spost, 0, sizeof w->spost);
  }
  lede_iw_discard(w);
  *out = g;
  return g ? LEDE_OK : LEDE_ENOMEM;
}

int lede_sealed_write(const LedeSealed *g, sqlite3 *db)
{
  return insert_segment(db, g->first, g->last, g->ndocs, g->ntok,
                        &g->docs, &g->sent, &g->dict, &g->post);
}

size_t lede_sealed_memory(const LedeSealed *g)
{
  return g ? g->docs.cap + g->sent.cap + g->dict.cap + g->post.cap : 0;
}

void lede_sealed_free(LedeSealed *g)
{
  if (!g) return;
  lede_buf_free(&g->docs);
  lede_buf_free(&g->sent);
  lede_buf_free(&g->dict);
  lede_buf_free(&g->post);
  free(g);
}


/* ======================================================================
 * Reader: segment dictionaries and document lengths in memory, postings
 * read block by block from the blobs.
 */

typedef struct DictEntry {
  uint32_t len;                 /* of the term */
  uint64_t df, cf, post_off, post_len;
} DictEntry;

typedef struct Seg {
  int64_t rowid, first, last;
  uint64_t ntok;
  unsigned char *dict;          /* the dictionary blob, NULL until a walk in
                                   term order needs it whole (seg_body) */
  unsigned char *rst;           /* its restart table: nrst + 1 rows */
  size_t dict_n;                /* bytes of the blob */
  sqlite3 *db;                  /* where it is read from */
  uint32_t nrst, nterms, every; /* restart points, entries, entries per restart */
  uint32_t lookups;             /* read from the blob so far (DICT_READS) */
  uint64_t post_total;          /* bytes of postings */
  int64_t *doc_ids;             /* rising */
  uint32_t *doc_len;
  size_t ndocs;
  int whole;                    /* postings in lede_seg.post, not chunked */
  uint32_t *sent_off;           /* per doc, where its sentence starts begin
                                   in sent_pos (ndocs + 1; NULL: not read) */
  uint32_t *sent_pos;
} Seg;

struct LedeIndex {
  sqlite3 *db;
  int64_t gen;
  sqlite3_stmt *gen_stmt;       /* reads index_gen */
  Seg *segs;
  size_t nsegs;
  int64_t *removed;             /* rising */
  size_t nremoved;
  uint32_t *lens;               /* length by document id - lens_first: BM25
                                   asks for one per hit, a binary search is
                                   too slow */
  size_t nlens;
  int64_t lens_first;
  int lens_owned;               /* or the one segment's doc_len, borrowed */
  uint64_t ndocs, ntok;
  uint32_t chunk;               /* bytes of postings per lede_post row */
};

static void free_segs(LedeIndex *ix)
{
  for (size_t i = 0; i < ix->nsegs; i++) {
    free(ix->segs[i].dict);
    free(ix->segs[i].rst);
    free(ix->segs[i].doc_ids);
    free(ix->segs[i].doc_len);
    free(ix->segs[i].sent_off);
    free(ix->segs[i].sent_pos);
  }
  free(ix->segs);
  free(ix->removed);
  if (ix->lens_owned) free(ix->lens);
  ix->lens = NULL;
  ix->nlens = 0;
  ix->lens_first = 0;
  ix->lens_owned = 0;
  ix->segs = NULL;
  ix->removed = NULL;
  ix->nsegs = ix->nremoved = 0;
  ix->ndocs = ix->ntok = 0;
}

static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
  size_t n = an < bn ? an : bn;
  int c = memcmp(a, b, n);
  return c ? c : (an > bn) - (an < bn);
}

/* ---- dictionaries --------------------------------------------------------
 * Opening the index reads a segment dictionary's header and the restart
 * table at its end, not the entries.  A lookup binary-searches the restart
 * points (whose terms are stored whole) and decodes one block of entries,
 * reading those few hundred bytes from the blob (copying a 100 MB corpus'
 * 1.9 MB dictionary was half of opening its index); a walk in term order
 * (the vocabulary, a merge) reads the whole blob into memory first and
 * decodes entry after entry. */

#define RESTART_ROW 12          /* restart table row: 4-byte offset, 8-byte post offset */

/* A place in a segment's dictionary: the current entry and its term. */
typedef struct DictIter {
  const Seg *sg;
  const unsigned char *p, *end; /* the next entry, the end of the entries */
  uint32_t next;                /* index of the next entry */
  int has;                      /* there is a current entry */
  int err;                      /* the blob is malformed */
  uint64_t post;                /* postings offset of the next entry */
  DictEntry e;
  char term[256];               /* the writer keeps terms of 1-255 bytes */
} DictIter;

static uint32_t rst_off(const Seg *sg, uint32_t r) { return (uint32_t)le_get(sg->rst + (size_t)r * RESTART_ROW, 4); }
static uint64_t rst_post(const Seg *sg, uint32_t r) { return le_get(sg->rst + (size_t)r * RESTART_ROW + 4, 8); }

static int iter_fail(DictIter *it)
{
  it->has = 0;
  it->err = 1;
  return 0;
}

/* Step to the next entry; 0 at the end (or on a malformed entry). */
static int dict_next(DictIter *it)
{
  if (it->next >= it->sg->nterms) { it->has = 0; return 0; }
  uint64_t v[5];
  const unsigned char *p = it->p, *end = it->end;
  for (int j = 0; j < 2; j++) {
    size_t k = lede_varint_get(p, end, &v[j]);
    if (!k) return iter_fail(it);
    p += k;
  }
  uint32_t prev = it->has ? it->e.len : 0;
  if (v[0] > prev || v[1] > (uint64_t)(end - p) || v[0] + v[1] > 255) return iter_fail(it);
  memcpy(it->term + v[0], p, (size_t)v[1]);
  p += v[1];
  for (int j = 2; j < 5; j++) {
    size_t k = lede_varint_get(p, end, &v[j]);
    if (!k) return iter_fail(it);
    p += k;
  }
  it->e = (DictEntry){(uint32_t)(v[0] + v[1]), v[2], v[3], it->post, v[4]};
  it->post += v[4];
  it->p = p;
  it->next++;
  it->has = 1;
  return 1;
}

static int seg_body(Seg *sg);

/* Position it on the first entry of block r. */
static int dict_block(DictIter *it, Seg *sg, uint32_t r)
{
  memset(it, 0, offsetof(DictIter, term));
  it->sg = sg;
  if (seg_body(sg) != LEDE_OK) return iter_fail(it);
  it->end = sg->rst ? sg->dict + rst_off(sg, sg->nrst) : NULL;
  if (r >= sg->nrst) { it->next = sg->nterms; return 0; }
  uint32_t off = rst_off(sg, r);
  if (off > rst_off(sg, sg->nrst)) return iter_fail(it);
  it->p = sg->dict + off;
  it->next = r * sg->every;
  it->post = rst_post(sg, r);
  return dict_next(it);
}

/* Bytes [off, off + n) of sg's dictionary: in memory when it is there,
 * else read into buf with the blob handle b; NULL when they cannot be read. */
static const unsigned char *dict_at(const Seg *sg, sqlite3_blob *b, size_t off, size_t n,
                                    unsigned char *buf)
{
  if (sg->dict) return sg->dict + off;
  if (!b || off + n > sg->dict_n || sqlite3_blob_read(b, buf, (int)n, (int)off) != SQLITE_OK) return NULL;
  return buf;
}

/* The term of restart point r against (t, len), as cmp_bytes. */
static int restart_cmp(const Seg *sg, sqlite3_blob *b, uint32_t r, const char *t, size_t len)
{
  size_t off = rst_off(sg, r), lim = rst_off(sg, sg->nrst);
  unsigned char buf[2 * 10 + 255];      /* two varints and a term of 1-255 bytes */
  size_t want = lim > off ? lim - off : 0;
  if (want > sizeof buf) want = sizeof buf;
  const unsigned char *p = dict_at(sg, b, off, want, buf), *end = p ? p + want : NULL;
  uint64_t shared, n;
  size_t a = p && p < end ? lede_varint_get(p, end, &shared) : 0;
  size_t c = a ? lede_varint_get(p + a, end, &n) : 0;
  if (!c || n > (uint64_t)(end - p - a - c)) return 1;    /* malformed: searched no further */
  return cmp_bytes((const char *)p + a + c, (size_t)n, t, len);
}

/* The block whose first term is the last not above (t, len). */
static uint32_t find_block(const Seg *sg, sqlite3_blob *b, const char *t, size_t len)
{
  uint32_t lo = 0, hi = sg->nrst;   /* the first block whose first term is above t */
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (restart_cmp(sg, b, mid, t, len) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo ? lo - 1 : 0;
}

/* Position it on the first entry of sg not less than (t, len). */
static void dict_lower_bound(DictIter *it, Seg *sg, const char *t, size_t len)
{
  if (seg_body(sg) != LEDE_OK) { memset(it, 0, offsetof(DictIter, term)); iter_fail(it); return; }
  dict_block(it, sg, find_block(sg, NULL, t, len));
  while (it->has && cmp_bytes(it->term, it->e.len, t, len) < 0) dict_next(it);
}

static const unsigned char *skip_varint(const unsigned char *p, const unsigned char *end)
{
  while (p < end && (*p & 0x80)) p++;
  return p < end ? p + 1 : NULL;
}

/* The entry of (t, len) among the n entries of a block at [p, end) whose
 * postings begin at post, without building terms: m is how many bytes
 * the previous entry (below t) shares with t, and an entry sharing more
 * than m bytes with its predecessor is below t too, one sharing fewer is
 * above it; only an entry sharing exactly m bytes is compared. */
static int block_find(const unsigned char *p, const unsigned char *end, uint64_t post, uint32_t n,
                      const char *t, size_t len, DictEntry *out)
{
  uint64_t s, k, plen;
  size_t m = 0;
  for (uint32_t i = 0; i < n; i++) {
    size_t a = lede_varint_get(p, end, &s);
    size_t b = a ? lede_varint_get(p + a, end, &k) : 0;
    if (!b || k > (uint64_t)(end - p - a - b)) return 0;
    const char *q = (const char *)p + a + b;
    p += a + b + k;
    if (s < m) return 0;                 /* above t */
    if (s == m) {
      size_t c = 0;
      while (c < k && m + c < len && q[c] == t[m + c]) c++;
      if (c == k && m + k == len) {
        uint64_t v[3];
        for (int j = 0; j < 3; j++) {
          size_t e = lede_varint_get(p, end, &v[j]);
          if (!e) return 0;
          p += e;
        }
        *out = (DictEntry){(uint32_t)len, v[0], v[1], post, v[2]};
        return 1;
      }
      if (c < k && (m + c == len || (unsigned char)q[c] > (unsigned char)t[m + c])) return 0;
      m += c;
    }
    if (!(p = skip_varint(p, end)) || !(p = skip_varint(p, end))) return 0;
    size_t e = lede_varint_get(p, end, &plen);
    if (!e) return 0;
    p += e;
    post += plen;
  }
  return 0;
}

/* Lookups a segment answers from the blob before its dictionary is read
 * whole.  A blob lookup opens a handle and reads a few hundred bytes
 * (about 5 us); a one-shot command makes a handful, so it skips copying
 * the dictionary (8 ms at 1 GB), while a session that goes on querying
 * soon has it in memory, where a lookup takes well under a microsecond. */
#define DICT_READS 8

/* The entry of (t, len) in sg: 1 found, 0 not (or unreadable). */
static int seg_find(Seg *sg, const char *t, size_t len, DictEntry *out)
{
  sqlite3_blob *b = NULL;
  if (!sg->dict && sg->lookups++ >= DICT_READS) seg_body(sg);   /* failing, reads on from the blob */
  if (!sg->dict && sqlite3_blob_open(sg->db, "main", "lede_seg", "dict", sg->rowid, 0, &b) != SQLITE_OK) {
    sqlite3_blob_close(b);
    return 0;
  }
  int found = 0;
  uint32_t r = find_block(sg, b, t, len);
  if (r < sg->nrst) {
    size_t off = rst_off(sg, r), lim = rst_off(sg, r + 1);
    uint32_t n = sg->nterms - r * sg->every < sg->every ? sg->nterms - r * sg->every : sg->every;
    if (off < lim && lim <= rst_off(sg, sg->nrst)) {
      unsigned char small[1024], *buf = small;
      if (!sg->dict && lim - off > sizeof small) buf = malloc(lim - off);
      const unsigned char *p = buf ? dict_at(sg, b, off, lim - off, buf) : NULL;
      if (p) found = block_find(p, p + (lim - off), rst_post(sg, r), n, t, len, out);
      if (buf != small) free(buf);
    }
  }
  sqlite3_blob_close(b);
  return found;
}

/* Check an LDX2 blob's header (its first hn bytes at head) and the
 * restart table at sg->rst; the entries are checked as they are decoded. */
static int check_dict(Seg *sg, const unsigned char *head, size_t hn)
{
  size_t n = sg->dict_n, hdr;
  uint64_t nterms, every;
  size_t k = hn >= 8 ? lede_varint_get(head + 4, head + hn, &nterms) : 0;
  size_t k2 = k ? lede_varint_get(head + 4 + k, head + hn, &every) : 0;
  if (!k2 || nterms > n || every < 1 || every > 65536) return LEDE_EFORMAT;
  hdr = 4 + k + k2;
  if (sg->nrst != (nterms + every - 1) / every || ((size_t)sg->nrst + 1) * RESTART_ROW + 4 + hdr > n)
    return LEDE_EFORMAT;
  sg->nterms = (uint32_t)nterms;
  sg->every = (uint32_t)every;
  size_t rst_at = n - 4 - ((size_t)sg->nrst + 1) * RESTART_ROW;
  if (rst_off(sg, sg->nrst) > rst_at || (sg->nrst && rst_off(sg, 0) != hdr)) return LEDE_EFORMAT;
  sg->post_total = rst_post(sg, sg->nrst);
  return LEDE_OK;
}

/* Memory for a dictionary: a big one on 2 MiB pages, where filling it
 * would otherwise take a page fault every 4 KiB (a 100 MB corpus' 1.9 MB
 * dictionary: 460 faults, a third of reading it). */
static unsigned char *dict_alloc(size_t n)
{
  if (n < (1u << 20)) return malloc(n ? n : 1);
  void *p = NULL;
  size_t huge = 2u << 20, len = (n + huge - 1) / huge * huge;
  if (posix_memalign(&p, huge, len) != 0) return NULL;
#ifdef MADV_HUGEPAGE
  madvise(p, len, MADV_HUGEPAGE);
#endif
  return p;
}

/* Read segment rowid's dictionary header and restart table with the blob
 * handle *b (opened or moved here); the entries stay in the blob. */
static int load_dict(Seg *sg, sqlite3 *db, sqlite3_blob **b)
{
  int ok = *b ? sqlite3_blob_reopen(*b, sg->rowid) == SQLITE_OK
              : sqlite3_blob_open(db, "main", "lede_seg", "dict", sg->rowid, 0, b) == SQLITE_OK;
  if (!ok) return LEDE_ESTORE;
  size_t n = (size_t)sqlite3_blob_bytes(*b);
  unsigned char head[32], tail[4];
  size_t hn = n < sizeof head ? n : sizeof head;
  sg->db = db;
  sg->dict_n = n;
  if (n < 8 || sqlite3_blob_read(*b, head, (int)hn, 0) != SQLITE_OK
      || sqlite3_blob_read(*b, tail, 4, (int)(n - 4)) != SQLITE_OK) return n < 8 ? LEDE_EFORMAT : LEDE_ESTORE;
  if (memcmp(head, MAGIC, 4) != 0) return LEDE_EFORMAT;
  uint64_t nrst = le_get(tail, 4), rows = nrst + 1;
  if (rows * RESTART_ROW + 4 + 6 > n) return LEDE_EFORMAT;   /* 6: the smallest header */
  sg->nrst = (uint32_t)nrst;
  sg->rst = malloc(rows * RESTART_ROW);
  if (!sg->rst) return LEDE_ENOMEM;
  if (sqlite3_blob_read(*b, sg->rst, (int)(rows * RESTART_ROW), (int)(n - 4 - rows * RESTART_ROW)) != SQLITE_OK)
    return LEDE_ESTORE;
  return check_dict(sg, head, hn);
}

/* The whole of sg's dictionary in memory, for a walk in term order. */
static int seg_body(Seg *sg)
{
  if (sg->dict) return LEDE_OK;
  sqlite3_blob *b = NULL;
  int rc = LEDE_ESTORE;
  if (sqlite3_blob_open(sg->db, "main", "lede_seg", "dict", sg->rowid, 0, &b) == SQLITE_OK
      && (size_t)sqlite3_blob_bytes(b) == sg->dict_n) {
    unsigned char *d = dict_alloc(sg->dict_n);
    rc = !d ? LEDE_ENOMEM : sqlite3_blob_read(b, d, (int)sg->dict_n, 0) == SQLITE_OK ? LEDE_OK : LEDE_ESTORE;
    if (rc == LEDE_OK) sg->dict = d;
    else free(d);
  }
  sqlite3_blob_close(b);
  return rc;
}

static int decode_docs(Seg *sg, const unsigned char *p, size_t n, size_t ndocs)
{
  const unsigned char *end = p + n;
  /* dict_alloc: a 1 GB corpus' 3.4 MB of ids and lengths on 2 MiB pages */
  sg->doc_ids = (int64_t *)(void *)dict_alloc((ndocs ? ndocs : 1) * sizeof *sg->doc_ids);
  sg->doc_len = (uint32_t *)(void *)dict_alloc((ndocs ? ndocs : 1) * sizeof *sg->doc_len);
  if (!sg->doc_ids || !sg->doc_len) return LEDE_ENOMEM;
  int64_t doc = 0;
  size_t i = 0;
  const unsigned char *safe = n >= 3 ? end - 2 : p;   /* three bytes left before it */
  while (i < ndocs) {
    /* the usual pair: a gap of one byte, a length of one or two */
    for (; i < ndocs && p < safe && p[0] < 0x80; i++) {
      uint32_t gap = p[0], len = p[1];
      if (len < 0x80) {
        p += 2;
      } else if (p[2] < 0x80) {
        len = (len & 0x7Fu) | (uint32_t)p[2] << 7;
        p += 3;
      } else {
        break;
      }
      doc += gap;
      sg->doc_ids[i] = doc;
      sg->doc_len[i] = len;
    }
    if (i == ndocs) break;
    uint64_t d, len;
    size_t k = lede_varint_get(p, end, &d);
    if (!k) return LEDE_EFORMAT;
    p += k;
    k = lede_varint_get(p, end, &len);
    if (!k) return LEDE_EFORMAT;
    p += k;
    doc += (int64_t)d;
    sg->doc_ids[i] = doc;
    sg->doc_len[i++] = (uint32_t)len;
  }
  sg->ndocs = ndocs;
  return LEDE_OK;
}

/* Every query asks; the statement is kept, since preparing it cost more
 * than a rare term's whole lookup. */
static int64_t read_gen(LedeIndex *ix)
{
  int64_t g = -1;
  if (!ix->gen_stmt
      && sqlite3_prepare_v2(ix->db, "SELECT value FROM lede_info WHERE key='index_gen'", -1,
                            &ix->gen_stmt, NULL) != SQLITE_OK)
    return -1;
  if (sqlite3_step(ix->gen_stmt) == SQLITE_ROW) g = sqlite3_column_int64(ix->gen_stmt, 0);
  sqlite3_reset(ix->gen_stmt);
  return g;
}

static int load_removed(LedeIndex *ix)
{
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(ix->db, "SELECT id FROM lede_removed ORDER BY id", -1, &s, NULL) != SQLITE_OK)
    return LEDE_ESTORE;
  size_t cap = 0;
  while (sqlite3_step(s) == SQLITE_ROW) {
    if (ix->nremoved == cap) {
      cap = cap ? cap * 2 : 64;
      int64_t *p = realloc(ix->removed, cap * sizeof *p);
      if (!p) { sqlite3_finalize(s); return LEDE_ENOMEM; }
      ix->removed = p;
    }
    ix->removed[ix->nremoved++] = sqlite3_column_int64(s, 0);
  }
  sqlite3_finalize(s);
  return LEDE_OK;
}

static int cmp_seg(const void *a, const void *b)
{
  const Seg *x = a, *y = b;
  return (x->first > y->first) - (x->first < y->first);
}

static int load_segs(LedeIndex *ix)
{
  sqlite3_stmt *s;
  int rc = LEDE_OK;
  /* In rowid order, sorted here: ORDER BY first_doc would make SQLite copy
   * every row with its dictionary blob through its sorter (15 ms on a 100 MB
   * corpus, most of opening the index). */
  if (sqlite3_prepare_v2(ix->db, "SELECT id, first_doc, last_doc, ndocs, ntok, docs,"
                         " length(post) > 0 FROM lede_seg", -1, &s, NULL) != SQLITE_OK)
    return LEDE_ESTORE;
  sqlite3_blob *b = NULL;
  size_t cap = 0;
  while (rc == LEDE_OK && sqlite3_step(s) == SQLITE_ROW) {
    if (ix->nsegs == cap) {
      cap = cap ? cap * 2 : 8;
      Seg *p = realloc(ix->segs, cap * sizeof *p);
      if (!p) { rc = LEDE_ENOMEM; break; }
      ix->segs = p;
    }
    Seg *sg = &ix->segs[ix->nsegs++];
    memset(sg, 0, sizeof *sg);
    sg->rowid = sqlite3_column_int64(s, 0);
    sg->first = sqlite3_column_int64(s, 1);
    sg->last = sqlite3_column_int64(s, 2);
    sg->ntok = (uint64_t)sqlite3_column_int64(s, 4);
    sg->whole = sqlite3_column_int(s, 6);
    rc = decode_docs(sg, sqlite3_column_blob(s, 5), (size_t)sqlite3_column_bytes(s, 5),
                     (size_t)sqlite3_column_int64(s, 3));
    if (rc == LEDE_OK) rc = load_dict(sg, ix->db, &b);
    ix->ndocs += sg->ndocs;
    ix->ntok += sg->ntok;
  }
  sqlite3_blob_close(b);
  sqlite3_finalize(s);
  if (ix->nsegs > 1) qsort(ix->segs, ix->nsegs, sizeof *ix->segs, cmp_seg);
  return rc;
}

static int index_lengths(LedeIndex *ix)
{
  if (!ix->nsegs || ix->segs[ix->nsegs - 1].last < 0) return LEDE_OK;
  const Seg *one = &ix->segs[0];
  if (ix->nsegs == 1 && one->ndocs && one->doc_ids[0] >= 0
      && (uint64_t)(one->doc_ids[one->ndocs - 1] - one->doc_ids[0]) == one->ndocs - 1) {
    /* one segment of consecutive ids (a loaded corpus, merged): its own
     * lengths are the array (1 GB corpus: 1.2 MB not filled at open) */
    ix->lens = one->doc_len;
    ix->nlens = one->ndocs;
    ix->lens_first = one->doc_ids[0];
    return LEDE_OK;
  }
  size_t n = (size_t)ix->segs[ix->nsegs - 1].last + 1;
  ix->lens = calloc(n, sizeof *ix->lens);
  if (!ix->lens) return LEDE_ENOMEM;
  ix->nlens = n;
  ix->lens_owned = 1;
  for (size_t i = 0; i < ix->nsegs; i++)
    for (size_t j = 0; j < ix->segs[i].ndocs; j++)
      if (ix->segs[i].doc_ids[j] >= 0 && (size_t)ix->segs[i].doc_ids[j] < n)
        ix->lens[ix->segs[i].doc_ids[j]] = ix->segs[i].doc_len[j];
  return LEDE_OK;
}

/* The connection's mmap_size after setting it to set (< 0: unchanged). */
static sqlite3_int64 mmap_limit(sqlite3 *db, sqlite3_int64 set)
{
  char sql[48];
  sqlite3_stmt *s;
  sqlite3_int64 v = -1;
  if (set < 0) snprintf(sql, sizeof sql, "PRAGMA main.mmap_size");
  else snprintf(sql, sizeof sql, "PRAGMA main.mmap_size=%lld", (long long)set);
  if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) return -1;
  if (sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return v;
}

/* Segments are read through a memory map as large as SQLite allows (2 GiB
 * as Debian builds it): the dictionaries then come from the page cache by
 * memcpy instead of a pread for every page of them and of the sentence
 * blobs before them (100 MB corpus: 3.8 -> 1.1 ms; a 1 GB corpus, whose
 * segments lie past the first GiB of its file: 33 -> 15 ms of CPU).  A connection
 * that had no map drops it again, so that a load's merges, which read
 * every posting, do not hold the file's pages in their RSS; a reader's
 * smaller map is raised for good. */
static int load_mapped(LedeIndex *ix)
{
  sqlite3_int64 had = mmap_limit(ix->db, -1);
  int map = had >= 0 && mmap_limit(ix->db, (sqlite3_int64)1 << 40) > had;
  int rc = load_segs(ix);
  if (map && had == 0) mmap_limit(ix->db, 0);
  return rc;
}

int lede_index_refresh(LedeIndex *ix)
{
  int64_t gen = read_gen(ix);
  if (gen == ix->gen && gen >= 0) return LEDE_OK;
  free_segs(ix);
  int rc = check_format(ix->db, &ix->chunk);
  if (rc == LEDE_OK) rc = load_mapped(ix);
  if (rc == LEDE_OK) rc = load_removed(ix);
  if (rc == LEDE_OK) rc = index_lengths(ix);
  ix->ndocs -= ix->nremoved <= ix->ndocs ? ix->nremoved : ix->ndocs;
  ix->gen = rc == LEDE_OK ? gen : -2;
  return rc;
}

int lede_index_open(sqlite3 *db, LedeIndex **out)
{
  LedeIndex *ix = calloc(1, sizeof *ix);
  if (!ix) return LEDE_ENOMEM;
  ix->db = db;
  ix->gen = -2;
  int rc = lede_index_refresh(ix);
  if (rc != LEDE_OK) { lede_index_close(ix); return rc; }
  *out = ix;
  return LEDE_OK;
}

void lede_index_close(LedeIndex *ix)
{
  if (!ix) return;
  free_segs(ix);
  sqlite3_finalize(ix->gen_stmt);
  free(ix);
}

uint64_t lede_index_ndocs(LedeIndex *ix) { return ix->ndocs; }
int64_t lede_index_last_doc(LedeIndex *ix) { return ix->nsegs ? ix->segs[ix->nsegs - 1].last : 0; }

int lede_index_removed(LedeIndex *ix, const int64_t **ids, size_t *n)
{
  *ids = ix->removed;
  *n = ix->nremoved;
  return LEDE_OK;
}

double lede_index_avglen(LedeIndex *ix)
{
  uint64_t n = 0;
  for (size_t i = 0; i < ix->nsegs; i++) n += ix->segs[i].ndocs;
  return n ? (double)ix->ntok / (double)n : 0.0;
}

int lede_index_lookup(LedeIndex *ix, const char *term, size_t len, LedeTermStats *st)
{
  st->df = st->cf = 0;
  DictEntry e;
  for (size_t i = 0; i < ix->nsegs; i++)
    if (seg_find(&ix->segs[i], term, len, &e)) { st->df += e.df; st->cf += e.cf; }
  return st->df > 0;
}

/* Every term beginning with prefix in byte order, with its df and cf over
 * all segments: one walk per segment, merged. */
int lede_index_vocab(LedeIndex *ix, const char *prefix, size_t plen,
                     int (*fn)(void *, const char *, size_t, const LedeTermStats *), void *ud)
{
  size_t n = ix->nsegs;
  DictIter *it = malloc((n ? n : 1) * sizeof *it);
  if (!it) return LEDE_ENOMEM;
  for (size_t i = 0; i < n; i++) dict_lower_bound(&it[i], &ix->segs[i], prefix, plen);
  int rc = LEDE_OK;
  for (;;) {
    const DictIter *best = NULL;
    for (size_t i = 0; i < n; i++) {
      if (it[i].err) rc = LEDE_EFORMAT;
      if (!it[i].has) continue;
      if (it[i].e.len < plen || memcmp(it[i].term, prefix, plen) != 0) { it[i].has = 0; continue; }
      if (!best || cmp_bytes(it[i].term, it[i].e.len, best->term, best->e.len) < 0) best = &it[i];
    }
    if (!best || rc != LEDE_OK) break;
    char term[256];
    size_t blen = best->e.len;
    memcpy(term, best->term, blen);
    LedeTermStats st = {0, 0};
    for (size_t i = 0; i < n; i++) {
      if (it[i].has && it[i].e.len == blen && memcmp(it[i].term, term, blen) == 0) {
        st.df += it[i].e.df;
        st.cf += it[i].e.cf;
        dict_next(&it[i]);
      }
    }
    if (fn(ud, term, blen, &st)) break;
  }
  free(it);
  return rc;
}

uint32_t lede_index_doclen(LedeIndex *ix, int64_t doc)
{
  if (doc >= ix->lens_first && (uint64_t)(doc - ix->lens_first) < ix->nlens)
    return ix->lens[doc - ix->lens_first];
  size_t lo = 0, hi = ix->nsegs;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (ix->segs[mid].last < doc) lo = mid + 1;
    else hi = mid;
  }
  if (lo == ix->nsegs || ix->segs[lo].first > doc) return 0;
  const Seg *sg = &ix->segs[lo];
  size_t a = 0, b = sg->ndocs;
  while (a < b) {
    size_t mid = a + (b - a) / 2;
    if (sg->doc_ids[mid] < doc) a = mid + 1;
    else b = mid;
  }
  return (a < sg->ndocs && sg->doc_ids[a] == doc) ? sg->doc_len[a] : 0;
}

static int is_removed(const LedeIndex *ix, int64_t doc)
{
  return lede_ids_has(ix->removed, ix->nremoved, doc);
}

/* ---- cursors ------------------------------------------------------------ */

typedef struct CursorSkip {
  int64_t last;
  uint32_t docbytes, posbytes;
  uint32_t n;                   /* documents in the block */
  uint32_t wt;                  /* bits of each tf - 1 */
  uint64_t off;                 /* of the block in the post blob */
} Skip;

typedef struct CursorPart { const Seg *seg; const DictEntry *e; } Part;


/* Point the cursor's blob handle at row `row` of lede_post, or of
 * lede_seg for a segment written whole. */
static int blob_at(LedeCursor *c, int whole, int64_t row)
{
  if (c->blob && c->blob_whole == whole && c->blob_row == row) return LEDE_OK;
  if (c->blob && c->blob_whole == whole && sqlite3_blob_reopen(c->blob, row) == SQLITE_OK) {
    c->blob_row = row;
    return LEDE_OK;
  }
  if (c->blob) { sqlite3_blob_close(c->blob); c->blob = NULL; }
  if (sqlite3_blob_open(c->ix->db, "main", whole ? "lede_seg" : "lede_post",
                        whole ? "post" : "data", row, 0, &c->blob) != SQLITE_OK) {
    if (c->blob) { sqlite3_blob_close(c->blob); c->blob = NULL; }
    return LEDE_ESTORE;
  }
  c->blob_whole = whole;
  c->blob_row = row;
  return LEDE_OK;
}

/* n bytes at offset off of the current part's segment postings. */
static int blob_read(LedeCursor *c, void *dst, size_t n, uint64_t off)
{
  const Seg *sg = c->parts[c->part].seg;
  unsigned char *out = dst;
  uint64_t chunk = c->ix->chunk;
  while (n > 0) {
    int64_t row = sg->whole ? sg->rowid : sg->rowid * CHUNK_ROWS + (int64_t)(off / chunk);
    uint64_t at = sg->whole ? off : off % chunk;
    size_t take = sg->whole || n <= chunk - at ? n : (size_t)(chunk - at);
    if (blob_at(c, sg->whole, row) != LEDE_OK) return LEDE_ESTORE;
    if (sqlite3_blob_read(c->blob, out, (int)take, (int)at) != SQLITE_OK) return LEDE_ESTORE;
    out += take;
    off += take;
    n -= take;
  }
  return LEDE_OK;
}

/* The skip entry of a list of one document, which has none stored: the
 * block's doc part is the id and, when the tf (the term's cf) is over 1,
 * tf - 1 in wt bits; the rest of the list is its position part.  blk
 * holds at least the id's bytes, len is the block's length. */
static int single_skip(const unsigned char *blk, size_t avail, uint64_t len, uint64_t cf,
                       uint64_t off, Skip *s)
{
  uint64_t doc;
  size_t a = lede_varint_get(blk, blk + avail, &doc);
  if (!a || cf == 0 || cf - 1 >= UINT32_MAX) return LEDE_EFORMAT;
  unsigned wt = width_of(cf - 1);
  uint64_t docbytes = a + (wt + 7) / 8;
  if (docbytes >= len || len - docbytes > UINT32_MAX) return LEDE_EFORMAT;
  *s = (Skip){(int64_t)doc, (uint32_t)docbytes, (uint32_t)(len - docbytes), 1, wt, off};
  return LEDE_OK;
}

/* Open part k: its blob and its skip table. */
static int open_part(LedeCursor *c, size_t k)
{
  c->part = k;
  c->nblocks = c->blk = 0;
  c->n = c->i = 0;
  if (k >= c->nparts) {
    if (c->blob) { sqlite3_blob_close(c->blob); c->blob = NULL; }
    return 0;
  }
  const Part *p = &c->parts[k];
  unsigned char head[30];
  size_t hn = p->e->post_len < sizeof head ? (size_t)p->e->post_len : sizeof head;
  if (blob_read(c, head, hn, p->e->post_off) != LEDE_OK) return LEDE_ESTORE;
  uint64_t df, nb, skipbytes;
  size_t a = lede_varint_get(head, head + hn, &df);
  if (a && df == 1) {
    if (!c->capskips) {
      if (!(c->skips = malloc(sizeof *c->skips))) return LEDE_ENOMEM;
      c->capskips = 1;
    }
    int rc = single_skip(head + a, hn - a, p->e->post_len - a, p->e->cf, p->e->post_off + a, c->skips);
    if (rc != LEDE_OK) return rc;
    c->nblocks = 1;
    return 1;
  }
  size_t b = a ? lede_varint_get(head + a, head + hn, &nb) : 0;
  size_t d = b ? lede_varint_get(head + a + b, head + hn, &skipbytes) : 0;
  if (!d || skipbytes > p->e->post_len) return LEDE_EFORMAT;
  uint64_t base = p->e->post_off + a + b + d;
  if (skipbytes > c->capbuf) {
    unsigned char *nbuf = realloc(c->buf, skipbytes + LEDE_SLACK);
    if (!nbuf) return LEDE_ENOMEM;
    c->buf = nbuf;
    c->capbuf = skipbytes;
  }
  if (blob_read(c, c->buf, skipbytes, base) != LEDE_OK) return LEDE_ESTORE;
  if (nb > c->capskips) {
    Skip *s = realloc(c->skips, nb * sizeof *s);
    if (!s) return LEDE_ENOMEM;
    c->skips = s;
    c->capskips = (uint32_t)nb;
  }
  const unsigned char *q = c->buf, *end = c->buf + skipbytes;
  uint64_t off = base + skipbytes;
  for (uint64_t i = 0; i < nb; i++) {
    uint64_t v[4];
    for (int j = 0; j < 4; j++) {
      size_t k2 = lede_varint_get(q, end, &v[j]);
      if (!k2) return LEDE_EFORMAT;
      q += k2;
    }
    if ((v[3] & 127) >= BLOCK || v[3] >> 7 >= UINT32_MAX) return LEDE_EFORMAT;
    c->skips[i] = (Skip){(int64_t)v[0], (uint32_t)v[1], (uint32_t)v[2], (uint32_t)(v[3] & 127) + 1,
                         width_of(v[3] >> 7), off};
    off += v[1] + v[2];
  }
  c->nblocks = (uint32_t)nb;
  return 1;
}

/* Read block b's doc part and decode its documents and tf. */
static int load_block(LedeCursor *c, uint32_t b)
{
  const Skip *s = &c->skips[b];
  size_t n = (size_t)s->docbytes + s->posbytes;   /* room for both parts */
  if (n > c->capbuf) {
    unsigned char *nbuf = realloc(c->buf, n + LEDE_SLACK);
    if (!nbuf) return LEDE_ENOMEM;
    c->buf = nbuf;
    c->capbuf = n;
  }
  /* positions are read when first asked for: boolean queries never do */
  if (blob_read(c, c->buf, s->docbytes, s->off) != LEDE_OK) return LEDE_ESTORE;
  c->pos_read = 0;
  c->bpos_ok = 0;
  const unsigned char *q = c->buf, *end = c->buf + s->docbytes;
  uint64_t first;
  size_t a = lede_varint_get(q, end, &first);
  if (!a || first > INT64_MAX / 2) return LEDE_EFORMAT;
  q += a;
  uint32_t k = s->n;
  unsigned wd = 0, wt = s->wt;
  if (k > 1) {
    if (q == end || *q > 56) return LEDE_EFORMAT;
    wd = *q++;
  }
  if (((uint64_t)(k - 1) * wd + (uint64_t)k * wt + 7) / 8 > (size_t)(end - q)) return LEDE_EFORMAT;
  int64_t doc = (int64_t)first;
  uint64_t bit = 0;
  c->docs[0] = doc;
  for (uint32_t i = 1; i < k; i++, bit += wd) {
    doc += (int64_t)lede_bits_get(q, bit, wd) + 1;
    c->docs[i] = doc;
  }
  if (wt == 0)
    for (uint32_t i = 0; i < k; i++) c->tfs[i] = 1;
  else
    for (uint32_t i = 0; i < k; i++, bit += wt) c->tfs[i] = (uint32_t)lede_bits_get(q, bit, wt) + 1;
  c->blk = b;
  c->n = k;
  c->i = 0;
  c->posidx = 0;
  c->posval = 0;
  return LEDE_OK;
}

/* Read the current block's position part once: its width byte, then
 * one packed value per position of the block. */
static int read_positions(LedeCursor *c)
{
  if (c->pos_read) return LEDE_OK;
  const Skip *s = &c->skips[c->blk];
  if (blob_read(c, c->buf + s->docbytes, s->posbytes, s->off + s->docbytes) != LEDE_OK)
    return LEDE_ESTORE;
  uint64_t total = 0;
  for (uint32_t i = 0; i < c->n; i++) total += c->tfs[i];
  unsigned w = s->posbytes ? c->buf[s->docbytes] : 99;
  if (w > 32 || (total * w + 7) / 8 > s->posbytes - 1u) return LEDE_EFORMAT;
  c->pw = w;
  c->pbits = (size_t)s->docbytes + 1;
  c->pos_read = 1;
  return LEDE_OK;
}

LedeCursor *lede_cursor_open(LedeIndex *ix, const char *term, size_t len)
{
  LedeCursor *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->ix = ix;
  c->doc = -1;
  c->posdoc = -1;
  c->plain = ix->nremoved == 0;
  /* the parts, then the dictionary entries they point at, in one block */
  size_t nseg = ix->nsegs ? ix->nsegs : 1;
  c->parts = malloc(nseg * (sizeof *c->parts + sizeof(DictEntry)));
  if (!c->parts) { free(c); return NULL; }
  DictEntry *ents = (DictEntry *)(c->parts + nseg);
  for (size_t i = 0; i < ix->nsegs; i++) {
    if (!seg_find(&ix->segs[i], term, len, &ents[c->nparts])) continue;
    c->parts[c->nparts] = (Part){&ix->segs[i], &ents[c->nparts]};
    c->nparts++;
  }
  /* part 0 is opened at the first step: a lone term's count needs only
   * the dictionary, and a blob handle is a read transaction of its own */
  c->part = c->nparts;
  c->unopened = c->nparts > 0;
  return c;
}

/* Open part 0 if no step has done so yet: 0, or negative on error. */
static int first_part(LedeCursor *c)
{
  if (!c->unopened) return 0;
  c->unopened = 0;
  int rc = open_part(c, 0);
  if (rc < 0) c->err = rc;
  return rc < 0 ? rc : 0;
}

void lede_cursor_stats(const LedeCursor *c, LedeTermStats *st)
{
  st->df = st->cf = 0;
  for (size_t i = 0; i < c->nparts; i++) { st->df += c->parts[i].e->df; st->cf += c->parts[i].e->cf; }
}

void lede_cursor_close(LedeCursor *c)
{
  if (!c) return;
  if (c->blob) sqlite3_blob_close(c->blob);
  free(c->parts);
  free(c->skips);
  free(c->buf);
  free(c->pos);
  free(c->bpos);
  free(c->keys);
  free(c);
}


/* Make (part, blk, i) point at the first document >= target, or end. */
static int advance_to(LedeCursor *c, int64_t target)
{
  while (c->part < c->nparts) {
    if (c->parts[c->part].seg->last < target || c->nblocks == 0) {
      int rc = open_part(c, c->part + 1);
      if (rc < 0) return rc;
      continue;
    }
    uint32_t b = c->n ? c->blk : 0;
    while (b < c->nblocks && c->skips[b].last < target) b++;
    if (b == c->nblocks) {
      int rc = open_part(c, c->part + 1);
      if (rc < 0) return rc;
      continue;
    }
    if (!c->n || b != c->blk) {
      int rc = load_block(c, b);
      if (rc < 0) return rc;
    }
    while (c->i < c->n && c->docs[c->i] < target) c->i++;
    if (c->i < c->n) {
      c->doc = c->docs[c->i];
      return 1;
    }
    c->n = 0;       /* cannot happen with a sound skip table; move on */
    c->blk = b + 1;
    if (c->blk >= c->nblocks) {
      int rc = open_part(c, c->part + 1);
      if (rc < 0) return rc;
    } else {
      int rc = load_block(c, c->blk);
      if (rc < 0) return rc;
    }
  }
  c->doc = INT64_MAX;
  return 0;
}

static int settle(LedeCursor *c, int rc)
{
  while (rc == 1 && c->ix->nremoved && is_removed(c->ix, c->doc))
    rc = advance_to(c, c->doc + 1);
  if (rc < 0) c->err = rc;
  return rc;
}

int lede_cursor_seek_slow(LedeCursor *c, int64_t doc)
{
  if (first_part(c) < 0 || c->err) return c->err;
  if (c->doc == INT64_MAX) return 0;
  if (c->doc >= doc) return 1;
  return settle(c, advance_to(c, doc));
}

int lede_cursor_next(LedeCursor *c)
{
  if (first_part(c) < 0 || c->err) return c->err;
  if (c->doc == INT64_MAX) return 0;
  return settle(c, advance_to(c, c->doc + 1));
}

/* Find the current document's first position among the block's values:
 * the tf of the documents before it, summed from where the last call
 * left off. */
static int seek_positions(LedeCursor *c)
{
  int rc = read_positions(c);
  if (rc != LEDE_OK) return rc;
  if (c->posidx > c->i) c->posidx = c->posval = 0;
  uint32_t v = c->posval;
  for (uint32_t k = c->posidx; k < c->i; k++) v += c->tfs[k];
  c->posval = v;
  c->posidx = c->i;
  return LEDE_OK;
}

int lede_cursor_pos_iter_slow(LedeCursor *c, LedePosIter *it)
{
  int rc = seek_positions(c);
  if (rc != LEDE_OK) return rc;
  *it = (LedePosIter){c->buf + c->pbits, (uint64_t)c->posval * c->pw, c->pw, c->tfs[c->i], 0};
  return LEDE_OK;
}

int lede_cursor_block_positions(LedeCursor *c, const uint32_t **pos, const uint32_t **off)
{
  if (!c->bpos_ok) {
    int rc = read_positions(c);
    if (rc != LEDE_OK) return rc;
    size_t total = 0;
    for (uint32_t i = 0; i < c->n; i++) { c->boff[i] = (uint32_t)total; total += c->tfs[i]; }
    c->boff[c->n] = (uint32_t)total;
    if (total > c->capbpos) {
      uint32_t *v = realloc(c->bpos, total * sizeof *v);
      if (!v) return LEDE_ENOMEM;
      c->bpos = v;
      c->capbpos = total;
    }
    const unsigned char *q = c->buf + c->pbits;
    unsigned w = c->pw;
    uint64_t bit = 0;
    uint32_t *out = c->bpos;
    for (uint32_t i = 0, n = c->n; i < n; i++) {
      uint32_t at = 0;
      for (uint32_t k = 0, tf = c->tfs[i]; k < tf; k++, bit += w) {
        at += (uint32_t)lede_bits_get(q, bit, w);
        *out++ = at;
      }
    }
    c->bpos_ok = 1;
  }
  *pos = c->bpos;
  *off = c->boff;
  return LEDE_OK;
}

const uint32_t *lede_cursor_positions(LedeCursor *c)
{
  if (c->posdoc == c->doc) return c->pos;   /* asked again */
  if (seek_positions(c) != LEDE_OK) return NULL;
  uint32_t tf = c->tfs[c->i];
  if (tf > c->cappos) {
    uint32_t *p = realloc(c->pos, tf * sizeof *p);
    if (!p) return NULL;
    c->pos = p;
    c->cappos = tf;
  }
  const unsigned char *q = c->buf + c->pbits;
  unsigned w = c->pw;
  uint64_t bit = (uint64_t)c->posval * w;
  uint32_t at = 0;
  for (uint32_t k = 0; k < tf; k++, bit += w) {
    at += (uint32_t)lede_bits_get(q, bit, w);
    c->pos[k] = at;
  }
  c->posdoc = c->doc;
  return c->pos;
}

/* Set bit d of bits for every document d of the cursor's term (removed
 * ones included: the caller masks them), decoding only document ids. */
int lede_cursor_bits(LedeCursor *c, uint64_t *bits, int64_t maxdoc)
{
  if (first_part(c) < 0 || c->err) return c->err;
  for (size_t k = 0; k < c->nparts; k++) {
    if (k != c->part) {
      int rc = open_part(c, k);
      if (rc < 0) return c->err = rc;
    }
    for (uint32_t b = 0; b < c->nblocks; b++) {
      int rc = load_block(c, b);
      if (rc < 0) return c->err = rc;
      for (uint32_t i = 0; i < c->n; i++)
        if (c->docs[i] >= 0 && c->docs[i] <= maxdoc)
          bits[c->docs[i] >> 6] |= 1ULL << (c->docs[i] & 63);
    }
  }
  open_part(c, c->nparts);
  c->doc = INT64_MAX;
  return LEDE_OK;
}

/* Call fn with every block of the term's postings (documents and their
 * tf; removed documents included), decoding no positions. */
int lede_cursor_scan(LedeCursor *c, void (*fn)(void *ud, const int64_t *docs,
                                                const uint32_t *tfs, uint32_t n), void *ud)
{
  c->unopened = 0;
  if (c->err) return c->err;
  for (size_t k = 0; k < c->nparts; k++) {
    int rc = open_part(c, k);
    if (rc < 0) return c->err = rc;
    for (uint32_t b = 0; b < c->nblocks; b++) {
      rc = load_block(c, b);
      if (rc < 0) return c->err = rc;
      fn(ud, c->docs, c->tfs, c->n);
    }
  }
  open_part(c, c->nparts);
  c->doc = INT64_MAX;
  return LEDE_OK;
}

/* The postings of the cursor's next block as keys doc << 32 | position,
 * rising, removed documents left out: 1 with *keys (valid until the next
 * call) and *n (maybe 0), 0 after the last block, negative on error.
 * The cursor walks its blocks in order and is of no other use after. */
int lede_cursor_next_keys(LedeCursor *c, const uint64_t **keys, size_t *n)
{
  *n = 0;
  if (first_part(c) < 0 || c->err) return c->err;
  for (;;) {
    if (c->keypart >= c->nparts) {
      open_part(c, c->nparts);
      c->doc = INT64_MAX;
      return 0;
    }
    if (c->part != c->keypart) {
      int rc = open_part(c, c->keypart);
      if (rc < 0) return c->err = rc;
    }
    if (c->keyblk < c->nblocks) break;
    c->keypart++;
    c->keyblk = 0;
  }
  int rc = load_block(c, c->keyblk++);
  if (rc == LEDE_OK) rc = read_positions(c);
  if (rc < 0) return c->err = rc;
  size_t total = 0;
  for (uint32_t i = 0; i < c->n; i++) total += c->tfs[i];
  if (total > c->capkeys) {
    uint64_t *v = realloc(c->keys, total * sizeof *v);
    if (!v) return c->err = LEDE_ENOMEM;
    c->keys = v;
    c->capkeys = total;
  }
  const unsigned char *q = c->buf + c->pbits;
  unsigned w = c->pw;
  uint64_t bit = 0, *out = c->keys;
  if (c->plain) {
    /* one flat loop over the positions: a loop per document would
     * mispredict its end for nearly every document of a rare term */
    uint32_t di = 0, at = 0, nextb = c->tfs[0];
    for (size_t k = 0; k < total; k++, bit += w) {
      int first = k == nextb;
      di += (uint32_t)first;
      nextb += first ? c->tfs[di] : 0;
      at = (first ? 0 : at) + (uint32_t)lede_bits_get(q, bit, w);
      out[k] = (uint64_t)c->docs[di] << 32 | at;
    }
    *keys = c->keys;
    *n = total;
    return 1;
  }
  size_t m = 0;
  for (uint32_t i = 0; i < c->n; i++) {
    uint32_t tf = c->tfs[i], at = 0;
    int keep = !(c->ix->nremoved && is_removed(c->ix, c->docs[i]));
    uint64_t hi = (uint64_t)c->docs[i] << 32;
    for (uint32_t t = 0; t < tf; t++, bit += w) {
      at += (uint32_t)lede_bits_get(q, bit, w);
      out[m + t] = hi | at;
    }
    m += keep ? tf : 0;
  }
  *keys = c->keys;
  *n = m;
  return 1;
}

/* ---- removal and merging ------------------------------------------------ */

int lede_index_remove(sqlite3 *db, int64_t doc)
{
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO lede_removed(id)"
                         " SELECT ?1 WHERE EXISTS (SELECT 1 FROM lede_seg"
                         " WHERE ?1 BETWEEN first_doc AND last_doc)", -1, &s, NULL) != SQLITE_OK)
    return LEDE_ESTORE;
  sqlite3_bind_int64(s, 1, doc);
  int rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return LEDE_ESTORE;
  return bump_gen(db);
}

/* Append one part's postings to a writer term, leaving out removed
 * documents; doc deltas continue from e->lastdoc. */
static int append_part(LedeCursor *c, WTerm *e)
{
  for (uint32_t b = 0; b < c->nblocks; b++) {
    int rc = load_block(c, b);
    if (rc == LEDE_OK) rc = read_positions(c);
    if (rc < 0) return rc;
    const unsigned char *q = c->buf + c->pbits;
    unsigned w = c->pw;
    uint64_t bit = 0;
    for (uint32_t i = 0; i < c->n; i++) {
      uint32_t tf = c->tfs[i];
      if (c->ix->nremoved && is_removed(c->ix, c->docs[i])) { bit += (uint64_t)tf * w; continue; }
      lede_buf_varint(&e->post, (uint64_t)(c->docs[i] - e->lastdoc));
      lede_buf_varint(&e->post, tf);
      for (uint32_t k = 0; k < tf; k++, bit += w) lede_buf_varint(&e->post, lede_bits_get(q, bit, w));
      e->lastdoc = c->docs[i];
      e->df++;
      e->cf += tf;
    }
  }
  return e->post.oom ? LEDE_ENOMEM : LEDE_OK;
}

/* Blobs docs and sent of segments a..b-1 without removed documents. */
static int merge_docs(LedeIndex *ix, size_t a, size_t b, LedeBuf *docs, LedeBuf *sent,
                      size_t *ndocs, uint64_t *ntok)
{
  int64_t prev = 0, prevs = 0;
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(ix->db, "SELECT sent FROM lede_seg WHERE id=?", -1, &s, NULL) != SQLITE_OK)
    return LEDE_ESTORE;
  for (size_t k = a; k < b; k++) {
    const Seg *sg = &ix->segs[k];
    for (size_t i = 0; i < sg->ndocs; i++) {
      if (ix->nremoved && is_removed(ix, sg->doc_ids[i])) continue;
      lede_buf_varint(docs, (uint64_t)(sg->doc_ids[i] - prev));
      lede_buf_varint(docs, sg->doc_len[i]);
      prev = sg->doc_ids[i];
      (*ndocs)++;
      *ntok += sg->doc_len[i];
    }
    sqlite3_bind_int64(s, 1, sg->rowid);
    if (sqlite3_step(s) == SQLITE_ROW) {
      const unsigned char *p = sqlite3_column_blob(s, 0);
      const unsigned char *end = p + sqlite3_column_bytes(s, 0);
      int64_t doc = 0;
      while (p && p < end) {
        uint64_t d, n, v;
        const unsigned char *start;
        p += lede_varint_get(p, end, &d);
        p += lede_varint_get(p, end, &n);
        start = p;
        for (uint64_t j = 0; j < n && p < end; j++) p += lede_varint_get(p, end, &v);
        doc += (int64_t)d;
        if (ix->nremoved && is_removed(ix, doc)) continue;
        lede_buf_varint(sent, (uint64_t)(doc - prevs));
        lede_buf_varint(sent, n);
        lede_buf_add(sent, start, (size_t)(p - start));
        prevs = doc;
      }
    }
    sqlite3_reset(s);
  }
  sqlite3_finalize(s);
  return (docs->oom || sent->oom) ? LEDE_ENOMEM : LEDE_OK;
}

/* A segment being merged: where the vocabulary walk is in its dictionary,
 * and a window of its postings read ahead (terms come in the order their
 * postings are stored, so reading is sequential). */
typedef struct MergeSeg {
  uint64_t key;                 /* the walk's term's first 8 bytes, big-endian */
  DictIter it;                  /* the dictionary walk */
  DictEntry ent;                /* the entry of the term being merged */
  LedeCursor c;                 /* for blob reads */
  Part part;
  unsigned char *win;
  uint64_t win_off;
  size_t win_len, win_cap;
} MergeSeg;

typedef struct MergeCtx {
  LedeIndex *ix;
  size_t a, b;
  DictOut dict;
  LedeBuf post, skip, blocks, vals;
  MergeSeg *ms;                 /* b - a of them */
  unsigned char *keep;          /* per segment: its blocks can be copied */
  sqlite3_stmt *chunk;          /* INSERT INTO lede_post */
  int64_t seg;                  /* the merged segment's row */
  size_t nchunks;
  int rc;
} MergeCtx;

#define READ_AHEAD (1u << 20)

/* Bytes [off, off + n) of a chunked segment's postings, from the window. */
static const unsigned char *window(MergeSeg *g, uint64_t off, size_t n, int *rc)
{
  if (off >= g->win_off && off + n <= g->win_off + g->win_len) return g->win + (off - g->win_off);
  /* never past the end of the segment's postings: the last term's end */
  uint64_t total = g->part.seg->post_total;
  size_t want = n > READ_AHEAD ? n : READ_AHEAD;
  if (off + want > total) want = (size_t)(total - off);
  if (want < n) want = n;
  if (want > g->win_cap) {
    unsigned char *w = realloc(g->win, want);
    if (!w) { *rc = LEDE_ENOMEM; return NULL; }
    g->win = w;
    g->win_cap = want;
  }
  if (blob_read(&g->c, g->win, want, off) != LEDE_OK) { *rc = LEDE_ESTORE; return NULL; }
  g->win_off = off;
  g->win_len = want;
  return g->win;
}

/* Blocks stand alone (the first document of each is absolute), so the
 * merged list is the parts' skip tables and blocks one after the other.
 * A part is copied byte for byte unless it must lose removed documents or
 * comes from a file whose blocks give tf always; then it is decoded and
 * encoded again. */
static int copy_part(MergeSeg *g, const DictEntry *d, MergeCtx *m, uint64_t *df, uint64_t *nb)
{
  int rc = LEDE_OK;
  const unsigned char *p = window(g, d->post_off, (size_t)d->post_len, &rc);
  if (!p) return rc;
  const unsigned char *end = p + d->post_len;
  uint64_t pdf, pnb, skipbytes;
  size_t a = lede_varint_get(p, end, &pdf);
  if (a && pdf == 1) {          /* its skip entry is implied: write it out */
    Skip s;
    rc = single_skip(p + a, (size_t)(end - p - a), d->post_len - a, d->cf, 0, &s);
    if (rc != LEDE_OK) return rc;
    lede_buf_varint(&m->skip, (uint64_t)s.last);
    lede_buf_varint(&m->skip, s.docbytes);
    lede_buf_varint(&m->skip, s.posbytes);
    lede_buf_varint(&m->skip, (d->cf - 1) << 7);
    lede_buf_add(&m->blocks, p + a, (size_t)(end - p - a));
    *df += 1;
    *nb += 1;
    return LEDE_OK;
  }
  size_t b = a ? lede_varint_get(p + a, end, &pnb) : 0;
  size_t k = b ? lede_varint_get(p + a + b, end, &skipbytes) : 0;
  if (!k || skipbytes > d->post_len - a - b - k) return LEDE_EFORMAT;
  p += a + b + k;
  lede_buf_add(&m->skip, p, (size_t)skipbytes);
  lede_buf_add(&m->blocks, p + skipbytes, (size_t)(end - p - skipbytes));
  *df += pdf;
  *nb += pnb;
  return LEDE_OK;
}

/* The merged postings go to lede_post a chunk at a time as they grow, so
 * merging big segments holds one chunk of output, not all of it. */
static int put_chunks(MergeCtx *m, int last)
{
  size_t off = 0, chunk = m->ix->chunk;
  while (m->post.n - off >= chunk || (last && off < m->post.n)) {
    size_t n = m->post.n - off < chunk ? m->post.n - off : chunk;
    if (m->nchunks + 1 >= CHUNK_ROWS) return LEDE_ESTORE;   /* 64 GiB in one segment */
    sqlite3_bind_int64(m->chunk, 1, m->seg * CHUNK_ROWS + (int64_t)m->nchunks++);
    sqlite3_bind_blob64(m->chunk, 2, m->post.p + off, n, SQLITE_STATIC);
    int rc = sqlite3_step(m->chunk);
    sqlite3_reset(m->chunk);
    if (rc != SQLITE_DONE) return LEDE_ESTORE;
    off += n;
  }
  memmove(m->post.p, m->post.p + off, m->post.n - off);
  m->post.n -= off;
  return LEDE_OK;
}

/* The merged list of one term from the segments idx[0..n) (ascending,
 * so parts follow in document order), whose entries are in their ent. */
static int merge_term(MergeCtx *m, const char *term, size_t len, const uint32_t *idx, size_t n)
{
  uint64_t df = 0, cf = 0, nb = 0;
  if (n == 1 && m->keep[idx[0]]) {
    /* most terms are in one segment: their list is copied as it is */
    const DictEntry *d = &m->ms[idx[0]].ent;
    const unsigned char *p = window(&m->ms[idx[0]], d->post_off, (size_t)d->post_len, &m->rc);
    if (!p) return m->rc;
    lede_buf_add(&m->post, p, (size_t)d->post_len);
    dict_put(&m->dict, term, len, d->df, d->cf, d->post_len);
    if (m->post.oom) m->rc = LEDE_ENOMEM;
    else if (m->post.n >= m->ix->chunk) m->rc = put_chunks(m, 0);
    return m->rc;
  }
  m->skip.n = m->blocks.n = 0;
  for (size_t j = 0; j < n && m->rc == LEDE_OK; j++) {
    MergeSeg *g = &m->ms[idx[j]];
    const DictEntry *d = &g->ent;
    if (m->keep[idx[j]]) {
      m->rc = copy_part(g, d, m, &df, &nb);
      cf += d->cf;
      continue;
    }
    int rc = open_part(&g->c, 0);
    if (rc < 0) { m->rc = rc; break; }
    WTerm e;
    memset(&e, 0, sizeof e);
    m->rc = append_part(&g->c, &e);
    if (m->rc == LEDE_OK && e.df > 0) {
      nb += encode_blocks(&e, &m->skip, &m->blocks, &m->vals);
      df += e.df;
      cf += e.cf;
    }
    lede_buf_free(&e.post);
  }
  if (m->skip.oom || m->blocks.oom) m->rc = LEDE_ENOMEM;
  if (m->rc == LEDE_OK && df > 0) {
    size_t before = m->post.n;
    postings_out(&m->post, df, nb, &m->skip, &m->blocks);
    dict_put(&m->dict, term, len, df, cf, m->post.n - before);
    if (m->post.n >= m->ix->chunk) m->rc = put_chunks(m, 0);
  }
  return m->rc;
}

/* The first 8 bytes of a term as a big-endian number, zero-padded: two
 * terms whose keys differ compare as their keys do, so the heap compares
 * integers and calls memcmp only on a tie (memcmp was 13% of the merge). */
static uint64_t term_key(const char *t, size_t len)
{
  unsigned char b[8] = {0};
  memcpy(b, t, len < 8 ? len : 8);
  uint64_t k = 0;
  for (int i = 0; i < 8; i++) k = k << 8 | b[i];
  return k;
}

static void walk_next(MergeSeg *g)
{
  dict_next(&g->it);
  if (g->it.has) g->key = term_key(g->it.term, g->it.e.len);
}

/* Heap order of the segments' walks: by current term, then by segment,
 * so the segments holding a term come off in document order. */
static int walk_less(const MergeSeg *ms, uint32_t x, uint32_t y)
{
  if (ms[x].key != ms[y].key) return ms[x].key < ms[y].key;
  int c = cmp_bytes(ms[x].it.term, ms[x].it.e.len, ms[y].it.term, ms[y].it.e.len);
  return c < 0 || (c == 0 && x < y);
}

static void walk_down(const MergeSeg *ms, uint32_t *h, size_t n, size_t i)
{
  for (;;) {
    size_t l = 2 * i + 1, best = i;
    if (l < n && walk_less(ms, h[l], h[best])) best = l;
    if (l + 1 < n && walk_less(ms, h[l + 1], h[best])) best = l + 1;
    if (best == i) return;
    uint32_t t = h[i]; h[i] = h[best]; h[best] = t;
    i = best;
  }
}

/* The heap after its top changed: the hole the top leaves goes down along
 * the smaller children to a leaf, one comparison a level, and the new top
 * comes up from there (a segment's next term mostly belongs near the
 * bottom, so this costs about half the comparisons of walk_down). */
static void walk_top(const MergeSeg *ms, uint32_t *h, size_t n)
{
  if (n < 2) return;
  uint32_t x = h[0];
  size_t i = 0;
  for (size_t l; (l = 2 * i + 1) < n; ) {
    size_t c = l + 1 < n && walk_less(ms, h[l + 1], h[l]) ? l + 1 : l;
    h[i] = h[c];
    i = c;
  }
  while (i > 0 && walk_less(ms, x, h[(i - 1) / 2])) {
    h[i] = h[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  h[i] = x;
}

/* Every term of the segments in byte order, each merged once: a heap of
 * the dictionary walks, so a term costs a few comparisons however many
 * segments a load left (up to 64), not one per segment. */
static int merge_walk(MergeCtx *m)
{
  size_t n = m->b - m->a, nh = 0;
  uint32_t *h = malloc((n + 1) * sizeof *h), *idx = malloc((n + 1) * sizeof *idx);
  if (!h || !idx) { free(h); free(idx); return LEDE_ENOMEM; }
  for (size_t k = 0; k < n; k++)
    if (m->ms[k].it.err) m->rc = LEDE_EFORMAT;
    else if (m->ms[k].it.has) {
      h[nh++] = (uint32_t)k;
      m->ms[k].key = term_key(m->ms[k].it.term, m->ms[k].it.e.len);
    }
  for (size_t i = nh / 2; i-- > 0;) walk_down(m->ms, h, nh, i);
  char term[256];
  while (nh && m->rc == LEDE_OK) {
    const DictIter *top = &m->ms[h[0]].it;
    size_t len = top->e.len, ni = 0;
    uint64_t key = m->ms[h[0]].key;
    memcpy(term, top->term, len);
    while (nh && m->ms[h[0]].key == key
           && cmp_bytes(m->ms[h[0]].it.term, m->ms[h[0]].it.e.len, term, len) == 0) {
      MergeSeg *g = &m->ms[h[0]];
      idx[ni++] = h[0];
      g->ent = g->it.e;
      walk_next(g);
      if (g->it.err) { m->rc = LEDE_EFORMAT; break; }
      if (!g->it.has) h[0] = h[--nh];
      walk_top(m->ms, h, nh);
    }
    if (m->rc == LEDE_OK) merge_term(m, term, len, idx, ni);
  }
  free(h);
  free(idx);
  return m->rc;
}

static MergeSeg *merge_segs(LedeIndex *ix, size_t a, size_t b)
{
  MergeSeg *ms = calloc(b - a + 1, sizeof *ms);
  if (!ms) return NULL;
  for (size_t k = a; k < b; k++) {
    MergeSeg *g = &ms[k - a];
    g->part = (Part){&ix->segs[k], &g->ent};
    dict_block(&g->it, &ix->segs[k], 0);
    g->c.ix = ix;
    g->c.parts = &g->part;
    g->c.nparts = 1;
  }
  return ms;
}

static void free_merge_segs(MergeSeg *ms, size_t n)
{
  for (size_t i = 0; ms && i < n; i++) {
    if (ms[i].c.blob) sqlite3_blob_close(ms[i].c.blob);
    free(ms[i].c.skips);
    free(ms[i].c.buf);
    free(ms[i].c.pos);
    free(ms[i].win);
  }
  free(ms);
}

/* Segments whose postings can be copied: written in chunks, and without
 * removed documents. */
static unsigned char *copyable(const LedeIndex *ix, size_t a, size_t b)
{
  unsigned char *keep = calloc(b - a + 1, 1);
  if (!keep) return NULL;
  for (size_t k = a; k < b; k++) {
    const Seg *sg = &ix->segs[k];
    keep[k - a] = !sg->whole;
    for (size_t i = 0; keep[k - a] && ix->nremoved && i < sg->ndocs; i++)
      if (is_removed(ix, sg->doc_ids[i])) keep[k - a] = 0;
  }
  return keep;
}

/* The merged segment's row, inserted first so that its postings can be
 * written in chunks as they are made; filled in by finish_segment. */
static int start_segment(LedeIndex *ix, size_t a, size_t b, MergeCtx *m)
{
  char sql[200];
  snprintf(sql, sizeof sql, "INSERT INTO lede_seg(first_doc,last_doc,ndocs,ntok,docs,sent,dict,post)"
           " VALUES(%lld,%lld,0,0,x'',x'',x'',x'')",
           (long long)ix->segs[a].first, (long long)ix->segs[b - 1].last);
  if (sqlite3_exec(ix->db, sql, NULL, NULL, NULL) != SQLITE_OK) return LEDE_ESTORE;
  m->seg = sqlite3_last_insert_rowid(ix->db);
  return sqlite3_prepare_v2(ix->db, "INSERT INTO lede_post(id, data) VALUES(?,?)", -1,
                            &m->chunk, NULL) == SQLITE_OK ? LEDE_OK : LEDE_ESTORE;
}

static int finish_segment(sqlite3 *db, int64_t seg, size_t ndocs, uint64_t ntok,
                          const LedeBuf *docs, const LedeBuf *sent, const LedeBuf *dict)
{
  sqlite3_stmt *s;
  const char *sql = ndocs ? "UPDATE lede_seg SET ndocs=?, ntok=?, docs=?, sent=?, dict=? WHERE id=?"
                          : "DELETE FROM lede_seg WHERE id=?6";
  if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) return LEDE_ESTORE;
  if (ndocs) {
    sqlite3_bind_int64(s, 1, (sqlite3_int64)ndocs);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)ntok);
    const LedeBuf *blobs[] = {docs, sent, dict};
    for (int i = 0; i < 3; i++)
      sqlite3_bind_blob64(s, 3 + i, blobs[i]->p ? blobs[i]->p : "", blobs[i]->n, SQLITE_STATIC);
  }
  sqlite3_bind_int64(s, 6, seg);
  int rc = sqlite3_step(s);
  sqlite3_finalize(s);
  return rc == SQLITE_DONE ? LEDE_OK : LEDE_ESTORE;
}

/* PRAGMA secure_delete's setting (0 off, 1 on, 2 fast), or -1; set it
 * first unless set < 0 ("=2" would read as a boolean: on). */
static int secure_delete(sqlite3 *db, int set)
{
  static const char *sql[] = {"PRAGMA secure_delete", "PRAGMA secure_delete=0",
                              "PRAGMA secure_delete=1", "PRAGMA secure_delete=FAST"};
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(db, sql[set < 0 || set > 2 ? 0 : set + 1], -1, &s, NULL) != SQLITE_OK)
    return -1;
  int v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
  sqlite3_finalize(s);
  return v;
}

/* Does any removed document lie in [lo, hi]? */
static int removed_within(const LedeIndex *ix, int64_t lo, int64_t hi)
{
  size_t l = 0, h = ix->nremoved;
  while (l < h) {
    size_t mid = l + (h - l) / 2;
    if (ix->removed[mid] < lo) l = mid + 1;
    else h = mid;
  }
  return l < ix->nremoved && ix->removed[l] <= hi;
}

/* Drop segments a..b-1 (their chunks go with them, by trigger) and the
 * removed documents they held.
 * SQLite as Debian builds it zeroes every page it frees (secure_delete
 * on): the old content of each goes to the rollback journal and the zeros
 * to the file, three times the merged postings' bytes of I/O on top of
 * the merge (100 MB: the final merge 0.25 -> 0.15 s of wall time without
 * it).  When no removed document is among the merged ones, the freed
 * pages hold only postings the merged segment holds too, so they are
 * freed without zeroing ("fast": cells inside b-tree pages still are). */
static int drop_segments(LedeIndex *ix, size_t a, size_t b)
{
  int was = -1;
  if (!removed_within(ix, ix->segs[a].first, ix->segs[b - 1].last)) {
    was = secure_delete(ix->db, -1);
    if (was == 1) secure_delete(ix->db, 2);
  }
  sqlite3_stmt *s;
  int rc = sqlite3_prepare_v2(ix->db, "DELETE FROM lede_seg WHERE id=?", -1, &s, NULL) == SQLITE_OK
           ? LEDE_OK : LEDE_ESTORE;
  for (size_t k = a; k < b && rc == LEDE_OK; k++) {
    sqlite3_bind_int64(s, 1, ix->segs[k].rowid);
    if (sqlite3_step(s) != SQLITE_DONE) rc = LEDE_ESTORE;
    sqlite3_reset(s);
  }
  sqlite3_finalize(s);
  if (was == 1) secure_delete(ix->db, 1);
  if (rc != LEDE_OK) return rc;
  if (sqlite3_prepare_v2(ix->db, "DELETE FROM lede_removed WHERE id BETWEEN ? AND ?",
                         -1, &s, NULL) != SQLITE_OK) return LEDE_ESTORE;
  sqlite3_bind_int64(s, 1, ix->segs[a].first);
  sqlite3_bind_int64(s, 2, ix->segs[b - 1].last);
  if (sqlite3_step(s) != SQLITE_DONE) rc = LEDE_ESTORE;
  sqlite3_finalize(s);
  return rc;
}

/* Merge segments a..b-1 of ix into one. */
static int merge_range(LedeIndex *ix, size_t a, size_t b)
{
  MergeCtx m;
  memset(&m, 0, sizeof m);
  m.ix = ix;
  m.a = a;
  m.b = b;
  LedeBuf entries = {0}, docs = {0}, sent = {0};
  size_t ndocs = 0;
  uint64_t ntok = 0;
  m.keep = copyable(ix, a, b);
  m.ms = merge_segs(ix, a, b);
  int rc = m.keep && m.ms ? start_segment(ix, a, b, &m) : LEDE_ENOMEM;
  if (rc == LEDE_OK) rc = merge_walk(&m);
  if (rc == LEDE_OK) rc = put_chunks(&m, 1);
  if (rc == LEDE_OK) rc = merge_docs(ix, a, b, &docs, &sent, &ndocs, &ntok);
  if (rc == LEDE_OK) {
    rc = !dict_finish(&m.dict, &entries) ? LEDE_ENOMEM : finish_segment(ix->db, m.seg, ndocs, ntok, &docs, &sent, &entries);
  }
  if (rc == LEDE_OK) rc = drop_segments(ix, a, b);
  if (rc == LEDE_OK) rc = bump_gen(ix->db);
  sqlite3_finalize(m.chunk);
  lede_buf_free(&entries); lede_buf_free(&docs); lede_buf_free(&sent);
  dict_out_free(&m.dict); lede_buf_free(&m.post); lede_buf_free(&m.skip);
  lede_buf_free(&m.blocks); lede_buf_free(&m.vals);
  free_merge_segs(m.ms, b - a);
  free(m.keep);
  return rc;
}

/* Tiered merging: while more than max segments remain, merge the run of
 * the smallest adjacent segments (by tokens) that brings the count down,
 * so that each document is rewritten O(log n) times over a corpus' life. */
/* Merge the segments that begin at first_doc or later into one: what a
 * load wrote, so queries afterwards read one list per term from it. */
int lede_index_merge_from(sqlite3 *db, int64_t first_doc)
{
  LedeIndex *ix = NULL;
  int rc = lede_index_open(db, &ix);
  if (rc != LEDE_OK) return rc;
  size_t a = 0;
  while (a < ix->nsegs && ix->segs[a].first < first_doc) a++;
  if (ix->nsegs - a >= 2) rc = merge_range(ix, a, ix->nsegs);
  lede_index_close(ix);
  return rc;
}

int lede_index_merge(sqlite3 *db, int max)
{
  if (max < 1) max = 1;
  if (max > 1) {                 /* opening the index reads every dictionary */
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM lede_seg", -1, &s, NULL) != SQLITE_OK)
      return LEDE_ESTORE;
    sqlite3_int64 n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    if (n < 0) return LEDE_ESTORE;
    if (n <= max) return LEDE_OK;
  }
  LedeIndex *ix = NULL;
  int rc = lede_index_open(db, &ix);
  while (rc == LEDE_OK) {
    size_t n = ix->nsegs;
    int purge = max == 1 && ix->nremoved > 0;   /* a full optimise drops removed docs */
    if (n <= (size_t)max && !purge) break;
    size_t want = n > (size_t)max ? n - (size_t)max + 1 : n;
    size_t best = 0;
    uint64_t bestsum = UINT64_MAX;
    for (size_t a = 0; a + want <= n; a++) {
      uint64_t sum = 0;
      for (size_t k = a; k < a + want; k++) sum += ix->segs[k].ntok;
      if (sum < bestsum) { bestsum = sum; best = a; }
    }
    rc = merge_range(ix, best, best + want);
    if (rc == LEDE_OK) rc = lede_index_refresh(ix);
    if (purge && n <= (size_t)max) break;
  }
  lede_index_close(ix);
  return rc;
}

/* ---- sentences and checksums --------------------------------------------- */

/* Sentence starts of a document, read from its segment's sent blob.  The
 * caller frees *starts.  Returns the number of sentences, 0 when unknown. */
/* Decode a segment's sentence starts once: queries bounded by a sentence
 * ask for them document after document. */
static int load_sentences(LedeIndex *ix, Seg *sg)
{
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(ix->db, "SELECT sent FROM lede_seg WHERE id=?", -1, &s, NULL) != SQLITE_OK)
    return LEDE_ESTORE;
  sqlite3_bind_int64(s, 1, sg->rowid);
  int rc = sqlite3_step(s) == SQLITE_ROW ? LEDE_OK : LEDE_ESTORE;
  const unsigned char *p = rc == LEDE_OK ? sqlite3_column_blob(s, 0) : NULL;
  const unsigned char *end = p ? p + sqlite3_column_bytes(s, 0) : NULL;
  size_t cap = 0, n = 0, k = 0;
  uint32_t *pos = NULL;
  sg->sent_off = calloc(sg->ndocs + 1, sizeof *sg->sent_off);
  if (!sg->sent_off) rc = LEDE_ENOMEM;
  int64_t at = 0;
  while (rc == LEDE_OK && p && p < end && k < sg->ndocs) {
    uint64_t d = 0, cnt = 0, v = 0;
    p += lede_varint_get(p, end, &d);
    p += lede_varint_get(p, end, &cnt);
    at += (int64_t)d;
    while (k < sg->ndocs && sg->doc_ids[k] < at) sg->sent_off[++k] = (uint32_t)n;
    if (n + cnt > cap) {
      cap = (n + cnt) * 2;
      uint32_t *np = realloc(pos, cap * sizeof *np);
      if (!np) { rc = LEDE_ENOMEM; break; }
      pos = np;
    }
    uint32_t x = 0;
    for (uint64_t j = 0; j < cnt && p < end; j++) {
      p += lede_varint_get(p, end, &v);
      x += (uint32_t)v;
      pos[n++] = x;
    }
    if (k < sg->ndocs && sg->doc_ids[k] == at) sg->sent_off[++k] = (uint32_t)n;
  }
  while (rc == LEDE_OK && k < sg->ndocs) sg->sent_off[++k] = (uint32_t)n;
  sqlite3_finalize(s);
  if (rc != LEDE_OK) { free(sg->sent_off); sg->sent_off = NULL; free(pos); return rc; }
  sg->sent_pos = pos;
  return LEDE_OK;
}

int lede_index_sentences(LedeIndex *ix, int64_t doc, uint32_t **starts)
{
  *starts = NULL;
  size_t k = 0;
  while (k < ix->nsegs && ix->segs[k].last < doc) k++;
  if (k == ix->nsegs || ix->segs[k].first > doc) return 0;
  Seg *sg = &ix->segs[k];
  if (!sg->sent_off && load_sentences(ix, sg) != LEDE_OK) return 0;
  size_t a = 0, b = sg->ndocs;
  while (a < b) {
    size_t mid = a + (b - a) / 2;
    if (sg->doc_ids[mid] < doc) a = mid + 1;
    else b = mid;
  }
  if (a == sg->ndocs || sg->doc_ids[a] != doc) return 0;
  uint32_t from = sg->sent_off[a], n = sg->sent_off[a + 1] - from;
  *starts = malloc((n ? n : 1) * sizeof **starts);
  if (!*starts) return 0;
  memcpy(*starts, sg->sent_pos + from, n * sizeof **starts);
  return (int)n;
}

/* A checksum of every live posting: the sum of lede_index_entry_sum over
 * (term, doc, position).  db:check computes the same sum by tokenizing
 * the stored texts; any difference means the index is not what the text
 * says (the approach of sqlite3Fts5IndexEntryCksum). */
uint64_t lede_index_entry_sum(const char *term, size_t len, int64_t doc, uint32_t pos)
{
  return lede_hash64(term, len, (uint64_t)doc * 0x9E3779B97F4A7C15ULL + pos);
}

typedef struct SumCtx { LedeIndex *ix; uint64_t sum, n; int rc; } SumCtx;

static int sum_term(void *ud, const char *term, size_t len, const LedeTermStats *st)
{
  SumCtx *x = ud;
  (void)st;
  LedeCursor *c = lede_cursor_open(x->ix, term, len);
  if (!c) { x->rc = LEDE_ENOMEM; return 1; }
  int rc;
  while ((rc = lede_cursor_next(c)) == 1) {
    const uint32_t *pos = lede_cursor_positions(c);
    uint32_t tf = lede_cursor_tf(c);
    for (uint32_t i = 0; pos && i < tf; i++) {
      x->sum += lede_index_entry_sum(term, len, lede_cursor_doc(c), pos[i]);
      x->n++;
    }
  }
  if (rc < 0) x->rc = rc;
  lede_cursor_close(c);
  return x->rc != LEDE_OK;
}

int lede_index_checksum(LedeIndex *ix, uint64_t *sum, uint64_t *npostings)
{
  SumCtx x = {ix, 0, 0, LEDE_OK};
  int rc = lede_index_vocab(ix, "", 0, sum_term, &x);
  *sum = x.sum;
  *npostings = x.n;
  return rc != LEDE_OK ? rc : x.rc;
}
