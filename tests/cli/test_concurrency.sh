# test_concurrency.sh -- one writer at a time: readers go on while a load
# holds the write lock, and a second writer waits, then says what it was
# waiting for; nothing is half-written.
. tests/cli/lib.sh
cd "$TMP"
printf 'First text.\n' > one.txt
printf 'Second text.\n' > two.txt
"$LEDE" -q c.db add one.txt
"$LEDE" -q c.db -e 'db:sql("BEGIN IMMEDIATE") db:sql("INSERT INTO lede_info VALUES(?, ?)", "held", "x")
  local f = io.open("locked", "w") f:close()
  os.execute("sleep 3") db:sql("ROLLBACK")' &
holder=$!
n=0
while [ ! -f locked ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
is "$("$LEDE" -q c.db -e 'print(db:count())')" 1 "a reader reads while another process holds the write lock"
out=$(LEDE_BUSY_TIMEOUT=300 "$LEDE" c.db add two.txt 2>&1); status=$?
is "$status" 1 "a second writer gives up with status 1"
contains "$out" "c.db: another process is writing to this corpus; gave up waiting for its write lock after 0.3 s" \
  "and says what it waited for"
wait "$holder"
is "$("$LEDE" -q c.db -e 'print(db:count(), db:check().ok)')" "1	true" "nothing was half-written"
out=$("$LEDE" c.db add two.txt 2>&1)
contains "$out" "added 1" "once the lock is free, the load goes through"

# Eight processes opening one new corpus at the same moment all succeed.
for round in 1 2 3; do
  rm -f r.db r.db-wal r.db-shm
  for i in 1 2 3 4 5 6 7 8; do "$LEDE" -q r.db -e 'print(db:count())' > race.$i 2>&1 & done
  wait
  cat race.[1-8] >> racelog
done
is "$(sort racelog | uniq -c | tr -s ' ')" " 24 0" "processes racing to create one corpus all open it"
done_testing
