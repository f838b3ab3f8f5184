/*
 * main.c -- the lede command.
 *
 *   lede [options] [DB [SCRIPT [ARGS...]]]
 *   lede [options] DB COMMAND [ARGS...]
 *
 * The corpus DB is opened (created when missing; in memory when absent, and
 * then only when a chunk first names it) and set as the global `db`; then -e chunks run in order, then the script with
 * `arg` and `...` as the lua command sets them, then the REPL when there was
 * neither script nor -e, or with -i.  COMMAND is one of the command-line
 * forms written in Lua (lua/cli.lua), e.g. `lede news.db add articles/`.
 * Exit status: 0 success, 1 an error was raised, 2 a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lua.h>
#include <lauxlib.h>
#include "lede/lede.h"
#include "lua/lede_lua.h"

#define MAX_E 64

typedef struct Args {
  const char *e[MAX_E];
  int ne, interactive, quiet;
  int db;             /* index of DB in argv, or 0 when none */
  int next;           /* index of SCRIPT or COMMAND, or argc when none */
} Args;

static void usage(FILE *f)
{
  fprintf(f,
    "usage: lede [options] [DB [SCRIPT [ARGS...]]]\n"
    "       lede [options] DB COMMAND [ARGS...]\n"
    "\n"
    "DB is a corpus file, created when missing (search, kwic and info only\n"
    "read it, and need it to exist); without DB the corpus is in memory.\n"
    "With SCRIPT, run it and exit; otherwise start the REPL.\n"
    "\n"
    "options:\n"
    "  -e CODE     run CODE (repeatable, in order), then exit unless -i\n"
    "  -i          start the REPL after scripts and -e\n"
    "  -q          quiet: no banner, no progress, no load summaries\n"
    "  --version   print the version and exit\n"
    "  -h, --help  print this help and exit\n"
    "\n"
    "commands (lede DB COMMAND --help for each):\n"
    "  add PATH... [--format F] [--text F] [--title F] [--date F] [--source F]\n"
    "              [--id F] [--source-name NAME] [--source-from-dir]\n"
    "              load files, folders, globs or - (stdin)\n"
    "  info        documents, outlets and dates in the corpus\n"
    "  search QUERY [--limit N] [--order score|date|doc]\n"
    "              ranked documents with snippets\n"
    "  kwic QUERY [--width N] [--tokens N] [--sort R1,R2] [--limit N] [--csv]\n"
    "              a concordance of every match\n"
    "\n"
    "In scripts and the REPL the globals `lede` and `db` are set; help() lists\n"
    "the API.\n");
}

/* One option at argv[*i]; returns 0, 1 (--version), 2 (--help), -1. */
static int option(int argc, char **argv, int *i, Args *a)
{
  const char *o = argv[*i];
  if (strcmp(o, "-e") == 0) {
    if (*i + 1 >= argc) { fprintf(stderr, "lede: -e needs an argument\n"); return -1; }
    if (a->ne == MAX_E) { fprintf(stderr, "lede: too many -e options\n"); return -1; }
    a->e[a->ne++] = argv[++*i];
  } else if (strncmp(o, "-e", 2) == 0) {
    if (a->ne == MAX_E) { fprintf(stderr, "lede: too many -e options\n"); return -1; }
    a->e[a->ne++] = o + 2;
  } else if (strcmp(o, "-i") == 0) {
    a->interactive = 1;
  } else if (strcmp(o, "-q") == 0) {
    a->quiet = 1;
  } else if (strcmp(o, "--version") == 0 || strcmp(o, "-v") == 0) {
    return 1;
  } else if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
    return 2;
  } else {
    fprintf(stderr, "lede: unknown option '%s'\n", o);
    return -1;
  }
  return 0;
}

/* Options may come before or after DB (`lede news.db -e ...`); the first
 * word after DB is the script or command, and the rest is its own. */
static int parse_args(int argc, char **argv, Args *a)
{
  memset(a, 0, sizeof *a);
  a->next = argc;
  int only_words = 0;
  for (int i = 1; i < argc; i++) {
    const char *o = argv[i];
    if (!only_words && strcmp(o, "--") == 0) { only_words = 1; continue; }
    if (!only_words && o[0] == '-' && o[1]) {
      int rc = option(argc, argv, &i, a);
      if (rc) return rc;
    } else if (!a->db) {
      a->db = i;
    } else {
      a->next = i;
      break;
    }
  }
  return 0;
}

/* arg table as lua.c builds it: arg[0] is the script, options negative. */
static void create_arg(lua_State *L, int argc, char **argv, int script)
{
  lua_createtable(L, argc - script - 1, script + 1);
  for (int i = 0; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i - script);
  }
  lua_setglobal(L, "arg");
}

/* Open the corpus through lede.open and set the global db. */
static int open_db(lua_State *L, const char *path, int readonly)
{
  lua_getglobal(L, "lede");
  lua_getfield(L, -1, "open");
  lua_remove(L, -2);
  lua_pushstring(L, path ? path : ":memory:");
  lua_createtable(L, 0, 1);
  lua_pushboolean(L, readonly);
  lua_setfield(L, -2, "readonly");
  int st = lede_lua_docall(L, 2, 2);
  if (st != LUA_OK) return lede_lua_report(L, st);
  if (lua_isnil(L, -2)) {
    fprintf(stderr, "lede: %s\n", lua_tostring(L, -1));
    lua_pop(L, 2);
    return LUA_ERRRUN;
  }
  lua_pop(L, 1);
  lua_setglobal(L, "db");
  return LUA_OK;
}

/* lede.cli.run(name, args...) returns an exit status, or nil when name is
 * not a command. */
/* Whether argv[at] names a command that only reads the corpus. */
static int reads_only(lua_State *L, const char *name)
{
  lua_getglobal(L, "require");
  lua_pushliteral(L, "lede.cli");
  if (lede_lua_docall(L, 1, 1) != LUA_OK) { lua_pop(L, 1); return 0; }
  lua_getfield(L, -1, "reads_only");
  lua_pushstring(L, name);
  lua_call(L, 1, 1);
  int ro = lua_toboolean(L, -1);
  lua_pop(L, 2);
  return ro;
}

static int run_command(lua_State *L, int argc, char **argv, int at, int *status)
{
  lua_getglobal(L, "require");
  lua_pushliteral(L, "lede.cli");
  if (lede_lua_docall(L, 1, 1) != LUA_OK) { lede_lua_report(L, LUA_ERRRUN); return -1; }
  lua_getfield(L, -1, "is_command");
  lua_pushstring(L, argv[at]);
  lua_call(L, 1, 1);
  int is_cmd = lua_toboolean(L, -1);
  lua_pop(L, 1);
  if (!is_cmd) { lua_pop(L, 1); return 0; }
  lua_getfield(L, -1, "run");
  lua_remove(L, -2);
  for (int i = at; i < argc; i++) lua_pushstring(L, argv[i]);
  int st = lede_lua_docall(L, argc - at, 1);
  if (st != LUA_OK) { lede_lua_report(L, st); *status = 1; return 1; }
  *status = (int)luaL_optinteger(L, -1, 0);
  lua_pop(L, 1);
  return 1;
}

static int run_script(lua_State *L, int argc, char **argv, int at)
{
  create_arg(L, argc, argv, at);
  const char *fname = strcmp(argv[at], "-") == 0 ? NULL : argv[at];
  int st = luaL_loadfile(L, fname);
  if (st == LUA_OK) {
    int n = argc - at - 1;
    luaL_checkstack(L, n, "too many arguments to script");
    for (int i = at + 1; i < argc; i++) lua_pushstring(L, argv[i]);
    st = lede_lua_docall(L, n, 0);
  }
  return lede_lua_report(L, st);
}

static int pmain(lua_State *L)
{
  int argc = (int)lua_tointeger(L, 1);
  char **argv = lua_touserdata(L, 2);
  Args *a = lua_touserdata(L, 3);
  int *status = lua_touserdata(L, 4);
  *status = 1;
  if (lede_lua_setup(L) != LUA_OK) return 0;
  lua_getglobal(L, "lede");
  lua_pushboolean(L, a->quiet);
  lua_setfield(L, -2, "quiet");
  lua_pop(L, 1);
  const char *dbpath = a->db ? argv[a->db] : NULL;
  int next = a->next;
  int ro = dbpath && next < argc && a->ne == 0 && !a->interactive && reads_only(L, argv[next]);
  int repl = a->interactive || (next >= argc && a->ne == 0);
  if (!dbpath && !repl) {
    /* -e chunks without a corpus file: the in-memory corpus (its schema
     * is most of such a run's start-up) is made when `db` is first named */
    if (lede_lua_dostring(L, "lede._lazy_global('db', function() return assert(lede.open()) end)",
                          "=(lede)") != LUA_OK) return 0;
  } else if (open_db(L, dbpath, ro) != LUA_OK) {
    return 0;
  }
  if (next < argc && a->ne == 0 && run_command(L, argc, argv, next, status)) return 0;
  for (int i = 0; i < a->ne; i++)
    if (lede_lua_dostring(L, a->e[i], "=(command line)") != LUA_OK) return 0;
  if (next < argc && run_script(L, argc, argv, next) != LUA_OK) return 0;
  *status = 0;
  if (repl) *status = lede_repl(L, a->quiet);
  return 0;
}

int main(int argc, char **argv)
{
  Args a;
  int pr = parse_args(argc, argv, &a);
  if (pr < 0) { fprintf(stderr, "Try 'lede --help'.\n"); return 2; }
  if (pr == 1) { printf("lede %s\n", LEDE_VERSION); return 0; }
  if (pr == 2) { usage(stdout); return 0; }
  lua_State *L = luaL_newstate();
  if (!L) { fprintf(stderr, "lede: cannot create Lua state: not enough memory\n"); return 1; }
  int status = 1;
  lua_pushcfunction(L, pmain);
  lua_pushinteger(L, argc);
  lua_pushlightuserdata(L, argv);
  lua_pushlightuserdata(L, &a);
  lua_pushlightuserdata(L, &status);
  if (lua_pcall(L, 4, 0, 0) != LUA_OK) {
    fprintf(stderr, "lede: %s\n", lua_tostring(L, -1));
    status = 1;
  }
  lua_close(L);
  return status;
}
