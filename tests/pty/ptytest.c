/*
 * ptytest.c -- drives the lede REPL through a pseudo-terminal, as a person
 * at a keyboard would, and reports TAP on stdout.
 *
 *   ptytest build/lede
 *
 * The REPL's line editing, completion, Ctrl-C and history only exist on a
 * terminal, so they cannot be tested by piping stdin.  Each check sends
 * keys and waits (at most a few seconds, never forever) for text in the
 * output.  The output holds the editor's redraw escapes too, so checks
 * look for what the program prints (a value on its own line) rather than
 * for the echo of what was typed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WAIT_MS 15000   /* generous: CI machines may be busy */
#define LEFT "\033[D"
#define UP   "\033[A"

typedef struct Session {
  pid_t pid;
  int fd;
  int eof;
  char buf[1 << 17];
  size_t len;     /* bytes in buf */
  size_t mark;    /* searches start here: output already matched is used */
} Session;

static int tests, failures;
static const char *lede_path;
static char histfile[64];

static void tap(int ok, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  printf("%sok %d - ", ok ? "" : "not ", ++tests);
  vprintf(fmt, ap);
  printf("\n");
  va_end(ap);
  if (!ok) failures++;
  fflush(stdout);
}

static long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Show the unmatched output as a TAP comment, escaped, to see why. */
static void diag_output(Session *s)
{
  size_t from = s->mark, to = s->len;
  if (to - from > 600) from = to - 600;
  printf("#   output since last match: \"");
  for (size_t i = from; i < to; i++) {
    unsigned char c = (unsigned char)s->buf[i];
    if (c == '\n') printf("\\n");
    else if (c == '\r') printf("\\r");
    else if (c < 0x20 || c == 0x7f) printf("\\x%02x", c);
    else putchar(c);
  }
  printf("\"\n");
}

/* lang NULL: no locale in the environment at all, as under CI. */
static void start(Session *s, const char *lang)
{
  memset(s, 0, sizeof *s);
  struct winsize ws = {.ws_row = 24, .ws_col = 80};
  s->pid = forkpty(&s->fd, NULL, NULL, &ws);
  if (s->pid < 0) {
    perror("forkpty");
    exit(1);
  }
  if (s->pid == 0) {
    setenv("LEDE_HISTORY", histfile, 1);
    if (lang) setenv("LANG", lang, 1);
    else unsetenv("LANG");
    unsetenv("LC_ALL");
    unsetenv("LC_CTYPE");
    setenv("TERM", "xterm", 1);
    setenv("COLUMNS", "80", 1);
    unsetenv("LEDE_PATH");
    execl(lede_path, "lede", ":memory:", (char *)NULL);
    perror(lede_path);
    _exit(127);
  }
}

/* Read what is there, waiting up to ms; returns 0 at end of output. */
static int pump(Session *s, int ms)
{
  if (s->eof) return 0;
  struct pollfd p = {.fd = s->fd, .events = POLLIN};
  int r = poll(&p, 1, ms);
  if (r <= 0) return 1;
  if (s->len == sizeof s->buf) {   /* keep the newest half */
    size_t half = sizeof s->buf / 2;
    memmove(s->buf, s->buf + half, half);
    s->len -= half;
    s->mark = s->mark > half ? s->mark - half : 0;
  }
  ssize_t n = read(s->fd, s->buf + s->len, sizeof s->buf - s->len);
  if (n <= 0) {   /* EIO: the child closed the terminal */
    s->eof = 1;
    return 0;
  }
  s->len += (size_t)n;
  return 1;
}

static char *find(Session *s, const char *want)
{
  size_t wl = strlen(want);
  for (size_t i = s->mark; i + wl <= s->len; i++)
    if (memcmp(s->buf + i, want, wl) == 0) return s->buf + i;
  return NULL;
}

/* Wait for want in the output after the mark; move the mark past it. */
static int expect(Session *s, const char *want)
{
  long end = now_ms() + WAIT_MS;
  for (;;) {
    char *at = find(s, want);
    if (at) {
      s->mark = (size_t)(at - s->buf) + strlen(want);
      return 1;
    }
    long left = end - now_ms();
    if (left <= 0 || !pump(s, left > 100 ? 100 : (int)left)) {
      if ((at = find(s, want))) {
        s->mark = (size_t)(at - s->buf) + strlen(want);
        return 1;
      }
      printf("#   waited for \"%s\"\n", want);
      diag_output(s);
      return 0;
    }
  }
}

static void send(Session *s, const char *keys)
{
  size_t n = strlen(keys);
  while (n > 0) {
    ssize_t w = write(s->fd, keys, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return;
    }
    keys += w;
    n -= (size_t)w;
  }
}

/* Send one key at a time with a pause, so that escape sequences and
 * multi-byte characters arrive the way a keyboard sends them. */
static void type(Session *s, const char *keys)
{
  send(s, keys);
  pump(s, 50);
}

static void pause_ms(Session *s, int ms)
{
  long end = now_ms() + ms;
  while (now_ms() < end && pump(s, 20)) {}
}

/* Exit status of the child, waiting up to WAIT_MS; -1 if it had to be
 * killed. */
static int finish(Session *s)
{
  long end = now_ms() + WAIT_MS;
  int status;
  for (;;) {
    pump(s, 20);
    pid_t r = waitpid(s->pid, &status, WNOHANG);
    if (r == s->pid) break;
    if (now_ms() > end) {
      printf("#   still running after %d ms\n", WAIT_MS);
      kill(s->pid, SIGKILL);
      waitpid(s->pid, &status, 0);
      close(s->fd);
      return -1;
    }
  }
  close(s->fd);
  if (WIFSIGNALED(status)) printf("#   killed by signal %d\n", WTERMSIG(status));
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Ctrl-D at the prompt, and the exit status.  The prompt can show before
 * libedit has put the terminal in raw mode; a Ctrl-D typed in that
 * instant is the tty's end-of-file, which the mode switch drops.  A person
 * never types that fast: wait a little, and press it again if the first
 * one went that way. */
static int quit(Session *s)
{
  pause_ms(s, 200);
  type(s, "\004");
  pause_ms(s, 1500);
  type(s, "\004");
  return finish(s);
}

static char *slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  static char text[1 << 16];
  size_t n = fread(text, 1, sizeof text - 1, f);
  text[n] = '\0';
  fclose(f);
  return text;
}

static void first_session(Session *s)
{
  start(s, "C.UTF-8");
  int ok = expect(s, "lede ") && expect(s, "help() for help") && expect(s, "> ");
  tap(ok, "banner and prompt");

  type(s, "1+1\r");
  tap(expect(s, "\n2\r\n") && expect(s, "> "), "1+1 prints 2");

  type(s, "for i = 1, 2 do\r");
  ok = expect(s, ">> ");
  type(s, "print(i * 10)\r");
  ok = ok && expect(s, ">> ");
  type(s, "end\r");
  ok = ok && expect(s, "\n10\r\n20\r\n") && expect(s, "> ");
  tap(ok, "multi-line chunk continues on '>> ' and runs");

  type(s, "{10,\r");
  ok = expect(s, ">> ");
  type(s, "x = 'y'}\r");
  tap(ok && expect(s, "\n{10, x = \"y\"}\r\n") && expect(s, "> "),
      "an expression over two lines prints its value");

  type(s, "error('boom')\r");
  ok = expect(s, "boom") && expect(s, "stack traceback") && expect(s, "> ");
  type(s, "print('after' .. 'error')\r");
  ok = ok && expect(s, "aftererror") && expect(s, "> ");
  tap(ok, "an error prints a traceback and the next command works");

  type(s, "string.up");
  type(s, "\t");
  type(s, "(\"x\")\r");
  /* The echo is full of redraw escapes; what runs tells what was completed. */
  tap(expect(s, "\nX\r\n") && expect(s, "> "), "TAB completes string.up to string.upper");

  type(s, "str");
  type(s, "\t");
  type(s, ".rep('ab', 2)\r");
  tap(expect(s, "\nabab\r\n") && expect(s, "> "), "TAB completes a global: str -> string");

  type(s, "lede.ver");
  type(s, "\t");
  type(s, " ~= nil\r");
  tap(expect(s, "\ntrue\r\n") && expect(s, "> "), "TAB completes a field: lede.ver -> lede.version");

  type(s, "db:cou");
  type(s, "\t");
  type(s, "() + 100\r");
  tap(expect(s, "\n100\r\n") && expect(s, "> "), "TAB completes a method: db:cou -> db:count");

  /* Type the name, step back over four characters (the closing quote and
   * three letters), insert a letter there: only a UTF-8 aware editor
   * puts it between the right characters. */
  type(s, "s = \"Зеленский\"");
  for (int i = 0; i < 4; i++) type(s, LEFT);
  type(s, "ё");
  type(s, "\r");
  expect(s, "> ");
  type(s, "print(s, #s, utf8.len(s))\r");
  tap(expect(s, "\nЗеленсёкий\t20\t10\r\n") && expect(s, "> "), "non-ASCII: insert in the middle of Зеленский");

  type(s, "abc");
  type(s, "\003");
  expect(s, "> ");
  type(s, "print('cle' .. 'ared')\r");
  tap(expect(s, "\ncleared\r\n") && expect(s, "> "), "Ctrl-C at the prompt clears the line");

  /* Wait until the loop surely runs before pressing Ctrl-C. */
  type(s, "print('loop' .. 'ing') while true do end\r");
  expect(s, "looping");
  pause_ms(s, 100);
  type(s, "\003");
  ok = expect(s, "interrupted") && expect(s, "> ");
  type(s, "print('still' .. 'alive')\r");
  tap(ok && expect(s, "\nstillalive\r\n"), "Ctrl-C stops a running chunk; the REPL goes on");

  type(s, "6*7, 'hist'\r");
  expect(s, "42\thist");
  expect(s, "> ");
  int rc = quit(s);
  tap(rc == 0, "Ctrl-D exits with status 0 (got %d)", rc);
}

static void second_session(Session *s)
{
  const char *text = slurp(histfile);
  tap(text && strstr(text, "6*7,") && strstr(text, "print(i"),
      "the history file holds the session's lines");

  start(s, "C.UTF-8");
  expect(s, "> ");
  type(s, UP);
  int ok = expect(s, "6*7, 'hist'");
  type(s, "\r");
  ok = ok && expect(s, "\n42\thist\r\n");
  tap(ok, "history: Up brings back the last line of the previous session");

  /* The multi-line chunk is one entry: it comes back whole and runs. */
  type(s, "for j = 1, 2 do\r");
  type(s, "print(j + 100)\r");
  type(s, "end\r");
  expect(s, "\n101\r\n102\r\n");
  expect(s, "> ");
  type(s, "x = 1\r");
  expect(s, "> ");
  type(s, UP);
  type(s, UP);
  type(s, "\r");
  tap(expect(s, "\n101\r\n102\r\n"), "a multi-line chunk is one history entry");
  quit(s);
}

/* With no locale set, the REPL must still pick a UTF-8 one for editing. */
static void no_locale_session(Session *s)
{
  start(s, NULL);
  expect(s, "> ");
  type(s, "w = \"Зеленский\"");
  type(s, LEFT);
  type(s, LEFT);
  type(s, "Ж");
  type(s, "\r");
  expect(s, "> ");
  type(s, "print(w)\r");
  tap(expect(s, "\nЗеленскиЖй\r\n"), "non-ASCII editing without LANG set");
  quit(s);
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: ptytest path/to/lede\n");
    return 2;
  }
  lede_path = argv[1];
  if (access(lede_path, X_OK) != 0) {
    printf("1..0 # SKIP %s not built\n", lede_path);
    return 0;
  }
  alarm(120);   /* a last guard: the test must never hang a build */
  snprintf(histfile, sizeof histfile, "/tmp/lede-ptytest-%ld", (long)getpid());
  unlink(histfile);
  static Session s;
  first_session(&s);
  second_session(&s);
  no_locale_session(&s);
  unlink(histfile);
  printf("1..%d\n", tests);
  return failures ? 1 : 0;
}
