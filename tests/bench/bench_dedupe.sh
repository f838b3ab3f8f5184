#!/bin/sh
# bench_dedupe.sh -- db:duplicates on the bench corpus ($W/jsonl.db), run by
# tests/bench/run.sh after the load section (BUILD B W DATA LEDE RSS RESULTS
# RUNS exported).  Writes the "dedupe" section of RESULTS.md.
#
# The generated corpus has no copies of its own, so before timing, 1 in 100
# articles is added again with two words changed and a line dropped (edited
# republications, Jaccard about 0.9): the run reports how many of them came
# back as clusters, so the figure is of a search that finds things.
# Timed on a copy of the corpus: the first call signs every text and stores
# the signatures (table lede_minhash); the second only reads them.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
. tests/bench/lib.sh

DB=$W/dedupe.db
PLANT="local n, f = 0, assert(io.open('$W/dedupe_copies.jsonl', 'w'))
for d in db:docs() do
  if d.id % 100 == 0 then
    local t = d.text:gsub('(%a+)', 'changed', 2):gsub('\n[^\n]*\n', '\n', 1)
    f:write(lede.json.encode{id = 'copy-' .. d.id, source = 'Copycat', text = t}, '\n')
    n = n + 1
  end
end
f:close()
db:add('$W/dedupe_copies.jsonl', {quiet = true})
print(n)"
COUNT="local r = db:duplicates(); local c = r:clusters(); local hit = 0
for _, x in ipairs(c) do for _, id in ipairs(x.docs) do if db:doc(id).source == 'Copycat' then hit = hit + 1 end end end
print(#c, hit)"

fresh() {
  rm -f "$DB" "$DB-wal" "$DB-shm"
  cp "$W/base_dedupe.db" "$DB"
}

main() {
  if [ ! -f "$W/jsonl.db" ]; then note "no $W/jsonl.db: run tests/bench/run.sh"; return 1; fi
  rm -f "$W/base_dedupe.db" "$W"/dedupe_*.runs
  cp "$W/jsonl.db" "$W/base_dedupe.db"
  [ -f "$W/jsonl.db-wal" ] && cp "$W/jsonl.db-wal" "$W/base_dedupe.db-wal"
  planted=$("$LEDE" -q "$W/base_dedupe.db" -e "$PLANT" 2>/dev/null)
  "$LEDE" -q "$W/base_dedupe.db" -e "db:sql('PRAGMA wal_checkpoint(TRUNCATE)')" 2>/dev/null
  docs=$(sql1 "$W/base_dedupe.db" "SELECT count(*) n FROM docs")
  i=0
  while [ "$i" -lt "$RUNS" ]; do
    fresh
    measure dedupe_first 0 "$LEDE" -q "$DB" -e "db:duplicates()"
    measure dedupe_cached 0 "$LEDE" -q "$DB" -e "db:duplicates()"
    measure dedupe_rewrite 0 "$LEDE" -q "$DB" -e "db:duplicates{threshold = 0.25, shingle = 2}"
    i=$((i + 1))
  done
  set -- $("$LEDE" -q "$DB" -e "$COUNT" 2>/dev/null)
  clusters=${1:-?} found=${2:-?}
  sigs=$(sql1 "$DB" "SELECT sum(pgsize) n FROM dbstat WHERE name = 'lede_minhash'")
  {
    echo '<!-- dedupe:begin -->'
    echo '## Near-duplicates (issue 6)'
    echo
    dirty=""
    [ -n "$(git status --porcelain -- core lua include 2>/dev/null)" ] && dirty=" (plus uncommitted changes in the tree)"
    echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') at commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$dirty."
    echo "Machine: $(machine)."
    echo
    echo "Corpus: the bench's corpus.jsonl as loaded by lede ($DATA), plus $planted edited"
    echo "copies of 1 in 100 articles: $docs documents. Median of $RUNS runs, each on a fresh copy."
    echo
    echo '| call | wall s | peak RSS MB | what it does |'
    echo '|---|---:|---:|---|'
    echo "| \`db:duplicates()\`, first | $(wall_of dedupe_first) | $(peak_of dedupe_first) | signs every text (3-word shingles, 256 slots), stores the signatures, LSH, exact check |"
    echo "| \`db:duplicates()\`, again | $(wall_of dedupe_cached) | $(peak_of dedupe_cached) | reads the stored signatures, LSH, exact check |"
    echo "| \`db:duplicates{threshold = 0.25, shingle = 2}\` | $(wall_of dedupe_rewrite) | $(peak_of dedupe_rewrite) | first call for 2-word shingles (rewrites) |"
    echo
    echo "Found at the default threshold (0.5): $clusters clusters, holding $found of the $planted planted copies."
    [ -n "$sigs" ] && echo "Stored signatures take $(mb "$sigs") MB of the corpus file."
    echo
    echo 'Each wall time is the whole `lede -q DB -e ...` command, opening the corpus included.'
    echo
    echo 'Commands (base.db: a copy of jsonl.db with the copies added by the PLANT script'
    echo 'of bench_dedupe.sh; each run starts from a fresh copy of it, dedupe.db):'
    echo
    echo '```'
    echo 'rss lede -q dedupe.db -e "db:duplicates()"'
    echo 'rss lede -q dedupe.db -e "db:duplicates()"'
    echo 'rss lede -q dedupe.db -e "db:duplicates{threshold = 0.25, shingle = 2}"'
    echo '```'
    echo '<!-- dedupe:end -->'
  } > "$W/dedupe_section.md"
  write_results dedupe "$W/dedupe_section.md"
  sed -n '/^| /p;/^Found/p' "$W/dedupe_section.md"
  rm -f "$DB" "$DB-wal" "$DB-shm" "$W/base_dedupe.db" "$W/base_dedupe.db-wal" "$W/base_dedupe.db-shm"
}

main "$@"
