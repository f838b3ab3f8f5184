/*
 * ldedupe.c -- near-duplicates seen from Lua: the raw method
 * db:_duplicates that lua/methods/duplicates.lua turns into clusters, and
 * lede.core.similarity for comparing two texts.
 */
#include <stdlib.h>
#include <lua.h>
#include <lauxlib.h>
#include <sqlite3.h>
#include "lede/lede.h"
#include "lua/lede_lua.h"

static int check_shingle(lua_State *L, int arg)
{
  lua_Integer k = luaL_optinteger(L, arg, 3);
  luaL_argcheck(L, k >= 1 && k <= LEDE_SHINGLE_MAX, arg, "shingle must be 1 to 9 words");
  return (int)k;
}

static int store_error(lua_State *L, LedeStore *st, int rc)
{
  if (rc == LEDE_EINTR) return luaL_error(L, "interrupted!");
  if (rc == LEDE_ENOMEM) return luaL_error(L, "out of memory");
  return luaL_error(L, "%s: %s", lede_store_path(st), sqlite3_errmsg(lede_store_db(st)));
}

/* db:_duplicates(threshold, shingle, newer_than) -> {{a, b, similarity}...}
 * by (a, b), a < b. */
static int m_duplicates(lua_State *L)
{
  LedeStore *st = lede_lua_store(L, 1);
  LedeDupOpts o = {luaL_checknumber(L, 2), check_shingle(L, 3),
                   (int64_t)luaL_optinteger(L, 4, 0), &lede_interrupted};
  luaL_argcheck(L, o.threshold > 0 && o.threshold <= 1, 2, "threshold must be above 0 and at most 1");
  LedeDupPair *p;
  size_t n;
  int rc = lede_duplicates(st, &o, &p, &n);
  if (rc != LEDE_OK) return store_error(L, st, rc);
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, p[i].a);
    lua_setfield(L, -2, "a");
    lua_pushinteger(L, p[i].b);
    lua_setfield(L, -2, "b");
    lua_pushnumber(L, p[i].similarity);
    lua_setfield(L, -2, "similarity");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  free(p);
  return 1;
}

/* db:_minhash_update(shingle) -> signatures computed now */
static int m_minhash_update(lua_State *L)
{
  LedeStore *st = lede_lua_store(L, 1);
  long computed = 0;
  int rc = lede_minhash_update(st, check_shingle(L, 2), &computed);
  if (rc != LEDE_OK) return store_error(L, st, rc);
  lua_pushinteger(L, computed);
  return 1;
}

/* lede.core.similarity(a, b [, shingle]) -> exact Jaccard, MinHash estimate */
static int c_similarity(lua_State *L)
{
  size_t na, nb;
  const char *a = luaL_checklstring(L, 1, &na), *b = luaL_checklstring(L, 2, &nb);
  int k = check_shingle(L, 3);
  uint32_t sa[LEDE_MINHASH_SLOTS], sb[LEDE_MINHASH_SLOTS];
  double j = lede_jaccard_text(a, na, b, nb, k);
  long ka = lede_minhash_text(a, na, k, sa), kb = lede_minhash_text(b, nb, k, sb);
  if (j < 0 || ka < 0 || kb < 0) return luaL_error(L, "out of memory");
  lua_pushnumber(L, j);
  lua_pushnumber(L, ka > 0 && kb > 0 ? lede_minhash_estimate(sa, sb) : 0);
  return 2;
}

/* Called with the lede.core table on top; adds to it and to its methods,
 * and brings in the language functions (llang.c) with it. */
void lede_lua_dedupe(lua_State *L)
{
  lede_lua_lang(L);
  lua_pushcfunction(L, c_similarity);
  lua_setfield(L, -2, "similarity");
  lua_getfield(L, -1, "methods");
  lua_pushcfunction(L, m_duplicates);
  lua_setfield(L, -2, "_duplicates");
  lua_pushcfunction(L, m_minhash_update);
  lua_setfield(L, -2, "_minhash_update");
  lua_pop(L, 1);
}
