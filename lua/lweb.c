/*
 * lweb.c -- web input from Lua: lede.core.html (a page's article and
 * metadata), lede.core.repair (mojibake and entities), lede.core.parse_date,
 * and the load filter that runs lede.boilerplate on each loaded document.
 */
#include <stdlib.h>
#include <string.h>
#include <lua.h>
#include <lauxlib.h>
#include "lede/lede.h"
#include "lede_lua.h"

static void set_field(lua_State *L, const char *k, const char *v)
{
  if (!v) return;
  lua_pushstring(L, v);
  lua_setfield(L, -2, k);
}

/* core.html(s): {text, title, site, date, modified, url, author,
 * publisher, description, section, lang, type, blocks, kept}. */
static int c_html(lua_State *L)
{
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  char *u = NULL, err[160];
  size_t un;
  LedeTextInfo ti;
  if (lede_text_clean(s, n, LEDE_TEXT_DETECT | LEDE_TEXT_NEWLINES, &u, &un, &ti) != LEDE_OK) {
    free(u);
    luaL_pushfail(L);
    lua_pushstring(L, "not text");
    return 2;
  }
  LedeHtmlDoc d;
  int rc = lede_html_extract(u, un, &d, err, sizeof err);
  free(u);
  if (rc != LEDE_OK) {
    lede_html_doc_free(&d);
    luaL_pushfail(L);
    lua_pushstring(L, err);
    return 2;
  }
  lua_createtable(L, 0, 14);
  lua_pushlstring(L, d.text ? d.text : "", d.text_len);
  lua_setfield(L, -2, "text");
  set_field(L, "title", d.title);
  set_field(L, "site", d.site);
  set_field(L, "date", d.date);
  set_field(L, "modified", d.modified);
  set_field(L, "url", d.url);
  set_field(L, "author", d.author);
  set_field(L, "publisher", d.publisher);
  set_field(L, "description", d.description);
  set_field(L, "section", d.section);
  set_field(L, "lang", d.lang);
  set_field(L, "type", d.type);
  lua_pushinteger(L, (lua_Integer)d.blocks);
  lua_setfield(L, -2, "blocks");
  lua_pushinteger(L, (lua_Integer)d.kept);
  lua_setfield(L, -2, "kept");
  lede_html_doc_free(&d);
  return 1;
}

/* core.repair(s): s with mojibake repaired and entities decoded, the
 * number of mojibake repairs, the number of entities. */
static int c_repair(lua_State *L)
{
  size_t n, tn, en;
  const char *s = luaL_checklstring(L, 1, &n);
  if (!lede_utf8_valid(s, n)) return luaL_argerror(L, 1, "not valid UTF-8");
  char *t, *e;
  size_t km = lede_repair_mojibake(s, n, &t, &tn);
  const char *cur = t ? t : s;
  size_t curn = t ? tn : n;
  size_t ke = lede_repair_entities(cur, curn, &e, &en);
  if (e) lua_pushlstring(L, e, en);
  else lua_pushlstring(L, cur, curn);
  free(t);
  free(e);
  lua_pushinteger(L, (lua_Integer)km);
  lua_pushinteger(L, (lua_Integer)ke);
  return 3;
}

/* core.parse_date(s): the ISO 8601 form, or nil when s is not a date. */
static int c_parse_date(lua_State *L)
{
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  char iso[LEDE_ISO_MAX];
  if (lede_date_parse(s, n, iso) == LEDE_DATE_NONE) { luaL_pushfail(L); return 1; }
  lua_pushstring(L, iso);
  return 1;
}

static char *dup_at(lua_State *L, int idx, size_t *n)
{
  size_t len;
  const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tolstring(L, idx, &len) : NULL;
  if (!s) return NULL;
  char *c = malloc(len + 1);
  if (c) { memcpy(c, s, len); c[len] = '\0'; }
  if (n) *n = len;
  return c;
}

/* The load filter: ud is a LedeLuaFilter.  Calls
 * lede.boilerplate.filter(text, file, format) in protected mode, so an
 * error in a user's rule is reported for the document and the load goes on. */
static void lua_filter(void *ud, LedeFilterDoc *d)
{
  LedeLuaFilter *f = ud;
  lua_State *L = f->L;
  if (lede_interrupted) return;
  int top = lua_gettop(L);
  lua_rawgeti(L, LUA_REGISTRYINDEX, f->ref);
  lua_pushlstring(L, d->text, d->text_len);
  lua_pushstring(L, d->file);
  lua_pushstring(L, d->format == LEDE_FMT_HTML ? "html" : d->format == LEDE_FMT_TEXT ? "text"
                    : d->format == LEDE_FMT_JSONL ? "jsonl" : "csv");
  if (lua_pcall(L, 3, 5, 0) != LUA_OK) {
    const char *m = lua_tostring(L, -1);
    d->error = strdup(m ? m : "error");
  } else if (!lua_isnil(L, top + 1)) {
    d->new_text = dup_at(L, top + 1, &d->new_len);
    d->date = dup_at(L, top + 2, NULL);
    d->author = dup_at(L, top + 3, NULL);
    d->meta_json = dup_at(L, top + 4, NULL);
    d->removed = (long)lua_tointeger(L, top + 5);
  }
  lua_settop(L, top);
}

int lede_lua_filter_open(lua_State *L, LedeLuaFilter *f, LedeLoadOpts *o)
{
  lua_getglobal(L, "require");
  lua_pushliteral(L, "lede.boilerplate");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "filter");
  luaL_checktype(L, -1, LUA_TFUNCTION);
  f->L = L;
  f->ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pop(L, 1);
  o->filter = lua_filter;
  o->filter_ud = f;
  return 0;
}

void lede_lua_filter_close(lua_State *L, LedeLuaFilter *f)
{
  luaL_unref(L, LUA_REGISTRYINDEX, f->ref);
  f->ref = LUA_NOREF;
}

void lede_lua_web_funcs(lua_State *L)
{
  static const luaL_Reg funcs[] = {
    {"html", c_html}, {"repair", c_repair}, {"parse_date", c_parse_date}, {NULL, NULL}
  };
  luaL_setfuncs(L, funcs, 0);
}
