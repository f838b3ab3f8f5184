-- test_collocation.lua: n-grams, collocates and keyness.  Counts against
-- a brute-force scan of the texts in Lua (lede.tokens), measures against
-- values worked out by hand here, and against a reference computed once
-- with NLTK (tests/fixtures/nltk/, see make_reference.py there).
local T = dofile("tests/lua/tap.lua")

local function near(got, want, tol, what)
  local ok = got ~= nil and want ~= nil and math.abs(got - want) <= tol * math.max(1, math.abs(want))
  if not T.ok(ok, what) then T.diag("got ", tostring(got), " want ", tostring(want)) end
end

---------------------------------------------------------------------------
-- The token stream by brute force: one term per position, the last
-- non-compound token at a position winning (a hashtag's bare word, a
-- compound's parts), as include/lede/stats.h defines it.
local function stream(text)
  local ids, sent = {}, {}
  for _, t in ipairs(lede.tokens(text)) do
    if t.pos and not t.compound then
      ids[t.pos + 1] = t.term
      sent[t.pos + 1] = t.sentence
    end
  end
  return ids, sent
end

local function brute_ngrams(db, n, within, stop)
  local counts, docs, tokens = {}, {}, 0
  for d in db:docs() do
    local ids, sent = stream(d.text)
    tokens = tokens + #ids
    local seen = {}
    for i = 1, #ids - n + 1 do
      local ok = not within or sent[i] == sent[i + n - 1]
      if ok and stop then ok = not lede.core.stopword(stop, ids[i]) and not lede.core.stopword(stop, ids[i + n - 1]) end
      if ok then
        local k = table.concat(ids, " ", i, i + n - 1)
        counts[k] = (counts[k] or 0) + 1
        if not seen[k] then seen[k] = true; docs[k] = (docs[k] or 0) + 1 end
      end
    end
  end
  return counts, docs, tokens
end

local function same_counts(res, counts, docs, what)
  local n = 0
  for _ in pairs(counts) do n = n + 1 end
  local ok, bad = #res == n, nil
  for _, r in ipairs(res) do
    if counts[r.ngram] ~= r.count or docs[r.ngram] ~= r.docs then ok, bad = false, r.ngram end
  end
  if not T.ok(ok, what) then T.diag("rows ", #res, " want ", n, " first bad ", tostring(bad)) end
end

---------------------------------------------------------------------------
-- A tiny corpus, counted by hand.
local tiny = lede.open()
local function add_text(db, text, source)
  local tmp = os.tmpname()
  local f = assert(io.open(tmp, "w"))
  f:write(text)
  f:close()
  db:add(tmp, { format = "txt", quiet = true, title_from_first_line = false, source_name = source })
  os.remove(tmp)
end
-- doc 1: "arm bay cow. arm bay dog"   doc 2: "bay arm bay, cow"   (6 and 4 positions)
add_text(tiny, "Arm bay cow. Arm bay dog\n", "one")
add_text(tiny, "Bay arm bay, cow\n", "two")

local g = tiny:ngrams{ n = 2, top = 0 }
local want = { ["arm bay"] = { 3, 2 }, ["bay cow"] = { 2, 2 }, ["cow arm"] = { 1, 1 }, ["bay dog"] = { 1, 1 }, ["bay arm"] = { 1, 1 } }
local ok = #g == 5
for _, r in ipairs(g) do
  local w = want[r.ngram]
  if not w or w[1] ~= r.count or w[2] ~= r.docs then ok = false end
end
T.ok(ok, "tiny: bigram counts and document counts by hand (a comma does not break a bigram)")
T.is(g[1].ngram, "arm bay", "tiny: the most frequent bigram first")
T.is(g[2].ngram, "bay cow", "tiny: then by count")
T.is(g[3].ngram, "bay arm", "tiny: equal counts in byte order")
T.is(g:info().tokens, 10, "tiny: tokens counted")
near(g[1].per_million, 3 / 10 * 1e6, 1e-9, "tiny: per_million is per million tokens")
T.is(#tiny:ngrams{ n = 2, top = 0, within = "sentence" }, 4, "tiny: within sentence drops 'cow arm'")
local tri = tiny:ngrams{ n = 3, top = 0, min = 2 }
T.is(#tri, 1, "tiny: one trigram seen twice")
T.is(tri[1] and tri[1].ngram, "arm bay cow", "tiny: ... 'arm bay cow'")
T.is(#tiny:ngrams{ n = 5, top = 0 }, 2, "tiny: 5-grams only in the six-word document")
T.is(#tiny:ngrams{ n = 2, where = "source:two", top = 0 }, 3, "tiny: where restricts the documents")
T.is(tiny:ngrams{ n = 1, top = 1 }[1].ngram, "bay", "tiny: unigrams")
local none, err = tiny:ngrams{ where = "arm AND" }
T.ok(none == nil and err:find("expected"), "a bad where query is nil, message")
T.raises(function() tiny:ngrams{ n = 6 } end, "1 .. 5", "n above 5 raises")
T.raises(function() tiny:ngrams{ within = "paragraph" } end, "sentence", "within other than sentence raises")
T.raises(function() tiny:ngrams{ stopwords = "xx" } end, "stopwords", "unknown stopword list raises")
T.raises(function() tiny:ngrams("x") end, "table of options", "a non-table argument raises")

-- Compounds, hashtags, long terms.
local comp = lede.open()
add_text(comp, "Pro-Russian forces met #Kyiv officials.\n")
local cg = comp:ngrams{ n = 2, top = 0 }
local seen = {}
for _, r in ipairs(cg) do seen[r.ngram] = r.count end
T.ok(seen["pro russian"] == 1 and seen["russian forces"] == 1 and seen["met kyiv"] == 1
     and seen["kyiv officials"] == 1 and #cg == 5, "compounds are their parts, a hashtag its bare word")

---------------------------------------------------------------------------
-- The sample corpus: every n, against the brute-force scan.
db:add("tests/corpus/sample/", { quiet = true, source_from_dir = true })
for n = 1, 5 do
  local c, d, tokens = brute_ngrams(db, n, false)
  local r = db:ngrams{ n = n, top = 0 }
  same_counts(r, c, d, "sample: " .. n .. "-grams equal a brute-force scan")
  if n == 2 then T.is(r:info().tokens, tokens, "sample: token count equals the scan") end
end
do
  local c, d = brute_ngrams(db, 3, true, "en")
  same_counts(db:ngrams{ n = 3, top = 0, within = "sentence", stopwords = "en" }, c, d,
              "sample: trigrams within sentences without stopword edges equal the scan")
  local top = db:ngrams{ n = 2, top = 10, min = 3 }
  local sorted = true
  for i = 2, #top do
    local a, b = top[i - 1], top[i]
    if a.count < b.count or (a.count == b.count and a.ngram > b.ngram) then sorted = false end
  end
  T.ok(#top == 10 and sorted, "sample: top 10 is sorted by count, ties in byte order")
  local all = db:ngrams{ n = 2, top = 0, min = 3 }
  local same = true
  for i = 1, 10 do if all[i].ngram ~= top[i].ngram then same = false end end
  T.ok(same, "sample: top 10 equals the head of the full list")
end

T.done()
