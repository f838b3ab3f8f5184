-- who-said-what.lua: who is quoted, how often, by which outlets, saying what.
--
--   lede news.db scripts/who-said-what.lua [options]
--
-- Runs lede.grammar.quote over the corpus (or the documents a query
-- finds), ranks the speakers by the number of quotations, and prints each
-- one's quotations with outlet and date.  Exit status: 0; 1 when the
-- query is bad or nothing could be read; 2 for a usage error.
local usage = [[
usage: lede DB scripts/who-said-what.lua [options]

Speakers ranked by number of quotations, with the outlets quoting them and
their quotations.

options:
  --top N          speakers to list (default 15)
  --quotes N       quotations shown per speaker (default 5; 0 for none)
  --where QUERY    only documents matching QUERY (lede's query language)
  --speaker NAME   only this speaker (case-insensitive substring)
  --fragments      count short fragments (scare quotes) too
  --indirect       count indirect speech ("S said that ...") too
  --csv FILE       write every attributed quotation to FILE as CSV
  --save TABLE     save every quotation as table TABLE in the corpus
  -h, --help       this text]]

local opts = { top = 15, quotes = 5 }
local args = { ... }
local function fail(msg, code)
  io.stderr:write("who-said-what: ", msg, "\n")
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
  elseif a == "--top" then opts.top = tonumber(value()) or fail("--top needs a number")
  elseif a == "--quotes" then opts.quotes = tonumber(value()) or fail("--quotes needs a number")
  elseif a == "--where" then opts.where = value()
  elseif a == "--speaker" then opts.speaker = value():lower()
  elseif a == "--fragments" then opts.fragments = true
  elseif a == "--indirect" then opts.indirect = true
  elseif a == "--csv" then opts.csv = value()
  elseif a == "--save" then opts.save = value()
  else fail("unknown argument '" .. a .. "' (see --help)") end
  i = i + 1
end

local ok, rows = pcall(db.extract, db, lede.grammar.quote,
                       { where = opts.where, fields = { "source", "date" } })
if not ok then fail(tostring(rows):gsub("^.-extract: ", ""), 1) end

if opts.save then
  local saved, err = rows:save(opts.save)
  if not saved then fail("cannot save: " .. tostring(err), 1) end
end

-- The quotations that count: attributed, and of the kinds asked for.
local kept = {}
for _, r in ipairs(rows) do
  local kind_ok = r.kind == "direct" or (opts.fragments and r.kind == "fragment")
    or (opts.indirect and r.kind == "indirect")
  if r.speaker and kind_ok and (not opts.speaker or r.speaker:lower():find(opts.speaker, 1, true)) then
    kept[#kept + 1] = r
  end
end
kept = require("lede.result").new(kept, { "speaker", "role", "quote", "kind", "cue", "source", "date", "doc" },
                                  { db = db })
if opts.csv then
  local okc, err = pcall(kept.csv, kept, opts.csv)
  if not okc then fail("cannot write " .. opts.csv .. ": " .. tostring(err), 1) end
end

-- Speakers: quotations, outlets, the role most often given.
local by, order = {}, {}
for _, r in ipairs(kept) do
  local s = by[r.speaker]
  if not s then
    s = { speaker = r.speaker, quotes = 0, outlets = {}, roles = {}, rows = {} }
    by[r.speaker] = s
    order[#order + 1] = s
  end
  s.quotes = s.quotes + 1
  s.outlets[r.source or "?"] = (s.outlets[r.source or "?"] or 0) + 1
  if r.role then s.roles[r.role] = (s.roles[r.role] or 0) + 1 end
  s.rows[#s.rows + 1] = r
end
local function keys_by_count(t)
  local l = {}
  for k in pairs(t) do l[#l + 1] = k end
  table.sort(l, function(a, b) return t[a] > t[b] or (t[a] == t[b] and a < b) end)
  return l
end
local table_rows = {}
for _, s in ipairs(order) do
  local outlets = keys_by_count(s.outlets)
  table_rows[#table_rows + 1] = { speaker = s.speaker, role = keys_by_count(s.roles)[1] or "",
    quotes = s.quotes, outlets = #outlets, sources = table.concat(outlets, ", "), _s = s }
end
table.sort(table_rows, function(a, b)
  return a.quotes > b.quotes or (a.quotes == b.quotes and (a.outlets > b.outlets
    or (a.outlets == b.outlets and a.speaker < b.speaker)))
end)
for k = #table_rows, opts.top + 1, -1 do table_rows[k] = nil end

print(string.format("%d attributed quotations from %d speakers in %d documents%s\n", #kept, #order,
  getmetatable(rows).scanned.docs, opts.where and (" matching " .. opts.where) or ""))
if #table_rows == 0 then return end
local shown = {}
for k, r in ipairs(table_rows) do shown[k] = r end
print(require("lede.result").new(shown, { "speaker", "role", "quotes", "outlets", "sources" }, { db = db }))

if opts.quotes > 0 then
  for _, r in ipairs(table_rows) do
    print(string.format("\n%s (%d)", r.speaker, r.quotes))
    for k, q in ipairs(r._s.rows) do
      if k > opts.quotes then
        print(string.format("  ... and %d more", #r._s.rows - opts.quotes))
        break
      end
      print(string.format("  [%s, %s] “%s”", q.source or "?", (q.date or "?"):sub(1, 10),
        (q.quote:gsub("%s+", " "))))
    end
  end
end
