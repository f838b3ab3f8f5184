#!/bin/sh
# run.sh -- the load benchmark: lede against SQLite FTS5 and Xapian on the
# same texts, with ripgrep and cat as points of reference, in one run on one
# machine.
#
#   BUILD=build BENCH_SIZE=100M sh tests/bench/run.sh      (what `make bench` does)
#
# Builds gen and rss into $BUILD/bench, generates the corpus once into
# $BUILD/bench/data-$BENCH_SIZE (kept while gen.c is unchanged), times each
# tool $RUNS times and takes the median (a measurement whose first run takes
# over $LONG_RUN seconds runs once), and rewrites the "Load" section of
# tests/bench/RESULTS.md between its markers, leaving other sections alone.
# A step that fails is recorded as "failed" and the run goes on: a partial
# table says more than none.
#
# After the load section it runs every tests/bench/bench_*.sh (helpers in
# lib.sh), each writing its own section; BENCH_SKIP="extract stats" leaves
# out bench_extract.sh and bench_stats.sh (their sections stay as they are).
#
# FTS5 runs inside lede, through the same libsqlite3 and connection settings
# lede uses, so the comparison is between index builders, not builds of
# SQLite.  Each FTS5 figure is the wall time of the whole `lede -e` command
# minus that of a command that only opens the corpus.  Xapian runs from
# Debian's python3-xapian (tests/bench/xapian_index.py).
#
# Knobs (environment): BENCH_SIZE (100M; 1G for issue 7), RUNS (3), RG_RUNS
# (5), QRUNS (21, query repetitions), LONG_RUN (300 s), NLTK_BYTES (100 MB:
# the prefix NLTK reads), NLTK_LIMIT (3600 s, a timeout), BENCH_SKIP, LEDE
# (the binary, default $BUILD/lede).
set -u

BUILD=${BUILD:-build}
BENCH_SIZE=${BENCH_SIZE:-100M}
RUNS=${RUNS:-3}
RG_RUNS=${RG_RUNS:-5}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1

B=$BUILD/bench
W=$B/work                 # databases and per-run logs (per size but 100M's)
[ "$BENCH_SIZE" = 100M ] || W=$B/work-$BENCH_SIZE
LEDE=${LEDE:-$BUILD/lede}   # another binary can be timed on the same files
RSS=$B/rss
RESULTS=tests/bench/RESULTS.md
CFLAGS_BENCH="-std=c11 -Wall -Wextra -O2 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L"
# FTS5 twice: an external-content table over lede's doc_text (the index
# alone; bench_query.sh queries it) and a table that stores the text as
# lede does (FTS5's own load+index).
FTS_CREATE="CREATE VIRTUAL TABLE fts USING fts5(text, tokenize='unicode61', detail=full, content='doc_text', content_rowid='id')"
FTS_INSERT="INSERT INTO fts(rowid, text) SELECT id, text FROM doc_text"
FTS2_CREATE="CREATE VIRTUAL TABLE fts2 USING fts5(text, tokenize='unicode61', detail=full)"
FTS2_INSERT="INSERT INTO fts2(rowid, text) SELECT id, text FROM doc_text"
PHRASE='security guarantees'
# lede loads with a rollback journal (store.c); FTS5's inserts get the same.
FTS_JOURNAL="PRAGMA journal_mode=DELETE"

. tests/bench/lib.sh

# ---- building and data ----------------------------------------------------

build_tools() {
  mkdir -p "$B" "$W" || return 1
  cc $CFLAGS_BENCH -o "$B/gen" tests/bench/gen.c &&
  cc $CFLAGS_BENCH -o "$B/rss" tests/bench/rss.c
}

# The corpus is generated once per size and gen.c version.  A new version
# overwrites the old files in place: deleting tens of thousands of files
# and creating them again is what is slow on some file systems (see gen.c).
make_data() {
  DATA=$B/data-$BENCH_SIZE
  stamp="$(cksum < tests/bench/gen.c) $BENCH_SIZE"
  if [ -f "$DATA/.complete" ] && [ "$(cat "$DATA/.complete")" = "$stamp" ]; then
    note "reusing $DATA"
    return 0
  fi
  rm -f "$DATA/.complete"
  note "generating $BENCH_SIZE into $DATA"
  "$RSS" "$B/gen" -o "$DATA" --size "$BENCH_SIZE" --format both 2> "$W/gen.err" || {
    cat "$W/gen.err" >&2
    return 1
  }
  grep '^gen:\|^rss:' "$W/gen.err" > "$DATA/gen.log"
  cat "$DATA/gen.log" >&2
  printf '%s\n' "$stamp" > "$DATA/.complete"
}

# Reads the files once so every tool starts from a warm page cache.
warm() {
  cat "$DATA/corpus.jsonl" "$DATA/all.txt" > /dev/null 2>&1
  find "$DATA/txt" -type f -exec cat {} + > /dev/null 2>&1
}

# ---- lede -------------------------------------------------------------------

# lede_load NAME INPUT [OPTION...]: `lede -q DB add [OPTION...] INPUT`, on a
# fresh $W/NAME.db each run; the database of the last run stays.
lede_load() {
  LOAD_DB=$W/$1.db
  name=$1 in=$2
  shift 2
  repeat "$name" fresh_load 0 "$LEDE" -q "$LOAD_DB" add "$@" "$in"
}
fresh_load() { rm -f "$LOAD_DB" "$LOAD_DB-wal" "$LOAD_DB-shm"; }

# has_threads N: this lede takes `add --threads N` (a one-document load
# with it succeeds).  Older ones have no such option.
has_threads() {
  printf '{"id": 1, "text": "probe"}\n' > "$W/probe.jsonl"
  rm -f "$W/probe.db" "$W/probe.db-wal" "$W/probe.db-shm"
  "$LEDE" -q "$W/probe.db" add --threads "$1" "$W/probe.jsonl" > /dev/null 2>&1
  st=$?
  rm -f "$W/probe.db" "$W/probe.db-wal" "$W/probe.db-shm" "$W/probe.jsonl"
  return $st
}

# The rows of one thread and of a single indexing thread: lede's
# `--threads 0` is everything on the loading thread and N > 0 the number
# of indexing threads beside it; were 0 refused, 1 would be one thread.
# The corpus.jsonl row is the default, every core.
thread_rows() {
  if has_threads 0; then echo "0 1"
  elif has_threads 1; then echo 1
  fi
}

# What `lede DB add --help` says of --threads, on one line.
threads_help() {
  "$LEDE" -q :memory: add --help 2>&1 |
    awk '/^ *--threads/ { p = 1 } p && /^ *--/ && !/--threads/ { exit } p' | tr -s ' \n' '  ' | sed 's/^ //; s/ $//'
}

# ---- FTS5 -------------------------------------------------------------------

# fts_load NAME CREATE INSERT: FTS5 over the texts lede stored from the
# JSONL, in a fresh copy $W/NAME.db of that corpus file each run; the
# open-only baseline NAME_base is timed the same way so it can be
# subtracted.  The copy of the last run stays.
fts_load() {
  FTS_DB=$W/$1.db
  rm -f "$W/$1.runs" "$W/$1_base.runs"
  [ -f "$W/jsonl.db" ] || return 1
  i=0
  while [ "$i" -lt "$RUNS" ]; do
    fresh_copy &&
    measure "$1_base" 0 "$LEDE" -q "$FTS_DB" -e "db:sql('SELECT 1')" &&
    measure "$1" 0 "$LEDE" -q "$FTS_DB" -e "db:sql([[$FTS_JOURNAL]]); db:sql([[$2]]); db:sql([[$3]])" ||
      { rm -f "$W/$1.runs"; return 1; }
    i=$((i + 1))
    long "$1" && break
  done
}
fresh_copy() {
  for f in "" -wal; do
    rm -f "$FTS_DB$f"
    [ -f "$W/jsonl.db$f" ] && { cp "$W/jsonl.db$f" "$FTS_DB$f" || return 1; }
  done
  rm -f "$FTS_DB-shm"
}

# fts_rate NAME: MB/s of doc_text over the INSERT's time (command minus
# baseline), or failed.
fts_rate() {
  w=$(wall_of "$1") b=$(wall_of "$1_base")
  if [ "$w" = failed ] || [ "$b" = failed ]; then echo failed; return; fi
  rate "$FTS_BYTES" "$(minus "$w" "$b")"
}

# fts_pages DB PATTERN: bytes of the tables whose name is LIKE PATTERN.
fts_pages() { sql1 "$1" "SELECT sum(pgsize) n FROM dbstat WHERE name LIKE '$2'"; }

# ---- Xapian -----------------------------------------------------------------

xapian_ok() { "$PY" -c 'import xapian'; }

# Xapian indexes the "text" field of corpus.jsonl into a fresh $W/xapian.db
# each run (tests/bench/xapian_index.py).  The last one is then compacted
# into $W/xapian_c.db, as one would deploy an index built in bulk (about
# 0.6x the size, the same query speed); bench_query.sh queries that.
#
# XAPIAN_KEEP=1 keeps the indexes and timings of an earlier run on the same
# generated corpus (Xapian indexes 2 MB/s: 9 minutes for 1G) when
# $W/xapian.keep says they were built from it; the section says so.
xapian_stamp() { printf '%s %s\n' "$(cksum < "$DATA/manifest.txt" | cut -d' ' -f1)" "$(wc -c < "$DATA/corpus.jsonl" | tr -d ' ')"; }
xapian_kept() {
  [ "${XAPIAN_KEEP:-0}" = 1 ] && [ -d "$W/xapian_c.db" ] && [ -f "$W/xapian.keep" ] &&
    [ -f "$W/xapian.runs" ] && [ -f "$W/xapian_compact.runs" ] &&
    [ "$(sed -n 1p "$W/xapian.keep")" = "$(xapian_stamp)" ]
}
xapian_load() {
  if xapian_kept; then note "Xapian: kept from $(sed -n 3p "$W/xapian.keep") (XAPIAN_KEEP)"; return 0; fi
  rm -f "$W/xapian.runs" "$W/xapian_compact.runs" "$W/xapian.keep"
  rm -rf "$W/xapian_c.db"
  need_pkg python3-xapian xapian_ok || return 1
  repeat xapian fresh_xapian 0 "$PY" tests/bench/xapian_index.py "$DATA/corpus.jsonl" "$W/xapian.db" &&
  measure xapian_compact 0 "$PY" -c "$XAPIAN_COMPACT" "$W/xapian.db" "$W/xapian_c.db" &&
  { xapian_stamp; du -sb "$W/xapian.db" | cut -f1; date -u '+%Y-%m-%d %H:%M UTC'; } > "$W/xapian.keep"
}
fresh_xapian() { rm -rf "$W/xapian.db"; }
XAPIAN_COMPACT='import sys, xapian; xapian.Database(sys.argv[1]).compact(sys.argv[2])'

# ---- references -------------------------------------------------------------

rg_search() {
  rm -f "$W/$1.runs"
  command -v rg > /dev/null 2>&1 || return 1
  i=0
  while [ "$i" -lt "$RG_RUNS" ]; do
    measure "$1" 1 rg -c "$PHRASE" "$2" || { rm -f "$W/$1.runs"; return 1; }
    i=$((i + 1))
  done
}

# ---- the report -------------------------------------------------------------

# "in X s (N MB/s of text)" from the generator's log of this corpus.
gen_speed() {
  sed -n 's/^gen: .* in \(.*\)$/in \1/p' "$DATA/gen.log" 2>/dev/null | head -n 1
}

# row TOOL INPUT BYTES NAME CORPUS_MB INDEX_MB [norate]: one table line,
# with the speed against FTS5 load+index ($FTS2_RATE) and index only
# ($FTS_RATE) unless norate.
row() {
  wall=$(wall_of "$4")
  if [ "$wall" = failed ]; then
    printf '| %s | %s | failed | failed | %s | %s | n/a | n/a |\n' "$1" "$2" "$5" "$6"
    return
  fi
  r=$(rate "$3" "$wall")
  vs2=$(ratio "$r" "$FTS2_RATE") vs=$(ratio "$r" "$FTS_RATE")
  [ "${7:-}" = norate ] && vs2=n/a vs=n/a
  printf '| %s | %s%s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$(once "$4")" "$r" \
    "$(peak_of "$4")" "$5" "$6" "$vs2" "$vs"
}

# Sizes of a lede corpus file: whole file, and the index (its segment and
# bookkeeping tables, measured with dbstat).
lede_sizes() {
  if [ ! -f "$W/$1.db" ] || [ "$(wall_of "$1")" = failed ]; then echo "failed failed"; return; fi
  ix=$(sql1 "$W/$1.db" "SELECT sum(pgsize) n FROM dbstat WHERE name LIKE 'lede\_%' ESCAPE '\\'")
  printf '%s %s\n' "$(mb "$(dbsize "$W/$1.db")")" "$( [ -n "$ix" ] && mb "$ix" || echo n/a)"
}

rg_row() {
  wall=$(wall_of "$1")
  if [ "$wall" = failed ]; then printf '| `rg -c` %s | failed | failed | failed |\n' "$2"; return; fi
  n=$(rg -c "$PHRASE" "$3" 2>/dev/null | awk -F: '{ s += $NF } END { print s + 0 }')
  printf '| `rg -c` %s | %s | %s | %s |\n' "$2" "$(awk -v s="$wall" 'BEGIN { printf "%.0f", s * 1000 }')" \
    "$(rate "$TXT_BYTES" "$wall")" "$n"
}

# target ISSUE WHAT VALUE OK: a line of the targets table; OK is an awk
# condition on v (the value without its x).
target() {
  v=$(printf '%s' "$3" | tr -d x)
  verdict=$(awk -v v="$v" "BEGIN { if (v == \"\" || v == \"n/a\" || v == \"failed\") print \"n/a\"; else print (($4) ? \"met\" : \"missed\") }")
  printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$verdict"
}

section() {
  set -- $(lede_sizes txt); txt_db=$1 txt_ix=$2
  set -- $(lede_sizes jsonl); js_db=$1 js_ix=$2
  fts_ix=failed fts2_all=failed fts2_ix=failed
  if [ "$FTS_RATE" != failed ]; then
    ix=$(fts_pages "$W/fts.db" 'fts%'); fts_ix=$( [ -n "$ix" ] && mb "$ix" || echo n/a)
  fi
  if [ "$FTS2_RATE" != failed ]; then
    all=$(fts_pages "$W/fts2.db" 'fts2%') content=$(fts_pages "$W/fts2.db" 'fts2_content')
    [ -n "$all" ] && fts2_all=$(mb "$all")
    [ -n "$all" ] && [ -n "$content" ] && fts2_ix=$(mb $((all - content)))
  fi
  xap_ix=failed xap_c=failed
  [ "$(wall_of xapian)" != failed ] && [ -f "$W/xapian.keep" ] && xap_ix=$(mb "$(sed -n 2p "$W/xapian.keep")")
  [ "$(wall_of xapian_compact)" != failed ] && xap_c=$(mb "$(du -sb "$W/xapian_c.db" | cut -f1)")
  echo '<!-- load:begin -->'
  echo '## Load (issues 3 and 7)'
  echo
  dirty=""
  [ -n "$(git status --porcelain -- core lua include 2>/dev/null)" ] && dirty=" (plus uncommitted changes in the tree)"
  echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') at commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$dirty,"
  echo "SQLite $(sql1 "$W/jsonl.db" "SELECT sqlite_version() n" || echo '?'), Xapian $("$PY" -c 'import xapian; print(xapian.version_string())' 2>/dev/null || echo 'missing'), $(rg --version 2>/dev/null | head -n 1 || echo 'no ripgrep')."
  echo "Machine: $(machine)."
  echo
  echo "Corpus: \`gen --size $BENCH_SIZE\` (tests/bench/gen.c): $DOCS articles,"
  echo "$(mb "$TXT_BYTES") MB as .txt files, $(mb "$JSONL_BYTES") MB as JSONL, written"
  echo "(--format both: txt files, all.txt and JSONL) $(gen_speed). MB = 2^20 bytes;"
  echo "median of $RUNS runs (ripgrep: $RG_RUNS; a row marked \"1 run\" took over $LONG_RUN s"
  echo "and was not repeated), warm page cache; peak RSS is the largest of the runs."
  echo
  echo '| tool | input | MB/s | peak RSS MB | corpus file MB | index MB | vs FTS5 load+index | vs FTS5 index only |'
  echo '|---|---|---:|---:|---:|---:|---:|---:|'
  row 'lede add' "txt folder, $DOCS files" "$TXT_BYTES" txt "$txt_db" "$txt_ix"
  row 'lede add' "corpus.jsonl" "$JSONL_BYTES" jsonl "$js_db" "$js_ix"
  for n in $THREAD_ROWS; do
    row "lede add --threads $n" "corpus.jsonl" "$JSONL_BYTES" "jsonl_t$n" n/a n/a
  done
  if [ "$FTS2_RATE" = failed ]; then
    echo "| SQLite FTS5, text stored (load+index) | doc_text | failed | failed | failed | failed | n/a | n/a |"
  else
    echo "| SQLite FTS5, text stored (load+index) | doc_text, $(mb "$FTS_BYTES") MB$(once fts2) | $FTS2_RATE | $(peak_of fts2) | $fts2_all | $fts2_ix | 1.00x | $(ratio "$FTS2_RATE" "$FTS_RATE") |"
  fi
  if [ "$FTS_RATE" = failed ]; then
    echo "| SQLite FTS5, external content (index only) | doc_text | failed | failed | n/a | failed | n/a | n/a |"
  else
    echo "| SQLite FTS5, external content (index only) | doc_text, $(mb "$FTS_BYTES") MB$(once fts) | $FTS_RATE | $(peak_of fts) | n/a | $fts_ix | $(ratio "$FTS_RATE" "$FTS2_RATE") | 1.00x |"
  fi
  row 'Xapian (index only)' "corpus.jsonl" "$JSONL_BYTES" xapian n/a "$xap_ix"
  row "cat (reading only)" "corpus.jsonl" "$JSONL_BYTES" cat n/a n/a norate
  store=$(sql1 "$W/jsonl.db" "SELECT sum(pgsize) n FROM dbstat WHERE name IN ('docs', 'doc_text')")
  [ -n "$store" ] && { echo; echo "lede's texts and metadata (docs, doc_text) take $(mb "$store") MB of its JSONL corpus file."; }
  echo
  js_rate=$(rate "$JSONL_BYTES" "$(wall_of jsonl)")
  speedup=n/a
  if [ -n "$THREAD_ROWS" ]; then
    one=${THREAD_ROWS%% *}
    one_rate=$(rate "$JSONL_BYTES" "$(wall_of "jsonl_t$one")")
    speedup=$(ratio "$js_rate" "$one_rate")
    printf 'Threads (lede'"'"'s help: `%s`): against one thread (`--threads %s`),' "$(threads_help)" "$one"
    [ "$THREAD_ROWS" = "0 1" ] && printf ' `--threads 1` (two threads: loading and one indexing) loads %s as fast and' \
      "$(ratio "$(rate "$JSONL_BYTES" "$(wall_of jsonl_t1)")" "$one_rate")"
    echo " the default (every core, $(nproc) here: the corpus.jsonl row) $speedup."
  else
    echo "This lede has no \`add --threads N\`: the one-thread rows are left out."
  fi
  echo
  ix_ratio=$(awk -v a="$js_ix" -v b="$fts_ix" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else print "n/a" }')
  echo "Targets (lede: the corpus.jsonl row, every core; FTS5: the rows named):"
  echo
  echo '| issue | target | value | |'
  echo '|---|---|---:|---|'
  target 3 "load+index at least 3x FTS5's (text stored)" "$(ratio "$js_rate" "$FTS2_RATE")" 'v >= 3'
  target 7 "load+index at least 5x FTS5's (text stored)" "$(ratio "$js_rate" "$FTS2_RATE")" 'v >= 5'
  target 7 "every core ($(nproc)) at least 1.6x one thread" "$speedup" 'v >= 1.6'
  if [ "$TXT_BYTES" -ge 1073741824 ]; then
    target 7 "peak RSS at most 400 MB loading 1 GB" "$(peak_of jsonl)" 'v <= 400'
  else
    echo "| 7 | peak RSS at most 400 MB loading 1 GB | $(peak_of jsonl) | (measured on 1 GB) |"
  fi
  target 3 "index no larger than FTS5's (index only)" "$ix_ratio" 'v <= 1'
  target 7 "index at most 0.8x FTS5's (index only)" "$ix_ratio" 'v <= 0.8'
  echo
  echo "Search baselines for later benches (phrase \"$PHRASE\"):"
  echo
  echo '| command | wall ms | MB/s | matching lines |'
  echo '|---|---:|---:|---:|'
  rg_row rg_all 'all.txt (one file)' "$DATA/all.txt"
  rg_row rg_dir "txt folder ($DOCS files)" "$DATA/txt"
  echo
  echo 'Commands (DATA = $BUILD/bench/data-'"$BENCH_SIZE"', each run on a fresh DB):'
  echo
  echo '```'
  echo "gen -o DATA --size $BENCH_SIZE --format both"
  echo "rss $LEDE -q txt.db add DATA/txt"
  echo "rss $LEDE -q jsonl.db add DATA/corpus.jsonl"
  for n in $THREAD_ROWS; do
    echo "rss $LEDE -q jsonl_t$n.db add --threads $n DATA/corpus.jsonl"
  done
  echo "cp jsonl.db fts2.db; rss $LEDE -q fts2.db -e \"db:sql('SELECT 1')\"      # baseline, subtracted"
  echo "cp jsonl.db fts2.db; rss $LEDE -q fts2.db -e \"db:sql([[$FTS_JOURNAL]]); db:sql([[$FTS2_CREATE]]); db:sql([[$FTS2_INSERT]])\""
  echo "cp jsonl.db fts.db; rss $LEDE -q fts.db -e \"db:sql('SELECT 1')\"       # baseline, subtracted"
  echo "cp jsonl.db fts.db; rss $LEDE -q fts.db -e \"db:sql([[$FTS_JOURNAL]]); db:sql([[$FTS_CREATE]]); db:sql([[$FTS_INSERT]])\""
  echo "rss $PY tests/bench/xapian_index.py DATA/corpus.jsonl xapian.db"
  echo "rss $PY -c '$XAPIAN_COMPACT' xapian.db xapian_c.db"
  echo "rss rg -c '$PHRASE' DATA/all.txt"
  echo "rss rg -c '$PHRASE' DATA/txt"
  echo "rss cat DATA/corpus.jsonl > /dev/null"
  echo '```'
  echo
  echo 'Notes:'
  echo '- lede MB/s is input bytes (the .txt files, or the JSONL file with its'
  echo '  escapes and fields) over wall seconds of the whole command: parsing, UTF-8'
  echo '  checks and cleaning, storing the text, and building the index, which is'
  echo '  written in the same transactions. Its corpus file holds texts, metadata and'
  echo '  index; "index MB" is the lede_* tables (dbstat). Without --threads lede'
  echo "  uses every core ($(nproc) here)."
  echo '- FTS5 MB/s is the bytes of doc_text over the wall time of the INSERT alone'
  echo "  (command minus the open-only baseline, $(wall_of fts2_base) s and $(wall_of fts_base) s)."
  echo '  Both run with a rollback journal, as lede'"'"'s loads do (the WAL would write'
  echo '  every page twice), in a copy of lede'"'"'s corpus file (16 KiB pages).'
  echo '  **The reference for lede is "FTS5, text stored"**: a regular FTS5 table that'
  echo '  keeps its own copy of the text, as lede does, so its INSERT is load+index;'
  echo '  "vs FTS5 load+index" divides a row'"'"'s MB/s by its MB/s. Its "corpus file MB"'
  echo '  is its tables (text and index), "index MB" the same without fts2_content.'
  echo '  "FTS5, external content" indexes lede'"'"'s doc_text and stores nothing: the'
  echo '  index alone, without the cost of storing the text that lede'"'"'s figure includes;'
  echo '  "vs FTS5 index only" divides by its MB/s, and its index is the reference for'
  echo '  the size targets.'
  echo '- Xapian (python3-xapian, one Python process) reads corpus.jsonl and indexes'
  echo '  each "text" with TermGenerator.index_text (positions, no stemming) into an'
  echo '  on-disk WritableDatabase, committing every 10000 documents (its default'
  echo '  autoflush); it stores no text. MB/s is the JSONL bytes over the whole'
  echo '  command, as for lede; "index MB" is the database folder as built.'
  echo "  Compacting it (Database.compact, $(wall_of xapian_compact) s more) gives $xap_c MB, the"
  echo '  index the query section uses.'
  xapian_kept && echo "  Xapian's row and index are from the run of $(sed -n 3p "$W/xapian.keep") on the same generated corpus, not repeated (XAPIAN_KEEP=1)."
  echo '- cat shows what reading the input costs from the page cache.'
  echo '<!-- load:end -->'
}

# ---- main -------------------------------------------------------------------

main() {
  build_tools || { note "cannot build gen and rss"; exit 1; }
  if [ ! -x "$LEDE" ]; then note "$LEDE is missing: run make first"; exit 1; fi
  make_data || { note "corpus generation failed"; exit 1; }
  need_pkg ripgrep command -v rg || note "ripgrep is not installed; its rows will say failed"
  DOCS=$(sed -n 's/^docs=//p' "$DATA/manifest.txt")
  TXT_BYTES=$(sed -n 's/^txt_bytes=//p' "$DATA/manifest.txt")
  JSONL_BYTES=$(fsize "$DATA/corpus.jsonl")
  warm
  note "lede add txt folder ($RUNS runs)";  lede_load txt "$DATA/txt"
  note "lede add corpus.jsonl ($RUNS runs)"; lede_load jsonl "$DATA/corpus.jsonl"
  THREAD_ROWS=$(thread_rows)
  [ -n "$THREAD_ROWS" ] || note "lede add has no --threads: skipping the one-thread rows"
  for n in $THREAD_ROWS; do
    note "lede add --threads $n corpus.jsonl ($RUNS runs)"
    lede_load "jsonl_t$n" "$DATA/corpus.jsonl" --threads "$n"
    rm -f "$W/jsonl_t$n.db" "$W/jsonl_t$n.db-wal" "$W/jsonl_t$n.db-shm"
  done
  FTS_BYTES=$(sql1 "$W/jsonl.db" "SELECT sum(length(CAST(text AS BLOB))) n FROM doc_text")
  FTS_BYTES=${FTS_BYTES:-0}
  note "SQLite FTS5, text stored ($RUNS runs)"; fts_load fts2 "$FTS2_CREATE" "$FTS2_INSERT"
  note "SQLite FTS5, external content ($RUNS runs)"; fts_load fts "$FTS_CREATE" "$FTS_INSERT"
  FTS_RATE=$(fts_rate fts) FTS2_RATE=$(fts_rate fts2)
  note "Xapian ($RUNS runs)";               xapian_load || note "Xapian is not installed; its rows will say failed"
  note "ripgrep ($RG_RUNS runs each)";      rg_search rg_all "$DATA/all.txt"; rg_search rg_dir "$DATA/txt"
  note "cat ($RUNS runs)";                  repeat cat : 0 cat "$DATA/corpus.jsonl"
  section > "$W/section.md"
  rm -f "$W/fts2.db" "$W/fts2.db-wal" "$W/fts2.db-shm"
  rm -rf "$W/xapian.db"
  write_results load "$W/section.md"
  sed -n '/^| /p' "$W/section.md"
  # The other benches (queries, analyses, extraction...) each write their
  # own section; they find the generated files and the loaded corpora here.
  export BUILD BENCH_SIZE B W DATA LEDE RSS RESULTS RUNS RG_RUNS DOCS TXT_BYTES JSONL_BYTES LONG_RUN
  for bench in tests/bench/bench_*.sh; do
    [ -f "$bench" ] || continue
    name=${bench#tests/bench/bench_}
    case " ${BENCH_SKIP:-} " in *" ${name%.sh} "*) note "skipping $bench (BENCH_SKIP)"; continue ;; esac
    note "$bench"
    sh "$bench" || note "$bench failed"
  done
  note "results in $RESULTS"
}

main "$@"
