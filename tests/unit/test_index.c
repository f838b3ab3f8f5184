/*
 * test_index.c -- the positional index against a brute-force model:
 * random documents over a small vocabulary go through the writer in
 * several segments; every term's cursor (next, seek, positions), the
 * vocabulary and the statistics must agree with the model, before and
 * after removals and merges.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include "lede_int.h"
#include "tap.h"

#define NDOCS 700
#define MAXLEN 300
#define NVOCAB 40

static char vocab[NVOCAB][16];
static int len_of[NDOCS + 1];
static unsigned char toks[NDOCS + 1][MAXLEN];
static int removed[NDOCS + 1];

static uint64_t rng = 88172645463325252ULL;
static uint32_t rnd(void)
{
  rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
  return (uint32_t)rng;
}

/* Zipf-ish: low term numbers are common, so some lists span many blocks. */
static int pick_term(void)
{
  uint32_t r = rnd() % 1000;
  if (r < 400) return (int)(r % 3);
  if (r < 700) return 3 + (int)(r % 7);
  return 10 + (int)(rnd() % (NVOCAB - 10));
}

static sqlite3 *make_db(void)
{
  sqlite3 *db;
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db, "CREATE TABLE lede_info(key TEXT PRIMARY KEY, value)", NULL, NULL, NULL);
  lede_index_schema(db);
  return db;
}

static void write_docs(sqlite3 *db, LedeIndexWriter *w, int from, int to, int flush_every)
{
  for (int d = from; d <= to; d++) {
    lede_iw_begin(w, d);
    for (int p = 0; p < len_of[d]; p++)
      lede_iw_term(w, vocab[toks[d][p]], strlen(vocab[toks[d][p]]), (uint32_t)p);
    uint32_t sent[2] = {0, (uint32_t)len_of[d] / 2};
    lede_iw_end(w, (uint32_t)len_of[d], sent, 2);
    if (flush_every && d % flush_every == 0) lede_iw_write(w, db);
  }
  lede_iw_write(w, db);
}

/* Compare every term's postings with the model; returns mismatches. */
static int check_all(LedeIndex *ix, const char *when)
{
  int bad = 0;
  for (int t = 0; t < NVOCAB; t++) {
    LedeCursor *c = lede_cursor_open(ix, vocab[t], strlen(vocab[t]));
    uint64_t df = 0, cf = 0;
    int rc = lede_cursor_next(c);
    for (int d = 1; d <= NDOCS; d++) {
      uint32_t want[MAXLEN], n = 0;
      for (int p = 0; p < len_of[d]; p++) if (toks[d][p] == t) want[n++] = (uint32_t)p;
      if (!n || removed[d]) continue;
      df++; cf += n;
      if (rc != 1 || lede_cursor_doc(c) != d || lede_cursor_tf(c) != n) {
        if (bad++ < 5) diag("%s: term %s doc %d: cursor at %lld tf %u want tf %u", when,
                            vocab[t], d, (long long)lede_cursor_doc(c), rc == 1 ? lede_cursor_tf(c) : 0, n);
        break;
      }
      const uint32_t *pos = lede_cursor_positions(c);
      if (!pos || memcmp(pos, want, n * sizeof *pos) != 0) {
        if (bad++ < 5) diag("%s: term %s doc %d: positions differ", when, vocab[t], d);
      }
      rc = lede_cursor_next(c);
    }
    if (rc != 0 && !bad) { bad++; diag("%s: term %s has extra postings", when, vocab[t]); }
    LedeTermStats st;
    lede_index_lookup(ix, vocab[t], strlen(vocab[t]), &st);
    if (!bad && df && st.cf < cf) { bad++; diag("%s: cf of %s", when, vocab[t]); }
    lede_cursor_close(c);
  }
  return bad;
}

/* Seek to random targets and check the landing document. */
static int check_seek(LedeIndex *ix)
{
  int bad = 0;
  for (int k = 0; k < 2000; k++) {
    int t = pick_term();
    int64_t target = 1 + rnd() % NDOCS;
    LedeCursor *c = lede_cursor_open(ix, vocab[t], strlen(vocab[t]));
    int64_t want = INT64_MAX;
    for (int d = (int)target; d <= NDOCS && want == INT64_MAX; d++) {
      if (removed[d]) continue;
      for (int p = 0; p < len_of[d]; p++) if (toks[d][p] == t) { want = d; break; }
    }
    if (rnd() % 2) lede_cursor_next(c);     /* from a started cursor too */
    int rc = lede_cursor_seek(c, target);
    int64_t got = rc == 1 ? lede_cursor_doc(c) : INT64_MAX;
    if (got != want && bad++ < 5)
      diag("seek %s to %lld: got %lld want %lld", vocab[t], (long long)target, (long long)got, (long long)want);
    lede_cursor_close(c);
  }
  return bad;
}

static int vocab_count;
static int count_terms(void *ud, const char *t, size_t n, const LedeTermStats *st)
{
  (void)ud; (void)t; (void)n; (void)st;
  vocab_count++;
  return 0;
}

/* ---- a dictionary of many terms ------------------------------------------
 * Lookups must land in every block of the dictionary's restart points,
 * before and after a merge. */
#define NBIG 3000
#define BIGDOCS 300

static char big[NBIG][24];

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void write_big(sqlite3 *db)
{
  for (int i = 0; i < NBIG; i++)
    snprintf(big[i], sizeof big[i], "%c%c%d%s", 'a' + i % 7, 'a' + (i / 7) % 5, i, i % 11 ? "" : "x");
  LedeIndexWriter *w = lede_iw_new();
  for (int d = 1; d <= BIGDOCS; d++) {
    lede_iw_begin(w, d);
    uint32_t pos = 0;
    for (int i = d - 1; i < NBIG; i += BIGDOCS)
      for (int k = 0; k <= i % 3; k++) lede_iw_term(w, big[i], strlen(big[i]), pos++);
    uint32_t sent[1] = {0};
    lede_iw_end(w, pos, sent, 1);
    if (d == BIGDOCS / 2) lede_iw_write(w, db);
  }
  lede_iw_write(w, db);
  lede_iw_free(w);
}

static int walk_n;
static const char **walk_want;
static int walk_bad;
static int walk_terms(void *ud, const char *t, size_t n, const LedeTermStats *st)
{
  (void)ud;
  if (walk_n >= NBIG || strlen(walk_want[walk_n]) != n || memcmp(walk_want[walk_n], t, n) != 0
      || st->df != 1)
    walk_bad++;
  walk_n++;
  return 0;
}

/* Mismatches between the index's dictionary and the big vocabulary. */
static int check_big(LedeIndex *ix)
{
  int bad = 0;
  for (int i = 0; i < NBIG; i++) {
    LedeTermStats st;
    int found = lede_index_lookup(ix, big[i], strlen(big[i]), &st);
    if (!found || st.df != 1 || st.cf != (uint64_t)(1 + i % 3)) bad++;
    LedeCursor *c = lede_cursor_open(ix, big[i], strlen(big[i]));
    if (lede_cursor_next(c) != 1 || lede_cursor_doc(c) != i % BIGDOCS + 1) bad++;
    lede_cursor_close(c);
    char miss[32];
    snprintf(miss, sizeof miss, "%s!", big[i]);           /* just after the term */
    if (lede_index_lookup(ix, miss, strlen(miss), &st)) bad++;
  }
  LedeTermStats st;
  const char *none[] = {"", "0", "a", "aa", "zzz", "\xff"};
  for (size_t k = 0; k < sizeof none / sizeof *none; k++)
    if (lede_index_lookup(ix, none[k], strlen(none[k]), &st)) bad++;
  const char *sorted[NBIG];
  for (int i = 0; i < NBIG; i++) sorted[i] = big[i];
  qsort(sorted, NBIG, sizeof *sorted, cmp_str);
  walk_n = walk_bad = 0;
  walk_want = sorted;
  lede_index_vocab(ix, "", 0, walk_terms, NULL);
  bad += walk_bad + (walk_n != NBIG);
  int want = 0;
  for (int i = 0; i < NBIG; i++) want += strncmp(sorted[i], "cb1", 3) == 0;
  vocab_count = 0;
  lede_index_vocab(ix, "cb1", 3, count_terms, NULL);
  bad += vocab_count != want;
  return bad;
}

static void test_big_dict(void)
{
  sqlite3 *db = make_db();
  write_big(db);
  LedeIndex *ix;
  ok(lede_index_open(db, &ix) == LEDE_OK, "a dictionary of 3000 terms opens");
  is_int(check_big(ix), 0, "every term is found in its block, absent terms are not, walks are in order");
  ok(lede_index_merge(db, 1) == LEDE_OK, "segments with big dictionaries merge");
  lede_index_refresh(ix);
  is_int(check_big(ix), 0, "the merged dictionary reads the same");
  sqlite3_exec(db, "UPDATE lede_seg SET dict = x'4c44583200'", NULL, NULL, NULL);
  sqlite3_exec(db, "UPDATE lede_info SET value = value + 1 WHERE key = 'index_gen'", NULL, NULL, NULL);
  ok(lede_index_refresh(ix) == LEDE_EFORMAT, "a truncated dictionary is a format error");
  lede_index_close(ix);
  sqlite3_close(db);
}

/* ---- the block encoding's edge cases ------------------------------------
 * Documents far apart (gaps of a million ids), positions near and
 * above 2^28 and up to 4e9 (32-bit position values), terms whose every tf
 * is 1 (no tf bits) or whose every position is 0 (no position bits),
 * one-document blocks and lists (a list of one document has no skip
 * table: a merge that copies two of them writes their entries), and the
 * partial blocks a merge leaves where it copies segments' lists one
 * after the other. */
#define EDOCS 306
#define ETERMS 6
static const char *eterm[ETERMS] = {"one", "big", "many", "mixed", "zero", "twice"};
static int64_t edoc[EDOCS];
static int eremoved[EDOCS];

/* Positions of term t in document k (k indexes edoc); returns tf. */
static uint32_t epos(int t, int k, uint32_t *pos)
{
  int64_t d = edoc[k];
  switch (t) {
  case 0: if (k == 4) { pos[0] = 0; return 1; } return 0;
  case 1:
    if (k == 0) { pos[0] = 3; return 1; }
    if (k == 1) { pos[0] = 0; pos[1] = (1u << 28) - 1; return 2; }
    if (k == 300) { pos[0] = 1u << 28; pos[1] = (1u << 28) + 1; return 2; }
    if (k == 301) { pos[0] = 4000000000u; return 1; }
    if (k == 302) { pos[0] = 1; pos[1] = 2; pos[2] = 3; return 3; }
    if (k == 305) { pos[0] = 7; pos[1] = 300000000u; return 2; }
    return 0;
  case 2: if (k < 300) { pos[0] = (uint32_t)(d % 7); return 1; } return 0;
  case 3: {
    if (k >= 300 || d % 2) return 0;
    uint32_t tf = 1 + (uint32_t)(d % 5), step = (uint32_t)(d % 300) + 1;
    for (uint32_t i = 0; i < tf; i++) pos[i] = i * step;
    return tf;
  }
  case 4: if (k < 200) { pos[0] = 0; return 1; } return 0;
  default:     /* one document in each of two segments; one is removed */
    if (k == 5) { pos[0] = 5; pos[1] = 6; pos[2] = 1000; return 3; }
    if (k == 121) { pos[0] = 77; return 1; }
    return 0;
  }
}

static void write_edge(sqlite3 *db, LedeIndexWriter *w)
{
  for (int k = 0; k < EDOCS; k++) {
    lede_iw_begin(w, edoc[k]);
    /* positions rise within a document: gather (pos, term) and sort */
    uint32_t all[16][2], n = 0, pos[8];
    for (int t = 0; t < ETERMS; t++) {
      uint32_t tf = epos(t, k, pos);
      for (uint32_t i = 0; i < tf; i++) { all[n][0] = pos[i]; all[n][1] = (uint32_t)t; n++; }
    }
    for (uint32_t i = 1; i < n; i++)
      for (uint32_t j = i; j > 0 && all[j - 1][0] > all[j][0]; j--) {
        uint32_t a = all[j][0], b = all[j][1];
        all[j][0] = all[j - 1][0]; all[j][1] = all[j - 1][1];
        all[j - 1][0] = a; all[j - 1][1] = b;
      }
    for (uint32_t i = 0; i < n; i++) lede_iw_term(w, eterm[all[i][1]], strlen(eterm[all[i][1]]), all[i][0]);
    lede_iw_end(w, n, NULL, 0);
    if (k == 99 || k == 249 || k == 302) lede_iw_write(w, db);
  }
  lede_iw_write(w, db);
}

/* Every way of reading a term agrees with the model: next with
 * positions, the position iterator, the block's positions, keys and
 * seeks. */
static int check_edge_term(LedeIndex *ix, int t)
{
  int bad = 0;
  const char *term = eterm[t];
  LedeCursor *c = lede_cursor_open(ix, term, strlen(term)), *c2 = lede_cursor_open(ix, term, strlen(term));
  LedeCursor *ck = lede_cursor_open(ix, term, strlen(term));
  const uint64_t *keys = NULL;
  size_t nkeys = 0, ki = 0;
  int krc = 1;
  for (int k = 0; k < EDOCS && bad < 5; k++) {
    uint32_t want[8], tf = epos(t, k, want);
    if (!tf || eremoved[k]) continue;
    if (lede_cursor_next(c) != 1 || lede_cursor_doc(c) != edoc[k] || lede_cursor_tf(c) != tf) {
      diag("%s: doc %lld: cursor at %lld", term, (long long)edoc[k], (long long)lede_cursor_doc(c));
      bad++;
      break;
    }
    const uint32_t *p = lede_cursor_positions(c);
    if (!p || memcmp(p, want, tf * sizeof *p) != 0) { diag("%s: positions of %lld", term, (long long)edoc[k]); bad++; }
    LedePosIter it;
    uint32_t v, m = 0;
    if (lede_cursor_seek(c2, edoc[k]) != 1 || lede_cursor_pos_iter(c2, &it) != LEDE_OK) { bad++; continue; }
    while (lede_pos_next(&it, &v)) if (m >= tf || v != want[m++]) { bad++; break; }
    const uint32_t *bp, *bo;
    if (m != tf || lede_cursor_block_positions(c2, &bp, &bo) != LEDE_OK ||
        bo[c2->i + 1] - bo[c2->i] != tf || memcmp(bp + bo[c2->i], want, tf * sizeof *bp) != 0) {
      diag("%s: iterator or block positions of %lld", term, (long long)edoc[k]);
      bad++;
    }
    for (uint32_t i = 0; i < tf && krc == 1; i++) {
      while (ki == nkeys && (krc = lede_cursor_next_keys(ck, &keys, &nkeys)) == 1) ki = 0;
      if (krc != 1 || keys[ki++] != ((uint64_t)edoc[k] << 32 | want[i])) {
        diag("%s: key %u of %lld", term, i, (long long)edoc[k]);
        bad++;
        krc = 0;
      }
    }
  }
  if (!bad && lede_cursor_next(c) != 0) { diag("%s: extra postings", term); bad++; }
  lede_cursor_close(c);
  lede_cursor_close(c2);
  lede_cursor_close(ck);
  return bad;
}

static int check_edge(LedeIndex *ix)
{
  int bad = 0;
  for (int t = 0; t < ETERMS; t++) bad += check_edge_term(ix, t);
  /* seeking between documents far apart */
  LedeCursor *c = lede_cursor_open(ix, "big", 3);
  int64_t want = eremoved[301] ? edoc[302] : edoc[301];
  if (lede_cursor_seek(c, (1 << 21) - 5) != 1 || lede_cursor_doc(c) != want) bad++;
  if (lede_cursor_seek(c, edoc[305]) != 1 || lede_cursor_doc(c) != edoc[305]) bad++;
  if (lede_cursor_seek(c, edoc[305] + 1) != 0) bad++;
  lede_cursor_close(c);
  return bad;
}

static void test_edge(void)
{
  for (int k = 0; k < 300; k++) edoc[k] = k + 1;
  edoc[300] = 1 << 20;
  edoc[301] = 1 << 21;
  edoc[302] = (1 << 21) + 1;
  edoc[303] = 3 << 20;
  edoc[304] = (1 << 22) + 7;       /* "one" lives here: a block of one, id absolute */
  edoc[305] = (1 << 22) + 8;       /* (readers keep an array by id: no larger) */
  sqlite3 *db = make_db();
  LedeIndexWriter *w = lede_iw_new();
  write_edge(db, w);
  LedeIndex *ix;
  ok(lede_index_open(db, &ix) == LEDE_OK, "edge cases: index opens");
  is_int(check_edge(ix), 0, "edge cases read back (4 segments)");
  ok(lede_index_merge(db, 1) == LEDE_OK, "edge cases: merged, blocks copied");
  lede_index_refresh(ix);
  is_int(check_edge(ix), 0, "edge cases read back after a merge that copies blocks");
  for (int k = 10; k < 300; k += 3) { eremoved[k] = 1; lede_index_remove(db, edoc[k]); }
  eremoved[301] = 1;
  lede_index_remove(db, edoc[301]);
  lede_index_refresh(ix);
  is_int(check_edge(ix), 0, "edge cases with removed documents");
  ok(lede_index_merge(db, 1) == LEDE_OK, "edge cases: merged, blocks encoded again");
  lede_index_refresh(ix);
  is_int(check_edge(ix), 0, "edge cases read back after a merge that encodes blocks");
  uint64_t sum = 0, n = 0, want = 0, wantn = 0;
  for (int t = 0; t < ETERMS; t++)
    for (int k = 0; k < EDOCS; k++) {
      uint32_t pos[8], tf = epos(t, k, pos);
      for (uint32_t i = 0; i < tf && !eremoved[k]; i++, wantn++)
        want += lede_index_entry_sum(eterm[t], strlen(eterm[t]), edoc[k], pos[i]);
    }
  lede_index_checksum(ix, &sum, &n);
  ok(sum == want && n == wantn, "edge cases: the checksum of every posting");
  lede_index_close(ix);

  /* a file whose segments carry no format mark is not read */
  sqlite3_exec(db, "DELETE FROM lede_info WHERE key='index_format'", NULL, NULL, NULL);
  ix = NULL;
  is_int(lede_index_open(db, &ix), LEDE_EFORMAT, "an index of an earlier format is refused");
  lede_iw_free(w);
  sqlite3_close(db);
}

/* ---- chunks fill their pages ---------------------------------------------
 * Postings go to lede_post in chunks cut to the page size: whatever the
 * page size, the pages of lede_post are nearly full. */
static int chunk_docs(sqlite3 *db, int64_t first, int n)
{
  LedeIndexWriter *w = lede_iw_new();
  char t[16];
  for (int d = 0; d < n; d++) {
    lede_iw_begin(w, first + d);
    for (uint32_t p = 0; p < 300; p++) {
      snprintf(t, sizeof t, "c%u", rnd() % 3000);
      lede_iw_term(w, t, strlen(t), p);
    }
    lede_iw_end(w, 300, NULL, 0);
  }
  int rc = lede_iw_write(w, db);
  lede_iw_free(w);
  return rc;
}

/* Checksum of every posting of the c* terms, as written and as read. */
static uint64_t chunk_sum(sqlite3 *db, uint64_t *n)
{
  LedeIndex *ix = NULL;
  uint64_t sum = 0;
  *n = 0;
  if (lede_index_open(db, &ix) != LEDE_OK) return 0;
  lede_index_checksum(ix, &sum, n);
  lede_index_close(ix);
  return sum;
}

/* Overflow pages of lede_post with room left: only the last chunk of a
 * segment may leave some. */
static int part_pages(sqlite3 *db)
{
  sqlite3_stmt *s;
  int n = -1;
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM dbstat WHERE name = 'lede_post'"
                         " AND pagetype = 'overflow' AND unused > 0", -1, &s, NULL) != SQLITE_OK)
    return -1;
  if (sqlite3_step(s) == SQLITE_ROW) n = sqlite3_column_int(s, 0);
  sqlite3_finalize(s);
  return n;
}

static void test_chunks(void)
{
  const int pages[] = {4096, 16384, 65536};
  for (int i = 0; i < 3; i++) {
    sqlite3 *db;
    char sql[64];
    sqlite3_open(":memory:", &db);
    snprintf(sql, sizeof sql, "PRAGMA page_size=%d", pages[i]);
    sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_exec(db, "CREATE TABLE lede_info(key TEXT PRIMARY KEY, value)", NULL, NULL, NULL);
    lede_index_schema(db);
    ok(chunk_docs(db, 1, 3000) == LEDE_OK && chunk_docs(db, 3001, 1000) == LEDE_OK,
       "%d-byte pages: two segments written", pages[i]);
    int n = part_pages(db);
    ok(n >= 0 && n <= 2, "%d-byte pages: chunks fill their overflow pages (%d part full)", pages[i], n);
    uint64_t n1, n2, s1 = chunk_sum(db, &n1);
    ok(lede_index_merge(db, 1) == LEDE_OK, "%d-byte pages: merged", pages[i]);
    uint64_t s2 = chunk_sum(db, &n2);
    ok(n1 == 4000 * 300 && s1 == s2 && n2 == n1, "%d-byte pages: every posting reads back, merged too", pages[i]);
    sqlite3_close(db);
  }
  /* a file that does not say how its postings are cut */
  sqlite3 *db = make_db();
  chunk_docs(db, 1, 100);
  sqlite3_exec(db, "DELETE FROM lede_info WHERE key = 'index_chunk'", NULL, NULL, NULL);
  LedeIndex *ix = NULL;
  is_int(lede_index_open(db, &ix), LEDE_EFORMAT, "an index without index_chunk is refused");
  sqlite3_close(db);
}

int main(void)
{
  for (int t = 0; t < NVOCAB; t++) snprintf(vocab[t], sizeof vocab[t], "w%02d%c", t, 'a' + t % 26);
  for (int d = 1; d <= NDOCS; d++) {
    len_of[d] = 1 + (int)(rnd() % MAXLEN);
    for (int p = 0; p < len_of[d]; p++) toks[d][p] = (unsigned char)pick_term();
  }
  sqlite3 *db = make_db();
  LedeIndexWriter *w = lede_iw_new();
  write_docs(db, w, 1, NDOCS, 97);
  LedeIndex *ix;
  ok(lede_index_open(db, &ix) == LEDE_OK, "index opens");
  is_int(lede_index_ndocs(ix), NDOCS, "document count");
  is_int(check_all(ix, "segments"), 0, "every term's postings match the model (many segments)");
  is_int(check_seek(ix), 0, "seek lands on the right document");
  vocab_count = 0;
  lede_index_vocab(ix, "w1", 2, count_terms, NULL);
  is_int(vocab_count, 10, "vocabulary walk with a prefix merges segments");
  is_int(lede_index_doclen(ix, 123), len_of[123], "document length");

  for (int d = 5; d <= NDOCS; d += 7) { removed[d] = 1; lede_index_remove(db, d); }
  lede_index_refresh(ix);
  is_int(check_all(ix, "removed"), 0, "removed documents are skipped");
  is_int(check_seek(ix), 0, "seek skips removed documents");

  ok(lede_index_merge(db, 3) == LEDE_OK, "tiered merge to 3 segments");
  lede_index_refresh(ix);
  sqlite3_stmt *s;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM lede_seg", -1, &s, NULL);
  sqlite3_step(s);
  is_int(sqlite3_column_int(s, 0), 3, "3 segments remain");
  sqlite3_finalize(s);
  is_int(check_all(ix, "merged"), 0, "postings match after merging");
  ok(lede_index_merge(db, 1) == LEDE_OK, "full merge");
  lede_index_refresh(ix);
  is_int(check_all(ix, "optimised"), 0, "postings match after a full merge");
  is_int(check_seek(ix), 0, "seek after a full merge");
  sqlite3_prepare_v2(db, "SELECT count(*) FROM lede_removed", -1, &s, NULL);
  sqlite3_step(s);
  is_int(sqlite3_column_int(s, 0), 0, "a full merge drops the removed documents' postings");
  sqlite3_finalize(s);
  int live = 0;
  for (int d = 1; d <= NDOCS; d++) live += !removed[d];
  is_int(lede_index_ndocs(ix), live, "document count after removal");
  lede_index_close(ix);
  lede_iw_free(w);
  sqlite3_close(db);
  test_big_dict();
  test_edge();
  test_chunks();
  return tap_done();
}
