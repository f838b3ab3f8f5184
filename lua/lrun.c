/*
 * lrun.c -- running Lua inside lede: the state's libraries and embedded
 * modules, protected calls with tracebacks, and Ctrl-C.
 *
 * Ctrl-C follows lua.c: the signal handler only sets a hook, and the hook
 * raises "interrupted!" at the next Lua instruction.  C loops that run
 * long without entering Lua (a load) poll lede_interrupted instead.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <lua-lpeg.h>
#include "lua/embed.h"
#include "lua/lede_lua.h"

volatile sig_atomic_t lede_interrupted;
const char *lede_progname = "lede";
static lua_State *globalL;

static void lstop(lua_State *L, lua_Debug *ar)
{
  (void)ar;
  lua_sethook(L, NULL, 0, 0);
  luaL_error(L, "interrupted!");
}

static void laction(int sig)
{
  (void)sig;
  lede_interrupted = 1;
  lua_sethook(globalL, lstop, LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT, 1);
}

static int msghandler(lua_State *L)
{
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
      return 1;
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

int lede_lua_docall(lua_State *L, int narg, int nres)
{
  int base = lua_gettop(L) - narg;
  lua_pushcfunction(L, msghandler);
  lua_insert(L, base);
  globalL = L;
  lede_interrupted = 0;
  struct sigaction sa = {0}, old;
  sa.sa_handler = laction;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old);
  int status = lua_pcall(L, narg, nres, base);
  sigaction(SIGINT, &old, NULL);
  lua_sethook(L, NULL, 0, 0);
  lua_remove(L, base);
  return status;
}

int lede_lua_report(lua_State *L, int status)
{
  if (status != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "%s: %s\n", lede_progname, msg ? msg : "(error)");
    fflush(stderr);
    lua_pop(L, 1);
  }
  return status;
}

int lede_lua_dostring(lua_State *L, const char *s, const char *chunkname)
{
  int status = luaL_loadbuffer(L, s, strlen(s), chunkname);
  if (status == LUA_OK) status = lede_lua_docall(L, 0, 0);
  return lede_lua_report(L, status);
}

/* package.preload loader for embedded module number upvalue(1).  With
 * LEDE_PATH set, the file under $LEDE_PATH is read instead, so a change to
 * a module under lua/ takes effect without a rebuild. */
static int load_embedded(lua_State *L)
{
  const LedeEmbedded *e = &lede_embedded[lua_tointeger(L, lua_upvalueindex(1))];
  const char *dev = getenv("LEDE_PATH");
  int status;
  if (dev && *dev && strncmp(e->chunk, "@lua/", 5) == 0) {
    lua_pushfstring(L, "%s/%s", dev, e->chunk + 1);
    status = luaL_loadfilex(L, lua_tostring(L, -1), "t");
    lua_remove(L, -2);
  } else {
    status = luaL_loadbufferx(L, e->src, e->len, e->chunk, "b");
  }
  if (status != LUA_OK) return lua_error(L);
  lua_pushstring(L, e->name);
  lua_call(L, 1, 1);
  return 1;
}

static void preload(lua_State *L, const char *name, lua_CFunction f)
{
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, f);
  lua_setfield(L, -2, name);
  lua_pop(L, 1);
}

int lede_lua_setup(lua_State *L)
{
  luaL_openlibs(L);
  preload(L, "lpeg", luaopen_lpeg);
  preload(L, "lede.core", luaopen_lede_core);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  for (int i = 0; lede_embedded[i].name; i++) {
    lua_pushinteger(L, i);
    lua_pushcclosure(L, load_embedded, 1);
    lua_setfield(L, -2, lede_embedded[i].name);
  }
  lua_pop(L, 1);
  lua_getglobal(L, "require");
  lua_pushstring(L, "lede");
  int status = lede_lua_docall(L, 1, 1);
  if (status != LUA_OK) return lede_lua_report(L, status);
  lua_setglobal(L, "lede");
  return LUA_OK;
}
