# test_kill.sh -- a load killed with SIGKILL leaves a corpus that opens,
# passes PRAGMA integrity_check and holds only whole documents.
. tests/cli/lib.sh
cd "$TMP"
# 100,000 records of about 1 KB, each text saying its own number at both ends.
awk 'BEGIN {
  pad = ""; for (k = 0; k < 90; k++) pad = pad "filler words "
  for (i = 1; i <= 100000; i++)
    printf "{\"id\": \"r%d\", \"text\": \"rec %d %s end %d\"}\n", i, i, pad, i
}' > big.jsonl

# Wait (up to 15 s) until a load into $1 has committed documents; sets n.
wait_for_docs() {
  n=0
  tries=0
  while [ "$tries" -lt 300 ]; do
    n=$("$LEDE" -q "$1" -e 'print(db:count())' 2>/dev/null || echo 0)
    [ "${n:-0}" -gt 0 ] && break
    tries=$((tries + 1))
    sleep 0.05
  done
}

"$LEDE" -q k.db add big.jsonl >/dev/null 2>&1 &
pid=$!
wait_for_docs k.db
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
echo "# killed after $n documents were visible"
ok $([ "${n:-0}" -gt 0 ] && echo 0 || echo 1) "the load was killed while running"
is "$("$LEDE" -q k.db -e 'print(db:sql("pragma integrity_check")[1].integrity_check)')" "ok" \
   "the corpus passes integrity_check"
is "$("$LEDE" -q k.db -e '
  local broken, n = 0, 0
  for d in db:docs() do
    n = n + 1
    local a, b = d.text:match("^rec (%d+) .* end (%d+)$")
    if not a or a ~= b or d.uri ~= "r" .. a or #d.text ~= 1180 + 2 * #a then broken = broken + 1 end
  end
  local orphans = db:sql("select count(*) n from doc_text where id not in (select id from docs)")[1].n
  print(broken + orphans, n == db:count())')" "0	true" "only whole documents are stored"
m=$("$LEDE" -q k.db -e 'print(db:count())')
out=$("$LEDE" k.db add big.jsonl 2>&1)
contains "$out" "added $((100000 - m)), duplicates $m" "loading again adds exactly the rest"
# Loads run with a rollback journal (readers still read between batches, as
# wait_for_docs did) and leave the file in WAL mode; new files have 16 KiB pages.
is "$("$LEDE" -q k.db -e 'print(db:sql("pragma journal_mode")[1].journal_mode, db:sql("pragma page_size")[1].page_size)')" \
   "wal	16384" "after a load the corpus is back in WAL mode, with 16 KiB pages"

# Ctrl-C (SIGINT) stops a load after the document in hand, keeps what was
# stored, and says so.  The records come through a pipe that holds back the
# last 60,000 until the interrupt is sent, so the load cannot have ended
# first however fast it runs: the first 40,000 (over 32 MB) make a batch
# that commits, and the pipe then waits for the file "go".
rm -f i.db i.db-wal i.db-shm go
head -n 40000 big.jsonl > first.jsonl
tail -n +40001 big.jsonl > rest.jsonl
{ cat first.jsonl; while [ ! -f go ]; do sleep 0.05; done; cat rest.jsonl 2>/dev/null; } |
  "$LEDE" i.db add --format jsonl - > int.out 2>&1 &
pid=$!
wait_for_docs i.db
kill -INT "$pid" 2>/dev/null
touch go
wait "$pid"
status=$?
is "$status" 1 "an interrupted load exits 1"
contains "$(cat int.out)" ", interrupted)" "the summary says the load was interrupted"
is "$("$LEDE" -q i.db -e 'local c = db:check() print(c.ok, c.docs == db:count(), db:count() < 100000)')" "true	true	true" \
   "what was stored before the interrupt is whole and indexed"
# Ctrl-C stops a load whose input has stalled (standard input from a
# terminal or from a pipe nothing is written to): the reader thread's
# blocked read is interrupted, and nothing is reported as a read error.
rm -f st.db st.db-wal st.db-shm stall.fifo
mkfifo stall.fifo
"$LEDE" st.db add --format jsonl - < stall.fifo > stall.out 2>&1 &
pid=$!
exec 9> stall.fifo              # a writer that never writes
sleep 1
kill -INT "$pid" 2>/dev/null
n=0
while kill -0 "$pid" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
if kill -0 "$pid" 2>/dev/null; then stuck=1; kill -9 "$pid" 2>/dev/null; else stuck=0; fi
wait "$pid" 2>/dev/null
exec 9>&-
is "$stuck" 0 "Ctrl-C ends a load waiting on a stalled standard input (within 10 s)"
contains "$(cat stall.out)" ", interrupted)" "... and its summary says it was interrupted"
ok $(grep -q "read error" stall.out && echo 1 || echo 0) "... with no read error reported"
done_testing
