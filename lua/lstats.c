/*
 * lstats.c -- the counting of lede/stats.h seen from Lua: lede.core.ngrams,
 * lede.core.collocates and lede.core.chi2_p, which lua/methods/collocation.lua
 * turns into db:ngrams, db:collocates and db:keyness.  The functions take
 * the corpus handle first, so they live in the module table.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <lua.h>
#include <lauxlib.h>
#include "lede/lede.h"
#include "lede/stats.h"
#include "lua/lede_lua.h"

static lua_Integer opt_int(lua_State *L, int t, const char *k, lua_Integer dflt, lua_Integer lo)
{
  lua_getfield(L, t, k);
  lua_Integer v = luaL_optinteger(L, -1, dflt);
  lua_pop(L, 1);
  if (v < lo) luaL_error(L, "option '%s' must be at least %d", k, (int)lo);
  return v;
}

static const char *opt_str(lua_State *L, int t, const char *k)
{
  lua_getfield(L, t, k);
  const char *s = luaL_optstring(L, -1, NULL);
  lua_pop(L, 1);        /* the string stays alive in the options table */
  return s;
}

static int opt_bool(lua_State *L, int t, const char *k)
{
  lua_getfield(L, t, k);
  int b = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return b;
}

/* A bad query is nil, message; a failing store raises. */
static int failed(lua_State *L, LedeStore *st, int rc, char *err)
{
  if (rc == LEDE_EFORMAT) {
    luaL_pushfail(L);
    lua_pushstring(L, err ? err : "bad query");
    free(err);
    return 2;
  }
  lua_pushstring(L, err ? err : rc == LEDE_ENOMEM ? "out of memory" : lede_store_errmsg(st));
  free(err);
  return lua_error(L);
}

static void set_int(lua_State *L, const char *k, uint64_t v)
{
  lua_pushinteger(L, (lua_Integer)v);
  lua_setfield(L, -2, k);
}

/* core.ngrams(db, {n, within_sentence, where, stopwords, min, top,
 * max_expansion, hash, threads}) -> {tokens, ndocs, distinct, [i] = {ngram, count, docs}},
 * most frequent first. */
static int c_ngrams(lua_State *L)
{
  LedeStore *st = lede_lua_store(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  LedeNgramOpts o = {
    .n = (int)opt_int(L, 2, "n", 2, 1),
    .within_sentence = opt_bool(L, 2, "within_sentence"),
    .where = opt_str(L, 2, "where"),
    .stopwords = opt_str(L, 2, "stopwords"),
    .min = (uint64_t)opt_int(L, 2, "min", 1, 0),
    .top = (size_t)opt_int(L, 2, "top", 0, 0),
    .max_expansion = (size_t)opt_int(L, 2, "max_expansion", 0, 0),
    .flags = opt_bool(L, 2, "hash") ? LEDE_NGRAM_HASH : 0,
    .threads = (int)opt_int(L, 2, "threads", 0, 0),
  };
  if (o.n > LEDE_NGRAM_MAX) return luaL_error(L, "option 'n' must be at most %d", LEDE_NGRAM_MAX);
  LedeNgrams g;
  char *err = NULL;
  int rc = lede_ngrams(st, &o, &g, &err);
  if (rc != LEDE_OK) return failed(L, st, rc, err);
  lua_createtable(L, (int)g.n, 3);
  for (size_t i = 0; i < g.n; i++) {
    lua_createtable(L, 0, 3);
    lua_pushstring(L, g.v[i].text);
    lua_setfield(L, -2, "ngram");
    set_int(L, "count", g.v[i].count);
    set_int(L, "docs", g.v[i].docs);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  set_int(L, "tokens", g.tokens);
  set_int(L, "ndocs", g.ndocs);
  set_int(L, "distinct", g.distinct);
  lede_ngrams_free(&g);
  return 1;
}

/* core.collocates(db, q, left, right [, within_sentence [, max_expansion]])
 * -> {node_freq, node_docs, tokens, window_slots, [i] = {term, observed, freq}} */
static int c_collocates(lua_State *L)
{
  LedeStore *st = lede_lua_store(L, 1);
  const char *q = luaL_checkstring(L, 2);
  lua_Integer left = luaL_checkinteger(L, 3), right = luaL_checkinteger(L, 4);
  luaL_argcheck(L, left >= 0 && left <= 1000, 3, "window must be 0 .. 1000");
  luaL_argcheck(L, right >= 0 && right <= 1000, 4, "window must be 0 .. 1000");
  LedeCollocOpts o = {(uint32_t)left, (uint32_t)right, lua_toboolean(L, 5),
                      (size_t)luaL_optinteger(L, 6, 0)};
  LedeCollocs c;
  char *err = NULL;
  int rc = lede_collocates(st, q, &o, &c, &err);
  if (rc != LEDE_OK) return failed(L, st, rc, err);
  lua_createtable(L, (int)c.n, 4);
  for (size_t i = 0; i < c.n; i++) {
    lua_createtable(L, 0, 3);
    lua_pushstring(L, c.v[i].term);
    lua_setfield(L, -2, "term");
    set_int(L, "observed", c.v[i].observed);
    set_int(L, "freq", c.v[i].freq);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  set_int(L, "node_freq", c.node_freq);
  set_int(L, "node_docs", c.node_docs);
  set_int(L, "tokens", c.tokens);
  set_int(L, "window_slots", c.window_slots);
  lede_collocs_free(&c);
  return 1;
}

/* core.chi2_p(x) -> P(X >= x) for X chi-squared with one degree of
 * freedom: erfc(sqrt(x / 2)), from C99's erfc (Lua has none). */
static int c_chi2_p(lua_State *L)
{
  lua_Number x = luaL_checknumber(L, 1);
  lua_pushnumber(L, x <= 0 ? 1.0 : erfc(sqrt(x / 2)));
  return 1;
}

void lede_lua_stats(lua_State *L)
{
  static const luaL_Reg f[] = {
    {"ngrams", c_ngrams}, {"collocates", c_collocates}, {"chi2_p", c_chi2_p}, {NULL, NULL}
  };
  luaL_setfuncs(L, f, 0);
}
