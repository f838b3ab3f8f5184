# test_reindex.sh -- a corpus whose index an older lede wrote (segments but
# no index_format mark) cannot be searched or added to, says how to fix it,
# and `lede DB reindex` rebuilds the index from the stored texts.
. tests/cli/lib.sh
cd "$TMP"
printf 'The river dam is filling fast.\n' > a.txt
printf 'Water levels on the river fell.\n' > b.txt
printf 'A third text, about grain.\n' > c.txt
"$LEDE" -q r.db add a.txt b.txt
before=$("$LEDE" -q r.db -e 'print(db:count("river"), db:count("water"))')
is "$before" "2	1" "a fresh corpus answers queries"
"$LEDE" -q r.db -e 'db:sql("DELETE FROM lede_info WHERE key = ?", "index_format")'

out=$("$LEDE" r.db search river 2>&1); status=$?
is "$status" 1 "searching an index of an older format fails (status 1)"
contains "$out" "r.db: the index was written by an older lede; rebuild it from the stored texts with \`lede r.db reindex\`" \
  "and says how to rebuild it"
ok $(printf '%s' "$out" | grep -q traceback && echo 1 || echo 0) "without a traceback"
out=$("$LEDE" r.db add c.txt 2>&1)
contains "$out" "reindex it first" "adding to it is refused"
is "$("$LEDE" -q r.db -e 'print(db:count())')" 2 "and nothing was added"

out=$("$LEDE" r.db reindex 2>&1); status=$?
is "$status" 0 "lede DB reindex succeeds"
contains "$out" "r.db: 2 documents indexed" "and says what it did"
is "$("$LEDE" -q r.db -e 'print(db:count("river"), db:count("water"), db:check().ok)')" "2	1	true" \
  "the rebuilt index gives the same answers and passes db:check()"
is "$("$LEDE" -q r.db -e 'print(db:sql("SELECT count(*) n FROM lede_seg")[1].n)')" 1 "as one segment"
"$LEDE" -q r.db add c.txt
is "$("$LEDE" -q r.db -e 'print(db:count(), db:count("grain"))')" "3	1" "and the corpus takes new documents again"
is "$("$LEDE" -q r.db -e 'db:remove(1) db:reindex() print(db:count("river"), db:check().ok)')" "1	true" \
  "db:reindex() after a removal leaves the removed document out"
done_testing
