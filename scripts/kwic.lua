-- kwic.lua: a concordance of a query, written as CSV.
--
--   lede news.db scripts/kwic.lua QUERY [options]
--
-- One row per match: doc, date, source, title, left, match, right, start,
-- stop (byte offsets in the stored text).  Options:
--   -o FILE            write to FILE (default: standard output)
--   --width N          characters of context on each side (default 60)
--   --tokens N         N words of context instead of characters
--   --sort KEYS        comma-separated: R1, R2, L1, L2, match, date, source
--   --limit N          at most N rows
--   --sample N         a reproducible random sample of N rows
--   --where QUERY      only documents matching QUERY (e.g. source:tass)
-- Exit status: 0 when rows were written, 1 when nothing matched, 2 for a
-- usage error or a bad query.
local usage = [[
usage: lede DB scripts/kwic.lua QUERY [-o FILE] [--width N] [--tokens N]
         [--sort R1,R2] [--limit N] [--sample N] [--where QUERY]
A concordance of QUERY as CSV: doc, date, source, title, left, match,
right, start, stop.  Exit status: 0 rows written, 1 no match, 2 error.]]

local function die(msg)
  io.stderr:write("kwic: ", msg, "\n")
  os.exit(2)
end

local args, opts, query, out = { ... }, {}, nil, nil
local numeric = { width = true, tokens = true, limit = true, sample = true }
local i = 1
while i <= #args do
  local a = args[i]
  local name = a:match("^%-%-(%w+)$")
  if a == "--help" or a == "-h" then print(usage) os.exit(0)
  elseif a == "-o" then
    out = args[i + 1] or die("-o needs a file name")
    i = i + 1
  elseif name and (numeric[name] or name == "sort" or name == "where") then
    local v = args[i + 1] or die("--" .. name .. " needs a value")
    if numeric[name] then
      v = math.tointeger(tonumber(v))
      if not v or v < 0 then die("--" .. name .. " needs a whole number, got '" .. args[i + 1] .. "'") end
    elseif name == "sort" then
      local keys = {}
      for k in v:gmatch("[^,%s]+") do keys[#keys + 1] = k end
      v = keys
    end
    opts[name] = v
    i = i + 1
  elseif a:sub(1, 1) == "-" and #a > 1 then die("unknown option '" .. a .. "' (try --help)")
  elseif query then die("one query only (quote a phrase: '\"red line\"')")
  else query = a end
  i = i + 1
end
if not query then io.stderr:write(usage, "\n") os.exit(2) end
opts.width = opts.width or 60

local ok, rows, err = pcall(db.kwic, db, query, opts)
if not ok then die(tostring(rows):gsub("^.-:%d+: ", "")) end
if not rows then die(err) end
local r = require("lede.result").new(rows, { "doc", "date", "source", "title", "left", "match", "right",
                                             "start", "stop" }, { db = db })
if out then
  local okw, werr = r:csv(out)
  if not okw then die(werr) end
  io.stderr:write(string.format("kwic: %d lines to %s\n", #r, out))
else
  io.write(r:csv())
end
os.exit(#r > 0 and 0 or 1)
