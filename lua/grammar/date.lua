-- grammar/date.lua -- module "lede.grammar.date": dates and times in
-- running news text, normalised to ISO 8601.
--
-- The LPeg pattern recognises the forms and captures their parts (year,
-- month, day, weekday, time, zone, a relative word); resolve() turns the
-- parts into an ISO value against the document's date, so "on Tuesday",
-- "last week" or "December 26" mean what they meant on the day the article
-- was written.  Every match has:
--   iso        as precise as the text allows: 2021-12-07, 2021-12-07T13:56+05:30,
--              2021-W49, 2021-12, 2021 (--12-26 when the year is unknown)
--   precision  "minute", "day", "week", "month" or "year"
--   kind       "absolute" (the text gives the year), "partial" (no year:
--              "December 26", "in April"), "relative" ("on Tuesday",
--              "yesterday", "last week", "earlier this month")
--
-- A weekday means the latest such day before the document's date, or the
-- next one when the words before it in the sentence speak of the future
-- ("will", "would", "is due", "next"); the document's own weekday is that
-- day.  Numeric dates with slashes are month/day/year unless the grammar
-- is made with {order = "dmy"}; dotted ones (09.03.2024) are day first.

local lpeg = require "lpeg"
local G = require "lede.grammar"
local P, R, S, C, Cc, Cg, Ct, Cp = lpeg.P, lpeg.R, lpeg.S, lpeg.C, lpeg.Cc, lpeg.Cg, lpeg.Ct, lpeg.Cp
local tonumber, format, floor, ipairs, type, setmetatable =
  tonumber, string.format, math.floor, ipairs, type, setmetatable

local M = {}

---------------------------------------------------------------------------
-- Calendar arithmetic (proleptic Gregorian, days since 1970-01-01)

local function days_from_civil(y, m, d)
  y = m <= 2 and y - 1 or y
  local era = floor(y / 400)
  local yoe = y - era * 400
  local doy = floor((153 * (m + (m > 2 and -3 or 9)) + 2) / 5) + d - 1
  local doe = yoe * 365 + floor(yoe / 4) - floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
end

local function civil_from_days(z)
  z = z + 719468
  local era = floor(z / 146097)
  local doe = z - era * 146097
  local yoe = floor((doe - floor(doe / 1460) + floor(doe / 36524) - floor(doe / 146096)) / 365)
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + floor(yoe / 4) - floor(yoe / 100))
  local mp = floor((5 * doy + 2) / 153)
  local d = doy - floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  return m <= 2 and y + 1 or y, m, d
end

-- ISO weekday, 1 = Monday.
local function weekday(days) return (days + 3) % 7 + 1 end

local function days_in_month(y, m)
  return days_from_civil(m == 12 and y + 1 or y, m == 12 and 1 or m + 1, 1) - days_from_civil(y, m, 1)
end

local function iso_day(days) return format("%04d-%02d-%02d", civil_from_days(days)) end

-- ISO 8601 week of a day: "2021-W49".
local function iso_week(days)
  local thursday = days - weekday(days) + 4
  local y = civil_from_days(thursday)
  local week = floor((thursday - days_from_civil(y, 1, 1)) / 7) + 1
  return format("%04d-W%02d", y, week)
end

M.days_from_civil, M.civil_from_days, M.iso_week = days_from_civil, civil_from_days, iso_week

-- The document's date as days, from "2024-03-07", "2024-03-07T21:02+01:00".
local function doc_days(date)
  if type(date) ~= "string" then return nil end
  local y, m, d = date:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)")
  if not y then return nil end
  return days_from_civil(tonumber(y), tonumber(m), tonumber(d))
end

---------------------------------------------------------------------------
-- The pattern

local sp, hsp = G.sp, G.hsp
local digit = G.digit
local function num(p) return C(p) / tonumber end
local function w(list) return G.words(list, { case = "any" }) end
local eon = -G.alnum

M.zones = { GMT = "Z", UTC = "Z", Z = "Z", WET = "Z", BST = "+01:00", CET = "+01:00",
  WEST = "+01:00", CEST = "+02:00", EET = "+02:00", EEST = "+03:00", MSK = "+03:00",
  IST = "+05:30", PKT = "+05:00", CST = "-06:00", CDT = "-05:00", EST = "-05:00",
  EDT = "-04:00", MST = "-07:00", MDT = "-06:00", PST = "-08:00", PDT = "-07:00",
  JST = "+09:00", KST = "+09:00", AEST = "+10:00", AEDT = "+11:00", SGT = "+08:00",
  HKT = "+08:00", GST = "+04:00", TRT = "+03:00", ET = "-05:00" }
local zone_list = {}
for z in pairs(M.zones) do zone_list[#zone_list + 1] = z end
local zone = C(G.words(zone_list))
local offset = C(S("+-") * digit * digit * P(":") ^ -1 * digit * digit)

local year = num(R("12") * digit * digit * digit) * eon
local day = num(digit * digit ^ -1) * (P("st") + P("nd") + P("rd") + P("th")) ^ -1 * eon
local comma_sp = (hsp ^ -1 * P(",")) ^ -1 * hsp
local ampm = hsp ^ -1 * C(S("aApP") * P(".") ^ -1 * S("mM") * P(".") ^ -1)

-- 13:56, 9:05 pm, 13:56:07, with a zone: 13:56 IST, 15:00 GMT
local clock_core = Cg(num(digit * digit ^ -1), "hh") * P(":") * Cg(num(digit * digit), "mi")
  * (P(":") * digit * digit * (P(".") * digit ^ 1) ^ -1) ^ -1 * -digit
local clock = clock_core * (Cg(ampm, "ampm") * -G.letter + -G.alnum)
local time = clock * (hsp * Cg(zone, "zone")) ^ -1
  + Cg(num(R("02") * digit), "hh") * Cg(num(R("05") * digit), "mi") * hsp * Cg(zone, "zone")  -- 1500 GMT

local mod_words = { "on", "last", "next", "this", "since", "from", "by", "until", "till",
  "before", "after", "early", "late", "coming", "this past", "past", "beginning", "starting" }
local part_words = { "morning", "afternoon", "evening", "night", "lunchtime" }

-- A weekday with what stands before and after it: "on Tuesday",
-- "last Friday", "Thursday night", "Tuesday's".
local wd = (Cg(C(w(mod_words)), "mod") * hsp) ^ -1 * Cg(G.weekday, "wd")
  * (G.apostrophe * P("s") * eon) ^ -1 * (hsp * Cg(C(G.words(part_words)), "part")) ^ -1

-- The date forms with a day, month and maybe year.
local iso_date = Cg(num(R("12") * digit * digit * digit), "y") * P("-") * Cg(num(digit * digit), "m")
  * P("-") * Cg(num(digit * digit), "d") * -digit
  * ((S("T ") * clock_core * (Cg(offset, "offset") + Cg(C(P("Z")), "offset") + hsp * Cg(zone, "zone")) ^ -1
      * -G.alnum) ^ -1)
local dmy = Cg(day, "d") * hsp * (P("of") * hsp) ^ -1 * Cg(G.month, "m") * (comma_sp * Cg(year, "y")) ^ -1
local mdy = Cg(G.month, "m") * hsp * Cg(day, "d") * (comma_sp * Cg(year, "y")) ^ -1
local slash = Cg(num(digit * digit ^ -1), "n1") * P("/") * Cg(num(digit * digit ^ -1), "n2") * P("/")
  * Cg(year, "y") * Cg(Cc("slash"), "numeric")
local dotted = Cg(num(digit * digit ^ -1), "d") * P(".") * Cg(num(digit * digit ^ -1), "m") * P(".")
  * Cg(year, "y")
local month_year = Cg(G.month, "m") * comma_sp * Cg(year, "y")

-- "Tuesday, December 7" / "Monday 4 March 2024": the date decides.
local day_date = (w({ "on" }) * hsp) ^ -1 * (G.weekday * P(",") ^ -1 * hsp) ^ -1 * (dmy + mdy)
  + iso_date + slash + dotted

-- A time before or after a date: "13:56 IST, November 19th 2021",
-- "8 Dec, 2021 11:53", "1500 GMT on Tuesday", "on Tuesday at 15:00".
local at = comma_sp * (w({ "at" }) * hsp * (w({ "around", "about" }) * hsp) ^ -1) ^ -1
local with_time = function(core)
  return time * (hsp ^ -1 * P(",")) ^ -1 * hsp * (w({ "on" }) * hsp) ^ -1 * core
    + core * (at * time) ^ -1
end

local rel_unit = Cg(C(w({ "week", "month", "year", "weekend" })), "unit")
local relative = Cg(C(w({ "the day before yesterday", "yesterday", "today", "tonight", "tomorrow",
    "last night", "this morning", "this afternoon", "this evening" })), "rel")
  * (hsp * Cg(C(G.words(part_words)), "part")) ^ -1 * (at * time) ^ -1
  + (Cg(C(w({ "earlier", "later", "early", "late" })), "edge") * hsp) ^ -1 * Cg(C(w({ "this", "last",
    "next", "the past", "the coming", "the previous", "the next" })), "which") * hsp * rel_unit
  + w({ "in" }) * hsp * Cg(G.number_value, "in_n") * hsp
    * Cg(C(w({ "days", "day", "weeks", "week", "months", "month", "years", "year" })), "ago_unit")
    * -(hsp * w({ "ago", "of", "time" }))
  + Cg(G.number_value + w({ "a", "an" }) * Cc(1), "ago_n") * hsp * Cg(C(w({ "days", "day", "weeks", "week", "months", "month",
    "years", "year" })), "ago_unit") * hsp * w({ "ago" })

local month_mods = { "in", "since", "until", "till", "by", "from", "early", "late", "mid",
  "mid-", "end of", "the end of", "beginning of", "the beginning of", "through", "during" }
local month_alone = Cg(C(w(month_mods)), "mod") * (hsp + #G.upper) * Cg(G.month, "m") * -(hsp * digit)
-- "in 2019", "since 1998"; not "by 1500 GMT".
local year_alone = Cg(C(w({ "in", "since", "until", "by", "from", "during", "of" })), "mod") * hsp
  * Cg(num((P("1") * R("89") + P("20")) * digit * digit), "y_only") * eon * -(hsp * zone)

local expr = with_time(day_date) + month_year + with_time(wd) + relative + month_alone + year_alone
  + time * Cg(Cc(true), "time_only")

local function make_pattern()
  return Ct(expr)
end

---------------------------------------------------------------------------
-- Resolution

local future_words = { will = true, ["’ll"] = true, ["'ll"] = true, would = true, shall = true,
  due = true, scheduled = true, next = true, upcoming = true, planned = true, plans = true,
  plan = true, set = true, expected = true, ["until"] = true, ["won’t"] = true, ["won't"] = true,
  coming = true, ahead = true }
local past_words = { said = true, told = true, was = true, were = true, had = true, did = true,
  since = true, last = true, announced = true, took = true, began = true, met = true,
  says = true, held = true, ago = true }

-- Does the sentence before position i (in text) speak of the future?
local function future_before(text, i)
  if not text then return false end
  local s = math.max(1, i - 160)
  local before = text:sub(s, i - 1)
  before = before:match("[^%.!?\n]*$") or before
  local words = {}
  for word in before:gmatch("[%a’']+") do words[#words + 1] = word:lower() end
  for k = #words, 1, -1 do
    local x = words[k]
    if future_words[x] then return true end
    if past_words[x] or (x:match("ed$") and #x > 4) then return false end
  end
  return false
end

local function zone_of(c)
  if c.offset then return c.offset == "Z" and "Z" or c.offset end
  if c.zone then return M.zones[c.zone] end
  return ""
end

local function time_of(c)
  local hh = c.hh
  if c.ampm then
    local pm = c.ampm:lower():sub(1, 1) == "p"
    if pm and hh < 12 then hh = hh + 12 elseif not pm and hh == 12 then hh = 0 end
  end
  if hh > 23 or c.mi > 59 then return nil end
  return format("T%02d:%02d%s", hh, c.mi, zone_of(c))
end

-- The year that puts month m, day d nearest the document's date.
local function nearest_year(m, d, ref)
  local y0 = civil_from_days(ref)
  local best, bestdist
  for y = y0 - 1, y0 + 1 do
    local dist = math.abs(days_from_civil(y, m, d) - ref)
    if not bestdist or dist < bestdist then best, bestdist = y, dist end
  end
  return best
end

local function valid(y, m, d)
  return m >= 1 and m <= 12 and d >= 1 and d <= days_in_month(y or 2000, m)
end

-- resolve(captures, docdate [, opts]) -> iso, precision, kind (nil when
-- the parts make no date: "31 February", "25:99").  opts.text and
-- opts.pos let a weekday look at its sentence; opts.order = "dmy".
function M.resolve(c, docdate, opts)
  opts = opts or {}
  local ref = doc_days(docdate)
  local iso, precision, kind
  if c.numeric then
    local dmy = (opts.order == "dmy")
    local a, b = c.n1, c.n2
    if a > 12 then dmy = true elseif b > 12 then dmy = false end
    if dmy then c.d, c.m = a, b else c.m, c.d = a, b end
  end
  if c.y_only then
    return format("%04d", c.y_only), "year", "absolute"
  elseif c.d and c.m then
    local y = c.y
    kind = y and "absolute" or "partial"
    if not y and ref then y = nearest_year(c.m, c.d, ref) end
    if not valid(y, c.m, c.d) then return nil end
    iso = y and format("%04d-%02d-%02d", y, c.m, c.d) or format("--%02d-%02d", c.m, c.d)
    precision = "day"
  elseif c.m and c.y then
    return format("%04d-%02d", c.y, c.m), "month", "absolute"
  elseif c.m then
    if not ref then return format("--%02d", c.m), "month", "partial" end
    local y0, m0 = civil_from_days(ref)
    local y = y0
    -- "since January" in December is this year; "in February" in
    -- December, with a future word before it, is next year.
    if c.m > m0 and not (c.mod and c.mod:lower():match("since")) and (c.m - m0) > 6 then y = y0 - 1 end
    return format("%04d-%02d", y, c.m), "month", "partial"
  elseif c.wd then
    if not ref then return nil end
    local mod = c.mod and c.mod:lower()
    local cur = weekday(ref)
    local back = (cur - c.wd) % 7
    local fwd = (c.wd - cur) % 7
    local target
    if mod == "next" or mod == "coming" then
      target = ref + (fwd == 0 and 7 or fwd)
    elseif mod == "from" or mod == "by" or mod == "until" or mod == "till" or mod == "beginning"
           or mod == "starting" then
      target = ref + fwd
    elseif mod == "last" or mod == "past" or mod == "this past" or mod == "since" then
      target = ref - (back == 0 and 7 or back)
    elseif back == 0 then
      target = ref
    elseif mod ~= "since" and future_before(opts.text, opts.pos or 1) then
      target = ref + fwd
    else
      target = ref - back
    end
    iso, precision, kind = iso_day(target), "day", "relative"
  elseif c.rel then
    if not ref then return nil end
    local r = c.rel:lower()
    local shift = ({ yesterday = -1, ["last night"] = -1, tomorrow = 1,
                     ["the day before yesterday"] = -2 })[r] or 0
    iso, precision, kind = iso_day(ref + shift), "day", "relative"
  elseif c.unit then
    if not ref then return nil end
    local which = c.which:lower():gsub("^the ", "")
    local step = (which == "last" or which == "past" or which == "previous") and -1
      or ((which == "next" or which == "coming") and 1 or 0)
    local u = c.unit:lower()
    local y, m = civil_from_days(ref)
    if u == "week" or u == "weekend" then
      -- On a Sunday, "this week" is the one that starts tomorrow.
      if step == 0 and u == "week" and weekday(ref) == 7 then step = 1 end
      return iso_week(ref + 7 * step), "week", "relative"
    elseif u == "month" then
      m = m + step
      if m == 0 then y, m = y - 1, 12 elseif m == 13 then y, m = y + 1, 1 end
      return format("%04d-%02d", y, m), "month", "relative"
    else
      return format("%04d", y + step), "year", "relative"
    end
  elseif c.ago_n or c.in_n then
    if not ref then return nil end
    local u = c.ago_unit:lower():gsub("s$", "")
    -- "three days ago" goes back, "in three weeks" forward.
    local n = c.ago_n and floor(c.ago_n) or -floor(c.in_n)
    if u == "day" then return iso_day(ref - n), "day", "relative" end
    if u == "week" then return iso_week(ref - 7 * n), "week", "relative" end
    local y, m = civil_from_days(ref)
    if u == "month" then
      m = m - n
      while m < 1 do m, y = m + 12, y - 1 end
      return format("%04d-%02d", y, m), "month", "relative"
    end
    return format("%04d", y - n), "year", "relative"
  elseif c.time_only then
    -- A time alone counts only with a zone ("1500 GMT"), on the
    -- document's day.
    if not c.zone or not ref then return nil end
    local t = time_of(c)
    if not t then return nil end
    return iso_day(ref) .. t, "minute", "relative"
  else
    return nil
  end
  if c.hh and iso and precision == "day" and not iso:match("^%-%-") then
    local t = time_of(c)
    if t then iso, precision = iso .. t, "minute" end
  end
  return iso, precision, kind
end

---------------------------------------------------------------------------
-- The grammar table for db:extract, and scanning a text directly

M.columns = { "iso", "precision", "kind" }
local raw_fields = { "y", "m", "d", "wd", "mod", "part", "hh", "mi", "ampm", "zone", "offset", "rel",
  "edge", "which", "unit", "ago_n", "in_n", "ago_unit", "n1", "n2", "numeric", "y_only", "time_only" }

local function finish(rows, ctx, order)
  local out = {}
  for _, row in ipairs(rows) do
    local iso, precision, kind = M.resolve(row, ctx.date, { text = ctx.text, pos = row.start, order = order })
    for _, f in ipairs(raw_fields) do row[f] = nil end
    if iso then
      row.iso, row.precision, row.kind = iso, precision, kind
      out[#out + 1] = row
    end
  end
  return out
end

local function grammar(order)
  local g = {
    name = "date",
    pattern = make_pattern(),
    columns = M.columns,
    post = function(rows, ctx) return finish(rows, ctx, order) end,
  }
  -- db:extract(lede.grammar.date, {order = "dmy"}) reads 12/07/2021 as 12 July.
  g.options = function(opts)
    if opts and opts.order and opts.order ~= order then return grammar(opts.order) end
    return g
  end
  g.scan = function(text, opts) return M.scan(text, opts, g) end
  return g
end

-- scan(text [, opts]) -> list of {start, stop, text, iso, precision,
-- kind}; opts.date is the document's date (for relative dates),
-- opts.order = "dmy" for 12/07/2021.
function M.scan(text, opts, g)
  opts = opts or {}
  g = g or (opts.order and grammar(opts.order) or M.grammar)
  local rows = {}
  for _, m in ipairs(G.find_all(g.pattern, text)) do
    local row = m.captures[1]
    row.start, row.stop, row.text = m.start, m.stop, text:sub(m.start, m.stop)
    rows[#rows + 1] = row
  end
  return finish(rows, { date = opts.date, text = text }, opts.order)
end

M.grammar = grammar(nil)
M.pattern = M.grammar.pattern
M.post = M.grammar.post
M.options = M.grammar.options
M.name = "date"

return M
