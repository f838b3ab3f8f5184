-- pretty.lua -- module "lede.pretty": how the REPL shows values.
--
-- pretty.print(...) writes each value on stdout: strings as they are,
-- numbers as Lua writes them, tables as Lua-like constructors, and
-- objects that know how to show themselves (result tables, anything with
-- a __tostring) through tostring.  pretty.format(v, opts) returns the
-- text instead.  Tables are cut off at a nesting depth and an item count
-- so that a stray print of a big corpus structure cannot flood the
-- terminal; long nested strings are shortened for the same reason (print
-- the field itself to see it whole).

local type, tostring, pairs, select, next = type, tostring, pairs, select, next
local getmetatable, rawget, rawlen = getmetatable, rawget, rawlen
local sort, concat = table.sort, table.concat
local format, rep = string.format, string.rep
local mathtype = math.type
local utf8len, utf8offset = utf8.len, utf8.offset
local write = io.write

local M = {}

local defaults = { depth = 3, items = 100, width = 80, strlen = 200 }

local keywords = {}
for w in ([[and break do else elseif end false for function goto if in
  local nil not or repeat return then true until while]]):gmatch("%a+") do
  keywords[w] = true
end

-- Width in characters; bytes when s is not valid UTF-8.
local function chars(s) return utf8len(s) or #s end

local function opt(opts, k)
  local v = opts and opts[k]
  if v == nil then return defaults[k] end
  return v
end

-- Shorten s to at most n characters without cutting a UTF-8 sequence.
local function shorten(s, n)
  local len = utf8len(s)
  if not len then  -- not valid UTF-8: cut on bytes, it is binary anyway
    if #s <= n then return s end
    return s:sub(1, n) .. "…", #s
  end
  if len <= n then return s end
  return s:sub(1, utf8offset(s, n + 1) - 1) .. "…", len
end

-- A string as a Lua literal, readable: UTF-8 text is kept, control
-- characters are escaped.
local function quote(s, strlen)
  local cut, len = shorten(s, strlen)
  local q = format("%q", cut):gsub("\\\n", "\\n"):gsub("\r", "\\r")
  if len then q = q .. format(" (%d chars)", len) end
  return q
end

local function is_shown_by_tostring(mt)
  return type(mt) == "table" and
    (rawget(mt, "__name") == "lede.result" or rawget(mt, "__tostring") ~= nil)
end

-- Keys: the list part 1..n first (written without keys), then the rest
-- sorted: numbers, then strings, then anything else by its tostring.
local kind_order = { number = 1, string = 2 }
local function key_less(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then
    return (kind_order[ta] or 3) < (kind_order[tb] or 3)
  end
  if ta == "number" or ta == "string" then return a < b end
  return tostring(a) < tostring(b)
end

local function key_text(k, opts)
  if type(k) == "string" and k:match("^[%a_][%w_]*$") and not keywords[k] then
    return k
  end
  if type(k) == "string" then return "[" .. quote(k, opt(opts, "strlen")) .. "]" end
  return "[" .. tostring(k) .. "]"
end

local fmt  -- forward

-- The items of table t as a list of strings, each formatted by fmt.
local function items(t, opts, level, path, indent)
  local out, limit = {}, opt(opts, "items")
  out.positional = 0
  local n = rawlen(t)
  local count, total = 0, 0
  for i = 1, n do
    total = total + 1
    if count < limit then
      count = count + 1
      out[count] = fmt(rawget(t, i), opts, level + 1, path, indent)
      out.positional = count
    end
  end
  local keys = {}
  for k in next, t do
    if not (mathtype(k) == "integer" and k >= 1 and k <= n) then
      keys[#keys + 1] = k
    end
  end
  sort(keys, key_less)
  for _, k in ipairs(keys) do
    total = total + 1
    if count < limit then
      count = count + 1
      out[count] = key_text(k, opts) .. " = " ..
        fmt(rawget(t, k), opts, level + 1, path, indent)
    end
  end
  if total > count then out[#out + 1] = format("…%d more", total - count) end
  return out
end

-- Items one per line, except that the list part is packed several to a
-- line when they fit: a list of 100 numbers should not take 100 lines.
local function layout(parts, indent, width)
  local pad = rep(" ", indent)
  local lines, line = {}, nil
  for i, p in ipairs(parts) do
    local packable = i <= parts.positional and not p:find("\n")
    local piece = p .. (i < #parts and "," or "")
    if packable and line and indent + chars(line) + 1 + chars(piece) <= width then
      line = line .. " " .. piece
    else
      if line then lines[#lines + 1] = pad .. line end
      line = piece
      if not packable then lines[#lines + 1] = pad .. line; line = nil end
    end
  end
  if line then lines[#lines + 1] = pad .. line end
  return concat(lines, "\n")
end

local function fmt_table(t, opts, level, path, indent)
  local mt = getmetatable(t)
  if is_shown_by_tostring(mt) then
    if rawget(mt, "__name") == "lede.result" and level > 0 then
      -- a whole rendered table inside another would break the layout
      return format("<result: %d rows>", #t)
    end
    return tostring(t)
  end
  if path[t] then return "<cycle>" end
  if next(t) == nil then return "{}" end
  if level >= opt(opts, "depth") then return "{…}" end
  path[t] = true
  local parts = items(t, opts, level, path, indent + 2)
  local flat = "{" .. concat(parts, ", ") .. "}"
  path[t] = nil
  local width = opt(opts, "width")
  if indent + chars(flat) <= width and not flat:find("\n") then
    return flat
  end
  return "{\n" .. layout(parts, indent + 2, width) .. "\n" .. rep(" ", indent) .. "}"
end

function fmt(v, opts, level, path, indent)
  local tv = type(v)
  if tv == "string" then return quote(v, opt(opts, "strlen")) end
  if tv == "table" then return fmt_table(v, opts, level, path, indent) end
  return tostring(v)
end

--- format(v [, opts]) -> string
-- opts: depth (3), items per table (100), width before a table is broken
-- over lines (80), strlen: characters of a nested string shown (200).
function M.format(v, opts)
  return fmt(v, opts, 0, {}, 0)
end

-- The text print() shows for one top-level value.
local function show(v, opts)
  if type(v) == "string" then return v end
  return M.format(v, opts)
end
M.show = show

--- print(...): each value, tab-separated like Lua's print, or one per line
-- when any of them spans several lines.
function M.print(...)
  local n = select("#", ...)
  if n == 0 then return end
  local parts, multi = {}, false
  for i = 1, n do
    local s = show((select(i, ...)))
    parts[i] = s
    if s:find("\n", 1, true) then multi = true end
  end
  write(concat(parts, multi and "\n" or "\t"), "\n")
end

return M
