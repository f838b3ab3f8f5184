/*
 * store.c -- the corpus file: one SQLite database per corpus.
 *
 * Schema (version 1, in PRAGMA user_version):
 *   lede_info(key, value)   ('format','lede') marks the file as a corpus
 *   docs(id, uri, hash, title, source, date, date_raw, lang, bytes, meta,
 *        added)             one row per document, metadata only
 *   doc_text(id, text)      the text, apart so that scans of metadata do
 *                           not page through every article
 * Ids come from AUTOINCREMENT: never reused, always rising, so the index
 * can keep postings in load order and a removed document's id never comes
 * back to mean another text.  (A load may hand out the next ids itself
 * while a batch commits, and insert the rows with them later: see
 * lede_store_commit_begin.)
 * hash is a 64-bit hash of the text; identical text is found by the hash
 * and confirmed by comparing the text, so a collision never drops a
 * document.
 *
 * Opening is careful never to change a file that is not ours: the header
 * is read with plain stdio and the schema is checked before anything is
 * written; only then is the file put in WAL mode.
 *
 * New files get 16 KiB pages: an article of a few kilobytes then shares a
 * page with others instead of filling most of one 4 KiB page and spilling
 * onto an overflow page, and a 64 KiB postings chunk is 4 pages, not 16.
 *
 * Loads run with a rollback journal instead of the WAL (lede_store_bulk_*)
 * when nobody else has the file open: the WAL writes every page twice (to
 * the log, then to the file at the checkpoint), while a rollback journal
 * keeps only the old content of pages that existed before the transaction,
 * and a load mostly appends new pages.  Each batch still commits or rolls
 * back whole, and the file goes back to WAL at the end of the load.  A
 * batch's pages stay in memory until its commit (cache_spill off; a batch
 * is bounded in bytes), because writing them to the file earlier would
 * lock readers out until the commit; in WAL mode they could have read on.
 * The cache is made smaller meanwhile, as those pages come on top of it.  The final merge may spill: readers
 * wait for it alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>
#include "lede_int.h"

#define LEDE_SCHEMA 1

struct LedeStore {
  sqlite3 *db;
  char *path;
  char *err;
  int timeout_ms;
  int readonly;
  unsigned flags;
  sqlite3_stmt *find_hash, *get_text, *ins_doc, *ins_text, *del_doc,
               *del_text, *count, *read_begin, *read_end;
  LedeAnalyzer *an;         /* tokenizer with this corpus' settings */
  LedeIndexWriter *iw;      /* postings of the transaction in flight */
  LedeIndex *ix;            /* reader, refreshed when the index changes */
  LedeIndexer *bg;          /* indexing threads (NULL: index on this thread) */
  int threads;              /* indexing threads for loads, 0: none */
  size_t memory;            /* bytes for the index being built */
  int merge_max;            /* segments kept before a tiered merge */
  int bulk;                 /* a load has put the file in rollback mode */
  int loading;              /* between lede_store_bulk_begin and _end */
  int index_old, format_known;   /* postings of an older format (reindex) */
  char *why;                /* lede_store_index_why's message */
  char added[32];           /* docs.added, formatted once a second */
  time_t added_at;
  /* Hashes of the stored documents, to skip find_same's probe for a text
   * that cannot be there (see known_new). */
  uint64_t *hs;             /* open addressing, 0 empty; NULL: not built */
  size_t hs_n, hs_cap;
  int64_t hs_last;          /* max(docs.id) the set accounts for */
  int hs_stale;             /* check hs_last against the table first */
  int hs_adding;            /* lede_store_add's insert into docs runs */
  unsigned hs_adds;         /* documents added before the set was built */
  sqlite3_stmt *max_id, *next_seq;
  /* A commit on another thread (lede_store_commit_begin) and the ids
   * handed out meanwhile (lede_store_reserve). */
  int64_t next_id;          /* the id the next document gets; 0: unknown */
  int cut_set;              /* the commit writes the runs before cut */
  unsigned long cut;
  int cut_rc;
  int64_t rsv_first;        /* the first handed out */
  size_t rsv_n;             /*   and how many */
  size_t rsv_out;           /* reserved, rows not yet inserted */
  int rsv_rc;               /* the indexers' first error meanwhile */
};

static const char *schema_sql =
  "CREATE TABLE lede_info(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
  "INSERT INTO lede_info VALUES('format','lede');"
  "INSERT INTO lede_info VALUES('created',strftime('%Y-%m-%dT%H:%M:%SZ','now'));"
  "CREATE TABLE docs("
  " id INTEGER PRIMARY KEY AUTOINCREMENT, uri TEXT, hash INTEGER NOT NULL, title TEXT,"
  " source TEXT, date TEXT, date_raw TEXT, lang TEXT,"
  " bytes INTEGER NOT NULL, meta TEXT NOT NULL DEFAULT '{}',"
  " added TEXT NOT NULL);"
  "CREATE TABLE doc_text(id INTEGER PRIMARY KEY, text TEXT NOT NULL);"
  "CREATE INDEX docs_hash ON docs(hash);"
  "CREATE INDEX docs_source ON docs(source);"
  "CREATE INDEX docs_date ON docs(date);"
  "PRAGMA user_version=1;";

static void set_err(LedeStore *st, const char *fmt, const char *detail)
{
  free(st->err);
  LedeBuf b = {0};
  lede_buf_printf(&b, fmt, st->path, detail ? detail : "");
  st->err = lede_buf_detach(&b, NULL);
}

static int sql_err(LedeStore *st, int rc)
{
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    char d[64];
    snprintf(d, sizeof d, "%.1f", st->timeout_ms / 1000.0);
    set_err(st, "%s: another process is writing to this corpus; gave up "
            "waiting for its write lock after %s s", d);
    return LEDE_EBUSY;
  }
  if (rc == SQLITE_FULL) {
    set_err(st, "%s: disk full: %s", sqlite3_errmsg(st->db));
    return LEDE_EIO;
  }
  set_err(st, "%s: %s", sqlite3_errmsg(st->db));
  return LEDE_ESTORE;
}

static char *msgf(const char *fmt, const char *a, const char *b)
{
  LedeBuf m = {0};
  lede_buf_printf(&m, fmt, a, b ? b : "");
  return lede_buf_detach(&m, NULL);
}

/* Read the file header without SQLite, so nothing can touch the file. */
static int check_header(const char *path, int *is_new, char **errmsg)
{
  struct stat sb;
  *is_new = 0;
  if (stat(path, &sb) != 0) {
    if (errno == ENOENT) { *is_new = 1; return LEDE_OK; }
    *errmsg = msgf("%s: %s", path, strerror(errno));
    return LEDE_EIO;
  }
  if (S_ISDIR(sb.st_mode)) {
    *errmsg = msgf("%s: is a directory, not a lede corpus%s", path, NULL);
    return LEDE_ENOTLEDE;
  }
  if (sb.st_size == 0) { *is_new = 1; return LEDE_OK; }
  FILE *f = fopen(path, "rb");
  if (!f) {
    *errmsg = msgf("%s: %s", path, strerror(errno));
    return LEDE_EIO;
  }
  char head[16] = {0};
  size_t got = fread(head, 1, sizeof head, f);
  fclose(f);
  if (got < 16 || memcmp(head, "SQLite format 3", 16) != 0) {
    *errmsg = msgf("%s: not a lede corpus (not an SQLite database)%s", path, NULL);
    return LEDE_ENOTLEDE;
  }
  return LEDE_OK;
}

static int query_int(sqlite3 *db, const char *sql, long long *out)
{
  sqlite3_stmt *s;
  int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
  if (rc != SQLITE_OK) return rc;
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) { *out = sqlite3_column_int64(s, 0); rc = SQLITE_OK; }
  else if (rc == SQLITE_DONE) { *out = -1; rc = SQLITE_OK; }
  sqlite3_finalize(s);
  return rc;
}

/* Is this an empty database, a corpus of a schema we read, or something
 * else?  Asked on the connection lede keeps, before configure() changes
 * anything (a second connection just for this cost a tenth of a one-shot
 * command's start). */
static int check_schema(sqlite3 *db, const char *path, int *is_empty, char **errmsg)
{
  long long ntab = 0, fmt = 0, ver = 0;
  sqlite3_stmt *s;
  int rc = sqlite3_prepare_v2(db, "SELECT count(*), coalesce(sum(name = 'lede_info'), 0),"
                              " (SELECT user_version FROM pragma_user_version) FROM sqlite_master",
                              -1, &s, NULL);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
      ntab = sqlite3_column_int64(s, 0);
      fmt = sqlite3_column_int64(s, 1);
      ver = sqlite3_column_int64(s, 2);
      rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
  }
  if (rc == SQLITE_OK && fmt > 0)
    rc = query_int(db, "SELECT count(*) FROM lede_info WHERE key='format' AND value='lede'", &fmt);
  int ret = LEDE_OK;
  if (rc != SQLITE_OK) {
    *errmsg = msgf("%s: cannot be read as a lede corpus (corrupt?): %s", path, sqlite3_errmsg(db));
    ret = LEDE_ENOTLEDE;
  } else if (ntab > 0 && fmt <= 0) {
    *errmsg = msgf("%s: not a lede corpus (an SQLite database without lede's tables)%s", path, NULL);
    ret = LEDE_ENOTLEDE;
  } else if (ver > LEDE_SCHEMA) {
    char d[96];
    snprintf(d, sizeof d, "schema %lld; this lede reads up to %d", ver, LEDE_SCHEMA);
    *errmsg = msgf("%s: written by a newer lede (%s)", path, d);
    ret = LEDE_ENOTLEDE;
  }
  *is_empty = (ntab == 0);
  return ret;
}

static int prepare(LedeStore *st, sqlite3_stmt **s, const char *sql)
{
  return sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, s, NULL);
}

static int prepare_all(LedeStore *st)
{
  int rc = prepare(st, &st->find_hash, "SELECT id FROM docs WHERE hash=?");
  if (!rc) rc = prepare(st, &st->get_text, "SELECT text FROM doc_text WHERE id=?");
  if (!rc) rc = prepare(st, &st->ins_doc,
    "INSERT INTO docs(uri,hash,title,source,date,date_raw,lang,bytes,meta,added,id)"
    " VALUES(?,?,?,?,?,?,?,?,coalesce(?,'{}'),?,?)");
  if (!rc) rc = prepare(st, &st->ins_text, "INSERT INTO doc_text(id,text) VALUES(?,?)");
  if (!rc) rc = prepare(st, &st->del_doc, "DELETE FROM docs WHERE id=?");
  if (!rc) rc = prepare(st, &st->del_text, "DELETE FROM doc_text WHERE id=?");
  if (!rc) rc = prepare(st, &st->count, "SELECT count(*) FROM docs");
  if (!rc) rc = prepare(st, &st->max_id, "SELECT coalesce(max(id), 0) FROM docs");
  if (!rc) rc = prepare(st, &st->next_seq,
    "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name='docs'), 0),"
    " (SELECT coalesce(max(id), 0) FROM docs)) + 1");
  return rc;
}

/* Switching to WAL needs the file to itself; another process opening the
 * same new corpus at the same moment makes it fail at once with BUSY
 * rather than wait, so wait here.  An existing file that another process
 * is loading in rollback mode (lede_store_bulk_begin) stays so: this
 * connection reads it as it is, and the load puts it back in WAL. */
static int enable_wal(LedeStore *st, int wait)
{
  int rc, waited = 0;
  while ((rc = sqlite3_exec(st->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL)) == SQLITE_BUSY
         && wait && waited < st->timeout_ms) {
    sqlite3_sleep(20);
    waited += 20;
  }
  if (rc == SQLITE_BUSY && !wait) rc = SQLITE_OK;
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(st->db, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;", NULL, NULL, NULL);
  return rc;
}

/* Create the schema unless another process has just done so. */
static int create_schema(LedeStore *st)
{
  int rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE;", NULL, NULL, NULL);
  if (rc != SQLITE_OK) return rc;
  long long n = 0;
  rc = query_int(st->db, "SELECT count(*) FROM sqlite_master WHERE name='lede_info'", &n);
  if (rc == SQLITE_OK && n == 0) rc = sqlite3_exec(st->db, schema_sql, NULL, NULL, NULL);
  if (rc == SQLITE_OK && lede_index_schema(st->db) != LEDE_OK) rc = SQLITE_ERROR;
  if (rc == SQLITE_OK && n == 0) {
    /* settings a corpus keeps for life: its index depends on them */
    char sql[120];
    snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO lede_info VALUES('fold_diacritics', %d)",
             (st->flags & LEDE_OPEN_KEEP_DIACRITICS) ? 0 : 1);
    rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
  }
  if (rc != SQLITE_OK) {
    set_err(st, "%s: %s", sqlite3_errmsg(st->db));   /* before ROLLBACK resets it */
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
  }
  return sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
}

/* Indexing threads for loading: $LEDE_THREADS, else the cores available. */
static int default_threads(void)
{
  const char *e = getenv("LEDE_THREADS");
  if (e && *e) return atoi(e);
  return lede_cores();
}

/* Memory for the index being built: $LEDE_MEMORY (MB), else 256 MB. */
static size_t default_memory(void)
{
  const char *e = getenv("LEDE_MEMORY");
  long mb = e && *e ? atol(e) : 0;
  return (size_t)(mb > 0 ? mb : 256) << 20;
}

/* A run of documents goes to one indexing thread; short runs keep the
 * threads evenly busy, long ones make fewer segments to merge.  A load
 * commits every 32 MB (load.c), and a commit ends every thread's run, so
 * runs must be shorter than that for two threads to share a batch. */
#define RUN_BYTES (16u << 20)

/* The threads start with the first document indexed, not at open: a
 * script that only queries should not pay for them. */
static int ensure_indexer(LedeStore *st)
{
  if (st->bg || st->readonly || st->threads < 1) return LEDE_OK;
  LedeAnalyzerOpts ao = {lede_store_folds_diacritics(st), NULL};
  size_t run_memory = st->memory / (size_t)st->threads;
  size_t run_bytes = run_memory / 4 < RUN_BYTES ? run_memory / 4 : RUN_BYTES;
  st->bg = lede_indexer_new(st->threads, run_bytes, run_memory, &ao, st->db);
  return st->bg ? LEDE_OK : LEDE_ENOMEM;
}

/* New settings take effect when ensure_indexer next starts the threads. */
static void stop_indexer(LedeStore *st)
{
  lede_indexer_free(st->bg);
  st->bg = NULL;
}

int lede_store_set_load(LedeStore *st, int threads, size_t memory)
{
  if (!sqlite3_get_autocommit(st->db)) return LEDE_EMISUSE;   /* not during a load */
  if (threads >= 0) st->threads = threads;
  if (memory > 0) st->memory = memory < (1u << 20) ? (1u << 20) : memory;
  stop_indexer(st);
  return LEDE_OK;
}

void lede_store_get_load(const LedeStore *st, int *threads, size_t *memory)
{
  *threads = st->threads;
  *memory = st->memory;
}

/* ---- the set of stored hashes ---------------------------------------------
 * find_same probes docs_hash for every document added, a B-tree descent
 * that finds nothing for nearly all of them (and at 1 GB, pages the cache
 * had let go).  The set holds the hash of every document in the table, so
 * a hash it lacks is new without asking SQLite.  It is a filter: hashes
 * of removed or rolled-back documents may stay in it (they only cost a
 * probe); what must never happen is a stored hash missing from it.  So it
 * accounts for the documents up to hs_last, the largest id; after each
 * transaction (the commit and rollback hooks) the table's largest id is
 * compared with it before the set is used again: ids only rise
 * (AUTOINCREMENT), so a document another connection added shows there,
 * and the set is dropped (and built again later).  A row of docs that
 * this connection's own SQL (a script's db:sql) inserts or changes drops
 * it at once (the update hook).  It is built from
 * docs_hash alone, after HS_AFTER documents added (a script adding a few
 * documents to a big corpus never reads the whole index), or at once
 * when the table is empty. */
#define HS_AFTER 1024

/* Runs on the thread that commits; the loading thread joins it before
 * adding again. */
static int hs_txn_end(void *ud)
{
  ((LedeStore *)ud)->hs_stale = 1;
  return 0;
}

static void hs_rollback(void *ud) { hs_txn_end(ud); }

static void hs_drop(LedeStore *st);

/* A row of docs inserted or changed other than by lede_store_add (a
 * deletion only leaves a hash the set may keep). */
static void hs_row(void *ud, int op, const char *dbname, const char *table, sqlite3_int64 row)
{
  LedeStore *st = ud;
  (void)dbname;
  (void)row;
  if (strcmp(table, "docs") != 0 || op == SQLITE_DELETE || st->hs_adding) return;
  st->next_id = 0;
  if (st->hs) hs_drop(st);
}

static void hs_drop(LedeStore *st)
{
  free(st->hs);
  st->hs = NULL;
  st->hs_n = st->hs_cap = 0;
}

static int hs_put(LedeStore *st, uint64_t h)
{
  if ((st->hs_n + 1) * 4 > st->hs_cap * 3) {
    size_t cap = st->hs_cap ? st->hs_cap * 2 : 4096;
    uint64_t *v = calloc(cap, sizeof *v), *old = st->hs;
    if (!v) { hs_drop(st); return 0; }
    for (size_t i = 0; i < st->hs_cap; i++)
      if (old[i])
        for (size_t j = old[i] & (cap - 1);; j = (j + 1) & (cap - 1))
          if (!v[j]) { v[j] = old[i]; break; }
    free(old);
    st->hs = v;
    st->hs_cap = cap;
  }
  h = h ? h : 1;
  for (size_t j = h & (st->hs_cap - 1);; j = (j + 1) & (st->hs_cap - 1)) {
    if (st->hs[j] == h) return 1;
    if (!st->hs[j]) { st->hs[j] = h; st->hs_n++; return 1; }
  }
}

static int hs_has(const LedeStore *st, uint64_t h)
{
  h = h ? h : 1;
  for (size_t j = h & (st->hs_cap - 1);; j = (j + 1) & (st->hs_cap - 1)) {
    if (st->hs[j] == h) return 1;
    if (!st->hs[j]) return 0;
  }
}

static int64_t max_id(LedeStore *st)
{
  int64_t m = sqlite3_step(st->max_id) == SQLITE_ROW ? sqlite3_column_int64(st->max_id, 0) : -1;
  sqlite3_reset(st->max_id);
  return m;
}

static void hs_build(LedeStore *st, int64_t last)
{
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(st->db, "SELECT hash FROM docs", -1, &s, NULL) != SQLITE_OK) return;
  int rc;
  st->hs_n = 0;
  if (!hs_put(st, 0)) { sqlite3_finalize(s); return; }  /* room, and 0 (as 1) is harmless */
  while ((rc = sqlite3_step(s)) == SQLITE_ROW)
    if (!hs_put(st, (uint64_t)sqlite3_column_int64(s, 0))) break;
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE || !st->hs) { hs_drop(st); return; }
  st->hs_last = last;
  st->hs_stale = 0;
}

/* 1 when no stored document can have hash h. */
static int known_new(LedeStore *st, uint64_t h)
{
  if (st->hs && st->hs_stale) {
    if (max_id(st) != st->hs_last) hs_drop(st);
    st->hs_stale = 0;
  }
  if (!st->hs && st->hs_adds++ % HS_AFTER == 0) {
    int64_t last = max_id(st);
    if (last == 0 || st->hs_adds > HS_AFTER) hs_build(st, last);
  }
  return st->hs && !hs_has(st, h);
}

/* A document was stored with id and hash h: keep the set whole. */
static void hs_stored(LedeStore *st, int64_t id, uint64_t h)
{
  if (!st->hs) return;
  if (id > st->hs_last && hs_put(st, h)) st->hs_last = id;
  else hs_drop(st);
}

static int configure(LedeStore *st, int is_new)
{
  sqlite3_busy_timeout(st->db, st->timeout_ms);
  sqlite3_extended_result_codes(st->db, 0);
  int rc = SQLITE_OK;
  if (!st->readonly && is_new) rc = sqlite3_exec(st->db, "PRAGMA page_size=16384", NULL, NULL, NULL);
  if (rc == SQLITE_OK && !st->readonly) rc = enable_wal(st, is_new);
  if (rc == SQLITE_OK && !st->readonly && is_new) rc = create_schema(st);
  /* a reader maps the file: opening the index then copies its dictionaries
   * from memory instead of reading them page by page (loads, whose
   * merges read every posting, keep page reads and so a bounded RSS) */
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(st->db, st->readonly ? "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
                                             " PRAGMA mmap_size=1073741824;"
                                           : "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;",
                      NULL, NULL, NULL);
  if (rc == SQLITE_OK) rc = prepare_all(st);
  if (rc != SQLITE_OK && !st->err) set_err(st, "%s: %s", sqlite3_errmsg(st->db));
  if (rc == SQLITE_OK && !st->readonly) {
    sqlite3_commit_hook(st->db, hs_txn_end, st);
    sqlite3_rollback_hook(st->db, hs_rollback, st);
    sqlite3_update_hook(st->db, hs_row, st);
  }
  if (rc == SQLITE_OK) {
    long long fold = 1;
    if (query_int(st->db, "SELECT value FROM lede_info WHERE key='fold_diacritics'", &fold) != SQLITE_OK
        || fold < 0)
      fold = 1;
    LedeAnalyzerOpts ao = {(int)fold, NULL};
    st->an = lede_analyzer_new(&ao);
    st->iw = st->readonly ? NULL : lede_iw_new();
    st->merge_max = 8;
    st->threads = default_threads();
    st->memory = default_memory();
    if (!st->an || (!st->readonly && !st->iw)) {
      rc = SQLITE_NOMEM;
      set_err(st, "%s: %s", "out of memory");
    }
  }
  return rc;
}

int lede_store_open(const char *path, unsigned flags, LedeStore **out, char **errmsg)
{
  char *dummy = NULL;
  if (!errmsg) errmsg = &dummy;
  *errmsg = NULL;
  *out = NULL;
  int mem = !path || strcmp(path, ":memory:") == 0 || !*path;
  int is_new = 1, is_empty = 1, rc = LEDE_OK;
  if (!mem) {
    rc = check_header(path, &is_new, errmsg);
    if (rc == LEDE_OK && is_new && (flags & LEDE_OPEN_READONLY)) {
      *errmsg = msgf("%s: no such corpus%s", path, NULL);
      rc = LEDE_EIO;
    }
    if (rc != LEDE_OK) { if (errmsg == &dummy) free(dummy); return rc; }
  }
  LedeStore *st = calloc(1, sizeof *st);
  if (!st) return LEDE_ENOMEM;
  st->path = strdup(mem ? ":memory:" : path);
  st->timeout_ms = 5000;
  st->readonly = (flags & LEDE_OPEN_READONLY) != 0;
  st->flags = flags;
  int oflags = st->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  int src = sqlite3_open_v2(st->path, &st->db, oflags, NULL);
  if (src == SQLITE_OK && !mem && !is_new) {
    sqlite3_busy_timeout(st->db, st->timeout_ms);
    rc = check_schema(st->db, path, &is_empty, errmsg);
    if (rc != LEDE_OK) {
      lede_store_close(st);
      if (errmsg == &dummy) free(dummy);
      return rc;
    }
  }
  if (src == SQLITE_OK) src = configure(st, is_new || is_empty);
  if (src != SQLITE_OK) {
    *errmsg = st->err ? strdup(st->err)
            : msgf("%s: %s", st->path, st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(src));
    lede_store_close(st);
    if (errmsg == &dummy) free(dummy);
    return LEDE_ESTORE;
  }
  *out = st;
  return LEDE_OK;
}

void lede_store_close(LedeStore *st)
{
  if (!st) return;
  sqlite3_stmt **stmts[] = {&st->find_hash, &st->get_text, &st->ins_doc,
                            &st->ins_text, &st->del_doc, &st->del_text, &st->count,
                            &st->read_begin, &st->read_end, &st->max_id, &st->next_seq};
  for (size_t i = 0; i < sizeof stmts / sizeof *stmts; i++) sqlite3_finalize(*stmts[i]);
  lede_store_bulk_end(st);
  lede_index_close(st->ix);
  lede_indexer_free(st->bg);
  lede_iw_free(st->iw);
  lede_analyzer_free(st->an);
  sqlite3_close_v2(st->db);
  free(st->path);
  free(st->err);
  free(st->why);
  free(st->hs);
  free(st);
}

const char *lede_store_path(const LedeStore *st) { return st->path; }
const char *lede_store_errmsg(const LedeStore *st) { return st->err ? st->err : "no error"; }
sqlite3 *lede_store_db(LedeStore *st) { return st->db; }

/* One read transaction around a query: in autocommit the index_gen check
 * and each blob the query opened took and dropped a shared lock of their
 * own (a lock, an unlock and an fstat each, most of a rare term's time).
 * Inside the caller's transaction nothing is done.  1 when one began. */
int lede_store_read_begin(LedeStore *st)
{
  if (!sqlite3_get_autocommit(st->db)) return 0;
  if ((!st->read_begin && sqlite3_prepare_v2(st->db, "BEGIN", -1, &st->read_begin, NULL) != SQLITE_OK)
      || (!st->read_end && sqlite3_prepare_v2(st->db, "COMMIT", -1, &st->read_end, NULL) != SQLITE_OK))
    return 0;
  int rc = sqlite3_step(st->read_begin);
  sqlite3_reset(st->read_begin);
  return rc == SQLITE_DONE;
}

void lede_store_read_end(LedeStore *st, int began)
{
  if (!began || sqlite3_get_autocommit(st->db)) return;
  int rc = sqlite3_step(st->read_end);
  sqlite3_reset(st->read_end);
  if (rc != SQLITE_DONE) sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

void lede_store_set_timeout(LedeStore *st, int ms)
{
  st->timeout_ms = ms;
  sqlite3_busy_timeout(st->db, ms);
}

static int exec(LedeStore *st, const char *sql)
{
  int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
  return rc == SQLITE_OK ? LEDE_OK : sql_err(st, rc);
}

int lede_store_begin(LedeStore *st)
{
  st->next_id = 0;          /* known again after the first insert */
  return exec(st, "BEGIN IMMEDIATE");
}

/* Every document added so far into segments, inside the transaction
 * (only those before the cut, on another thread while more are added). */
static int write_pending(LedeStore *st)
{
  if (st->cut_set) {
    int rc = lede_indexer_write(st->bg, st->cut);
    return st->cut_rc != LEDE_OK ? st->cut_rc : rc;
  }
  if (st->bg) return lede_indexer_commit(st->bg);
  if (st->iw && lede_iw_docs(st->iw) > 0) return lede_iw_write(st->iw, st->db);
  return LEDE_OK;
}

/* A load keeps up to this many segments before merging any: it ends by
 * merging its own segments into one (lede_store_merge_from), so merges on
 * the way are wasted work, done on the loading thread while the indexing
 * threads wait (1 GB: 43.7 -> 30.4 s, peak RSS 396 -> 300 MB).  The final
 * merge reads each segment through a 1 MB window, which bounds it. */
#define LOAD_MERGE_MAX 64

/* The documents of the transaction become a segment inside it, so the
 * index and the documents always commit (or vanish) together. */
int lede_store_commit(LedeStore *st)
{
  if (!st->cut_set) st->next_id = 0;       /* on this thread: ids are the next transaction's */
  int rc = write_pending(st);
  if (rc == LEDE_OK) rc = lede_index_merge(st->db, st->loading ? LOAD_MERGE_MAX : st->merge_max);
  if (rc != LEDE_OK) {
    set_err(st, "%s: cannot write the index: %s", rc == LEDE_ENOMEM ? "out of memory" : sqlite3_errmsg(st->db));
    return rc;
  }
  return exec(st, "COMMIT");
}

/* A load's batch commits on another thread (load.c) while this one
 * goes on with the next documents: the runs of the batch end here, and
 * lede_store_commit, on the other thread, writes those alone.  A
 * document the set of stored hashes proves new then takes the next id
 * (AUTOINCREMENT's: the last one inserted plus one) and goes to the
 * indexing threads at once, and its rows are inserted after the commit
 * (lede_store_resume): nothing here touches SQLite meanwhile.  Ids handed
 * out this way are checked when the next transaction begins, since
 * another process may have added documents in between. */
void lede_store_commit_begin(LedeStore *st)
{
  if (!st->bg) return;
  st->rsv_n = 0;
  st->rsv_rc = LEDE_OK;
  st->cut_rc = lede_indexer_cut(st->bg, 1, &st->cut);
  st->cut_set = 1;
  lede_indexer_hold(st->bg, 1);
}

uint64_t lede_store_hash(const char *text, size_t len)
{
  return lede_hash64(text, len, 0x6c656465);
}

int lede_store_reserve(LedeStore *st, const LedeDocIn *d, uint64_t h, int64_t *id,
                       void (*done)(void *), void *ud)
{
  /* next_id is known from this transaction's last insert, or kept over
   * the commit in flight */
  if (!st->bg || st->next_id <= 0 || !st->hs || st->index_old || !st->format_known
      || hs_has(st, h) || !hs_put(st, h))
    return 0;
  st->rsv_out++;
  *id = st->next_id++;
  st->hs_last = *id;
  if (st->cut_set && st->rsv_n++ == 0) st->rsv_first = *id;
  int rc = lede_indexer_add_lent(st->bg, *id, d->text, d->text_len, done, ud);
  if (rc != LEDE_OK && st->rsv_rc == LEDE_OK) st->rsv_rc = rc;
  return 1;
}

static void end_commit(LedeStore *st)
{
  st->cut_set = 0;
  st->rsv_n = 0;
  if (st->bg) lede_indexer_hold(st->bg, 0);
}

static void end_reserve(LedeStore *st)
{
  end_commit(st);
  st->next_id = 0;
  st->rsv_out = 0;
}

int lede_store_resume(LedeStore *st, int *again)
{
  *again = 0;
  size_t n = st->rsv_n;
  int64_t next = st->next_id;
  int rc = st->rsv_rc;
  end_commit(st);
  st->rsv_rc = LEDE_OK;
  if (!n) {
    st->next_id = 0;        /* the next transaction learns it again */
    return rc;
  }
  if (rc == LEDE_OK) rc = lede_store_begin(st);
  else set_err(st, "%s: %s", rc == LEDE_ENOMEM ? "out of memory while indexing"
                                              : "cannot write the index");
  if (rc != LEDE_OK) {
    lede_indexer_discard(st->bg);
    end_reserve(st);
    return rc;
  }
  int64_t want = sqlite3_step(st->next_seq) == SQLITE_ROW ? sqlite3_column_int64(st->next_seq, 0) : -1;
  sqlite3_reset(st->next_seq);
  if (want != st->rsv_first) {           /* another process added documents */
    lede_indexer_discard(st->bg);
    hs_drop(st);
    end_reserve(st);
    *again = 1;
    return LEDE_OK;
  }
  st->next_id = next;
  return LEDE_OK;
}

int lede_store_rollback(LedeStore *st)
{
  end_reserve(st);
  st->hs_stale = 1;         /* ids reserved may be past the table's */
  if (st->bg) lede_indexer_discard(st->bg);
  if (st->iw) lede_iw_discard(st->iw);
  if (sqlite3_get_autocommit(st->db)) return LEDE_OK;
  return exec(st, "ROLLBACK");
}

size_t lede_store_pending(const LedeStore *st)
{
  if (st->bg) return lede_indexer_memory(st->bg);
  return st->iw ? lede_iw_memory(st->iw) : 0;
}

LedeIndex *lede_store_index(LedeStore *st)
{
  if (!st->ix) {
    int rc = lede_index_open(st->db, &st->ix);
    if (rc != LEDE_OK) {
      st->ix = NULL;
      st->index_old = rc == LEDE_EFORMAT;
      return NULL;
    }
  } else if (lede_index_refresh(st->ix) != LEDE_OK) {
    return NULL;
  }
  return st->ix;
}

const char *lede_store_index_why(LedeStore *st)
{
  if (!st->index_old) return "the index could not be read";
  free(st->why);
  st->why = msgf("%s: the index was written by an older lede; rebuild it from the stored"
                 " texts with `lede %s reindex` (or db:reindex())", st->path, st->path);
  return st->why ? st->why : "the index is in an older format";
}

/* Adding to an index of an older format would mix two formats. */
static int index_current(LedeStore *st)
{
  if (!st->format_known) {
    st->index_old = lede_index_format_ok(st->db) == LEDE_EFORMAT;
    st->format_known = 1;
  }
  if (st->index_old) set_err(st, "%s: %s", "the index was written by an older lede; reindex it first");
  return !st->index_old;
}

LedeAnalyzer *lede_store_analyzer(LedeStore *st) { return st->an; }

int lede_store_folds_diacritics(LedeStore *st)
{
  long long fold = 1;
  if (query_int(st->db, "SELECT value FROM lede_info WHERE key='fold_diacritics'", &fold) != SQLITE_OK
      || fold < 0)
    fold = 1;
  return (int)fold;
}

int lede_store_optimize(LedeStore *st)
{
  int rc = lede_store_begin(st);
  if (rc != LEDE_OK) return rc;
  if (lede_index_merge(st->db, 1) != LEDE_OK) { lede_store_rollback(st); return sql_err(st, SQLITE_ERROR); }
  return lede_store_commit(st);
}

int64_t lede_store_next_id(LedeStore *st)
{
  long long last = 0;
  if (query_int(st->db, "SELECT coalesce(max(id), 0) FROM docs", &last) != SQLITE_OK) return -1;
  return (int64_t)last + 1;
}

int lede_store_merge_from(LedeStore *st, int64_t first_doc)
{
  st->loading = 0;       /* its commit merges down to merge_max what a killed load left */
  if (st->bulk) sqlite3_exec(st->db, "PRAGMA cache_spill=ON", NULL, NULL, NULL);
  int rc = lede_store_begin(st);
  if (rc != LEDE_OK) return rc;
  if (lede_index_merge_from(st->db, first_doc) != LEDE_OK) {
    set_err(st, "%s: cannot merge the index: %s", sqlite3_errmsg(st->db));
    lede_store_rollback(st);
    return LEDE_ESTORE;
  }
  return lede_store_commit(st);
}

/* Leaving WAL needs the file to itself: with another connection open the
 * switch fails at once (no busy wait) and the load keeps the WAL. */
void lede_store_bulk_begin(LedeStore *st)
{
  st->loading = 1;
  if (st->readonly || st->bulk || !sqlite3_get_autocommit(st->db)
      || strcmp(st->path, ":memory:") == 0)
    return;
  sqlite3_busy_timeout(st->db, 0);
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode=DELETE", -1, &s, NULL) == SQLITE_OK
      && sqlite3_step(s) == SQLITE_ROW) {
    const char *mode = (const char *)sqlite3_column_text(s, 0);
    st->bulk = mode && strcmp(mode, "delete") == 0;
  }
  sqlite3_finalize(s);
  if (st->bulk) sqlite3_exec(st->db, "PRAGMA cache_spill=OFF; PRAGMA cache_size=-16384", NULL, NULL, NULL);
  sqlite3_busy_timeout(st->db, st->timeout_ms);
}

void lede_store_bulk_end(LedeStore *st)
{
  st->loading = 0;
  if (!st->bulk || !sqlite3_get_autocommit(st->db)) return;
  st->bulk = 0;
  sqlite3_exec(st->db, "PRAGMA cache_spill=ON; PRAGMA cache_size=-65536", NULL, NULL, NULL);
  enable_wal(st, 1);
}

/* Static: the document's strings outlive the step, which follows at once. */
static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
  if (v && *v) sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
  else sqlite3_bind_null(s, i);
}

/* The id of a stored document with exactly this text, or 0. */
static int find_same(LedeStore *st, sqlite3_int64 h, const LedeDocIn *d, int64_t *id)
{
  int rc;
  *id = 0;
  sqlite3_bind_int64(st->find_hash, 1, h);
  while ((rc = sqlite3_step(st->find_hash)) == SQLITE_ROW && !*id) {
    sqlite3_int64 cand = sqlite3_column_int64(st->find_hash, 0);
    sqlite3_bind_int64(st->get_text, 1, cand);
    if (sqlite3_step(st->get_text) == SQLITE_ROW
        && (size_t)sqlite3_column_bytes(st->get_text, 0) == d->text_len
        && memcmp(sqlite3_column_blob(st->get_text, 0), d->text, d->text_len) == 0)
      *id = cand;
    sqlite3_reset(st->get_text);
  }
  sqlite3_reset(st->find_hash);
  return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? LEDE_OK : sql_err(st, rc);
}

/* strftime('now') in the INSERT cost a date computation per document. */
static const char *added_now(LedeStore *st)
{
  time_t now = time(NULL);
  struct tm tm;
  if (now != st->added_at || !*st->added) {
    st->added_at = now;
    if (!gmtime_r(&now, &tm) || !strftime(st->added, sizeof st->added, "%Y-%m-%dT%H:%M:%SZ", &tm))
      strcpy(st->added, "1970-01-01T00:00:00Z");
  }
  return st->added;
}

/* Index a stored document: on the indexing threads, or here, spilling a
 * segment when the writer's memory is full. */
static int index_doc(LedeStore *st, int64_t id, const char *text, size_t len)
{
  int irc = ensure_indexer(st);
  if (irc == LEDE_OK && st->bg) {
    irc = lede_indexer_add(st->bg, id, text, len);
  } else if (irc == LEDE_OK && st->iw) {
    irc = lede_analyzer_index(st->an, st->iw, id, text, len);
    if (irc == LEDE_OK && lede_iw_memory(st->iw) >= st->memory)   /* spill */
      irc = lede_iw_write(st->iw, st->db);
  }
  if (irc != LEDE_OK)
    set_err(st, "%s: %s", irc == LEDE_ENOMEM ? "out of memory while indexing"
                                             : "cannot write the index");
  return irc;
}

/* The document's rows; id 0: AUTOINCREMENT's. */
static int insert_rows(LedeStore *st, const LedeDocIn *d, uint64_t h, int64_t *id)
{
  sqlite3_stmt *s = st->ins_doc;
  bind_text(s, 1, d->uri);
  sqlite3_bind_int64(s, 2, (sqlite3_int64)h);
  bind_text(s, 3, d->title);
  bind_text(s, 4, d->source);
  bind_text(s, 5, d->date);
  bind_text(s, 6, d->date_raw);
  bind_text(s, 7, d->lang);
  sqlite3_bind_int64(s, 8, (sqlite3_int64)d->text_len);
  bind_text(s, 9, d->meta_json);
  sqlite3_bind_text(s, 10, added_now(st), -1, SQLITE_STATIC);
  if (*id) sqlite3_bind_int64(s, 11, *id); else sqlite3_bind_null(s, 11);
  st->hs_adding = 1;
  int src = sqlite3_step(s);
  st->hs_adding = 0;
  sqlite3_reset(s);
  if (src != SQLITE_DONE) return sql_err(st, src);
  *id = sqlite3_last_insert_rowid(st->db);
  if (*id >= st->next_id) st->next_id = *id + 1;     /* reserved ids may lie beyond */
  sqlite3_bind_int64(st->ins_text, 1, *id);
  sqlite3_bind_text(st->ins_text, 2, d->text, (int)d->text_len, SQLITE_STATIC);
  src = sqlite3_step(st->ins_text);
  sqlite3_reset(st->ins_text);
  return src == SQLITE_DONE ? LEDE_OK : sql_err(st, src);
}

int lede_store_add(LedeStore *st, const LedeDocIn *d, int64_t *id)
{
  return lede_store_add_hashed(st, d, lede_store_hash(d->text, d->text_len), id);
}

int lede_store_add_hashed(LedeStore *st, const LedeDocIn *d, uint64_t hash, int64_t *id)
{
  if (!index_current(st)) return LEDE_EFORMAT;
  if (st->rsv_out) return LEDE_EMISUSE;     /* AUTOINCREMENT would take a reserved id */
  sqlite3_int64 h = (sqlite3_int64)hash;
  *id = 0;
  if (!known_new(st, (uint64_t)h)) {
    int rc = find_same(st, h, d, id);
    if (rc != LEDE_OK) return rc;
    if (*id) return LEDE_DUPLICATE;
  }
  int rc = insert_rows(st, d, (uint64_t)h, id);
  if (rc != LEDE_OK) return rc;
  hs_stored(st, *id, (uint64_t)h);
  return index_doc(st, *id, d->text, d->text_len);
}

int lede_store_add_reserved(LedeStore *st, const LedeDocIn *d, int64_t id, uint64_t hash)
{
  if (!st->rsv_out) return LEDE_EMISUSE;
  st->rsv_out--;
  return insert_rows(st, d, hash, &id);
}

/* The index rebuilt from the stored texts, in one transaction: for a
 * corpus whose index an older lede wrote, or one that db:check() found
 * wrong.  Ends with one segment. */
int lede_store_reindex(LedeStore *st)
{
  if (st->readonly) { set_err(st, "%s: %s", "opened read-only"); return LEDE_EMISUSE; }
  int rc = lede_store_begin(st);
  if (rc != LEDE_OK) return rc;
  rc = lede_index_reset(st->db);
  sqlite3_stmt *s = NULL;
  if (rc == LEDE_OK && sqlite3_prepare_v2(st->db, "SELECT id, text FROM doc_text ORDER BY id",
                                          -1, &s, NULL) != SQLITE_OK)
    rc = LEDE_ESTORE;
  int src = SQLITE_ROW;
  while (rc == LEDE_OK && (src = sqlite3_step(s)) == SQLITE_ROW)
    rc = index_doc(st, sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1),
                   (size_t)sqlite3_column_bytes(s, 1));
  if (rc == LEDE_OK && src != SQLITE_DONE) rc = sql_err(st, src);
  sqlite3_finalize(s);
  if (rc == LEDE_ESTORE && !st->err) set_err(st, "%s: %s", sqlite3_errmsg(st->db));
  if (rc == LEDE_OK) rc = lede_store_commit(st);
  else lede_store_rollback(st);
  if (rc != LEDE_OK) return rc;
  st->index_old = 0;
  st->format_known = 1;
  lede_index_close(st->ix);
  st->ix = NULL;
  return lede_store_merge_from(st, 1);
}

int lede_store_remove(LedeStore *st, int64_t id)
{
  /* a document still in the writer must reach a segment to be removed */
  if (write_pending(st) != LEDE_OK)
    return sql_err(st, SQLITE_ERROR);
  if (lede_index_remove(st->db, id) != LEDE_OK) return sql_err(st, SQLITE_ERROR);
  sqlite3_bind_int64(st->del_doc, 1, id);
  int rc = sqlite3_step(st->del_doc);
  sqlite3_reset(st->del_doc);
  if (rc != SQLITE_DONE) return sql_err(st, rc);
  if (sqlite3_changes(st->db) == 0) return LEDE_EMISUSE;
  sqlite3_bind_int64(st->del_text, 1, id);
  rc = sqlite3_step(st->del_text);
  sqlite3_reset(st->del_text);
  return rc == SQLITE_DONE ? LEDE_OK : sql_err(st, rc);
}

int64_t lede_store_count(LedeStore *st)
{
  int rc = sqlite3_step(st->count);
  int64_t n = rc == SQLITE_ROW ? sqlite3_column_int64(st->count, 0) : sql_err(st, rc);
  sqlite3_reset(st->count);
  return n;
}

struct LedeDocIter {
  LedeStore *st;
  sqlite3_stmt *s;
};

int lede_store_docs(LedeStore *st, const LedeDocFilter *f, LedeDocIter **it)
{
  LedeBuf q = {0};
  lede_buf_printf(&q, "SELECT d.id, d.uri, d.title, d.source, d.date, d.date_raw,"
                  " d.lang, d.meta, d.added, %s FROM docs d%s WHERE d.id > ?1",
                  f->with_text ? "t.text" : "NULL",
                  f->with_text ? " JOIN doc_text t ON t.id = d.id" : "");
  if (f->id) lede_buf_adds(&q, " AND d.id = ?2");
  if (f->source) lede_buf_adds(&q, " AND d.source = ?3");
  lede_buf_adds(&q, " ORDER BY d.id");
  if (f->limit > 0) lede_buf_adds(&q, " LIMIT ?4");
  if (q.oom) return LEDE_ENOMEM;
  *it = calloc(1, sizeof **it);
  if (!*it) { lede_buf_free(&q); return LEDE_ENOMEM; }
  (*it)->st = st;
  int rc = sqlite3_prepare_v2(st->db, q.p, -1, &(*it)->s, NULL);
  lede_buf_free(&q);
  if (rc != SQLITE_OK) {
    rc = sql_err(st, rc);
    lede_docs_free(*it);
    *it = NULL;
    return rc;
  }
  sqlite3_bind_int64((*it)->s, 1, f->after);
  if (f->id) sqlite3_bind_int64((*it)->s, 2, f->id);
  if (f->source) sqlite3_bind_text((*it)->s, 3, f->source, -1, SQLITE_TRANSIENT);
  if (f->limit > 0) sqlite3_bind_int64((*it)->s, 4, f->limit);
  return LEDE_OK;
}

int lede_docs_next(LedeDocIter *it, LedeDoc *d)
{
  int rc = sqlite3_step(it->s);
  if (rc == SQLITE_DONE) return 0;
  if (rc != SQLITE_ROW) return sql_err(it->st, rc);
  sqlite3_stmt *s = it->s;
  const char **col[] = {&d->uri, &d->title, &d->source, &d->date, &d->date_raw,
                        &d->lang, &d->meta, &d->added, &d->text};
  d->id = sqlite3_column_int64(s, 0);
  for (int i = 0; i < 9; i++) *col[i] = (const char *)sqlite3_column_text(s, i + 1);
  d->text_len = (size_t)sqlite3_column_bytes(s, 9);
  return 1;
}

void lede_docs_free(LedeDocIter *it)
{
  if (!it) return;
  sqlite3_finalize(it->s);
  free(it);
}
