-- test_ngram_bigrams.lua: bigrams are counted in two levels (ngram.c,
-- count_bigrams) rather than by the sort or hash table the other n use.
-- Against the hash table (the `hash` option of lede.core.ngrams) on the
-- sample corpus, on one and two threads, for options that change which
-- bigrams count, and top lists against the head of the whole list.
local T = dofile("tests/lua/tap.lua")
local core = lede.core or require("lede.core")

db:add("tests/corpus/sample/", { quiet = true, source_from_dir = true })

local function same(a, b)
  if a.distinct ~= b.distinct or a.tokens ~= b.tokens or a.ndocs ~= b.ndocs or #a ~= #b then
    T.diag("distinct ", a.distinct, " ", b.distinct, " rows ", #a, " ", #b)
    return false
  end
  for i = 1, #a do
    local x, y = a[i], b[i]
    if x.ngram ~= y.ngram or x.count ~= y.count or x.docs ~= y.docs then
      T.diag(i, ": ", x.ngram, " ", x.count, " ", x.docs, " / ", y.ngram, " ", y.count, " ", y.docs)
      return false
    end
  end
  return true
end

local cases = {
  { top = 0 }, { top = 1 }, { top = 7 }, { top = 50, min = 2 }, { top = 0, min = 4 },
  { top = 20, stopwords = "en" }, { top = 0, within_sentence = true },
  { top = 30, within_sentence = true, stopwords = "en", min = 2 }, { top = 10, where = "water" },
}
for _, c in ipairs(cases) do
  local what = {}
  for k, v in pairs(c) do what[#what + 1] = k .. "=" .. tostring(v) end
  table.sort(what)
  what = table.concat(what, " ")
  local o = { n = 2 }
  for k, v in pairs(c) do o[k] = v end
  o.hash = true
  local want = assert(core.ngrams(db, o))
  o.hash = nil
  for threads = 1, 2 do
    o.threads = threads
    T.ok(same(assert(core.ngrams(db, o)), want), "bigrams equal the hash table's, " .. threads .. " thread(s), " .. what)
  end
  if c.top > 0 then
    local all = assert(core.ngrams(db, { n = 2, top = 0, min = c.min, stopwords = c.stopwords,
                                         within_sentence = c.within_sentence, where = c.where }))
    local head = { distinct = all.distinct, tokens = all.tokens, ndocs = all.ndocs }
    for i = 1, math.min(c.top, #all) do head[i] = all[i] end
    T.ok(same(want, head), "the top " .. c.top .. " are the head of the whole list, " .. what)
  end
end

-- One term per position (the last non-compound token there), as
-- test_collocation.lua's scan; n is the number of positions.
local function stream(text)
  local ids, sent, n = {}, {}, 0
  for _, t in ipairs(lede.tokens(text)) do
    if t.pos and not t.compound then
      ids[t.pos + 1], sent[t.pos + 1] = t.term, t.sentence
      if t.pos + 1 > n then n = t.pos + 1 end
    end
  end
  return ids, sent, n
end

local function brute_collocates(node, left, right, within)
  local obs, slots, freq = {}, 0, 0
  for d in db:docs() do
    local ids, sent, n = stream(d.text)
    for p = 1, n do
      if ids[p] == node then
        freq = freq + 1
        for q = math.max(1, p - left), math.min(n, p + right) do
          if q ~= p and (not within or sent[q] == sent[p]) then
            slots = slots + 1
            if ids[q] then obs[ids[q]] = (obs[ids[q]] or 0) + 1 end
          end
        end
      end
    end
  end
  return obs, slots, freq
end

for _, c in ipairs{ { "said", 5, 5 }, { "the", 2, 0 }, { "water", 0, 3 }, { "port", 4, 1, true } } do
  local node, left, right, within = c[1], c[2], c[3], c[4]
  local obs, slots, freq = brute_collocates(node, left, right, within)
  local raw = assert(core.collocates(db, node, left, right, within))
  local ok = raw.node_freq == freq and raw.window_slots == slots
  local seen = 0
  for _, x in ipairs(raw) do
    seen = seen + 1
    if obs[x.term] ~= x.observed then ok = false; T.diag(x.term, " ", x.observed, " ", tostring(obs[x.term])) end
  end
  for _ in pairs(obs) do seen = seen - 1 end
  T.ok(ok and seen == 0, ("collocates of %s, window %d-%d%s, equal a brute-force scan"):format(
    node, left, right, within and " within sentences" or ""))
end

T.done()
