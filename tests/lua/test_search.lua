-- test_search.lua: the index against a brute-force scan of the token
-- streams.  Random queries (terms as written in the texts, phrases,
-- prefixes, NEAR/ADJ with and without WITHIN SENTENCE, AND, OR, NOT,
-- source and date filters) run through db:search and through an
-- evaluator here that reads lede.core.tokens of every document; the sets
-- of matching documents and the matched token spans must be equal.  Over
-- the sample corpus and a generated corpus, after adds, removes and
-- re-adds, with db:check() clean throughout.
local T = dofile("tests/lua/tap.lua")
local raw_tokens = lede.core.tokens
local memo = {}
local function tokens(s)             -- query words repeat: tokenize each once
  if #s > 64 then return raw_tokens(s) end
  local t = memo[s]
  if not t then t = raw_tokens(s); memo[s] = t end
  return t
end

local seed = 12345
local function rnd(n)               -- deterministic, the same on every machine
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n + 1
end
local function pick(t) return t[rnd(#t)] end

-- Per document: positions of each term, sentence of each position.
local function model(db)
  local docs = {}
  for d in db:docs() do
    local toks = tokens(d.text)
    local m = { id = d.id, source = d.source, date = d.date, terms = {}, sent = {}, toks = {}, at = {} }
    for _, t in ipairs(toks) do
      if t.pos then                   -- punctuation takes no position
        m.toks[#m.toks + 1] = t
        local at = m.at[t.pos] or {}
        at[#at + 1] = t.term          -- a compound and its first part share one
        m.at[t.pos] = at
        local l = m.terms[t.term]
        if not l then l = {}; m.terms[t.term] = l end
        if l[#l] ~= t.pos then l[#l + 1] = t.pos end
        m.sent[t.pos] = t.sentence
      end
    end
    docs[#docs + 1] = m
  end
  return docs
end

-- Query nodes: {k="word", w=}, {k="prefix", p=}, {k="phrase", items=},
-- {k="near", ops=, n=, ordered=, sentence=}, {k="and"/"or", kids=},
-- {k="not", a=, b=}, {k="source", v=}, {k="date", lo=, hi=}.
local function render(q)
  local k = q.k
  -- a word written in capitals as an operator would be read as one
  if k == "word" then return (q.w:gsub("^(%u+)$", { AND = "and", OR = "or", NOT = "not", NEAR = "near", ADJ = "adj" })) end
  if k == "prefix" then return q.p .. "*" end
  if k == "phrase" then
    local s = {}
    for i, it in ipairs(q.items) do s[i] = it.k == "prefix" and it.p .. "*" or it.w end
    return '"' .. table.concat(s, " ") .. '"' .. (q.sentence and " WITHIN SENTENCE" or "")
  end
  if k == "near" then
    local s = {}
    for i, o in ipairs(q.ops) do s[i] = render(o) end
    return "(" .. table.concat(s, (q.ordered and " ADJ/" or " NEAR/") .. q.n .. " ")
           .. (q.sentence and " WITHIN SENTENCE" or "") .. ")"
  end
  if k == "and" or k == "or" then
    local s = {}
    for i, c in ipairs(q.kids) do s[i] = render(c) end
    return "(" .. table.concat(s, k == "and" and " AND " or " OR ") .. ")"
  end
  if k == "not" then return "(" .. render(q.a) .. " NOT " .. render(q.b) .. ")" end
  if k == "source" then return 'source:"' .. q.v .. '"' end
  if k == "date" then return "date:" .. q.lo .. ".." .. q.hi end
end

-- The terms a query word stands for: one per position, a compound's parts
-- rather than its whole, a hashtag's whole rather than its part.
local function query_terms(w)
  local out, last = {}, nil
  for _, t in ipairs(tokens(w)) do
    if t.pos and not t.compound and t.pos ~= last then out[#out + 1] = t; last = t.pos end
  end
  return out
end

-- Spans {s, e} of a node in document m, or nil when it does not match.
local eval
local function word_spans(m, w)
  local ts = query_terms(w)
  if #ts == 0 then return {} end
  local out = {}
  for _, p in ipairs(m.terms[ts[1].term] or {}) do
    local ok = true
    for i = 2, #ts do
      local found = false
      for _, q in ipairs(m.terms[ts[i].term] or {}) do if q == p + i - 1 then found = true end end
      ok = ok and found
    end
    if ok then out[#out + 1] = { p, p + #ts - 1 } end
  end
  return out
end

local function prefix_positions(m, p)
  local pt = query_terms(p)[1].term
  local out = {}
  for term, ps in pairs(m.terms) do
    if term:sub(1, #pt) == pt then for _, x in ipairs(ps) do out[#out + 1] = { x, x } end end
  end
  return out
end

local function near(m, q, items, i, pick_, out)
  if i > #items then
    local lo, hi, maxs, mine = math.huge, -1, -1, math.huge
    for _, s in ipairs(pick_) do
      lo = math.min(lo, s[1]); hi = math.max(hi, s[2])
      maxs = math.max(maxs, s[1]); mine = math.min(mine, s[2])
    end
    if maxs - mine - 1 > q.n then return end
    if q.sentence and m.sent[lo] ~= m.sent[hi] then return end
    out[#out + 1] = { lo, hi }
    return
  end
  for _, c in ipairs(items[i]) do
    local ok = true
    for k = 1, i - 1 do
      if not (c[1] > pick_[k][2] or c[2] < pick_[k][1]) then ok = false end
    end
    if q.ordered and i > 1 and (c[1] <= pick_[i - 1][2] or c[1] - pick_[i - 1][2] - 1 > q.n) then ok = false end
    if ok then pick_[i] = c; near(m, q, items, i + 1, pick_, out); pick_[i] = nil end
  end
end

function eval(m, q)
  local k = q.k
  local s
  if k == "word" then s = word_spans(m, q.w)
  elseif k == "prefix" then s = prefix_positions(m, q.p)
  elseif k == "phrase" then
    -- items that are several terms ("pro-russian") are spliced in
    local flat = {}
    for _, it in ipairs(q.items) do
      if it.k == "prefix" then
        flat[#flat + 1] = { prefix = query_terms(it.p)[1].term }
      else
        for _, t in ipairs(query_terms(it.w)) do flat[#flat + 1] = { term = t.term } end
      end
    end
    s = {}
    local n = #flat
    local seen = {}
    for _, t in ipairs(m.toks) do
      local p, ok = t.pos, n > 0 and not seen[t.pos]
      seen[t.pos] = true
      for i, it in ipairs(flat) do
        if not ok then break end
        local any = false
        for _, term in ipairs(m.at[p + i - 1] or {}) do
          if it.prefix then any = any or term:sub(1, #it.prefix) == it.prefix
          else any = any or term == it.term end
        end
        ok = any
      end
      if ok and (not q.sentence or m.sent[p] == m.sent[p + n - 1]) then s[#s + 1] = { p, p + n - 1 } end
    end
  elseif k == "near" then
    local items = {}
    for i, o in ipairs(q.ops) do items[i] = eval(m, o); if not items[i] then return nil end end
    s = {}
    near(m, q, items, 1, {}, s)
  elseif k == "and" then
    s = {}
    for _, c in ipairs(q.kids) do
      local cs = eval(m, c)
      if not cs then return nil end
      for _, x in ipairs(cs) do s[#s + 1] = x end
    end
    return s
  elseif k == "or" then
    local any
    s = {}
    for _, c in ipairs(q.kids) do
      local cs = eval(m, c)
      if cs then any = true; for _, x in ipairs(cs) do s[#s + 1] = x end end
    end
    return any and s or nil
  elseif k == "not" then
    if eval(m, q.b) then return nil end
    return eval(m, q.a)
  elseif k == "source" then
    return (m.source or ""):lower() == q.v:lower() and {} or nil
  elseif k == "date" then
    local d = m.date and m.date:sub(1, 10)
    return d and d >= q.lo and d <= q.hi and {} or nil
  end
  return #s > 0 and s or nil
end

local function key_set(spans)
  local seen, out = {}, {}
  for _, s in ipairs(spans or {}) do
    local key = s[1] .. ":" .. s[2]
    if not seen[key] then seen[key] = true; out[#out + 1] = key end
  end
  table.sort(out)
  return table.concat(out, " ")
end

-- Random queries from the words of the corpus, as written.
local function generator(docs)
  local words, sources, dates = {}, {}, {}
  for _, m in ipairs(docs) do
    local d = assert(db_text_of(m))
    for w in d:gmatch("[^%s%p]+[’'%.%-]?[^%s%p]*") do
      -- quotation marks open phrases in the query language: leave such words out
      -- and no-break spaces separate words there
      if #w > 1 and not w:find("\226\128[\156\157\158\159]") and not w:find("\194[\160\171\187]") then
        words[#words + 1] = w
      end
    end
    if m.source then sources[#sources + 1] = m.source end
    if m.date then dates[#dates + 1] = m.date:sub(1, 10) end
  end
  local function word() return { k = "word", w = pick(words) } end
  local function prefix()
    local w = query_terms(pick(words))[1]
    local t = w and w.term or "xyz"
    local n = math.min(utf8.len(t) or #t, 2 + rnd(3))
    return { k = "prefix", p = t:sub(1, (utf8.offset(t, n + 1) or (#t + 1)) - 1) }
  end
  local function positional()
    local r = rnd(3)
    if r == 1 then
      local m = pick(docs)
      local start = rnd(math.max(1, #m.toks - 3))
      local items = {}
      for i = 0, rnd(2) do
        local t = m.toks[start + i]
        local p3 = t and t.term:sub(1, (utf8.offset(t.term, 4) or (#t.term + 1)) - 1)
        if t then items[#items + 1] = (rnd(8) == 1) and { k = "prefix", p = p3 } or { k = "word", w = t.term } end
      end
      if #items == 0 then return word() end
      return { k = "phrase", items = items, sentence = rnd(4) == 1 }
    end
    local ops = {}
    for i = 1, 1 + rnd(2) do ops[i] = rnd(5) == 1 and prefix() or word() end
    return { k = "near", ops = ops, n = rnd(8), ordered = r == 3, sentence = rnd(4) == 1 }
  end
  local gen
  function gen(depth)
    local r = rnd(12)
    if depth < 2 and r <= 2 then return { k = "and", kids = { gen(depth + 1), gen(depth + 1) } } end
    if depth < 2 and r <= 4 then return { k = "or", kids = { gen(depth + 1), gen(depth + 1) } } end
    if depth < 2 and r == 5 then return { k = "not", a = gen(depth + 1), b = gen(depth + 1) } end
    if r == 6 and #sources > 0 then return { k = "source", v = pick(sources) } end
    if r == 7 and #dates > 0 then
      local a, b = pick(dates), pick(dates)
      if a > b then a, b = b, a end
      return { k = "date", lo = a, hi = b }
    end
    if r <= 9 then return positional() end
    if r == 10 then return prefix() end
    return word()
  end
  return gen
end

local function run(db, label, nq)
  local docs = model(db)
  local texts = {}
  for d in db:docs() do texts[d.id] = d.text end
  _G.db_text_of = function(m) return texts[m.id] end
  local gen = generator(docs)
  local mismatches, compared = 0, 0
  for i = 1, nq do
    local q = gen(0)
    local qs = render(q)
    local hits, err = db:search(qs, { order = "doc", max_expansion = 100000 })
    if not hits then
      mismatches = mismatches + 1
      if mismatches < 5 then T.diag(label, "query failed:", qs, err) end
    else
      local got = {}
      for _, h in ipairs(hits) do got[h.doc] = h end
      -- count takes other ways than search (bitmaps, document
      -- frequencies), so every query checks it
      local n = db:count(qs, { max_expansion = 100000 })
      if n ~= #hits then
        mismatches = mismatches + 1
        T.diag(label, qs, "count", n, "hits", #hits)
      end
      if i % 50 == 0 then
        local occ = 0
        for _, h in ipairs(hits) do occ = occ + #h.matches end
        if hits:total() ~= occ then
          mismatches = mismatches + 1
          T.diag(label, qs, "count", n, "hits", #hits, "total", hits:total(), "matches", occ)
        end
      end
      for _, m in ipairs(docs) do
        local want = eval(m, q)
        local h = got[m.id]
        compared = compared + 1
        local bad = (want ~= nil) ~= (h ~= nil)
        if not bad and h then
          local spans = {}
          for j, x in ipairs(h.matches) do spans[j] = { x.first, x.last } end
          bad = key_set(spans) ~= key_set(want)
          if bad and mismatches < 5 then T.diag(label, qs, "doc", m.id, "spans index:", key_set(spans), "brute:", key_set(want)) end
        elseif bad and mismatches < 5 then
          T.diag(label, qs, "doc", m.id, "brute", tostring(want ~= nil), "index", tostring(h ~= nil))
        end
        if bad then mismatches = mismatches + 1 break end
      end
    end
  end
  print(string.format("## search differential (%s): %d random queries, %d documents compared, %d mismatches",
    label, nq, compared, mismatches))
  T.is(mismatches, 0, label .. ": index equals brute force for " .. nq .. " random queries")
end

-- 1. The sample corpus.
local s = db:add("tests/corpus/sample/", { quiet = true, source_from_dir = true })
T.ok(s.added > 30, "sample corpus loaded")
T.ok(db:check().ok, "db:check() is clean after loading")
run(db, "sample corpus", 1500)

-- 2. A generated corpus, then removals and re-adds.
local g = lede.open()
local vocab = {}
for i = 1, 60 do vocab[i] = ({ "al", "be", "ga", "de", "ep", "ze", "et", "th" })[i % 8 + 1] .. string.char(97 + i % 26) .. (i % 3 == 0 and "" or "n") end
local tmp = os.tmpname()
local f = assert(io.open(tmp, "w"))
for i = 1, 400 do
  local words = {}
  for j = 1, 20 + rnd(150) do
    local w = rnd(3) == 1 and vocab[rnd(6)] or vocab[rnd(#vocab)]
    if rnd(15) == 1 then w = w .. "." end
    if rnd(40) == 1 then w = w:upper() end
    words[j] = w
  end
  f:write(lede.json.encode({ id = "g" .. i, text = table.concat(words, " "),
    source = ({ "north", "south", "west" })[rnd(3)], date = string.format("2021-12-%02d", rnd(28)) }), "\n")
end
f:close()
g:add(tmp, { format = "jsonl", quiet = true })
run(g, "generated corpus", 1500)
for id = 3, 400, 3 do g:remove(id) end
T.ok(g:check().ok, "db:check() is clean after removals")
run(g, "generated corpus after removals", 400)
local r = g:add(tmp, { format = "jsonl", quiet = true })
T.is(r.added, 133, "removed documents come back when added again")
T.ok(g:check().ok, "db:check() is clean after re-adding")
g:optimize()
T.ok(g:check().ok, "db:check() is clean after optimize")
run(g, "generated corpus re-added and optimised", 400)

-- 3. The same texts through several indexing threads with a tiny memory
-- budget: many runs, each its own segment, merged at commit; and on the
-- loading thread alone, spilling a segment whenever the budget fills.
local big = os.tmpname()
f = assert(io.open(big, "w"))
for i = 1, 3000 do
  local words = {}
  for j = 1, 60 + rnd(200) do words[j] = vocab[rnd(#vocab)] .. (rnd(4) == 1 and tostring(rnd(500)) or "") end
  f:write(lede.json.encode({ id = "b" .. i, text = table.concat(words, " ") }), "\n")
end
f:close()
for _, how in ipairs({ { threads = 3, memory = 1, file = tmp, n = 400, q = 300 },
                       { threads = 3, memory = 1, file = big, n = 3000 },
                       { threads = 0, memory = 1, file = big, n = 3000 } }) do
  local h = lede.open()
  local segs = 0
  h:add(how.file, { format = "jsonl", quiet = true, threads = how.threads, memory = how.memory })
  segs = h:sql("SELECT count(*) AS n FROM lede_seg")[1].n
  local label = ("generated corpus (%d documents), %d threads, 1 MB"):format(how.n, how.threads)
  T.is(segs, 1, label .. ": the load's segments are merged into one at its end")
  T.ok(h:check().ok, label .. ": db:check() is clean")
  T.is(h:count(), how.n, label .. ": every document is there")
  if how.q then
    run(h, label, how.q)
  else                               -- against the same texts in one segment
    local one = lede.open()
    one:add(how.file, { format = "jsonl", quiet = true, threads = 0 })
    local diff, nq = 0, 0
    for i = 1, #vocab do
      for _, q in ipairs({ vocab[i], '"' .. vocab[i] .. " " .. vocab[i % #vocab + 1] .. '"',
                           vocab[i] .. " NEAR/3 " .. vocab[(i * 7) % #vocab + 1], vocab[i]:sub(1, 2) .. "*" }) do
        nq = nq + 1
        local a, b = h:search(q, { limit = 5 }), one:search(q, { limit = 5 })
        local same = h:count(q) == one:count(q) and #a == #b
        for k = 1, #a do same = same and b[k] and a[k].doc == b[k].doc and a[k].score == b[k].score end
        if not same then diff = diff + 1 end
      end
    end
    T.is(diff, 0, label .. ": " .. nq .. " queries count and rank as over one segment")
  end
end
-- A second load merges only its own segments: the first load's stays.
local two = lede.open()
two:add(tmp, { format = "jsonl", quiet = true, threads = 2, memory = 1 })
two:add(big, { format = "jsonl", quiet = true, threads = 2, memory = 1 })
T.is(two:sql("SELECT count(*) AS n FROM lede_seg")[1].n, 2, "two loads: one segment each")
T.ok(two:check().ok, "two loads: db:check() is clean")
os.remove(tmp)
os.remove(big)
T.done()
