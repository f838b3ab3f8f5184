/*
 * indexer.c -- tokenizing and indexing on a second thread while the
 * loading thread parses input and writes documents to SQLite.
 *
 * The store hands each new document (id and a copy of its text) to a
 * bounded queue; one worker thread runs the analyzer and the index writer.
 * SQLite is only ever touched by the loading thread: before a commit the
 * store drains the queue and writes the segment itself, so the documents
 * and their postings still commit in one transaction.  The queue is
 * bounded in documents and bytes, so a fast reader cannot run ahead of the
 * indexer and fill memory.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "lede_int.h"

#define QUEUE_DOCS  512
#define QUEUE_BYTES (16u << 20)

typedef struct Job { int64_t doc; char *text; size_t len; } Job;

struct LedeIndexer {
  LedeIndexWriter *w;            /* owned by the worker between drains */
  LedeAnalyzer *an;              /* the worker's own: analyzers are not shared */
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t work, room, idle;
  Job q[QUEUE_DOCS];
  size_t head, n, bytes;
  int busy, stop, failed;
  atomic_size_t memory;          /* writer memory, read by the loader */
};

static void *worker(void *arg)
{
  LedeIndexer *x = arg;
  pthread_mutex_lock(&x->mu);
  for (;;) {
    while (x->n == 0 && !x->stop) pthread_cond_wait(&x->work, &x->mu);
    if (x->n == 0 && x->stop) break;
    Job j = x->q[x->head];
    x->head = (x->head + 1) % QUEUE_DOCS;
    x->n--;
    x->bytes -= j.len;
    x->busy = 1;
    pthread_cond_signal(&x->room);
    pthread_mutex_unlock(&x->mu);
    int rc = lede_analyzer_index(x->an, x->w, j.doc, j.text, j.len);
    atomic_store(&x->memory, lede_iw_memory(x->w));
    free(j.text);
    pthread_mutex_lock(&x->mu);
    if (rc != LEDE_OK) x->failed = rc;
    x->busy = 0;
    if (x->n == 0) pthread_cond_broadcast(&x->idle);
  }
  pthread_mutex_unlock(&x->mu);
  return NULL;
}

LedeIndexer *lede_indexer_new(LedeIndexWriter *w, const LedeAnalyzerOpts *o)
{
  LedeIndexer *x = calloc(1, sizeof *x);
  if (!x) return NULL;
  x->w = w;
  x->an = lede_analyzer_new(o);
  if (!x->an) { free(x); return NULL; }
  pthread_mutex_init(&x->mu, NULL);
  pthread_cond_init(&x->work, NULL);
  pthread_cond_init(&x->room, NULL);
  pthread_cond_init(&x->idle, NULL);
  /* The worker starts with every signal blocked, so Ctrl-C always reaches
   * the thread running Lua, whose handler stops the chunk. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int rc = pthread_create(&x->thread, NULL, worker, x);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc != 0) {
    lede_analyzer_free(x->an);
    free(x);
    return NULL;
  }
  return x;
}

int lede_indexer_add(LedeIndexer *x, int64_t doc, const char *text, size_t len)
{
  char *copy = malloc(len + 1);
  if (!copy) return LEDE_ENOMEM;
  memcpy(copy, text, len);
  copy[len] = '\0';
  pthread_mutex_lock(&x->mu);
  while (x->n == QUEUE_DOCS || (x->n > 0 && x->bytes + len > QUEUE_BYTES))
    pthread_cond_wait(&x->room, &x->mu);
  x->q[(x->head + x->n) % QUEUE_DOCS] = (Job){doc, copy, len};
  x->n++;
  x->bytes += len;
  int failed = x->failed;
  pthread_cond_signal(&x->work);
  pthread_mutex_unlock(&x->mu);
  return failed;
}

int lede_indexer_drain(LedeIndexer *x)
{
  pthread_mutex_lock(&x->mu);
  while (x->n > 0 || x->busy) pthread_cond_wait(&x->idle, &x->mu);
  int failed = x->failed;
  x->failed = 0;
  pthread_mutex_unlock(&x->mu);
  return failed;
}

size_t lede_indexer_memory(LedeIndexer *x)
{
  pthread_mutex_lock(&x->mu);
  size_t queued = x->bytes;
  pthread_mutex_unlock(&x->mu);
  return atomic_load(&x->memory) + queued;
}

void lede_indexer_free(LedeIndexer *x)
{
  if (!x) return;
  pthread_mutex_lock(&x->mu);
  x->stop = 1;
  pthread_cond_signal(&x->work);
  pthread_mutex_unlock(&x->mu);
  pthread_join(x->thread, NULL);
  for (size_t i = 0; i < x->n; i++) free(x->q[(x->head + i) % QUEUE_DOCS].text);
  pthread_mutex_destroy(&x->mu);
  pthread_cond_destroy(&x->work);
  pthread_cond_destroy(&x->room);
  pthread_cond_destroy(&x->idle);
  lede_analyzer_free(x->an);
  free(x);
}
