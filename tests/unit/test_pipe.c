/*
 * test_pipe.c -- documents reserved while a batch commits (store.c,
 * lede_store_reserve): a load's storing thread gives them ids and hands
 * them to the indexing threads during the commit, and inserts their rows
 * in the next transaction.  Here the steps run one after another on one
 * thread, with another connection writing between the commit and the
 * next transaction in some cases: the reserved ids must then be given up
 * and the documents added afresh (duplicates found), and the index must
 * always agree with the stored texts.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "lede_int.h"
#include "tap.h"

static char path[256];

static LedeDocIn doc(char *buf, size_t cap, int i)
{
  snprintf(buf, cap, "Document %d says %d things about item %d; the %d-th of them is long.",
           i, i % 7, i * 3, i);
  return (LedeDocIn){.uri = "u", .text = buf, .text_len = strlen(buf)};
}

/* on an indexing thread */
static void done(void *ud) { atomic_fetch_add((atomic_int *)ud, 1); }

static LedeStore *open_store(int threads)
{
  LedeStore *st = NULL;
  char *err = NULL;
  if (lede_store_open(path, 0, &st, &err) != LEDE_OK) {
    diag("open: %s", err ? err : "?");
    free(err);
    return NULL;
  }
  lede_store_set_load(st, threads, 0);
  return st;
}

static int checked(LedeStore *st)
{
  LedeCheck c;
  return lede_check(st, &c) == LEDE_OK && c.ok;
}

/* One batch of n documents from first, then m reserved during its
 * commit; meddle: what another connection does before the next
 * transaction (0 nothing, 1 adds a document of its own, 2 adds the text
 * of the first reserved one). */
static void run(int meddle, int first, int n, int m)
{
  LedeStore *st = open_store(2);
  if (!ok(st != NULL, "meddle %d: opened", meddle)) return;
  char buf[200];
  int64_t id;
  lede_store_bulk_begin(st);
  ok(lede_store_begin(st) == LEDE_OK, "meddle %d: begin", meddle);
  int added = 0;
  for (int i = first; i < first + n; i++) {
    LedeDocIn d = doc(buf, sizeof buf, i);
    added += lede_store_add(st, &d, &id) == LEDE_OK;
  }
  is_int(added, n, "meddle %d: batch stored", meddle);
  lede_store_commit_begin(st);
  /* the texts stay ours until the indexing threads give them back */
  char (*texts)[200] = calloc((size_t)m + 1, sizeof *texts);
  int64_t *ids = calloc((size_t)m + 1, sizeof *ids);
  uint64_t *hashes = calloc((size_t)m + 1, sizeof *hashes);
  atomic_int given_back = 0;
  int reserved = 0;
  for (int i = 0; i < m; i++) {
    LedeDocIn d = doc(texts[i], sizeof texts[i], first + n + i);
    hashes[i] = lede_store_hash(d.text, d.text_len);
    reserved += lede_store_reserve(st, &d, hashes[i], &ids[i], done, &given_back);
  }
  is_int(reserved, m, "meddle %d: every new document reserved during the commit", meddle);
  {
    LedeDocIn d = doc(buf, sizeof buf, first);     /* a repeat cannot be */
    int64_t rid;
    ok(!lede_store_reserve(st, &d, lede_store_hash(d.text, d.text_len), &rid, done, &given_back),
       "meddle %d: a repeat of a stored text is not reserved", meddle);
  }
  ok(lede_store_commit(st) == LEDE_OK, "meddle %d: the batch commits", meddle);
  if (meddle) {
    LedeStore *other = open_store(0);
    LedeDocIn d = doc(buf, sizeof buf, meddle == 1 ? 1000000 + first : first + n);
    ok(other && lede_store_begin(other) == LEDE_OK && lede_store_add(other, &d, &id) == LEDE_OK
       && lede_store_commit(other) == LEDE_OK,
       "meddle %d: another connection adds a document", meddle);
    lede_store_close(other);
  }
  int again = -1;
  ok(lede_store_resume(st, &again) == LEDE_OK, "meddle %d: resume", meddle);
  is_int(again, meddle != 0, "meddle %d: reserved ids %s", meddle, meddle ? "given up" : "kept");
  int dups = 0;
  added = 0;
  for (int i = 0; i < m; i++) {
    LedeDocIn d = {.uri = "u", .text = texts[i], .text_len = strlen(texts[i])};  /* maybe still lent */
    int rc = again ? lede_store_add(st, &d, &id) : lede_store_add_reserved(st, &d, ids[i], hashes[i]);
    added += rc == LEDE_OK;
    dups += rc == LEDE_DUPLICATE;
  }
  is_int(added + dups, m, "meddle %d: every reserved document stored or found", meddle);
  is_int(dups, meddle == 2, "meddle %d: duplicates", meddle);
  if (!again) {
    LedeDocIn d = doc(buf, sizeof buf, first + n + m);
    ok(lede_store_add(st, &d, &id) == LEDE_OK && id == ids[m - 1] + 1,
       "meddle %d: the next document takes the next id", meddle);
  }
  ok(lede_store_commit(st) == LEDE_OK, "meddle %d: the next batch commits", meddle);
  lede_store_bulk_end(st);
  is_int(atomic_load(&given_back), m, "meddle %d: every lent text given back", meddle);
  ok(checked(st), "meddle %d: the index agrees with the texts", meddle);
  free(texts);
  free(ids);
  free(hashes);
  lede_store_close(st);
}

/* A commit that fails loses the reserved documents with its batch. */
static void rollback(int first)
{
  LedeStore *st = open_store(2);
  char buf[200], texts[20][200];
  int64_t id, ids[20];
  atomic_int given_back = 0;
  lede_store_begin(st);
  for (int i = first; i < first + 1100; i++) {
    LedeDocIn d = doc(buf, sizeof buf, i);
    lede_store_add(st, &d, &id);
  }
  int64_t before = lede_store_count(st);
  lede_store_commit_begin(st);
  for (int i = 0; i < 20; i++) {
    LedeDocIn d = doc(texts[i], sizeof texts[i], first + 1100 + i);
    lede_store_reserve(st, &d, lede_store_hash(d.text, d.text_len), &ids[i], done, &given_back);
  }
  lede_store_rollback(st);
  is_int(atomic_load(&given_back), 20, "rollback: every lent text given back");
  is_int(lede_store_count(st), before - 1100, "rollback: the batch is gone");
  LedeDocIn d = doc(buf, sizeof buf, first + 1100);
  ok(lede_store_begin(st) == LEDE_OK && lede_store_add(st, &d, &id) == LEDE_OK
     && lede_store_commit(st) == LEDE_OK, "rollback: a reserved text can be added again");
  ok(checked(st), "rollback: the index agrees with the texts");
  lede_store_close(st);
}

int main(void)
{
  snprintf(path, sizeof path, "%s/lede-pipe-%d.db", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
           (int)getpid());
  /* past 1024 documents a batch on a corpus that has some builds the
   * set of stored hashes, which reserving needs */
  run(0, 1, 1100, 200);
  run(1, 2000, 1100, 200);
  run(2, 4000, 1100, 200);
  run(0, 6000, 1100, 3000);
  rollback(20000);
  char side[300];
  unlink(path);
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-journal", path);
  unlink(side);
  return tap_done();
}
