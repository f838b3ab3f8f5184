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

-- Collocates on the tiny corpus, by hand.  Node "arm" (f1 = 3: doc 1
-- positions 0 and 3, doc 2 position 1), window {1, 1}, span 2:
--   doc 1 pos 0: right "bay"            (no left: the text starts)
--   doc 1 pos 3: left "cow", right "bay"
--   doc 2 pos 1: left "bay", right "bay"
-- so bay: O11 = 4, cow: O11 = 1.  N = 10, R1 = 3 * 2 = 6, C1(bay) = 4,
-- E11 = 6 * 4 / 10 = 2.4.  Table for bay: O11 4, O12 2, O21 0, O22 4;
-- E12 = 6 * 6 / 10 = 3.6, E21 = 4 * 4 / 10 = 1.6, E22 = 4 * 6 / 10 = 2.4.
local function colloc(db, q, opts)
  local r = db:collocates(q, opts)
  local by = {}
  for _, x in ipairs(r) do by[x.term] = x end
  return by, r
end
local hand = {
  mi = 0.736966,        -- log2(4 / 2.4)
  t = 0.8,              -- (4 - 2.4) / sqrt(4)
  z = 1.032796,         -- 1.6 / sqrt(2.4)
  mi3 = 4.736966,       -- log2(4^3 / 2.4)
  ll = 5.822063,        -- 2 (4 ln(4/2.4) + 2 ln(2/3.6) + 0 + 4 ln(4/2.4))
  chi2 = 4.444444,      -- 10 (4*4 - 2*0)^2 / (6 * 4 * 4 * 6)
  dice = 1.142857,      -- 2 * 4 / (3 + 4)
  logdice = 14.192645,  -- 14 + log2(8/7)
  logratio = 2.415037,  -- log2((4/6) / (0.5/4)): O21 = 0 taken as 0.5
}
for m, want in pairs(hand) do
  local by = colloc(tiny, "arm", { window = 1, measure = m, min = 1, top = 0, positive = false })
  near(by.bay and by.bay.score, want, 1e-6, "tiny: " .. m .. " of arm/bay by hand")
end
do
  local by, r = colloc(tiny, "arm", { window = { 1, 1 }, min = 1, top = 0, positive = false })
  T.ok(by.bay.observed == 4 and by.cow.observed == 1 and by.dog == nil and by.arm == nil,
       "tiny: window {1,1} sees bay 4 times, cow once, never dog")
  near(by.bay.expected, 2.4, 1e-12, "tiny: expected = f1 * span * f2 / N")
  T.ok(by.bay.node_freq == 3 and by.bay.coll_freq == 4 and r:info().tokens == 10, "tiny: f1, f2, N")
  T.is(r:info().window_slots, 5, "tiny: five window slots inside the texts")
  by = colloc(tiny, "arm", { window = { 0, 1 }, min = 1, top = 0, positive = false })
  T.ok(by.bay.observed == 3 and by.cow == nil, "tiny: window {0,1} looks right only")
  by = colloc(tiny, "arm", { window = { 1, 0 }, min = 1, top = 0, positive = false, within = "sentence" })
  T.ok(by.bay.observed == 1 and by.cow == nil, "tiny: within sentence: 'cow. arm' is cut")
  by = colloc(tiny, "arm", { window = 1, min = 4, top = 0, positive = false })
  T.ok(by.bay and not by.cow, "tiny: min drops rare co-occurrences")
  by = colloc(tiny, '"arm bay"', { window = { 0, 1 }, min = 1, top = 0, positive = false })
  T.ok(by.cow.observed == 2 and by.dog.observed == 1 and by.bay == nil and by.arm == nil,
       "tiny: a phrase node: the window starts after it (cow twice, dog once)")
  local none, err = tiny:collocates("arm AND")
  T.ok(none == nil and err:find("expected"), "collocates: a bad query is nil, message")
  T.raises(function() tiny:collocates("arm", { measure = "pmi2" }) end, "measure", "an unknown measure raises")
  T.raises(function() tiny:collocates("arm", { window = { 0, 0 } }) end, "window", "an empty window raises")
  T.raises(function() tiny:collocates(42) end, "query string", "a non-string node raises")
end

-- Keyness on the tiny corpus, by hand: target doc 1 (source "one", c = 6
-- tokens), reference doc 2 (source "two", d = 4).
--   dog: a 1, b 0: E1 = 6 * 1 / 10 = 0.6, LL = 2 (1 ln(1/0.6)) = 1.021651,
--        p = erfc(sqrt(LL / 2)) = 0.312128, log ratio log2((1/6)/(0.5/4)) = 0.415037
--   bay: a 2, b 2: E1 = 2.4, E2 = 1.6, LL = 2 (2 ln(2/2.4) + 2 ln(2/1.6)) = 0.163288,
--        under-used: log ratio log2((2/6)/(2/4)) = -0.584963, %DIFF = -33.3333
do
  local k = tiny:keyness{ target = "source:one", reference = "source:two", min = 1, top = 0 }
  local by = {}
  for _, r in ipairs(k) do by[r.term] = r end
  near(by.dog and by.dog.ll, 1.021651, 1e-6, "keyness: LL of dog by hand")
  near(by.dog and by.dog.p, 0.312128, 1e-6, "keyness: p of dog by hand")
  near(by.dog and by.dog.logratio, 0.415037, 1e-6, "keyness: log ratio of dog by hand")
  T.is(by.dog and by.dog.pct_diff, math.huge, "keyness: %DIFF is infinite when the reference lacks the word")
  T.is(by.dog and by.dog.key, "+", "keyness: dog is a positive keyword")
  near(by.bay and by.bay.ll, 0.163288, 1e-6, "keyness: LL of bay by hand")
  near(by.bay and by.bay.logratio, -0.584963, 1e-6, "keyness: log ratio of bay by hand")
  near(by.bay and by.bay.pct_diff, -33.333333, 1e-6, "keyness: %DIFF of bay by hand")
  T.is(by.bay and by.bay.key, "-", "keyness: bay is a negative keyword")
  T.is(k[#k].key, "-", "keyness: negative keywords come last")
  T.ok(k:info().target_tokens == 6 and k:info().reference_tokens == 4, "keyness: token counts of both sides")
  local k2 = tiny:keyness{ target = "source:one", min = 1, top = 0 }
  T.is(#k2, #k, "keyness: the default reference is the rest of the corpus")
  local other = lede.open()
  add_text(other, "Bay arm bay, cow\n", "two")
  local k3 = tiny:keyness{ target = "source:one", reference = other, min = 1, top = 0 }
  local same = #k3 == #k
  for i = 1, #k do if not k3[i] or k3[i].term ~= k[i].term or k3[i].ll ~= k[i].ll then same = false end end
  T.ok(same, "keyness: another corpus as the reference gives the same")
  T.is(#tiny:keyness{ target = "source:one", reference = "source:two", min = 1, top = 0, negative = false }, 2,
       "keyness: negative = false keeps the positive keywords (arm, dog)")
  local none, err = tiny:keyness{ target = "source:" }
  T.ok(none == nil and err ~= nil, "keyness: a bad target is nil, message")
  T.raises(function() tiny:keyness{} end, "target", "keyness without a target raises")
end

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

-- The counting paths agree: sorted keys and a hash table, one thread and two.
do
  local function rows(r)
    local t = {}
    for _, x in ipairs(r) do t[#t + 1] = x.ngram .. "=" .. x.count .. "/" .. x.docs end
    return table.concat(t, "\n")
  end
  for _, n in ipairs({ 2, 3, 5 }) do
    local base = rows(lede.core.ngrams(db, { n = n, threads = 1 }))
    T.is(rows(lede.core.ngrams(db, { n = n, hash = true, threads = 1 })), base, n .. "-grams: hash table = sorted keys")
    T.is(rows(lede.core.ngrams(db, { n = n, threads = 2 })), base, n .. "-grams: two threads = one")
  end
end

---------------------------------------------------------------------------
-- Against NLTK (tests/fixtures/nltk/make_reference.py).  The fixture's
-- corpus is its own tokens.tsv (lede's token stream of the sample corpus
-- when the fixture was made), loaded one document a line, so the check
-- does not move when loading the sample changes; that the words come
-- back as the same tokens is checked first.
local ref = dofile("tests/fixtures/nltk/reference.lua")
local fx = lede.open()
do
  local tmp = os.tmpname()
  local f = assert(io.open(tmp, "w"))
  local lines = {}
  for line in io.lines("tests/fixtures/nltk/tokens.tsv") do
    local src, toks = line:match("^(.-)\t(.*)$")
    lines[#lines + 1] = toks
    f:write(lede.json.encode({ text = toks, source = src }), "\n")
  end
  f:close()
  fx:add(tmp, { format = "jsonl", quiet = true })
  os.remove(tmp)
  local same, i = true, 0
  for d in fx:docs() do
    i = i + 1
    if table.concat(stream(d.text), " ") ~= lines[i] then same = false end
  end
  T.ok(same and i == #lines, "NLTK fixture: its " .. #lines .. " documents give back the same tokens")
end
T.is(fx:ngrams{ n = 1, top = 1 }:info().tokens, ref.tokens, "NLTK: the same number of tokens")
do
  local top = fx:ngrams{ n = 2, top = #ref.top_bigrams }
  local ok = #top == #ref.top_bigrams
  for i, r in ipairs(ref.top_bigrams) do
    if not top[i] or top[i].ngram ~= r[1] or top[i].count ~= r[2] then ok = false end
  end
  T.ok(ok, "NLTK: the top 50 bigrams and their counts")
end
do
  local names = { "mi", "t", "ll", "chi2", "dice", "mi3", "z", "logdice", "logratio" }
  local cache, worst, worst_at, checked = {}, 0, "", 0
  for _, r in ipairs(ref.bigram) do
    for _, m in ipairs(names) do
      local key = r.node .. "/" .. m
      cache[key] = cache[key] or colloc(fx, r.node, { window = { 0, 1 }, measure = m, min = 1, top = 0, positive = false })
      local got = cache[key][r.term]
      local err = got and math.abs(got.score - r[m]) / math.max(1, math.abs(r[m])) or math.huge
      if not got or got.observed ~= r.observed or got.node_freq ~= r.f1 or got.coll_freq ~= r.f2 then err = math.huge end
      if err > worst then worst, worst_at = err, key .. "/" .. r.term end
      checked = checked + 1
    end
  end
  T.ok(worst <= 1e-6, "NLTK: " .. checked .. " bigram scores (9 measures) agree to 1e-6")
  if worst > 1e-6 then T.diag("worst ", worst, " at ", worst_at) end
end
do
  local cache, worst, worst_at = {}, 0, ""
  for _, r in ipairs(ref.window) do
    local key = r.node .. "/" .. r.left
    cache[key] = cache[key] or colloc(fx, r.node, { window = { r.left, r.right }, measure = "ll", min = 1, top = 0, positive = false })
    local got = cache[key][r.term]
    local err = got and got.observed == r.observed and math.abs(got.score - r.ll) / math.max(1, r.ll) or math.huge
    if err > worst then worst, worst_at = err, key .. "/" .. r.term end
  end
  T.ok(worst <= 1e-6, "NLTK: " .. #ref.window .. " window counts and log-likelihoods (windows {0,4}, {4,4})")
  if worst > 1e-6 then T.diag("worst ", worst, " at ", worst_at) end
end
do
  local k = fx:keyness{ target = "source:" .. ref.keyness_source, min = 0, top = 0 }
  T.ok(k:info().target_tokens == ref.target_tokens and k:info().reference_tokens == ref.reference_tokens,
       "keyness reference: the same token counts")
  local by = {}
  for _, r in ipairs(k) do by[r.term] = r end
  local worst, worst_at, n = 0, "", 0
  for _, r in ipairs(ref.keyness) do
    local got = by[r.term]
    local even = r.a / ref.target_tokens == r.b / ref.reference_tokens
    if got then
      n = n + 1
      for _, f in ipairs({ "ll", "p", "logratio", "pct_diff" }) do
        local e = got[f] == r[f] and 0 or math.abs(got[f] - r[f]) / math.max(1, math.abs(r[f]))
        if e ~= e then e = math.huge end
        if e > worst then worst, worst_at = e, r.term .. "/" .. f end
      end
    elseif not even then
      worst, worst_at = math.huge, r.term .. " missing"
    end
  end
  T.ok(n > 100 and worst <= 1e-6, "keyness reference: " .. n .. " words, LL, p, log ratio, %DIFF to 1e-6")
  if worst > 1e-6 then T.diag("worst ", worst, " at ", worst_at) end
end

T.done()
