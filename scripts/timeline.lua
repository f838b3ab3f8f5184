-- timeline.lua: what happened when, by the dates written in the articles.
--
--   lede news.db scripts/timeline.lua [options]
--
-- Runs lede.grammar.date over the corpus (or the documents a query
-- finds), resolves each date against its article's date ("on Tuesday",
-- "yesterday"), and prints the sentences ordered by the date they speak
-- of, with the outlet and the day the article was published.  Exit
-- status: 0; 1 when the query is bad or a file cannot be written; 2 for a
-- usage error.
local usage = [[
usage: lede DB scripts/timeline.lua [options]

Sentences ordered by the dates they mention, normalised to ISO 8601.

options:
  --where QUERY    only documents matching QUERY (lede's query language)
  --from DATE      only dates from DATE (YYYY, YYYY-MM or YYYY-MM-DD)
  --to DATE        only dates up to DATE
  --all            weeks, months and years too (default: days and times)
  --limit N        print at most N events (default 100)
  --width N        cut sentences to N characters (default 160; 0: whole)
  --csv FILE       write every event to FILE as CSV
  -h, --help       this text]]

local opts = { limit = 100, width = 160 }
local args = { ... }
local function fail(msg, code)
  io.stderr:write("timeline: ", msg, "\n")
  os.exit(code or 2)
end
local i = 1
while i <= #args do
  local a = args[i]
  local function value()
    i = i + 1
    if args[i] == nil then fail(a .. " needs a value") end
    return args[i]
  end
  if a == "-h" or a == "--help" then print(usage) os.exit(0)
  elseif a == "--where" then opts.where = value()
  elseif a == "--from" then opts.from = value()
  elseif a == "--to" then opts.to = value()
  elseif a == "--all" then opts.all = true
  elseif a == "--limit" then opts.limit = tonumber(value()) or fail("--limit needs a number")
  elseif a == "--width" then opts.width = tonumber(value()) or fail("--width needs a number")
  elseif a == "--csv" then opts.csv = value()
  else fail("unknown argument '" .. a .. "' (see --help)") end
  i = i + 1
end
for _, k in ipairs { "from", "to" } do
  if opts[k] and not (opts[k]:match("^%d%d%d%d$") or opts[k]:match("^%d%d%d%d%-%d%d$")
                      or opts[k]:match("^%d%d%d%d%-%d%d%-%d%d$")) then
    fail("--" .. k .. " needs a date: YYYY, YYYY-MM or YYYY-MM-DD")
  end
end

local D = lede.grammar.date
local ok, rows = pcall(db.extract, db, D, { where = opts.where, fields = { "source", "date" } })
if not ok then fail(tostring(rows):gsub("^.-extract: ", ""), 1) end

-- Where a period starts, as a sortable day: weeks by their Monday.
local function start_of(iso)
  local y, w = iso:match("^(%d%d%d%d)%-W(%d%d)$")
  if y then
    local jan4 = D.days_from_civil(tonumber(y), 1, 4)
    local monday = jan4 - (jan4 + 3) % 7 + 7 * (tonumber(w) - 1)
    return string.format("%04d-%02d-%02d", D.civil_from_days(monday))
  end
  return iso
end

local sentences = {}
local function sentence_of(doc, pos)
  local list = sentences[doc]
  if not list then
    list = lede.sentences(db:doc(doc).text)
    sentences[doc] = list
  end
  for _, s in ipairs(list) do
    if pos >= s.start and pos <= s.stop then return (s.text:gsub("%s+", " ")) end
  end
  return ""
end

local events, seen = {}, {}
for _, r in ipairs(rows) do
  local fine = r.precision == "day" or r.precision == "minute"
  local day = start_of(r.iso)
  local inside = (not opts.from or day:sub(1, #opts.from) >= opts.from)
    and (not opts.to or day:sub(1, #opts.to) <= opts.to)
  if (fine or opts.all) and inside and not r.iso:match("^%-%-") then
    local s = sentence_of(r.doc, r.start)
    local key = r.doc .. "\0" .. r.iso .. "\0" .. s
    if not seen[key] then
      seen[key] = true
      events[#events + 1] = { date = r.iso, precision = r.precision, kind = r.kind, said = r.text,
        source = r.source or "", published = (r.date or ""):sub(1, 10), doc = r.doc, sentence = s,
        _key = day }
    end
  end
end
table.sort(events, function(a, b)
  if a._key ~= b._key then return a._key < b._key end
  if a.date ~= b.date then return a.date < b.date end
  if a.published ~= b.published then return a.published < b.published end
  return a.doc < b.doc
end)

local result = require("lede.result").new(events,
  { "date", "precision", "kind", "said", "source", "published", "doc", "sentence" }, { db = db })
if opts.csv then
  local okc, err = pcall(result.csv, result, opts.csv)
  if not okc then fail("cannot write " .. opts.csv .. ": " .. tostring(err), 1) end
end

print(string.format("%d events from %d dates in %d documents%s\n", #events, #rows,
  getmetatable(rows).scanned.docs, opts.where and (" matching " .. opts.where) or ""))
local function cut(s)
  if opts.width <= 0 or utf8.len(s) == nil or utf8.len(s) <= opts.width then return s end
  return s:sub(1, utf8.offset(s, opts.width) - 1) .. "…"
end
local last
for k, e in ipairs(events) do
  if k > opts.limit then
    print(string.format("... and %d more (--limit)", #events - opts.limit))
    break
  end
  local head = e.date ~= last and e.date or ""
  last = e.date
  print(string.format("%-22s %s, %s (“%s”): %s", head, e.source, e.published, e.said, cut(e.sentence)))
end
