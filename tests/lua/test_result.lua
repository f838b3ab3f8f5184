-- test_result.lua -- result tables: rendering, exports, transformations,
-- saving into the corpus.  Run as
--   build/lede -q :memory: tests/lua/test_result.lua
-- (the globals lede and db are set there).
local T = dofile("tests/lua/tap.lua")
local R = require "lede.result"
local pretty = require "lede.pretty"

local function lines(s)
  local out = {}
  for l in (s .. "\n"):gmatch("(.-)\n") do out[#out + 1] = l end
  return out
end

local function speakers()
  return R.new({
    { name = "Putin", n = 12, share = 0.5 },
    { name = "Зеленский", n = 3, share = 1 / 3 },
    { name = "Biden" },
  }, { "name", "n", "share" }, { title = nil, db = db })
end

-- ---------------------------------------------------------------------------
-- construction

local r = speakers()
T.ok(R.is(r), "new returns a result")
T.ok(not R.is({}), "a plain table is not a result")
T.is(#r, 3, "# counts rows")
T.is(r[2].name, "Зеленский", "rows are plain tables keyed by column")
T.is(getmetatable(r).__name, "lede.result", "metatable is named lede.result")
T.is(table.concat(r:columns(), ","), "name,n,share", ":columns() in order")
local cols = r:columns(); cols[1] = "changed"
T.is(r:columns()[1], "name", ":columns() returns a copy")
local p = R.new({ { 1, "a" }, { 2, "b" } }, { "id", "v" })
T.is(p[2].v, "b", "positional rows are keyed by the columns")
T.is(table.concat(R.new({ { b = 1, a = 2 } }):columns(), ","), "a,b", "columns inferred when not given")

-- ---------------------------------------------------------------------------
-- rendering

T.is(R.render(r, nil, 80), table.concat({
  "name        n   share",
  "─────────  ──  ──────",
  "Putin      12     0.5",
  "Зеленский   3  0.3333",
  "Biden",
}, "\n"), "render: aligned, numbers right, floats to 4 places, nil empty")

T.is(tostring(R.new({}, { "a" })), "(no rows)", "empty result prints (no rows)")
T.is(R.render(R.new({ { x = 1 } }, { "x" }, { title = "Counts" }), nil, 80),
  "Counts\nx\n─\n1", "title line above the table")

local long = R.new({ { id = 1, text = "Зеленский said that the talks were difficult" } }, { "id", "text" })
local out = R.render(long, nil, 24)
T.is(out, "id  text\n──  ────────────────────\n 1  Зеленский said that…",
  "long cells cut with … to the width")
for i, l in ipairs(lines(out)) do
  T.ok(utf8.len(l) ~= nil, "cut line " .. i .. " is valid UTF-8")
  T.ok(R.width(l) <= 24, "cut line " .. i .. " fits the width")
end

-- every line of a table with Cyrillic, CJK and ASCII is equally wide
local mixed = R.new({
  { who = "Зеленский", what = "говорит" },
  { who = "習近平", what = "说" },
  { who = "Putin", what = "says" },
}, { "who", "what" })
local widths = {}
for _, l in ipairs(lines(R.render(mixed, nil, 80))) do
  widths[#widths + 1] = R.width((l:gsub("%s+$", "")) .. "")
end
T.is(R.width(lines(R.render(mixed, nil, 80))[3]:match("^(.-)  ")), 9,
  "Зеленский counts 9 cells")
T.is(R.width("習近平"), 6, "CJK counts two cells each")
local starts = {}
for _, l in ipairs(lines(R.render(mixed, nil, 80))) do
  -- the display column where the second field starts
  local first = l:match("^(.-%S)%s%s+%S") or l
  local s = l:find("%S", #first + 1) or 0
  starts[#starts + 1] = R.width(l:sub(1, s - 1))
end
T.ok(starts[1] == starts[3] and starts[3] == starts[4] and starts[4] == starts[5],
  "second column starts at the same display column on every line")

local many = {}
for i = 1, 25 do many[i] = { i = i } end
local m = R.new(many, { "i" })
local ml = lines(tostring(m))
T.is(#ml, 2 + 20 + 1, "20 rows shown by default")
T.is(ml[#ml], "… 5 more rows", "then … N more rows")
T.is(#lines(R.render(m, 3, 80)), 2 + 3 + 1, "render(n) shows n rows")
T.is(lines(R.render(m, 24, 80))[27], "… 1 more row", "singular row")
T.is(#lines(R.render(m, math.huge, 80)), 27, "math.huge shows all")

local wide = R.new({ { a = "aaaaaaaaaa", b = "bbbbbbbbbb", c = "cccccccccc", d = "dddddddddd" } },
  { "a", "b", "c", "d" })
local wl = lines(R.render(wide, nil, 30))
T.is(wl[3], "aaaaa…  bbbbb…  ccccc…  ddddd…", "wide columns shrink to fit")
wl = lines(R.render(wide, nil, 24))
T.is(wl[3], "aaaaa…  bbbbb…  ccccc…", "columns that do not fit even narrow are dropped")
T.is(wl[#wl], "… 1 more column: d", "and named")
wl = lines(R.render(wide, nil, 14))
T.is(wl[#wl], "… 2 more columns", "names left out when they do not fit")

local nums = R.new({ { big = 123456789012, text = "a long text that has to be cut somewhere" } }, { "big", "text" })
T.is(lines(R.render(nums, nil, 30))[3], "123456789012  a long text tha…", "numbers are never cut, text is")

local odd = R.new({ { s = "two\nlines", t = "bad\xffbyte", u = true, v = { 1, 2 } } }, { "s", "t", "u", "v" })
local ol = lines(R.render(odd, nil, 80))
T.is(#ol, 3, "newlines in cells do not break rows")
T.ok(ol[3]:find("two↵lines", 1, true) ~= nil, "newline shown as ↵")
T.ok(utf8.len(ol[3]) ~= nil, "invalid UTF-8 in a cell is replaced")
T.ok(ol[3]:find("true", 1, true) and ol[3]:find("{1, 2}", 1, true), "booleans and tables shown")

T.is(R.number_text(2 / 3), "0.6667", "float below 1: 4 significant digits")
T.is(R.number_text(1234.56789), "1234.5679", "float: 4 decimals")
T.is(R.number_text(2.5), "2.5", "trailing zeros dropped")
T.is(R.number_text(0.0001234), "0.0001234", "small float keeps its digits")
T.is(R.number_text(7), "7", "integer as is")

-- ---------------------------------------------------------------------------
-- transformations

local s = r:sort("n")
T.ok(R.is(s), "sort returns a result")
T.is(s[1].name .. "," .. s[2].name .. "," .. s[3].name, "Зеленский,Putin,Biden", "sort ascending, nil last")
s = r:sort("n", true)
T.is(s[1].name .. "," .. s[2].name .. "," .. s[3].name, "Putin,Зеленский,Biden", "sort descending, nil still last")
T.is(r[1].name, "Putin", "sort leaves the original alone")
local st = R.new({
  { k = 1, v = "a" }, { k = 2, v = "b" }, { k = 1, v = "c" }, { k = 2, v = "d" }, { k = 1, v = "e" },
}, { "k", "v" })
local ks = st:sort("k")
T.is(ks[1].v .. ks[2].v .. ks[3].v .. ks[4].v .. ks[5].v, "acebd", "sort is stable")
local ml2 = st:sort({ "k", "v" }, { true, true })
T.is(ml2[1].v .. ml2[2].v .. ml2[3].v .. ml2[4].v .. ml2[5].v, "dbeca", "multi-level sort with desc list")
T.raises(function() r:sort("nope") end, "no column 'nope'", "sort by an unknown column raises")

local f = r:filter(function(row) return (row.n or 0) > 5 end)
T.ok(R.is(f) and #f == 1 and f[1].name == "Putin", "filter keeps matching rows")
T.is(table.concat(f:columns(), ","), "name,n,share", "filter keeps the columns")
T.is(#r:top(2), 2, "top(n)")
T.is(#r:top(10), 3, "top(n) beyond the end")
T.is(r:top(1)[1].name, "Putin", "top keeps order")

-- ---------------------------------------------------------------------------
-- exports

local q = R.new({
  { a = "plain", b = 'say "hi"', c = 1 },
  { a = "x,y", b = "line1\nline2", c = 2.5 },
  { a = nil, b = "", c = 0.1 },
}, { "a", "b", "c" })
T.is(q:csv(), 'a,b,c\r\nplain,"say ""hi""",1\r\n"x,y","line1\nline2",2.5\r\n,,0.1\r\n',
  "csv: RFC 4180 quoting, CRLF, nil empty")
T.is(R.new({ { x = 1 / 3 } }, { "x" }):csv(), "x\r\n0.33333333333333331\r\n", "csv keeps full precision")
local tmp = os.tmpname()
T.is(q:csv(tmp), tmp, "csv(path) returns the path")
local fh = io.open(tmp, "rb"); local text = fh:read("a"); fh:close()
T.is(text, q:csv(), "csv(path) writes the same text")
local none, msg = q:csv("/nonexistent-dir/x.csv")
T.ok(none == nil and type(msg) == "string", "csv to a bad path returns nil, message")

T.is(q:json(), '[\n{"a":"plain","b":"say \\"hi\\"","c":1},\n' ..
  '{"a":"x,y","b":"line1\\nline2","c":2.5},\n{"a":null,"b":"","c":0.1}\n]\n',
  "json: objects with columns in order, escapes, null")
T.is(R.new({}, { "a" }):json(), "[]\n", "json of no rows")
T.is(R.new({ { s = "Зеленский\1" } }, { "s" }):json(), '[\n{"s":"Зеленский\\u0001"}\n]\n',
  "json keeps UTF-8, escapes control characters")
T.is(q:json(tmp), tmp, "json(path) returns the path")
os.remove(tmp)

T.is(r:markdown(), table.concat({
  "| name      |   n |  share |",
  "| --------- | --: | -----: |",
  "| Putin     |  12 |    0.5 |",
  "| Зеленский |   3 | 0.3333 |",
  "| Biden     |     |        |",
}, "\n") .. "\n", "markdown: pipe table, numbers right-aligned")
T.is(R.new({ { a = "x|y" } }, { "a" }):markdown(), "| a    |\n| ---- |\n| x\\|y |\n", "markdown escapes |")

-- ---------------------------------------------------------------------------
-- pretty

T.is(pretty.format({ 1, 2, x = "a" }), '{1, 2, x = "a"}', "pretty: list then keys")
local cyc = { name = "loop" }; cyc.me = cyc
T.is(pretty.format(cyc), '{me = <cycle>, name = "loop"}', "pretty: cycles")
T.is(pretty.format({ { { { 1 } } } }), "{{{{…}}}}", "pretty: depth limit 3")
T.is(pretty.format({ ["a b"] = 1, [true] = 2, ["end"] = 3 }), '{["a b"] = 1, ["end"] = 3, [true] = 2}',
  "pretty: keys that are not names")
T.is(pretty.format(r), tostring(r), "pretty shows a result through its tostring")

-- ---------------------------------------------------------------------------
-- saving into the corpus

if db then
  local ok, err = speakers():save("speakers")
  T.ok(ok == true, "save returns true " .. tostring(err))
  local back = db:sql("select name, n, share from speakers order by rowid")
  T.is(#back, 3, "saved rows come back")
  T.is(back[2].name, "Зеленский", "UTF-8 text round trip")
  T.is(back[1].n, 12, "integer round trip")
  T.is(back[2].share, 1 / 3, "float round trip")
  T.is(back[3].n, nil, "nil stored as NULL")
  local types = db:sql("select typeof(name) a, typeof(n) b, typeof(share) c from speakers where rowid = 1")
  T.is(types[1].a .. "," .. types[1].b .. "," .. types[1].c, "text,integer,real",
    "column types: TEXT, INTEGER, REAL")
  local decl = db:sql("select sql from sqlite_master where name = 'speakers'")[1].sql
  T.ok(decl:find('"n" INTEGER', 1, true) and decl:find('"share" REAL', 1, true)
    and decl:find('"name" TEXT', 1, true), "declared types " .. tostring(decl))
  T.ok(r:top(1):save("speakers"), "saving again works")
  T.is(db:sql("select count(*) n from speakers")[1].n, 1, "saving again replaces the table")
  local rt = db:sql("select * from speakers")
  T.ok(rt:save("speakers_copy"), "a db:sql result can be saved")
  T.is(db:sql("select name from speakers_copy")[1].name, "Putin", "copy round trip")
  local big = {}
  for i = 1, 2500 do big[i] = { i = i, half = i / 2, word = "w" .. i } end
  T.ok(R.new(big, { "i", "half", "word" }):save("big"), "save in several batches")
  local sum = db:sql("select count(*) n, sum(i) s, max(word) w from big")[1]
  T.is(sum.n .. " " .. sum.s, "2500 3126250", "every row of a big result saved once")
  local null = getmetatable(lede.json.decode("null") or {}) and lede.json.decode("null")
  if null ~= nil then
    local nr = R.new({ { a = null, b = 1 } }, { "a", "b" })
    T.is(nr:csv(), "a,b\r\n,1\r\n", "json.null is an empty CSV field")
    T.is(nr:json(), '[\n{"a":null,"b":1}\n]\n', "json.null is JSON null")
    T.ok(nr:save("nulls") and db:sql("select a is null x from nulls")[1].x == 1, "json.null saved as NULL")
  end
else
  T.diag("no db: save tests skipped")
end

for _, bad in ipairs({ "docs", "DOCS", "lede_info", "lede_anything", "sqlite_master",
                       "1abc", "a b", "x;drop table docs", "" }) do
  T.raises(function() speakers():save(bad) end, "bad argument #1 to 'save'",
    "save refuses name " .. string.format("%q", bad))
end
T.raises(function() speakers():save(42) end, "bad argument", "save refuses a non-string name")

T.done()
