/*
 * indexer.c -- tokenizing and indexing on worker threads while the
 * loading thread parses input and writes documents to SQLite.
 *
 * Each worker owns an analyzer and an index writer.  The loading thread
 * hands documents (id and text) to one worker at a time, in *runs*: when
 * a run reaches its size in text or in index memory, the worker is told
 * to seal it (encode the segment, on its own thread, and take it out of
 * the writer, which is then free for the next run) and the next run goes
 * to the worker with the least queued.  Runs are listed in the order
 * they began, which is the order of their ids, and written as segments in
 * that order, so segments follow one another as the index requires.
 * SQLite is only ever touched by the thread that has the connection: the
 * loading thread, which writes the oldest runs as new ones begin, or the
 * thread committing a batch (lede_indexer_cut, lede_indexer_write), while
 * the loading thread goes on adding under hold and writes nothing.  Runs
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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lede_int.h"

#define QUEUE_DOCS  8192
#define WAKE_DOCS   16
#define WAKE_BYTES  (256u << 10)
#define MAX_WORKERS 64

/* A run of documents on one worker, from its first document until its
 * segment is written.  Runs are listed in the order they began, which is
 * the order of their ids and so the order their segments are written. */
typedef struct Run {
  struct Run *next;
  unsigned long seq;             /* runs begun before it */
  LedeSealed *seg;               /* the worker's, once done */
  int done, rc;
} Run;

/* A document's text, or seal: the end of that run.  The text is the
 * job's to free, or, with done, the caller's, given back by done(ud). */
typedef struct Job {
  int64_t doc;
  char *text;
  size_t len;
  Run *seal;
  void (*done)(void *);
  void *ud;
} Job;

static void job_free(Job *j)
{
  if (j->done) j->done(j->ud);
  else free(j->text);
}

typedef struct Worker {
  LedeIndexer *x;
  LedeIndexWriter *w;
  LedeAnalyzer *an;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t work, room, idle;
  Job q[QUEUE_DOCS];
  size_t head, n, bytes, max_bytes;
  int busy, stop, failed, started;
  atomic_size_t memory;          /* the writer's, read by the loader */
  atomic_int seals;              /* seal jobs queued: memory is an older run's */
  /* the loading thread's view */
  Run *run;                      /* being filled, NULL: none */
  size_t run_bytes;
  unsigned long sealed;          /* seq + 1 of its last run sealed */
} Worker;

struct LedeIndexer {
  Worker *ws;
  int nw, cur;
  size_t run_bytes, run_memory;
  sqlite3 *db;
  int hold;                      /* the loading thread writes nothing: a commit has db */
  unsigned long begun;           /* runs begun (the loading thread's) */
  pthread_mutex_t mu;            /* guards the list and each run's seg, done, rc */
  pthread_cond_t sealed;
  Run *head, *tail;              /* runs not yet written, oldest first */
  atomic_size_t held;            /* bytes of the sealed segments listed */
};

/* The run's segment leaves the writer, which takes the next run at once. */
static void seal_run(Worker *k, Run *r)
{
  LedeSealed *g;
  int rc = lede_iw_take(k->w, &g);
  pthread_mutex_lock(&k->mu);
  if (rc == LEDE_OK && k->failed) rc = k->failed;
  pthread_mutex_unlock(&k->mu);
  LedeIndexer *x = k->x;
  pthread_mutex_lock(&x->mu);
  r->seg = g;
  r->rc = rc;
  r->done = 1;
  atomic_fetch_add(&x->held, lede_sealed_memory(g));
  pthread_cond_broadcast(&x->sealed);
  pthread_mutex_unlock(&x->mu);
}

static void run_job(Worker *k, Job j)
{
  int rc = LEDE_OK;
  if (j.seal) seal_run(k, j.seal);
  else rc = lede_analyzer_index(k->an, k->w, j.doc, j.text, j.len);
  atomic_store(&k->memory, lede_iw_memory(k->w));
  if (j.seal) atomic_fetch_sub(&k->seals, 1);     /* memory is the next run's now */
  job_free(&j);
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
    for (size_t i = 0; i < k->n; i++) job_free(&k->q[(k->head + i) % QUEUE_DOCS]);
    pthread_mutex_destroy(&k->mu);
    pthread_cond_destroy(&k->work);
    pthread_cond_destroy(&k->room);
    pthread_cond_destroy(&k->idle);
  }
  lede_analyzer_free(k->an);
  lede_iw_free(k->w);
}

/* Runs not yet written, with their segments (the workers are stopped or
 * idle). */
static void free_runs(LedeIndexer *x)
{
  pthread_mutex_lock(&x->mu);
  Run *r = x->head;
  x->head = x->tail = NULL;
  atomic_store(&x->held, 0);
  pthread_mutex_unlock(&x->mu);
  while (r) {
    Run *next = r->next;
    lede_sealed_free(r->seg);
    free(r);
    r = next;
  }
}

void lede_indexer_free(LedeIndexer *x)
{
  if (!x) return;
  for (int i = 0; i < x->nw; i++) stop(&x->ws[i]);
  free_runs(x);
  pthread_mutex_destroy(&x->mu);
  pthread_cond_destroy(&x->sealed);
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
  pthread_mutex_init(&x->mu, NULL);
  pthread_cond_init(&x->sealed, NULL);
  x->run_bytes = run_bytes;
  x->run_memory = run_memory;
  x->db = db;
  for (; x->nw < nworkers; x->nw++) {
    x->ws[x->nw].x = x;
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
  if (k->n >= WAKE_DOCS || k->bytes >= WAKE_BYTES || j.seal) pthread_cond_signal(&k->work);
  pthread_mutex_unlock(&k->mu);
  return failed;
}

/* Begin a run on the worker, last in the list. */
static int begin_run(LedeIndexer *x, Worker *k)
{
  Run *r = calloc(1, sizeof *r);
  if (!r) return LEDE_ENOMEM;
  r->seq = x->begun++;
  pthread_mutex_lock(&x->mu);
  if (x->tail) x->tail->next = r; else x->head = r;
  x->tail = r;
  pthread_mutex_unlock(&x->mu);
  k->run = r;
  k->run_bytes = 0;
  return LEDE_OK;
}

static int seal(Worker *k)
{
  if (!k->run) return LEDE_OK;
  Run *r = k->run;
  k->run = NULL;
  k->sealed = r->seq + 1;
  k->run_bytes = 0;
  atomic_fetch_add(&k->seals, 1);
  return enqueue(k, (Job){.seal = r});
}

/* Write the runs begun before the upto-th as segments, oldest first,
 * each once its worker has sealed it.  Only the thread that has db. */
static int write_runs(LedeIndexer *x, unsigned long upto)
{
  int rc = LEDE_OK;
  pthread_mutex_lock(&x->mu);
  while (rc == LEDE_OK && x->head && x->head->seq < upto) {
    Run *r = x->head;
    while (!r->done) pthread_cond_wait(&x->sealed, &x->mu);
    if (!(x->head = r->next)) x->tail = NULL;
    pthread_mutex_unlock(&x->mu);
    rc = r->rc;
    if (rc == LEDE_OK && r->seg) rc = lede_sealed_write(r->seg, x->db);
    atomic_fetch_sub(&x->held, lede_sealed_memory(r->seg));
    lede_sealed_free(r->seg);
    free(r);
    pthread_mutex_lock(&x->mu);
  }
  pthread_mutex_unlock(&x->mu);
  return rc;
}

/* The worker a new run goes to: the one with the fewest bytes queued,
 * the next in turn on a tie. */
static int pick(LedeIndexer *x)
{
  int best = (x->cur + 1) % x->nw;
  size_t least = SIZE_MAX;
  for (int i = 1; i <= x->nw; i++) {
    Worker *k = &x->ws[(x->cur + i) % x->nw];
    pthread_mutex_lock(&k->mu);
    size_t b = k->bytes + (k->busy ? 1 : 0);
    pthread_mutex_unlock(&k->mu);
    if (b < least) { least = b; best = (x->cur + i) % x->nw; }
  }
  return best;
}

/* The worker the next document goes to: the current run's, or a new
 * run's when that one is full. */
static Worker *next_worker(LedeIndexer *x, int *rc)
{
  Worker *k = &x->ws[x->cur];
  /* runs are shorter while a commit runs, so that both workers share
   * what is added meanwhile */
  size_t limit = x->hold ? x->run_bytes / 2 : x->run_bytes;
  *rc = LEDE_OK;
  if (k->run && (k->run_bytes >= limit
                 || (atomic_load(&k->seals) == 0 && atomic_load(&k->memory) >= x->run_memory)))
    *rc = seal(k);
  if (*rc == LEDE_OK && !k->run) {
    x->cur = pick(x);
    k = &x->ws[x->cur];
    /* the worker's last run is the oldest pending, mostly: written now,
     * so that sealed segments do not pile up (unless a commit has db) */
    *rc = x->hold ? LEDE_OK : write_runs(x, k->sealed);
    if (*rc == LEDE_OK) *rc = begin_run(x, k);
  }
  return *rc == LEDE_OK ? k : NULL;
}

int lede_indexer_add(LedeIndexer *x, int64_t doc, const char *text, size_t len)
{
  int rc;
  Worker *k = next_worker(x, &rc);
  if (!k) return rc;
  char *copy = malloc(len + 1);
  if (!copy) return LEDE_ENOMEM;
  memcpy(copy, text, len);
  copy[len] = '\0';
  k->run_bytes += len;
  return enqueue(k, (Job){.doc = doc, .text = copy, .len = len});
}

int lede_indexer_add_lent(LedeIndexer *x, int64_t doc, const char *text, size_t len,
                          void (*done)(void *), void *ud)
{
  int rc;
  Worker *k = next_worker(x, &rc);
  if (!k) { done(ud); return rc; }
  k->run_bytes += len;
  return enqueue(k, (Job){.doc = doc, .text = (char *)text, .len = len, .done = done, .ud = ud});
}

/* Take back the documents queued on the worker after its last seal (the
 * oldest first); the caller owns their texts. */
static size_t take_queued(Worker *k, Job *out)
{
  pthread_mutex_lock(&k->mu);
  size_t from = 0;
  for (size_t i = 0; i < k->n; i++)
    if (k->q[(k->head + i) % QUEUE_DOCS].seal) from = i + 1;
  size_t n = k->n - from;
  for (size_t i = 0; i < n; i++) {
    out[i] = k->q[(k->head + from + i) % QUEUE_DOCS];
    k->bytes -= out[i].len;
  }
  k->n = from;
  pthread_cond_broadcast(&k->room);
  pthread_mutex_unlock(&k->mu);
  return n;
}

static size_t queued(Worker *k)
{
  pthread_mutex_lock(&k->mu);
  size_t b = k->bytes;
  pthread_mutex_unlock(&k->mu);
  return b;
}

/* Hand jobs[0..n) out as one new run per worker, in id order starting
 * after the current worker, cut so that every worker ends with about the
 * same bytes queued: then they finish together. */
static int spread(LedeIndexer *x, Job *jobs, size_t n, size_t bytes)
{
  size_t total = bytes, q[MAX_WORKERS];
  for (int w = 1; w <= x->nw; w++) total += q[w - 1] = queued(&x->ws[(x->cur + w) % x->nw]);
  size_t even = total / (size_t)x->nw;
  int rc = LEDE_OK;
  size_t i = 0;
  for (int w = 1; w <= x->nw && i < n; w++) {
    Worker *k = &x->ws[(x->cur + w) % x->nw];
    size_t share = even > q[w - 1] ? even - q[w - 1] : 0, done = 0;
    if (!share && w < x->nw) continue;
    int r = begin_run(x, k);
    if (r != LEDE_OK) {
      for (; i < n; i++) job_free(&jobs[i]);
      return r;
    }
    do {
      r = enqueue(k, jobs[i]);
      if (rc == LEDE_OK) rc = r;
      done += jobs[i].len;
      k->run_bytes += jobs[i++].len;
    } while (i < n && (done < share || w == x->nw));
    r = seal(k);
    if (rc == LEDE_OK) rc = r;
  }
  return rc;
}

/* End every run being filled.  With spread_late, what the current worker
 * has not started of its run is taken back and spread over all the
 * workers as runs of their own (a commit that waits for the run would
 * otherwise index it on one core while the others sat idle); without,
 * the next document begins a run on the next worker, which may index it
 * while the commit waits for this one. */
int lede_indexer_cut(LedeIndexer *x, int spread_late, unsigned long *upto)
{
  Worker *cur = &x->ws[x->cur];
  Job *late = NULL;
  size_t nlate = 0, bytes = 0;
  if (spread_late && x->nw > 1 && cur->run && (late = malloc(QUEUE_DOCS * sizeof *late))) {
    nlate = take_queued(cur, late);
    for (size_t i = 0; i < nlate; i++) bytes += late[i].len;
  }
  int rc = LEDE_OK;
  for (int i = 0; i < x->nw; i++) {
    int r = seal(&x->ws[i]);
    if (rc == LEDE_OK) rc = r;
  }
  if (nlate) {
    int r = spread(x, late, nlate, bytes);
    if (rc == LEDE_OK) rc = r;
  }
  free(late);
  *upto = x->begun;
  return rc;
}

int lede_indexer_write(LedeIndexer *x, unsigned long upto) { return write_runs(x, upto); }

void lede_indexer_hold(LedeIndexer *x, int hold) { x->hold = hold; }

int lede_indexer_commit(LedeIndexer *x)
{
  unsigned long upto;
  int rc = lede_indexer_cut(x, 1, &upto);
  int wrc = write_runs(x, upto);
  return rc != LEDE_OK ? rc : wrc;
}

/* Every queued document is dropped, the one in hand finished. */
void lede_indexer_discard(LedeIndexer *x)
{
  for (int i = 0; i < x->nw; i++) {
    Worker *k = &x->ws[i];
    pthread_mutex_lock(&k->mu);
    for (size_t j = 0; j < k->n; j++) {
      Job b = k->q[(k->head + j) % QUEUE_DOCS];
      job_free(&b);
      if (b.seal) atomic_fetch_sub(&k->seals, 1);
    }
    k->n = 0;
    k->bytes = 0;
    pthread_cond_broadcast(&k->room);
    while (k->busy) pthread_cond_wait(&k->idle, &k->mu);
    k->failed = 0;
    pthread_mutex_unlock(&k->mu);
    lede_iw_discard(k->w);
    atomic_store(&k->memory, lede_iw_memory(k->w));
    k->run = NULL;
    k->run_bytes = 0;
  }
  free_runs(x);
}

size_t lede_indexer_memory(LedeIndexer *x)
{
  size_t sum = atomic_load(&x->held);
  for (int i = 0; i < x->nw; i++) {
    Worker *k = &x->ws[i];
    pthread_mutex_lock(&k->mu);
    sum += k->bytes;
    pthread_mutex_unlock(&k->mu);
    sum += atomic_load(&k->memory);
  }
  return sum;
}
