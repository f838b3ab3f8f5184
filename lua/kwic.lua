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
local utf8len, utf8offset, concat, format, rep, sort =
  utf8.len, utf8.offset, table.concat, string.format, string.rep, table.sort

local M = {}

-- Combining marks (and joiners) belong to the character before them.
local function is_mark(s, i)
  local c = s:byte(i)
  if not c or c < 0xCC then return false end
  local cp = utf8.codepoint(s, i)
  return (cp >= 0x300 and cp <= 0x36F) or (cp >= 0x1AB0 and cp <= 0x1AFF)
      or (cp >= 0x1DC0 and cp <= 0x1DFF) or (cp >= 0x20D0 and cp <= 0x20FF)
      or (cp >= 0xFE20 and cp <= 0xFE2F) or cp == 0x200D or (cp >= 0xFE00 and cp <= 0xFE0F)
end

local function flat(s) return (s:gsub("[\r\n\t]", " ")) end

-- The last n characters of text before byte i.
local function chars_before(text, i, n)
  local a = i
  for _ = 1, n do
    if a <= 1 then break end
    a = utf8offset(text, -1, a) or 1
    while a > 1 and is_mark(text, a) do a = utf8offset(text, -1, a) or 1 end
  end
  return text:sub(a, i - 1)
end

-- The first n characters of text from byte i.
local function chars_after(text, i, n)
  local b = i
  for _ = 1, n do
    if b > #text then break end
    b = utf8offset(text, 2, b) or (#text + 1)
    while b <= #text and is_mark(text, b) do b = utf8offset(text, 2, b) or (#text + 1) end
  end
  return text:sub(i, b - 1)
end

-- Context of n words: byte ranges of the tokens around positions a..b.
local function words_around(toks, first, last, n, text)
  local byPos = {}
  for _, t in ipairs(toks) do
    if t.pos and not byPos[t.pos] then byPos[t.pos] = t end   -- words only
  end
  local l, r = byPos[math.max(0, first - n)], byPos[last + n]
  if not r then r = toks[#toks] end
  local m1, m2 = byPos[first], byPos[last]
  local left = l and m1 and text:sub(l.start, m1.start - 1) or ""
  local right = m2 and r and text:sub(m2.stop + 1, r.stop) or ""
  return left, right
end

-- The k-th word (punctuation left out) from the start or the end of s.
local function key_word(s, k, from_end)
  local words = {}
  for _, t in ipairs(lede.tokens(s)) do
    if t.pos and not t.compound then words[#words + 1] = t end
  end
  local t = from_end and words[#words - k + 1] or words[k]
  return t and t.term or ""
end

-- Sort keys: "R1", "R2", "L1", "match", "date", "source".
local function sort_rows(rows, spec)
  if type(spec) == "string" then spec = { spec } end
  local keys = {}
  for i, s in ipairs(spec) do
    local side, k = s:match("^([RL])(%d+)$")
    if side then keys[i] = function(r) return key_word(side == "R" and r.right or r.left, tonumber(k), side == "L") end
    elseif s == "match" then keys[i] = function(r) return lede.tokens(r.match)[1] and lede.tokens(r.match)[1].term or r.match end
    elseif s == "date" or s == "source" then keys[i] = function(r) return r[s] or "" end
    else error(format("bad sort key '%s' (R1, R2, L1, match, date or source)", s), 4) end
  end
  local cache = {}
  for _, r in ipairs(rows) do
    local v = {}
    for i, f in ipairs(keys) do v[i] = f(r) end
    cache[r] = v
  end
  sort(rows, function(a, b)
    local x, y = cache[a], cache[b]
    for i = 1, #keys do if x[i] ~= y[i] then return x[i] < y[i] end end
    if a.doc ~= b.doc then return a.doc < b.doc end
    return a.start < b.start
  end)
end

-- A reproducible sample of n rows (a fixed-seed shuffle).
local function sample(rows, n, seed)
  local s = seed or 42
  for i = #rows, 2, -1 do
    s = (s * 1103515245 + 12345) % 2147483648
    local j = s % i + 1
    rows[i], rows[j] = rows[j], rows[i]
  end
  for i = #rows, n + 1, -1 do rows[i] = nil end
  sort(rows, function(a, b) return a.doc < b.doc or (a.doc == b.doc and a.start < b.start) end)
end

local function pad_left(s, w)
  local n = utf8len(s) or #s
  if n >= w then return s end
  return rep(" ", w - n) .. s
end

-- Print as a concordance: left context right-aligned, the match in a
-- column of its own.
local function render(r, limit)
  local rows = {}
  for i = 1, math.min(#r, limit or 50) do rows[i] = r[i] end
  if #r == 0 then return "(no matches)" end
  local tty = lede.core.isatty(1)
  local lw = 0
  for _, row in ipairs(rows) do lw = math.max(lw, utf8len(row.left) or #row.left) end
  local out = {}
  for _, row in ipairs(rows) do
    local m = tty and ("\27[1;31m" .. row.match .. "\27[0m") or row.match
    out[#out + 1] = format("%6d  %s  %s  %s", row.doc, pad_left(row.left, lw), m, row.right)
  end
  if #r > #rows then out[#out + 1] = format("… %d more lines", #r - #rows) end
  return concat(out, "\n")
end

function M.kwic(db, q, opts)
  opts = opts or {}
  local width, ntok = opts.width or 40, opts.tokens
  local query = opts.where and ("(" .. q .. ") AND (" .. opts.where .. ")") or q
  local hits, err = db:search(query, { order = "doc", max_expansion = opts.max_expansion })
  if not hits then return nil, err end
  local rows = {}
  for _, h in ipairs(hits) do
    local text = h.text
    local toks = ntok and lede.tokens(text)
    for _, m in ipairs(h.matches) do
      local left, right
      if ntok then left, right = words_around(toks, m.first, m.last, ntok, text)
      else
        left, right = chars_before(text, m.start, width), chars_after(text, m.stop + 1, width)
      end
      rows[#rows + 1] = { doc = h.doc, title = h.title, source = h.source, date = h.date,
        left = flat(left), match = flat(text:sub(m.start, m.stop)), right = flat(right),
        start = m.start, stop = m.stop }
    end
  end
  if opts.sample and opts.sample < #rows then sample(rows, opts.sample, opts.seed) end
  if opts.sort then sort_rows(rows, opts.sort) end
  if opts.limit then for i = #rows, opts.limit + 1, -1 do rows[i] = nil end end
  local r = result.new(rows, { "doc", "title", "source", "date", "left", "match", "right", "start", "stop" },
                       { db = db, title = q })
  local mt = getmetatable(r)
  local methods = mt.__index
  mt.__tostring = function(x) return render(x) end
  mt.__index = setmetatable({ print = function(x, n) io.write(render(x, n), "\n") end }, { __index = methods })
  return r
end

return M
