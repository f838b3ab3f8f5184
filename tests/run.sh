#!/bin/sh
# run.sh -- runs every test suite and counts TAP results.
#
# Suites: C unit tests (build/tests/test_*), Lua API tests (tests/lua),
# command-line tests (tests/cli), the REPL's pseudo-terminal test, and a
# replay of each fuzz driver's seed corpus.  Every suite prints TAP; a
# suite that dies without saying "not ok" counts as one failure.  The full
# output goes to $BUILD/test.log; the last line is "N passed, N failed".
BUILD=${BUILD:-build}
LEDE=$BUILD/lede
LOG=$BUILD/test.log
export LEDE BUILD
: > "$LOG"
passed=0
failed=0
failed_suites=""

run_suite() {
  name=$1
  shift
  out=$("$@" 2>&1)
  status=$?
  p=$(printf '%s\n' "$out" | grep -c '^ok ')
  f=$(printf '%s\n' "$out" | grep -c '^not ok ')
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1
    out="$out
not ok - $name exited with status $status"
  fi
  printf '== %s\n%s\n' "$name" "$out" >> "$LOG"
  passed=$((passed + p))
  failed=$((failed + f))
  printf '%-34s %4d passed, %d failed\n' "$name" "$p" "$f"
  printf '%s\n' "$out" | grep -E '^## |^# (WordBreakTest|SentenceBreakTest):' | sed 's/^##* /    /'
  if [ "$f" -ne 0 ]; then
    failed_suites="$failed_suites $name"
    printf '%s\n' "$out" | grep -E -A6 '^not ok' | head -40 | sed 's/^/    /'
  fi
}

for t in "$BUILD"/tests/test_*; do
  [ -x "$t" ] && run_suite "unit/$(basename "$t")" "$t"
done
for t in tests/lua/test_*.lua; do
  [ -f "$t" ] && run_suite "lua/$(basename "$t" .lua)" "$LEDE" -q :memory: "$t"
done
for t in tests/cli/test_*.sh; do
  [ -f "$t" ] && run_suite "cli/$(basename "$t" .sh)" sh "$t"
done
if [ -x "$BUILD/tests/ptytest" ]; then
  run_suite "pty/repl" "$BUILD/tests/ptytest" "$LEDE"
fi
for f in "$BUILD"/fuzz/fuzz_*; do
  [ -x "$f" ] || continue
  name=$(basename "$f")
  dir=tests/fuzz/corpus/${name#fuzz_}
  if [ -d "$dir" ] && [ -n "$(ls "$dir")" ]; then
    run_suite "fuzz/$name" sh -c "\"$f\" \"$dir\"/* && echo 'ok 1 - replays its seed corpus'"
  fi
done

[ -n "$failed_suites" ] && echo "failing suites:$failed_suites (details in $LOG)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
