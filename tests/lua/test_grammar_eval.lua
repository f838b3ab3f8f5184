-- test_grammar_eval.lua: precision and recall of lede.grammar.quote and
-- lede.grammar.date against hand labels (tests/fixtures/grammar): the
-- sample corpus, and invented articles written for this test.
--
-- Quotes: a prediction is a quotation the grammar gives a speaker; it is
-- right when a labelled quotation starts inside its span and has that
-- speaker.  Recall counts the labelled quotations that have a named
-- speaker.  Dates: a prediction is right when it overlaps a labelled date
-- expression with the same ISO value.  The bars: quotes P >= 0.9,
-- R >= 0.85; dates P >= 0.95, R >= 0.9.
local T = dofile("tests/lua/tap.lua")
local Q, D = lede.grammar.quote, lede.grammar.date

local function load(dirs, prefix)
  local db = lede.open(":memory:")
  for _, d in ipairs(dirs) do db:add(prefix .. d, { quiet = true, source_from_dir = true, boilerplate = false }) end
  return db
end

-- Where each label starts: searched in text order from the last one.
local function locate(text, labels, what, key)
  local out, from = {}, 1
  for i, l in ipairs(labels) do
    local s = text:find(l[1], from, true)
    T.ok(s ~= nil, what .. " label found in the text: " .. key .. " #" .. i .. " " .. l[1])
    if s then
      out[#out + 1] = { start = s, stop = s + #l[1] - 1, value = l[2], text = l[1] }
      from = s + 1
    end
  end
  return out
end

local function by_doc(rows)
  local t = {}
  for _, r in ipairs(rows) do
    t[r.doc] = t[r.doc] or {}
    table.insert(t[r.doc], r)
  end
  return t
end

local function key_of(doc, prefix)
  return (doc.uri:gsub("^" .. prefix:gsub("%p", "%%%0"), ""))
end

-- Counts for one corpus: {qtp, qpred, qgold, dtp, dpred, dgold}.
local function evaluate(db, labels, prefix, misses)
  local c = { qtp = 0, qpred = 0, qgold = 0, dtp = 0, dpred = 0, dgold = 0 }
  local quotes = by_doc(db:extract(Q))
  local dates = by_doc(db:extract(D))
  for doc in db:docs() do
    local key = key_of(doc, prefix)
    local lab = labels[key]
    T.ok(lab ~= nil, "labels for " .. key)
    if lab then
      local ql = locate(doc.text, lab.quotes, "quote", key)
      local used = {}
      for _, l in ipairs(ql) do if l.value then c.qgold = c.qgold + 1 end end
      for _, r in ipairs(quotes[doc.id] or {}) do
        if r.speaker and r.kind ~= "indirect" then
          c.qpred = c.qpred + 1
          local ok = false
          for i, l in ipairs(ql) do
            if not used[i] and l.start >= r.start and l.start <= r.stop then
              used[i] = true
              ok = (l.value == r.speaker)
              break
            end
          end
          if ok then c.qtp = c.qtp + 1
          else misses[#misses + 1] = key .. ": quote " .. r.quote:sub(1, 40) .. " -> " .. r.speaker end
        end
      end
      for i, l in ipairs(ql) do
        if l.value and not used[i] then misses[#misses + 1] = key .. ": missed quote " .. l.text .. " (" .. l.value .. ")" end
      end
      local dl = locate(doc.text, lab.dates, "date", key)
      c.dgold = c.dgold + #dl
      local dused = {}
      for _, r in ipairs(dates[doc.id] or {}) do
        c.dpred = c.dpred + 1
        local ok = false
        for i, l in ipairs(dl) do
          if not dused[i] and l.start <= r.stop and l.stop >= r.start and l.value == r.iso then
            dused[i] = true
            ok = true
            break
          end
        end
        if ok then c.dtp = c.dtp + 1
        else misses[#misses + 1] = key .. ": date " .. r.text .. " -> " .. tostring(r.iso) end
      end
      for i, l in ipairs(dl) do
        if not dused[i] then misses[#misses + 1] = key .. ": missed date " .. l.text .. " (" .. l.value .. ")" end
      end
    end
  end
  return c
end

local function ratio(a, b) return b > 0 and a / b or 0 end

local misses = {}
local sample = evaluate(load({ "northgate-wire", "vta", "ilvra-courier", "daily-clarion", "newspulse24", "feeds" },
                             "tests/corpus/sample/"),
                        dofile("tests/fixtures/grammar/labels.lua"), "tests/corpus/sample/", misses)
local extra = evaluate(load({ "articles" }, "tests/fixtures/grammar/"),
                       dofile("tests/fixtures/grammar/articles-labels.lua"),
                       "tests/fixtures/grammar/articles/", misses)
for _, m in ipairs(misses) do T.diag(m) end

local all = {}
for k, v in pairs(sample) do all[k] = v + extra[k] end
local function report(name, c)
  io.write(string.format("## %s: quotes with speaker P %.3f (%d/%d) R %.3f (%d/%d); dates with ISO P %.3f (%d/%d) R %.3f (%d/%d)\n",
    name, ratio(c.qtp, c.qpred), c.qtp, c.qpred, ratio(c.qtp, c.qgold), c.qtp, c.qgold,
    ratio(c.dtp, c.dpred), c.dtp, c.dpred, ratio(c.dtp, c.dgold), c.dtp, c.dgold))
end
report("grammar sample corpus", sample)
report("grammar invented articles", extra)
report("grammar all labelled", all)
T.ok(all.qgold >= 150 and all.dgold >= 150, "the fixture labels enough quotations and dates")
T.ok(ratio(all.qtp, all.qpred) >= 0.9, "quotes: precision with the right speaker >= 0.9")
T.ok(ratio(all.qtp, all.qgold) >= 0.85, "quotes: recall with the right speaker >= 0.85")
T.ok(ratio(all.dtp, all.dpred) >= 0.95, "dates: precision with the right ISO value >= 0.95")
T.ok(ratio(all.dtp, all.dgold) >= 0.9, "dates: recall with the right ISO value >= 0.9")
T.done()
