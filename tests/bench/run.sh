#!/bin/sh
# run.sh -- the load benchmark: lede against SQLite FTS5 on the same texts,
# with ripgrep and cat as points of reference, in one run on one machine.
#
#   BUILD=build BENCH_SIZE=100M sh tests/bench/run.sh      (what `make bench` does)
#
# After the load section it runs every tests/bench/bench_*.sh (helpers in
# lib.sh), each writing its own section; BENCH_SKIP="extract stats" leaves
# out bench_extract.sh and bench_stats.sh (their sections stay as they are).  Builds gen and rss into $BUILD/bench, generates the corpus once into
# $BUILD/bench/data-$BENCH_SIZE (kept while gen.c is unchanged), times each
# tool $RUNS times and takes the median, and rewrites the "Load" section of
# tests/bench/RESULTS.md between its markers, leaving other sections alone.
# A step that fails is recorded as "failed" and the run goes on: a partial
# table says more than none.
#
# FTS5 runs inside lede, through the same libsqlite3 and connection settings
# lede uses, so the comparison is between index builders, not builds of
# SQLite.  lede has no wall clock in Lua, so each FTS5 figure is the wall
# time of the whole `lede -e` command minus that of a command that only
# opens the corpus.
set -u

BUILD=${BUILD:-build}
BENCH_SIZE=${BENCH_SIZE:-100M}
RUNS=${RUNS:-3}
RG_RUNS=${RG_RUNS:-5}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1

B=$BUILD/bench
W=$B/work                 # databases and per-run logs
LEDE=$BUILD/lede
RSS=$B/rss
RESULTS=tests/bench/RESULTS.md
CFLAGS_BENCH="-std=c11 -Wall -Wextra -O2 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L"
FTS_CREATE="CREATE VIRTUAL TABLE fts USING fts5(text, tokenize='unicode61', detail=full, content='doc_text', content_rowid='id')"
FTS_INSERT="INSERT INTO fts(rowid, text) SELECT id, text FROM doc_text"
PHRASE='security guarantees'

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

# ripgrep from Debian when missing; FTS5 needs nothing more (lede links
# Debian's libsqlite3, which has FTS5 and dbstat built in).
need_tools() {
  command -v rg >/dev/null 2>&1 && return 0
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  note "installing ripgrep"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ripgrep >/dev/null 2>&1 ||
    { $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 &&
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ripgrep >/dev/null 2>&1; }
}

# Reads the files once so every tool starts from a warm page cache.
warm() {
  cat "$DATA/corpus.jsonl" "$DATA/all.txt" > /dev/null 2>&1
  find "$DATA/txt" -type f -exec cat {} + > /dev/null 2>&1
}

# lede_load NAME INPUT: `lede -q DB add INPUT`, RUNS times on a fresh file;
# the database of the last run stays for the size figures and for FTS5.
lede_load() {
  name=$1 in=$2
  rm -f "$W/$name.runs"
  i=0
  while [ "$i" -lt "$RUNS" ]; do
    rm -f "$W/$name.db" "$W/$name.db-wal" "$W/$name.db-shm"
    measure "$name" 0 "$LEDE" -q "$W/$name.db" add "$in" || { rm -f "$W/$name.runs"; return 1; }
    i=$((i + 1))
  done
}

# FTS5 over the texts lede stored from the JSONL: each run starts from a
# fresh copy of that corpus file, and the open-only baseline is timed the
# same way so it can be subtracted.
fts_load() {
  rm -f "$W/fts.runs" "$W/fts_base.runs"
  [ -f "$W/jsonl.db" ] || return 1
  i=0
  while [ "$i" -lt "$RUNS" ]; do
    for f in "" -wal; do
      rm -f "$W/fts.db$f"
      [ -f "$W/jsonl.db$f" ] && cp "$W/jsonl.db$f" "$W/fts.db$f"
    done
    rm -f "$W/fts.db-shm"
    measure fts_base 0 "$LEDE" -q "$W/fts.db" -e "db:sql('SELECT 1')" &&
    measure fts 0 "$LEDE" -q "$W/fts.db" -e "db:sql([[$FTS_CREATE]]); db:sql([[$FTS_INSERT]])" ||
      { rm -f "$W/fts.runs"; return 1; }
    i=$((i + 1))
  done
}

# rg_search NAME PATH: ripgrep counting the phrase, RG_RUNS times.
rg_search() {
  rm -f "$W/$1.runs"
  command -v rg > /dev/null 2>&1 || return 1
  i=0
  while [ "$i" -lt "$RG_RUNS" ]; do
    measure "$1" 1 rg -c "$PHRASE" "$2" || { rm -f "$W/$1.runs"; return 1; }
    i=$((i + 1))
  done
}

cat_baseline() {
  rm -f "$W/cat.runs"
  i=0
  while [ "$i" -lt "$RUNS" ]; do
    measure cat 0 cat "$DATA/corpus.jsonl" || return 1
    i=$((i + 1))
  done
}

# ---- the report -------------------------------------------------------------

# "in X s (N MB/s of text)" from the generator's log of this corpus.
gen_speed() {
  sed -n 's/^gen: .* in \(.*\)$/in \1/p' "$DATA/gen.log" 2>/dev/null | head -n 1
}

# row TOOL INPUT BYTES NAME CORPUS_MB INDEX_MB FTS_RATE: one table line.
row() {
  wall=$(wall_of "$4")
  if [ "$wall" = failed ]; then
    printf '| %s | %s | failed | failed | %s | %s | n/a |\n' "$1" "$2" "$5" "$6"
    return
  fi
  r=$(rate "$3" "$wall")
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$r" "$(peak_of "$4")" \
    "$5" "$6" "$(ratio "$r" "$7")"
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

section() {
  set -- $(lede_sizes txt); txt_db=$1 txt_ix=$2
  set -- $(lede_sizes jsonl); js_db=$1 js_ix=$2
  fts_wall=$(wall_of fts) base_wall=$(wall_of fts_base)
  fts_rate=failed fts_ix=failed
  if [ "$fts_wall" != failed ] && [ "$base_wall" != failed ]; then
    fts_net=$(minus "$fts_wall" "$base_wall")
    fts_rate=$(rate "$FTS_BYTES" "$fts_net")
    ix=$(sql1 "$W/fts.db" "SELECT sum(pgsize) n FROM dbstat WHERE name LIKE 'fts%'")
    fts_ix=$( [ -n "$ix" ] && mb "$ix" || echo n/a)
  fi
  echo '<!-- load:begin -->'
  echo '## Load (issue: foundation)'
  echo
  dirty=""
  [ -n "$(git status --porcelain -- core lua include 2>/dev/null)" ] && dirty=" (plus uncommitted changes in the tree)"
  echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') at commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$dirty,"
  echo "SQLite $(sql1 "$W/jsonl.db" "SELECT sqlite_version() n" || echo '?'), $(rg --version 2>/dev/null | head -n 1 || echo 'no ripgrep')."
  echo "Machine: $(machine)."
  echo
  echo "Corpus: \`gen --size $BENCH_SIZE\` (tests/bench/gen.c): $DOCS articles,"
  echo "$(mb "$TXT_BYTES") MB as .txt files, $(mb "$JSONL_BYTES") MB as JSONL, written"
  echo "(--format both: txt files, all.txt and JSONL) $(gen_speed). MB = 2^20 bytes;"
  echo "median of $RUNS runs (ripgrep: $RG_RUNS), warm page cache; peak RSS is the largest of the runs."
  echo
  echo '| tool | input | MB/s | peak RSS MB | corpus file MB | index MB | speed vs FTS5 |'
  echo '|---|---|---:|---:|---:|---:|---:|'
  row 'lede add' "txt folder, $DOCS files" "$TXT_BYTES" txt "$txt_db" "$txt_ix" "$fts_rate"
  row 'lede add' "corpus.jsonl" "$JSONL_BYTES" jsonl "$js_db" "$js_ix" "$fts_rate"
  if [ "$fts_rate" = failed ]; then
    echo "| SQLite FTS5 insert | doc_text | failed | failed | n/a | failed | n/a |"
  else
    echo "| SQLite FTS5 insert | doc_text, $(mb "$FTS_BYTES") MB | $fts_rate | $(peak_of fts) | n/a | $fts_ix | 1.00x |"
  fi
  row "cat (reading only)" "corpus.jsonl" "$JSONL_BYTES" cat n/a n/a 0
  store=$(sql1 "$W/jsonl.db" "SELECT sum(pgsize) n FROM dbstat WHERE name IN ('docs', 'doc_text')")
  [ -n "$store" ] && { echo; echo "lede's texts and metadata (docs, doc_text) take $(mb "$store") MB of its JSONL corpus file."; }
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
  echo "cp jsonl.db fts.db; rss $LEDE -q fts.db -e \"db:sql('SELECT 1')\"      # baseline, subtracted"
  echo "cp jsonl.db fts.db; rss $LEDE -q fts.db -e \"db:sql([[$FTS_CREATE]]); db:sql([[$FTS_INSERT]])\""
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
  echo '  index; "index MB" is the lede_* tables (dbstat).'
  echo '- FTS5 MB/s is the bytes of doc_text over the wall time of the INSERT alone'
  echo "  (command minus the open-only baseline, $(wall_of fts_base) s). The table uses"
  echo '  external content (doc_text), so it holds only the index -- tokenizing and'
  echo '  indexing, the cost lede pays on top of storing; "index MB" is the fts*'
  echo '  tables (dbstat). "speed vs FTS5" divides a row'"'"'s MB/s by FTS5'"'"'s.'
  echo '- cat shows what reading the input costs from the page cache.'
  echo '<!-- load:end -->'
}

# ---- main -------------------------------------------------------------------

main() {
  build_tools || { note "cannot build gen and rss"; exit 1; }
  if [ ! -x "$LEDE" ]; then note "$LEDE is missing: run make first"; exit 1; fi
  make_data || { note "corpus generation failed"; exit 1; }
  need_tools || note "ripgrep is not installed; its rows will say failed"
  DOCS=$(sed -n 's/^docs=//p' "$DATA/manifest.txt")
  TXT_BYTES=$(sed -n 's/^txt_bytes=//p' "$DATA/manifest.txt")
  JSONL_BYTES=$(fsize "$DATA/corpus.jsonl")
  warm
  note "lede add txt folder ($RUNS runs)";  lede_load txt "$DATA/txt"
  note "lede add corpus.jsonl ($RUNS runs)"; lede_load jsonl "$DATA/corpus.jsonl"
  FTS_BYTES=$(sql1 "$W/jsonl.db" "SELECT sum(length(CAST(text AS BLOB))) n FROM doc_text")
  FTS_BYTES=${FTS_BYTES:-0}
  note "SQLite FTS5 insert ($RUNS runs)";    fts_load
  note "ripgrep ($RG_RUNS runs each)";      rg_search rg_all "$DATA/all.txt"; rg_search rg_dir "$DATA/txt"
  note "cat ($RUNS runs)";                  cat_baseline
  section > "$W/section.md"
  write_results load "$W/section.md"
  sed -n '/^| /p' "$W/section.md"
  # The other benches (queries, analyses, extraction...) each write their
  # own section; they find the generated files and the loaded corpora here.
  export BUILD BENCH_SIZE B W DATA LEDE RSS RESULTS RUNS RG_RUNS DOCS TXT_BYTES JSONL_BYTES
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
