#!/bin/sh
# bench_stats.sh -- collocates and the top-1000 bigram list: lede on
# $W/jsonl.db against NLTK's BigramCollocationFinder on $DATA/all.txt (the
# same texts), run by tests/bench/run.sh after the load section (BUILD B W
# DATA LEDE RSS RESULTS RUNS exported).  Writes the "stats" section of
# RESULTS.md.
#
# The node is the most frequent word that is not a stopword (in the 100 MB
# corpus "said", over 250,000 occurrences).  NLTK counts as its
# documentation shows: from_words over the whole token list (window_size 5
# for collocates, then a filter keeping the node's pairs, scored with
# likelihood_ratio; window 2 for bigrams, then the 1000 most frequent).  Its
# tokens are \w+ runs, lower-cased, which is cheaper than lede's UAX #29
# tokenizer.  python3-nltk comes from Debian (`make bench-deps`, or here
# when missing).  NLTK runs once (minutes on 100 MB); lede's figure is the
# median of $RUNS.
#
# NLTK holds every token of its input in a Python list and every pair in a
# dict: about 20 GB and 25 minutes for 1 GB.  So it reads a prefix of the
# corpus -- the first documents of all.txt up to NLTK_BYTES (default
# 100 MB), cut at a document boundary with gen's offsets.tsv -- and lede
# answers the same questions on a corpus file loaded from the same
# documents of corpus.jsonl ($W/prefix.db) for the ratio rows.  lede's rows
# on the whole corpus follow, without NLTK, when the corpus is larger.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
. tests/bench/lib.sh

NLTK_LIMIT=${NLTK_LIMIT:-3600}        # seconds before an NLTK run is given up
NLTK_BYTES=${NLTK_BYTES:-104857600}   # the prefix NLTK reads (100 MB)

has_nltk() { "$PY" -c 'import nltk'; }

# prefix: sets PDB, PTXT, PDOCS, PBYTES to the corpus file and text file of
# the documents NLTK reads -- the whole corpus when it fits in NLTK_BYTES,
# else its first PDOCS documents, loaded into $W/prefix.db.
prefix() {
  PDB=$W/jsonl.db PTXT=$DATA/all.txt PDOCS=$DOCS PBYTES=$TXT_BYTES
  [ "$TXT_BYTES" -le "$NLTK_BYTES" ] && return 0
  set -- $(awk -v max="$NLTK_BYTES" '$2 > max { exit } { d = $1; t = $2; j = $3 } END { print d, t, j }' "$DATA/offsets.tsv")
  [ $# = 3 ] || { note "stats: no $DATA/offsets.tsv"; return 1; }
  PDOCS=$1 PBYTES=$2 PDB=$W/prefix.db PTXT=$W/prefix.txt
  head -c "$2" "$DATA/all.txt" > "$PTXT" &&
  head -c "$3" "$DATA/corpus.jsonl" > "$W/prefix.jsonl" || return 1
  rm -f "$PDB" "$PDB-wal" "$PDB-shm"
  note "stats: loading the first $PDOCS documents ($(mb "$PBYTES") MB) for NLTK's comparison"
  "$LEDE" -q "$PDB" add "$W/prefix.jsonl" > /dev/null
}

write_nltk_script() {
  cat > "$W/nltk_stats.py" <<'PY'
import re, sys
from nltk.collocations import BigramCollocationFinder
from nltk.metrics import BigramAssocMeasures
path, task = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as f:
    words = re.findall(r"\w+", f.read().lower())
if task == "bigrams":
    top = BigramCollocationFinder.from_words(words).ngram_fd.most_common(1000)
    print(len(top), top[0])
else:
    node = sys.argv[3]
    finder = BigramCollocationFinder.from_words(words, window_size=5)
    finder.apply_ngram_filter(lambda w1, w2: node not in (w1, w2))
    best = finder.score_ngrams(BigramAssocMeasures.likelihood_ratio)[:50]
    print(len(best), best[0])
PY
}

# lede_runs NAME DB CODE: `lede -q DB -e CODE`, $RUNS times.
lede_runs() { repeat "$1" : 0 "$LEDE" -q "$2" -e "$3"; }

# nltk_run NAME ARGS...: one run of the NLTK script (minutes on 100 MB).
nltk_run() {
  name=$1
  shift
  rm -f "$W/$name.runs"
  measure "$name" 0 timeout "$NLTK_LIMIT" "$PY" "$W/nltk_stats.py" "$@"
}

main() {
  if [ ! -f "$W/jsonl.db" ]; then note "no $W/jsonl.db: run tests/bench/run.sh"; return 1; fi
  node=$("$LEDE" -q "$W/jsonl.db" -e 'local f = db:freq{top = 1, stopwords = "en", pattern = "^%a+$"}; print(f[1] and f[1].term or "")' 2>/dev/null)
  [ -n "$node" ] || { note "no node word"; return 1; }
  occ=$("$LEDE" -q "$W/jsonl.db" -e "print(db:collocates('$node', {top = 1}):info().node_freq)" 2>/dev/null)
  tokens=$("$LEDE" -q "$W/jsonl.db" -e "print(db:ngrams{n = 1, top = 1}:info().tokens)" 2>/dev/null)
  COLL="db:collocates('$node', {window = 5, measure = 'll', top = 50})"
  BIGR="db:ngrams{n = 2, top = 1000}"
  prefix || { note "stats: cannot cut the prefix for NLTK"; return 1; }
  whole=0
  [ "$PDB" = "$W/jsonl.db" ] || whole=1
  lede_runs stats_lede_coll "$PDB" "$COLL"
  lede_runs stats_lede_bigr "$PDB" "$BIGR"
  if [ "$whole" = 1 ]; then
    lede_runs stats_lede_coll_all "$W/jsonl.db" "$COLL"
    lede_runs stats_lede_bigr_all "$W/jsonl.db" "$BIGR"
  fi
  nltk_ok=0
  if need_pkg python3-nltk has_nltk; then
    nltk_ok=1
    write_nltk_script
    nltk_run stats_nltk_bigr "$PTXT" bigrams
    nltk_run stats_nltk_coll "$PTXT" collocates "$node"
  else
    note "python3-nltk could not be installed"
  fi
  lc=$(wall_of stats_lede_coll) lb=$(wall_of stats_lede_bigr)
  nc=$(wall_of stats_nltk_coll) nb=$(wall_of stats_nltk_bigr)
  if [ "$whole" = 1 ]; then
    on="the first $PDOCS documents ($(mb "$PBYTES") MB)"
  else
    on="the whole corpus ($(mb "$PBYTES") MB)"
  fi
  {
    echo '<!-- stats:begin -->'
    echo '## Collocations and n-grams (issue 4)'
    echo
    dirty=""
    [ -n "$(git status --porcelain -- core lua include 2>/dev/null)" ] && dirty=" (plus uncommitted changes in the tree)"
    echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') at commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$dirty."
    echo "Machine: $(machine). NLTK $("$PY" -c 'import nltk; print(nltk.__version__)' 2>/dev/null || echo 'missing'), $("$PY" --version 2>&1)."
    echo
    echo "Corpus: the bench corpus ($DATA, $DOCS documents), $tokens tokens as lede counts them;"
    echo "node word \`$node\` ($occ occurrences). lede: median of $RUNS runs; NLTK: one run."
    if [ "$whole" = 1 ]; then
      echo "NLTK reads a prefix, $on of all.txt"
      echo "(NLTK_BYTES=$NLTK_BYTES, cut at a document boundary): it keeps every token and pair in"
      echo "Python objects, about 20 times the text in RAM. For the NLTK / lede ratio lede"
      echo "answers on a corpus file loaded from the same documents of corpus.jsonl"
      echo "(prefix.db); its rows on the whole corpus (jsonl.db) come after, without NLTK."
    else
      echo "Both on $on: lede on jsonl.db, NLTK on all.txt (the same texts)."
    fi
    echo
    echo '| task | corpus | lede s | lede peak RSS MB | NLTK s | NLTK peak RSS MB | NLTK / lede |'
    echo '|---|---|---:|---:|---:|---:|---:|'
    echo "| collocates of \`$node\`, window 5 each side, log-likelihood, top 50 | $on | $lc | $(peak_of stats_lede_coll) | $nc | $(peak_of stats_nltk_coll) | $(ratio "$nc" "$lc") |"
    echo "| top 1000 bigrams | $on | $lb | $(peak_of stats_lede_bigr) | $nb | $(peak_of stats_nltk_bigr) | $(ratio "$nb" "$lb") |"
    if [ "$whole" = 1 ]; then
      echo "| collocates (as above) | whole corpus ($(mb "$TXT_BYTES") MB)$(once stats_lede_coll_all) | $(wall_of stats_lede_coll_all) | $(peak_of stats_lede_coll_all) | not run | | |"
      echo "| top 1000 bigrams | whole corpus ($(mb "$TXT_BYTES") MB)$(once stats_lede_bigr_all) | $(wall_of stats_lede_bigr_all) | $(peak_of stats_lede_bigr_all) | not run | | |"
    fi
    echo
    echo "Commands:"
    echo
    echo '```'
    if [ "$whole" = 1 ]; then
      echo "head -c $PBYTES all.txt > prefix.txt; head -n $PDOCS corpus.jsonl > prefix.jsonl"
      echo "lede -q prefix.db add prefix.jsonl                  # not timed"
      echo "lede -q prefix.db -e \"$COLL\""
      echo "lede -q prefix.db -e \"$BIGR\""
    fi
    echo "lede -q jsonl.db -e \"$COLL\""
    echo "lede -q jsonl.db -e \"$BIGR\""
    txt=all.txt
    [ "$whole" = 1 ] && txt=prefix.txt
    echo "python3 nltk_stats.py $txt collocates $node   # from_words(words, window_size=5), filter, likelihood_ratio"
    echo "python3 nltk_stats.py $txt bigrams           # from_words(words).ngram_fd.most_common(1000)"
    echo '```'
    echo
    echo 'Each wall time is the whole command: lede opening the corpus and reading the'
    echo 'stored texts, NLTK reading its text file and splitting it into words. lede reads only'
    echo 'the documents that contain the node for collocates (the index finds them) and'
    echo 'tokenizes on two threads for n-grams; NLTK counts every windowed pair of the'
    echo 'corpus, as its BigramCollocationFinder does. The nltk_stats.py script is'
    echo 'written by tests/bench/bench_stats.sh.'
    [ "$nltk_ok" = 1 ] || echo 'NLTK could not be installed on this machine.'
    echo '<!-- stats:end -->'
  } > "$W/stats_section.md"
  write_results stats "$W/stats_section.md"
  sed -n '/^| /p' "$W/stats_section.md"
}

main "$@"
