#!/bin/sh
# bench_kwic.sh -- concordances and frequency lists on the bench corpus
# ($W/jsonl.db), against ripgrep and a shell pipeline on the same text
# ($DATA/all.txt).  Run by tests/bench/run.sh after the load section
# (BUILD B W DATA LEDE RSS RESULTS RUNS exported); writes the "kwic"
# section of RESULTS.md.
#
# KWIC: 1000 lines of 40 characters either side for a common word, as
# `lede DB kwic` prints them, against rg printing its first 1000 matching
# lines with up to 40 characters either side (-m 1000 -o), and rg printing
# every match that way (what a concordance of all matches costs it), with
# lede's every match both as a result table turned into CSV and written as
# it is cut (`lede DB kwic WORD --csv`, db:kwic_csv).
# Frequency list: the top 1000 words from the index (and from the texts,
# surface forms, and per outlet), against tr | sort | uniq -c | sort -rn.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
. tests/bench/lib.sh

TERM_Q=${KWIC_TERM:-said}
# No \b: with Unicode word boundaries rg runs about ten times slower; the
# plain pattern is its fast path (it may also match inside longer words).
RG_RE=".{0,40}$TERM_Q.{0,40}"
# The same 1000 lines inside one lede process with the corpus already open
# (as a report script or the REPL makes them): lede.clock() around
# db:kwic and rendering the lines to text as `lede DB kwic` prints them,
# median of 21 runs after one warm-up run, in seconds.
INPROC_RUNS=21
INPROC="local render, n = require('lede.kwic').render, $INPROC_RUNS
local function once() return render(db:kwic('$TERM_Q', {limit = 1000, width = 40}), math.huge) end
local lines = select(2, once():gsub('\\n', '')) + 1
local ts = {}
for i = 1, n do local t = lede.clock(); once(); ts[i] = lede.clock() - t end
table.sort(ts)
print(string.format('%.5f %d', ts[(n + 1) // 2], lines))"
PIPE="tr -cs '[:alpha:]' '\\n' < '$DATA/all.txt' | tr '[:upper:]' '[:lower:]' | sort | uniq -c | sort -rn | head -n 1000"

main() {
  DB=$W/jsonl.db
  if [ ! -f "$DB" ]; then note "no $DB: run tests/bench/run.sh"; return 1; fi
  if ! command -v rg > /dev/null 2>&1; then note "no rg: skipping kwic"; return 1; fi
  rm -f "$W"/kwic_*.runs
  occ=$("$LEDE" -q "$DB" -e "print(select(2, db:_count('$TERM_Q', true)))" 2>/dev/null)
  i=0
  while [ "$i" -lt "$RUNS" ]; do
    measure kwic_lede 1 "$LEDE" -q "$DB" kwic "$TERM_Q" --limit 1000 --width 40
    measure kwic_rg 1 rg -i -m 1000 -o "$RG_RE" "$DATA/all.txt"
    measure kwic_rg_all 1 rg -i -o "$RG_RE" "$DATA/all.txt"
    measure kwic_lede_all 1 "$LEDE" -q "$DB" -e "io.write(db:kwic('$TERM_Q'):csv())"
    measure kwic_lede_csv 1 "$LEDE" -q "$DB" kwic "$TERM_Q" --csv
    # where the 1000 lines' time goes: start-up, then opening the index
    measure kwic_start 0 "$LEDE" -q "$DB" -e ""
    measure kwic_open 0 "$LEDE" -q "$DB" -e "db:_count('zzqqzz', true)"
    measure kwic_freq 0 "$LEDE" -q "$DB" -e "db:freq{top = 1000}:csv()"
    measure kwic_freq_surface 0 "$LEDE" -q "$DB" -e "db:freq{top = 1000, form = 'surface'}:csv()"
    measure kwic_freq_source 0 "$LEDE" -q "$DB" -e "db:freq{top = 1000, by = 'source'}:csv()"
    measure kwic_pipe 0 sh -c "$PIPE"
    i=$((i + 1))
  done
  lines=$("$LEDE" -q "$DB" kwic "$TERM_Q" --limit 1000 --width 40 2>/dev/null | wc -l | tr -d ' ')
  inproc=$("$LEDE" -q "$DB" -e "$INPROC" 2>/dev/null)
  li=$(echo "$inproc" | cut -d' ' -f1) linesi=$(echo "$inproc" | cut -d' ' -f2)
  [ -n "$li" ] || li=failed
  rglines=$(rg -i -m 1000 -o "$RG_RE" "$DATA/all.txt" | wc -l | tr -d ' ')
  l=$(wall_of kwic_lede) r=$(wall_of kwic_rg) ra=$(wall_of kwic_rg_all) la=$(wall_of kwic_lede_all) lc=$(wall_of kwic_lede_csv)
  st=$(wall_of kwic_start) op=$(wall_of kwic_open)
  f=$(wall_of kwic_freq) fs=$(wall_of kwic_freq_surface) fb=$(wall_of kwic_freq_source) p=$(wall_of kwic_pipe)
  {
    echo '<!-- kwic:begin -->'
    echo '## Concordances and frequency lists (issue 4)'
    echo
    dirty=""
    [ -n "$(git status --porcelain -- core lua include 2>/dev/null)" ] && dirty=" (plus uncommitted changes in the tree)"
    echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') at commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$dirty."
    echo "Machine: $(machine)."
    echo
    echo "Corpus: $DATA (lede: the corpus.jsonl load; rg and tr: all.txt, the same texts)."
    echo "Word: \`$TERM_Q\`, $occ occurrences. Median of $RUNS runs; each figure is a whole command."
    echo
    echo '| task | lede | wall s | reference | wall s | lede faster by |'
    echo '|---|---|---:|---|---:|---:|'
    printf '%s\n' "| KWIC, 1000 lines ($lines printed; rg $rglines) | \`lede DB kwic $TERM_Q --limit 1000\` | $l | \`rg -i -m 1000 -o '$RG_RE'\` | $r | $(ratio "$r" "$l") |"
    printf '%s\n' "| KWIC, 1000 lines in one process, corpus open ($linesi rendered; median of $INPROC_RUNS) | \`db:kwic('$TERM_Q', {limit = 1000})\` and rendering | $li | (as above) | $r | $(ratio "$r" "$li") |"
    printf '%s\n' "| KWIC, every match | \`db:kwic('$TERM_Q'):csv()\` | $la | \`rg -i -o\` (same pattern, no -m) | $ra | $(ratio "$ra" "$la") |"
    printf '%s\n' "| KWIC, every match, written as it is cut (peak RSS $(peak_of kwic_lede_csv) MB; the row above $(peak_of kwic_lede_all) MB) | \`lede DB kwic $TERM_Q --csv\` | $lc | (as above) | $ra | $(ratio "$ra" "$lc") |"
    printf '%s\n' "| frequency list, top 1000 | \`db:freq{top = 1000}\` (index) | $f | \`tr -cs '[:alpha:]' '\\n' \\| tr A-Z a-z \\| sort \\| uniq -c \\| sort -rn\` | $p | $(ratio "$p" "$f") |"
    printf '%s\n' "| the same, surface forms | \`db:freq{form = 'surface'}\` (texts) | $fs | (as above) | $p | $(ratio "$p" "$fs") |"
    printf '%s\n' "| the same, per outlet | \`db:freq{by = 'source'}\` | $fb | (as above) | $p | $(ratio "$p" "$fb") |"
    echo
    echo 'lede stops reading postings once it has 1000 lines and cuts each context from the'
    echo 'stored text of the documents shown; rg scans the file until its 1000th matching line.'
    echo "Of lede's $l s for 1000 lines, $st s is start-up (\`lede -q DB -e ''\`) and"
    echo "$(minus "$op" "$st") s opening the index (reading each segment's document lengths and the"
    echo "restart table of its dictionary, whose entries a lookup reads a block at a time; a \`-e\`"
    echo "script's corpus opens for writing, the kwic command's"
    echo "read-only); the concordance itself is the rest. Every match costs"
    echo 'tokenizing each matching text up to its last match, for the byte spans of positions.'
    echo "The in-process row times \`db:kwic('$TERM_Q', {limit = 1000, width = 40})\` and"
    echo "kwic.lua's render of its lines to text (what \`lede DB kwic\` prints) with lede.clock(),"
    echo 'in a script that has the corpus open: the concordance without the start-up and the'
    echo 'opening of the index that a one-shot command pays.  db:kwic keeps the lines in C until'
    echo 'a script looks at its rows, so printing them makes no Lua row.'
    echo 'rg matches the letters case-insensitively anywhere (with \\b, Unicode word boundaries,'
    echo 'it is about ten times slower); lede matches the index term, whole words and the parts'
    echo 'of hyphenated compounds.'
    echo 'The peak RSS of `lede DB kwic WORD --csv` is mostly the corpus file'"'"'s pages, which the'
    echo 'read-only command reads through SQLite'"'"'s memory map: page cache, shared and dropped'
    echo 'under memory pressure (at 1 GB, by /proc/PID/status: about 50 MB anonymous, the rest'
    echo 'file-backed); the row above it holds every line in C (its numbers and context bytes)'
    echo 'until csv() writes them all at once.'
    echo '<!-- kwic:end -->'
  } > "$W/kwic_section.md"
  write_results kwic "$W/kwic_section.md"
  sed -n '/^| /p' "$W/kwic_section.md"
}

main "$@"
