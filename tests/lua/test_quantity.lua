-- test_quantity.lua: lede.grammar.quantity on hand-worked sentences
-- (value, unit, kind, currency of each match) and over the sample corpus
-- through db:extract, where every planted number must be found.
local T = dofile("tests/lua/tap.lua")
local Q = require "lede.grammar.quantity"

local function got(text)
  local out = {}
  for _, m in ipairs(Q.find(text)) do
    out[#out + 1] = string.format("%s=%s %s %s%s", m.text, tostring(m.value), m.unit, m.kind,
      m.currency and (" " .. m.currency) or "")
  end
  return table.concat(out, "; ")
end

local NBSP = "\194\160"
local cases = {
  { "Veldora has massed up to 100,000 troops near the border.", "100,000 troops=100000 troops count" },
  { "The council groups 30 NATO member states.", "30 NATO member states=30 NATO member states count" },
  { "Traffic stopped for two hours.", "two hours=2 hours measure" },
  { "Levels fell by 38" .. NBSP .. "% and grain rose 4.2%; unemployment is 15 per cent.",
    "38" .. NBSP .. "%=38 % percent; 4.2%=4.2 % percent; 15 per cent=15 % percent" },
  { "the $2.4 billion project", "$2.4 billion=2400000000 USD money USD" },
  { "a €300m loan and a $2.5bn deal", "€300m=300000000 EUR money EUR; $2.5bn=2500000000 USD money USD" },
  { "fined 5 million roubles", "5 million roubles=5000000 RUB money RUB" },
  { "about €120" .. NBSP .. "000 for wells", "€120" .. NBSP .. "000=120000 EUR money EUR" },
  { "a 1,200-megawatt plant", "1,200-megawatt=1200 megawatt measure" },
  { "a volume of 1,500.5 million cubic metres", "1,500.5 million cubic metres=1500500000 cubic metres measure" },
  { "a flow of 260 m³/s at the border", "260 m³/s=260 m³/s measure" },
  { "300 cubic metres per second", "300 cubic metres per second=300 cubic metres per second measure" },
  { "for thirty-one years", "thirty-one years=31 years measure" },
  { "40,000 people joined the march", "40,000 people=40000 people count" },
  { "USD 5 million in aid", "USD 5 million=5000000 USD money USD" },
  { "a brand-new $2.4 BILLION dam", "$2.4 BILLION=2400000000 USD money USD" },
  -- not quantities
  { "In 1998 a protocol was signed on 2024-03-04 at 13:56.", "" },
  { "Dated 09.03.2024, on March 4 and 4 March 2024.", "" },
  { "The G7 met; one of the men said 220.", "" },
  { "less than the 300 Ostrevia demanded", "" },
}
for _, c in ipairs(cases) do T.is(got(c[1]), c[2], c[1]) end

-- Over the sample corpus, through db:extract: the numbers the sample
-- corpus README plants, with their values.
for _, d in ipairs{ "northgate-wire", "vta", "ilvra-courier", "daily-clarion", "newspulse24", "feeds" } do
  db:add("tests/corpus/sample/" .. d, { quiet = true, source_from_dir = true })
end
local rows = db:extract(lede.grammar.quantity)
local found = {}
for _, r in ipairs(rows) do found[r.value .. " " .. r.unit] = (found[r.value .. " " .. r.unit] or 0) + 1 end
for _, want in ipairs{ "100000 hectares", "100000 troops", "1500500000 cubic metres", "30 member states",
                       "2 hours", "38 %", "2400000000 USD", "300000000 EUR" } do
  T.ok(found[want], "the sample corpus has " .. want)
end
local kinds = {}
for _, r in ipairs(rows) do kinds[r.kind] = (kinds[r.kind] or 0) + 1 end
T.ok(kinds.money and kinds.percent and kinds.count and kinds.measure, "all four kinds occur")
local bad = 0
for _, r in ipairs(rows) do
  local text = db:doc(r.doc).text
  if text:sub(r.start, r.stop) ~= r.text or type(r.value) ~= "number" then bad = bad + 1 end
end
T.is(bad, 0, "every row's span is its text and its value a number")
T.diag(#rows .. " quantities in the sample corpus")
T.done()
