# test_cli.sh -- the lede command: options, scripts, exit statuses, the
# `add` command, and loading the five seed articles (skipped when
# ../shared is absent).
. tests/cli/lib.sh
ROOT=$(pwd)
cd "$TMP"

is "$("$LEDE" --version)" "lede 0.1.0" "--version"
"$LEDE" --help | grep -q '^usage: lede \[options\] \[DB \[SCRIPT \[ARGS...\]\]\]'
ok $? "--help prints usage"
"$LEDE" --bogus >/dev/null 2>&1
is $? 2 "unknown option exits 2"
"$LEDE" -e >/dev/null 2>&1
is $? 2 "-e without code exits 2"

is "$("$LEDE" -e 'print(1+1)' -e 'io.write(type(db), " ", lede.version, "\n")')" "2
userdata 0.1.0" "-e runs in order with lede and db set"
is "$("$LEDE" -q -e 'print(db:path())')" ":memory:" "no DB means an in-memory corpus"

cat > script.lua <<'S'
print(arg[0], arg[1], arg[2], select("#", ...), ...)
print(db:count())
S
is "$("$LEDE" -q c.db script.lua one two)" "script.lua	one	two	2	one	two
0" "a script gets arg and ..."
ok $([ -f c.db ] && echo 0 || echo 1) "the corpus file is created when missing"
err=$("$LEDE" -q missing.db kwic x 2>&1); status=$?
is "$status" 1 "a read-only command on a missing corpus exits 1"
contains "$err" "missing.db: no such corpus" "and says the corpus is missing"
ok $([ -e missing.db ] && echo 1 || echo 0) "and creates no file"

printf 'local x = nil\nprint(x.y)\n' > bad.lua
err=$("$LEDE" -q c.db bad.lua 2>&1); status=$?
is "$status" 1 "a failing script exits 1"
contains "$err" "bad.lua:2: attempt to index a nil value" "the error names file:line"
contains "$err" "stack traceback:" "the error has a traceback"

is "$(printf 'print(6*7)\nprint(db:count())\n' | "$LEDE" -q c.db)" "42
0" "a script on stdin runs without prompts"
printf 'error("boom")\n' | "$LEDE" -q c.db >/dev/null 2>&1
is $? 1 "a failing stdin script exits 1"

# The add command and its exit statuses.
mkdir -p arts/outlet-a
printf 'Headline A\n\nBody of article A.\n' > arts/outlet-a/a.txt
printf 'Headline B\r\n\r\nBody of article B.\r\n' > arts/outlet-a/b.txt
out=$("$LEDE" c.db add arts --source-from-dir 2>&1); status=$?
is "$status" 0 "add exits 0 when everything loads"
contains "$out" "added 2, duplicates 0, skipped 0" "add prints a summary"
is "$("$LEDE" -q c.db -e 'local d = db:doc(2) io.write(d.title, "|", d.source, "|", d.text)')" \
   "Headline B|outlet-a|Headline B

Body of article B." "title from the first line, source from the folder, CRLF made LF"
"$LEDE" c.db add >/dev/null 2>&1
is $? 2 "add without a path is a usage error"
"$LEDE" c.db add --bogus x >/dev/null 2>&1
is $? 2 "add with an unknown option is a usage error"
is "$("$LEDE" -q c.db add - --source-name stdin-feed < arts/outlet-a/a.txt 2>&1; echo $?)" "0" \
   "add - reads stdin (a duplicate here)"

# The five seed articles: added once, then all duplicates, texts intact.
SEEDS=$ROOT/../shared/corpus/seeds
if [ -d "$SEEDS" ]; then
  is "$("$LEDE" s.db -e "print(db:add('$SEEDS', {boilerplate = false}).added)" 2>/dev/null)" 5 "the five seeds are added"
  out=$("$LEDE" s.db -e "print(db:add('$SEEDS', {boilerplate = false}).added)" 2>&1)
  contains "$out" "added 0, duplicates 5, skipped 0" "loading them again counts 5 duplicates"
  is "$(echo "$out" | tail -1)" 0 "and adds none"
  is "$("$LEDE" -q s.db -e 'print(db:count())')" 5 "db:count() is 5"
  is "$("$LEDE" -q s.db -e '
    local bad = 0
    for d in db:docs() do
      local f = assert(io.open(d.uri, "rb")); local raw = f:read("a"); f:close()
      raw = raw:gsub("^\239\187\191", ""):gsub("\r\n?", "\n")
      if raw ~= d.text then bad = bad + 1; io.stderr:write("differs: ", d.uri, "\n") end
    end
    print(bad)')" 0 "each stored text equals its file after normalisation"
else
  echo "# ../shared/corpus/seeds absent: seed checks skipped"
fi

# --threads and --memory: the same corpus whatever the threads and budget
"$LEDE" -q t1.db add "$ROOT/tests/corpus/sample" --threads 0 --memory 1
"$LEDE" -q t3.db add "$ROOT/tests/corpus/sample" --threads 3
q='local n = db:count(); for _, w in ipairs{"minister", "\"prime minister\"", "minist*", "said NEAR/3 minister", "said"} do n = n .. " " .. db:count(w) end'
a=$("$LEDE" -q t1.db -e "$q; print(n, db:check().ok)")
contains "$a" "	true" "add --threads 0 --memory 1 loads and checks clean ($a)"
is "$("$LEDE" -q t3.db -e "$q; print(n, db:check().ok)")" "$a" "add --threads 3 indexes the same"
out=$("$LEDE" -q t4.db add "$ROOT/tests/corpus/sample" --threads many 2>&1); st=$?
is "$st" 1 "add --threads many fails"
contains "$out" "--threads wants a whole number" "and says why"

done_testing
