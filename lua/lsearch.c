/*
 * lsearch.c -- the index seen from Lua: the raw methods _search,
 * _matches, _terms, check and optimize that lua/lede.lua turns into
 * db:search, db:count(q), db:terms and hits objects.
 */
#include <stdlib.h>
#include <string.h>
#include <lua.h>
#include <lauxlib.h>
#include "lede/lede.h"
#include "lua/lede_lua.h"
#include "core/lede_int.h"
#include "lede/tokenize.h"

static size_t opt_size(lua_State *L, int t, const char *k, size_t dflt)
{
  if (lua_isnoneornil(L, t)) return dflt;
  lua_getfield(L, t, k);
  lua_Integer v = luaL_optinteger(L, -1, (lua_Integer)dflt);
  lua_pop(L, 1);
  if (v < 0) luaL_error(L, "option '%s' must not be negative", k);
  return (size_t)v;
}

/* Expected failures (a syntax error, a wide expansion) are nil, message. */
static int fail_msg(lua_State *L, char *err, const char *dflt)
{
  luaL_pushfail(L);
  lua_pushstring(L, err ? err : dflt);
  free(err);
  return 2;
}

/* A failed query: a bad or too-wide query is nil, message (expected);
 * anything else (the store failed) raises.  Frees err. */
static int query_failed(lua_State *L, LedeStore *st, int rc, char *err)
{
  if (rc == LEDE_EFORMAT) return fail_msg(L, err, "bad query");
  lua_pushstring(L, err ? err : lede_store_errmsg(st));
  free(err);
  return lua_error(L);
}

/* db:_search(q, {limit=, order=, reverse=, max_expansion=}) ->
 * {matched = N, [i] = {doc, score}}; matched is nil when the best were
 * found without counting every match (db:_count counts them). */
static int m_search(lua_State *L)
{
  LedeStore *st = lede_lua_store(L, 1);
  const char *q = luaL_checkstring(L, 2);
  static const char *const orders[] = {"score", "date", "doc", NULL};
  LedeSearchOptions o = {0, LEDE_ORDER_SCORE, 0, 0, 1};   /* matched counted on demand */
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    o.limit = opt_size(L, 3, "limit", 0);
    o.max_expansion = opt_size(L, 3, "max_expansion", 0);
    lua_getfield(L, 3, "order");
    o.order = (LedeOrder)luaL_checkoption(L, -1, "score", orders);
    lua_getfield(L, 3, "reverse");
    o.reverse = lua_toboolean(L, -1);
    lua_pop(L, 2);
  }
  LedeHits h;
  char *err = NULL;
  int rc = lede_search(st, q, &o, &h, &err);
  if (rc != LEDE_OK) return query_failed(L, st, rc, err);
  lua_createtable(L, (int)h.n, 1);
  for (size_t i = 0; i < h.n; i++) {
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, h.hit[i].doc);
    lua_setfield(L, -2, "doc");
    lua_pushnumber(L, h.hit[i].score);
    lua_setfield(L, -2, "score");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  if (h.matched != LEDE_UNCOUNTED) {
    lua_pushinteger(L, (lua_Integer)h.matched);
    lua_setfield(L, -2, "matched");
  }
  lede_hits_free(&h);
  return 1;
}

/* db:_matches(q, doc [, max_expansion]) -> list of {first, last, start, stop}
 * with start/stop as 1-based inclusive byte indexes (string.sub's). */
static int m_matches(lua_State *L)
{
  LedeStore *st = lede_lua_store(L, 1);
  const char *q = luaL_checkstring(L, 2);
  lua_Integer doc = luaL_checkinteger(L, 3);
  size_t maxexp = (size_t)luaL_optinteger(L, 4, 0);
  LedeMatch *m;
  size_t n;
  char *err = NULL;
  int rc = lede_matches(st, q, doc, maxexp, &m, &n, &err);
  if (rc != LEDE_OK) return query_failed(L, st, rc, err);
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, m[i].first);
    lua_setfield(L, -2, "first");
    lua_pushinteger(L, m[i].last);
    lua_setfield(L, -2, "last");
    lua_pushinteger(L, (lua_Integer)m[i].start + 1);
    lua_setfield(L, -2, "start");
    lua_pushinteger(L, (lua_Integer)m[i].stop);
    lua_setfield(L, -2, "stop");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  free(m);
  return 1;
}

/* db:_count(q [, occurrences [, max_expansion]]) -> docs [, occurrences] */
static int m_count(lua_State *L)
{
  LedeStore *st = lede_lua_store(L, 1);
  const char *q = luaL_checkstring(L, 2);
  int want_occ = lua_toboolean(L, 3);
  size_t maxexp = (size_t)luaL_optinteger(L, 4, 0);
  uint64_t docs, occ;
  char *err = NULL;
  int rc = lede_count(st, q, maxexp, &docs, want_occ ? &occ : NULL, &err);
  if (rc != LEDE_OK) return query_failed(L, st, rc, err);
  lua_pushinteger(L, (lua_Integer)docs);
  if (!want_occ) return 1;
  lua_pushinteger(L, (lua_Integer)occ);
  return 2;
}

typedef struct TermsCtx { lua_State *L; lua_Integer n; uint64_t min; } TermsCtx;

static int collect(void *ud, const char *t, size_t len, uint64_t df, uint64_t cf)
{
  TermsCtx *c = ud;
  if (cf < c->min) return 0;
  lua_State *L = c->L;
  lua_createtable(L, 0, 3);
  lua_pushlstring(L, t, len);
  lua_setfield(L, -2, "term");
  lua_pushinteger(L, (lua_Integer)df);
  lua_setfield(L, -2, "docs");
  lua_pushinteger(L, (lua_Integer)cf);
  lua_setfield(L, -2, "count");
  lua_rawseti(L, -2, ++c->n);
  return 0;
}

/* db:_terms(prefix, min) -> list of {term, docs, count} in byte order. */
static int m_terms(lua_State *L)
{
  LedeStore *st = lede_lua_store(L, 1);
  const char *prefix = luaL_optstring(L, 2, "");
  TermsCtx c = {L, 0, (uint64_t)luaL_optinteger(L, 3, 0)};
  lua_newtable(L);
  if (lede_terms(st, prefix, collect, &c) != LEDE_OK)
    return luaL_error(L, "%s", lede_store_errmsg(st));
  return 1;
}

static int m_check(lua_State *L)
{
  LedeStore *st = lede_lua_store(L, 1);
  LedeCheck c;
  if (lede_check(st, &c) != LEDE_OK) return luaL_error(L, "check: %s", lede_store_errmsg(st));
  lua_createtable(L, 0, 5);
  lua_pushboolean(L, c.ok);
  lua_setfield(L, -2, "ok");
  lua_pushinteger(L, (lua_Integer)c.docs);
  lua_setfield(L, -2, "docs");
  lua_pushinteger(L, (lua_Integer)c.indexed_docs);
  lua_setfield(L, -2, "indexed_docs");
  lua_pushinteger(L, (lua_Integer)c.text_postings);
  lua_setfield(L, -2, "text_postings");
  lua_pushinteger(L, (lua_Integer)c.index_postings);
  lua_setfield(L, -2, "index_postings");
  return 1;
}

static int m_optimize(lua_State *L)
{
  LedeStore *st = lede_lua_store(L, 1);
  if (lede_optimize(st) != LEDE_OK) return luaL_error(L, "optimize: %s", lede_store_errmsg(st));
  lua_pushboolean(L, 1);
  return 1;
}

static int m_reindex(lua_State *L)
{
  LedeStore *st = lede_lua_store(L, 1);
  if (lede_store_reindex(st) != LEDE_OK) return luaL_error(L, "reindex: %s", lede_store_errmsg(st));
  lua_pushboolean(L, 1);
  return 1;
}

void lede_lua_search_methods(lua_State *L)
{
  static const luaL_Reg m[] = {
    {"_search", m_search}, {"_matches", m_matches}, {"_terms", m_terms}, {"_count", m_count},
    {"_check", m_check}, {"optimize", m_optimize},
    {"reindex", m_reindex}, {NULL, NULL}
  };
  luaL_setfuncs(L, m, 0);
}

typedef struct TokCtx { lua_State *L; lua_Integer n; } TokCtx;

static const char *const kinds[] = {"", "word", "number", "punct", "symbol", "url",
                                    "email", "hashtag", "mention", "space"};

static int push_token(void *ud, const LedeToken *t)
{
  TokCtx *x = ud;
  lua_State *L = x->L;
  lua_createtable(L, 0, 8);
  lua_pushlstring(L, t->term, t->len);
  lua_setfield(L, -2, "term");
  if (!(t->flags & LEDE_TOKF_NOPOS)) {
    lua_pushinteger(L, t->pos);
    lua_setfield(L, -2, "pos");
  }
  lua_pushinteger(L, (lua_Integer)t->start + 1);
  lua_setfield(L, -2, "start");
  lua_pushinteger(L, (lua_Integer)t->end);
  lua_setfield(L, -2, "stop");
  lua_pushinteger(L, (lua_Integer)t->sentence + 1);
  lua_setfield(L, -2, "sentence");
  lua_pushstring(L, (unsigned)t->kind < sizeof kinds / sizeof *kinds ? kinds[t->kind] : "");
  lua_setfield(L, -2, "kind");
  if (t->flags & LEDE_TOKF_COMPOUND) { lua_pushboolean(L, 1); lua_setfield(L, -2, "compound"); }
  if (t->flags & LEDE_TOKF_PART) { lua_pushboolean(L, 1); lua_setfield(L, -2, "part"); }
  lua_rawseti(L, -2, ++x->n);
  return 0;
}

/* lede.core.tokens(text [, fold_diacritics]) -> list of {term, pos,
 * start, stop, sentence, kind, compound, part}; start/stop are
 * string.sub indexes, sentences count from 1, punctuation has no pos. */
static int c_tokens(lua_State *L)
{
  size_t len;
  const char *text = luaL_checklstring(L, 1, &len);
  LedeAnalyzerOpts o = {lua_isnoneornil(L, 2) ? 1 : lua_toboolean(L, 2), NULL};
  LedeAnalyzer *a = lede_analyzer_new(&o);
  if (!a) return luaL_error(L, "out of memory");
  TokCtx x = {L, 0};
  lua_newtable(L);
  int rc = lede_analyzer_each(a, text, len, push_token, &x);
  lede_analyzer_free(a);
  if (rc != LEDE_OK) return luaL_error(L, "out of memory");
  return 1;
}

/* lede.core.stopword(lang, term) -> boolean */
static int c_stopword(lua_State *L)
{
  const char *lang = luaL_checkstring(L, 1);
  size_t len;
  const char *term = luaL_checklstring(L, 2, &len);
  lua_pushboolean(L, lede_stopword(lang, term, len));
  return 1;
}

void lede_lua_search_funcs(lua_State *L)
{
  lua_pushcfunction(L, c_tokens);
  lua_setfield(L, -2, "tokens");
  lua_pushcfunction(L, c_stopword);
  lua_setfield(L, -2, "stopword");
}
