-- test_freq.lua: frequency lists (lower, stem and surface forms, where,
-- by) and concordance lines against a brute-force scan of lede.tokens
-- over every stored text.
local T = dofile("tests/lua/tap.lua")
db:add("tests/corpus/sample/", { quiet = true, source_from_dir = true })

local ALL = 1e9
local stem = lede.core.stem
local period = require "lede.period"

-- The scan: per group key, per form, {count, docs}; and token totals.
local function scan(keyof, set)
  local out, total = {}, {}
  for d in db:docs() do
    local g = keyof and keyof(d) or "all"
    if g and (not set or set[d.id]) then
      local forms = out[g] or { lower = {}, stem = {}, surface = {} }
      out[g] = forms
      local seen = { lower = {}, stem = {}, surface = {} }
      for _, t in ipairs(lede.tokens(d.text)) do
        if t.pos then
          total[g] = (total[g] or 0) + 1
          for form, key in pairs({ lower = t.term, stem = stem(t.term), surface = t.surface }) do
            local c = forms[form][key] or { count = 0, docs = 0 }
            forms[form][key] = c
            c.count = c.count + 1
            if not seen[form][key] then seen[form][key] = true; c.docs = c.docs + 1 end
          end
        end
      end
    end
  end
  return out, total
end

local function agree(rows, want, total, form, col)
  local n, bad = 0, nil
  for _, r in ipairs(rows) do
    local g = col and r[col] or "all"
    local c = want[g] and want[g][form][r.term]
    local pm = math.floor(r.count * 1e8 / total[g] + 0.5) / 100
    if not c or c.count ~= r.count or c.docs ~= r.docs or pm ~= r.per_million then
      bad = bad or string.format("%s %s: got %d/%d", g, r.term, r.count, r.docs)
    end
    n = n + 1
  end
  local expect = 0
  for _, forms in pairs(want) do for _ in pairs(forms[form]) do expect = expect + 1 end end
  if n ~= expect then bad = bad or string.format("%d rows, the scan has %d", n, expect) end
  if bad then io.write("# ", bad, "\n") end
  return bad == nil
end

local all, total = scan()
T.ok(agree(db:freq{ top = ALL }, all, total, "lower"), "lower: every term's count, docs and per_million equal the scan")
T.ok(agree(db:freq{ top = ALL, form = "stem" }, all, total, "stem"), "stem: Snowball stems added up, documents counted once per stem")
T.ok(agree(db:freq{ top = ALL, form = "surface" }, all, total, "surface"), "surface: the forms as written")
T.ok(agree(db:freq{ top = ALL, form = "lower", where = "dam OR river" }, select(1, scan(nil, (function()
  local s = {}
  for _, h in ipairs(db:search("dam OR river")) do s[h.doc] = true end
  return s end)())), select(2, scan(nil, (function()
  local s = {}
  for _, h in ipairs(db:search("dam OR river")) do s[h.doc] = true end
  return s end)())), "lower"), "where: only the documents the query matches")

local bysrc, tsrc = scan(function(d) return d.source or "(none)" end)
T.ok(agree(db:freq{ top = ALL, by = "source" }, bysrc, tsrc, "lower", "source"), "by = source: counts per outlet")
T.ok(agree(db:freq{ top = ALL, by = "source", form = "surface" }, bysrc, tsrc, "surface", "source"), "by = source, surface forms")
local bymonth, tmonth = scan(function(d)
  local z = period.parse(d.date)
  return z and period.label(z, "month") or "(undated)"
end)
T.ok(agree(db:freq{ top = ALL, by = "month", form = "stem" }, bymonth, tmonth, "stem", "month"), "by = month, stems")

-- The postings path (a cursor per term) counts what the texts give.
local function same_tally(a, b)
  local m = {}
  for i, t in ipairs(a.term) do m[a.group[i] .. " " .. t] = a.count[i] .. "/" .. a.docs[i] end
  for i, t in ipairs(b.term) do
    if m[b.group[i] .. " " .. t] ~= b.count[i] .. "/" .. b.docs[i] then return false end
  end
  return #a.term == #b.term and a.total[1] == b.total[1]
end
local map, names = require("lede.groups").by(db, "source")
T.ok(same_tally(db:_tally{ groups = map, ngroups = #names }, db:_tally{ groups = map, ngroups = #names, texts = true }),
  "by source: postings and texts agree")
T.ok(same_tally(db:_tally{ stem = "en" }, db:_tally{ stem = "en", texts = true }), "stems: postings and texts agree")

-- Options that filter.
local f = db:freq{ top = 5, by = "source", stopwords = "en", min = 3 }
local per, ok = {}, true
for _, r in ipairs(f) do
  per[r.source] = (per[r.source] or 0) + 1
  if r.count < 3 or lede.core.stopword("en", r.term) then ok = false end
end
for _, n in pairs(per) do if n > 5 then ok = false end end
T.ok(ok and next(per) ~= nil, "top per group, min and stopwords apply within each group")
T.is(f:columns()[1], "source", "the group column comes first")
local s = db:freq{ top = 3, form = "surface", pattern = "^%u" }
T.ok(#s == 3 and s[1].term:match("^%u") ~= nil, "pattern on surface forms (capitalised words)")
T.raises(function() db:freq{ form = "upper" } end, "form", "an unknown form raises")
local none, err = db:freq{ where = "dam AND" }
T.ok(none == nil and err:match("expected"), "a bad where query returns nil, message")

-- Concordance lines: one per occurrence the scan finds, at the same bytes.
local function kwic_scan(term)
  local lines = {}
  for d in db:docs() do
    for _, t in ipairs(lede.tokens(d.text)) do
      if t.pos and not t.compound and t.term == term then lines[#lines + 1] = d.id .. ":" .. t.start end
    end
  end
  return lines
end
for _, term in ipairs({ "dam", "veldora", "said" }) do
  local want, got = kwic_scan(term), {}
  for _, r in ipairs(db:kwic(term)) do got[#got + 1] = r.doc .. ":" .. r.start end
  T.is(table.concat(got, " "), table.concat(want, " "), "kwic '" .. term .. "': every occurrence, in order")
end
local lim = db:kwic("said", { limit = 7 })
T.is(#lim, 7, "kwic limit stops at 7 lines")
T.is(lim[7].start, db:kwic("said")[7].start, "the first 7 lines of the full concordance")
T.done()
