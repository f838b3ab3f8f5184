/*
 * lbind.c -- the C module "lede.core": corpus handles for Lua.
 *
 * A corpus is a full userdata holding a LedeStore pointer, created closed
 * and then opened (liolib.c's newprefile), so a failed open never leaves a
 * half-made handle; every method checks that it is still open.  __gc and
 * __close share one function, so `local db <close> = lede.open(p)` works.
 * The friendly part of the API is written in Lua (lua/lede.lua) on top of
 * these methods.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <lua.h>
#include <lauxlib.h>
#include <sqlite3.h>
#include "lede/lede.h"
#include "lua/lede_lua.h"

#define CORPUS "lede.corpus"

typedef struct Corpus { LedeStore *st; } Corpus;

static Corpus *tocorpus(lua_State *L)
{
  Corpus *c = luaL_checkudata(L, 1, CORPUS);
  if (!c->st) luaL_error(L, "attempt to use a closed corpus");
  return c;
}

LedeStore *lede_lua_store(lua_State *L, int idx)
{
  Corpus *c = luaL_checkudata(L, idx, CORPUS);
  if (!c->st) luaL_error(L, "attempt to use a closed corpus");
  return c->st;
}

/* lede.core.open(path, readonly, timeout_ms).  The write-lock timeout
 * defaults to $LEDE_BUSY_TIMEOUT (milliseconds), else 5000. */
static int c_open(lua_State *L)
{
  const char *path = luaL_optstring(L, 1, ":memory:");
  int ro = lua_toboolean(L, 2);
  const char *env = getenv("LEDE_BUSY_TIMEOUT");
  lua_Integer timeout = luaL_optinteger(L, 3, env && *env ? atoi(env) : 5000);
  Corpus *c = lua_newuserdatauv(L, sizeof *c, 0);
  c->st = NULL;
  luaL_setmetatable(L, CORPUS);
  char *err = NULL;
  unsigned flags = (ro ? LEDE_OPEN_READONLY : 0)
                 | (lua_isboolean(L, 4) && !lua_toboolean(L, 4) ? LEDE_OPEN_KEEP_DIACRITICS : 0);
  int rc = lede_store_open(path, flags, &c->st, &err);
  if (rc != LEDE_OK) {
    luaL_pushfail(L);
    lua_pushstring(L, err ? err : "cannot open corpus");
    free(err);
    return 2;
  }
  lede_store_set_timeout(c->st, (int)timeout);
  return 1;
}

static int m_close(lua_State *L)
{
  Corpus *c = luaL_checkudata(L, 1, CORPUS);
  lede_store_close(c->st);
  c->st = NULL;
  return 0;
}

static int m_tostring(lua_State *L)
{
  Corpus *c = luaL_checkudata(L, 1, CORPUS);
  if (c->st) lua_pushfstring(L, "lede corpus (%s)", lede_store_path(c->st));
  else lua_pushliteral(L, "lede corpus (closed)");
  return 1;
}

static int m_folds(lua_State *L)
{
  lua_pushboolean(L, lede_store_folds_diacritics(tocorpus(L)->st));
  return 1;
}

static int m_path(lua_State *L)
{
  lua_pushstring(L, lede_store_path(tocorpus(L)->st));
  return 1;
}

static int m_count(lua_State *L)
{
  int64_t n = lede_store_count(tocorpus(L)->st);
  if (n < 0) return luaL_error(L, "%s", lede_store_errmsg(tocorpus(L)->st));
  lua_pushinteger(L, (lua_Integer)n);
  return 1;
}

/* ---- add --------------------------------------------------------------- */

static const char *opt_str(lua_State *L, int t, const char *k)
{
  lua_getfield(L, t, k);
  const char *v = lua_isnil(L, -1) ? NULL : luaL_checkstring(L, -1);
  lua_pop(L, 1);   /* the string stays alive: the options table holds it */
  return v;
}

static int opt_bool(lua_State *L, int t, const char *k, int dflt)
{
  lua_getfield(L, t, k);
  int v = lua_isnil(L, -1) ? dflt : lua_toboolean(L, -1);
  lua_pop(L, 1);
  return v;
}

static LedeFormat opt_format(lua_State *L, int t)
{
  static const char *const names[] = {"auto", "txt", "jsonl", "csv", "tsv", "text",
                                      "html", "warc", NULL};
  static const LedeFormat fmts[] = {LEDE_FMT_AUTO, LEDE_FMT_TEXT, LEDE_FMT_JSONL,
                                    LEDE_FMT_CSV, LEDE_FMT_TSV, LEDE_FMT_TEXT,
                                    LEDE_FMT_HTML, LEDE_FMT_WARC};
  lua_getfield(L, t, "format");
  int i = luaL_checkoption(L, -1, "auto", names);
  lua_pop(L, 1);
  return fmts[i];
}

static void read_load_opts(lua_State *L, int t, LedeLoadOpts *o)
{
  memset(o, 0, sizeof *o);
  o->title_from_first_line = 1;
  o->progress = 1;
  if (lua_isnoneornil(L, t)) return;
  luaL_checktype(L, t, LUA_TTABLE);
  o->format = opt_format(L, t);
  o->text_field = opt_str(L, t, "text");
  o->title_field = opt_str(L, t, "title");
  o->date_field = opt_str(L, t, "date");
  o->source_field = opt_str(L, t, "source");
  o->id_field = opt_str(L, t, "id");
  o->lang_field = opt_str(L, t, "lang");
  o->source = opt_str(L, t, "source_name");
  o->title_from_first_line = opt_bool(L, t, "title_from_first_line", 1);
  o->source_from_dir = opt_bool(L, t, "source_from_dir", 0);
  o->progress = !opt_bool(L, t, "quiet", 0);
  o->no_repair = !opt_bool(L, t, "repair", 1);
}

/* opts.boilerplate: nil (the default) filters text and HTML, true also
 * JSONL and CSV texts, false nothing. */
static int boilerplate_mode(lua_State *L, int t)
{
  if (lua_isnoneornil(L, t)) return 1;
  lua_getfield(L, t, "boilerplate");
  int mode = lua_isnil(L, -1) ? 1 : lua_toboolean(L, -1) ? 2 : 0;
  lua_pop(L, 1);
  return mode;
}

static void set_num(lua_State *L, const char *k, double v)
{
  if (v == (double)(lua_Integer)v) lua_pushinteger(L, (lua_Integer)v);
  else lua_pushnumber(L, v);
  lua_setfield(L, -2, k);
}

static void push_summary(lua_State *L, const LedeLoadSummary *s)
{
  lua_createtable(L, 0, 10);
  set_num(L, "added", (double)s->added);
  set_num(L, "duplicates", (double)s->duplicates);
  set_num(L, "skipped", (double)s->skipped);
  set_num(L, "repaired", (double)s->repaired);
  set_num(L, "mojibake", (double)s->mojibake);
  set_num(L, "entities", (double)s->entities);
  set_num(L, "boilerplate", (double)s->boilerplate);
  set_num(L, "files", (double)s->files);
  set_num(L, "bytes", s->bytes);
  lua_pushnumber(L, s->seconds);
  lua_setfield(L, -2, "seconds");
  lua_pushboolean(L, s->interrupted);
  lua_setfield(L, -2, "interrupted");
  lua_createtable(L, (int)s->nproblems, 0);
  for (size_t i = 0; i < s->nproblems; i++) {
    const LedeProblem *p = &s->problems[i];
    lua_createtable(L, 0, 4);
    lua_pushstring(L, p->file);
    lua_setfield(L, -2, "file");
    if (p->line > 0) { lua_pushinteger(L, p->line); lua_setfield(L, -2, "line"); }
    lua_pushstring(L, p->message);
    lua_setfield(L, -2, "message");
    lua_pushboolean(L, p->skipped);
    lua_setfield(L, -2, "skipped");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "problems");
}

/* opts.threads (indexing threads, 0: none) and opts.memory (MB for the
 * index being built); -1 and 0 when not given. */
static void load_threads(lua_State *L, int t, int *threads, size_t *memory)
{
  *threads = -1;
  *memory = 0;
  if (lua_type(L, t) != LUA_TTABLE) return;
  lua_getfield(L, t, "threads");
  if (!lua_isnil(L, -1)) {
    lua_Integer n = luaL_checkinteger(L, -1);
    if (n < 0 || n > 64) luaL_error(L, "add: threads must be 0 to 64, not %d", (int)n);
    *threads = (int)n;
  }
  lua_getfield(L, t, "memory");
  if (!lua_isnil(L, -1)) {
    lua_Integer mb = luaL_checkinteger(L, -1);
    if (mb < 1) luaL_error(L, "add: memory is in megabytes and must be at least 1");
    *memory = (size_t)mb << 20;
  }
  lua_pop(L, 2);
}

/* db:_add(paths, opts): paths is a string or a list of strings. */
static int m_add(lua_State *L)
{
  Corpus *c = tocorpus(L);
  const char *one;
  const char **paths;
  size_t n = 1;
  if (lua_type(L, 2) == LUA_TTABLE) {
    n = (size_t)luaL_len(L, 2);
    paths = lua_newuserdatauv(L, (n ? n : 1) * sizeof *paths, 0);
    for (size_t i = 0; i < n; i++) {
      lua_geti(L, 2, (lua_Integer)i + 1);
      paths[i] = luaL_checkstring(L, -1);   /* kept alive by the list */
      lua_pop(L, 1);
    }
  } else {
    one = luaL_checkstring(L, 2);
    paths = &one;
  }
  LedeLoadOpts o;
  read_load_opts(L, 3, &o);
  o.interrupt = &lede_interrupted;
  int threads, old_threads;
  size_t memory, old_memory;
  lede_store_get_load(c->st, &old_threads, &old_memory);
  load_threads(L, 3, &threads, &memory);
  int custom = threads >= 0 || memory > 0;
  if (custom && lede_store_set_load(c->st, threads, memory) != LEDE_OK)
    return luaL_error(L, "add: cannot start %d indexing threads", threads);
  int bp = boilerplate_mode(L, 3);
  LedeLuaFilter filter = {L, LUA_NOREF};
  if (bp) {
    lede_lua_filter_open(L, &filter, &o);
    o.filter_records = bp == 2;
  }
  LedeLoadSummary sum;
  int rc = lede_load(c->st, paths, n, &o, &sum);
  if (bp) lede_lua_filter_close(L, &filter);
  if (custom) lede_store_set_load(c->st, old_threads, old_memory);
  if (sum.interrupted) {
    /* Ctrl-C stopped the load cleanly: hand back the summary instead of
     * letting the pending hook raise over it; lede.lua raises after. */
    lua_sethook(L, NULL, 0, 0);
    lede_interrupted = 0;
  }
  push_summary(L, &sum);
  lua_pushboolean(L, rc == LEDE_OK);
  lua_setfield(L, -2, "ok");
  lede_load_summary_free(&sum);
  return 1;
}

/* ---- documents ----------------------------------------------------------- */

static void set_str(lua_State *L, const char *k, const char *v)
{
  if (!v) return;
  lua_pushstring(L, v);
  lua_setfield(L, -2, k);
}

static void push_doc(lua_State *L, const LedeDoc *d)
{
  lua_createtable(L, 0, 10);
  lua_pushinteger(L, d->id);
  lua_setfield(L, -2, "id");
  set_str(L, "uri", d->uri);
  set_str(L, "title", d->title);
  set_str(L, "source", d->source);
  set_str(L, "date", d->date);
  set_str(L, "date_raw", d->date_raw);
  set_str(L, "lang", d->lang);
  set_str(L, "meta_json", d->meta);
  set_str(L, "added", d->added);
  if (d->text) {
    lua_pushlstring(L, d->text, d->text_len);
    lua_setfield(L, -2, "text");
  }
}

/* db:_docs(filter) -> list of docs, at most filter.limit (paged by Lua). */
static int m_docs(lua_State *L)
{
  Corpus *c = tocorpus(L);
  LedeDocFilter f = {0};
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_getfield(L, 2, "id"); f.id = luaL_optinteger(L, -1, 0); lua_pop(L, 1);
    lua_getfield(L, 2, "after"); f.after = luaL_optinteger(L, -1, 0); lua_pop(L, 1);
    lua_getfield(L, 2, "limit"); f.limit = luaL_optinteger(L, -1, 0); lua_pop(L, 1);
    f.source = opt_str(L, 2, "source");
    f.with_text = opt_bool(L, 2, "text", 1);
  }
  LedeDocIter *it;
  int rc = lede_store_docs(c->st, &f, &it);
  if (rc != LEDE_OK) return luaL_error(L, "%s", lede_store_errmsg(c->st));
  lua_newtable(L);
  LedeDoc d;
  lua_Integer i = 0;
  while ((rc = lede_docs_next(it, &d)) == 1) {
    push_doc(L, &d);
    lua_rawseti(L, -2, ++i);
  }
  lede_docs_free(it);
  if (rc < 0) return luaL_error(L, "%s", lede_store_errmsg(c->st));
  return 1;
}

static int m_remove(lua_State *L)
{
  Corpus *c = tocorpus(L);
  lua_Integer id = luaL_checkinteger(L, 2);
  int rc = lede_store_begin(c->st);
  if (rc == LEDE_OK) rc = lede_store_remove(c->st, id);
  if (rc == LEDE_OK) rc = lede_store_commit(c->st);
  else lede_store_rollback(c->st);
  if (rc == LEDE_EMISUSE) {
    luaL_pushfail(L);
    lua_pushfstring(L, "no document with id %I", id);
    return 2;
  }
  if (rc != LEDE_OK) return luaL_error(L, "%s", lede_store_errmsg(c->st));
  lua_pushboolean(L, 1);
  return 1;
}

/* ---- SQL --------------------------------------------------------------- */

static void bind_value(lua_State *L, sqlite3_stmt *s, int i, int idx)
{
  switch (lua_type(L, idx)) {
  case LUA_TNIL: case LUA_TNONE: sqlite3_bind_null(s, i); break;
  case LUA_TBOOLEAN: sqlite3_bind_int(s, i, lua_toboolean(L, idx)); break;
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx)) sqlite3_bind_int64(s, i, lua_tointeger(L, idx));
    else sqlite3_bind_double(s, i, lua_tonumber(L, idx));
    break;
  case LUA_TSTRING: {
    size_t n;
    const char *v = lua_tolstring(L, idx, &n);
    sqlite3_bind_text(s, i, v, (int)n, SQLITE_TRANSIENT);
    break;
  }
  default:
    luaL_error(L, "sql: cannot bind a %s value to parameter %d", luaL_typename(L, idx), i);
  }
}

/* Positional ?/?N from the arguments, or :name/@name/$name from a table
 * given as the only argument. */
static void bind_all(lua_State *L, sqlite3_stmt *s, int first, int nargs)
{
  int np = sqlite3_bind_parameter_count(s);
  int named = nargs == 1 && lua_type(L, first) == LUA_TTABLE;
  for (int i = 1; i <= np; i++) {
    const char *name = sqlite3_bind_parameter_name(s, i);
    if (named && name && name[0] != '?') {
      lua_getfield(L, first, name + 1);
      bind_value(L, s, i, -1);
      lua_pop(L, 1);
    } else if (i <= nargs) {
      bind_value(L, s, i, first + i - 1);
    } else {
      sqlite3_bind_null(s, i);
    }
  }
}

static void push_column(lua_State *L, sqlite3_stmt *s, int i)
{
  switch (sqlite3_column_type(s, i)) {
  case SQLITE_INTEGER: lua_pushinteger(L, sqlite3_column_int64(s, i)); break;
  case SQLITE_FLOAT: lua_pushnumber(L, sqlite3_column_double(s, i)); break;
  case SQLITE_NULL: lua_pushnil(L); break;
  default:
    lua_pushlstring(L, (const char *)sqlite3_column_blob(s, i), (size_t)sqlite3_column_bytes(s, i));
  }
}

/* Run one prepared statement; leave rows and column names on the stack
 * when it has columns. */
static int run_stmt(lua_State *L, sqlite3 *db, sqlite3_stmt *s)
{
  int nc = sqlite3_column_count(s);
  lua_newtable(L);                       /* rows */
  lua_createtable(L, nc, 0);             /* columns */
  for (int i = 0; i < nc; i++) {
    lua_pushstring(L, sqlite3_column_name(s, i));
    lua_rawseti(L, -2, i + 1);
  }
  int rc;
  lua_Integer n = 0;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    lua_createtable(L, 0, nc);
    for (int i = 0; i < nc; i++) {
      push_column(L, s, i);
      lua_setfield(L, -2, sqlite3_column_name(s, i));
    }
    lua_rawseti(L, -3, ++n);
  }
  if (rc != SQLITE_DONE) {
    lua_pushfstring(L, "sql: %s", sqlite3_errmsg(db));
    return -1;
  }
  return nc;
}

/* db:_sql(sql, ...) -> rows, columns of the last statement with columns. */
static int m_sql(lua_State *L)
{
  Corpus *c = tocorpus(L);
  const char *sql = luaL_checkstring(L, 2);
  int nargs = lua_gettop(L) - 2;
  sqlite3 *db = lede_store_db(c->st);
  int have = 0;
  while (sql && *sql) {
    sqlite3_stmt *s = NULL;
    const char *tail;
    if (sqlite3_prepare_v2(db, sql, -1, &s, &tail) != SQLITE_OK)
      return luaL_error(L, "sql: %s", sqlite3_errmsg(db));
    sql = tail;
    if (!s) continue;                    /* whitespace or a comment */
    bind_all(L, s, 3, nargs);
    int nc = run_stmt(L, db, s);
    sqlite3_finalize(s);
    if (nc < 0) return lua_error(L);
    if (nc > 0 || !have) {
      if (have) {                        /* drop the earlier pair */
        lua_rotate(L, -4, 2);
        lua_pop(L, 2);
      }
      have = 1;
    } else {
      lua_pop(L, 2);
    }
  }
  if (!have) { lua_newtable(L); lua_newtable(L); }
  return 2;
}

/* ---- module -------------------------------------------------------------- */

static int c_termwidth(lua_State *L)
{
  struct winsize ws;
  if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) lua_pushinteger(L, ws.ws_col);
  else luaL_pushfail(L);
  return 1;
}

static int c_isatty(lua_State *L)
{
  lua_pushboolean(L, isatty((int)luaL_optinteger(L, 1, 1)));
  return 1;
}

/* Wall-clock seconds from an arbitrary start: os.clock() counts CPU time,
 * which misleads when timing work that waits or runs on several threads. */
static int c_clock(lua_State *L)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec / 1e9);
  return 1;
}

static const luaL_Reg methods[] = {
  {"_add", m_add}, {"count", m_count}, {"_docs", m_docs}, {"remove", m_remove},
  {"_sql", m_sql}, {"close", m_close}, {"path", m_path}, {"_folds", m_folds}, {NULL, NULL}
};

static const luaL_Reg metameth[] = {
  {"__index", NULL}, {"__gc", m_close}, {"__close", m_close},
  {"__tostring", m_tostring}, {NULL, NULL}
};

static const luaL_Reg funcs[] = {
  {"open", c_open}, {"termwidth", c_termwidth}, {"isatty", c_isatty},
  {"clock", c_clock}, {NULL, NULL}
};

int luaopen_lede_core(lua_State *L)
{
  luaL_newlib(L, funcs);
  luaL_newmetatable(L, CORPUS);
  luaL_setfuncs(L, metameth, 0);
  luaL_newlib(L, methods);
  lede_lua_search_methods(L);
  lede_lua_analysis_methods(L);
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, "__index");
  lua_setfield(L, -3, "methods");        /* core.methods: Lua adds the rest */
  lua_pop(L, 1);
  lede_lua_search_funcs(L);
  lede_lua_dedupe(L);
  lede_lua_analysis_funcs(L);
  lede_lua_stats(L);
  lede_lua_web_funcs(L);
  lua_pushliteral(L, LEDE_VERSION);
  lua_setfield(L, -2, "version");
  lua_pushstring(L, sqlite3_libversion());
  lua_setfield(L, -2, "sqlite_version");
  return 1;
}
