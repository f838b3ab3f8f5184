-- overview.lua: what is in a corpus, at a glance.
--
--   lede news.db scripts/overview.lua [--top N] [--by day|week|month|year]
--
-- Prints, for someone meeting a corpus for the first time: its size and
-- dates; each outlet with its documents, words and dates, and when it
-- published (a sparkline per outlet); the most frequent words and word
-- pairs; the words typical of each outlet (keyness against the others);
-- how the top words ran over time; and the top word in context.  The
-- period of the timelines follows the span of the dates unless --by says.
-- Exit status: 0, or 2 for a usage error.
local plot = require "lede.plot"
local period = require "lede.period"
local format = string.format

local top, by = 15, nil
local args = { ... }
local i = 1
local function usage_error(msg)
  io.stderr:write("overview: ", msg, " (try --help)\n")
  os.exit(2)
end
while i <= #args do
  local a = args[i]
  if a == "--help" or a == "-h" then
    print("usage: lede DB scripts/overview.lua [--top N] [--by day|week|month|year]")
    print("Outlets, dates, frequent words and word pairs, each outlet's typical words,")
    print("timelines of the top words and the top word in context.")
    os.exit(0)
  elseif a == "--top" then
    top = math.tointeger(tonumber(args[i + 1] or ""))
    if not top or top < 1 then usage_error("--top needs a whole number") end
    i = i + 1
  elseif a == "--by" then
    by = args[i + 1]
    if not period.kinds[by or ""] then usage_error("--by takes day, week, month or year") end
    i = i + 1
  else
    usage_error("unknown argument '" .. a .. "'")
  end
  i = i + 1
end

local width = math.min(require("lede.result").termwidth(), 90)
local function heading(s) print("\n" .. s .. "\n" .. string.rep("─", math.min(#s, width))) end
local function thousands(n)
  local s = tostring(n)
  while true do
    local t, k = s:gsub("^(%d+)(%d%d%d)", "%1,%2")
    s = t
    if k == 0 then return s end
  end
end

local n = db:count()
if n == 0 then print(format("Corpus %s: no documents", db:path())) return end
local lens = db:_doclens()
local words = 0
for _, l in pairs(lens) do words = words + l end
local span = db:sql("select min(date) a, max(date) b, count(date) d, count(distinct source) s from docs")[1]
print(format("Corpus %s: %s documents, %s words, from %d outlet%s", db:path(), thousands(n),
  thousands(words), span.s, span.s == 1 and "" or "s"))
print(format("Dates: %s to %s (%d of %d documents dated)",
  span.a and span.a:sub(1, 10) or "?", span.b and span.b:sub(1, 10) or "?", span.d, n))

-- The period for timelines: days for two months, weeks for two years...
local first, last = period.parse(span.a), period.parse(span.b)
if not by and first then
  local days = last - first
  by = days <= 62 and "day" or days <= 730 and "week" or days <= 3650 and "month" or "year"
end

heading("Outlets")
local outlets = db:sql([[select coalesce(source, '(no source)') as outlet, count(*) as docs,
  substr(min(date), 1, 10) as first, substr(max(date), 1, 10) as last
  from docs group by 1 order by docs desc, outlet]])
local wsum = {}
for _, r in ipairs(db:sql("select id, coalesce(source, '(no source)') s from docs")) do
  wsum[r.s] = (wsum[r.s] or 0) + (lens[r.id] or 0)
end
for _, r in ipairs(outlets) do r.words = wsum[r.outlet] or 0 end
-- When each outlet published: documents per period, one sparkline each.
if first then
  local labels = period.range(first, last, by)
  local index = {}
  for k, l in ipairs(labels) do index[l] = k end
  local perout = {}
  for _, r in ipairs(db:sql("select coalesce(source, '(no source)') s, date from docs where date is not null")) do
    local z = period.parse(r.date)
    if z then
      local v = perout[r.s] or {}
      perout[r.s] = v
      local k = index[period.label(z, by)]
      v[k] = (v[k] or 0) + 1
    end
  end
  local cells = math.max(8, width - 70)
  for _, r in ipairs(outlets) do
    local v = perout[r.outlet] or {}
    for k = 1, #labels do v[k] = v[k] or 0 end
    r["per " .. by] = (plot.sparkline(v, cells))
  end
  outlets = require("lede.result").new(outlets, { "outlet", "docs", "words", "first", "last", "per " .. by })
  print(outlets)
  print(format("(%s %s … %s, one cell per %s%s)", "per " .. by, labels[1], labels[#labels], by,
    #labels > cells and " or more" or ""))
else
  print(require("lede.result").new(outlets, { "outlet", "docs", "words", "first", "last" }))
end

heading("Most frequent words (English stopwords left out)")
local freq = db:freq{ top = top, stopwords = "en", pattern = "%a" }
freq:plot{ width = math.min(width, 72), n = top }

if db.ngrams then
  heading("Most frequent word pairs")
  local ok, pairs_ = pcall(db.ngrams, db, { n = 2, top = top, stopwords = "en" })
  if ok and pairs_ then
    pairs_:plot{ width = math.min(width, 72), n = top, label = "ngram", value = "count" }
  else
    print("(word pairs unavailable)")
  end
end

-- Keyness against the other outlets, stopwords and the outlet's own name
-- (bylines) left out: what sets each outlet apart.
if db.keyness and span.s > 1 then
  heading("Words typical of each outlet (log-likelihood against the other outlets, p < 0.01)")
  local stop = lede.core.stopword
  for _, r in ipairs(outlets) do
    if r.outlet ~= "(no source)" then
      local own = {}
      for _, t in ipairs(lede.tokens(r.outlet)) do own[t.term] = true end
      local ok, k = pcall(db.keyness, db, { target = format('source:"%s"', r.outlet:gsub('"', "")),
                                            top = 40, p = 0.01 })
      local list = {}
      if ok and k then
        for _, x in ipairs(k) do
          if x.key == "+" and #list < 8 and not stop("en", x.term) and not own[x.term] and x.term:find("%a") then
            list[#list + 1] = x.term
          end
        end
      end
      print(format("  %-26s %s", require("lede.result").truncate(r.outlet, 26),
        #list > 0 and table.concat(list, ", ") or "(nothing stands out)"))
    end
  end
end

if first and freq[1] then
  heading(format("The top words over time (mentions per %s)", by))
  local gw = 0
  for k = 1, math.min(5, #freq) do gw = math.max(gw, #freq[k].term) end
  local cells = math.max(10, width - gw - 20)
  for k = 1, math.min(5, #freq) do
    local t = db:timeline(freq[k].term, { by = by })
    local v = {}
    for j, row in ipairs(t) do v[j] = row.count end
    local line = plot.sparkline(v, cells)
    local at = 1
    for j = 2, #v do if v[j] > v[at] then at = j end end
    print(format("  %-" .. gw .. "s  %s  peak %d (%s)", freq[k].term, line, v[at] or 0, t[at] and t[at].period or "?"))
  end
end

if freq[1] then
  heading(format("The top word in context (%s; a sample of 8)", freq[1].term))
  print(db:kwic(freq[1].term, { width = 35, sample = 8 }))
end
