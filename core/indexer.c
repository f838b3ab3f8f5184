/*
 * indexer.c -- tokenizing and indexing on worker threads while the
 * loading thread parses input and writes documents to SQLite.
 *
 * Each worker owns an analyzer and an index writer.  The loading thread
 * hands documents (id and a copy of the text) to one worker at a time, in
 * *runs*: when a run reaches its size in text or in index memory, the
 * worker is told to seal it (encode the segment, on its own thread) and the
 * next worker takes the following documents.  A run covers a range of ids
 * after the previous run's, so sealed runs written in turn keep the index's
 * rule that segments follow one another.  Workers take runs round robin,
 * so when the loading thread comes back to a worker, that worker's sealed
 * run is the oldest one pending: it is written then, and the rest at
 * commit.  SQLite is only ever touched by the loading thread, and runs
 * are written inside the open transaction, so documents and postings
 * still commit (or roll back) together.
 *
 * Queues are bounded in documents and bytes, so a fast reader cannot run
 * ahead of the indexers and fill memory; runs bound each writer's memory.
 * A queue holds a whole run: the loading thread is faster than one
 * indexing thread, and with a shorter queue it waited for room in the
 * current run's queue while the other thread, its run done, sat idle.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "lede_int.h"

#define QUEUE_DOCS  8192
#define WAKE_DOCS   16
#define WAKE_BYTES  (256u << 10)
#define MAX_WORKERS 64

typedef struct Job { int64_t doc; char *text; size_t len; } Job;   /* text NULL: seal */

enum { EMPTY, FILLING, SEALED };

typedef struct Worker {
  LedeIndexWriter *w;
  LedeAnalyzer *an;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t work, room, idle;
  Job q[QUEUE_DOCS];
  size_t head, n, bytes, max_bytes;
  int busy, stop, failed, started;
  atomic_size_t memory;          /* the writer's, read by the loader */
  /* the loading thread's view */
  int state;
  size_t run_bytes;
} Worker;

struct LedeIndexer {
  Worker *ws;
  int nw, cur;
  size_t run_bytes, run_memory;
  sqlite3 *db;
};

static void run_job(Worker *k, Job j)
{
  int rc = j.text ? lede_analyzer_index(k->an, k->w, j.doc, j.text, j.len) : lede_iw_seal(k->w);
  atomic_store(&k->memory, lede_iw_memory(k->w));
  free(j.text);
  pthread_mutex_lock(&k->mu);
  if (rc != LEDE_OK && !k->failed) k->failed = rc;
  k->busy = 0;
  if (k->n == 0) pthread_cond_broadcast(&k->idle);
  pthread_mutex_unlock(&k->mu);
}

static void *worker(void *arg)
{
  Worker *k = arg;
  pthread_mutex_lock(&k->mu);
  for (;;) {
    while (k->n == 0 && !k->stop) pthread_cond_wait(&k->work, &k->mu);
    if (k->n == 0 && k->stop) break;
    Job j = k->q[k->head];
    k->head = (k->head + 1) % QUEUE_DOCS;
    k->n--;
    k->bytes -= j.len;
    k->busy = 1;
    pthread_cond_signal(&k->room);
    pthread_mutex_unlock(&k->mu);
    run_job(k, j);
    pthread_mutex_lock(&k->mu);
  }
  pthread_mutex_unlock(&k->mu);
  return NULL;
}

static int start(Worker *k, const LedeAnalyzerOpts *o)
{
  k->w = lede_iw_new();
  k->an = lede_analyzer_new(o);
  if (!k->w || !k->an) return 0;
  pthread_mutex_init(&k->mu, NULL);
  pthread_cond_init(&k->work, NULL);
  pthread_cond_init(&k->room, NULL);
  pthread_cond_init(&k->idle, NULL);
  /* Workers start with every signal blocked, so Ctrl-C always reaches
   * the thread running Lua, whose handler stops the chunk. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int rc = pthread_create(&k->thread, NULL, worker, k);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc != 0) {
    pthread_mutex_destroy(&k->mu);
    pthread_cond_destroy(&k->work);
    pthread_cond_destroy(&k->room);
    pthread_cond_destroy(&k->idle);
    return 0;
  }
  k->started = 1;
  return 1;
}

static void stop(Worker *k)
{
  if (k->started) {
    pthread_mutex_lock(&k->mu);
    k->stop = 1;
    pthread_cond_signal(&k->work);
    pthread_mutex_unlock(&k->mu);
    pthread_join(k->thread, NULL);
    for (size_t i = 0; i < k->n; i++) free(k->q[(k->head + i) % QUEUE_DOCS].text);
    pthread_mutex_destroy(&k->mu);
    pthread_cond_destroy(&k->work);
    pthread_cond_destroy(&k->room);
    pthread_cond_destroy(&k->idle);
  }
  lede_analyzer_free(k->an);
  lede_iw_free(k->w);
}

void lede_indexer_free(LedeIndexer *x)
{
  if (!x) return;
  for (int i = 0; i < x->nw; i++) stop(&x->ws[i]);
  free(x->ws);
  free(x);
}

LedeIndexer *lede_indexer_new(int nworkers, size_t run_bytes, size_t run_memory,
                              const LedeAnalyzerOpts *o, sqlite3 *db)
{
  LedeIndexer *x = calloc(1, sizeof *x);
  if (!x) return NULL;
  if (nworkers < 1) nworkers = 1;
  if (nworkers > MAX_WORKERS) nworkers = MAX_WORKERS;
  x->ws = calloc((size_t)nworkers, sizeof *x->ws);
  if (!x->ws) { free(x); return NULL; }
  x->run_bytes = run_bytes;
  x->run_memory = run_memory;
  x->db = db;
  for (; x->nw < nworkers; x->nw++) {
    x->ws[x->nw].max_bytes = run_bytes + run_bytes / 4 + (1u << 20);
    if (!start(&x->ws[x->nw], o)) {
      x->nw++;                       /* so free() releases what start made */
      lede_indexer_free(x);
      return NULL;
    }
  }
  return x;
}

static int enqueue(Worker *k, Job j)
{
  pthread_mutex_lock(&k->mu);
  while (k->n == QUEUE_DOCS || (k->n > 0 && k->bytes + j.len > k->max_bytes)) {
    pthread_cond_signal(&k->work);    /* what is queued may not have woken it */
    pthread_cond_wait(&k->room, &k->mu);
  }
  k->q[(k->head + k->n) % QUEUE_DOCS] = j;
  k->n++;
  k->bytes += j.len;
  int failed = k->failed;
  /* Wake the worker for a handful of documents, not each one: the loading
   * thread is the busier, and a wake-up is a system call on its time. */
  if (k->n >= WAKE_DOCS || k->bytes >= WAKE_BYTES || !j.text) pthread_cond_signal(&k->work);
  pthread_mutex_unlock(&k->mu);
  return failed;
}

/* Wait until the worker has done every queued job; its first error. */
static int drain(Worker *k)
{
  pthread_mutex_lock(&k->mu);
  pthread_cond_signal(&k->work);
  while (k->n > 0 || k->busy) pthread_cond_wait(&k->idle, &k->mu);
  int failed = k->failed;
  k->failed = 0;
  pthread_mutex_unlock(&k->mu);
  return failed;
}

static int seal(Worker *k)
{
  if (k->state != FILLING) return LEDE_OK;
  k->state = SEALED;
  return enqueue(k, (Job){0, NULL, 0});
}

/* Write the worker's sealed run as a segment. */
static int write_run(LedeIndexer *x, Worker *k)
{
  if (k->state == EMPTY) return LEDE_OK;
  int rc = seal(k);
  int wrc = drain(k);
  if (rc == LEDE_OK) rc = wrc;
  if (rc == LEDE_OK) rc = lede_iw_write(k->w, x->db);
  else lede_iw_discard(k->w);
  atomic_store(&k->memory, lede_iw_memory(k->w));
  k->state = EMPTY;
  k->run_bytes = 0;
  return rc;
}

int lede_indexer_add(LedeIndexer *x, int64_t doc, const char *text, size_t len)
{
  Worker *k = &x->ws[x->cur];
  if (k->state == FILLING
      && (k->run_bytes >= x->run_bytes || atomic_load(&k->memory) >= x->run_memory)) {
    int rc = seal(k);
    if (rc != LEDE_OK) return rc;
    x->cur = (x->cur + 1) % x->nw;
    k = &x->ws[x->cur];
    if ((rc = write_run(x, k)) != LEDE_OK) return rc;
  }
  char *copy = malloc(len + 1);
  if (!copy) return LEDE_ENOMEM;
  memcpy(copy, text, len);
  copy[len] = '\0';
  k->state = FILLING;
  k->run_bytes += len;
  return enqueue(k, (Job){doc, copy, len});
}

/* Take back the jobs the worker has not started (the oldest first); the
 * caller owns their texts. */
static size_t take_queued(Worker *k, Job *out)
{
  pthread_mutex_lock(&k->mu);
  size_t n = k->n;
  for (size_t i = 0; i < n; i++) out[i] = k->q[(k->head + i) % QUEUE_DOCS];
  k->n = 0;
  k->bytes = 0;
  pthread_cond_broadcast(&k->room);
  pthread_mutex_unlock(&k->mu);
  return n;
}

/* Hand jobs[0..n) out as one new run per worker, in id order starting
 * after the current worker, cut where each has its share of the bytes. */
static int spread(LedeIndexer *x, Job *jobs, size_t n, size_t bytes)
{
  int rc = LEDE_OK;
  size_t i = 0, done = 0;
  for (int w = 1; w <= x->nw && i < n; w++) {
    Worker *k = &x->ws[(x->cur + w) % x->nw];
    size_t share = bytes * (size_t)w / (size_t)x->nw;
    do {
      int r = enqueue(k, jobs[i]);
      if (rc == LEDE_OK) rc = r;
      done += jobs[i].len;
      k->run_bytes += jobs[i++].len;
      k->state = FILLING;
    } while (i < n && (done < share || w == x->nw));
    int r = seal(k);
    if (rc == LEDE_OK) rc = r;
  }
  return rc;
}

/* Write every pending run, oldest first (the worker after the current one
 * holds the oldest, the current one the newest).  A commit waits for them,
 * so the current run, begun last, would be indexed on one core while the
 * other workers sat idle: what its worker has not started is taken back
 * and spread over all the workers as runs of its own, written after it. */
int lede_indexer_commit(LedeIndexer *x)
{
  Worker *cur = &x->ws[x->cur];
  Job *late = NULL;
  size_t nlate = 0, bytes = 0;
  if (x->nw > 1 && cur->state == FILLING && (late = malloc(QUEUE_DOCS * sizeof *late))) {
    nlate = take_queued(cur, late);
    for (size_t i = 0; i < nlate; i++) {
      bytes += late[i].len;
      cur->run_bytes -= late[i].len;
    }
  }
  int rc = LEDE_OK;
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 1; i <= x->nw; i++) {
      int r = write_run(x, &x->ws[(x->cur + i) % x->nw]);
      if (rc == LEDE_OK) rc = r;
    }
    if (pass == 0 && nlate) {
      if (rc == LEDE_OK) rc = spread(x, late, nlate, bytes);
      else for (size_t i = 0; i < nlate; i++) free(late[i].text);
    }
    if (!nlate) break;
  }
  free(late);
  return rc;
}

void lede_indexer_discard(LedeIndexer *x)
{
  for (int i = 0; i < x->nw; i++) {
    Worker *k = &x->ws[i];
    drain(k);
    lede_iw_discard(k->w);
    atomic_store(&k->memory, lede_iw_memory(k->w));
    k->state = EMPTY;
    k->run_bytes = 0;
  }
}

size_t lede_indexer_memory(LedeIndexer *x)
{
  size_t sum = 0;
  for (int i = 0; i < x->nw; i++) {
    Worker *k = &x->ws[i];
    pthread_mutex_lock(&k->mu);
    sum += k->bytes;
    pthread_mutex_unlock(&k->mu);
    sum += atomic_load(&k->memory);
  }
  return sum;
}
