-- quantity.lua -- module "lede.grammar.quantity": numbers with what they
-- count, percentages and money, each with a numeric value.
--
--   db:extract(lede.grammar.quantity)   -- rows {value, unit, kind, currency}
--   local Q = require "lede.grammar.quantity"
--   Q.find("Veldora massed 100,000 troops")  --> {{value=100000, unit="troops", kind="count", ...}}
--
-- kind is "money" ("$2.5 billion", "€300m", "5 million roubles"),
-- "percent" ("38 %", "4.2 per cent"), "measure" (a unit of measurement:
-- "40 km", "260 m³/s", "1,500.5 million cubic metres") or "count" ("100,000
-- troops", "30 NATO member states", "two hours").  unit is what is counted
-- as written, up to four words, stopping at a function word or a verb
-- ("troops" in "100,000 troops near the border"); for money, unit and
-- currency are the ISO 4217 code.
--
-- Not quantities: a number without anything counted ("rose to 220"),
-- years ("in 1998"), times ("13:56"), dates ("4 March", "2024-03-04",
-- "09.03.2024"), ordinals, and numbers glued to letters ("G7", "A4").
local lpeg = require "lpeg"
local G = require "lede.grammar"
local core = require "lede.core"
local P, R, S, C, Cc, Cg, Ct, Cmt, Cp, B =
  lpeg.P, lpeg.R, lpeg.S, lpeg.C, lpeg.Cc, lpeg.Cg, lpeg.Ct, lpeg.Cmt, lpeg.Cp, lpeg.B
local tonumber, ipairs, pairs, concat, stopword = tonumber, ipairs, pairs, table.concat, core.stopword

local M = {}

local d = R"09"
local nbsp = P"\194\160" + P"\226\128\175" + P"\226\128\137"     -- NBSP, narrow NBSP, thin space
local hsp = G.hsp
local group = (P"," + nbsp + P" ") * #(d * d * d * -d)
-- Digits with thousands separators and a decimal part, not part of a
-- date, time, version or code: "100,000", "1,500.5", "120 000", "1.7".
local digits = (d * d ^ -2 * (group * d * d * d) ^ 1 + d ^ 1) * (P"." * d ^ 1) ^ -1
  * -(S".:/-" * d) * -(P"." * d)
local function number_of(s) return tonumber((s:gsub("[^%d%.]", ""))) end

local SCALE = { thousand = 1e3, million = 1e6, billion = 1e9, trillion = 1e12,
  mln = 1e6, mn = 1e6, bn = 1e9, tn = 1e12, k = 1e3, m = 1e6 }
local scale_word = (G.ci and (G.ci"thousand" + G.ci"million" + G.ci"billion" + G.ci"trillion")
  or (P"thousand" + P"million" + P"billion" + P"trillion")) + P"mln" + P"bn" + P"tn"
local scale_word = scale_word * -G.letter
-- "€300m", "$2.5bn": a scale glued to the digits (money only, since "300m"
-- alone is metres).
local glued_scale = (P"bn" + P"mn" + P"tn" + P"m" + P"k") * -G.letter

local function as_value(x)
  local i = math.tointeger(x)
  if i then return i end
  if x == math.floor(x) and x < 2 ^ 53 then return math.floor(x) end
  return x
end

local CURRENCY_SIGN = { ["$"] = "USD", ["US$"] = "USD", ["€"] = "EUR", ["£"] = "GBP",
  ["¥"] = "JPY", ["₽"] = "RUB", ["₴"] = "UAH", ["₹"] = "INR", ["₺"] = "TRY",
  ["C$"] = "CAD", ["A$"] = "AUD", ["CHF"] = "CHF", ["USD"] = "USD", ["EUR"] = "EUR",
  ["GBP"] = "GBP", ["RUB"] = "RUB", ["UAH"] = "UAH", ["CNY"] = "CNY", ["JPY"] = "JPY" }
local CURRENCY_WORD = { dollar = "USD", dollars = "USD", euro = "EUR", euros = "EUR",
  pound = "GBP", pounds = "GBP", sterling = "GBP", rouble = "RUB", roubles = "RUB",
  ruble = "RUB", rubles = "RUB", hryvnia = "UAH", hryvnias = "UAH", hryvnas = "UAH",
  yuan = "CNY", renminbi = "CNY", yen = "JPY", franc = "CHF", francs = "CHF",
  rupee = "INR", rupees = "INR", lira = "TRY", lire = "TRY", zloty = "PLN",
  zlotys = "PLN", forint = "HUF", forints = "HUF", lari = "GEL", tenge = "KZT",
  manat = "AZN", dram = "AMD", drams = "AMD", leu = "MDL", lei = "RON", krona = "SEK",
  kronor = "SEK", krone = "NOK", kroner = "NOK", shekel = "ILS", shekels = "ILS",
  riyal = "SAR", riyals = "SAR", dirham = "AED", dirhams = "AED" }

local sign = P"US$" + P"C$" + P"A$" + P"$" + P"€" + P"£" + P"¥" + P"₽" + P"₴" + P"₹" + P"₺"
local code = (P"USD" + P"EUR" + P"GBP" + P"RUB" + P"UAH" + P"CNY" + P"JPY" + P"CHF") * hsp

-- Units of measurement: what makes a count a measure.
local MEASURE = {}
for w in ([[km kilometre kilometres kilometer kilometers m metre metres meter meters cm mm
  mile miles ft feet foot inch inches yard yards kg kilogram kilograms kilogramme g gram grams
  tonne tonnes ton tons lb lbs ha hectare hectares acre acres km² m² m³ km2 m2 m3 sq square
  cubic litre litres liter liters l barrel barrels bpd gallon gallons mw megawatt megawatts
  gw gigawatt gigawatts kw kilowatt kilowatts kwh mwh gwh twh volt volts degree degrees °c
  knots mph km/h kph hour hours minute minutes second seconds day days week weeks month
  months year years decade decades century centuries bcm mcm m³/s centimetre centimetres
  centimeter centimeters millimetre millimetres]]):gmatch("%S+") do
  MEASURE[w] = true
end

-- Words that end what a number counts.
local STOP = {}
for w in ([[said says say told were was are is be been being had has have will would
  could should may might can did do does per cent percent pct near across along around
  than more less over under about above below since until from into onto with without
  within between during after before ago away up down off out back ahead earlier later
  ago each every yesterday today tomorrow last next this that these those who which
  whose whom where when while as at by for in of on or and but to the a an its their
  his her our your my it they he she we you i also still only just already even now
  then there here not no nor so too very much many most some any all both either
  neither several few january february march april may june july august september
  october november december jan feb mar apr jun jul aug sep sept oct nov dec monday
  tuesday wednesday thursday friday saturday sunday am pm a.m. p.m. gmt utc cet est
  upstream downstream south north east west southeast southwest northeast northwest
  away long wide high deep tall away apart off took made gave went came left put got
  saw fled met held kept ran rose fell sent won lost paid built stood began spent
  told thought knew found became brought bought sold]]):gmatch("%S+") do
  STOP[w] = true
end

local letter = G.letter
local unit_word = (letter + S"³²°") ^ 1 * ((S"-'/" + P"’") * (letter + S"³²") ^ 1) ^ 0
  + P"%"

-- What the number counts: up to four words from position i, ending
-- before a function word or punctuation.  Returns the end position and
-- the words, or nil.
local word_at = C(unit_word) * Cp()
local gap = hsp
local function counted(subject, i, allow_per, max)
  local words, pos, stop_at = {}, i, nil
  for n = 1, max do
    local w, e = lpeg.match(word_at, subject, pos)
    if not w then break end
    local lw = w:lower()
    if lw == "per" and allow_per and #words > 0 then
      -- "cubic metres per second"
      local g2 = lpeg.match(gap, subject, e)
      local w2, e2
      if g2 then w2, e2 = lpeg.match(word_at, subject, g2) end
      if w2 and not STOP[w2:lower()] then
        words[#words + 1] = w .. " " .. w2
        stop_at = e2
      end
      break
    end
    if STOP[lw] or stopword("en", lw) or w:find("^%d") or G.number_words[lw]
       or SCALE[lw] and #lw > 2 then break end
    -- "40,000 people joined", "two anglers detained": a verb after the noun
    if #words > 0 and (lw:find("ed$") or lw:find("ing$")) and #lw > 4 then break end
    words[#words + 1] = w
    stop_at = e
    if n == max then break end
    local g = lpeg.match(gap, subject, e)
    if not g then break end
    pos = g
  end
  if #words == 0 then return nil end
  -- "300 Ostrevia", "three Veldoran": a name is not what a number counts
  local lower_word = false
  for _, w in ipairs(words) do
    if w:find("^%l") or w:find("^%A") or not w:find("%l") then lower_word = true end
  end
  if not lower_word then return nil end
  return stop_at, concat(words, " ")
end

-- A value and scale: "2.4 billion", "300m" (glued, money only), "two",
-- "thirty-one", "a thousand".
local digit_value = C(digits) / number_of
local scaled = digit_value * (hsp * C(scale_word)) ^ -1
  / function(v, s) return v * (s and SCALE[s:lower()] or 1) end
local glued = digit_value * C(glued_scale) / function(v, s) return v * SCALE[s] end
local words_value = G.number_word_value

-- Not glued to a preceding letter, digit or date/time punctuation.
local clean_start = -B(R("09", "az", "AZ") + S".,:/-")

local function money_row(v, cur)
  return { value = as_value(v), currency = cur, kind = "money", unit = cur }
end

-- "$2.4 billion", "€300m", "USD 5 million", "€120 000"
local money_prefix = clean_start * C(sign) * (hsp + nbsp) ^ -1 * (glued + scaled)
  / function(sg, v) return money_row(v, CURRENCY_SIGN[sg]) end
local code_prefix = clean_start * C(P"USD" + P"EUR" + P"GBP" + P"RUB" + P"UAH" + P"CNY" + P"JPY" + P"CHF")
  * hsp * scaled / function(c, v) return money_row(v, c) end

local number = clean_start * (scaled + words_value)

-- "38 %", "4.2 per cent", "15 percent"
local percent = number * (hsp + nbsp) ^ -1
  * (P"%" + P"per" * hsp * P"cent" * -letter + P"percent" * -letter + P"pct" * -letter)
  / function(v) return { value = as_value(v), unit = "%", kind = "percent" } end

-- A number and what it counts; money when that is a currency ("5 million
-- roubles").  Years and counts of nothing fail.
local count = Cmt(C(number) * C(hsp + nbsp + P"-"),
  function(subject, i, text, v, sep)
    -- "1,200-megawatt plant": the hyphen joins one word
    local e, unit = counted(subject, i, sep ~= "-", sep == "-" and 1 or 4)
    if not e then return false end
    if text:find("^%d%d%d%d$") and v >= 1800 and v <= 2100 and not MEASURE[unit:lower()] then
      return false                                          -- a year
    end
    local head = unit:lower():match("^(%S+)")
    local cur = CURRENCY_WORD[head]
    if cur then return e, money_row(v, cur) end
    local kind = (MEASURE[head] or MEASURE[unit:lower()]) and "measure" or "count"
    return e, { value = as_value(v), unit = unit, kind = kind }
  end)

M.pattern = money_prefix + code_prefix + percent + count
M.columns = { "value", "unit", "kind", "currency" }
M.name = "quantities"

-- Q.find(text): every quantity in a text, {value, unit, kind, currency,
-- start, stop, text}.
function M.find(text)
  local out = {}
  for _, m in ipairs(G.find_all(M.pattern, text)) do
    local row = m.captures[1]
    row.start, row.stop, row.text = m.start, m.stop, text:sub(m.start, m.stop)
    out[#out + 1] = row
  end
  return out
end

return M
