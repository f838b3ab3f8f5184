/*
 * lede_lua.h -- the Lua side of lede: the binding of the C core, running
 * chunks safely, and the REPL.  Everything here is internal to the lede
 * binary; the public C API is include/lede/.
 */
#ifndef LEDE_LUA_H
#define LEDE_LUA_H

#include <stdint.h>
#include <signal.h>
#include <lua.h>

/* Set by SIGINT while a chunk runs; long C loops (loaders) poll it. */
extern volatile sig_atomic_t lede_interrupted;

/* lbind.c: the C module "lede.core" (corpus handles and their methods). */
int luaopen_lede_core(lua_State *L);
/* The store of the corpus at stack index idx; raises when it is closed. */
struct LedeStore *lede_lua_store(lua_State *L, int idx);
/* The doc -> group table at t (integer keys, integer or boolean values) as
 * a dense array indexed by doc id, *n long; NULL when t is nil.  Caller frees. */
int32_t *lede_lua_read_groups(lua_State *L, int t, int64_t *n);

/* lsearch.c: search, matches, terms, check, optimize, tokens; adds its
 * methods to the table at the top of the stack. */
void lede_lua_search_methods(lua_State *L);
/* ... and its module functions (lede.core.tokens) to the table at top. */
void lede_lua_search_funcs(lua_State *L);

/* ldedupe.c: db:_duplicates, db:_minhash_update and lede.core.similarity;
 * called with the lede.core table on top (its methods field set). */
void lede_lua_dedupe(lua_State *L);
/* lanalysis.c: frequency tallies, query spans, document lengths and
 * similarity (_tally, _spans, _doclens, _norms, _similar). */
void lede_lua_analysis_methods(lua_State *L);
/* ... and lede.core.stem. */
void lede_lua_analysis_funcs(lua_State *L);
/* lkwic.c: db:_kwic (called by lede_lua_analysis_methods) and
 * lede.core.kwic_lines, lede.core.csv (by lede_lua_analysis_funcs). */
void lede_lua_kwic_methods(lua_State *L);
void lede_lua_kwic_funcs(lua_State *L);
/* llang.c: lede.core.langid and stopword_lang; called by
 * lede_lua_dedupe with the lede.core table on top. */
void lede_lua_lang(lua_State *L);

/* lstats.c: n-grams, collocates and chi2_p (lede/stats.h); adds its
 * functions to the module table at the top of the stack. */
void lede_lua_stats(lua_State *L);
/* lweb.c: lede.core.html, repair, parse_date (added to the table at top). */
void lede_lua_web_funcs(lua_State *L);
/* The load filter that runs lede.boilerplate.filter on each document:
 * open sets o->filter and o->filter_ud to f; close after the load. */
typedef struct LedeLuaFilter { lua_State *L; int ref; } LedeLuaFilter;
struct LedeLoadOpts;
int lede_lua_filter_open(lua_State *L, LedeLuaFilter *f, struct LedeLoadOpts *o);
void lede_lua_filter_close(lua_State *L, LedeLuaFilter *f);

/* lrun.c: open the standard libraries, preload the embedded Lua modules,
 * lpeg and re, and set the globals `lede` (require "lede").  With
 * LEDE_PATH set, modules are read from $LEDE_PATH/lua/ instead of the
 * embedded copies, for development. */
int lede_lua_setup(lua_State *L);

/* Call the function below narg arguments on the stack in protected mode
 * with a traceback handler; Ctrl-C raises "interrupted!" inside it. */
int lede_lua_docall(lua_State *L, int narg, int nres);

/* Print the error on top of the stack (message and traceback) to stderr
 * prefixed by progname when status is not LUA_OK; pops it.  Returns status. */
int lede_lua_report(lua_State *L, int status);

/* Load and run a chunk from a string; chunkname as for luaL_loadbuffer. */
int lede_lua_dostring(lua_State *L, const char *s, const char *chunkname);

/* repl.c: the interactive loop on stdin.  When stdin is not a terminal it
 * reads the whole of stdin as one script, with no prompts.  quiet hides the
 * banner.  Returns the process exit status (0, or 1 after a failing
 * non-interactive script). */
int lede_repl(lua_State *L, int quiet);

extern const char *lede_progname;

#endif
