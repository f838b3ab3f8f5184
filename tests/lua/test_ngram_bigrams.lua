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

T.done()
