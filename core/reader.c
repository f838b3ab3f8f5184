/*
 * reader.c -- buffered reading of a file, a gzip file or standard input.
 * zlib's gzread passes plain files through unchanged, so one reader
 * serves .gz and everything else; a large buffer keeps it off the
 * profile.  Lines of any length are returned from one growing buffer,
 * without copying a short line twice.
 *
 * A plain file (not gzip) is mapped instead of read: lines are returned
 * from the mapping, so the kernel copies nothing into a buffer, and the
 * pages behind what has been read are let go as reading goes on, so a
 * large file does not count towards the resident set.  A file that grows
 * meanwhile is read as it was when opened.  A file cut short under the
 * mapping would end the process with SIGBUS at the first byte read past
 * its new end; instead the SIGBUS handler below puts zero pages over the
 * rest of the mapping and notes the cut, and the reader then fails with
 * an error that says so (a line read half before the cut has zeros in it,
 * which its parser rejects), so the load reports it and goes on.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "lede_int.h"

#define CHUNK (256u << 10)
#define LET_GO (1u << 20)     /* a mapping's pages read are dropped this many at once */

struct LedeReader {
  gzFile gz;              /* NULL when reading memory */
  const char *mem;        /* memory input */
  size_t memlen;
  char *map;              /* a mapped file: its size is memlen */
  size_t dropped;         /* bytes of the mapping let go */
  volatile sig_atomic_t cut;   /* the file was cut short under the mapping */
  char *buf;              /* file input: bytes read, [pos, len) unconsumed */
  size_t pos, len, cap;
  int eof, failed;
  char err[256];
};

/* ---- a file cut short under its mapping --------------------------------- */

/* The mapped reader of this thread (a thread reads one file at a time). */
static _Thread_local LedeReader *mapped;
static struct sigaction old_bus;
static pthread_once_t bus_once = PTHREAD_ONCE_INIT;

/* SIGBUS inside this thread's mapping: zero pages from the faulting page
 * to the mapping's end (mmap is a plain system call, safe here in
 * practice), and the reader knows.  Any other SIGBUS gets the handler
 * that was there before, when the instruction faults again. */
static void on_bus(int sig, siginfo_t *si, void *uc)
{
  (void)sig; (void)uc;
  LedeReader *r = mapped;
  char *a = si->si_addr;
  if (r && a >= r->map && a < r->map + r->memlen) {
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    char *from = (char *)((uintptr_t)a / page * page);
    size_t n = (size_t)(r->map + r->memlen - from);
    if (mmap(from, n, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
      r->cut = 1;
      return;
    }
  }
  sigaction(SIGBUS, &old_bus, NULL);
}

static void install_bus(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_bus;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGBUS, &sa, &old_bus);
}

/* 1 (and the reader failed, saying why) when the file was cut short. */
static int was_cut(LedeReader *r)
{
  if (!r->cut || r->failed) return r->failed;
  r->failed = 1;
  snprintf(r->err, sizeof r->err, "the file was cut short while it was read "
           "(it changed during the load); what follows its new end is not read");
  return 1;
}

/* Map path when it is a regular, non-empty file that is not gzip. */
static int map_file(LedeReader *r, const char *path)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  struct stat sb;
  unsigned char magic[2];
  void *m = MAP_FAILED;
  if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0
      && (uintmax_t)sb.st_size <= SIZE_MAX
      && !(pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b))
    m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (m == MAP_FAILED) return 0;
  madvise(m, (size_t)sb.st_size, MADV_SEQUENTIAL);
  pthread_once(&bus_once, install_bus);
  sigset_t bus;                 /* a thread started with every signal blocked */
  sigemptyset(&bus);            /* would die of a blocked SIGBUS */
  sigaddset(&bus, SIGBUS);
  pthread_sigmask(SIG_UNBLOCK, &bus, NULL);
  mapped = r;
  r->map = m;
  r->mem = r->buf = m;
  r->memlen = r->len = (size_t)sb.st_size;
  r->eof = 1;
  return 1;
}

/* The pages before pos are read: let them go, a few MB at a time. */
static void let_go(LedeReader *r)
{
  if (!r->map || r->pos - r->dropped < LET_GO) return;
  size_t page = (size_t)sysconf(_SC_PAGESIZE), upto = r->pos / page * page;
  madvise(r->map + r->dropped, upto - r->dropped, MADV_DONTNEED);
  r->dropped = upto;
}

LedeReader *lede_reader_open(const char *path, char **err)
{
  LedeReader *r = calloc(1, sizeof *r);
  if (!r) { if (err) *err = strdup("out of memory"); return NULL; }
  if (strcmp(path, "-") != 0 && map_file(r, path)) return r;
  int fd = strcmp(path, "-") == 0 ? dup(0) : -1;
  errno = 0;
  r->gz = fd >= 0 ? gzdopen(fd, "rb") : gzopen(path, "rb");
  r->buf = malloc(CHUNK);
  if (!r->gz || !r->buf) {
    if (err) *err = strdup(errno ? strerror(errno) : "cannot open");
    if (r->gz) gzclose(r->gz);
    free(r->buf);
    free(r);
    return NULL;
  }
  gzbuffer(r->gz, CHUNK);
  r->cap = CHUNK;
  return r;
}

LedeReader *lede_reader_mem(const char *p, size_t n)
{
  LedeReader *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->mem = p;
  r->memlen = n;
  r->buf = (char *)p;    /* read-only view; never written */
  r->len = n;
  r->eof = 1;
  return r;
}

void lede_reader_close(LedeReader *r)
{
  if (!r) return;
  if (r->gz) { gzclose(r->gz); free(r->buf); }
  if (r->map) {
    if (mapped == r) mapped = NULL;
    munmap(r->map, r->memlen);
  }
  free(r);
}

/* Refill the buffer after moving what is unconsumed to its front. */
static int refill(LedeReader *r)
{
  if (r->eof || r->failed || !r->gz) return 0;
  if (r->pos > 0) {
    memmove(r->buf, r->buf + r->pos, r->len - r->pos);
    r->len -= r->pos;
    r->pos = 0;
  }
  if (r->len == r->cap) {
    char *b = realloc(r->buf, r->cap * 2);
    if (!b) { r->failed = 1; snprintf(r->err, sizeof r->err, "out of memory"); return 0; }
    r->buf = b;
    r->cap *= 2;
  }
  int n = gzread(r->gz, r->buf + r->len, (unsigned)(r->cap - r->len > (1u << 30) ? (1u << 30) : r->cap - r->len));
  if (n < 0) {
    int code;
    const char *m = gzerror(r->gz, &code);
    snprintf(r->err, sizeof r->err, "%s", code == Z_ERRNO ? strerror(errno) : m);
    r->failed = 1;
    return 0;
  }
  if (n == 0) {
    int code;
    const char *m = gzerror(r->gz, &code);
    if (code != Z_OK && code != Z_STREAM_END) {
      snprintf(r->err, sizeof r->err, "%s", code == Z_ERRNO ? strerror(errno) : m);
      r->failed = 1;
    }
    r->eof = 1;
    return 0;
  }
  r->len += (size_t)n;
  return 1;
}

int lede_reader_getc(LedeReader *r)
{
  if (r->cut && was_cut(r)) return -1;
  if (r->pos == r->len && !refill(r)) return -1;
  if (r->pos == r->len) return -1;
  return (unsigned char)r->buf[r->pos++];
}

int lede_reader_line(LedeReader *r, const char **line, size_t *len)
{
  size_t scanned = 0;
  let_go(r);
  if (r->map && was_cut(r)) return -1;
  for (;;) {
    char *nl = memchr(r->buf + r->pos + scanned, '\n', r->len - r->pos - scanned);
    if (r->map && was_cut(r)) return -1;
    if (nl) {
      *line = r->buf + r->pos;
      *len = (size_t)(nl - *line);
      r->pos += *len + 1;
      return 1;
    }
    scanned = r->len - r->pos;
    if (!refill(r)) break;
  }
  if (r->failed) return -1;
  if (r->pos == r->len) return 0;
  *line = r->buf + r->pos;        /* a last line without "\n" */
  *len = r->len - r->pos;
  r->pos = r->len;
  return 1;
}

char *lede_reader_all(LedeReader *r, size_t *n)
{
  while (refill(r)) {}
  if (r->failed) return NULL;
  size_t k = r->len - r->pos;
  char *out = malloc(k + 1);
  if (!out) return NULL;
  memcpy(out, r->buf + r->pos, k);
  if (r->map && was_cut(r)) { free(out); return NULL; }
  out[k] = '\0';
  r->pos = r->len;
  *n = k;
  return out;
}

double lede_reader_offset(LedeReader *r)
{
  if (!r->gz) return (double)r->pos;
  z_off_t off = gzoffset(r->gz);
  return off >= 0 ? (double)off : 0.0;
}

const char *lede_reader_error(LedeReader *r)
{
  return r->failed ? r->err : NULL;
}
