/*
 * repl.c -- the interactive loop: read a chunk, run it, print its values.
 *
 * The loop is lua.c's: try "return <line>" first so that an expression
 * prints its value; if the line does not compile as it stands and the
 * error ends in "<eof>", the chunk is incomplete, so read more lines on
 * the continuation prompt.  Values print through lede.pretty.
 *
 * Line editing is libedit (BSD licence), kept behind the ed_* functions
 * below so that another backend would touch only them.  We give libedit
 * our own character reader so that Ctrl-C at the prompt can end el_gets
 * (libedit's reader retries a read interrupted by a signal), and we bind
 * TAB to a completer that walks Lua tables without calling any Lua
 * metamethod.  History lives in $XDG_STATE_HOME/lede/history in libedit's
 * own format, which keeps a multi-line chunk as one entry.
 *
 * When stdin is not a terminal there is no editing: all of stdin is one
 * chunk, "=stdin", run once.
 */
#include <errno.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>
#include <histedit.h>
#include <lua.h>
#include <lauxlib.h>
#include "lua/lede_lua.h"

#define PROMPT   "> "
#define PROMPT2  ">> "
#define HISTSIZE 1000

/* ------------------------------------------------------------------------
 * Lua helpers the loop and the completer use.  They run in protected mode
 * and never see user input as code.
 */

/* Session setup: mark the session interactive (so db:add leaves its
 * summary for the REPL to print), load the feature modules and the lpeg
 * and re globals that a script gets on first use (TAB completes only what
 * is there), make help() a global, and return the banner.  `db` may be
 * missing or closed, so every step is guarded. */
static const char session_lua[] =
  "local ok, lede = pcall(require, 'lede')\n"
  "local v = ok and type(lede) == 'table' and lede.version or '?'\n"
  "if ok and type(lede) == 'table' then\n"
  "  lede.interactive = true\n"
  "  if lede._load_features then pcall(lede._load_features) end\n"
  "end\n"
  "pcall(function() return re, lpeg end)\n"
  "local where = 'no corpus open'\n"
  "local db = rawget(_G, 'db')\n"
  "if db ~= nil then\n"
  "  local okp, p = pcall(function() return db:path() end)\n"
  "  if okp and p then where = 'corpus at ' .. tostring(p) end\n"
  "end\n"
  "if rawget(_G, 'help') == nil then\n"
  "  local okh, h = pcall(require, 'lede.help')\n"
  "  if okh then rawset(_G, 'help', h) end\n"
  "end\n"
  "return 'lede ' .. tostring(v) .. ' \\u{2014} ' .. where .. '; help() for help'\n";

/* Completion candidates for the word before the cursor: returns the
 * sorted candidates and the length of the part being completed.  Only
 * tables and their __index tables are walked (raw access), so a TAB never
 * runs user code. */
static const char complete_lua[] =
  "local word = ...\n"
  "local prefix, sep, part = word:match('^(.-)([.:]?)([%w_]*)$')\n"
  "if not prefix or (prefix ~= '' and not prefix:match('^[%a_][%w_.]*$'))\n"
  "   or (sep == '') ~= (prefix == '') then return {}, 0 end\n"
  "local function fields(v, out, seen)\n"
  "  if seen[v] then return out end\n"
  "  if type(v) == 'table' then\n"
  "    seen[v] = true\n"
  "    for k, x in next, v do\n"
  "      if type(k) == 'string' and k:match('^[%a_][%w_]*$') and out[k] == nil then out[k] = x end\n"
  "    end\n"
  "  end\n"
  "  local mt = getmetatable(v)\n"
  "  local idx = type(mt) == 'table' and rawget(mt, '__index')\n"
  "  if type(idx) == 'table' then fields(idx, out, seen) end\n"
  "  return out\n"
  "end\n"
  "local base = _G\n"
  "if sep ~= '' then\n"
  "  for name in prefix:gmatch('[^.]+') do\n"
  "    base = fields(base, {}, {})[name]\n"
  "    if base == nil then return {}, 0 end\n"
  "  end\n"
  "end\n"
  "local out = {}\n"
  "for k, v in pairs(fields(base, {}, {})) do\n"
  "  if k:sub(1, #part) == part and (sep ~= ':' or type(v) == 'function')\n"
  "     and (k:sub(1, 1) ~= '_' or part:sub(1, 1) == '_') then out[#out + 1] = k end\n"
  "end\n"
  "if sep == '' then\n"
  "  for w in ('and break do else elseif end false for function goto if in '\n"
  "           .. 'local nil not or repeat return then true until while'):gmatch('%a+') do\n"
  "    if w:sub(1, #part) == part then out[#out + 1] = w end\n"
  "  end\n"
  "end\n"
  "table.sort(out)\n"
  "return out, #part\n";

/* Registry slots for the compiled helpers and the value printer. */
static int ref_complete = LUA_NOREF, ref_print = LUA_NOREF;

static int compile_ref(lua_State *L, const char *src, const char *name)
{
  if (luaL_loadbuffer(L, src, strlen(src), name) != LUA_OK) {
    lua_pop(L, 1);
    return LUA_NOREF;
  }
  return luaL_ref(L, LUA_REGISTRYINDEX);
}

/* require("lede.pretty").print, or Lua's print if that fails to load. */
static void find_printer(lua_State *L)
{
  lua_getglobal(L, "require");
  lua_pushliteral(L, "lede.pretty");
  if (lede_lua_docall(L, 1, 1) == LUA_OK && lua_istable(L, -1)) {
    lua_getfield(L, -1, "print");
    lua_remove(L, -2);
  } else {
    lede_lua_report(L, LUA_ERRRUN);
    lua_getglobal(L, "print");
  }
  ref_print = luaL_ref(L, LUA_REGISTRYINDEX);
}

static void start_session(lua_State *L, int quiet)
{
  int ref = compile_ref(L, session_lua, "=session");
  if (ref == LUA_NOREF) return;
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
  luaL_unref(L, LUA_REGISTRYINDEX, ref);
  if (lede_lua_docall(L, 0, 1) == LUA_OK) {
    if (!quiet) printf("%s\n", lua_tostring(L, -1) ? lua_tostring(L, -1) : "lede");
    lua_pop(L, 1);
  } else {
    lede_lua_report(L, LUA_ERRRUN);
  }
  fflush(stdout);
}

/* ------------------------------------------------------------------------
 * The line editor.  ed_open, ed_read, ed_remember, ed_close are all the
 * loop knows of it.
 */

typedef struct Editor {
  EditLine *el;
  History *hist;
  HistEvent ev;
  char *histfile;       /* NULL: no history file */
  const char *prompt;
  lua_State *L;
} Editor;

enum { ED_LINE, ED_EOF, ED_INTERRUPT };

/* Set by SIGINT while a line is being read. */
static volatile sig_atomic_t sigint_at_prompt;

static void on_sigint(int sig)
{
  (void)sig;
  sigint_at_prompt = 1;
}

static char *prompt_fn(EditLine *el)
{
  Editor *ed;
  el_get(el, EL_CLIENTDATA, &ed);
  return (char *)ed->prompt;
}

/* libedit's reader, minus its retry after EINTR: a Ctrl-C must end the
 * read.  Bytes are decoded with mbrtowc in the (UTF-8) locale; invalid
 * bytes are dropped, as libedit does. */
static int read_wchar(EditLine *el, wchar_t *wc)
{
  (void)el;
  char buf[MB_LEN_MAX];
  size_t n = 0;
  for (;;) {
    if (sigint_at_prompt) {
      *wc = L'\0';
      errno = EINTR;
      return -1;
    }
    ssize_t r = read(STDIN_FILENO, buf + n, 1);
    if (r < 0) {
      if (errno == EINTR) continue;   /* the loop head checks the flag */
      *wc = L'\0';
      return -1;
    }
    if (r == 0) {
      *wc = L'\0';
      return 0;
    }
    n++;
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t k = mbrtowc(wc, buf, n, &st);
    if (k == (size_t)-2 && n < sizeof buf) continue;
    if (k == (size_t)-1 || k == (size_t)-2) {
      n = 0;
      continue;
    }
    return 1;
  }
}

/* Ctrl-C as a key, for terminals where libedit turns signals off. */
static unsigned char key_interrupt(EditLine *el, int ch)
{
  (void)el;
  (void)ch;
  sigint_at_prompt = 1;
  return CC_EOF;
}

/* Print the candidates under the line, in columns. */
static void list_candidates(lua_State *L, int idx, int n)
{
  size_t width = 0;
  for (int i = 1; i <= n; i++) {
    lua_rawgeti(L, idx, i);
    size_t len = lua_rawlen(L, -1);
    if (len > width) width = len;
    lua_pop(L, 1);
  }
  width += 2;
  size_t per_line = 80 / width ? 80 / width : 1;
  fputc('\n', stdout);
  for (int i = 1; i <= n; i++) {
    lua_rawgeti(L, idx, i);
    const char *s = lua_tostring(L, -1);
    if (i == n || (size_t)i % per_line == 0) printf("%s\n", s);
    else printf("%-*s", (int)width, s);
    lua_pop(L, 1);
  }
  fflush(stdout);
}

/* Length of the prefix shared by all the candidates in the table at idx. */
static size_t common_prefix(lua_State *L, int idx, int n)
{
  lua_rawgeti(L, idx, 1);
  size_t len;
  const char *first = lua_tolstring(L, -1, &len);
  for (int i = 2; i <= n && len > 0; i++) {
    lua_rawgeti(L, idx, i);
    const char *s = lua_tostring(L, -1);
    size_t k = 0;
    while (k < len && s[k] == first[k]) k++;
    len = k;
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return len;
}

static int is_word_char(unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
      || c == '_' || c == '.' || c == ':' || c >= 0x80;
}

static int is_blank_span(const char *from, const char *to)
{
  for (; from < to; from++)
    if (*from != ' ' && *from != '\t') return 0;
  return 1;
}

/* TAB: complete the word before the cursor (name, t.field, obj:method). */
static unsigned char key_complete(EditLine *el, int ch)
{
  (void)ch;
  Editor *ed;
  el_get(el, EL_CLIENTDATA, &ed);
  lua_State *L = ed->L;
  const LineInfo *li = el_line(el);
  const char *start = li->cursor;
  while (start > li->buffer && is_word_char((unsigned char)start[-1])) start--;
  if (start == li->cursor && is_blank_span(li->buffer, li->cursor)) {
    el_insertstr(el, "  ");   /* indenting a line of a chunk, not completing */
    return CC_REFRESH;
  }
  if (ref_complete == LUA_NOREF) return CC_ERROR;
  int top = lua_gettop(L);
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref_complete);
  lua_pushlstring(L, start, (size_t)(li->cursor - start));
  if (lua_pcall(L, 1, 2, 0) != LUA_OK || !lua_istable(L, -2)) {
    lua_settop(L, top);
    return CC_ERROR;
  }
  size_t typed = (size_t)lua_tointeger(L, -1);
  int idx = lua_gettop(L) - 1;
  int n = (int)lua_rawlen(L, idx);
  unsigned char rc = CC_ERROR;
  if (n > 0) {
    size_t common = common_prefix(L, idx, n);
    if (common > typed) {
      lua_rawgeti(L, idx, 1);
      lua_pushlstring(L, lua_tostring(L, -1) + typed, common - typed);
      el_insertstr(el, lua_tostring(L, -1));
      rc = CC_REFRESH;
    } else if (n > 1) {
      list_candidates(L, idx, n);
      rc = CC_REDISPLAY;
    }
  }
  lua_settop(L, top);
  return rc;
}

/* The history file: $LEDE_HISTORY (empty: none), else
 * $XDG_STATE_HOME/lede/history, else ~/.local/state/lede/history.
 * Directories are created as needed. */
static char *history_path(void)
{
  const char *env = getenv("LEDE_HISTORY");
  if (env) return *env ? strdup(env) : NULL;
  const char *state = getenv("XDG_STATE_HOME");
  const char *home = getenv("HOME");
  char dir[PATH_MAX];
  if (state && *state == '/') snprintf(dir, sizeof dir, "%s/lede", state);
  else if (home && *home) snprintf(dir, sizeof dir, "%s/.local/state/lede", home);
  else return NULL;
  /* mkdir -p, one component at a time */
  for (char *p = dir + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    mkdir(dir, 0700);
    *p = '/';
  }
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) return NULL;
  size_t len = strlen(dir) + sizeof "/history";
  char *path = malloc(len);
  if (path) snprintf(path, len, "%s/history", dir);
  return path;
}

static Editor *ed_open(lua_State *L)
{
  Editor *ed = calloc(1, sizeof *ed);
  if (!ed) return NULL;
  ed->L = L;
  ed->prompt = PROMPT;
  ed->el = el_init(lede_progname, stdin, stdout, stderr);
  ed->hist = history_init();
  if (!ed->el || !ed->hist) {
    if (ed->el) el_end(ed->el);
    if (ed->hist) history_end(ed->hist);
    free(ed);
    return NULL;
  }
  history(ed->hist, &ed->ev, H_SETSIZE, HISTSIZE);
  history(ed->hist, &ed->ev, H_SETUNIQUE, 1);
  ed->histfile = history_path();
  if (ed->histfile) history(ed->hist, &ed->ev, H_LOAD, ed->histfile);

  el_set(ed->el, EL_CLIENTDATA, ed);
  el_set(ed->el, EL_EDITOR, "emacs");
  el_set(ed->el, EL_PROMPT, prompt_fn);
  el_set(ed->el, EL_HIST, history, ed->hist);
  el_set(ed->el, EL_GETCFN, read_wchar);
  /* The wide-character calls: the narrow EL_ADDFN copies the names and
   * never frees them (a leak LeakSanitizer reports at every exit). */
  el_wset(ed->el, EL_ADDFN, L"lede-complete", L"complete a Lua name", key_complete);
  el_wset(ed->el, EL_BIND, L"^I", L"lede-complete", NULL);
  el_wset(ed->el, EL_ADDFN, L"lede-interrupt", L"abandon the line", key_interrupt);
  el_wset(ed->el, EL_BIND, L"^C", L"lede-interrupt", NULL);
  el_source(ed->el, NULL);   /* the user's ~/.editrc has the last word */
  return ed;
}

/* Read one line (without its newline) into a malloc'd string. */
static char *ed_read(Editor *ed, const char *prompt, int *what)
{
  int count = 0;
  ed->prompt = prompt;
  sigint_at_prompt = 0;
  const char *line = el_gets(ed->el, &count);
  if (sigint_at_prompt) {
    sigint_at_prompt = 0;
    fputs("^C\n", stdout);
    fflush(stdout);
    *what = ED_INTERRUPT;
    return NULL;
  }
  if (!line || count <= 0) {
    *what = ED_EOF;
    return NULL;
  }
  size_t len = strlen(line);
  if (len > 0 && line[len - 1] == '\n') len--;
  char *copy = malloc(len + 1);
  if (!copy) {
    *what = ED_EOF;
    return NULL;
  }
  memcpy(copy, line, len);
  copy[len] = '\0';
  *what = ED_LINE;
  return copy;
}

/* Add a chunk (maybe several lines) to the history and save the file at
 * once, so that a session that dies keeps what was typed. */
static void ed_remember(Editor *ed, const char *chunk)
{
  history(ed->hist, &ed->ev, H_ENTER, chunk);
  if (ed->histfile && history(ed->hist, &ed->ev, H_SAVE, ed->histfile) >= 0)
    chmod(ed->histfile, 0600);  /* what people type can be private */
}

static void ed_close(Editor *ed)
{
  if (!ed) return;
  el_end(ed->el);
  history_end(ed->hist);
  free(ed->histfile);
  free(ed);
}

/* ------------------------------------------------------------------------
 * The loop.
 */

/* True (and the message popped) when status says the chunk only lacks
 * its end: the parser stopped at "<eof>". */
static int incomplete(lua_State *L, int status)
{
  if (status != LUA_ERRSYNTAX) return 0;
  size_t len;
  const char *msg = lua_tolstring(L, -1, &len);
  if (msg && len >= 5 && strcmp(msg + len - 5, "<eof>") == 0) {
    lua_pop(L, 1);
    return 1;
  }
  return 0;
}

/* Compile "return <src>" so that an expression prints its values.
 * Leaves the function on success, nothing otherwise; *open is set when
 * the expression only lacks its end (a table constructor or a call
 * spread over lines). */
static int load_as_expression(lua_State *L, const char *src, int *open)
{
  const char *ret = lua_pushfstring(L, "return %s", src);
  int status = luaL_loadbuffer(L, ret, strlen(ret), "=stdin");
  lua_remove(L, -2);
  *open = incomplete(L, status);
  if (status != LUA_OK && !*open) lua_pop(L, 1);
  return status;
}

static int is_blank(const char *s)
{
  return s[strspn(s, " \t\r\n")] == '\0';
}

/* Compile the chunk at index chunk: as an expression first, then as
 * statements.  Returns LUA_OK with the function on the stack, a syntax
 * error with the message on the stack, or -3 (nothing pushed) when the
 * chunk is unfinished either way and needs more lines. */
static int compile_chunk(lua_State *L, int chunk)
{
  int open_expr;
  const char *src = lua_tostring(L, chunk);
  if (load_as_expression(L, src, &open_expr) == LUA_OK) return LUA_OK;
  int status = luaL_loadbuffer(L, src, strlen(src), "=stdin");
  if (status == LUA_OK) return LUA_OK;
  if (incomplete(L, status)) return -3;   /* incomplete() popped the message */
  if (open_expr) {
    lua_pop(L, 1);
    return -3;
  }
  return status;
}

/* Read and compile one chunk.  Returns the compile status with the
 * function (or the error message) on the stack, or -1 with nothing on
 * the stack at end of input; -2 when the chunk was abandoned. */
static int read_chunk(Editor *ed, lua_State *L)
{
  int what;
  char *line = ed_read(ed, PROMPT, &what);
  if (what == ED_EOF) return -1;
  if (what == ED_INTERRUPT || is_blank(line)) {
    free(line);
    return -2;
  }
  lua_pushstring(L, line);    /* the chunk so far, at index chunk */
  free(line);
  int chunk = lua_gettop(L);
  for (;;) {
    int status = compile_chunk(L, chunk);
    if (status != -3) {
      ed_remember(ed, lua_tostring(L, chunk));
      lua_remove(L, chunk);
      return status;
    }
    line = ed_read(ed, PROMPT2, &what);
    if (what != ED_LINE) {    /* Ctrl-C or Ctrl-D drops the chunk */
      if (what == ED_EOF) fputc('\n', stdout);
      ed_remember(ed, lua_tostring(L, chunk));
      lua_remove(L, chunk);
      return -2;
    }
    lua_pushfstring(L, "%s\n%s", lua_tostring(L, chunk), line);
    free(line);
    lua_replace(L, chunk);
  }
}

/* Run the function on top of the stack and print what it returns. */
static void run_chunk(lua_State *L)
{
  int base = lua_gettop(L) - 1;
  int status = lede_lua_docall(L, 0, LUA_MULTRET);
  int n = lua_gettop(L) - base;
  if (status == LUA_OK && n > 0) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref_print);
    lua_insert(L, base + 1);
    status = lede_lua_docall(L, n, 0);
  }
  fflush(stdout);
  lede_lua_report(L, status);
  lua_settop(L, base);
}

/* Make libedit handle UTF-8: it decides at el_init from LC_CTYPE.  When
 * the environment names no UTF-8 locale (LANG unset, as under CI), use
 * C.UTF-8 rather than edit Зеленский byte by byte. */
static void utf8_locale(void)
{
  static const char *const fallbacks[] = {"C.UTF-8", "C.utf8", "en_US.UTF-8", NULL};
  const char *set = setlocale(LC_CTYPE, "");
  if (set && strstr(nl_langinfo(CODESET), "UTF-8")) return;
  for (int i = 0; fallbacks[i]; i++)
    if (setlocale(LC_CTYPE, fallbacks[i])) return;
}

/* Not a terminal: all of stdin is one script. */
static int run_stdin(lua_State *L)
{
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  char buf[BUFSIZ];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) luaL_addlstring(&b, buf, n);
  if (ferror(stdin)) {
    fprintf(stderr, "%s: reading stdin: %s\n", lede_progname, strerror(errno));
    return 1;
  }
  luaL_pushresult(&b);
  size_t len;
  const char *src = lua_tolstring(L, -1, &len);
  int status = luaL_loadbuffer(L, src, len, "=stdin");
  lua_remove(L, -2);
  if (status == LUA_OK) status = lede_lua_docall(L, 0, 0);
  fflush(stdout);
  return lede_lua_report(L, status) == LUA_OK ? 0 : 1;
}

int lede_repl(lua_State *L, int quiet)
{
  if (!isatty(STDIN_FILENO)) return run_stdin(L);
  utf8_locale();
  ref_complete = compile_ref(L, complete_lua, "=complete");
  find_printer(L);
  start_session(L, quiet);
  Editor *ed = ed_open(L);
  if (!ed) {
    fprintf(stderr, "%s: cannot start the line editor\n", lede_progname);
    return 1;
  }
  /* Our handler, not the default, between chunks: Ctrl-C at the prompt
   * clears the line instead of ending the session. */
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old);
  for (;;) {
    int status = read_chunk(ed, L);
    if (status == -1) break;
    if (status == -2) continue;
    if (status == LUA_OK) run_chunk(L);
    else lede_lua_report(L, status);
  }
  fputc('\n', stdout);
  fflush(stdout);
  sigaction(SIGINT, &old, NULL);
  ed_close(ed);
  return 0;
}
