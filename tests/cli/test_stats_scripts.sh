#!/bin/sh
# test_stats_scripts.sh -- scripts/collocates.lua and scripts/compare.lua
# on the sample corpus: what they print, their options and exit codes.
. tests/cli/lib.sh
S=tests/corpus/sample
DB=$TMP/s.db
for d in northgate-wire vta ilvra-courier daily-clarion newspulse24 feeds; do
  "$LEDE" -q "$DB" add "$S/$d" --source-from-dir > /dev/null 2>&1
done

out=$("$LEDE" "$DB" scripts/collocates.lua dam --top 5 --kwic 2 2>&1); st=$?
is "$st" 0 "collocates: exit 0"
contains "$out" "Window 5 left, 5 right; measure ll" "collocates: the settings are shown"
contains "$out" "sarnau" "collocates: 'Sarnau Dam' gives sarnau"
out=$("$LEDE" "$DB" scripts/collocates.lua dam --window 0,1 --measure logdice --min 1 --csv "$TMP/c.csv" 2>&1); st=$?
is "$st" 0 "collocates --window 0,1 --measure logdice: exit 0"
contains "$out" "Window 0 left, 1 right; measure logdice" "collocates: an asymmetric window"
is "$(head -n 1 "$TMP/c.csv" | tr -d "\r")" "term,score,observed,expected,node_freq,coll_freq" "collocates --csv: the header"
"$LEDE" "$DB" scripts/collocates.lua zzzqx > /dev/null 2>&1
is "$?" 1 "collocates of a word not in the corpus: exit 1"
"$LEDE" "$DB" scripts/collocates.lua 'dam AND' > /dev/null 2>&1
is "$?" 1 "collocates of a bad query: exit 1"
"$LEDE" "$DB" scripts/collocates.lua dam --measure pmi2 > /dev/null 2>&1
is "$?" 2 "collocates: an unknown measure is a usage error"
"$LEDE" "$DB" scripts/collocates.lua > /dev/null 2>&1
is "$?" 2 "collocates without a node: exit 2"
out=$("$LEDE" "$DB" scripts/collocates.lua --help); st=$?
is "$st" 0 "collocates --help: exit 0"
contains "$out" "usage: lede DB scripts/collocates.lua NODE" "collocates --help prints the usage"

out=$("$LEDE" "$DB" scripts/compare.lua source:vta --top 5 2>&1); st=$?
is "$st" 0 "compare: exit 0"
contains "$out" "Reference: the rest of the corpus" "compare: the default reference"
contains "$out" "Positive keywords" "compare: positive keywords"
contains "$out" "Negative keywords" "compare: negative keywords"
out=$("$LEDE" "$DB" scripts/compare.lua source:vta source:northgate-wire --measure logratio --positive --csv "$TMP/k.csv" 2>&1); st=$?
is "$st" 0 "compare with a reference query: exit 0"
case $out in *"Negative keywords"*) ok 1 "compare --positive leaves out the negative keywords" ;;
*) ok 0 "compare --positive leaves out the negative keywords" ;; esac
is "$(head -n 1 "$TMP/k.csv" | tr -d "\r")" "term,key,target,reference,ll,p,logratio,pct_diff" "compare --csv: the header"
"$LEDE" -q "$TMP/r.db" add "$S/vta" --source-from-dir > /dev/null 2>&1
out=$("$LEDE" "$DB" scripts/compare.lua source:northgate-wire --reference-db "$TMP/r.db" 2>&1); st=$?
is "$st" 0 "compare --reference-db: exit 0"
contains "$out" "Reference: $TMP/r.db" "compare --reference-db names the corpus"
"$LEDE" "$DB" scripts/compare.lua 'source:' > /dev/null 2>&1
is "$?" 1 "compare with a bad query: exit 1"
"$LEDE" "$DB" scripts/compare.lua source:vta --top x > /dev/null 2>&1
is "$?" 2 "compare --top x: exit 2"
err=$("$LEDE" "$DB" scripts/compare.lua --frobnicate 2>&1); st=$?
is "$st" 2 "compare: unknown argument, exit 2"
contains "$err" "unknown argument '--frobnicate'" "and says which"
out=$("$LEDE" "$DB" scripts/compare.lua --help); st=$?
is "$st" 0 "compare --help: exit 0"
done_testing
