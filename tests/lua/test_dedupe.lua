-- test_dedupe.lua: near-duplicates.  The sample corpus's planted pairs
-- (tests/corpus/sample/README.md) are exactly the clusters found; pairs
-- agree with a brute-force comparison of every pair of documents; Jaccard
-- values are worked by hand; the first of a cluster is the earliest;
-- db:add{skip_near=} and db:freq{dedupe=} do what they say.
local T = dofile("tests/lua/tap.lua")
local S = "tests/corpus/sample/"

local dups = 0
for _, d in ipairs{ "northgate-wire", "vta", "ilvra-courier", "daily-clarion", "newspulse24", "feeds" } do
  dups = dups + db:add(S .. d, { quiet = true, source_from_dir = true }).duplicates
end
T.is(dups, 1, "the exact copy (talks-day-two.txt = JSONL ngw-20240313-0311) is stored once")
T.is(db:count(), 36, "36 distinct texts")

local function base(id)
  local d = db:doc(id)
  return (d.uri:match("([^/]+)%.txt$") or d.uri)
end

-- clusters as sorted "a+b" strings of file names, for comparison
local function shape(r)
  local out = {}
  for _, c in ipairs(r:clusters()) do
    local names = {}
    for _, id in ipairs(c.docs) do names[#names + 1] = base(id) end
    table.sort(names)
    out[#out + 1] = table.concat(names, "+")
  end
  table.sort(out)
  return table.concat(out, " | ")
end

local border = "2024-03-06-border-alert+2024-03-06-guards-on-alert"
local talks = "2024-03-11-dialogue-agreed+2024-03-11-talks-agreed"

local r = db:duplicates()
T.is(shape(r), border, "default (Jaccard >= 0.5, 3-word shingles): only the republished border-alert pair")
T.is(#r, 2, "two rows")
T.ok(r[2].similarity > 0.75 and r[2].similarity < 0.9, "border-alert pair similarity " .. r[2].similarity)

local low = db:duplicates{ threshold = 0.25, shingle = 2 }
T.is(shape(low), border .. " | " .. talks, "threshold 0.25, 2-word shingles: the machine rewrite pairs too")
for _, row in ipairs(low) do
  if row.cluster == 2 and row.doc ~= row.first then
    T.ok(row.similarity > 0.25 and row.similarity < 0.35, "rewrite similarity " .. row.similarity)
  end
end
T.is(shape(db:duplicates{ threshold = 0.8 }), border, "threshold 0.8: still the border-alert pair")
T.is(#db:duplicates{ threshold = 0.9 }, 0, "threshold 0.9: nothing")

-- Brute force: every pair's exact Jaccard against what LSH + confirmation found.
local docs = {}
for d in db:docs() do docs[#docs + 1] = d end
for _, case in ipairs{ { 0.5, 3 }, { 0.3, 2 }, { 0.2, 2 }, { 0.6, 1 }, { 0.3, 1 } } do
  local t, k = case[1], case[2]
  local want = {}
  for i = 1, #docs do
    for j = i + 1, #docs do
      local sim = lede.core.similarity(docs[i].text, docs[j].text, k)
      if sim >= t then want[#want + 1] = docs[i].id .. "-" .. docs[j].id .. string.format(":%.6f", sim) end
    end
  end
  local got = {}
  for _, p in ipairs(db:_duplicates(t, k)) do got[#got + 1] = p.a .. "-" .. p.b .. string.format(":%.6f", p.similarity) end
  table.sort(want)
  table.sort(got)
  T.is(table.concat(got, " "), table.concat(want, " "),
       string.format("threshold %g, %d-word shingles: the pairs of a brute-force comparison (%d)", t, k, #want))
end

-- Hand-worked Jaccard indexes.
local sim = lede.core.similarity
T.is(sim("a b c d", "a b c e", 1), 3 / 5, "words {a,b,c,d} vs {a,b,c,e}: 3/5")
T.is(sim("a b c d", "a b c e", 2), 2 / 4, "bigrams {ab,bc,cd} vs {ab,bc,ce}: 2/4")
T.is(sim("a b c d", "d c b a", 2), 0, "reversed: no bigram in common")
T.is(sim("a b a b", "a b", 1), 1, "sets, not counts")
T.is(sim("The U.S. SAID: 100,000 troops.", "the u.s. said 100000 troops", 3), 1,
     "shingles of normalised words: case, punctuation, digit grouping do not matter")
T.is(sim("one two", "one two", 3), 1, "texts shorter than a shingle are one shingle")
T.is(sim("", "one two three", 3), 0, "no words: similarity 0")
local j, est = sim(docs[3].text, docs[15].text, 3)
T.ok(math.abs(j - est) < 0.1, string.format("MinHash estimate %.3f near the exact %.3f", est, j))

-- Signatures are kept in the corpus: a second call computes none.
T.is(db:_minhash_update(3), 0, "signatures of 3-word shingles already stored")
T.is(db:sql("select count(*) n from lede_minhash where key & 15 = 3")[1].n, 36, "one per document")

-- A read-only corpus signs in memory; an open transaction is left alone.
local path = os.tmpname()
os.remove(path)
do
  local w = lede.open(path)
  w:add({ S .. "northgate-wire", S .. "ilvra-courier" }, { quiet = true })
  w:close()
  local ro = lede.open(path, { readonly = true })
  T.is(#ro:duplicates(), 2, "read-only corpus: the pair is found")
  T.is(#ro:sql("select name from sqlite_master where name = 'lede_minhash'"), 0, "and nothing is written")
  ro:close()
  local w2 = lede.open(path)
  w2:sql("BEGIN")
  T.is(#w2:duplicates(), 2, "inside the user's transaction: found")
  w2:sql("ROLLBACK")
  T.is(#w2:duplicates(), 2, "a writable corpus: found")
  T.is(w2:_minhash_update(3), 0, "and its signatures stored")
  w2:close()
end
for _, suffix in ipairs{ "", "-wal", "-shm" } do os.remove(path .. suffix) end

-- Who published first: the earliest date, whatever the load order.
local story = "The river fell by a third overnight, officials in the valley town said on Monday, "
  .. "and farmers began to ration water for their fields as the reservoir upstream kept filling. "
local m = lede.open()
local tmp = os.tmpname()
local f = assert(io.open(tmp, "w"))
f:write('{"id":"late","source":"Later Daily","date":"2024-03-09","text":"', story, 'Officials promised tankers."}\n')
f:write('{"id":"early","source":"First Wire","date":"2024-03-05","text":"', story, 'Officials promised water tankers."}\n')
f:write('{"id":"other","source":"Elsewhere","date":"2024-03-01","text":"An unrelated report about a football match in the capital."}\n')
f:close()
m:add(tmp, { format = "jsonl", quiet = true })
local c = m:duplicates{ threshold = 0.5 }
T.is(#c, 2, "one cluster of two")
T.is(c[1].source, "First Wire", "the cluster starts with the earliest (loaded second)")
T.is(c[1].date, "2024-03-05", "its date")
T.is(c[2].source, "Later Daily", "then the copy")
T.is(c[1].similarity, 1, "the first's similarity is 1")

-- skip_near: a later load leaves out what is near a kept document.
local k = lede.open()
k:add(S .. "northgate-wire", { quiet = true })
local n0 = k:count()
local s = k:add(S .. "ilvra-courier", { quiet = true, skip_near = 0.7 })
T.is(s.near_duplicates, 1, "one near-duplicate left out")
T.is(s.added, 4, "the other four courier articles kept")
T.is(k:count(), n0 + 4, "count agrees")
T.is(k:count('"further deepened" OR "deepened further"'), 0, "the courier's copy of the border alert is gone")
T.ok(s.problems[#s.problems].message:find("near%-duplicate of doc"), "reported: " .. s.problems[#s.problems].message)
local k2 = lede.open()
local s2 = k2:add({ S .. "northgate-wire", S .. "ilvra-courier" }, { quiet = true, skip_near = true })
T.is(s2.near_duplicates, 0, "skip_near = true means 0.9, above the pair's 0.81: nothing left out")
local s3 = lede.open():add({ S .. "northgate-wire", S .. "ilvra-courier" }, { quiet = true, skip_near = 0.75 })
T.is(s3.near_duplicates, 1, "within one load at 0.75: the later copy left out")
T.raises(function() k:add(S .. "vta", { skip_near = 2 }) end, "skip_near", "a bad skip_near raises")

-- freq{dedupe}: the copy's words are not counted twice.
local copy
for _, row in ipairs(r) do if row.doc ~= row.first then copy = row.doc end end
local words, docs_with = 0, 0
for _, t in ipairs(lede.tokens(db:doc(copy).text)) do if t.pos and t.term == "guards" then words = words + 1 end end
docs_with = words > 0 and 1 or 0
local function row_of(res, term) for _, x in ipairs(res) do if x.term == term then return x end end end
local all = row_of(db:freq{ top = 1e9 }, "guards")
local dd = row_of(db:freq{ top = 1e9, dedupe = true }, "guards")
T.ok(words > 0, "the copy says 'guards' " .. words .. " times")
T.is(dd.count, all.count - words, "dedupe: count less the copy's")
T.is(dd.docs, all.docs - docs_with, "dedupe: docs less the copy")

-- A removed document leaves its cluster.
db:remove(copy)
T.is(#db:duplicates(), 0, "after removing the copy no cluster is left")

T.raises(function() db:duplicates{ threshold = 0 } end, "threshold", "threshold 0 raises")
T.raises(function() db:duplicates{ shingle = 12 } end, "shingle", "shingle 12 raises")
os.remove(tmp)
T.done()
