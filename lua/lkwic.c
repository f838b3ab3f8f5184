/*
 * lkwic.c -- concordances without a Lua step per match: db:_kwic builds
 * the rows of db:kwic (lua/kwic.lua) for a context of `width` characters
 * straight from the index and the texts; lede.core.kwic_lines renders
 * them as kwic.lua's concordance print does; lede.core.csv writes rows as
 * result:csv() does.  A concordance of a common word has hundreds of
 * thousands of lines, and a Lua closure or table walk per line and field
 * cost more than finding the matches.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <sqlite3.h>
#include "lede/lede.h"
#include "lua/lede_lua.h"
#include "core/tally.h"
#include "lede/tokenize.h"

/* A string literal (or char array) added without a strlen per call. */
#define ADD_LIT(b, lit) lede_buf_add((b), (lit), sizeof(lit) - 1)

/* ---- rows --------------------------------------------------------------- */

/* bytes [a, b) of s with \r, \n and \t as spaces (a line of a concordance
 * is one line), pushed as a Lua string */
static int flat_at(char c) { return c == '\r' || c == '\n' || c == '\t'; }

/* Eight bytes at a time, looking closer only from a byte below 14 on:
 * context is mostly text without them. */
static int needs_flat(const char *p, size_t n)
{
  size_t i = 0;
  for (uint64_t x; i + 8 <= n; i += 8) {
    memcpy(&x, p + i, 8);
    if ((x - 0x0E0E0E0E0E0E0E0EULL) & ~x & 0x8080808080808080ULL) break;
  }
  for (; i < n; i++) if (flat_at(p[i])) return 1;
  return 0;
}

/* p[0..n) into o (n bytes) with \r, \n and \t as spaces. */
static void flatten(const char *p, size_t n, char *o)
{
  memcpy(o, p, n);
  if (!needs_flat(p, n)) return;
  for (size_t i = 0; i < n; i++) if (flat_at(o[i])) o[i] = ' ';
}

static void push_flat(lua_State *L, luaL_Buffer *B, const char *s, size_t a, size_t b)
{
  if (b <= a) { lua_pushliteral(L, ""); return; }
  size_t n = b - a;
  if (!needs_flat(s + a, n)) { lua_pushlstring(L, s + a, n); return; }
  flatten(s + a, n, luaL_buffinitsize(L, B, n));
  luaL_pushresultsize(B, n);
}

static void push_column(lua_State *L, sqlite3_stmt *s, int i)
{
  switch (sqlite3_column_type(s, i)) {
  case SQLITE_INTEGER: lua_pushinteger(L, sqlite3_column_int64(s, i)); break;
  case SQLITE_FLOAT: lua_pushnumber(L, sqlite3_column_double(s, i)); break;
  case SQLITE_NULL: lua_pushnil(L); break;
  default:
    lua_pushlstring(L, (const char *)sqlite3_column_text(s, i), (size_t)sqlite3_column_bytes(s, i));
  }
}

/* title, source and date of doc at stack slots meta..meta+2 (nil when
 * absent) */
static int doc_meta(lua_State *L, LedeStore *st, sqlite3_stmt **s, int64_t doc, int meta)
{
  if (!*s && sqlite3_prepare_v2(lede_store_db(st), "SELECT title, source, date FROM docs WHERE id = ?",
                                -1, s, NULL) != SQLITE_OK)
    return LEDE_ESTORE;
  sqlite3_reset(*s);
  sqlite3_bind_int64(*s, 1, doc);
  int row = sqlite3_step(*s) == SQLITE_ROW;
  for (int i = 0; i < 3; i++) {
    if (row) push_column(L, *s, i);
    else lua_pushnil(L);
    lua_replace(L, meta + i);
  }
  return LEDE_OK;
}

/* The fields of a row, in the order they are set; their names are pushed
 * once (push_keys) and set with lua_rawset: a lua_setfield looks its C
 * string up again for every field of every line. */
enum { K_DOC, K_TITLE, K_SOURCE, K_DATE, K_LEFT, K_MATCH, K_RIGHT, K_START, K_STOP, NKEYS };
static const char *const row_keys[NKEYS] = {"doc", "title", "source", "date", "left", "match",
                                            "right", "start", "stop"};

/* The names at stack slots top+1 .. top+NKEYS; returns top+1. */
static int push_keys(lua_State *L)
{
  int at = lua_gettop(L) + 1;
  luaL_checkstack(L, NKEYS + 8, "kwic");
  for (int k = 0; k < NKEYS; k++) lua_pushstring(L, row_keys[k]);
  return at;
}

/* The value on top as field k of the row below it; pops the value. */
static void set_key(lua_State *L, int keys, int k)
{
  lua_pushvalue(L, keys + k);
  lua_insert(L, -2);
  lua_rawset(L, -3);
}

/* The rows of one document's matches (cut: LEDE_CUT numbers each, see
 * lede_kwic_cut), appended to the list at `list`. */
static void doc_rows(lua_State *L, const LedeSpanDoc *d, const char *text, const size_t *cut,
                     int list, int meta, int keys)
{
  luaL_Buffer B;
  lua_Integer n = (lua_Integer)lua_rawlen(L, list);
  for (size_t i = 0; i < d->n; i++) {
    const size_t *c = cut + LEDE_CUT * i;
    lua_createtable(L, 0, NKEYS);
    lua_pushvalue(L, keys + K_DOC);
    lua_pushinteger(L, d->doc);
    lua_rawset(L, -3);
    for (int j = 0; j < 3; j++) {
      if (lua_isnil(L, meta + j)) continue;
      lua_pushvalue(L, keys + K_TITLE + j);
      lua_pushvalue(L, meta + j);
      lua_rawset(L, -3);
    }
    push_flat(L, &B, text, c[2], c[3]);
    set_key(L, keys, K_LEFT);
    push_flat(L, &B, text, c[0], c[1]);
    set_key(L, keys, K_MATCH);
    push_flat(L, &B, text, c[4], c[5]);
    set_key(L, keys, K_RIGHT);
    lua_pushvalue(L, keys + K_START);
    lua_pushinteger(L, (lua_Integer)c[0] + 1);
    lua_rawset(L, -3);
    lua_pushvalue(L, keys + K_STOP);
    lua_pushinteger(L, (lua_Integer)c[1]);
    lua_rawset(L, -3);
    lua_rawseti(L, list, ++n);
  }
}

/* ---- lines held in C ---------------------------------------------------
 * db:_kwic(q, {lazy = true}) keeps the lines in C (a userdata) instead of
 * making a Lua row of each: printing or writing a concordance as CSV reads
 * them from here, and kwic.lua makes the Lua rows only when a script
 * touches them.  A Lua row with its three strings cost more than cutting
 * the line; here a line is its numbers and the bytes of its context.  The
 * userdata's user value holds each document's title, source and date (at
 * 3 * d + 1 .. 3 * d + 3 for the d-th document, from 0). */
#define LINES "lede.kwic_lines"

typedef struct Line {
  int64_t doc;
  size_t start, stop;     /* as the row's start and stop */
  size_t at;              /* left, match and right, one after another */
  uint32_t ln, mn, rn;
  uint32_t d;             /* the document's number among the lines' */
} Line;

typedef struct Lines {
  Line *line;
  size_t n, cap;
  uint32_t ndocs;
  LedeBuf text;
} Lines;

static int lines_gc(lua_State *L)
{
  Lines *x = luaL_checkudata(L, 1, LINES);
  free(x->line);
  x->line = NULL;
  x->n = x->cap = 0;
  lede_buf_free(&x->text);
  return 0;
}

static Lines *lines_new(lua_State *L)
{
  Lines *x = lua_newuserdatauv(L, sizeof *x, 1);
  memset(x, 0, sizeof *x);
  if (luaL_newmetatable(L, LINES)) {
    lua_pushcfunction(L, lines_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  lua_newtable(L);
  lua_setiuservalue(L, -2, 1);
  return x;
}

/* Bytes [a, b) of s onto the text, flattened as push_flat does; the length. */
static uint32_t add_flat(LedeBuf *o, const char *s, size_t a, size_t b)
{
  size_t n = b > a ? b - a : 0;
  if (n > UINT32_MAX || !lede_buf_reserve(o, n)) { o->oom = 1; return 0; }
  flatten(s + a, n, o->p + o->n);
  o->n += n;
  return (uint32_t)n;
}

/* One document's lines into the store at `at` (its metadata from the
 * stack slots meta..meta+2); LEDE_ENOMEM when memory ran out. */
static int doc_lines(lua_State *L, int at, const LedeSpanDoc *d, const char *text, const size_t *cut,
                     int meta)
{
  Lines *x = lua_touserdata(L, at);
  if (x->n + d->n > x->cap) {
    size_t cap = x->cap ? x->cap : 256;
    while (cap < x->n + d->n) cap *= 2;
    Line *l = realloc(x->line, cap * sizeof *l);
    if (!l) return LEDE_ENOMEM;
    x->line = l;
    x->cap = cap;
  }
  lua_getiuservalue(L, at, 1);
  for (int j = 0; j < 3; j++) {
    lua_pushvalue(L, meta + j);
    lua_rawseti(L, -2, 3 * (lua_Integer)x->ndocs + j + 1);
  }
  lua_pop(L, 1);
  for (size_t i = 0; i < d->n; i++) {
    const size_t *c = cut + LEDE_CUT * i;
    Line *l = &x->line[x->n++];
    l->doc = d->doc;
    l->start = c[0] + 1;
    l->stop = c[1];
    l->d = x->ndocs;
    l->at = x->text.n;
    if (c[2] <= c[3] && c[3] == c[0] && c[0] <= c[1] && c[1] == c[4] && c[4] <= c[5]
        && c[5] - c[2] <= UINT32_MAX) {
      /* a context in characters: left, match and right adjoin, one copy */
      add_flat(&x->text, text, c[2], c[5]);
      l->ln = (uint32_t)(c[3] - c[2]);
      l->mn = (uint32_t)(c[1] - c[0]);
      l->rn = (uint32_t)(c[5] - c[4]);
      continue;
    }
    l->ln = add_flat(&x->text, text, c[2], c[3]);
    l->mn = add_flat(&x->text, text, c[0], c[1]);
    l->rn = add_flat(&x->text, text, c[4], c[5]);
  }
  x->ndocs++;
  return x->text.oom ? LEDE_ENOMEM : LEDE_OK;
}

/* Line i of the store at `at` as a row (on top of the stack). */
static void push_line_row(lua_State *L, const Lines *x, size_t i, int meta, int keys)
{
  const Line *l = &x->line[i];
  const char *t = x->text.p ? x->text.p + l->at : "";
  lua_createtable(L, 0, NKEYS);
  lua_pushvalue(L, keys + K_DOC);
  lua_pushinteger(L, l->doc);
  lua_rawset(L, -3);
  for (int j = 0; j < 3; j++) {
    lua_pushvalue(L, keys + K_TITLE + j);
    if (lua_rawgeti(L, meta, 3 * (lua_Integer)l->d + j + 1) == LUA_TNIL) lua_pop(L, 2);
    else lua_rawset(L, -3);
  }
  lua_pushvalue(L, keys + K_LEFT);
  lua_pushlstring(L, t, l->ln);
  lua_rawset(L, -3);
  lua_pushvalue(L, keys + K_MATCH);
  lua_pushlstring(L, t + l->ln, l->mn);
  lua_rawset(L, -3);
  lua_pushvalue(L, keys + K_RIGHT);
  lua_pushlstring(L, t + l->ln + l->mn, l->rn);
  lua_rawset(L, -3);
  lua_pushvalue(L, keys + K_START);
  lua_pushinteger(L, (lua_Integer)l->start);
  lua_rawset(L, -3);
  lua_pushvalue(L, keys + K_STOP);
  lua_pushinteger(L, (lua_Integer)l->stop);
  lua_rawset(L, -3);
}

/* lede.core.kwic_rows(lines, t): the lines as rows t[1], t[2], ... (the
 * rows db:_kwic makes without lazy). */
static int c_kwic_rows(lua_State *L)
{
  const Lines *x = luaL_checkudata(L, 1, LINES);
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  lua_getiuservalue(L, 1, 1);
  int keys = push_keys(L);
  for (size_t i = 0; i < x->n; i++) {
    push_line_row(L, x, i, 3, keys);
    lua_rawseti(L, 2, (lua_Integer)i + 1);
  }
  lua_settop(L, 2);
  return 1;
}

/* lede.core.kwic_count(lines [, n]): the number of lines, after keeping
 * only the first n when n is given. */
static int c_kwic_count(lua_State *L)
{
  Lines *x = luaL_checkudata(L, 1, LINES);
  if (!lua_isnoneornil(L, 2)) {
    lua_Integer n = luaL_checkinteger(L, 2);
    if (n >= 0 && (size_t)n < x->n) x->n = (size_t)n;
  }
  lua_pushinteger(L, (lua_Integer)x->n);
  return 1;
}

/* ---- streaming CSV ---------------------------------------------------------
 * db:_kwic(q, {csv = file}) writes each document's rows as CSV to the file
 * as soon as the document is cut, instead of building a Lua row for each
 * line: an export of every match of a common word keeps a flat memory
 * (a Lua row costs about a kilobyte) and writes what result:csv() writes. */
typedef struct Sink {
  FILE *f;
  LedeBuf buf;
  lua_Integer lines;
  int failed;
} Sink;

#define SINK_FLUSH (1u << 20)

static void csv_text(LedeBuf *o, const char *s, size_t n);
static void csv_value(lua_State *L, LedeBuf *o, int fb);
static void add_int(LedeBuf *o, lua_Integer v);

static void sink_flush(Sink *k)
{
  if (k->buf.oom) k->failed = 1;
  if (!k->failed && k->buf.n && fwrite(k->buf.p, 1, k->buf.n, k->f) != k->buf.n) k->failed = 1;
  k->buf.n = 0;
}

/* Bytes [a, b) of s as a CSV field, with \r, \n and \t as spaces (as
 * push_flat gives them to a row). */
static void csv_flat(LedeBuf *o, const char *s, size_t a, size_t b)
{
  size_t n = b > a ? b - a : 0;
  if (!needs_flat(s + a, n)) { csv_text(o, s + a, n); return; }
  char *t = malloc(n);
  if (!t) { o->oom = 1; return; }
  flatten(s + a, n, t);
  csv_text(o, t, n);
  free(t);
}

/* One document's lines as CSV rows: doc, title, source, date (the stack
 * slots meta..meta+2, written through csv_value as result:csv() would,
 * with the fallback at fb), left, match, right, start, stop. */
static void doc_csv(lua_State *L, Sink *k, const LedeSpanDoc *d, const char *text, const size_t *cut,
                    int meta, int fb)
{
  LedeBuf m = {0};
  for (int j = 0; j < 3; j++) {
    lede_buf_addc(&m, ',');
    lua_pushvalue(L, meta + j);
    csv_value(L, &m, fb);
  }
  for (size_t i = 0; i < d->n && !m.oom; i++) {
    const size_t *c = cut + LEDE_CUT * i;
    add_int(&k->buf, (lua_Integer)d->doc);
    lede_buf_add(&k->buf, m.p, m.n);
    lede_buf_addc(&k->buf, ',');
    csv_flat(&k->buf, text, c[2], c[3]);
    lede_buf_addc(&k->buf, ',');
    csv_flat(&k->buf, text, c[0], c[1]);
    lede_buf_addc(&k->buf, ',');
    csv_flat(&k->buf, text, c[4], c[5]);
    lede_buf_addc(&k->buf, ',');
    add_int(&k->buf, (lua_Integer)c[0] + 1);
    lede_buf_addc(&k->buf, ',');
    add_int(&k->buf, (lua_Integer)c[1]);
    ADD_LIT(&k->buf, "\r\n");
    k->lines++;
  }
  if (m.oom) k->buf.oom = 1;
  lede_buf_free(&m);
  if (k->buf.n >= SINK_FLUSH || k->buf.oom) sink_flush(k);
}

/* Documents are cut a batch at a time: their texts copied out of SQLite,
 * tokenized (by two threads when there are two cores), then turned into
 * rows. */
#define BATCH 256

typedef struct Batch {
  char *text[BATCH];
  size_t len[BATCH];
  size_t *cut;
} Batch;

static void batch_free(Batch *b)
{
  for (size_t i = 0; i < BATCH; i++) { free(b->text[i]); b->text[i] = NULL; }
  free(b->cut);
  b->cut = NULL;
}

/* Cutting is shared between the calling thread and a helper, a document
 * at a time: whoever is free takes the next one.  The calling thread
 * turns documents into rows in order (Lua is not for other threads), as
 * soon as each is cut, and cuts one itself whenever the next to turn is
 * not ready: so the helper cuts while rows are built, and neither half
 * of the work waits for the other. */
typedef struct Cutter {
  LedeAnalyzer *an;             /* the helper's */
  const LedeSpans *s;
  const LedeSpanDoc *docs;
  char *const *text;
  const size_t *len;
  size_t n, width;
  int64_t words;
  size_t *cut;
  atomic_size_t next;           /* the first document nobody took */
  atomic_size_t ready;          /* documents whose text has been read */
  atomic_int *done;             /* per document: 0, 1 cut, or -1 failed */
} Cutter;

static int cut_one(const Cutter *c, LedeAnalyzer *an, size_t i)
{
  if (!c->text[i]) return LEDE_OK;
  return lede_kwic_cut(an, NULL, c->s, &c->docs[i], 1, &c->text[i], &c->len[i], c->width, c->words,
                       c->cut + LEDE_CUT * (c->docs[i].first - c->docs[0].first));
}

/* Take the next document and cut it: 1, 2 when its text is not read
 * yet, 0 when none is left, or negative on failure. */
static int cut_next(Cutter *c, LedeAnalyzer *an)
{
  size_t i = atomic_load(&c->next);
  do {
    if (i >= c->n) return 0;
    if (i >= atomic_load_explicit(&c->ready, memory_order_acquire)) return 2;   /* not read yet */
  } while (!atomic_compare_exchange_weak(&c->next, &i, i + 1));
  int rc = cut_one(c, an, i);
  atomic_store_explicit(&c->done[i], rc == LEDE_OK ? 1 : -1, memory_order_release);
  return rc == LEDE_OK ? 1 : rc;
}

static void *cutter_run(void *p)
{
  Cutter *c = p;
  int rc;
  while ((rc = cut_next(c, c->an)) > 0)
    if (rc == 2) sched_yield();
  return NULL;
}

/* Document i cut, cutting others meanwhile if any is left. */
static int cut_wait(Cutter *c, LedeAnalyzer *an, size_t i)
{
  int d;
  while ((d = atomic_load_explicit(&c->done[i], memory_order_acquire)) == 0) {
    int rc = cut_next(c, an);
    if (rc < 0) return rc;
    if (rc != 1) sched_yield();
  }
  return d > 0 ? LEDE_OK : LEDE_ENOMEM;
}

static int batch_rows(lua_State *L, LedeStore *st, LedeAnalyzer *an2, sqlite3_stmt **ts,
                      sqlite3_stmt **ms, const LedeSpans *s, size_t from, size_t n, size_t width,
                      int64_t words, int list, int meta, int keys, Sink *sink, Batch *b)
{
  const LedeSpanDoc *docs = s->doc + from;
  size_t nm = docs[n - 1].first + docs[n - 1].n - docs[0].first;
  b->cut = malloc((nm ? nm : 1) * LEDE_CUT * sizeof *b->cut);
  if (!b->cut) return LEDE_ENOMEM;
  atomic_int done[BATCH];
  for (size_t i = 0; i < n; i++) atomic_init(&done[i], 0);
  Cutter c = {an2, s, docs, b->text, b->len, n, width, words, b->cut, 0, 0, done};
  atomic_init(&c.next, 0);
  atomic_init(&c.ready, 0);
  pthread_t t;
  int threaded = an2 && n > 1 && pthread_create(&t, NULL, cutter_run, &c) == 0;
  int rc = LEDE_OK;
  /* texts are read here (SQLite is this thread's) while the helper cuts
   * those already read */
  for (size_t i = 0; rc == LEDE_OK && i < n; i++) {
    const char *tx;
    rc = lede_doc_text(st, ts, docs[i].doc, &tx, &b->len[i]);
    if (rc == LEDE_OK && tx && !(b->text[i] = malloc(b->len[i] + 1))) rc = LEDE_ENOMEM;
    if (rc == LEDE_OK && tx) memcpy(b->text[i], tx, b->len[i]);
    atomic_store_explicit(&c.ready, rc == LEDE_OK ? i + 1 : 0, memory_order_release);
  }
  for (size_t i = 0; rc == LEDE_OK && i < n; i++) {
    rc = cut_wait(&c, lede_store_analyzer(st), i);
    if (rc != LEDE_OK || !b->text[i]) continue;
    rc = doc_meta(L, st, ms, docs[i].doc, meta);
    const size_t *cut = b->cut + LEDE_CUT * (docs[i].first - docs[0].first);
    if (rc == LEDE_OK && sink) doc_csv(L, sink, &docs[i], b->text[i], cut, meta, list);
    else if (rc == LEDE_OK && lua_isuserdata(L, list)) rc = doc_lines(L, list, &docs[i], b->text[i], cut, meta);
    else if (rc == LEDE_OK) doc_rows(L, &docs[i], b->text[i], cut, list, meta, keys);
    if (sink && sink->failed) rc = LEDE_EIO;
  }
  if (threaded) {
    atomic_store(&c.next, n);   /* after a failure: take nothing more */
    pthread_join(t, NULL);
  }
  return rc;
}

/* opts.pick (at index 3): pick(n) gets the number of matches and returns
 * nil (all of them) or the ascending list of those to keep (1 .. n); the
 * rest are dropped before any text is read.  A sample of a common word
 * then reads only the documents of its lines.  Leaves an error message on
 * the stack when pick fails. */
static int pick(lua_State *L, LedeSpans *s)
{
  if (lua_getfield(L, 3, "pick") == LUA_TNIL) { lua_pop(L, 1); return LEDE_OK; }
  lua_pushinteger(L, (lua_Integer)s->n);
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) return LEDE_EMISUSE;
  if (lua_isnil(L, -1)) { lua_pop(L, 1); return LEDE_OK; }
  if (!lua_istable(L, -1)) { lua_pushliteral(L, "pick: a list of match numbers expected"); return LEDE_EMISUSE; }
  unsigned char *keep = calloc(s->n ? s->n : 1, 1);
  if (!keep) return LEDE_ENOMEM;
  lua_Integer m = (lua_Integer)lua_rawlen(L, -1);
  for (lua_Integer i = 1; i <= m; i++) {
    lua_Integer k = (lua_rawgeti(L, -1, i), lua_tointeger(L, -1));
    lua_pop(L, 1);
    if (k >= 1 && (size_t)k <= s->n) keep[k - 1] = 1;
  }
  lua_pop(L, 1);
  lede_spans_keep(s, keep);
  free(keep);
  return LEDE_OK;
}

/* The reads of a concordance (the index, then each document's text and
 * metadata, two statements a document) share one read transaction instead
 * of taking and dropping the database's locks for each statement.  1 when
 * a transaction was begun here, to be ended by read_end. */
static int read_begin(LedeStore *st)
{
  sqlite3 *db = lede_store_db(st);
  return sqlite3_get_autocommit(db) && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
}

static void read_end(LedeStore *st, int txn)
{
  if (txn) sqlite3_exec(lede_store_db(st), "COMMIT", NULL, NULL, NULL);
}

/* db:_kwic(q, {width=, tokens=, limit=, docs=, max_expansion=, pick=}) -> rows {doc, title,
 * source, date, left, match, right, start, stop} in document order, and
 * whether the limit left matches out; nil, message for a bad query.
 * With lazy = true the first value is the lines held in C instead (see
 * Lines above). 
 * With csv = file (and fallback = result's field writer) the rows go to
 * the file as CSV instead, and the first value is the number of lines. */
static int m_kwic(lua_State *L)
{
  LedeStore *st = lede_lua_store(L, 1);
  const char *q = luaL_checkstring(L, 2);
  size_t limit = 0, maxexp = 0, width = 40;
  int64_t words = -1;   /* a context in characters */
  int64_t ngrp = 0;
  int32_t *grp = NULL;
  FILE *out = NULL;
  int lazy = 0;
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    lua_getfield(L, 3, "limit");
    limit = (size_t)luaL_optinteger(L, -1, 0);
    lua_getfield(L, 3, "max_expansion");
    maxexp = (size_t)luaL_optinteger(L, -1, 0);
    lua_getfield(L, 3, "width");
    width = (size_t)luaL_optinteger(L, -1, 40);
    lua_getfield(L, 3, "tokens");
    if (!lua_isnil(L, -1)) {
      lua_Integer w = luaL_checkinteger(L, -1);
      words = w < 0 ? 0 : w > (lua_Integer)UINT32_MAX ? (int64_t)UINT32_MAX : (int64_t)w;
    }
    lua_pop(L, 4);
    lua_getfield(L, 3, "csv");
    if (!lua_isnil(L, -1)) {
      luaL_Stream *f = luaL_checkudata(L, -1, LUA_FILEHANDLE);
      if (!f->closef) return luaL_error(L, "bad option 'csv' to '_kwic' (closed file)");
      out = f->f;
    }
    lua_pop(L, 1);
    lua_getfield(L, 3, "lazy");
    lazy = !out && lua_toboolean(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, 3, "docs");
    grp = lede_lua_read_groups(L, lua_gettop(L), &ngrp);
    lua_pop(L, 1);
  }
  LedeSpans s;
  char *err = NULL;
  int txn = read_begin(st);
  int rc = lede_spans(st, q, maxexp, grp, ngrp, limit, &s, &err);
  free(grp);
  if (rc != LEDE_OK) read_end(st, txn);
  if (rc == LEDE_EFORMAT) {
    luaL_pushfail(L);
    lua_pushstring(L, err ? err : "bad query");
    free(err);
    return 2;
  }
  if (rc != LEDE_OK) {
    lua_pushstring(L, err ? err : rc == LEDE_ENOMEM ? "out of memory" : lede_store_errmsg(st));
    free(err);
    return lua_error(L);
  }
  if (!lua_isnoneornil(L, 3) && (rc = pick(L, &s)) != LEDE_OK) {
    read_end(st, txn);
    lede_spans_free(&s);
    if (rc == LEDE_ENOMEM) return luaL_error(L, "out of memory");
    return lua_error(L);
  }
  lua_settop(L, 3);
  lua_pushnil(L);
  lua_pushnil(L);
  lua_pushnil(L);
  int meta = 4;
  if (lazy) lines_new(L);
  else lua_createtable(L, out ? 0 : (int)(s.n < 1u << 24 ? s.n : 1u << 24), 0);
  int list = lua_gettop(L);
  int keys = push_keys(L);
  sqlite3_stmt *ts = NULL, *ms = NULL;
  LedeAnalyzer *an2 = NULL;
  if (s.ndocs > 1 && lede_cores() > 1) {
    LedeAnalyzerOpts ao = {lede_store_folds_diacritics(st), NULL};
    an2 = lede_analyzer_new(&ao);
  }
  Sink sink = {out, {0}, 0, 0}, *sk = out ? &sink : NULL;
  if (sk) {
    lua_getfield(L, 3, "fallback");     /* csv_value's, for metadata that is no string */
    lua_replace(L, list);
    ADD_LIT(&sink.buf, "doc,title,source,date,left,match,right,start,stop\r\n");
  }
  Batch b;
  memset(&b, 0, sizeof b);
  for (size_t i = 0; rc == LEDE_OK && i < s.ndocs; i += BATCH) {
    rc = batch_rows(L, st, an2, &ts, &ms, &s, i, s.ndocs - i < BATCH ? s.ndocs - i : BATCH, width,
                    words, list, meta, keys, sk, &b);
    batch_free(&b);
  }
  if (sk) {
    if (rc == LEDE_OK) sink_flush(sk);
    if (rc == LEDE_OK && (sink.failed || fflush(out) != 0)) rc = LEDE_EIO;
    lede_buf_free(&sink.buf);
  }
  lede_analyzer_free(an2);
  sqlite3_finalize(ts);
  sqlite3_finalize(ms);
  read_end(st, txn);
  int complete = s.complete;
  lede_spans_free(&s);
  if (rc == LEDE_EIO) {
    luaL_pushfail(L);
    lua_pushfstring(L, "cannot write the concordance: %s", strerror(errno));
    return 2;
  }
  if (rc != LEDE_OK) return luaL_error(L, "%s", rc == LEDE_ENOMEM ? "out of memory" : lede_store_errmsg(st));
  lua_settop(L, list);
  if (sk) lua_pushinteger(L, sink.lines);
  lua_pushboolean(L, complete);
  return 2;
}

/* ---- display widths ------------------------------------------------------ */

/* The wide and zero-width ranges of lua/result.lua (result.width), so a
 * line rendered here lines up as a table printed there;
 * tests/lua/test_kwic.lua compares the two. */
static const uint32_t wide[][2] = {
  {0x1100, 0x115F}, {0x2E80, 0x303E}, {0x3041, 0x33FF}, {0x3400, 0x4DBF},
  {0x4E00, 0x9FFF}, {0xA000, 0xA4CF}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF},
  {0xFE30, 0xFE4F}, {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F},
  {0x1F900, 0x1F9FF}, {0x20000, 0x3FFFD},
};
static const uint32_t zero[][2] = {
  {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A},
  {0x064B, 0x065F}, {0x200B, 0x200F}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
  {0xFE20, 0xFE2F},
};

static int in_ranges(uint32_t c, const uint32_t (*r)[2], size_t n)
{
  for (size_t i = 0; i < n; i++) {
    if (c < r[i][0]) return 0;
    if (c <= r[i][1]) return 1;
  }
  return 0;
}

static int cwidth(uint32_t c)
{
  if (c < 0x300) return 1;
  if (in_ranges(c, zero, sizeof zero / sizeof *zero)) return 0;
  if (in_ranges(c, wide, sizeof wide / sizeof *wide)) return 2;
  return 1;
}

/* The code point at s[i] and its length in bytes (a stray byte: itself,
 * one byte). */
static uint32_t decode(const unsigned char *s, size_t n, size_t i, size_t *k)
{
  unsigned c = s[i];
  size_t m = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (i + m > n) m = 1;
  for (size_t j = 1; j < m; j++)
    if ((s[i + j] & 0xC0) != 0x80) m = 1;
  *k = m;
  if (m == 1) return c;
  uint32_t cp = c & (0x7F >> m);
  for (size_t j = 1; j < m; j++) cp = cp << 6 | (s[i + j] & 0x3F);
  return cp;
}

static size_t cells(const char *s, size_t n)
{
  size_t w = 0, k, i = 0;
  for (uint64_t x; i + 8 <= n && (memcpy(&x, s + i, 8), !(x & 0x8080808080808080ULL)); i += 8)
    w += 8;   /* eight ASCII bytes at a time: context is mostly plain ASCII */
  for (; i < n; i += k) {
    if ((unsigned char)s[i] < 0x80) { k = 1; w++; continue; }
    w += (size_t)cwidth(decode((const unsigned char *)s, n, i, &k));
  }
  return w;
}

static int ascii(const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] >= 0x80) return 0;
  return 1;
}

static const char ELLIPSIS[] = "\xE2\x80\xA6";

/* The last w cells of s (c cells wide), "…" first when cut (kwic.lua's
 * tail_cells); the cells written. */
static size_t add_tail(LedeBuf *o, const char *s, size_t n, size_t c, size_t w)
{
  if (c <= w) { lede_buf_add(o, s, n); return c; }
  ADD_LIT(o, ELLIPSIS);
  if (ascii(s, n)) {   /* s:sub(-(w - 1)): the whole of s when w is 1 */
    size_t k = w - 1;
    if (k == 0 || k > n) k = n;
    lede_buf_add(o, s + n - k, k);
    return 1 + k;
  }
  size_t used = 1, from = n;
  while (from > 0) {
    size_t i = from - 1, k;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80 && from - i < 4) i--;
    uint32_t cp = decode((const unsigned char *)s, n, i, &k);
    if (i + k != from) { i = from - 1; cp = (unsigned char)s[i]; }   /* a stray byte */
    size_t cw = (size_t)cwidth(cp);
    if (used + cw > w) break;
    used += cw;
    from = i;
  }
  lede_buf_add(o, s + from, n - from);
  return used;
}

static int blank(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* The first w cells of s (c cells wide), "…" last when cut (kwic.lua's
 * head_cells, and result.truncate for non-ASCII text, which drops the
 * blanks before "…"). */
static void add_head(LedeBuf *o, const char *s, size_t n, size_t c, size_t w)
{
  if (c <= w) { lede_buf_add(o, s, n); return; }
  if (ascii(s, n)) {
    lede_buf_add(o, s, w - 1 < n ? w - 1 : n);
    ADD_LIT(o, ELLIPSIS);
    return;
  }
  if (w == 0) return;
  size_t used = 0, to = 0, k;
  while (to < n) {
    size_t cw = (size_t)cwidth(decode((const unsigned char *)s, n, to, &k));
    if (used + cw > w - 1) break;
    used += cw;
    to += k;
  }
  while (to > 0 && blank(s[to - 1])) to--;
  lede_buf_add(o, s, to);
  ADD_LIT(o, ELLIPSIS);
}

/* A string field of the row on top (which keeps it alive); "" otherwise. */
static const char *field(lua_State *L, const char *k, size_t *n)
{
  const char *s = NULL;
  if (lua_getfield(L, -1, k) == LUA_TSTRING) s = lua_tolstring(L, -1, n);
  lua_pop(L, 1);
  if (!s) { *n = 0; s = ""; }
  return s;
}

/* A row's fields as kwic_lines reads them: the strings stay alive in the
 * rows, which are on the stack. */
typedef struct LineRow {
  lua_Integer doc;
  const char *left, *match, *right;
  size_t ln, mn, rn;
  size_t lc, mc;                /* cells of left and match */
} LineRow;

/* An integer in decimal, right-aligned in width columns (printf's
 * "%*lld" without its cost per call: a concordance has three integers a
 * line). */
static void add_spaces(LedeBuf *o, size_t n)
{
  static const char sp[] = "                                ";
  for (size_t k; n > 0; n -= k) {
    k = n < sizeof sp - 1 ? n : sizeof sp - 1;
    lede_buf_add(o, sp, k);
  }
}

static void add_int_w(LedeBuf *o, lua_Integer v, size_t width)
{
  char d[24];
  size_t i = sizeof d;
  unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
  do { d[--i] = (char)('0' + u % 10); u /= 10; } while (u);
  if (v < 0) d[--i] = '-';
  if (sizeof d - i < width) add_spaces(o, width - (sizeof d - i));
  lede_buf_add(o, d + i, sizeof d - i);
}

static void add_int(LedeBuf *o, lua_Integer v) { add_int_w(o, v, 0); }

/* The first n lines from the rows at index 1 (strings alive in the rows,
 * on the stack), or from the lines held in C; NULL when out of memory. */
static LineRow *line_rows(lua_State *L, lua_Integer n)
{
  LineRow *r = malloc((n > 0 ? (size_t)n : 1) * sizeof *r);
  if (!r) return NULL;
  const Lines *x = luaL_testudata(L, 1, LINES);
  for (lua_Integer i = 1; i <= n; i++) {
    LineRow *y = &r[i - 1];
    if (x) {
      const Line *l = &x->line[i - 1];
      y->doc = l->doc;
      y->left = x->text.p ? x->text.p + l->at : "";
      y->match = y->left + l->ln;
      y->right = y->match + l->mn;
      y->ln = l->ln;
      y->mn = l->mn;
      y->rn = l->rn;
      continue;
    }
    lua_rawgeti(L, 1, i);
    lua_getfield(L, -1, "doc");
    y->doc = lua_tointeger(L, -1);
    lua_pop(L, 1);
    y->left = field(L, "left", &y->ln);
    y->match = field(L, "match", &y->mn);
    y->right = field(L, "right", &y->rn);
    lua_pop(L, 1);
  }
  return r;
}

/* lede.core.kwic_lines(rows, n, width, tty) -> the first n rows as
 * concordance lines: the left context right-aligned, the match in a
 * column of its own (bold red with tty), the line fitted to width cells
 * and without trailing blanks; each line ends in "\n".  rows may be the
 * lines db:_kwic holds in C. */
static int c_kwic_lines(lua_State *L)
{
  const Lines *held = luaL_testudata(L, 1, LINES);
  if (!held) luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer n = luaL_checkinteger(L, 2);
  lua_Integer width = luaL_checkinteger(L, 3);
  int tty = lua_toboolean(L, 4);
  if (held && n > (lua_Integer)held->n) n = (lua_Integer)held->n;
  LineRow *r = line_rows(L, n);
  if (!r) return luaL_error(L, "out of memory");
  size_t lw = 0, mw = 0;
  for (lua_Integer i = 0; i < n; i++) {
    r[i].lc = cells(r[i].left, r[i].ln);
    if (r[i].lc > lw) lw = r[i].lc;
    r[i].mc = cells(r[i].match, r[i].mn);
    if (r[i].mc > mw) mw = r[i].mc;
  }
  lua_Integer third = width >= 0 ? width / 3 : -((-width + 2) / 3);   /* width // 3 */
  lua_Integer room = width - 12 - ((lua_Integer)mw < third ? (lua_Integer)mw : third);
  if (room < 10) room = 10;
  if ((lua_Integer)lw > room / 2) lw = (size_t)(room / 2);
  size_t rw = (size_t)room - lw;
  LedeBuf o = {0}, t = {0};
  for (lua_Integer i = 0; i < n && !o.oom; i++) {
    const LineRow *x = &r[i];
    add_int_w(&o, x->doc, 6);      /* "%6lld" */
    ADD_LIT(&o, "  ");
    t.n = 0;
    size_t c = add_tail(&t, x->left, x->ln, x->lc, lw);
    if (c < lw) add_spaces(&o, lw - c);
    lede_buf_add(&o, t.p, t.n);
    ADD_LIT(&o, "  ");
    if (tty) ADD_LIT(&o, "\x1b[1;31m");
    add_head(&o, x->match, x->mn, x->mc, third > 0 ? (size_t)third : 0);
    if (tty) ADD_LIT(&o, "\x1b[0m");
    ADD_LIT(&o, "  ");
    add_head(&o, x->right, x->rn, cells(x->right, x->rn), rw);
    while (o.n > 0 && blank(o.p[o.n - 1])) o.n--;
    lede_buf_addc(&o, '\n');
  }
  free(r);
  int oom = o.oom || t.oom;
  if (!oom) lua_pushlstring(L, o.p ? o.p : "", o.n);
  lede_buf_free(&o);
  lede_buf_free(&t);
  if (oom) return luaL_error(L, "out of memory");
  return 1;
}

/* ---- CSV ----------------------------------------------------------------- */

static void csv_text(LedeBuf *o, const char *s, size_t n)
{
  size_t i = 0;
  while (i < n && s[i] != ',' && s[i] != '"' && s[i] != '\r' && s[i] != '\n') i++;
  if (i == n) {
    lede_buf_add(o, s, n);
    return;
  }
  lede_buf_addc(o, '"');
  lede_buf_add(o, s, i);
  for (; i < n; i++) {
    if (s[i] == '"') lede_buf_addc(o, '"');
    lede_buf_addc(o, s[i]);
  }
  lede_buf_addc(o, '"');
}

/* The value on top as a CSV field; pops it.  Strings and integers here,
 * anything else through fallback (at stack index fb), which gives the
 * field as result:csv() writes it. */
static void csv_value(lua_State *L, LedeBuf *o, int fb)
{
  size_t n;
  switch (lua_type(L, -1)) {
  case LUA_TNIL: break;
  case LUA_TSTRING: {
    const char *s = lua_tolstring(L, -1, &n);
    csv_text(o, s, n);
    break;
  }
  case LUA_TNUMBER:
    if (lua_isinteger(L, -1)) { add_int(o, lua_tointeger(L, -1)); break; }
    /* fall through */
  default: {
    lua_pushvalue(L, fb);
    lua_insert(L, -2);
    lua_call(L, 1, 1);
    const char *s = lua_tolstring(L, -1, &n);
    if (s) lede_buf_add(o, s, n);
  }
  }
  lua_pop(L, 1);
}

/* lede.core.csv(rows, columns, fallback) -> the CSV text of rows (RFC 4180,
 * CRLF line ends): result:csv() for rows of strings and integers, with
 * fallback(v) giving the field of any other value. */
static int c_csv(lua_State *L)
{
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, 2, LUA_TTABLE);
  luaL_checktype(L, 3, LUA_TFUNCTION);
  lua_Integer nc = (lua_Integer)lua_rawlen(L, 2), nr = (lua_Integer)lua_rawlen(L, 1);
  LedeBuf o = {0};
  for (lua_Integer j = 1; j <= nc; j++) {
    if (j > 1) lede_buf_addc(&o, ',');
    lua_rawgeti(L, 2, j);
    csv_value(L, &o, 3);
  }
  ADD_LIT(&o, "\r\n");
  for (lua_Integer i = 1; i <= nr && !o.oom; i++) {
    lua_rawgeti(L, 1, i);
    for (lua_Integer j = 1; j <= nc; j++) {
      if (j > 1) lede_buf_addc(&o, ',');
      lua_rawgeti(L, 2, j);
      lua_gettable(L, -2);
      csv_value(L, &o, 3);
    }
    ADD_LIT(&o, "\r\n");
    lua_pop(L, 1);
  }
  if (o.oom) { lede_buf_free(&o); return luaL_error(L, "out of memory"); }
  lua_pushlstring(L, o.p ? o.p : "", o.n);
  lede_buf_free(&o);
  return 1;
}

/* lede.core.kwic_csv(lines, fallback) -> the CSV text of the lines held in
 * C, what lede.core.csv writes for their rows (fallback as there, for
 * metadata that is neither string nor integer). */
static int c_kwic_csv(lua_State *L)
{
  const Lines *x = luaL_checkudata(L, 1, LINES);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_settop(L, 2);
  lua_getiuservalue(L, 1, 1);
  LedeBuf o = {0}, m = {0};
  ADD_LIT(&o, "doc,title,source,date,left,match,right,start,stop\r\n");
  uint32_t d = UINT32_MAX;
  for (size_t i = 0; i < x->n && !o.oom && !m.oom; i++) {
    const Line *l = &x->line[i];
    const char *t = x->text.p ? x->text.p + l->at : "";
    if (l->d != d) {   /* title, source and date once a document */
      d = l->d;
      m.n = 0;
      for (int j = 0; j < 3; j++) {
        lede_buf_addc(&m, ',');
        lua_rawgeti(L, 3, 3 * (lua_Integer)d + j + 1);
        csv_value(L, &m, 2);
      }
    }
    add_int(&o, (lua_Integer)l->doc);
    lede_buf_add(&o, m.p, m.n);
    lede_buf_addc(&o, ',');
    csv_text(&o, t, l->ln);
    lede_buf_addc(&o, ',');
    csv_text(&o, t + l->ln, l->mn);
    lede_buf_addc(&o, ',');
    csv_text(&o, t + l->ln + l->mn, l->rn);
    lede_buf_addc(&o, ',');
    add_int(&o, (lua_Integer)l->start);
    lede_buf_addc(&o, ',');
    add_int(&o, (lua_Integer)l->stop);
    ADD_LIT(&o, "\r\n");
  }
  int oom = o.oom || m.oom;
  if (!oom) lua_pushlstring(L, o.p, o.n);
  lede_buf_free(&o);
  lede_buf_free(&m);
  if (oom) return luaL_error(L, "out of memory");
  return 1;
}

/* ---- sort keys ------------------------------------------------------------ */

/* The k-th word of a text from its start or its end (words: tokens with a
 * position, a compound's parts but not the whole), or with k == 0 its first
 * token of any kind; as kwic.lua's key_word finds it with lede.tokens. */
typedef struct KeyCtx {
  size_t k, seen;
  int from_end;
  LedeBuf *ring;            /* from_end: the last k words, seen % k */
  LedeBuf *out;
  int found;
} KeyCtx;

static int key_token(void *ud, const LedeToken *t)
{
  KeyCtx *x = ud;
  if (x->k == 0) {
    lede_buf_add(x->out, t->term, t->len);
    x->found = 1;
    return 1;
  }
  if (t->flags & (LEDE_TOKF_NOPOS | LEDE_TOKF_COMPOUND)) return 0;
  x->seen++;
  if (!x->from_end) {
    if (x->seen < x->k) return 0;
    lede_buf_add(x->out, t->term, t->len);
    x->found = 1;
    return 1;
  }
  LedeBuf *r = &x->ring[(x->seen - 1) % x->k];
  r->n = 0;
  lede_buf_add(r, t->term, t->len);
  return 0;
}

/* lede.core.kwic_keys(rows, field, k, from_end) -> the sort key of each
 * row: the k-th word of row[field] from its start or end ("" when there
 * is none), or with k = 0 the term of its first token (the field itself
 * when it has none). */
static int c_kwic_keys(lua_State *L)
{
  luaL_checktype(L, 1, LUA_TTABLE);
  const char *fieldname = luaL_checkstring(L, 2);
  lua_Integer k = luaL_checkinteger(L, 3);
  int from_end = lua_toboolean(L, 4);
  luaL_argcheck(L, k >= 0 && k <= 100000, 3, "word number out of range");
  LedeAnalyzerOpts o = {1, NULL};
  LedeAnalyzer *an = lede_analyzer_new(&o);
  LedeBuf *ring = calloc(k > 0 ? (size_t)k : 1, sizeof *ring), out = {0};
  if (!an || !ring) { lede_analyzer_free(an); free(ring); return luaL_error(L, "out of memory"); }
  lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
  lua_createtable(L, (int)(n < 1 << 24 ? n : 1 << 24), 0);
  int rc = LEDE_OK;
  for (lua_Integer i = 1; i <= n && rc == LEDE_OK; i++) {
    lua_rawgeti(L, 1, i);
    size_t len;
    const char *s = field(L, fieldname, &len);
    KeyCtx x = {(size_t)k, 0, from_end, ring, &out, 0};
    out.n = 0;
    rc = lede_analyzer_each(an, s, len, key_token, &x);
    if (from_end && k > 0 && x.seen >= (size_t)k) {
      LedeBuf *r = &ring[(x.seen - (size_t)k) % (size_t)k];
      lede_buf_add(&out, r->p, r->n);
      x.found = 1;
    }
    if (out.oom) rc = LEDE_ENOMEM;
    if (!x.found && k == 0) lua_pushlstring(L, s, len);
    else lua_pushlstring(L, out.p ? out.p : "", x.found ? out.n : 0);
    lua_rawseti(L, -3, i);
    lua_pop(L, 1);
  }
  for (lua_Integer i = 0; i < (k > 0 ? k : 1); i++) lede_buf_free(&ring[i]);
  free(ring);
  lede_buf_free(&out);
  lede_analyzer_free(an);
  if (rc != LEDE_OK) return luaL_error(L, "out of memory");
  return 1;
}

/* ---- sorting ------------------------------------------------------------ */

typedef struct SortKey { const char *s; size_t n; } SortKey;
typedef struct SortCtx { const SortKey *key; size_t nkeys; const lua_Integer *doc, *start; } SortCtx;

static int cmp_bytes(const SortKey *a, const SortKey *b)
{
  int c = memcmp(a->s, b->s, a->n < b->n ? a->n : b->n);
  return c ? c : (a->n > b->n) - (a->n < b->n);
}

/* qsort has no context argument (qsort_r is not in C11 or POSIX): the
 * sort in progress, on the one thread that runs Lua. */
static const SortCtx *sorting;

static int cmp_rows(const void *pa, const void *pb)
{
  const SortCtx *x = sorting;
  size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
  for (size_t k = 0; k < x->nkeys; k++) {
    int c = cmp_bytes(&x->key[a * x->nkeys + k], &x->key[b * x->nkeys + k]);
    if (c) return c;
  }
  if (x->doc[a] != x->doc[b]) return x->doc[a] < x->doc[b] ? -1 : 1;
  if (x->start[a] != x->start[b]) return x->start[a] < x->start[b] ? -1 : 1;
  return (a > b) - (a < b);
}

/* lede.core.kwic_order(rows, keys) -> the rows' order (a list of row
 * numbers) by the key lists in keys (keys[i][j]: key i of row j, strings
 * compared byte by byte), then doc and start; nil when a key is not a
 * string or a row's doc or start is not an integer (the caller sorts in
 * Lua then).  The sort of a concordance of a common word compares
 * millions of times: a Lua function per comparison cost seconds. */
static int c_kwic_order(lua_State *L)
{
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, 2, LUA_TTABLE);
  size_t n = lua_rawlen(L, 1), nk = lua_rawlen(L, 2);
  SortKey *key = malloc((n && nk ? n * nk : 1) * sizeof *key);
  lua_Integer *doc = malloc((n ? n : 1) * 2 * sizeof *doc);
  size_t *ord = malloc((n ? n : 1) * sizeof *ord);
  if (!key || !doc || !ord) { free(key); free(doc); free(ord); return luaL_error(L, "out of memory"); }
  lua_Integer *start = doc + n;
  int ok = 1;
  for (size_t k = 0; ok && k < nk; k++) {
    lua_rawgeti(L, 2, (lua_Integer)k + 1);
    for (size_t j = 0; ok && j < n; j++) {
      if (lua_rawgeti(L, -1, (lua_Integer)j + 1) != LUA_TSTRING) ok = 0;
      else key[j * nk + k].s = lua_tolstring(L, -1, &key[j * nk + k].n);
      lua_pop(L, 1);   /* the key list keeps the string */
    }
    lua_pop(L, 1);     /* and keys keeps the list */
  }
  for (size_t j = 0; ok && j < n; j++) {
    lua_rawgeti(L, 1, (lua_Integer)j + 1);
    ok = lua_getfield(L, -1, "doc") == LUA_TNUMBER && lua_isinteger(L, -1) &&
         lua_getfield(L, -2, "start") == LUA_TNUMBER && lua_isinteger(L, -1);
    if (ok) { doc[j] = lua_tointeger(L, -2); start[j] = lua_tointeger(L, -1); }
    lua_settop(L, 2);
    ord[j] = j;
  }
  if (ok) {
    SortCtx x = {key, nk, doc, start};
    sorting = &x;
    qsort(ord, n, sizeof *ord, cmp_rows);
    sorting = NULL;
    lua_createtable(L, (int)(n < 1u << 24 ? n : 1u << 24), 0);
    for (size_t j = 0; j < n; j++) {
      lua_pushinteger(L, (lua_Integer)ord[j] + 1);
      lua_rawseti(L, -2, (lua_Integer)j + 1);
    }
  }
  free(key);
  free(doc);
  free(ord);
  if (!ok) lua_pushnil(L);
  return 1;
}

void lede_lua_kwic_methods(lua_State *L)
{
  lua_pushcfunction(L, m_kwic);
  lua_setfield(L, -2, "_kwic");
}

void lede_lua_kwic_funcs(lua_State *L)
{
  static const luaL_Reg funcs[] = {
    {"kwic_lines", c_kwic_lines}, {"csv", c_csv}, {"kwic_keys", c_kwic_keys},
    {"kwic_order", c_kwic_order}, {"kwic_rows", c_kwic_rows}, {"kwic_count", c_kwic_count},
    {"kwic_csv", c_kwic_csv}, {NULL, NULL},
  };
  luaL_setfuncs(L, funcs, 0);
}
