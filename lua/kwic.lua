-- kwic.lua: concordances (keyword in context) on the index.
--
-- db:kwic(q [, opts]) finds every match of a query and cuts its context
-- from the stored text: `width` characters on each side (never splitting a
-- UTF-8 sequence or a character from its combining marks), or `tokens`
-- words.  Rows {doc, title, source, date, left, match, right, start, stop}
-- sort by the words right or left of the match (R1, R2, L1, ...), the
-- match, the date or the source, and print with the match column aligned
-- and, on a terminal, highlighted.
local lede = require "lede"
local result = require "lede.result"
local core = lede.core
local utf8len, concat, format, rep, sort =
  utf8.len, table.concat, string.format, string.rep, table.sort

local M = {}

-- Sort keys: "R1", "R2", "L1", "match", "date", "source".  Words come
-- from lede.core.kwic_keys: the k-th word (a compound's parts, not the
-- whole; no punctuation) of the right context from its start or of the
-- left from its end, as lede.tokens splits them, and the term of the
-- match's first token.
local function sort_rows(rows, spec)
  if type(spec) == "string" then spec = { spec } end
  local keys = {}
  for i, s in ipairs(spec) do
    local side, k = s:match("^([RL])(%d+)$")
    if side then keys[i] = core.kwic_keys(rows, side == "R" and "right" or "left", tonumber(k), side == "L")
    elseif s == "match" then keys[i] = core.kwic_keys(rows, "match", 0, false)
    elseif s == "date" or s == "source" then
      local v = {}
      for j, r in ipairs(rows) do v[j] = r[s] or "" end
      keys[i] = v
    else error(format("bad sort key '%s' (R1, R2, L1, match, date or source)", s), 4) end
  end
  -- Strings compare byte by byte under the C collation (Lua's < is
  -- strcoll): then C sorts, with no Lua call per comparison.
  local coll = os.setlocale(nil, "collate")
  local order = (coll == "C" or coll == "POSIX") and core.kwic_order(rows, keys)
  if order then
    local copy = table.move(rows, 1, #rows, 1, {})
    for j, i in ipairs(order) do rows[j] = copy[i] end
    return
  end
  local cache = {}
  for j, r in ipairs(rows) do
    local v = {}
    for i = 1, #keys do v[i] = keys[i][j] end
    cache[r] = v
  end
  sort(rows, function(a, b)
    local x, y = cache[a], cache[b]
    for i = 1, #keys do if x[i] ~= y[i] then return x[i] < y[i] end end
    if a.doc ~= b.doc then return a.doc < b.doc end
    return a.start < b.start
  end)
end

-- A reproducible sample of n of the matches 1..total: their numbers in
-- ascending order (a fixed-seed shuffle, cut to n).
local function sample_indices(total, n, seed)
  local idx = {}
  for i = 1, total do idx[i] = i end
  local s = seed or 42
  for i = total, 2, -1 do
    s = (s * 1103515245 + 12345) % 2147483648
    local j = s % i + 1
    idx[i], idx[j] = idx[j], idx[i]
  end
  for i = total, n + 1, -1 do idx[i] = nil end
  sort(idx)
  return idx
end

-- Display width; plain ASCII (most context) without a walk over characters.
local cells = result.width

local function pad_left(s, w)
  local n = cells(s)
  if n >= w then return s end
  return rep(" ", w - n) .. s
end

-- The last w display cells of s, "…" first when cut.
local function tail_cells(s, w)
  if cells(s) <= w then return s end
  if not s:find("[\128-\255]") then return "…" .. s:sub(-(w - 1)) end
  local cps = {}
  for _, c in utf8.codes(s) do cps[#cps + 1] = c end
  local out, used = {}, 1
  for i = #cps, 1, -1 do
    local ch = utf8.char(cps[i])
    local cw = result.width(ch)
    if used + cw > w then break end
    out[#out + 1] = ch
    used = used + cw
  end
  local r = {}
  for i = #out, 1, -1 do r[#r + 1] = out[i] end
  return "…" .. concat(r)
end

-- The first w display cells of s, "…" last when cut.
local function head_cells(s, w)
  if cells(s) <= w then return s end
  if not s:find("[\128-\255]") then return s:sub(1, w - 1) .. "…" end
  return result.truncate(s, w)
end

-- Print as a concordance: left context right-aligned, the match in a
-- column of its own, every line fitted to the terminal width
-- (lede.core.kwic_lines; render_lua below is the same in Lua, which
-- tests/lua/test_kwic.lua holds it to).
-- The lines of a result db:kwic made that still hold them in C (see
-- held_result): result -> lede.core's lines.
local held = setmetatable({}, { __mode = "k" })

local function render(r, limit, width)
  if #r == 0 then return "(no matches)" end
  local n = math.min(#r, limit or 50)
  local out = core.kwic_lines(held[r] or r, n, width or result.termwidth(), core.isatty(1))
  if #r > n then return out .. format("… %d more lines", #r - n) end
  return out:sub(1, -2)
end
M.render = render

local function render_lua(r, limit, width)
  local rows = {}
  for i = 1, math.min(#r, limit or 50) do rows[i] = r[i] end
  if #r == 0 then return "(no matches)" end
  width = width or result.termwidth()
  local tty = lede.core.isatty(1)
  local lw, mw = 0, 0
  for _, row in ipairs(rows) do
    lw = math.max(lw, cells(row.left))
    mw = math.max(mw, cells(row.match))
  end
  -- doc column (6), two gaps of 2 around the match: the rest is context,
  -- the left side at most half of it.
  local room = math.max(10, width - 6 - 4 - 2 - math.min(mw, width // 3))
  lw = math.min(lw, room // 2)
  local rw = room - lw
  local out = {}
  for _, row in ipairs(rows) do
    local match = head_cells(row.match, width // 3)
    local m = tty and ("\27[1;31m" .. match .. "\27[0m") or match
    out[#out + 1] = (format("%6d  %s  %s  %s", row.doc, pad_left(tail_cells(row.left, lw), lw), m,
      head_cells(row.right, rw)):gsub("%s+$", ""))
  end
  if #r > #rows then out[#out + 1] = format("… %d more lines", #r - #rows) end
  return concat(out, "\n")
end
M.render_lua = render_lua

-- A field as result:csv() writes it, for values lede.core.csv leaves to Lua.
local function csv_field(v)
  return (result.new({ { v = v } }, { "v" }):csv():match("^v\r\n(.*)\r\n$"))
end

local COLUMNS = { "doc", "title", "source", "date", "left", "match", "right", "start", "stop" }

-- Matches come from the index document by document in id order and
-- db:_kwic cuts the rows in C; with a limit and no sort or sample the
-- search stops once it has enough lines, so a concordance of a common
-- word costs what its first lines cost.
-- The documents opts.where allows (a set, or nil for all) after checking
-- opts.tokens; false and a message for a bad where.  fname names the
-- caller's caller's function in an error.
local function documents(db, opts, fname)
  local set, err
  if opts.where ~= nil then   -- lede.groups loads only for a where
    set, err = require("lede.groups").where(db, opts.where)
    if not set then return false, err end
  end
  if opts.tokens ~= nil and (math.type(opts.tokens) ~= "integer" or opts.tokens < 0) then
    error("bad option 'tokens' to '" .. fname .. "' (a whole number of words >= 0 expected)", 4)
  end
  return true, set
end

-- print and csv on a concordance: from the lines in C while it holds them.
local own = setmetatable({
  print = function(x, n) io.write(render(x, n), "\n") end,
  csv = function(x, path)
    local text = held[x] and core.kwic_csv(held[x], csv_field) or core.csv(x, COLUMNS, csv_field)
    if path == nil then return text end
    local f, ferr = io.open(path, "wb")
    if not f then return nil, ferr end
    local ok, werr = f:write(text)
    local cok, cerr = f:close()
    if not ok then return nil, werr end
    if not cok then return nil, cerr end
    return path
  end,
}, { __index = result.methods })

-- A concordance whose lines stay in C (db:_kwic's lazy lines) until
-- something other than print, tostring or csv looks at them: the first
-- row, #, pairs or a write into the table makes every Lua row at once
-- (lede.core.kwic_rows), and it is an ordinary result from then on.
-- Printing 1000 lines no longer makes 1000 tables and 3000 strings, which
-- cost more than cutting the lines.  (rawlen and next see no rows until
-- then.)
local function held_result(lines, db, q)
  local r = result.new({}, COLUMNS, { db = db, title = q })
  local mt = getmetatable(r)
  held[r] = lines
  local function rows(t)
    local x = held[t]
    if x then
      held[t] = nil
      core.kwic_rows(x, t)
    end
  end
  mt.__tostring = function(x) return render(x) end
  mt.__index = function(t, k)
    if held[t] and type(k) ~= "string" then
      rows(t)
      return rawget(t, k)
    end
    return own[k]
  end
  mt.__len = function(t)
    local x = held[t]
    if x then return core.kwic_count(x) end
    return rawlen(t)
  end
  mt.__newindex = function(t, k, v)
    rows(t)
    rawset(t, k, v)
  end
  mt.__pairs = function(t)
    rows(t)
    return next, t, nil
  end
  return r
end

function M.kwic(db, q, opts)
  opts = opts or {}
  local ok, set = documents(db, opts, "kwic")
  if not ok then return nil, set end
  local early = opts.limit and not opts.sort and not opts.sample
  -- a sample is drawn from the positions, before any text is read
  local pick = opts.sample and function(total)
    if opts.sample < total then return sample_indices(total, opts.sample, opts.seed) end
  end
  local rows, qerr = db:_kwic(q, { docs = set, limit = early and opts.limit or nil, width = opts.width or 40,
                                   tokens = opts.tokens, max_expansion = opts.max_expansion, pick = pick,
                                   lazy = not opts.sort })
  if not rows then return nil, qerr end
  if not opts.sort then
    if opts.limit then core.kwic_count(rows, opts.limit) end
    return held_result(rows, db, q)
  end
  sort_rows(rows, opts.sort)
  if opts.limit then for i = #rows, opts.limit + 1, -1 do rows[i] = nil end end
  local r = result.new(rows, COLUMNS, { db = db, title = q })
  local mt = getmetatable(r)
  mt.__tostring = function(x) return render(x) end
  mt.__index = own
  return r
end

-- kwic_csv(db, q, out [, opts]): the concordance written to out (a path or
-- an open file) as CSV, the columns of db:kwic's rows, as each document is
-- cut: memory stays flat however many lines.  A sort or a sample needs
-- every line first, so it goes through db:kwic and result:csv().  Returns
-- the number of lines, or nil and a message.
function M.kwic_csv(db, q, out, opts)
  opts = opts or {}
  if type(out) ~= "string" and io.type(out) ~= "file" then
    error("bad argument #2 to 'kwic_csv' (path or open file expected, got " .. type(out) .. ")", 3)
  end
  local stream = not (opts.sort or opts.sample)
  local ok, set
  if stream then     -- a bad option or where is said before any file is made
    ok, set = documents(db, opts, "kwic_csv")
    if not ok then return nil, set end
  end
  local f, close = out, false
  if type(out) == "string" then
    local ferr
    f, ferr = io.open(out, "wb")
    if not f then return nil, ferr end
    close = true
  end
  local n, err
  if stream then
    n, err = db:_kwic(q, { docs = set, limit = opts.limit, width = opts.width or 40, tokens = opts.tokens,
                           max_expansion = opts.max_expansion, csv = f, fallback = csv_field })
    if not n then err = err or "bad query" end
  else
    local r
    r, err = M.kwic(db, q, opts)
    if r then
      local wok, werr = f:write(r:csv())
      if wok then n = #r else err = werr end
    end
  end
  if close then
    local cok, cerr = f:close()
    if n and not cok then n, err = nil, cerr end
  end
  if not n then return nil, err end
  return n
end

return M
