# test_analysis_scripts.sh -- scripts/kwic.lua and scripts/overview.lua on
# the sample corpus: output, arguments and exit statuses.
. tests/cli/lib.sh
ROOT=$(pwd)
"$LEDE" -q "$TMP/s.db" add tests/corpus/sample/*/ --source-from-dir
DB=$TMP/s.db
KWIC=$ROOT/scripts/kwic.lua
OVERVIEW=$ROOT/scripts/overview.lua

occ=$("$LEDE" -q "$DB" -e 'print(select(2, db:_count("dam", true)))')
out=$("$LEDE" -q "$DB" "$KWIC" dam --width 20)
is $? 0 "kwic.lua: exit 0 when lines were written"
is "$(printf '%s\n' "$out" | head -n 1 | tr -d '\r')" "doc,date,source,title,left,match,right,start,stop" "kwic.lua: the CSV header"
"$LEDE" -q "$DB" "$KWIC" dam -o "$TMP/all.csv" 2>/dev/null
is "$(($(tr -cd '\r' < "$TMP/all.csv" | wc -c) - 1))" "$occ" "kwic.lua: one CSV record per occurrence ($occ)"
"$LEDE" -q "$DB" "$KWIC" dam --limit 4 -o "$TMP/k.csv" 2>/dev/null
is "$(tr -d '\r' < "$TMP/k.csv" | wc -l | tr -d ' ')" 5 "kwic.lua -o FILE --limit 4: a header and 4 records"
"$LEDE" -q "$DB" "$KWIC" zzzzqx > /dev/null
is $? 1 "kwic.lua: exit 1 when nothing matched"
err=$("$LEDE" -q "$DB" "$KWIC" 'dam AND' 2>&1 >/dev/null); st=$?
is "$st" 2 "kwic.lua: exit 2 for a bad query"
contains "$err" "column 8" "kwic.lua: the query error names the column"
"$LEDE" -q "$DB" "$KWIC" dam --width x > /dev/null 2>&1
is $? 2 "kwic.lua: exit 2 for a bad number"
"$LEDE" -q "$DB" "$KWIC" > /dev/null 2>&1
is $? 2 "kwic.lua: exit 2 without a query"
"$LEDE" -q "$DB" "$KWIC" --help | grep -q '^usage: lede DB scripts/kwic.lua QUERY'
ok $? "kwic.lua --help"

ov=$(COLUMNS=80 "$LEDE" -q "$DB" "$OVERVIEW")
is $? 0 "overview.lua runs"
ndocs=$("$LEDE" -q "$DB" -e 'print(db:count())')
contains "$ov" ": $ndocs documents" "overview: the document count"
contains "$ov" "Most frequent word pairs" "overview: word pairs"
contains "$ov" "The top words over time (mentions per day)" "overview: timelines by day for a fortnight of news"
"$LEDE" -q "$DB" "$OVERVIEW" --by fortnight > /dev/null 2>&1
is $? 2 "overview: exit 2 for a bad --by"
long=$(printf '%s\n' "$ov" | awk 'length($0) > 240' | wc -l | tr -d ' ')
is "$long" 0 "overview: no runaway lines"
done_testing
