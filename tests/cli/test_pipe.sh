# test_pipe.sh -- a load keeps storing while its batches commit (store.c,
# lede_store_reserve).  Loads killed with SIGKILL at moments spread over
# the load, commits and the documents reserved during them included, each
# leave a corpus that passes integrity_check, holds only whole documents,
# and whose index agrees with its texts (db:check); loading the file again
# adds exactly the rest.  Another process adding documents while a load
# runs (between its batches: the ids the load reserved are then taken)
# loses nothing and breaks nothing.
. tests/cli/lib.sh
cd "$TMP"
# 70,000 records of about 1 KB (over two 32 MB batches), each text saying
# its own number at both ends.
awk 'BEGIN {
  pad = ""; for (k = 0; k < 90; k++) pad = pad "filler words "
  for (i = 1; i <= 70000; i++)
    printf "{\"id\": \"r%d\", \"text\": \"rec %d %s end %d\"}\n", i, i, pad, i
}' > big.jsonl

check() {   # check DB WHAT [OTHERS: documents not from big.jsonl]
  is "$("$LEDE" -q "$1" -e '
    local broken, n = 0, 0
    for d in db:docs() do
      n = n + 1
      local a, b = d.text:match("^rec (%d+) .* end (%d+)$")
      if not a or a ~= b or d.uri ~= "r" .. a then broken = broken + 1 end
    end
    local orphans = db:sql("select count(*) n from doc_text where id not in (select id from docs)")[1].n
    print(db:sql("pragma integrity_check")[1].integrity_check, broken + orphans, db:check().ok)')" \
     "ok	${3:-0}	true" "$2: intact, whole documents, index agrees"
}

# Each load goes into a fresh corpus and is killed after a delay that
# grows from round to round (a machine's speed varies, so the delays
# cover from the first batch to the end).
i=0
for ms in 250 500 750 1000; do
  i=$((i + 1))
  rm -f k$i.db k$i.db-wal k$i.db-shm k$i.db-journal
  "$LEDE" -q k$i.db add big.jsonl >/dev/null 2>&1 &
  pid=$!
  sleep "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  n=$("$LEDE" -q k$i.db -e 'print(db:count())' 2>/dev/null || echo "?")
  echo "# round $i: killed after $ms ms, $n documents kept"
  check k$i.db "killed after $ms ms"
  out=$("$LEDE" k$i.db add big.jsonl 2>&1)
  contains "$out" "added $((70000 - ${n:-0})), duplicates ${n:-0}" "after $ms ms: loading again adds exactly the rest"
  check k$i.db "after $ms ms and a second load"
done

# Another writer adds documents one at a time while a load runs.
rm -f w.db w.db-wal w.db-shm
printf 'A first text.\n' > first.txt
"$LEDE" -q w.db add first.txt
( i=0; while [ $i -lt 100 ]; do i=$((i + 1))
    printf 'Side text number %d from another writer.\n' $i > side$i.txt
    LEDE_BUSY_TIMEOUT=30000 "$LEDE" -q w.db add side$i.txt >/dev/null 2>&1
  done ) &
side=$!
out=$("$LEDE" w.db add big.jsonl 2>&1)
wait "$side"
contains "$out" "added 70000, duplicates 0" "a load beside another writer stores every document"
check w.db "beside another writer" 101
is "$("$LEDE" -q w.db -e 'print(db:count())')" 70101 "... and the other writer's documents are all there"

done_testing
