# lib.sh -- helpers for the command-line tests (sourced, POSIX sh).
# ok COND_STATUS "what" prints a TAP line; golden NAME compares stdout of a
# command with tests/cli/golden/NAME.ref.  LEDE is the binary under test.
LEDE=${LEDE:-build/lede}
case $LEDE in /*) ;; *) LEDE=$(pwd)/$LEDE ;; esac
T_N=0
T_FAILED=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lede-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export LEDE_HISTORY="$TMP/history"

ok() {   # ok STATUS WHAT  (STATUS 0 = pass)
  T_N=$((T_N + 1))
  if [ "$1" -eq 0 ]; then echo "ok $T_N - $2"
  else echo "not ok $T_N - $2"; T_FAILED=$((T_FAILED + 1)); fi
}

# is GOT WANT WHAT
is() {
  if [ "$1" = "$2" ]; then ok 0 "$3"
  else ok 1 "$3"; echo "#   got:  $1"; echo "#   want: $2"; fi
}

# contains HAYSTACK NEEDLE WHAT
contains() {
  case $1 in *"$2"*) ok 0 "$3" ;;
  *) ok 1 "$3"; echo "#   in:   $(printf '%s' "$1" | head -c 600)"; echo "#   want: $2" ;; esac
}

# golden NAME CMD... : stdout+stderr of CMD against tests/cli/golden/NAME.ref
GOLDEN=$(pwd)/tests/cli/golden
golden() {
  name=$1; shift
  "$@" > "$TMP/$name.out" 2>&1
  if diff -u "$GOLDEN/$name.ref" "$TMP/$name.out" > "$TMP/$name.diff"; then
    ok 0 "golden $name"
  else
    ok 1 "golden $name"; sed 's/^/#   /' "$TMP/$name.diff" | head -30
  fi
}

done_testing() {
  echo "1..$T_N"
  [ "$T_FAILED" -eq 0 ]
}
