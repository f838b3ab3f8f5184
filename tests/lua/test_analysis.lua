-- test_analysis.lua: dispersion and timelines on a tiny corpus against
-- values worked out by hand; calendar periods; similar documents against
-- a brute-force TF-IDF cosine over lede.tokens.
local T = dofile("tests/lua/tap.lua")
local period = require "lede.period"

local function near(a, b) return a and b and math.abs(a - b) < 1e-9 end

-- The tiny corpus: three documents of 4, 2 and 4 tokens.
local tmp = os.tmpname() .. ".jsonl"
local f = assert(io.open(tmp, "w"))
f:write('{"text": "a b a b", "date": "2024-01-01", "source": "X"}\n')
f:write('{"text": "a c", "date": "2024-01-03", "source": "Y"}\n')
f:write('{"text": "c c c c", "date": "2024-01-03", "source": "X"}\n')
f:close()
local tiny = lede.open()
tiny:add(tmp, { quiet = true })
os.remove(tmp)

-- "a": f = (2, 1, 0), sizes s = (4, 2, 4), S = 10, f = 3.
--   DP = 0.5 * (|2/3 - .4| + |1/3 - .2| + |0 - .4|) = 0.5 * 0.8 = 0.4
--   DPnorm = 0.4 / (1 - 0.2) = 0.5
--   p = f_i/s_i = (.5, .5, 0), mean 1/3, population sd sqrt(1/18),
--   V = sqrt(1/18) * 3 = 1/sqrt 2, D = 1 - (1/sqrt 2)/sqrt 2 = 0.5
local d = tiny:dispersion("a")
local s = d:summary()
T.is(s.count, 3, "dispersion: 3 matches")
T.is(s.range, 2, "range: 2 documents hold 'a'")
T.is(s.parts, 3, "3 parts")
T.ok(near(s.DP, 0.4), "Gries' DP of 'a' = 0.4 (by hand)")
T.ok(near(s.DPnorm, 0.5), "DPnorm = 0.5")
T.ok(near(s.D, 0.5), "Juilland's D of 'a' = 0.5 (by hand)")
-- "c": f = (0, 1, 4), f = 5: DP = 0.5 * (.4 + 0 + |.8 - .4|) = 0.4;
--   p = (0, .5, 1), mean .5, sd sqrt(1/6), V = 2 sqrt(1/6),
--   D = 1 - 2 sqrt(1/6) / sqrt 2 = 1 - 1/sqrt 3
local c = tiny:dispersion{ terms = { "c", "b", "zzz" } }
T.ok(near(c[1].DP, 0.4) and near(c[1].D, 1 - 1 / math.sqrt(3)), "'c': DP 0.4, D = 1 - 1/sqrt 3")
-- "b": only in part 1: DP = 0.5 * (.6 + .2 + .4) = 0.6, DPnorm 0.75;
--   p = (.5, 0, 0): mean 1/6, sd sqrt(2)/6, V = sqrt 2, D = 0
T.ok(near(c[2].DP, 0.6) and near(c[2].DPnorm, 0.75) and near(c[2].D, 0), "'b': DP 0.6, DPnorm 0.75, D 0")
T.ok(c[3].count == 0 and c[3].range == 0 and c[3].DP == nil, "a term that never occurs: no DP or D")
-- Positions: doc 1 at 0 and 2 of 4 tokens, doc 2 at 0 of 2; the corpus
-- end to end puts doc 2 at token 4 of 10.
local pos = {}
for _, r in ipairs(d) do pos[#pos + 1] = string.format("%d:%d:%g:%g", r.doc, r.position, r.relative, r.corpus) end
T.is(table.concat(pos, " "), "1:0:0:0 1:2:0.5:0.2 2:0:0:0.4", "each match's document, position, relative and corpus position")

-- Timelines by hand: "a" is 2 of 4 tokens on 2024-01-01 and 1 of the 6
-- tokens of 2024-01-03; 2024-01-02 has no documents.
local tl = tiny:timeline("a", { by = "day" })
local got = {}
for _, r in ipairs(tl) do got[#got + 1] = string.format("%s=%d/%d/%s", r.period, r.count, r.docs, r.per_million) end
T.is(table.concat(got, " "), "2024-01-01=2/1/500000.0 2024-01-02=0/0/0 2024-01-03=1/1/166666.67",
  "timeline by day: counts, documents, per million tokens, the empty day filled")
local wk = tiny:timeline("a", { by = "week" })
T.ok(#wk == 1 and wk[1].period == "2024-W01" and wk[1].count == 3 and wk[1].per_million == 300000,
  "by week: one ISO week, 3 of 10 tokens")
local g = tiny:timeline("a", { by = "month", group = "source" })
T.ok(#g == 2 and g[1].source == "X" and g[1].count == 2 and g[1].per_million == 250000
     and g[2].source == "Y" and g[2].count == 1 and g[2].per_million == 500000,
  "group = source: X has 2 of 8 tokens, Y 1 of 2")
T.is(#tiny:timeline("a", { by = "day", where = "source:Y" }), 1, "where narrows the documents, and so the range of days")
T.raises(function() tiny:timeline("a", { by = "fortnight" }) end, "by", "an unknown period raises")

-- Calendar periods: ISO weeks at year ends, gaps filled.
local function lab(y, m, dd, by) return period.label(period.days(y, m, dd), by) end
T.is(lab(2021, 1, 3, "week"), "2020-W53", "2021-01-03 (a Sunday) is in ISO week 2020-W53")
T.is(lab(2024, 12, 30, "week"), "2025-W01", "2024-12-30 (a Monday) is in 2025-W01")
T.is(lab(2024, 2, 29, "day"), "2024-02-29", "a leap day")
T.is(table.concat(period.range(period.days(2023, 11, 30), period.days(2024, 2, 1), "month"), ","),
  "2023-11,2023-12,2024-01,2024-02", "months from November to February")
T.is(#period.range(period.days(2023, 12, 25), period.days(2024, 1, 8), "week"), 3, "three ISO weeks")

-- Similar documents against a brute-force TF-IDF cosine.
db:add("tests/corpus/sample/", { quiet = true, source_from_dir = true })
local vec, df, N = {}, {}, 0
for doc in db:docs() do
  N = N + 1
  local v = {}
  for _, t in ipairs(lede.tokens(doc.text)) do
    if t.pos then v[t.term] = (v[t.term] or 0) + 1 end
  end
  for term in pairs(v) do df[term] = (df[term] or 0) + 1 end
  vec[doc.id] = v
end
local function weight(v)
  local w, n = {}, 0
  for term, tf in pairs(v) do w[term] = tf * math.log(N / df[term]); n = n + w[term] ^ 2 end
  return w, math.sqrt(n)
end
local function brute(id)
  local a, na = weight(vec[id])
  local out = {}
  for other, v in pairs(vec) do
    if other ~= id then
      local b, nb = weight(v)
      local dot = 0
      for term, x in pairs(a) do dot = dot + x * (b[term] or 0) end
      if dot > 0 then out[#out + 1] = { doc = other, score = dot / (na * nb) } end
    end
  end
  table.sort(out, function(x, y) return x.score > y.score or (x.score == y.score and x.doc < y.doc) end)
  return out
end
for _, id in ipairs({ 1, 12, 30 }) do
  local want, sim = brute(id), db:similar(id, { top = 5 })
  local same = #sim == 5
  for i = 1, 5 do
    if not sim[i] or sim[i].doc ~= want[i].doc or not near(sim[i].score, want[i].score) then same = false end
  end
  T.ok(same, "similar(" .. id .. "): the top 5 and their cosines equal a brute-force computation")
end
T.is(#db:similar(1, { top = 1000 }), #brute(1), "every document sharing a weighted term is listed")
T.ok(db:similar(99999) == nil, "an unknown document: nil, message")
T.done()
