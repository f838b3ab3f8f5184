-- result.lua -- module "lede.result": the tables every query and analysis
-- returns.
--
-- A result is a plain Lua list of rows, each row a table keyed by column
-- name, so ordinary Lua (ipairs, #r, r[1].speaker) works on it.  What makes
-- it a result is a per-instance metatable holding the column order, the
-- corpus it came from and a title; the methods (sort, filter, csv, save...)
-- come through __index.  Methods that transform return new results and
-- never change the receiver.
--
-- Rendering is for a terminal: an aligned table fitted to the width,
-- numbers right-aligned, widths counted in characters (wide CJK as two),
-- long cells cut with "…" on a character boundary.

local type, tostring, tonumber, pairs, ipairs = type, tostring, tonumber, pairs, ipairs
local setmetatable, getmetatable, rawget, pcall, error, require = setmetatable, getmetatable, rawget, pcall, error, require
local sort, concat, move, unpack = table.sort, table.concat, table.move, table.unpack
local format, rep = string.format, string.rep
local mathtype, huge, floor, max, min = math.type, math.huge, math.floor, math.max, math.min
local utf8codes, utf8char, utf8len = utf8.codes, utf8.char, utf8.len
local open, write, getenv = io.open, io.write, os.getenv

local M = {}
local methods = {}
M.methods = methods  -- for lede.help, which finds functions by value

local ROWS_SHOWN = 20

-- ---------------------------------------------------------------------------
-- Construction

local function meta(t)
  local mt = getmetatable(t)
  if type(mt) == "table" and rawget(mt, "__name") == "lede.result" then return mt end
  return nil
end

--- is(t) -> true when t is a result table.
function M.is(t)
  return type(t) == "table" and meta(t) ~= nil
end

-- Columns in order of first appearance; keys within a row sorted, since
-- pairs() has no order.
local function infer_columns(rows)
  local cols, seen = {}, {}
  for _, row in ipairs(rows) do
    local keys = {}
    for k in pairs(row) do
      if type(k) == "string" and not seen[k] then keys[#keys + 1] = k end
    end
    sort(keys)
    for _, k in ipairs(keys) do seen[k] = true; cols[#cols + 1] = k end
  end
  return cols
end

local render, is_null  -- forward

--- new(rows, columns, opts) -> rows, now a result.
-- rows: list of row tables keyed by column name (rows given as positional
-- lists are converted using columns).  columns: list of names, inferred
-- from the rows when nil.  opts: db (the corpus, for :save), title.
function M.new(rows, columns, opts)
  rows = rows or {}
  opts = opts or {}
  if type(rows) ~= "table" then error("bad argument #1 to 'new' (table expected)", 2) end
  if columns then
    for _, row in ipairs(rows) do
      if rawget(row, 1) ~= nil and rawget(row, columns[1]) == nil then
        for i, c in ipairs(columns) do row[c] = row[i]; row[i] = nil end
      end
    end
  else
    columns = infer_columns(rows)
  end
  return setmetatable(rows, {
    __index = methods, __name = "lede.result", __tostring = function(r) return render(r) end,
    columns = move(columns, 1, #columns, 1, {}), db = opts.db, title = opts.title,
  })
end

-- A new result over rows with the same columns, corpus and title as r.
local function derive(r, rows)
  local mt = meta(r)
  local out = M.new(rows, mt.columns, { db = mt.db, title = mt.title })
  getmetatable(out).plot = mt.plot   -- how to draw it (lede.plot)
  return out
end

-- lede.json's null sentinel, found in decoded metadata: an empty cell.
function is_null(v)
  local mt = type(v) == "table" and getmetatable(v)
  return type(mt) == "table" and rawget(mt, "__name") == "json.null"
end

local function check(r, name)
  if not meta(r) then
    error(format("bad self to '%s' (result expected, got %s)", name, type(r)), 3)
  end
  return meta(r)
end

-- ---------------------------------------------------------------------------
-- Transformations

--- :columns() -> list of column names.
function methods.columns(r)
  local cols = check(r, "columns").columns
  return move(cols, 1, #cols, 1, {})
end

-- Order for sorting mixed cells: numbers, then strings, then booleans,
-- then anything else; nil last.
local rank = { number = 1, string = 2, boolean = 3 }
local function cmp(a, b)
  if a == b then return 0 end
  if a == nil then return 1 end
  if b == nil then return -1 end
  local ta, tb = type(a), type(b)
  if ta ~= tb then return (rank[ta] or 4) < (rank[tb] or 4) and -1 or 1 end
  if ta == "number" or ta == "string" then return a < b and -1 or 1 end
  if ta == "boolean" then return a and 1 or -1 end
  a, b = tostring(a), tostring(b)
  return a < b and -1 or (a > b and 1 or 0)
end

--- :sort(col [, desc]) -> new result, stable.  col: a column name or a
-- list of names (multi-level); desc: boolean, or a list matching col.
function methods.sort(r, col, desc)
  local mt = check(r, "sort")
  local cols = type(col) == "table" and col or { col }
  if #cols == 0 then error("bad argument #1 to 'sort' (column name expected)", 2) end
  local down = {}
  for i, c in ipairs(cols) do
    if type(c) ~= "string" then error("bad argument #1 to 'sort' (column name expected)", 2) end
    local known = false
    for _, k in ipairs(mt.columns) do if k == c then known = true end end
    if not known then error(format("bad argument #1 to 'sort' (no column '%s')", c), 2) end
    if type(desc) == "table" then down[i] = desc[i] and true or false
    else down[i] = desc and true or false end
  end
  local idx = {}
  for i = 1, #r do idx[i] = i end
  sort(idx, function(i, j)
    local a, b = r[i], r[j]
    for k, c in ipairs(cols) do
      local x, y = a[c], b[c]
      local d = cmp(x, y)
      if d ~= 0 then
        if down[k] and x ~= nil and y ~= nil then return d > 0 end
        return d < 0  -- empty cells stay last either way
      end
    end
    return i < j  -- stability
  end)
  local rows = {}
  for i, k in ipairs(idx) do rows[i] = r[k] end
  return derive(r, rows)
end

--- :filter(fn) -> new result with the rows for which fn(row) is true.
function methods.filter(r, fn)
  check(r, "filter")
  if type(fn) ~= "function" then error("bad argument #1 to 'filter' (function expected)", 2) end
  local rows = {}
  for _, row in ipairs(r) do
    if fn(row) then rows[#rows + 1] = row end
  end
  return derive(r, rows)
end

--- :top(n) -> new result with the first n rows.
function methods.top(r, n)
  check(r, "top")
  n = n or 10
  if type(n) ~= "number" then error("bad argument #1 to 'top' (number expected)", 2) end
  local rows = {}
  for i = 1, min(n, #r) do rows[i] = r[i] end
  return derive(r, rows)
end

-- ---------------------------------------------------------------------------
-- Display widths

-- Wide (two-cell) and zero-width ranges; enough for CJK, Hangul, emoji
-- and combining accents, which is what corpora of news text contain.
local wide = {
  {0x1100, 0x115F}, {0x2E80, 0x303E}, {0x3041, 0x33FF}, {0x3400, 0x4DBF},
  {0x4E00, 0x9FFF}, {0xA000, 0xA4CF}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF},
  {0xFE30, 0xFE4F}, {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F},
  {0x1F900, 0x1F9FF}, {0x20000, 0x3FFFD},
}
local zero = {
  {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A},
  {0x064B, 0x065F}, {0x200B, 0x200F}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
  {0xFE20, 0xFE2F},
}
local function in_ranges(c, ranges)
  for _, rg in ipairs(ranges) do
    if c < rg[1] then return false end
    if c <= rg[2] then return true end
  end
  return false
end

local function cwidth(c)
  if c < 0x300 then return 1 end
  if in_ranges(c, zero) then return 0 end
  if in_ranges(c, wide) then return 2 end
  return 1
end

-- Make s safe to place in a table cell: valid UTF-8 (bad bytes become
-- U+FFFD) with no control characters (newlines become "↵").
local function clean(s)
  if not utf8len(s) then
    local out, i = {}, 1
    while i <= #s do
      local ok, n = pcall(utf8len, s, i, i)
      local j = i
      if ok and n then  -- a valid sequence starts at i: find its length
        j = i + 1
        while j <= #s and s:byte(j) >= 0x80 and s:byte(j) < 0xC0 do j = j + 1 end
        out[#out + 1] = s:sub(i, j - 1)
      else
        out[#out + 1] = "\u{FFFD}"
        j = i + 1
      end
      i = j
    end
    s = concat(out)
  end
  return (s:gsub("\r?\n", "↵"):gsub("%c", " "))
end

-- Lead bytes of characters that may be zero-width or wide: combining
-- marks (U+0300.., Hebrew, Arabic), U+1000.. and U+3000..; U+2000..U+2FFF
-- (E2) is mostly width 1 (quotes, dashes) and checked apart.
local MAYBE_ODD = "[\204\205\210\214\216\217\225\227-\255]"
local ODD_E2 = { "\226\128[\139-\143]", "\226\131", "\226[\186-\191]" }

local function dwidth(s)
  if not s:find("[\128-\255]") then return #s end
  if not s:find(MAYBE_ODD) then
    local plain = true
    for _, p in ipairs(ODD_E2) do if s:find(p) then plain = false break end end
    local n = plain and utf8len(s)
    if n then return n end
  end
  local w = 0
  for _, c in utf8codes(s) do w = w + cwidth(c) end
  return w
end
M.width = dwidth

-- s cut to display width w at most, ending in "…" when cut.
local function truncate(s, w)
  if dwidth(s) <= w then return s end
  if w <= 0 then return "" end
  local out, used = {}, 0
  for _, c in utf8codes(s) do
    local cw = cwidth(c)
    if used + cw > w - 1 then break end
    out[#out + 1] = utf8char(c)
    used = used + cw
  end
  return (concat(out):gsub("%s+$", "")) .. "…"
end
M.truncate = truncate

-- ---------------------------------------------------------------------------
-- Rendering

local function termwidth()
  local w = tonumber(getenv("COLUMNS") or "")
  if w and w > 0 then return floor(w) end
  local ok, core = pcall(require, "lede.core")
  if ok and type(core) == "table" and type(core.termwidth) == "function" then
    local ok2, cw = pcall(core.termwidth)
    if ok2 and type(cw) == "number" and cw > 0 then return floor(cw) end
  end
  return 100
end
M.termwidth = termwidth

-- Floats: four decimals at most (four significant digits below 1), no
-- trailing zeros; integers as they are.
local function number_text(x)
  if mathtype(x) == "integer" then return tostring(x) end
  if x ~= x then return "nan" end
  if x == huge then return "inf" end
  if x == -huge then return "-inf" end
  local a = x < 0 and -x or x
  local s
  if a >= 1e15 or (a < 1e-4 and a > 0) then s = format("%.4g", x)
  elseif a < 1 then s = format("%.4g", x)
  else s = format("%.4f", x) end
  if s:find("%.") and not s:find("e") then s = s:gsub("0+$", ""):gsub("%.$", "") end
  if s == "-0" then s = "0" end
  return s
end
M.number_text = number_text

local pretty
local function cell_text(v)
  local t = type(v)
  if v == nil or is_null(v) then return "" end
  if t == "number" then return number_text(v) end
  if t == "string" then return clean(v) end
  if t == "table" and not M.is(v) then
    pretty = pretty or require("lede.pretty")
    return clean(pretty.format(v, { depth = 2, width = huge }))
  end
  return clean(tostring(v))
end

local function plural(n, word)
  return format("%d %s%s", n, word, n == 1 and "" or "s")
end

local function pad(s, w, right)
  local fill = rep(" ", w - dwidth(s))
  if right then return fill .. s end
  return s .. fill
end

-- The largest cap c such that sum(min(want[i], c)) <= avail, or nil.
local function fit_cap(want, avail, minw)
  local lo, hi = minw, 0
  for _, w in ipairs(want) do if w > hi then hi = w end end
  if hi <= lo then hi = lo end
  local function total(c)
    local s = 0
    for _, w in ipairs(want) do s = s + (w < c and w or c) end
    return s
  end
  if total(hi) <= avail then return hi end
  if total(lo) > avail then return nil end
  while lo < hi do  -- total(lo) fits, find the largest fitting cap
    local mid = (lo + hi + 1) // 2
    if total(mid) <= avail then lo = mid else hi = mid - 1 end
  end
  return lo
end

local MIN_CELL = 6
local SEP = "  "

-- Columns to show and their widths within width: shrink the widest text
-- columns first (numeric columns keep their width: a cut number is a
-- wrong number), and drop trailing columns if even narrow ones do not fit.
local function layout(want, fixed, width)
  local ncols = #want
  while ncols > 0 do
    local flexible, avail = {}, width - #SEP * (ncols - 1)
    for j = 1, ncols do
      if fixed[j] then avail = avail - want[j] else flexible[#flexible + 1] = want[j] end
    end
    local cap = avail >= 0 and fit_cap(flexible, avail, MIN_CELL)
    if cap then
      local out = {}
      for j = 1, ncols do
        out[j] = (not fixed[j] and want[j] > cap) and cap or want[j]
      end
      return out, ncols
    end
    ncols = ncols - 1
  end
  return { width }, 1  -- one column, cut to the width
end

--- render(r [, n [, width]]) -> string: the terminal rendering of r with
-- at most n rows (20 by default).
function render(r, n, width)
  local mt = check(r, "render")
  n = n or ROWS_SHOWN
  width = width or termwidth()
  local lines = {}
  if mt.title then lines[1] = clean(tostring(mt.title)) end
  local cols = mt.columns
  if #r == 0 or #cols == 0 then
    lines[#lines + 1] = "(no rows)"
    return concat(lines, "\n")
  end
  local shown = #r < n and #r or n
  local cells, numeric, want = {}, {}, {}
  for j, c in ipairs(cols) do
    want[j] = dwidth(clean(c))
    numeric[j] = true
  end
  for i = 1, shown do
    local row, out = r[i], {}
    for j, c in ipairs(cols) do
      local v = row[c]
      local s = cell_text(v)
      out[j] = { s, type(v) == "number" }
      if v ~= nil and type(v) ~= "number" then numeric[j] = false end
      local w = dwidth(s)
      if w > want[j] then want[j] = w end
    end
    cells[i] = out
  end
  local widths, ncols = layout(want, numeric, width)

  local function line(get)
    local parts = {}
    for j = 1, ncols do
      local s, right = get(j)
      parts[j] = pad(truncate(s, widths[j]), widths[j], right)
    end
    return (concat(parts, SEP):gsub("%s+$", ""))
  end
  lines[#lines + 1] = line(function(j) return clean(cols[j]), numeric[j] end)
  lines[#lines + 1] = line(function(j) return rep("─", widths[j]) end)
  for i = 1, shown do
    local row = cells[i]
    lines[#lines + 1] = line(function(j) return row[j][1], row[j][2] end)
  end
  if #r > shown then lines[#lines + 1] = "… " .. plural(#r - shown, "more row") end
  if ncols < #cols then
    local rest = {}
    for j = ncols + 1, #cols do rest[#rest + 1] = cols[j] end
    local more = "… " .. plural(#cols - ncols, "more column")
    local named = more .. ": " .. clean(concat(rest, ", "))
    lines[#lines + 1] = dwidth(named) <= width and named or more
  end
  return concat(lines, "\n")
end
M.render = render

--- :print([n]) writes the rendering with at most n rows (20 by default;
-- math.huge for all).
function methods.print(r, n)
  check(r, "print")
  write(render(r, n), "\n")
end

--- :plot([opts]) draws the result in the terminal (lede.plot): bars for
-- frequency-like results, sparklines for timelines, a strip for
-- dispersion, fitted to the width.  opts: value, label, group (columns),
-- n (rows, 30), width; string = true returns the text instead.
function methods.plot(r, opts)
  check(r, "plot")
  if opts ~= nil and type(opts) ~= "table" then error("bad argument #1 to 'plot' (table of options expected)", 2) end
  local s = require("lede.plot").render(r, opts)
  if opts and opts.string then return s end
  write(s, "\n")
end

-- ---------------------------------------------------------------------------
-- Export

-- A number written back exactly: the short form when it reads back the
-- same, else 17 significant digits.
local function exact(x)
  if mathtype(x) == "integer" then return tostring(x) end
  local s = tostring(x)
  if tonumber(s) == x then return s end
  return format("%.17g", x)
end

local function to_file(path, text)
  local f, err = open(path, "wb")
  if not f then return nil, err end
  local ok, werr = f:write(text)
  local cok, cerr = f:close()
  if not ok then return nil, werr end
  if not cok then return nil, cerr end
  return path
end

local function csv_field(v)
  if v == nil or is_null(v) then return "" end
  local s
  if type(v) == "number" then s = exact(v)
  elseif type(v) == "table" and not M.is(v) then
    pretty = pretty or require("lede.pretty")
    s = pretty.format(v, { width = huge })
  else s = tostring(v) end
  if s:find('[,"\r\n]') then s = '"' .. s:gsub('"', '""') .. '"' end
  return s
end

--- :csv([path]) -> the CSV text (RFC 4180: CRLF line ends, fields with
-- commas, quotes or line breaks quoted), or with path: writes the file
-- and returns path, or nil, message.
function methods.csv(r, path)
  local cols = check(r, "csv").columns
  local out = {}
  local fields = {}
  for j, c in ipairs(cols) do fields[j] = csv_field(c) end
  out[1] = concat(fields, ",")
  for i, row in ipairs(r) do
    fields = {}
    for j, c in ipairs(cols) do fields[j] = csv_field(row[c]) end
    out[i + 1] = concat(fields, ",")
  end
  local text = concat(out, "\r\n") .. "\r\n"
  if path == nil then return text end
  return to_file(path, text)
end

local json_escapes = {
  ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f",
  ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
}
local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return json_escapes[c] or format("\\u%04x", c:byte())
  end) .. '"'
end

local json_value
local function json_table(t, depth)
  if depth > 32 then error("json: nesting too deep (a cycle?)", 0) end
  local n = #t
  local count = 0
  for _ in pairs(t) do count = count + 1 end
  local parts = {}
  if n > 0 and count == n then
    for i = 1, n do parts[i] = json_value(t[i], depth + 1) end
    return "[" .. concat(parts, ",") .. "]"
  end
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = tostring(k) end
  sort(keys)
  for i, k in ipairs(keys) do
    local v = t[k]
    if v == nil then v = t[tonumber(k)] end
    parts[i] = json_string(k) .. ":" .. json_value(v, depth + 1)
  end
  return "{" .. concat(parts, ",") .. "}"
end

function json_value(v, depth)
  local t = type(v)
  if v == nil or is_null(v) then return "null" end
  if t == "boolean" then return tostring(v) end
  if t == "number" then
    if v ~= v or v == huge or v == -huge then return "null" end
    return exact(v)
  end
  if t == "string" then return json_string(v) end
  if t == "table" then return json_table(v, depth) end
  return json_string(tostring(v))
end

--- :json([path]) -> a JSON array of objects, keys in column order, one
-- row per line; with path: writes the file and returns path, or nil,
-- message.
function methods.json(r, path)
  local cols = check(r, "json").columns
  local keys = {}
  for j, c in ipairs(cols) do keys[j] = json_string(c) .. ":" end
  local out = {}
  for i, row in ipairs(r) do
    local fields = {}
    for j, c in ipairs(cols) do fields[j] = keys[j] .. json_value(row[c], 0) end
    out[i] = "{" .. concat(fields, ",") .. "}"
  end
  local text = #out == 0 and "[]\n" or "[\n" .. concat(out, ",\n") .. "\n]\n"
  if path == nil then return text end
  return to_file(path, text)
end

-- Numbers as the terminal shows them: a Markdown table is for reading.
local function md_cell(v)
  local s = cell_text(v)
  return (s:gsub("↵", "<br>"):gsub("|", "\\|"))
end

--- :markdown() -> a GitHub-style pipe table; numeric columns right-aligned.
function methods.markdown(r)
  local cols = check(r, "markdown").columns
  local grid, numeric, widths = {}, {}, {}
  local head = {}
  for j, c in ipairs(cols) do
    head[j] = md_cell(c)
    widths[j] = max(3, dwidth(head[j]))
    numeric[j] = #r > 0
  end
  for i, row in ipairs(r) do
    local out = {}
    for j, c in ipairs(cols) do
      local v = row[c]
      out[j] = md_cell(v)
      if v ~= nil and type(v) ~= "number" then numeric[j] = false end
      local w = dwidth(out[j])
      if w > widths[j] then widths[j] = w end
    end
    grid[i] = out
  end
  local function line(cells, right)
    local parts = {}
    for j = 1, #cols do parts[j] = pad(cells[j], widths[j], right and numeric[j]) end
    return "| " .. concat(parts, " | ") .. " |"
  end
  local rule = {}
  for j = 1, #cols do
    rule[j] = numeric[j] and rep("-", widths[j] - 1) .. ":" or rep("-", widths[j])
  end
  local lines = { line(head, true), line(rule, false) }
  for i, cells in ipairs(grid) do lines[i + 2] = line(cells, true) end
  return concat(lines, "\n") .. "\n"
end

-- ---------------------------------------------------------------------------
-- Saving into the corpus

-- Tables lede itself owns; a result must not replace them.
local function reserved(name)
  local l = name:lower()
  return l == "docs" or l == "lede_info" or l:sub(1, 5) == "lede_" or l:sub(1, 7) == "sqlite_"
end

local function quote_ident(s)
  return '"' .. s:gsub('"', '""') .. '"'
end

-- INTEGER when every value is an integer, REAL when every value is a
-- number, else TEXT; a column with no values is TEXT.
local function column_type(r, c)
  local kind
  for _, row in ipairs(r) do
    local v = row[c]
    if v ~= nil then
      local k = mathtype(v) == "integer" and "INTEGER" or (type(v) == "number" and "REAL" or "TEXT")
      if k == "TEXT" then return "TEXT" end
      if kind == nil or kind == "INTEGER" then kind = k end
    end
  end
  return kind or "TEXT"
end

local function sql_value(v)
  local t = type(v)
  if v == nil or t == "number" or t == "string" then return v end
  if is_null(v) then return nil end
  if t == "boolean" then return v and 1 or 0 end
  if t == "table" and not M.is(v) then
    pretty = pretty or require("lede.pretty")
    return pretty.format(v, { width = huge })
  end
  return tostring(v)
end

-- An INSERT of k rows of n values: VALUES (?, ?), (?, ?)...
local function insert_sql(qname, n, k)
  local row = "(" .. rep("?", n, ", ") .. ")"
  return "INSERT INTO " .. qname .. " VALUES " .. rep(row, k, ", ")
end

-- Rows go in batches of up to 999 parameters (SQLite's smallest limit),
-- so a big result takes few statements.
local function save_rows(db, r, name, cols)
  local qname = quote_ident(name)
  local defs = {}
  for j, c in ipairs(cols) do defs[j] = quote_ident(c) .. " " .. column_type(r, c) end
  db:sql("DROP TABLE IF EXISTS " .. qname)
  db:sql("CREATE TABLE " .. qname .. " (" .. concat(defs, ", ") .. ")")
  local n = #cols
  local per = max(1, 999 // n)
  local full = insert_sql(qname, n, per)
  for first = 1, #r, per do
    local last = min(first + per - 1, #r)
    local vals, k = {}, 0
    for i = first, last do
      local row = r[i]
      for _, c in ipairs(cols) do k = k + 1; vals[k] = sql_value(row[c]) end
    end
    local sql = last - first + 1 == per and full or insert_sql(qname, n, last - first + 1)
    db:sql(sql, unpack(vals, 1, k))
  end
end

--- :save(name [, db]) -> true, or nil, message: stores the rows as table
-- name in the corpus the result came from (or db, or the global db),
-- replacing a table of that name saved before.
function methods.save(r, name, db)
  local mt = check(r, "save")
  if type(name) ~= "string" or not name:match("^[%a_][%w_]*$") then
    error("bad argument #1 to 'save' (table name must be a letter or _ then letters, digits, _)", 2)
  end
  if reserved(name) then
    error(format("bad argument #1 to 'save' ('%s' is one of lede's own tables)", name), 2)
  end
  if #mt.columns == 0 then error("save: the result has no columns", 2) end
  db = db or mt.db or rawget(_G, "db")
  if db == nil then error("save: no corpus (pass one: r:save(name, db))", 2) end
  local ok, err = pcall(db.sql, db, "BEGIN")
  if not ok then return nil, tostring(err) end
  ok, err = pcall(save_rows, db, r, name, mt.columns)
  if ok then ok, err = pcall(db.sql, db, "COMMIT") end
  if not ok then
    pcall(db.sql, db, "ROLLBACK")
    return nil, tostring(err)
  end
  return true
end

return M
