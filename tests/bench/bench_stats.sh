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
# tokenizer.  python3-nltk comes from Debian (apt-get) when missing.  NLTK
# runs once (minutes on 100 MB); lede's figure is the median of $RUNS.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
. tests/bench/lib.sh

PY=/usr/bin/python3
NLTK_LIMIT=${NLTK_LIMIT:-3600}     # seconds before an NLTK run is given up

need_nltk() {
  "$PY" -c 'import nltk' 2>/dev/null && return 0
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  note "installing python3-nltk"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-nltk >/dev/null 2>&1 ||
    { $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 &&
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-nltk >/dev/null 2>&1; }
  "$PY" -c 'import nltk' 2>/dev/null
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

lede_runs() {
  name=$1 code=$2
  rm -f "$W/$name.runs"
  i=0
  while [ "$i" -lt "$RUNS" ]; do
    measure "$name" 0 "$LEDE" -q "$W/jsonl.db" -e "$code" || { rm -f "$W/$name.runs"; return 1; }
    i=$((i + 1))
  done
}

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
  lede_runs stats_lede_coll "$COLL"
  lede_runs stats_lede_bigr "$BIGR"
  nltk_ok=0
  if need_nltk; then
    nltk_ok=1
    write_nltk_script
    nltk_run stats_nltk_bigr "$DATA/all.txt" bigrams
    nltk_run stats_nltk_coll "$DATA/all.txt" collocates "$node"
  else
    note "python3-nltk could not be installed"
  fi
  lc=$(wall_of stats_lede_coll) lb=$(wall_of stats_lede_bigr)
  nc=$(wall_of stats_nltk_coll) nb=$(wall_of stats_nltk_bigr)
  {
    echo '<!-- stats:begin -->'
    echo '## Collocations and n-grams (issue 4)'
    echo
    dirty=""
    [ -n "$(git status --porcelain -- core lua include 2>/dev/null)" ] && dirty=" (plus uncommitted changes in the tree)"
    echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') at commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$dirty."
    echo "Machine: $(machine). NLTK $("$PY" -c 'import nltk; print(nltk.__version__)' 2>/dev/null || echo 'missing'), $("$PY" --version 2>&1)."
    echo
    echo "Corpus: the bench corpus ($DATA), $tokens tokens as lede counts them;"
    echo "node word \`$node\` ($occ occurrences). lede: median of $RUNS runs on \$W/jsonl.db;"
    echo "NLTK: one run on all.txt (the same texts)."
    echo
    echo '| task | lede s | lede peak RSS MB | NLTK s | NLTK peak RSS MB | NLTK / lede |'
    echo '|---|---:|---:|---:|---:|---:|'
    echo "| collocates of \`$node\`, window 5 each side, log-likelihood, top 50 | $lc | $(peak_of stats_lede_coll) | $nc | $(peak_of stats_nltk_coll) | $(ratio "$nc" "$lc") |"
    echo "| top 1000 bigrams | $lb | $(peak_of stats_lede_bigr) | $nb | $(peak_of stats_nltk_bigr) | $(ratio "$nb" "$lb") |"
    echo
    echo "Commands:"
    echo
    echo '```'
    echo "lede -q jsonl.db -e \"$COLL\""
    echo "lede -q jsonl.db -e \"$BIGR\""
    echo "python3 nltk_stats.py all.txt collocates $node   # from_words(words, window_size=5), filter, likelihood_ratio"
    echo "python3 nltk_stats.py all.txt bigrams           # from_words(words).ngram_fd.most_common(1000)"
    echo '```'
    echo
    echo 'Each wall time is the whole command: lede opening the corpus and reading the'
    echo 'stored texts, NLTK reading all.txt and splitting it into words. lede reads only'
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
