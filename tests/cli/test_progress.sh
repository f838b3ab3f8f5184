# test_progress.sh -- a load that lasts more than a second draws one
# progress line on a terminal's stderr, and none when stderr is not a
# terminal or with -q.  `script` (util-linux) gives the load a terminal.
. tests/cli/lib.sh
cd "$TMP"
feed() { printf '{"text": "first"}\n'; sleep 1.6; printf '{"text": "second"}\n'; }
feed | script -qfec "'$LEDE' p.db add - --format jsonl" /dev/null > tty.out 2>&1
out=$(tr '\r' '\n' < tty.out)
contains "$out" "lede: 1 files, 2 docs," "a progress line is drawn on a terminal"
contains "$out" "MB/s" "it shows the rate"
contains "$out" "added 2, duplicates 0, skipped 0" "the summary follows"
feed | "$LEDE" p2.db add - --format jsonl > notty.out 2>&1
ok $(grep -c "MB/s" notty.out | grep -qx 0; echo $?) "no progress line when stderr is not a terminal"
feed | script -qfec "'$LEDE' -q p3.db add - --format jsonl" /dev/null > quiet.out 2>&1
ok $(grep -c "MB/s" quiet.out | grep -qx 0; echo $?) "no progress line with -q"
done_testing
