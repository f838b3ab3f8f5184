# test_stale.sh -- a process that keeps its corpus open sees what other
# processes commit between its queries: documents added, removed, and
# segments merged (which moves every posting), for counts, ranked
# searches and concordances.  (The index is checked for staleness at the
# start of each query; a term's postings are read only at its first step.)
. tests/cli/lib.sh
cd "$TMP"
printf 'Alpha zeta beta.\n' > one.txt
printf 'Zeta again, and zeta.\n' > two.txt
printf 'Gamma zeta delta.\n' > three.txt
printf 'No such word here.\n' > four.txt
"$LEDE" -q s.db add one.txt
"$LEDE" -q s.db -e '
  local function wait_for(f)
    for _ = 1, 600 do
      local h = io.open(f)
      if h then h:close() return end
      os.execute("sleep 0.05")
    end
    error("timed out waiting for " .. f)
  end
  local function state()
    local top = db:search("zeta", { limit = 20 })
    local docs = {}
    for i, h in ipairs(top) do docs[i] = h.doc end
    return string.format("%d %d %d %s %d", db:count("zeta"), db:count("alpha"), #top,
                         table.concat(docs, ","), #db:kwic("zeta"))
  end
  local out = { state() }
  for round = 1, 3 do
    io.open("ready" .. round, "w"):close()
    wait_for("done" .. round)
    out[#out + 1] = state()
  end
  print(table.concat(out, ";"))' > reader.out 2> reader.err &
reader=$!
wait_file() { n=0; while [ ! -f "$1" ] && [ $n -lt 600 ]; do sleep 0.05; n=$((n + 1)); done; }
wait_file ready1
"$LEDE" -q s.db add two.txt
"$LEDE" -q s.db add three.txt four.txt
touch done1
wait_file ready2
"$LEDE" -q s.db -e 'db:remove(1)'
touch done2
wait_file ready3
"$LEDE" -q s.db -e 'db:optimize()'
touch done3
wait "$reader"
is "$(cat reader.out)" "1 1 1 1 1;3 1 3 2,1,3 4;2 0 2 2,3 3;2 0 2 2,3 3" \
  "another process's adds, removal and merge are seen by the next query"
is "$(cat reader.err)" "" "and the reader reports no error"
done_testing
