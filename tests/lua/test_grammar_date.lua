-- test_grammar_date.lua: lede.grammar.date on the forms news uses, each
-- with its ISO value, precision and kind worked out by hand against the
-- document date 2021-12-08 (a Wednesday); the day/month order option;
-- calendar arithmetic against os.time; and db:extract with the grammar.
local T = dofile("tests/lua/tap.lua")
local D = lede.grammar.date

local function one(text, date, opts)
  local o = opts or {}
  o.date = date or "2021-12-08T10:00Z"
  local r = D.scan(text, o)
  return r[1] and r[1].iso, r[1] and r[1].precision, r[1] and r[1].kind, r[1] and r[1].text, #r
end

local cases = {
  -- text, iso, precision, kind, matched text
  { "on 2021-12-07.", "2021-12-07", "day", "absolute" },
  { "8 Dec, 2021 11:53", "2021-12-08T11:53", "minute", "absolute", "8 Dec, 2021 11:53" },
  { "talks on December 7 went", "2021-12-07", "day", "partial", "on December 7" },
  { "November 19th 2021", "2021-11-19", "day", "absolute" },
  { "Dec. 7, 2021", "2021-12-07", "day", "absolute" },
  { "7 December 2021", "2021-12-07", "day", "absolute" },
  { "12/07/2021", "2021-12-07", "day", "absolute" },
  { "09.03.2024", "2024-03-09", "day", "absolute" },
  { "25/12/2021", "2021-12-25", "day", "absolute" },   -- 25 cannot be a month
  { "Published 13:56 IST, November 19th 2021", "2021-11-19T13:56+05:30", "minute", "absolute" },
  { "at around 1500 GMT on Tuesday", "2021-12-07T15:00Z", "minute", "relative" },
  { "2021-12-07T15:00:00Z", "2021-12-07T15:00Z", "minute", "absolute" },
  { "He spoke on Tuesday.", "2021-12-07", "day", "relative", "on Tuesday" },
  { "They will meet on Thursday.", "2021-12-09", "day", "relative" },
  { "It happened on Wednesday.", "2021-12-08", "day", "relative" },
  { "next Wednesday", "2021-12-15", "day", "relative" },
  { "last Wednesday", "2021-12-01", "day", "relative" },
  { "yesterday", "2021-12-07", "day", "relative" },
  { "tomorrow at 9:30 pm", "2021-12-09T21:30", "minute", "relative" },
  { "last week", "2021-W48", "week", "relative" },
  { "next week", "2021-W50", "week", "relative" },
  { "earlier this month", "2021-12", "month", "relative" },
  { "last month", "2021-11", "month", "relative" },
  { "next year", "2022", "year", "relative" },
  { "three days ago", "2021-12-05", "day", "relative" },
  { "on December 26", "2021-12-26", "day", "partial" },
  { "in June", "2021-06", "month", "partial" },
  { "December 2021", "2021-12", "month", "absolute" },
  { "in 2019", "2019", "year", "absolute" },
  { "Monday, December 13", "2021-12-13", "day", "partial" },
}
for _, c in ipairs(cases) do
  local iso, prec, kind, text = one(c[1])
  T.is(iso, c[2], c[1] .. ": iso")
  T.is(prec, c[3], c[1] .. ": precision")
  T.is(kind, c[4], c[1] .. ": kind")
  if c[5] then T.is(text, c[5], c[1] .. ": matched text") end
end

-- Not dates.
for _, s in ipairs { "by 1500 GMT", "May I ask", "the 1998 protocol", "31 February 2021",
                     "25:99 GMT", "Mayor Rusnak", "a marching band", "in a week" } do
  local iso, _, _, text = one(s)
  T.ok(iso == nil or (s == "by 1500 GMT" and text == "1500 GMT"), "not a date: " .. s)
end

-- Without a document date, relative dates are dropped and partial ones
-- keep what the text says.
T.is(select(1, one("on December 26", "")), "--12-26", "no document date: --MM-DD")
T.is(select(5, one("on Tuesday", "")), 0, "no document date: no weekday")

-- Day/month order.
T.is(one("12/07/2021", nil, { order = "dmy" }), "2021-07-12", "order = dmy")

-- A year boundary: "December 30" in a January article is last year.
T.is(one("on December 30", "2022-01-03"), "2021-12-30", "partial date takes the nearest year")
T.is(one("last week", "2021-01-10"), "2020-W53", "ISO week across a year (2020 has 53 weeks)")

-- Calendar arithmetic against os.time over ten years of days.
local ok = true
for day = 0, 3652, 7 do
  local t = os.time { year = 2015, month = 1, day = 1 + day, hour = 12 }
  local d = os.date("*t", t)
  local z = D.days_from_civil(d.year, d.month, d.day)
  local y, m, dd = D.civil_from_days(z)
  if y ~= d.year or m ~= d.month or dd ~= d.day then ok = false end
  if D.iso_week(z) ~= os.date("%G-W%V", t) then ok = false end
end
T.ok(ok, "days_from_civil, civil_from_days and iso_week agree with os.date")

-- db:extract with the grammar: rows have iso, precision, kind.
local tmp = os.tmpname()
local f = assert(io.open(tmp, "w"))
f:write("Talks\n\n2021-12-08\n\nThe envoy arrived on Tuesday. The vote is set for 12/07/2021.\n")
f:close()
db:add(tmp, { quiet = true, boilerplate = false })
os.remove(tmp)
local r = db:extract(D)
T.is(#r, 3, "extract: three dates")
T.is(r[2].iso, "2021-12-07", "extract: a weekday against the document's date")
T.is(getmetatable(r).columns[5], "iso", "extract: iso, precision, kind columns")
T.is(db:extract(D, { order = "dmy" })[3].iso, "2021-07-12", "extract passes order to the grammar")
T.done()
