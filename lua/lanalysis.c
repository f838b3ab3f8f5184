/*
 * lanalysis.c -- the statistics of core/tally.c seen from Lua: the raw
 * methods _tally, _spans, _doclens, _norms and _similar that
 * lua/lede.lua (db:freq), lua/kwic.lua and lua/methods/analysis.lua turn
 * into frequency lists, concordances, dispersion, timelines and similar
 * documents.
 */
#include <stdlib.h>
#include <string.h>
#include <lua.h>
#include <lauxlib.h>
#include <sqlite3.h>
#include "lede/lede.h"
#include "lua/lede_lua.h"
#include "core/tally.h"
#include "lede/tokenize.h"

/* A doc -> group table (integer keys and values) as a dense array. */
int32_t *lede_lua_read_groups(lua_State *L, int t, int64_t *n)
{
  *n = 0;
  if (lua_isnoneornil(L, t)) return NULL;
  luaL_checktype(L, t, LUA_TTABLE);
  int64_t maxid = 0;
  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_Integer id = lua_tointeger(L, -2);
    if (id > maxid) maxid = id;
    lua_pop(L, 1);
  }
  int32_t *g = calloc((size_t)maxid + 2, sizeof *g);
  if (!g) luaL_error(L, "out of memory");
  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_Integer id = lua_tointeger(L, -2);
    lua_Integer v = lua_isboolean(L, -1) ? lua_toboolean(L, -1) : lua_tointeger(L, -1);
    if (id >= 0) g[id] = (int32_t)v;
    lua_pop(L, 1);
  }
  *n = maxid + 1;
  return g;
}

static void push_u64s(lua_State *L, const uint64_t *v, size_t n, const char *k)
{
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_pushinteger(L, (lua_Integer)v[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, k);
}

static int fail(lua_State *L, LedeStore *st, int rc, char *err)
{
  if (rc == LEDE_EFORMAT) {
    luaL_pushfail(L);
    lua_pushstring(L, err ? err : "bad query");
    free(err);
    return 2;
  }
  const char *m = rc == LEDE_ENOMEM ? "out of memory" : lede_store_errmsg(st);
  lua_pushstring(L, err ? err : m);
  free(err);
  return lua_error(L);
}

/* db:_tally{groups=, ngroups=, stem=, surface=, texts=, min=} -> {term, group,
 * count, docs (parallel lists), total (tokens per group)} */
static int m_tally(lua_State *L)
{
  LedeStore *st = lede_lua_store(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_getfield(L, 2, "ngroups");
  uint32_t ngroups = (uint32_t)luaL_optinteger(L, -1, 1);
  lua_getfield(L, 2, "stem");
  const char *stem = lua_tostring(L, -1);
  lua_getfield(L, 2, "surface");
  int surface = lua_toboolean(L, -1);
  lua_getfield(L, 2, "min");
  uint64_t min = (uint64_t)luaL_optinteger(L, -1, 1);
  lua_getfield(L, 2, "groups");
  int64_t ngrp;
  int32_t *grp = lede_lua_read_groups(L, lua_gettop(L), &ngrp);
  LedeTally t;
  lua_getfield(L, 2, "texts");
  int texts = lua_toboolean(L, -1);
  lua_pop(L, 1);
  int rc = surface || texts ? lede_tally_texts(st, grp, ngrp, ngroups, surface ? 0 : stem ? 2 : 1, stem, min, &t)
                            : lede_tally_terms(st, grp, ngrp, ngroups, stem, min, &t);
  free(grp);
  if (rc == LEDE_EMISUSE) return luaL_error(L, "no stemmer for language '%s'", stem);
  if (rc != LEDE_OK) return fail(L, st, rc, NULL);
  lua_createtable(L, 0, 5);
  lua_createtable(L, (int)t.n, 0);
  for (size_t i = 0; i < t.n; i++) {
    lua_pushlstring(L, t.arena.p + t.off[i], t.len[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "term");
  lua_createtable(L, (int)t.n, 0);
  for (size_t i = 0; i < t.n; i++) {
    lua_pushinteger(L, t.group[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "group");
  push_u64s(L, t.count, t.n, "count");
  push_u64s(L, t.docs, t.n, "docs");
  push_u64s(L, t.total + 1, ngroups, "total");
  lede_tally_free(&t);
  return 1;
}

static void push_sizes(lua_State *L, const size_t *v, size_t n, size_t add, const char *k)
{
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_pushinteger(L, (lua_Integer)(v[i] + add));
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, k);
}

/* The text of a document, the byte span of each match (start/stop, as
 * string.sub takes them) and, with width > 0, its context (cl/cr: the
 * first byte of the left context, the last of the right). */
static int push_bytes(lua_State *L, LedeStore *st, sqlite3_stmt **stmt, const LedeSpans *s,
                      const LedeSpanDoc *d, size_t width)
{
  uint32_t maxpos = 0;
  for (size_t i = 0; i < d->n; i++)
    if (s->last[d->first + i] > maxpos) maxpos = s->last[d->first + i];
  const char *text;
  size_t len, *span;
  uint32_t npos;
  int rc = lede_span_text(st, stmt, d->doc, maxpos, &text, &len, &span, &npos);
  if (rc != LEDE_OK) return rc;
  if (text) {
    lua_pushlstring(L, text, len);
    lua_setfield(L, -2, "text");
  }
  size_t *v = malloc((d->n ? d->n : 1) * 4 * sizeof *v);
  if (!v) { free(span); return LEDE_ENOMEM; }
  size_t *a = v, *b = v + d->n, *cl = v + 2 * d->n, *cr = v + 3 * d->n;
  for (size_t i = 0; i < d->n; i++) {
    uint32_t x = s->first[d->first + i], y = s->last[d->first + i];
    a[i] = x < npos ? span[2 * x] : 0;
    b[i] = y < npos ? span[2 * y + 1] : 0;
    if (width && text) lede_context(text, len, a[i], b[i], width, &cl[i], &cr[i]);
  }
  push_sizes(L, a, d->n, 1, "start");
  push_sizes(L, b, d->n, 0, "stop");
  if (width) {
    push_sizes(L, cl, d->n, 1, "cl");
    push_sizes(L, cr, d->n, 0, "cr");
  }
  free(v);
  free(span);
  return LEDE_OK;
}

static void push_positions(lua_State *L, const uint32_t *v, size_t n, const char *k)
{
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_pushinteger(L, v[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, k);
}

/* db:_spans(q, {docs=, limit=, text=, width=, max_expansion=}) -> list of {doc,
 * ntok, n, first, last [, text, start, stop [, cl, cr]]} with complete = false when
 * the limit cut the matches short; nil, message for a bad query. */
static int m_spans(lua_State *L)
{
  LedeStore *st = lede_lua_store(L, 1);
  const char *q = luaL_checkstring(L, 2);
  size_t limit = 0, maxexp = 0;
  int text = 0;
  size_t width = 0;
  int64_t ngrp = 0;
  int32_t *grp = NULL;
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    lua_getfield(L, 3, "limit");
    limit = (size_t)luaL_optinteger(L, -1, 0);
    lua_getfield(L, 3, "max_expansion");
    maxexp = (size_t)luaL_optinteger(L, -1, 0);
    lua_getfield(L, 3, "text");
    text = lua_toboolean(L, -1);
    lua_getfield(L, 3, "width");
    width = (size_t)luaL_optinteger(L, -1, 0);
    lua_getfield(L, 3, "docs");
    grp = lede_lua_read_groups(L, lua_gettop(L), &ngrp);
    lua_pop(L, 5);
  }
  LedeSpans s;
  char *err = NULL;
  int rc = lede_spans(st, q, maxexp, grp, ngrp, limit, &s, &err);
  free(grp);
  if (rc != LEDE_OK) return fail(L, st, rc, err);
  sqlite3_stmt *stmt = NULL;
  lua_createtable(L, (int)s.ndocs, 1);
  for (size_t i = 0; i < s.ndocs; i++) {
    const LedeSpanDoc *d = &s.doc[i];
    lua_createtable(L, 0, 8);
    lua_pushinteger(L, d->doc);
    lua_setfield(L, -2, "doc");
    lua_pushinteger(L, d->ntok);
    lua_setfield(L, -2, "ntok");
    lua_pushinteger(L, (lua_Integer)d->n);
    lua_setfield(L, -2, "n");
    push_positions(L, s.first + d->first, d->n, "first");
    push_positions(L, s.last + d->first, d->n, "last");
    if (text && (rc = push_bytes(L, st, &stmt, &s, d, width)) != LEDE_OK) {
      sqlite3_finalize(stmt);
      lede_spans_free(&s);
      return fail(L, st, rc, NULL);
    }
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  sqlite3_finalize(stmt);
  lua_pushboolean(L, s.complete);
  lua_setfield(L, -2, "complete");
  lede_spans_free(&s);
  return 1;
}

/* db:_doclens() -> {[doc] = length in positions} for every document */
static int m_doclens(lua_State *L)
{
  LedeStore *st = lede_lua_store(L, 1);
  int64_t *ids;
  uint32_t *len;
  size_t n;
  int rc = lede_doc_lengths(st, &ids, &len, &n);
  if (rc != LEDE_OK) return fail(L, st, rc, NULL);
  lua_createtable(L, 0, (int)n);
  for (size_t i = 0; i < n; i++) {
    lua_pushinteger(L, len[i]);
    lua_rawseti(L, -2, ids[i]);
  }
  free(ids);
  free(len);
  return 1;
}

typedef struct Norms { double *v; int64_t n; } Norms;

static int norms_gc(lua_State *L)
{
  Norms *x = luaL_checkudata(L, 1, "lede.norms");
  free(x->v);
  x->v = NULL;
  return 0;
}

/* db:_norms() -> userdata: the TF-IDF vector length of every document */
static int m_norms(lua_State *L)
{
  LedeStore *st = lede_lua_store(L, 1);
  Norms *x = lua_newuserdatauv(L, sizeof *x, 0);
  x->v = NULL;
  x->n = 0;
  if (luaL_newmetatable(L, "lede.norms")) {
    lua_pushcfunction(L, norms_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  int rc = lede_doc_norms(st, &x->v, &x->n);
  if (rc != LEDE_OK) return fail(L, st, rc, NULL);
  return 1;
}

/* db:_similar(doc, top, norms) -> list of {doc, score}, best first */
static int m_similar(lua_State *L)
{
  LedeStore *st = lede_lua_store(L, 1);
  int64_t doc = luaL_checkinteger(L, 2);
  size_t top = (size_t)luaL_optinteger(L, 3, 10);
  Norms *x = luaL_checkudata(L, 4, "lede.norms");
  LedeHit *h;
  size_t n;
  int rc = lede_similar(st, doc, x->v, x->n, top, &h, &n);
  if (rc != LEDE_OK) return fail(L, st, rc, NULL);
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, h[i].doc);
    lua_setfield(L, -2, "doc");
    lua_pushnumber(L, h[i].score);
    lua_setfield(L, -2, "score");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  free(h);
  return 1;
}

void lede_lua_analysis_methods(lua_State *L)
{
  static const luaL_Reg m[] = {
    {"_tally", m_tally}, {"_spans", m_spans}, {"_doclens", m_doclens},
    {"_norms", m_norms}, {"_similar", m_similar}, {NULL, NULL}
  };
  luaL_setfuncs(L, m, 0);
  lede_lua_kwic_methods(L);
}

/* lede.core.stem(word, lang) -> the Snowball stem of a normalised word */
static int c_stem(lua_State *L)
{
  size_t len, n;
  const char *w = luaL_checklstring(L, 1, &len);
  const char *lang = luaL_optstring(L, 2, "en");
  LedeStemmer *sm = lede_stemmer_new(lang);
  if (!sm) return luaL_error(L, "no stemmer for language '%s'", lang);
  const char *s = lede_stem(sm, w, len, &n);
  lua_pushlstring(L, s, n);
  lede_stemmer_free(sm);
  return 1;
}

void lede_lua_analysis_funcs(lua_State *L)
{
  lua_pushcfunction(L, c_stem);
  lua_setfield(L, -2, "stem");
  lede_lua_kwic_funcs(L);
}
