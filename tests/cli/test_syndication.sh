#!/bin/sh
# test_syndication.sh -- scripts/syndication.lua on the sample corpus: the
# planted copies as clusters, earliest first; its options and exit codes.
. tests/cli/lib.sh
S=tests/corpus/sample
DB=$TMP/s.db
for d in northgate-wire vta ilvra-courier daily-clarion newspulse24 feeds; do
  "$LEDE" -q "$DB" add "$S/$d" --source-from-dir > /dev/null 2>&1
done

out=$("$LEDE" "$DB" scripts/syndication.lua 2>&1); st=$?
is "$st" 0 "clusters found: exit 0"
contains "$out" "1 cluster of near-duplicates (Jaccard >= 0.5, 3-word shingles)" "default: one cluster"
contains "$out" "first 2024-03-06 by northgate-wire" "the wire had it first"
contains "$out" "Border guards on alert as dam row with Veldora escalates" "the courier's copy is listed"

out=$("$LEDE" "$DB" scripts/syndication.lua --rewrites --csv "$TMP/c.csv" 2>&1); st=$?
is "$st" 0 "--rewrites: exit 0"
contains "$out" "2 clusters of near-duplicates (Jaccard >= 0.25, 2-word shingles)" "--rewrites adds the rewritten pair"
contains "$out" "northgate-wire  newspulse24" "who republishes whom: the content farm copies the wire"
is "$(wc -l < "$TMP/c.csv" | tr -d ' ')" 5 "--csv: a header and one row per article"

"$LEDE" "$DB" scripts/syndication.lua --threshold 0.95 > /dev/null 2>&1
is "$?" 1 "no cluster at 0.95: exit 1"
"$LEDE" "$DB" scripts/syndication.lua --shingle 12 > /dev/null 2>&1
is "$?" 2 "--shingle 12: usage error, exit 2"
err=$("$LEDE" "$DB" scripts/syndication.lua --frobnicate 2>&1); st=$?
is "$st" 2 "unknown argument: exit 2"
contains "$err" "unknown argument '--frobnicate'" "and says which"
out=$("$LEDE" "$DB" scripts/syndication.lua --help); st=$?
is "$st" 0 "--help: exit 0"
contains "$out" "usage: lede DB scripts/syndication.lua" "--help prints the usage"
done_testing
