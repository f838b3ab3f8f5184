-- json.lua: JSON text to Lua values and back, for document metadata and
-- result exports.  Decoding is an LPeg grammar; objects become tables,
-- arrays become lists, null becomes json.null (a sentinel) so that keys
-- are not lost.
local lpeg = require "lpeg"
local P, S, R, C, Cs, Ct, Cg, Cf, Cc, V =
  lpeg.P, lpeg.S, lpeg.R, lpeg.C, lpeg.Cs, lpeg.Ct, lpeg.Cg, lpeg.Cf, lpeg.Cc, lpeg.V
local utf8char, tonumber, type, pairs, ipairs, concat, format, sort, mtype =
  utf8.char, tonumber, type, pairs, ipairs, table.concat, string.format,
  table.sort, math.type

local json = {}
json.null = setmetatable({}, {__tostring = function() return "null" end,
                              __name = "json.null"})

local ws = S" \t\r\n"^0
local function surrogate(hi, lo)
  return utf8char(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
end
local hexd = R("09", "af", "AF")
local hex4 = C(hexd * hexd * hexd * hexd) / function(h) return tonumber(h, 16) end
-- Each alternative captures the whole escape, backslash included, so that
-- Cs replaces all of it.
local simple = P"\\" * C(S'"\\/bfnrt') /
  { ['"'] = '"', ['\\'] = '\\', ['/'] = '/', b = "\b", f = "\f", n = "\n",
    r = "\r", t = "\t" }
local pair = lpeg.Cmt(P"\\u" * hex4 * P"\\u" * hex4, function(_, i, a, b)
  if a >= 0xD800 and a < 0xDC00 and b >= 0xDC00 and b < 0xE000 then
    return i, surrogate(a, b)
  end
  return false
end)
local single = P"\\u" * hex4 / function(cp)
  if cp >= 0xD800 and cp < 0xE000 then return "\u{FFFD}" end
  return utf8char(cp)
end
local escape = simple + pair + single
local str = P'"' * Cs((escape + (1 - S'"\\'))^0) * P'"'
local num = C(P"-"^-1 * (P"0" + R"19" * R"09"^0) * (P"." * R"09"^1)^-1 *
              (S"eE" * S"+-"^-1 * R"09"^1)^-1) / tonumber
local function settable(t, k, v) t[k] = v; return t end
local grammar = P{ "doc",
  doc = ws * V"value" * ws * -1,
  value = str + num + V"object" + V"array" +
          P"true" * Cc(true) + P"false" * Cc(false) + P"null" * Cc(json.null),
  member = ws * str * ws * P":" * ws * V"value" * ws,
  object = P"{" * Cf(Ct"" * (Cg(V"member") * (P"," * Cg(V"member"))^0)^-1, settable)
           * ws * P"}",
  array = P"[" * Ct((ws * V"value" * ws * (P"," * ws * V"value" * ws)^0)^-1) * P"]",
}

-- Decode a JSON text; returns the value, or nil and a message.
function json.decode(s)
  local v = grammar:match(s)
  if v == nil then return nil, "invalid JSON" end
  return v
end

local escapes = { ['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f',
                  ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
local function quote(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return escapes[c] or format("\\u%04x", c:byte())
  end) .. '"'
end

local function is_list(t)
  local n = #t
  for k in pairs(t) do
    if mtype(k) ~= "integer" or k < 1 or k > n then return false end
  end
  return true
end

local encode
-- Encode a Lua value as JSON.  Object keys are sorted so output is stable.
function encode(v, out)
  local t = type(v)
  if v == nil or v == json.null then out[#out + 1] = "null"
  elseif t == "boolean" then out[#out + 1] = tostring(v)
  elseif t == "number" then
    if v ~= v or v == math.huge or v == -math.huge then out[#out + 1] = "null"
    elseif mtype(v) == "integer" then out[#out + 1] = tostring(v)
    else out[#out + 1] = format("%.17g", v) end
  elseif t == "string" then out[#out + 1] = quote(v)
  elseif t == "table" then
    if next(v) ~= nil and is_list(v) or (next(v) == nil and getmetatable(v) == json.array_mt) then
      out[#out + 1] = "["
      for i, x in ipairs(v) do
        if i > 1 then out[#out + 1] = "," end
        encode(x, out)
      end
      out[#out + 1] = "]"
    else
      local keys = {}
      for k in pairs(v) do keys[#keys + 1] = tostring(k) end
      sort(keys)
      out[#out + 1] = "{"
      for i, k in ipairs(keys) do
        if i > 1 then out[#out + 1] = "," end
        out[#out + 1] = quote(k) .. ":"
        local x = v[k]
        if x == nil then x = v[tonumber(k)] end
        encode(x, out)
      end
      out[#out + 1] = "}"
    end
  else
    error("json: cannot encode a " .. t .. " value", 3)
  end
end

json.array_mt = {}
function json.encode(v)
  local out = {}
  encode(v, out)
  return concat(out)
end

return json
