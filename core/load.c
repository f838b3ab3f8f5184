/*
 * load.c -- from paths to stored documents.
 *
 * Paths are expanded first (folders walked in name order, globs matched),
 * so the total size is known for the progress line.  Each file is then read
 * by the loader for its format; every document goes through
 * lede_text_clean() and into the store.  Documents are committed in
 * batches: a batch is one transaction, so a load killed at any moment
 * leaves whole documents only, and a store failure rolls back the batch in
 * flight and nothing else.  Trouble with one file or record is a problem
 * in the summary, never a reason to stop.
 *
 * Two threads share the work when the store indexes on threads of its
 * own: a reader thread reads, parses, cleans, repairs and identifies the
 * language of each document (and hashes its text), and hands finished
 * documents (and problems, in their place among them) over a queue
 * bounded in bytes to the calling thread, which alone uses SQLite: it
 * stores them in order and passes their text to the indexing threads.  A
 * document that the Lua boilerplate filter must see crosses the queue
 * unfinished, and the calling thread, which owns the Lua state, filters
 * and finishes it.  With --threads 0 everything runs on the calling
 * thread, as one.
 *
 * A batch commits on a thread of its own.  Meanwhile the calling thread
 * cannot use SQLite, but it goes on: a document the store can prove new
 * gets its id ahead of its rows and goes to the indexing threads, and
 * its rows are inserted in the next batch, the one its postings belong
 * to (reserve, put_rows; store.c, lede_store_reserve).  So the indexing
 * threads are not left idle while a batch is written and synced.
 */
#define _GNU_SOURCE         /* pthread_setname_np: names in perf and top */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "lede_int.h"

/* A batch ends at whichever comes first: documents, text, or the memory
 * the indexing threads hold.  Their runs bound that memory already (runs
 * spill as segments), so the memory limit is only a backstop; documents
 * and text keep batches short enough that an interrupted load keeps most
 * of what it read, and that a batch's pages, held in memory until its
 * commit during a load (store.c), stay a few tens of megabytes. */
#define BATCH_DOCS   50000
#define BATCH_BYTES  (32u << 20)
#define BATCH_MEMORY (512u << 20)

typedef struct FileList {
  char **path;
  double *size;
  size_t n, cap;
} FileList;

/* A document on its way to the store; finish() takes it the rest of the
 * way whatever format it came from.  Strings are owned; file is the
 * file list's, which outlives the load. */
typedef struct Doc {
  const char *file;
  long line;
  LedeFormat fmt;          /* TEXT, HTML, JSONL, CSV */
  char *text;
  size_t n;
  char *title, *date_raw, *source, *uri, *lang;
  LedeBuf meta;            /* object members, without the braces */
  int title_from_text;     /* the first line left is the title */
  int date_from_text;      /* look for a dateline near the top */
} Doc;

/* What reading hands to storing, in the order it was read: a document
 * ready to store, a document the filter has yet to see, or a problem. */
enum { ITEM_DOC, ITEM_RAW, ITEM_PROBLEM };

typedef struct Item {
  struct Item *next;
  struct Item *next_handoff;   /* the first item of a hand-off: the next one */
  size_t handoff_bytes;        /*   and the bytes this one holds */
  int kind;
  int records;             /* a WARC file's: problems name records */
  LedeDocIn in;            /* ITEM_DOC: every string owned */
  Doc doc;                 /* ITEM_RAW */
  LedeProblem prob;        /* ITEM_PROBLEM */
  const char *file;        /* ITEM_DOC: the file list's */
  long line;
  uint64_t hash;           /* ITEM_DOC: of the text, by the reader */
  int64_t id;              /* reserved: its id, and who holds it (the */
  atomic_int holders;      /*   backlog, an indexing thread) */
  size_t bytes;            /* what it holds, for the queue's bound */
  double done;             /* bytes read and files opened when it was */
  long files;              /*   read, for the progress line */
} Item;

/* The reader thread's queue: a list of hand-offs (lists of items), with
 * the bytes they hold bounded.  The reader hands a list over once it
 * holds HANDOFF bytes, so the two threads meet a few hundred times per
 * 100 MB, not once per document. */
#define QUEUE_BYTES (4u << 20)
#define HANDOFF     (128u << 10)

typedef struct Queue {
  pthread_mutex_t mu;
  pthread_cond_t more, room;
  Item *head, *tail;       /* first items of hand-offs */
  size_t bytes;            /* held by queued and unfinished hand-offs */
  int closed;              /* the reader is done */
} Queue;

/* Fields by owner, while a reader thread runs: the reader alone uses
 * records, done_bytes, rs and the hand-off it is filling; the calling
 * thread alone everything else but o, total and the file list, which
 * neither changes.  stop is how storing tells reading to give up. */
typedef struct Loader {
  LedeStore *st;
  const LedeLoadOpts *o;
  LedeLoadSummary *sum;
  int in_txn, failed;
  atomic_int stop;         /* failed, seen by the reader */
  pthread_t committer;     /* a batch's commit, while reading goes on */
  int committing, commit_rc;
  atomic_int commit_done;
  char *commit_file;
  long commit_line, commit_docs;
  Item *pend, *pend_tail;  /* one thread: read while a commit runs */
  size_t pend_bytes;
  Item *rsv, *rsv_tail;    /* reserved while a commit runs (reserve) */
  size_t rsv_bytes;
  long rsv_docs;
  double put_debt;         /* bytes of rows put_share owes */
  Queue *q;                /* NULL: no reader thread */
  pthread_t reader;
  Item *out, *out_tail;    /* the reader's hand-off being filled */
  size_t out_bytes;
  size_t batch_docs, batch_bytes;
  double total, done_bytes, t0, last_draw, shown_bytes;
  long shown_files;
  int drew;
  int records;      /* a WARC file: problems' line numbers are records */
  int item_records; /* the same, for the item being stored */
  LedeLoadSummary rs;      /* the reader's counts: files, bytes, repairs */
} Loader;

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The load a reader thread reads for; NULL on every other thread. */
static _Thread_local const struct Loader *reading;

static int on_reader(const Loader *L) { return reading == L; }

static int stopped(Loader *L) { return atomic_load_explicit(&L->stop, memory_order_relaxed); }

/* Ctrl-C: the flag a signal handler sets on the thread running Lua. */
static int interrupted(const Loader *L) { return L->o->interrupt && *L->o->interrupt; }

/* Whether reading should stop: the reader thread learns of an interrupt
 * from the storing thread (through stop), never from the handler's flag. */
static int halted(Loader *L) { return on_reader(L) ? stopped(L) : interrupted(L); }

static void fail(Loader *L, int rc)
{
  if (!L->failed) L->failed = rc;
  atomic_store(&L->stop, 1);
}

static void emit(Loader *L, Item *it);

/* ---- problems ---------------------------------------------------------- */

/* Into the summary, on the storing side; the message is moved. */
static void add_problem(Loader *L, LedeProblem *p)
{
  LedeLoadSummary *s = L->sum;
  if (s->nproblems % 64 == 0) {
    LedeProblem *v = realloc(s->problems, (s->nproblems + 64) * sizeof *v);
    if (!v) { free(p->file); free(p->message); return; }
    s->problems = v;
  }
  s->problems[s->nproblems++] = *p;
  if (p->skipped) s->skipped++;
}

static void vformat(LedeProblem *p, int records, const char *file, long line,
                    int skipped, const char *fmt, va_list ap)
{
  char msg[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  p->file = strdup(file ? file : "");
  p->line = line;
  if (records && line > 0) {
    char rec[600];
    snprintf(rec, sizeof rec, "record %ld: %s", line, msg);
    p->line = 0;
    p->message = strdup(rec);
  } else {
    p->message = strdup(msg);
  }
  p->skipped = skipped;
}

/* A problem met while storing: straight into the summary. */
static void store_problem(Loader *L, const char *file, long line, int skipped,
                          const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void store_problem(Loader *L, const char *file, long line, int skipped,
                          const char *fmt, ...)
{
  LedeProblem p;
  va_list ap;
  va_start(ap, fmt);
  vformat(&p, L->item_records, file, line, skipped, fmt, ap);
  va_end(ap);
  add_problem(L, &p);
}

/* A problem met while reading: it takes its place among the documents. */
static void problem(Loader *L, const char *file, long line, int skipped,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void problem(Loader *L, const char *file, long line, int skipped,
                    const char *fmt, ...)
{
  Item *it = calloc(1, sizeof *it);
  if (!it) return;
  it->kind = ITEM_PROBLEM;
  it->records = on_reader(L) || !L->q ? L->records : L->item_records;
  va_list ap;
  va_start(ap, fmt);
  vformat(&it->prob, it->records, file, line, skipped, fmt, ap);
  va_end(ap);
  it->bytes = sizeof *it;
  emit(L, it);
}

/* ---- progress ---------------------------------------------------------- */

static void draw_progress(Loader *L, int final)
{
  if (!L->o->progress || !isatty(2)) return;
  double t = now(), el = t - L->t0;
  if (!final && (el < 1.0 || t - L->last_draw < 0.25)) return;
  if (final && !L->drew) return;
  L->last_draw = t;
  L->drew = 1;
  double mb = L->shown_bytes / 1e6, rate = el > 0 ? mb / el : 0;
  char eta[32] = "";
  if (L->total > 0 && rate > 0 && !final) {
    int left = (int)((L->total / 1e6 - mb) / rate);
    if (left < 0) left = 0;
    snprintf(eta, sizeof eta, ", ETA %d:%02d", left / 60, left % 60);
  }
  fprintf(stderr, "\r\033[Klede: %ld files, %ld docs, %.1f MB, %.1f MB/s%s",
          L->shown_files, L->sum->added, mb, rate, eta);
  if (final) fputc('\n', stderr);
  fflush(stderr);
}

/* ---- storing ------------------------------------------------------------ */

/* A batch commits on a thread of its own (commit_main): the commit waits
 * for the indexing threads to finish the batch's runs, writes them and
 * syncs the file, while reading goes on: on the reader thread, until the
 * queue is full; on one thread, up to PARSE_AHEAD bytes of documents
 * read, cleaned and identified, which are stored, in order, once the
 * commit is done.  SQLite is only ever used by one thread at a time. */
#define PARSE_AHEAD (8u << 20)

static void *commit_main(void *arg)
{
  Loader *L = arg;
  pthread_setname_np(pthread_self(), "lede-commit");
  L->commit_rc = lede_store_commit(L->st);
  atomic_store(&L->commit_done, 1);
  return NULL;
}

static void item_free(Item *it);
static void release(void *ud);

/* The documents reserved and not yet inserted (the backlog), freed:
 * they are lost with their batch. */
static void drop_reserved(Loader *L)
{
  L->sum->added -= L->rsv_docs;
  while (L->rsv) {
    Item *it = L->rsv;
    L->rsv = it->next;
    release(it);
  }
  L->rsv_tail = NULL;
  L->rsv_bytes = 0;
  L->rsv_docs = 0;
}

/* A commit that failed loses its batch and what was reserved meanwhile:
 * say what it cost. */
static void commit_ended(Loader *L)
{
  if (L->commit_rc == LEDE_OK) return;
  lede_store_rollback(L->st);
  L->sum->added -= L->commit_docs;
  fail(L, L->commit_rc);
  store_problem(L, L->commit_file, L->commit_line, 1,
                "%s (the last %ld documents were not stored)",
                lede_store_errmsg(L->st), L->commit_docs + L->rsv_docs);
  drop_reserved(L);
}

static void store_now(Loader *L, const LedeDocIn *d, const uint64_t *hash,
                      const char *file, long line);

/* After the commit: the next transaction begins with the documents
 * reserved meanwhile, whose rows are inserted from then on (put_rows);
 * if another process took their ids, they are stored afresh. */
static void resume(Loader *L)
{
  int again = 0;
  int rc = L->failed ? LEDE_OK : lede_store_resume(L->st, &again);
  if (L->failed) {
    drop_reserved(L);
  } else if (rc != LEDE_OK) {
    fail(L, rc);
    store_problem(L, L->rsv->file, L->rsv->line, 1, "%s (the last %ld documents were not stored)",
                  lede_store_errmsg(L->st), L->rsv_docs);
    drop_reserved(L);
  } else if (again) {
    Item *it = L->rsv;
    L->in_txn = 1;           /* resume began it */
    L->batch_docs -= (size_t)L->rsv_docs;
    L->batch_bytes -= L->rsv_bytes;
    L->sum->added -= L->rsv_docs;
    L->rsv = L->rsv_tail = NULL;
    L->rsv_bytes = 0;
    L->rsv_docs = 0;
    for (Item *next; it; it = next) {
      next = it->next;
      L->item_records = it->records;
      store_now(L, &it->in, &it->hash, it->file, it->line);
      release(it);
    }
  } else if (L->rsv) {
    L->in_txn = 1;
  }
}

/* Wait for the commit in flight, if any. */
static void join_commit(Loader *L)
{
  if (!L->committing) return;
  pthread_join(L->committer, NULL);
  L->committing = 0;
  commit_ended(L);
  resume(L);
}

/* The batch in flight is lost: report what it cost. */
static void lose_batch(Loader *L, int rc, const char *file, long line)
{
  long lost = (long)L->batch_docs;
  if (L->in_txn) lede_store_rollback(L->st);
  L->in_txn = 0;
  L->sum->added -= lost;
  L->sum->added += L->rsv_docs;      /* counted in the batch already */
  drop_reserved(L);
  fail(L, rc);
  store_problem(L, file, line, 1, "%s (the last %ld documents were not stored)",
                lede_store_errmsg(L->st), lost);
}

/* Insert the rows of up to n reserved documents (n < 0: all), oldest
 * first; the commit in flight must be joined. */
static void put_rows(Loader *L, long n)
{
  while (L->rsv && n-- != 0) {
    Item *it = L->rsv;
    if (!(L->rsv = it->next)) L->rsv_tail = NULL;
    L->rsv_bytes -= it->in.text_len;
    L->rsv_docs--;
    if (!L->failed) {
      int rc = lede_store_add_reserved(L->st, &it->in, it->id, it->hash);
      if (rc != LEDE_OK) lose_batch(L, rc, it->file, it->line);
    }
    release(it);
  }
}

/* Every document so far stored: the commit joined, the backlog inserted. */
static void flush(Loader *L)
{
  join_commit(L);
  put_rows(L, -1);
}

static int end_batch_now(Loader *L)
{
  flush(L);
  if (!L->in_txn) return L->failed;
  L->in_txn = 0;
  L->batch_docs = L->batch_bytes = 0;
  int rc = lede_store_commit(L->st);
  if (rc != LEDE_OK) {
    lede_store_rollback(L->st);
    fail(L, rc);
  }
  return rc;
}

/* A thread with every signal blocked, so Ctrl-C still reaches the thread
 * running Lua. */
static int start_thread(pthread_t *t, void *(*fn)(void *), void *arg)
{
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int rc = pthread_create(t, NULL, fn, arg);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return rc;
}

/* Start committing the batch; file and line name the document that
 * ended it, should the commit fail. */
static void end_batch(Loader *L, const char *file, long line)
{
  if (!L->in_txn) return;
  put_rows(L, -1);
  if (L->failed) return;
  free(L->commit_file);
  L->commit_file = strdup(file ? file : "");
  L->commit_line = line;
  L->commit_docs = (long)L->batch_docs;
  L->in_txn = 0;
  L->batch_docs = L->batch_bytes = 0;
  atomic_store(&L->commit_done, 0);
  lede_store_commit_begin(L->st);
  if (start_thread(&L->committer, commit_main, L) == 0) { L->committing = 1; return; }
  L->commit_rc = lede_store_commit(L->st);      /* no thread: commit here */
  commit_ended(L);
  resume(L);
}

static int batch_full(Loader *L)
{
  return L->batch_docs >= BATCH_DOCS || L->batch_bytes >= BATCH_BYTES
         || lede_store_pending(L->st) >= BATCH_MEMORY;
}

/* Store one document now; a failing store ends the load (failed is sticky). */
static void store_now(Loader *L, const LedeDocIn *d, const uint64_t *hash,
                      const char *file, long line)
{
  flush(L);
  if (L->failed) return;
  int rc = LEDE_OK;
  if (!L->in_txn) {
    rc = lede_store_begin(L->st);
    if (rc == LEDE_OK) L->in_txn = 1;
  }
  int64_t id;
  if (rc == LEDE_OK) rc = hash ? lede_store_add_hashed(L->st, d, *hash, &id)
                                : lede_store_add(L->st, d, &id);
  if (rc == LEDE_DUPLICATE) {
    L->sum->duplicates++;
  } else if (rc == LEDE_OK) {
    L->sum->added++;
    L->batch_docs++;
    L->batch_bytes += d->text_len;
  } else {
    lose_batch(L, rc, file, line);
    return;
  }
  if (batch_full(L)) end_batch(L, file, line);
  draw_progress(L, 0);
}

/* A document the store proves new (lede_store_reserve) takes the next
 * id and goes to the indexing threads at once; its rows wait in the
 * backlog.  While a commit runs (until it is done, and up to
 * RESERVE_BYTES of text) that is all that happens, so the indexing
 * threads work on while the commit writes and syncs.  Otherwise each
 * document then inserts rows of the backlog (put_share): the backlog a
 * commit left is worked off while the indexing threads are fed. */
#define RESERVE_BYTES (16u << 20)

/* After a document of n bytes joins the backlog, rows of the backlog's
 * oldest: as many bytes as it has, and in proportion to the backlog
 * against the room left in the batch, so that the backlog a commit left
 * is gone when the batch is full and its end inserts few rows at once
 * (the indexing threads would wait). */
static void put_share(Loader *L, size_t n)
{
  size_t room = L->batch_bytes < BATCH_BYTES ? BATCH_BYTES - L->batch_bytes : 0;
  if (room <= n) { put_rows(L, -1); return; }
  L->put_debt += (double)n * (1.0 + (double)L->rsv_bytes / (double)room);
  while (L->rsv && L->put_debt > 0) {
    L->put_debt -= (double)L->rsv->in.text_len;
    put_rows(L, 1);
  }
  if (!L->rsv) L->put_debt = 0;
}

static int reserve(Loader *L, Item *it)
{
  if (L->committing && (atomic_load(&L->commit_done) || L->rsv_bytes >= RESERVE_BYTES))
    join_commit(L);
  atomic_store(&it->holders, 2);
  if (L->failed || !lede_store_reserve(L->st, &it->in, it->hash, &it->id, release, it))
    return 0;
  const char *file = it->file;
  long line = it->line;
  it->next = NULL;
  if (L->rsv_tail) L->rsv_tail->next = it; else L->rsv = it;
  L->rsv_tail = it;
  L->rsv_bytes += it->in.text_len;
  L->rsv_docs++;
  L->sum->added++;
  L->batch_docs++;
  L->batch_bytes += it->in.text_len;
  if (!L->committing) {
    put_share(L, it->in.text_len);
    if (!L->failed && batch_full(L)) end_batch(L, file, line);
  }
  draw_progress(L, 0);
  return 1;
}

static void doc_free(Doc *d)
{
  free(d->text); free(d->title); free(d->date_raw); free(d->source);
  free(d->uri); free(d->lang);
  lede_buf_free(&d->meta);
}

static void item_free(Item *it)
{
  if (it->kind == ITEM_DOC) {
    LedeDocIn *d = &it->in;
    free((char *)d->uri); free((char *)d->title); free((char *)d->source);
    free((char *)d->date); free((char *)d->date_raw); free((char *)d->lang);
    free((char *)d->meta_json); free((char *)d->text);
  } else if (it->kind == ITEM_RAW) {
    doc_free(&it->doc);
  } else {
    free(it->prob.file);
    free(it->prob.message);
  }
  free(it);
}

static void finish_filtered(Loader *L, Doc *d);

/* A reserved document is freed by the last of the backlog and the
 * indexing thread its text is lent to. */
static void release(void *ud)
{
  Item *it = ud;
  if (atomic_fetch_sub(&it->holders, 1) == 1) item_free(it);
}

/* Store what reading handed over.  Nothing is stored once the store has
 * failed: reading stops there, as a load on one thread would. */
static void consume(Loader *L, Item *it)
{
  if (L->failed) { item_free(it); return; }
  L->item_records = it->records;
  L->shown_bytes = it->done;
  L->shown_files = it->files;
  if (it->kind == ITEM_PROBLEM) {
    add_problem(L, &it->prob);
    it->prob.file = it->prob.message = NULL;
  } else if (it->kind == ITEM_RAW) {
    finish_filtered(L, &it->doc);
  } else if (reserve(L, it)) {
    return;
  } else {
    store_now(L, &it->in, &it->hash, it->file, it->line);
  }
  item_free(it);
}

/* One thread: store what was read while the commit ran, in order. */
static void drain(Loader *L)
{
  join_commit(L);
  while (L->pend) {
    Item *it = L->pend;
    L->pend = it->next;
    consume(L, it);
  }
  L->pend_tail = NULL;
  L->pend_bytes = 0;
}

/* ---- the reader thread's queue ------------------------------------------ */

static Queue *queue_new(void)
{
  Queue *q = calloc(1, sizeof *q);
  if (!q) return NULL;
  pthread_mutex_init(&q->mu, NULL);
  pthread_cond_init(&q->more, NULL);
  pthread_cond_init(&q->room, NULL);
  return q;
}

static void queue_free(Queue *q)
{
  if (!q) return;
  pthread_mutex_destroy(&q->mu);
  pthread_cond_destroy(&q->more);
  pthread_cond_destroy(&q->room);
  free(q);
}

/* The reader hands over what it holds, waiting while the queue is full;
 * last also says it is done. */
static void hand_off(Loader *L, int last)
{
  Queue *q = L->q;
  Item *h = L->out;
  pthread_mutex_lock(&q->mu);
  while (h && q->bytes && q->bytes + L->out_bytes > QUEUE_BYTES)
    pthread_cond_wait(&q->room, &q->mu);
  if (h) {
    h->next_handoff = NULL;
    h->handoff_bytes = L->out_bytes;
    if (q->tail) q->tail->next_handoff = h; else q->head = h;
    q->tail = h;
    q->bytes += L->out_bytes;
  }
  if (last) q->closed = 1;
  pthread_cond_signal(&q->more);
  pthread_mutex_unlock(&q->mu);
  L->out = L->out_tail = NULL;
  L->out_bytes = 0;
}

/* The reader may be blocked in a read that no data will end (standard
 * input from a terminal, a stalled pipe): Ctrl-C reaches the storing
 * thread, which then sends the reader POKE, whose handler does nothing
 * but is installed without SA_RESTART, so the read returns EINTR and the
 * reader sees the stop.  Sent again while the reader is not done, in case
 * it arrived just before the read began. */
#define POKE SIGURG

static void poked(int sig) { (void)sig; }

static void install_poke(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = poked;
  sigemptyset(&sa.sa_mask);
  sigaction(POKE, &sa, NULL);
}

/* Wait for the reader's next hand-off, at most 100 ms at a time: an
 * interrupt meanwhile stops the reader. */
static void wait_more(Loader *L, Queue *q)
{
  if (interrupted(L)) {
    atomic_store(&L->stop, 1);
    pthread_kill(L->reader, POKE);
  }
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += 100000000L;
  if (ts.tv_nsec >= 1000000000L) { ts.tv_sec++; ts.tv_nsec -= 1000000000L; }
  pthread_cond_timedwait(&q->more, &q->mu, &ts);
}

/* The next hand-off (a list of items), once the previous one's bytes
 * (done) are stored; NULL when the reader is done and all is stored. */
static Item *take(Loader *L, size_t done, size_t *bytes)
{
  Queue *q = L->q;
  pthread_mutex_lock(&q->mu);
  q->bytes -= done;
  if (done) pthread_cond_signal(&q->room);
  while (!q->head && !q->closed) wait_more(L, q);
  Item *h = q->head;
  if (h && !(q->head = h->next_handoff)) q->tail = NULL;
  pthread_mutex_unlock(&q->mu);
  *bytes = h ? h->handoff_bytes : 0;
  return h;
}

/* Where an item goes: into the reader's hand-off; straight to the store
 * on the storing side of a reader thread; else behind the documents read
 * while a commit runs, all of which are stored once it is done. */
static void emit(Loader *L, Item *it)
{
  it->next = NULL;
  if (!L->q || on_reader(L)) {
    it->done = L->done_bytes;
    it->files = L->rs.files;
  } else {
    it->done = L->shown_bytes;
    it->files = L->shown_files;
  }
  if (on_reader(L)) {
    if (L->out_tail) L->out_tail->next = it; else L->out = it;
    L->out_tail = it;
    L->out_bytes += it->bytes;
    if (L->out_bytes >= HANDOFF) hand_off(L, 0);
    return;
  }
  if (L->q) { consume(L, it); return; }
  if (L->pend_tail) L->pend_tail->next = it; else L->pend = it;
  L->pend_tail = it;
  L->pend_bytes += it->bytes;
  if (!L->committing || atomic_load(&L->commit_done) || L->pend_bytes > PARSE_AHEAD) drain(L);
}

/* A finished document, its strings moved from d, to be stored in turn;
 * a document without a language gets one here (langid.c). */
static void store_doc(Loader *L, Doc *d, char *date, char *meta)
{
  Item *it = calloc(1, sizeof *it);
  const char *lang = NULL;      /* NULL: no language told (another script, no words) */
  if (!it || (!d->uri && !(d->uri = strdup(d->file)))
      || (!d->lang && (lang = lede_langid(d->text, d->n)) && !(d->lang = strdup(lang)))) {
    free(it); free(date); free(meta);
    problem(L, d->file, d->line, 1, "out of memory; skipped");
    return;
  }
  it->kind = ITEM_DOC;
  it->records = on_reader(L) || !L->q ? L->records : L->item_records;
  it->in = (LedeDocIn){.uri = d->uri, .title = d->title, .source = d->source,
                       .date = date, .date_raw = d->date_raw, .lang = d->lang,
                       .meta_json = meta, .text = d->text, .text_len = d->n};
  d->uri = d->title = d->source = d->date_raw = d->lang = d->text = NULL;
  it->hash = lede_store_hash(it->in.text, it->in.text_len);
  it->file = d->file;
  it->line = d->line;
  it->bytes = sizeof *it + it->in.text_len + (meta ? strlen(meta) : 0);
  emit(L, it);
}

/* A document the filter must see goes to the thread that owns Lua. */
static void store_raw(Loader *L, Doc *d)
{
  Item *it = calloc(1, sizeof *it);
  if (!it) { problem(L, d->file, d->line, 1, "out of memory; skipped"); return; }
  it->kind = ITEM_RAW;
  it->records = L->records;
  it->doc = *d;
  memset(d, 0, sizeof *d);
  it->file = it->doc.file;
  it->line = it->doc.line;
  it->bytes = sizeof *it + it->doc.n + it->doc.meta.n;
  emit(L, it);
}

/* Clean the text; report what was done.  NULL when there is no text. */
static char *clean(Loader *L, const char *raw, size_t n, unsigned flags,
                   const char *file, long line, size_t *outn)
{
  char *out = NULL;
  LedeTextInfo ti;
  int rc = lede_text_clean(raw, n, flags, &out, outn, &ti);
  if (rc == LEDE_EBINARY) {
    problem(L, file, line, 1, "binary data (NUL byte at offset %zu); skipped",
            ti.nul_offset);
    return NULL;
  }
  if (rc != LEDE_OK) {
    problem(L, file, line, 1, "out of memory; skipped");
    return NULL;
  }
  if (ti.encoding == LEDE_ENC_CP1252 || ti.encoding == LEDE_ENC_UTF16LE
      || ti.encoding == LEDE_ENC_UTF16BE) {
    problem(L, file, line, 0, "not UTF-8: converted from %s",
            lede_encoding_name(ti.encoding));
    L->rs.repaired++;
  } else if (ti.invalid) {
    problem(L, file, line, 0, "%zu invalid UTF-8 sequence%s replaced by U+FFFD",
            ti.invalid, ti.invalid == 1 ? "" : "s");
    L->rs.repaired++;
  }
  return out;
}

static int blank(const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\n' && s[i] != '\t' && s[i] != '\r') return 0;
  return 1;
}

/* ---- text files ------------------------------------------------------- */

/* The first non-empty line, trimmed, as a title. */
static char *first_line(const char *t, size_t n)
{
  size_t i = 0;
  while (i < n) {
    size_t e = i;
    while (e < n && t[e] != '\n') e++;
    size_t a = i, b = e;
    while (a < b && (t[a] == ' ' || t[a] == '\t')) a++;
    while (b > a && (t[b - 1] == ' ' || t[b - 1] == '\t')) b--;
    if (b > a) {
      if (b - a > 300) b = a + 300;
      while (b > a && ((unsigned char)t[b] & 0xC0) == 0x80 && b < n) b--;
      return strndup(t + a, b - a);
    }
    i = e + 1;
  }
  return NULL;
}

/* A date on a line of its own near the top ("8 Dec, 2021 11:53",
 * "Published 13:56 IST, November 19th 2021"), as scraped pages have. */
static LedeDatePrecision date_line(const char *t, size_t n, char iso[LEDE_ISO_MAX],
                                   char **raw)
{
  size_t i = 0;
  for (int lines = 0; i < n && lines < 12; lines++) {
    size_t e = i;
    while (e < n && t[e] != '\n') e++;
    if (e - i > 3 && e - i < 80) {
      LedeDatePrecision p = lede_date_parse(t + i, e - i, iso);
      if (p >= LEDE_DATE_DAY) { *raw = strndup(t + i, e - i); return p; }
    }
    i = e + 1;
  }
  return LEDE_DATE_NONE;
}

/* A YYYY-MM-DD in the file's name ("2024-03-05-talks.txt"), as scrapers
 * often name what they save; the date of last resort for text files. */
static LedeDatePrecision name_date(const char *path, char iso[LEDE_ISO_MAX], char **raw)
{
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  for (const char *p = base; p[0] && p[1]; p++) {
    if (strlen(p) < 10) break;
    if (p > base && p[-1] >= '0' && p[-1] <= '9') continue;
    if (lede_date_parse(p, 10, iso) == LEDE_DATE_DAY && (p[10] < '0' || p[10] > '9')) {
      *raw = strndup(p, 10);
      return LEDE_DATE_DAY;
    }
  }
  iso[0] = '\0';
  return LEDE_DATE_NONE;
}

/* Name of the folder holding path, for source_from_dir. */
static char *dir_name(const char *path)
{
  const char *end = strrchr(path, '/');
  if (!end) return NULL;
  const char *start = end;
  while (start > path && start[-1] != '/') start--;
  return end > start ? strndup(start, (size_t)(end - start)) : NULL;
}

/* ---- one document: repair, filter, title, date, store --------------------- */

/* Add "key": value to the meta unless the key is there already. */
static void meta_str(Doc *d, const char *key, const char *v)
{
  if (!v) return;
  LedeBuf k = {0};
  lede_json_quote(&k, key, strlen(key));
  lede_buf_addc(&k, ':');
  if (!k.p || (d->meta.p && strstr(d->meta.p, k.p))) { lede_buf_free(&k); return; }
  if (d->meta.n) lede_buf_addc(&d->meta, ',');
  lede_buf_add(&d->meta, k.p, k.n);
  lede_json_quote(&d->meta, v, strlen(v));
  lede_buf_free(&k);
}

static void replace_text(Doc *d, char *t, size_t n)
{
  free(d->text);
  d->text = t;
  d->n = n;
}

/* Mojibake and entities; HTML has had its entities decoded by the parser
 * but a page that escaped them twice still shows "&amp;rsquo;". */
static void repair(Loader *L, Doc *d)
{
  if (L->o->no_repair) return;
  char *t;
  size_t tn, k = lede_repair_mojibake(d->text, d->n, &t, &tn);
  if (k) {
    replace_text(d, t, tn);
    L->rs.mojibake++;
    L->rs.repaired++;
    problem(L, d->file, d->line, 0, "mojibake repaired (%zu place%s)", k, k == 1 ? "" : "s");
  }
  if ((k = lede_repair_entities(d->text, d->n, &t, &tn))) {
    replace_text(d, t, tn);
    L->rs.entities++;
  }
  if (d->title) {
    if (lede_repair_mojibake(d->title, strlen(d->title), &t, &tn)) { free(d->title); d->title = t; }
    if (lede_repair_entities(d->title, strlen(d->title), &t, &tn)) { free(d->title); d->title = t; }
  }
}

/* Append the members of a JSON object given as text to the meta. */
static void meta_members(Doc *d, const char *json)
{
  size_t n = strlen(json);
  while (n && (json[n - 1] == ' ' || json[n - 1] == '\n')) n--;
  if (n < 2 || json[0] != '{' || json[n - 1] != '}') return;
  const char *a = json + 1;
  size_t m = n - 2;
  while (m && *a == ' ') { a++; m--; }
  if (!m) return;
  if (d->meta.n) lede_buf_addc(&d->meta, ',');
  lede_buf_add(&d->meta, a, m);
}

/* Whether the boilerplate filter sees this document. */
static int filtered(const Loader *L, const Doc *d)
{
  return L->o->filter && (L->o->filter_records
                          || (d->fmt != LEDE_FMT_JSONL && d->fmt != LEDE_FMT_CSV));
}

static void run_filter(Loader *L, Doc *d)
{
  const LedeLoadOpts *o = L->o;
  flush(L);                /* the filter is Lua, which may use the corpus */
  LedeFilterDoc f = {.file = d->file, .line = d->line, .format = d->fmt,
                     .text = d->text, .text_len = d->n};
  o->filter(o->filter_ud, &f);
  if (f.error) problem(L, d->file, d->line, 0, "boilerplate filter: %s", f.error);
  else {
    if (f.new_text) { replace_text(d, f.new_text, f.new_len); f.new_text = NULL; }
    if (f.date && !d->date_raw) { d->date_raw = f.date; f.date = NULL; }
    meta_str(d, "author", f.author);
    if (f.meta_json) meta_members(d, f.meta_json);
    L->sum->boilerplate += f.removed;
  }
  free(f.new_text); free(f.date); free(f.author); free(f.meta_json); free(f.error);
}

/* Title, date and meta once the text is final; then the store. */
static void complete(Loader *L, Doc *d)
{
  if (blank(d->text, d->n)) {
    problem(L, d->file, d->line, 1, "%s", d->fmt == LEDE_FMT_HTML
            ? "no article text found in the page; skipped"
            : "no text left once boilerplate was taken out; skipped");
    return;
  }
  if (d->title_from_text && !d->title) d->title = first_line(d->text, d->n);
  char iso[LEDE_ISO_MAX] = "";
  if (!d->date_raw && d->date_from_text) date_line(d->text, d->n, iso, &d->date_raw);
  if (!d->date_raw && d->fmt == LEDE_FMT_TEXT) name_date(d->file, iso, &d->date_raw);
  if (d->date_raw && lede_date_parse(d->date_raw, strlen(d->date_raw), iso) == LEDE_DATE_NONE)
    problem(L, d->file, d->line, 0, "date not understood, kept as written: \"%.60s\"", d->date_raw);
  LedeBuf meta = {0};
  lede_buf_addc(&meta, '{');
  if (d->meta.n) lede_buf_add(&meta, d->meta.p, d->meta.n);
  lede_buf_addc(&meta, '}');
  char *date = *iso ? strdup(iso) : NULL;
  if (!meta.p || (*iso && !date)) {
    free(date);
    lede_buf_free(&meta);
    problem(L, d->file, d->line, 1, "out of memory; skipped");
    return;
  }
  store_doc(L, d, date, meta.p);
}

/* The filter runs on the thread that owns the Lua state: a reader thread
 * hands such documents over unfinished (store_raw). */
static void finish(Loader *L, Doc *d)
{
  repair(L, d);
  if (filtered(L, d)) {
    if (on_reader(L)) { store_raw(L, d); return; }
    run_filter(L, d);
  }
  complete(L, d);
}

static void finish_filtered(Loader *L, Doc *d)
{
  run_filter(L, d);
  complete(L, d);
}

static char *source_for(Loader *L, const char *file)
{
  return L->o->source ? strdup(L->o->source)
       : L->o->source_from_dir ? dir_name(file) : NULL;
}

static void load_text(Loader *L, const char *file, LedeReader *r)
{
  size_t n, tn;
  char *raw = lede_reader_all(r, &n);
  if (!raw) {
    const char *e = lede_reader_error(r);
    problem(L, file, 0, 1, "cannot read: %s", e ? e : "out of memory");
    return;
  }
  L->done_bytes += (double)n;
  char *text = clean(L, raw, n, LEDE_TEXT_ALL, file, 0, &tn);
  free(raw);
  if (!text) return;
  if (blank(text, tn)) {
    problem(L, file, 0, 1, "empty file; skipped");
    free(text);
    return;
  }
  Doc d = {.file = file, .fmt = LEDE_FMT_TEXT, .text = text, .n = tn,
           .source = source_for(L, file),
           .title_from_text = L->o->title_from_first_line, .date_from_text = 1};
  meta_str(&d, "file", file);
  finish(L, &d);
  doc_free(&d);
}

/* ---- web pages and web archives ------------------------------------------ */

/* Bytes of a page as UTF-8: the declared charset when the bytes are not
 * UTF-8 already, else the usual detection (Windows-1252 guess). */
static char *page_utf8(Loader *L, const char *raw, size_t n, const char *http_ct,
                       const char *file, long line, size_t *outn)
{
  char cs[40] = "";
  if (http_ct) lede_html_charset(http_ct, strlen(http_ct), cs, sizeof cs);
  if (!*cs) lede_html_charset(raw, n, cs, sizeof cs);
  if (*cs && strcmp(cs, "utf-8") != 0 && strcmp(cs, "utf8") != 0
      && !lede_utf8_valid(raw, n)) {
    char *u;
    size_t un;
    if (lede_html_recode(raw, n, cs, &u, &un) == LEDE_OK) {
      char *out = clean(L, u, un, LEDE_TEXT_NEWLINES, file, line, outn);
      free(u);
      if (out && strcmp(cs, "windows-1252") && strcmp(cs, "iso-8859-1")
          && strcmp(cs, "us-ascii")) {
        problem(L, file, line, 0, "not UTF-8: converted from %s", cs);
        L->rs.repaired++;
      }
      return out;
    }
    problem(L, file, line, 0, "unknown charset \"%s\"; read as UTF-8", cs);
  }
  return clean(L, raw, n, LEDE_TEXT_DETECT | LEDE_TEXT_NEWLINES, file, line, outn);
}

/* One page: its article into the store.  uri and date come from a WARC
 * record when the page says nothing better. */
static void load_page(Loader *L, const char *raw, size_t n, const char *file, long line,
                      const char *http_ct, const char *uri, const char *date)
{
  size_t un;
  char *u = page_utf8(L, raw, n, http_ct, file, line, &un);
  if (!u) return;
  LedeHtmlDoc h;
  char err[160];
  int rc = lede_html_extract(u, un, &h, err, sizeof err);
  free(u);
  if (rc != LEDE_OK) {
    problem(L, file, line, 1, "%s; skipped", err);
    lede_html_doc_free(&h);
    return;
  }
  size_t tn = 0;
  char *text = h.text_len ? clean(L, h.text, h.text_len, LEDE_TEXT_NFC, file, line, &tn) : NULL;
  if (!text && h.text_len) { lede_html_doc_free(&h); return; }
  Doc d = {.file = file, .line = line, .fmt = LEDE_FMT_HTML,
           .text = text ? text : strdup(""), .n = tn,
           .title = h.title, .date_raw = h.date ? h.date : date ? strdup(date) : NULL,
           .source = source_for(L, file), .uri = h.url ? h.url : uri ? strdup(uri) : NULL};
  h.title = h.date = h.url = NULL;
  if (!d.source && h.site) d.source = strdup(h.site);
  meta_str(&d, "file", file);
  if (uri) meta_str(&d, "url", uri);
  if (date) meta_str(&d, "crawled", date);
  meta_str(&d, "author", h.author);
  meta_str(&d, "site", h.site);
  meta_str(&d, "publisher", h.publisher);
  meta_str(&d, "description", h.description);
  meta_str(&d, "section", h.section);
  meta_str(&d, "modified", h.modified);
  meta_str(&d, "type", h.type);
  meta_str(&d, "html_lang", h.lang);
  lede_html_doc_free(&h);
  finish(L, &d);
  doc_free(&d);
}

static void load_html(Loader *L, const char *file, LedeReader *r)
{
  size_t n;
  char *raw = lede_reader_all(r, &n);
  if (!raw) {
    const char *e = lede_reader_error(r);
    problem(L, file, 0, 1, "cannot read: %s", e ? e : "out of memory");
    return;
  }
  L->done_bytes += (double)n;
  load_page(L, raw, n, file, 0, NULL, NULL, NULL);
  free(raw);
}

static int is_html_type(const char *ct)
{
  if (!ct) return 0;
  while (*ct == ' ') ct++;
  return strncasecmp(ct, "text/html", 9) == 0 || strncasecmp(ct, "application/xhtml", 17) == 0;
}

/* Response records holding HTML with status 200 load as pages (resource
 * records holding HTML too); other records are passed over quietly. */
static void load_warc(Loader *L, const char *file, LedeReader *r)
{
  LedeWarc *w = lede_warc_new(r);
  if (!w) { problem(L, file, 0, 1, "out of memory"); return; }
  LedeWarcRecord rec;
  char err[300];
  int rc;
  double last = 0;
  long pages = 0;
  while (!stopped(L) && (rc = lede_warc_next(w, &rec, err, sizeof err)) == 1) {
    const char *type = rec.type ? rec.type : "";
    if (strcmp(type, "response") == 0 && rec.content_type
        && strncasecmp(rec.content_type, "application/http", 16) == 0) {
      LedeHttp http;
      if (lede_http_parse(rec.block, rec.block_len, &http, err, sizeof err) != LEDE_OK) {
        problem(L, file, 0, 1, "record %ld (%s): %s; skipped", rec.number,
                rec.target_uri ? rec.target_uri : "no target URI", err);
      } else {
        if (http.status == 200 && is_html_type(http.content_type)) {
          pages++;
          load_page(L, http.body, http.body_len, file, rec.number, http.content_type,
                    rec.target_uri, rec.date);
        }
        lede_http_free(&http);
      }
    } else if (strcmp(type, "resource") == 0 && is_html_type(rec.content_type)) {
      pages++;
      load_page(L, rec.block, rec.block_len, file, rec.number, rec.content_type,
                rec.target_uri, rec.date);
    }
    lede_warc_record_free(&rec);
    double off = lede_reader_offset(r);
    L->done_bytes += off - last;
    last = off;
    if (halted(L)) break;
  }
  if (rc < 0) problem(L, file, 0, 1, "%s; the rest of the file is not read", err);
  else if (!pages && rc == 0) problem(L, file, 0, 0, "no HTML responses in this WARC file");
  lede_warc_free(w);
}

/* ---- records (JSONL and CSV) ------------------------------------------- */

/* Roles of fields in a record, with the names tried when not configured. */
enum { F_TEXT, F_TITLE, F_DATE, F_SOURCE, F_ID, F_LANG, F_NROLES };
static const char *const role_defaults[F_NROLES][5] = {
  {"text", "body", "content", "article", NULL},
  {"title", "headline", "name", NULL, NULL},
  {"date", "published", "datePublished", "pubdate", NULL},
  {"source", "outlet", "site", "publisher", NULL},
  {"id", "url", "uri", "link", NULL},
  {"lang", "language", NULL, NULL, NULL},
};

static const char *role_option(const LedeLoadOpts *o, int role)
{
  const char *v[F_NROLES] = {o->text_field, o->title_field, o->date_field,
                             o->source_field, o->id_field, o->lang_field};
  return v[role];
}

/* A record as name/value pairs, whatever its format. */
typedef struct Rec {
  size_t n;
  const char **key;
  const char **val;
  size_t *len;
  const LedeJsonType *type;   /* NULL: all strings (CSV) */
} Rec;

/* Index of the field for each role: the configured name, else the first
 * default name (in order of preference) that the record has. */
static void assign_roles(const LedeLoadOpts *o, const Rec *r, long idx[F_NROLES])
{
  for (int role = 0; role < F_NROLES; role++) {
    idx[role] = -1;
    const char *opt = role_option(o, role);
    for (int d = 0; idx[role] < 0 && (opt ? d < 1 : role_defaults[role][d] != NULL); d++) {
      const char *want = opt ? opt : role_defaults[role][d];
      for (size_t i = 0; i < r->n; i++)
        if ((opt ? strcmp(r->key[i], want) : strcasecmp(r->key[i], want)) == 0) {
          idx[role] = (long)i;
          break;
        }
    }
  }
}

static char *field_str(const Rec *r, long i)
{
  if (i < 0 || (r->type && r->type[i] == LEDE_JSON_NULL)) return NULL;
  size_t a = 0, b = r->len[i];
  const char *v = r->val[i];
  while (a < b && (v[a] == ' ' || v[a] == '\t' || v[a] == '\n' || v[a] == '\r')) a++;
  while (b > a && (v[b - 1] == ' ' || v[b - 1] == '\t' || v[b - 1] == '\n' || v[b - 1] == '\r')) b--;
  return b > a ? strndup(v + a, b - a) : NULL;
}

/* The record's other fields (and its id) as meta members. */
static void build_meta(const Rec *r, const long idx[F_NROLES], LedeBuf *m)
{
  for (size_t i = 0; i < r->n; i++) {
    int used = 0;
    for (int role = 0; role < F_NROLES; role++) used |= idx[role] == (long)i;
    if (used && idx[F_ID] != (long)i) continue;
    if (m->n) lede_buf_addc(m, ',');
    lede_json_quote(m, r->key[i], strlen(r->key[i]));
    lede_buf_addc(m, ':');
    if (r->type && r->type[i] != LEDE_JSON_STRING) lede_buf_add(m, r->val[i], r->len[i]);
    else lede_json_quote(m, r->val[i], r->len[i]);
  }
}

static void store_record(Loader *L, const Rec *r, const char *file, long line,
                         unsigned clean_flags, LedeFormat fmt)
{
  long idx[F_NROLES];
  assign_roles(L->o, r, idx);
  if (idx[F_TEXT] < 0 || (r->type && r->type[idx[F_TEXT]] != LEDE_JSON_STRING)) {
    const char *want = L->o->text_field ? L->o->text_field : "text, body, content or article";
    problem(L, file, line, 1, "no text field (%s); record skipped", want);
    return;
  }
  size_t tn;
  char *text = clean(L, r->val[idx[F_TEXT]], r->len[idx[F_TEXT]], clean_flags, file, line, &tn);
  if (!text) return;
  if (blank(text, tn)) {
    problem(L, file, line, 1, "empty text; record skipped");
    free(text);
    return;
  }
  Doc d = {.file = file, .line = line, .fmt = fmt, .text = text, .n = tn,
           .title = field_str(r, idx[F_TITLE]), .date_raw = field_str(r, idx[F_DATE]),
           .source = L->o->source ? strdup(L->o->source) : field_str(r, idx[F_SOURCE]),
           .uri = field_str(r, idx[F_ID]), .lang = field_str(r, idx[F_LANG])};
  if (!d.uri) {
    LedeBuf uri = {0};
    lede_buf_printf(&uri, "%s#%ld", file, line);
    d.uri = uri.p;
  }
  build_meta(r, idx, &d.meta);
  finish(L, &d);
  doc_free(&d);
}

static void load_jsonl(Loader *L, const char *file, LedeReader *r)
{
  LedeJsonObj obj = {0};
  const char **keys = NULL, **vals = NULL;
  size_t *lens = NULL, cap = 0;
  LedeJsonType *types = NULL;
  const char *line;
  size_t len;
  long lineno = 0;
  int rc;
  double last = 0;
  while (!stopped(L) && (rc = lede_reader_line(r, &line, &len)) == 1) {
    lineno++;
    if (blank(line, len)) continue;
    char err[160];
    if (lede_json_parse(line, len, &obj, err, sizeof err) != LEDE_OK) {
      problem(L, file, lineno, 1, "invalid JSON: %s; record skipped", err);
      continue;
    }
    if (obj.n > cap) {
      cap = obj.n * 2;
      keys = realloc(keys, cap * sizeof *keys);
      vals = realloc(vals, cap * sizeof *vals);
      lens = realloc(lens, cap * sizeof *lens);
      types = realloc(types, cap * sizeof *types);
      if (!keys || !vals || !lens || !types) { problem(L, file, lineno, 1, "out of memory"); break; }
    }
    for (size_t i = 0; i < obj.n; i++) {
      keys[i] = obj.f[i].key; vals[i] = obj.f[i].val;
      lens[i] = obj.f[i].len; types[i] = obj.f[i].type;
    }
    Rec rec = {obj.n, keys, vals, lens, types};
    store_record(L, &rec, file, lineno, LEDE_TEXT_NEWLINES | LEDE_TEXT_NFC, LEDE_FMT_JSONL);
    double off = lede_reader_offset(r);
    L->done_bytes += off - last;
    last = off;
    if (halted(L)) break;
  }
  if (rc < 0 && !halted(L)) problem(L, file, lineno + 1, 1, "read error: %s", lede_reader_error(r));
  lede_json_obj_free(&obj);
  free(keys); free(vals); free(lens); free(types);
}

static void load_csv(Loader *L, const char *file, LedeReader *r, char delim)
{
  LedeCsv *c = lede_csv_new(r, delim);
  if (!c) { problem(L, file, 0, 1, "out of memory"); return; }
  size_t nf, nh = 0;
  char **fields, **header = NULL;
  size_t *lens;
  long line = 0;
  int rc;
  double last = 0;
  while (!stopped(L) && (rc = lede_csv_next(c, &nf, &fields, &lens, &line)) != 0) {
    if (rc < 0) {
      problem(L, file, line, 1, "%s; record skipped", lede_csv_error(c));
      continue;
    }
    if (!header) {
      header = calloc(nf ? nf : 1, sizeof *header);
      if (!header) break;
      for (nh = 0; nh < nf; nh++) header[nh] = strdup(fields[nh]);
      continue;
    }
    if (nf != nh) {
      problem(L, file, line, 1, "ragged row: %zu fields where the header has %zu; "
              "record skipped", nf, nh);
      continue;
    }
    Rec rec = {nf, (const char **)header, (const char **)fields, lens, NULL};
    store_record(L, &rec, file, line, LEDE_TEXT_ALL, LEDE_FMT_CSV);
    double off = lede_reader_offset(r);
    L->done_bytes += off - last;
    last = off;
    if (halted(L)) break;
  }
  if (lede_reader_error(r) && !halted(L)) problem(L, file, line + 1, 1, "read error: %s", lede_reader_error(r));
  else if (!header) problem(L, file, 0, 1, "empty file (no header row); skipped");
  for (size_t i = 0; header && i < nh; i++) free(header[i]);
  free(header);
  lede_csv_free(c);
}

/* ---- formats and paths --------------------------------------------------- */

static int ends_with(const char *s, size_t n, const char *suf)
{
  size_t k = strlen(suf);
  return n >= k && strncasecmp(s + n - k, suf, k) == 0;
}

/* Format from the file name; LEDE_FMT_AUTO when it says nothing we know,
 * -1 for files that are surely not text (images, archives, databases). */
static int format_of(const char *path)
{
  size_t n = strlen(path);
  if (ends_with(path, n, ".gz")) n -= 3;
  if (ends_with(path, n, ".jsonl") || ends_with(path, n, ".ndjson")) return LEDE_FMT_JSONL;
  if (ends_with(path, n, ".csv")) return LEDE_FMT_CSV;
  if (ends_with(path, n, ".tsv") || ends_with(path, n, ".tab")) return LEDE_FMT_TSV;
  if (ends_with(path, n, ".txt") || ends_with(path, n, ".md") || ends_with(path, n, ".text"))
    return LEDE_FMT_TEXT;
  if (ends_with(path, n, ".html") || ends_with(path, n, ".htm") || ends_with(path, n, ".xhtml"))
    return LEDE_FMT_HTML;
  if (ends_with(path, n, ".warc") || ends_with(path, n, ".arc")) return LEDE_FMT_WARC;
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strrchr(base, '.');
  if (!dot || dot == base || (size_t)(dot - path) >= n) return LEDE_FMT_TEXT;
  return -1;
}

/* Files named by the user are read as text when the name says nothing;
 * walk() has already left out such files found in folders. */
static void load_file(Loader *L, const char *file)
{
  int fmt = L->o->format ? (int)L->o->format : format_of(file);
  if (fmt < 0) fmt = LEDE_FMT_TEXT;
  char *err = NULL;
  LedeReader *r = lede_reader_open(file, &err);
  if (!r) {
    problem(L, file, 0, 1, "cannot open: %s", err ? err : strerror(errno));
    free(err);
    return;
  }
  L->rs.files++;
  double before = L->done_bytes;
  switch (fmt) {
  case LEDE_FMT_JSONL: load_jsonl(L, file, r); break;
  case LEDE_FMT_CSV: load_csv(L, file, r, ','); break;
  case LEDE_FMT_TSV: load_csv(L, file, r, '\t'); break;
  case LEDE_FMT_HTML: load_html(L, file, r); break;
  case LEDE_FMT_WARC: L->records = 1; load_warc(L, file, r); L->records = 0; break;
  default: load_text(L, file, r); break;
  }
  double off = lede_reader_offset(r);
  if (off > L->done_bytes - before) L->done_bytes = before + off;
  L->rs.bytes += off;
  lede_reader_close(r);
}

static void list_add(FileList *fl, const char *path, double size)
{
  if (fl->n == fl->cap) {
    size_t cap = fl->cap ? fl->cap * 2 : 64;
    char **p = realloc(fl->path, cap * sizeof *p);
    double *s = p ? realloc(fl->size, cap * sizeof *s) : NULL;
    if (p) fl->path = p;
    if (!p || !s) return;
    fl->size = s;
    fl->cap = cap;
  }
  fl->path[fl->n] = strdup(path);
  fl->size[fl->n++] = size;
}

typedef struct DirStack { dev_t dev[64]; ino_t ino[64]; int n; } DirStack;

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(Loader *L, const char *dir, FileList *fl, DirStack *ds);

static void walk_entry(Loader *L, const char *path, FileList *fl, DirStack *ds)
{
  struct stat sb;
  if (stat(path, &sb) != 0) {
    problem(L, path, 0, 1, "cannot read: %s", strerror(errno));
    return;
  }
  if (S_ISDIR(sb.st_mode)) {
    for (int i = 0; i < ds->n; i++)
      if (ds->dev[i] == sb.st_dev && ds->ino[i] == sb.st_ino) {
        problem(L, path, 0, 0, "symbolic link loop; not followed");
        return;
      }
    if (ds->n == 64) {
      problem(L, path, 0, 0, "folders nested too deep; not followed");
      return;
    }
    ds->dev[ds->n] = sb.st_dev;
    ds->ino[ds->n++] = sb.st_ino;
    walk(L, path, fl, ds);
    ds->n--;
  } else if (S_ISREG(sb.st_mode)) {
    if (!L->o->format && format_of(path) < 0)
      problem(L, path, 0, 1, "not a format lede reads (give format= to force one); skipped");
    else
      list_add(fl, path, (double)sb.st_size);
  }
}

static void walk(Loader *L, const char *dir, FileList *fl, DirStack *ds)
{
  DIR *d = opendir(dir);
  if (!d) {
    problem(L, dir, 0, 1, "cannot read folder: %s", strerror(errno));
    return;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;   /* ., .., hidden files */
    if (n == cap) {
      char **p = realloc(names, (cap = cap ? cap * 2 : 32) * sizeof *p);
      if (!p) break;
      names = p;
    }
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, cmp_str);
  size_t dl = strlen(dir);
  for (size_t i = 0; i < n; i++) {
    LedeBuf p = {0};
    lede_buf_add(&p, dir, dl);
    if (dl && dir[dl - 1] != '/') lede_buf_addc(&p, '/');
    lede_buf_adds(&p, names[i]);
    if (p.p) walk_entry(L, p.p, fl, ds);
    lede_buf_free(&p);
    free(names[i]);
  }
  free(names);
}

/* Expand one path as given by the user into files. */
static void expand(Loader *L, const char *path, FileList *fl)
{
  struct stat sb;
  if (strcmp(path, "-") == 0) { list_add(fl, "-", 0); return; }
  if (stat(path, &sb) == 0) {
    if (S_ISDIR(sb.st_mode)) {
      DirStack ds = {.n = 1};
      ds.dev[0] = sb.st_dev;
      ds.ino[0] = sb.st_ino;
      walk(L, path, fl, &ds);
    } else {
      list_add(fl, path, (double)sb.st_size);
    }
    return;
  }
  int err = errno;
  if (strpbrk(path, "*?[")) {
    glob_t g;
    int rc = glob(path, 0, NULL, &g);
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; i++) expand(L, g.gl_pathv[i], fl);
      globfree(&g);
      return;
    }
    problem(L, path, 0, 1, "no file matches this pattern");
    return;
  }
  if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode))
    problem(L, path, 0, 1, "broken symbolic link (%s)", strerror(err));
  else
    problem(L, path, 0, 1, "%s", strerror(err));
}

static void read_files(Loader *L, const FileList *fl)
{
  for (size_t i = 0; i < fl->n && !stopped(L); i++) {
    if (halted(L)) break;
    load_file(L, fl->path[i]);
  }
}

typedef struct ReaderArg { Loader *L; const FileList *fl; } ReaderArg;

static void *reader_main(void *arg)
{
  ReaderArg *a = arg;
  reading = a->L;
  pthread_setname_np(pthread_self(), "lede-read");
  sigset_t poke;
  sigemptyset(&poke);
  sigaddset(&poke, POKE);
  pthread_sigmask(SIG_UNBLOCK, &poke, NULL);
  read_files(a->L, a->fl);
  hand_off(a->L, 1);
  return NULL;
}

/* Read on a thread of its own and store here, as the queue delivers.
 * 0 when no thread could start (then nothing was read). */
static int load_threaded(Loader *L, const FileList *fl)
{
  if (!(L->q = queue_new())) return 0;
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, install_poke);
  ReaderArg a = {L, fl};
  if (start_thread(&L->reader, reader_main, &a) != 0) {
    queue_free(L->q);
    L->q = NULL;
    return 0;
  }
  size_t done = 0;
  for (Item *it; (it = take(L, done, &done)) != NULL;) {
    while (it) {
      Item *next = it->next;
      consume(L, it);
      it = next;
    }
    if (interrupted(L)) atomic_store(&L->stop, 1);   /* what is read is stored */
  }
  pthread_join(L->reader, NULL);
  queue_free(L->q);
  L->q = NULL;
  return 1;
}

/* The reader's counts join the summary once it is done. */
static void add_counts(LedeLoadSummary *sum, const LedeLoadSummary *rs)
{
  sum->files += rs->files;
  sum->bytes += rs->bytes;
  sum->repaired += rs->repaired;
  sum->mojibake += rs->mojibake;
  sum->entities += rs->entities;
}

int lede_load(LedeStore *st, const char *const *paths, size_t npaths,
              const LedeLoadOpts *opts, LedeLoadSummary *sum)
{
  static const LedeLoadOpts defaults = {0};
  memset(sum, 0, sizeof *sum);
  Loader L = {.st = st, .o = opts ? opts : &defaults, .sum = sum, .t0 = now()};
  FileList fl = {0};
  int64_t first = lede_store_next_id(st);
  lede_store_bulk_begin(st);
  for (size_t i = 0; i < npaths; i++) expand(&L, paths[i], &fl);
  for (size_t i = 0; i < fl.n; i++) L.total += fl.size[i];
  /* A reader thread only when indexing has threads of its own: with
   * --threads 0 the user asked for one thread. */
  int threads;
  size_t memory;
  lede_store_get_load(st, &threads, &memory);
  if (threads < 1 || !load_threaded(&L, &fl)) read_files(&L, &fl);
  drain(&L);
  add_counts(sum, &L.rs);
  L.item_records = 0;
  L.shown_bytes = L.done_bytes;
  L.shown_files = L.rs.files;
  if (!L.failed && end_batch_now(&L) != LEDE_OK)
    store_problem(&L, lede_store_path(st), 0, 1, "%s", lede_store_errmsg(st));
  free(L.commit_file);
  /* A load writes a segment per run; one segment of its own reads faster. */
  if (!L.failed && first > 0 && sum->added > 0 && lede_store_merge_from(st, first) != LEDE_OK)
    store_problem(&L, lede_store_path(st), 0, 0, "%s", lede_store_errmsg(st));
  lede_store_bulk_end(st);
  if (interrupted(&L)) sum->interrupted = 1;
  sum->seconds = now() - L.t0;
  draw_progress(&L, 1);
  for (size_t i = 0; i < fl.n; i++) free(fl.path[i]);
  free(fl.path);
  free(fl.size);
  return L.failed ? L.failed : LEDE_OK;
}

void lede_load_summary_free(LedeLoadSummary *sum)
{
  for (size_t i = 0; i < sum->nproblems; i++) {
    free(sum->problems[i].file);
    free(sum->problems[i].message);
  }
  free(sum->problems);
  sum->problems = NULL;
  sum->nproblems = 0;
}
