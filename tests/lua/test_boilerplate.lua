-- test_boilerplate.lua: lede.boilerplate takes web boilerplate out of
-- scraped text, keeps every article sentence, reads dates and authors out
-- of what it removes, and lets users add and remove rules; db:add runs it
-- by default and counts what it did; mojibake and entities are repaired.
local T = dofile("tests/lua/tap.lua")
local bp = lede.boilerplate
local F = "tests/fixtures/text/"

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function trim(s) return bp.trim(s) end

-- Lines that are boilerplate, with the rule that should take them.
local boiler = {
  { "Source link", "source link" },
  { "Read more", "source link" },
  { "Follow: Google News Icon", "follow" },
  { "Follow us on Telegram", "follow" },
  { "  \226\128\162 share", "share" },
  { "Share this article", "share" },
  { "Facebook Twitter WhatsApp Email", "share" },
  { "Podcasts", "player" },
  { "0:00", "player" },
  { "23:13", "player" },
  { "25:0", "player" },
  { "0:00 / 23:13", "player" },
  { "sb.scorecardresearch", "tracker" },
  { "IMAGE: AP | Image: self", "credit" },
  { "Photo: Reuters", "credit" },
  { "(With inputs from ANI)", "credit" },
  { "Published 13:56 IST, November 19th 2021", "published" },
  { "Updated 08:15 IST, March 3rd 2023", "updated" },
  { "Reported by: Ann Lee", "byline" },
  { "Written by Mark O'Neil and Sara Kim", "byline" },
  { "Advertisement", "promo" },
  { "Also Read | Markets fall on rate fears", "promo" },
  { "We use cookies to improve your experience. By continuing you agree.", "cookies" },
  { "8 Dec, 2021 11:53", "dateline" },
  { "icon bookmark-bicon cameraicon checkicon chevron downicon closeicon", "icons" },
}
for _, c in ipairs(boiler) do
  T.is(bp.check(c[1]), c[2], "boilerplate: " .. trim(c[1]))
end

-- Article sentences and headings that look a little like boilerplate.
local article = {
  "Shares in the port operator fell 4% on Tuesday.",
  "Share prices fell sharply after the announcement",
  "Photographers were kept behind a barrier outside the court.",
  "Published figures show the deficit narrowed in March.",
  "Sources close to the talks said no deal was near.",
  "Follow-up talks are planned for May.",
  "Updated figures will be released next week.",
  "By Tuesday evening the roads had reopened.",
  "Taboola and Outbrain called off their merger last year.",
  "The EU cookie rules require websites to ask users for consent.",
  "Talking from Sochi via secure line",
  "Media hysteria",
  "MOSCOW/WASHINGTON, December 7. /TASS/. The leaders met.",
  "He said it would take 23:13 minutes to finish.",
}
for _, line in ipairs(article) do
  T.is(bp.check(line), nil, "article text: " .. line)
end

-- What rules read from the lines they take.
local _, m = bp.check("Published 13:56 IST, November 19th 2021")
T.is(m.date, "13:56 IST, November 19th 2021", "a Published line gives its date")
_, m = bp.check("Reported by: Bhavya Sukheja")
T.is(m.author, "Bhavya Sukheja", "a Reported by line gives the author")
T.is(bp.check("Published 13:56 on the list"), nil, "a Published line without a date is kept")

-- Text fixtures in the style of scraped pages: the boilerplate lines go,
-- every other line (the article) stays, in order.
local fixtures = {
  ["agency-style.txt"] = { removed = 8, date = "14 Mar, 2023 09:20",
    lines = { "^icon bookmark", "^14 Mar, 2023", "^Podcasts$", "^0:00$", "^31:07$", "^18:4$" } },
  ["portal-style.txt"] = { removed = 9, date = "08:15 IST, March 3rd 2023", author = "Anika Rao",
    lines = { "^sb%.", "^Published", "^Reported by", "^Follow:", "share$", "^Water$", "^IMAGE:",
              "^%(With inputs", "^Updated" } },
  ["wire-style.txt"] = { removed = 2, lines = { "^With reports from", "^Source link$" } },
}
for name, want in pairs(fixtures) do
  local text = read(F .. name)
  local out, info = bp.clean(text)
  T.is(#info.removed, want.removed, name .. ": lines removed")
  T.is(info.date, want.date, name .. ": date read")
  T.is(info.author, want.author, name .. ": author read")
  local kept_ok, gone_ok, pos = true, true, 1
  local seen = {}
  for line in text:gmatch("[^\n]+") do
    local t = trim(line)
    local is_bp = false
    for _, p in ipairs(want.lines) do if t:find(p) then is_bp = true end end
    if is_bp then
      if out:find(t, 1, true) then gone_ok = false; print("# still there: " .. t) end
    elseif t ~= "" and not seen[t] then
      local at = out:find(t, pos, true)
      if not at then kept_ok = false; print("# lost: " .. t) else pos = at end
      seen[t] = true
    end
  end
  T.ok(gone_ok, name .. ": every boilerplate line is gone")
  T.ok(kept_ok, name .. ": every article line is kept, in order")
end

-- Users extend the rules with LPeg or re patterns, and remove them.
local text = "Council approves new bridge\nPromo code: SAVE20 at checkout\nThe bridge opens in June.\nEdited by Maria Lopez"
local out, info = bp.clean(text)
T.ok(out:find("Promo code", 1, true), "an unknown widget line stays before a rule is added")
bp.add("promo code", bp.I"promo code" * bp.rest)
bp.add("editor", bp.I"Edited by " * bp.C(bp.name), { meta = function(who) return { editor = who } end })
out, info = bp.clean(text)
T.ok(not out:find("Promo code", 1, true), "a user's LPeg rule removes its lines")
T.is(info.meta.editor, "Maria Lopez", "a user's rule gives metadata through its function")
T.ok(out:find("The bridge opens in June.", 1, true), "article text stays")
bp.add("weather", "'Weather:' .*")
T.is(bp.check("Weather: sunny, 24C"), "weather", "a rule written in re syntax works")
T.ok(bp.remove("promo code") and bp.remove("editor") and bp.remove("weather"), "rules are removed by name")
T.is(bp.check("Promo code: SAVE20"), nil, "a removed rule no longer matches")
T.raises(function() bp.add("bad", 42) end, "LPeg pattern", "a rule without a pattern is refused")
T.ok(bp.remove("source link"), "a default rule can be removed")
T.is(bp.check("Source link"), nil, "... and then does not match")
bp.reset()
T.is(bp.check("Source link"), "source link", "reset restores the defaults")

-- db:add runs the filter: titles, dates, authors and meta come from it.
do
  local db2 <close> = lede.open(":memory:")
  local s = db2:add(F, { quiet = true })
  T.is(s.added, 5, "the text fixtures load")
  T.is(s.boilerplate, 19, "the summary counts the boilerplate lines removed")
  T.is(s.mojibake, 1, "the summary counts documents with mojibake repaired")
  T.is(s.entities, 1, "the summary counts documents with entities decoded")
  local by = {}
  for d in db2:docs() do by[d.uri:match("[^/]+$")] = d end
  local a = by["agency-style.txt"]
  T.is(a.title, "Lakeside province votes to keep its ferry subsidy \226\128\147 governor",
       "a txt title is the first line left, not an icon list")
  T.is(a.date, "2023-03-14T09:20", "the dateline line gives the date")
  T.ok(not a.text:find("Lakeside province votes to keep its ferry subsidy \226\128\147 governor\nLakeside", 1, true),
       "the repeated headline is kept once")
  local p = by["portal-style.txt"]
  T.is(p.title, "Coastal city opens its first desalination plant, says mayor", "a tracker line is not the title")
  T.is(p.date, "2023-03-03T08:15+05:30", "the Published line gives the date")
  T.is(p.meta.author, "Anika Rao", "the Reported by line gives meta.author")
  T.is(#p.meta.boilerplate, 9, "meta.boilerplate keeps what was removed")
  T.is(p.meta.boilerplate[1], "sb.scorecardresearch", "... in order")
  local mj = by["mojibake.txt"]
  T.is(mj.title, "Caf\195\169 owners say prices rose", "mojibake in the title is repaired")
  T.ok(mj.text:find("city\226\128\153s rent rules had \226\128\156changed everything\226\128\157", 1, true),
       "quotes and apostrophes come back from mojibake")
  T.ok(mj.text:find("Caf\195\169 Mar\195\169e", 1, true), "accented letters come back from mojibake")
  T.ok(mj.text:find("\226\130\1721,200 a month \226\128\147 more", 1, true), "euro sign and dash come back")
  local en = by["entities.txt"]
  T.is(en.title, "Harbour & rail unions agree joint pay claim", "entities in the title are decoded")
  T.ok(en.text:find('"modest" \226\128\147 about 4\194\160% \226\128\147 and', 1, true), "named and numeric entities decoded")
  T.ok(en.text:find("union\226\128\153s leader called it \226\128\152a fair start\226\128\153", 1, true), "hex entities decoded")

  local db3 <close> = lede.open(":memory:")
  s = db3:add(F .. "portal-style.txt", { quiet = true, boilerplate = false, repair = false })
  T.is(s.boilerplate, 0, "boilerplate = false: nothing removed")
  local d = db3:doc(1)
  T.ok(d.text:find("sb.scorecardresearch", 1, true), "boilerplate = false keeps the lines")
  T.is(d.title, "sb.scorecardresearch", "... and the first line is the title, as asked")
  s = db3:add(F .. "mojibake.txt", { quiet = true, repair = false })
  T.is(s.mojibake, 0, "repair = false leaves mojibake alone")
end

-- lede.repair on its own, and where repair must not happen.
T.is(lede.repair("\195\131\194\169t\195\131\194\169"), "\195\169t\195\169", "Ã© -> é")
T.is(lede.repair("\195\131\194\131\195\130\194\169"), "\195\169", "double mojibake is undone")
T.is(select(2, lede.repair("Na\195\175ve caf\195\169 \194\171CAF\195\137\194\187 \195\128 bient\195\180t")), 0,
     "correct accented text is left alone (\194\171CAF\195\137\194\187 is not mojibake)")
T.is(select(3, lede.repair("AT&T and R&D; &bogus; & co")), 0, "ampersands that are not entities stay")
T.is(lede.repair("&#146;&#x1F600;&#0;"), "\226\128\153\240\159\152\128\239\191\189", "numeric references, cp1252 range and NUL")

-- The seed articles, read in place: for each, the boilerplate lines it
-- has go and every article sentence stays.
local seeds = "../shared/corpus/seeds/"
local probe = io.open(seeds .. "000_b0c55f1e45f9c03c.txt")
if not probe then
  T.diag("skip: ../shared/corpus/seeds is absent")
else
  probe:close()
  -- File -> patterns of its boilerplate lines (the rest is article).
  local expect = {
    ["000_b0c55f1e45f9c03c.txt"] = { prefix = "^date %d%d%d%d%-%d%d%-%d%d%s+", lines = {} },
    ["001_362cef13334530c5.txt"] = { lines = { "^With reports from", "^Source link$" } },
    ["002_985e9e0e1d8ca0bf.txt"] = { lines = { "^icon bookmark", "^%d+ Dec, %d+ %d+:%d+$", "^Podcasts$", "^%d+:%d+$" },
                                     once = true },
    ["003_c55590660c312243.txt"] = { lines = {} },
    ["004_2ea73eedabb03e0b.txt"] = { lines = { "scorecardresearch", "^Published", "^Reported by", "^Follow:",
                                     "^\226\128\162 share$", "^Ukraine$", "^IMAGE:", "^%(With inputs", "^Updated" } },
  }
  local db4 <close> = lede.open(":memory:")
  local s = db4:add(seeds, { quiet = true })
  T.is(s.added, 5, "the five seed articles load")
  for d in db4:docs() do
    local name = d.uri:match("[^/]+$")
    local want = expect[name]
    local raw = read(seeds .. name)
    local lost, left, seen, lines = {}, {}, {}, {}
    for l in d.text:gmatch("[^\n]+") do lines[trim(l)] = true end
    for line in raw:gmatch("[^\n]+") do
      local t = trim(line)
      if want.prefix then t = t:gsub(want.prefix, "") end
      local is_bp = false
      for _, p in ipairs(want.lines) do if t:find(p) then is_bp = true end end
      if t ~= "" then
        if is_bp then
          if lines[t] then left[#left + 1] = t end
        elseif not d.text:find(t, 1, true) then
          lost[#lost + 1] = t
        end
        if want.once and not is_bp and seen[t] then
          local a = d.text:find(t, 1, true)
          if a and d.text:find(t, a + #t, true) then left[#left + 1] = t end
        end
        seen[t] = true
      end
    end
    T.is(#lost, 0, name .. ": every article sentence stays" .. (lost[1] and (" (lost: " .. lost[1]:sub(1, 40) .. ")") or ""))
    T.is(#left, 0, name .. ": every boilerplate line goes" .. (left[1] and (" (left: " .. left[1]:sub(1, 40) .. ")") or ""))
    T.ok(not (d.title or ""):find("icon") and not (d.title or ""):find("scorecard"), name .. ": the title is article text")
  end
  local d5 = db4:doc(5)
  T.is(d5.date, "2021-11-19T13:56+05:30", "004: the date comes from the Published line")
  T.is(d5.meta.author, "Bhavya Sukheja", "004: the author comes from the Reported by line")
  T.is(db4:doc(1).date, "2021-12-07", "000: the date prefix gives the date")
end

T.done()
