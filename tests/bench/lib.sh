#!/bin/sh
# lib.sh -- helpers every bench script shares: arithmetic, timing under
# rss, SQL through lede, and writing one section of RESULTS.md.  run.sh
# sources it and exports BUILD, B, W, DATA, LEDE, RSS, RESULTS, RUNS before
# running each tests/bench/bench_*.sh, which sources it too.

note() { printf 'bench: %s\n' "$*" >&2; }

PY=/usr/bin/python3          # Debian's, which python3-nltk and python3-xapian extend
LONG_RUN=${LONG_RUN:-300}    # seconds: a measurement whose first run takes longer runs once

# ---- small arithmetic helpers (awk: sh has no floating point) -------------

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
maxof()  { sort -n | tail -n 1; }
mb()     { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
rate()   { awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", b / 1048576 / s; else print "failed" }'; }
ratio()  { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else print "n/a" }'; }
minus()  { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0.001) d = 0.001; printf "%.3f", d }'; }
fsize()  { if [ -f "$1" ]; then wc -c < "$1" | tr -d ' '; else echo 0; fi; }
dbsize() { echo $(( $(fsize "$1") + $(fsize "$1-wal") )); }

# ---- timing ---------------------------------------------------------------

# measure NAME OKMAX CMD...: one run of CMD under rss, stdout discarded
# (kept in $W/NAME.out when KEEP_OUT is set); appends "wall_s peak_kb" to
# $W/NAME.runs.  Fails when the exit status is above OKMAX (ripgrep exits 1
# when nothing matched).
measure() {
  name=$1 okmax=$2
  shift 2
  out=/dev/null
  [ -n "${KEEP_OUT:-}" ] && out=$W/$name.out
  "$RSS" "$@" > "$out" 2> "$W/$name.err"
  st=$?
  if [ "$st" -gt "$okmax" ]; then
    note "$name failed (exit $st): $(grep -v '^rss: ' "$W/$name.err" | tail -n 3)"
    return 1
  fi
  grep '^rss: ' "$W/$name.err" | tail -n 1 |
    sed 's/.*peak_kb=\([0-9]*\) wall_s=\([0-9.]*\).*/\2 \1/' >> "$W/$name.runs"
}

# repeat NAME PREP OKMAX CMD...: PREP (a shell function, or :) then
# measure NAME OKMAX CMD..., $RUNS times, or once when the first run took
# more than $LONG_RUN seconds (a 1 GB corpus would otherwise take hours).
# A failure removes $W/NAME.runs, so the row says failed.
repeat() {
  rp_name=$1 rp_prep=$2 rp_ok=$3
  shift 3
  rm -f "$W/$rp_name.runs"
  rp_i=0
  while [ "$rp_i" -lt "$RUNS" ]; do
    "$rp_prep" && measure "$rp_name" "$rp_ok" "$@" || { rm -f "$W/$rp_name.runs"; return 1; }
    rp_i=$((rp_i + 1))
    long "$rp_name" && break
  done
  return 0
}

# long NAME: the first run of NAME took more than $LONG_RUN seconds.
long() {
  [ -s "$W/$1.runs" ] && awk -v l="$LONG_RUN" 'NR == 1 { exit !($1 > l) }' "$W/$1.runs"
}

# nruns NAME: how many runs the median of NAME is taken over.
nruns() { if [ -f "$W/$1.runs" ]; then wc -l < "$W/$1.runs" | tr -d ' '; else echo 0; fi; }

# once NAME: " (1 run)" when NAME was run fewer than $RUNS times, for a
# table cell.
once() {
  on_n=$(nruns "$1")
  [ "$on_n" -gt 0 ] && [ "$on_n" -lt "$RUNS" ] && printf ' (%s run%s)' "$on_n" "$( [ "$on_n" = 1 ] || echo s)"
  return 0
}

wall_of() { [ -s "$W/$1.runs" ] && cut -d' ' -f1 "$W/$1.runs" | median || echo failed; }
peak_of() { [ -s "$W/$1.runs" ] && cut -d' ' -f2 "$W/$1.runs" | maxof | awk '{ printf "%.0f", $1 / 1024 }' || echo failed; }

# need_pkg PACKAGE CHECK...: runs CHECK; when it fails, installs the Debian
# package (as `make bench-deps` does for all of them) and checks again.
need_pkg() {
  np_pkg=$1
  shift
  "$@" > /dev/null 2>&1 && return 0
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  note "installing $np_pkg"
  apt_get() { $sudo env DEBIAN_FRONTEND=noninteractive apt-get "$@" > /dev/null 2>&1; }
  apt_get install -y -qq --no-install-recommends "$np_pkg" ||
    { apt_get update -qq && apt_get install -y -qq --no-install-recommends "$np_pkg"; }
  "$@" > /dev/null 2>&1
}

# SQL through lede on a corpus file; prints the first column of the first
# row (the query names it n), or nothing when it fails.
sql1() {
  "$LEDE" -q "$1" -e "local r = db:sql([[$2]])[1]; print(r and r.n or '')" 2>/dev/null
}

machine() {
  model=$(grep -m 1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')
  mem=$(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
  printf '%s CPUs (%s), %s RAM, Linux %s' "$(nproc)" "${model:-unknown model}" "${mem:-?}" "$(uname -r)"
}

# write_results NAME FILE: replaces the section of RESULTS.md between
# <!-- NAME:begin --> and <!-- NAME:end --> with FILE, or adds it at the end.
# A run with BENCH_SIZE other than 100M writes NAME-SIZE sections.
write_results() {
  tag=$1 new=$2
  # Another size's run keeps its own sections beside the 100M ones.
  if [ "${BENCH_SIZE:-100M}" != 100M ]; then
    sed -e "s/<!-- $tag:\(begin\|end\) -->/<!-- $tag-$BENCH_SIZE:\1 -->/" \
        -e "0,/^## /s/^\(## .*\)$/\1 -- $BENCH_SIZE corpus/" "$new" > "$new.size" && mv "$new.size" "$new"
    tag=$tag-$BENCH_SIZE
  fi
  if [ ! -f "$RESULTS" ]; then
    { echo '# lede benchmark results'
      echo
      echo 'Written by tests/bench/run.sh (`make bench`); each section is regenerated by'
      echo 'its bench and the others are left as they are.'
      echo
      cat "$new"; } > "$RESULTS"
  elif grep -q "<!-- $tag:begin -->" "$RESULTS"; then
    awk -v f="$new" -v b="<!-- $tag:begin -->" -v e="<!-- $tag:end -->" '
      $0 == b { while ((getline l < f) > 0) print l; skip = 1; next }
      $0 == e { skip = 0; next }
      !skip' "$RESULTS" > "$RESULTS.tmp" && mv "$RESULTS.tmp" "$RESULTS"
  else
    { echo; cat "$new"; } >> "$RESULTS"
  fi
}

