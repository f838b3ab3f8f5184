# test_golden.sh -- command-line output on the sample corpus, compared
# with the files in tests/cli/golden (regenerate one with
# `sh tests/cli/test_golden.sh --update` after checking the change by eye).
. tests/cli/lib.sh
ROOT=$(pwd)
"$LEDE" -q "$TMP/sample.db" add tests/corpus/sample/*/ --source-from-dir
cp -r tests/corpus "$TMP/corpus"
cd "$TMP"
DB=sample.db
if [ "${1:-}" = "--update" ]; then
  golden() { name=$1; shift; "$@" > "$ROOT/tests/cli/golden/$name.ref" 2>&1; ok 0 "updated $name"; }
fi
golden info "$LEDE" "$DB" info
golden search-phrase "$LEDE" "$DB" search '"interim deal"' --limit 3
golden search-near "$LEDE" "$DB" search 'Khaldiyev NEAR/5 talks' --limit 2
golden search-error "$LEDE" "$DB" search 'dam AND (river OR'
golden kwic "$LEDE" "$DB" kwic 'Khaldiyev' --width 30 --sort R1
golden kwic-csv "$LEDE" "$DB" kwic '"interim deal"' --tokens 3 --csv
golden terms "$LEDE" -q "$DB" -e 'print(db:terms{prefix = "khald"})'
# the load time varies: leave it out
golden add-summary sh -c "'$LEDE' $DB add corpus/sample/feeds/wire.jsonl 2>&1 | sed 's/, [0-9.]* s)/)/'"
done_testing
