#!/bin/sh
# bench_extract.sh -- extraction grammars on the bench corpus ($W/jsonl.db):
# lede.grammar.quote and lede.grammar.date through db:extract, over every
# document and with the index prefilter (`require`: the index hands over
# only the documents holding one of the grammar's words).  Run by
# tests/bench/run.sh after the load section (BUILD B W DATA LEDE RSS
# RESULTS RUNS exported); writes the "extract" section of RESULTS.md.
#
# Throughput is the corpus text (sum of the stored texts) over the wall
# time of the whole command, so it includes start-up and reading the texts
# out of SQLite.  With the prefilter the rate is still per corpus byte:
# what it costs to answer the question over the whole corpus.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
. tests/bench/lib.sh

QUOTE_REQ='{"said", "says", "told", "added", "according", any = true}'
DATE_REQ='{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
  "january", "february", "march", "april", "may", "june", "july", "august", "september",
  "october", "november", "december", "yesterday", "today", "tomorrow", any = true}'

# run NAME GRAMMAR REQUIRE: one db:extract, printing rows and documents read.
lua_of() {
  echo "local r = db:extract(lede.grammar.$1, {require = $2});
        print(#r, getmetatable(r).scanned.docs)"
}

main() {
  DB=$W/jsonl.db
  if [ ! -f "$DB" ]; then note "no $DB: run tests/bench/run.sh"; return 1; fi
  bytes=$(sql1 "$DB" "select sum(length(cast(text as blob))) n from doc_text")
  docs=$(sql1 "$DB" "select count(*) n from docs")
  KEEP_OUT=1     # each run prints its rows and documents read
  repeat extract_quote_all : 0 "$LEDE" -q "$DB" -e "$(lua_of quote false)"
  repeat extract_quote_req : 0 "$LEDE" -q "$DB" -e "$(lua_of quote "$QUOTE_REQ")"
  repeat extract_date_all : 0 "$LEDE" -q "$DB" -e "$(lua_of date false)"
  repeat extract_date_req : 0 "$LEDE" -q "$DB" -e "$(lua_of date "$DATE_REQ")"
  counts() { tr '\t' ' ' < "$W/$1.out" 2>/dev/null; }
  qa=$(counts extract_quote_all) qr=$(counts extract_quote_req)
  da=$(counts extract_date_all) dr=$(counts extract_date_req)
  row() {  # row TASK NAME "ROWS DOCS"
    name=$2 w=$(wall_of "$2")
    set -- "$1" "$w" $3
    printf '| %s%s | %s | %s | %s | %s |\n' "$1" "$(once "$name")" "$2" "$(rate "$bytes" "$2")" "${3:-?}" "${4:-?}"
  }
  {
    echo '<!-- extract:begin -->'
    echo '## Extraction grammars (issue 5)'
    echo
    dirty=""
    [ -n "$(git status --porcelain -- core lua include 2>/dev/null)" ] && dirty=" (plus uncommitted changes in the tree)"
    echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') at commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$dirty."
    echo "Machine: $(machine)."
    echo
    echo "Corpus: $DB, $docs documents, $(mb "$bytes") MB of text. Median of $RUNS runs"
    echo "(a task whose first run took over $LONG_RUN s runs once: marked \"1 run\");"
    echo 'each figure is a whole `lede -e` command (start-up, reading texts, the grammar).'
    echo 'MB/s is corpus text over wall time. The prefilter is `require`: quotes need one'
    echo 'of said/says/told/added/according, dates a month or weekday name or'
    echo 'yesterday/today/tomorrow (it drops documents whose only dates are numeric).'
    echo
    echo '| task | wall s | MB/s of corpus | rows | documents read |'
    echo '|---|---:|---:|---:|---:|'
    row "quotes, every document" extract_quote_all "$qa"
    row "quotes, index prefilter" extract_quote_req "$qr"
    row "dates, every document" extract_date_all "$da"
    row "dates, index prefilter" extract_date_req "$dr"
    echo
    echo 'Commands (QUOTE_REQ and DATE_REQ: the word lists above, as in bench_extract.sh):'
    echo
    echo '```'
    for g in "quote false" "quote QUOTE_REQ" "date false" "date DATE_REQ"; do
      set -- $g
      echo "rss lede -q jsonl.db -e \"$(lua_of "$1" "$2" | tr -s ' \n' '  ' | sed 's/^ //; s/ $//')\""
    done
    echo '```'
    echo
    echo '<!-- extract:end -->'
  } > "$W/extract.md"
  write_results extract "$W/extract.md"
  cat "$W/extract.md" >&2
}

main "$@"
