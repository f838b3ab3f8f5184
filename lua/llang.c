/*
 * llang.c -- languages seen from Lua: lede.core.langid (which language a
 * text is in), lede.core.stem (Snowball stems by language) and
 * lede.core.stopword_lang (which languages have stopword lists).
 */
#include <lua.h>
#include <lauxlib.h>
#include "lede/lede.h"
#include "lede/langid.h"
#include "lua/lede_lua.h"

/* lede.core.langid(text) -> code or nil, {{lang, score}...} best first */
static int c_langid(lua_State *L)
{
  size_t len;
  const char *text = luaL_checklstring(L, 1, &len);
  LedeLangScore sc[LEDE_LANGID_MAX];
  long n = lede_langid_rank(text, len, sc);
  if (n < 0) return luaL_error(L, "out of memory");
  const char *code = lede_langid(text, len);
  if (code) lua_pushstring(L, code);
  else luaL_pushfail(L);
  lua_createtable(L, LEDE_LANGID_MAX, 0);
  for (int i = 0; n > 0 && i < LEDE_LANGID_MAX; i++) {
    lua_createtable(L, 0, 2);
    lua_pushstring(L, sc[i].lang);
    lua_setfield(L, -2, "lang");
    lua_pushnumber(L, sc[i].score);
    lua_setfield(L, -2, "score");
    lua_rawseti(L, -2, i + 1);
  }
  return 2;
}

/* lede.core.stopword_lang(lang) -> true when lang has a stopword list */
static int c_stopword_lang(lua_State *L)
{
  lua_pushboolean(L, lede_stopword_lang(luaL_checkstring(L, 1)));
  return 1;
}

void lede_lua_lang(lua_State *L)
{
  static const luaL_Reg f[] = {
    {"langid", c_langid}, {"stopword_lang", c_stopword_lang}, {NULL, NULL}
  };
  luaL_setfuncs(L, f, 0);
}
