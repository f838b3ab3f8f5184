-- test_html.lua: web pages in the styles of several news sites load as
-- their article (every paragraph, no widget text) with their metadata;
-- WARC files built here (plain, gzip per record, gzip whole) load their
-- HTML responses; broken input is reported by file and record.
local T = dofile("tests/lua/tap.lua")
local F = "tests/fixtures/html/"

-- For each fixture: its paragraphs in order, text that must not appear,
-- and the metadata.
local pages = {
  ["wire-newsarticle.html"] = {
    paragraphs = {
      "VALMORA, April 11 (Meridian) - Dock workers in the port of Valmora voted on Tuesday to end a nine-day strike that had left more than forty container ships waiting at anchor, the union said.",
      "The agreement gives crane operators a pay rise of 6.5% this year and a further 4% in 2024, according to a statement from the Harbour Workers\226\128\153 Federation, which had sought 9%.",
      "\226\128\156Our members have shown what this port depends on,\226\128\157 federation secretary Alma Reyes told reporters outside the terminal gates. \226\128\156Now we go back to work.\226\128\157",
      "Port operator Costa Terminals said the first vessels would be berthed by Wednesday morning and that it expected the backlog to clear within two weeks.",
      "Cost to exporters",
      "Exporters of fruit and timber, who ship most of their goods through Valmora, had warned of losses of up to 12 million euros a day & called on the government to intervene.",
      "Talks resumed on Sunday.",
      "The strike was the longest at the port since 2011, when a dispute over shift patterns halted traffic for three weeks.",
    },
    absent = { "cookies", "Accept all", "Business", "Markets", "Share on", "shares", "Photo:", "Related coverage",
               "Shipping rates climb", "Advertisement", "Morning Briefing", "Sign up", "Ports", "Most read",
               "Central bank", "All rights reserved", "dataLayer", "font-family", "Subscribe now" },
    meta = { title = "Harbour cranes return to Valmora after strike ends", source = "Meridian Wire",
             date = "2023-04-11T08:42:00Z", uri = "https://meridianwire.example/world/valmora-strike-ends-2023-04-11/" },
    extra = { author = "Tomas Ferreira, Ines Okafor", publisher = "Meridian Wire", section = "World",
              modified = "2023-04-11T10:05:00Z" },
  },
  ["portal-opengraph.html"] = {
    paragraphs = {
      "Temperatures dropped below freezing in several districts, and the education department said classes would resume only after January 20",
      "The government of the hill state on Tuesday extended the winter break in all schools up to class 12 by ten days, as a cold wave tightened its grip over north India and night temperatures fell to minus four degrees in the upper reaches.",
      "\"The safety of children comes first. Schools will reopen on January 20 if the weather allows,\" Education Minister Suresh Thakur told reporters in the state capital.",
      "The meteorological department has issued an orange alert for the next 48 hours, warning of ground frost and dense fog in the plains. Power cuts were reported from two districts after snow brought down lines, according to officials.",
      "Tourism operators welcomed the snowfall.",
      "Hotel occupancy in the main resort towns rose to nearly 80 per cent over the weekend, the state's hoteliers' association said, although road closures kept some visitors away.",
    },
    absent = { "LIVE TV", "Cricket", "Home", "India News", "Published 14:20", "Follow", "Google News", "share",
               "Facebook", "WhatsApp", "IMAGE: PTI", "Also Read", "Dense fog delays", "ADVERTISEMENT",
               "With inputs", "Cold Wave", "Trending", "Stock markets", "cookies", "Got it", "Copyright", "_comscore" },
    meta = { title = "Hill state extends school holidays as cold wave grips north", source = "Nation Pulse TV",
             date = "2024-01-09T14:20:00+05:30", uri = "https://nationpulse.example/india/hill-state-school-holidays-cold-wave.html" },
    extra = { author = "Ritika Menon", section = "India News" },
  },
  ["agency-jsonld-graph.html"] = {
    paragraphs = {
      "The agency plans four new icebreakers by 2030 and expects cargo on the route to double",
      "ARKHANGELSK, November 2. /BPA/. Ships will be able to use the northern sea route all year round from 2026, the head of the state shipping agency, Viktor Lange, said on Thursday.",
      "\194\171We have the fleet and the ports to keep the route open in winter,\194\187 Lange told a conference in Arkhangelsk. \194\171What we need now is more icebreakers.\194\187",
      "Four new icebreakers",
      "According to Lange, the agency will order four nuclear-powered icebreakers by 2030, with the first to be delivered in 2027. Each of the vessels will cost about 60\194\160billion roubles.",
      "Cargo on the route reached 34 million tonnes last year. The agency expects the figure to double by the end of the decade, driven by liquefied natural gas and oil shipments to Asia.",
      "Risks for shipowners",
      "Insurers have warned that winter voyages carry higher risks.",
      "Shipowners will have to use vessels of a higher ice class, Lange acknowledged, adding that the agency would publish new rules for escorts in the spring.",
    },
    absent = { "BPA\n", "Politics", "Science", "VK", "Telegram", "Read also", "Arctic ports handled",
               "Shipping\n", "Latest news", "Parliament passes", "Reproduction" },
    meta = { title = "Northern sea route to stay open all year, says shipping agency", source = "Baltic Press Agency",
             date = "2023-11-02T11:05:00+03:00", uri = "https://bpa.example/economy/1438822" },
    extra = { author = "Irina Volkova", publisher = "Baltic Press Agency",
              description = "The agency plans four new icebreakers by 2030." },
  },
  ["old-cms-cp1251.html"] = {
    paragraphs = {
      "Депутаты городского совета Заречинска во вторник утвердили бюджет на следующий год, сообщила пресс-служба совета. За документ проголосовали 27 депутатов из 30.",
      "Расходы на ремонт дорог вырастут почти на треть, а на строительство новой школы в микрорайоне Северный выделено 410 миллионов рублей.",
      "«Это бюджет развития, а не выживания», — заявил председатель совета Андрей Лебедев.",
    },
    absent = { "Главная", "Новости", "Спорт", "Поделиться", "ВКонтакте", "Все права" },
    meta = { title = "Городской совет утвердил бюджет на следующий год", source = "Вечерний Заречинск",
             date = "2022-12-21" },
    extra = {},
  },
}

local function check_page(d, want, name)
  local paras = {}
  for p in (d.text .. "\n\n"):gmatch("(.-)\n\n+") do if p ~= "" then paras[#paras + 1] = p end end
  T.same_ok(paras, want.paragraphs, name .. ": every paragraph kept, as paragraphs, in order")
  local leaked = {}
  for _, w in ipairs(want.absent) do
    if d.text:find(w, 1, true) then leaked[#leaked + 1] = w end
  end
  T.is(table.concat(leaked, ", "), "", name .. ": no navigation, widget or footer text")
  for k, v in pairs(want.meta) do T.is(d[k], v, name .. ": " .. k) end
  for k, v in pairs(want.extra) do T.is(d.meta[k], v, name .. ": meta." .. k) end
end

for name, want in pairs(pages) do
  local c <close> = lede.open(":memory:")
  local s = c:add(F .. name, { quiet = true })
  T.is(s.added, 1, name .. ": loads as one document")
  check_page(c:doc(1), want, name)
end
do
  local c <close> = lede.open(":memory:")
  local s = c:add(F .. "old-cms-cp1251.html", { quiet = true })
  T.ok(s.problems[1] and s.problems[1].message:find("converted from windows%-1251"),
       "a windows-1251 page is converted and the conversion reported")
  s = c:add(F, { quiet = true })
  T.is(s.added, 3, "a folder of pages loads (the one already there is a duplicate)")
  T.is(s.files, 4, "... counting .html files")
end

-- lede.html on a string.
local a = lede.html(io.open(F .. "wire-newsarticle.html"):read("a"))
T.is(a.title, "Harbour cranes return to Valmora after strike ends", "lede.html gives the title")
T.ok(a.kept == 8 and a.blocks > a.kept, "lede.html counts blocks seen and kept")

-- A page with no article, and broken HTML (cut in the middle of a tag).
local tmp = os.tmpname()
os.remove(tmp)
os.execute("mkdir -p " .. tmp)
local function write(path, s) local f = assert(io.open(path, "wb")) f:write(s) f:close() end
write(tmp .. "/empty.html", "<html><head><title>Nothing</title></head><body><nav><a href='/'>Home</a></nav></body></html>")
write(tmp .. "/cut.html", "<html><body><article><p>The river rose by two metres overnight, and the town council closed the lower bridge to traffic.</p><p>Residents were told to move their cars<di")
do
  local c <close> = lede.open(":memory:")
  local s = c:add(tmp, { quiet = true })
  T.is(s.added, 1, "broken HTML still gives its text; the empty page does not")
  T.is(s.skipped, 1, "the page without an article is skipped")
  T.ok(s.problems[1] and s.problems[1].file == tmp .. "/empty.html"
       and s.problems[1].message:find("no article text"), "... with a message naming the file")
  T.ok(c:doc(1).text:find("Residents were told to move their cars", 1, true), "the cut page keeps its last words")
end

-- WARC files, built here.
local function http(body, ct, extra)
  return "HTTP/1.1 200 OK\r\nContent-Type: " .. ct .. "\r\n" .. (extra or "") ..
         "Content-Length: " .. #body .. "\r\n\r\n" .. body
end
local function record(version, type, uri, date, ct, block)
  return version .. "\r\nWARC-Type: " .. type .. "\r\nWARC-Record-ID: <urn:uuid:" .. uri:gsub("%W", "") ..
    ">\r\nWARC-Target-URI: " .. (version == "WARC/1.0" and "<" .. uri .. ">" or uri) ..
    "\r\nWARC-Date: " .. date .. "\r\nContent-Type: " .. ct ..
    "\r\nContent-Length: " .. #block .. "\r\n\r\n" .. block .. "\r\n\r\n"
end
local function page(title, p)
  return "<html><head><title>" .. title .. "</title></head><body><nav><a href='/'>Home</a> <a href='/x'>World</a></nav>" ..
    "<article><h1>" .. title .. "</h1><p>" .. p .. "</p><div class='share'>Share on Facebook</div></article>" ..
    "<footer>Contact us</footer></body></html>"
end
local p1 = "The ferry service between the two islands resumed on Monday after storms kept boats in harbour for a week, the operator said."
local p2 = "The regional court postponed the hearing until March because a key witness could not travel, a spokeswoman for the court said."
-- chunked and gzip-encoded body for the second page
local gz = tmp .. "/body"
write(gz, page("Court postpones hearing", p2))
os.execute("gzip -n -c " .. gz .. " > " .. gz .. ".gz")
local gzbody = io.open(gz .. ".gz", "rb"):read("a")
local chunked = string.format("%x\r\n", 10) .. gzbody:sub(1, 10) .. "\r\n" ..
  string.format("%x\r\n", #gzbody - 10) .. gzbody:sub(11) .. "\r\n0\r\n\r\n"
local recs = {
  record("WARC/1.1", "warcinfo", "x", "2024-02-01T10:00:00Z", "application/warc-fields", "software: test\r\n"),
  record("WARC/1.1", "request", "https://islands.example/ferry", "2024-02-01T10:00:01Z", "application/http; msgtype=request",
         "GET /ferry HTTP/1.1\r\nHost: islands.example\r\n\r\n"),
  record("WARC/1.1", "response", "https://islands.example/ferry", "2024-02-01T10:00:02Z", "application/http; msgtype=response",
         http(page("Ferries sail again", p1), "text/html; charset=utf-8")),
  record("WARC/1.0", "response", "https://courts.example/hearing", "2024-02-02T09:30:00Z", "application/http; msgtype=response",
         "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n" .. chunked),
  record("WARC/1.1", "response", "https://islands.example/logo.png", "2024-02-01T10:00:03Z", "application/http; msgtype=response",
         http("\137PNG\r\n\26\n", "image/png")),
}
local warc = table.concat(recs)
write(tmp .. "/plain.warc", warc)
for i, r in ipairs(recs) do write(tmp .. "/r" .. i, r) end
os.execute("cd " .. tmp .. " && for i in 1 2 3 4 5; do gzip -n -c r$i; done > per-record.warc.gz && gzip -n -c plain.warc > whole.warc.gz")

for _, name in ipairs{ "plain.warc", "per-record.warc.gz", "whole.warc.gz" } do
  local c <close> = lede.open(":memory:")
  local s = c:add(tmp .. "/" .. name, { quiet = true })
  T.is(s.added, 2, name .. ": the two HTML responses load")
  T.is(s.skipped, 0, name .. ": nothing skipped (request, warcinfo and image records are passed over)")
  local d1, d2 = c:doc(1), c:doc(2)
  T.is(d1 and d1.uri, "https://islands.example/ferry", name .. ": the target URI is the document's")
  T.is(d1 and d1.date, "2024-02-01T10:00:02Z", name .. ": the record date is the document's date")
  T.is(d1 and d1.text, p1, name .. ": the page's article is the text")
  T.is(d2 and d2.uri, "https://courts.example/hearing", name .. ": a WARC/1.0 target URI in <> is read")
  T.is(d2 and d2.text, p2, name .. ": a chunked, gzip-encoded body is decoded")
  T.is(d2 and d2.title, "Court postpones hearing", name .. ": the page title is the title")
end

-- A WARC cut short: what came before loads, the error names file and record.
write(tmp .. "/cut.warc", warc:sub(1, #recs[1] + #recs[2] + #recs[3] + 200))
os.execute("cd " .. tmp .. " && head -c " .. (#(io.open(tmp .. "/per-record.warc.gz", "rb"):read("a")) - 40) ..
           " per-record.warc.gz > cut.warc.gz")
for name, at in pairs{ ["cut.warc"] = 4, ["cut.warc.gz"] = 5 } do
  local c <close> = lede.open(":memory:")
  local s = c:add(tmp .. "/" .. name, { quiet = true })
  T.is(s.added, at - 3, name .. ": the records before the cut load")
  local p = s.problems[#s.problems]
  T.ok(p and p.file == tmp .. "/" .. name and p.message:find("record " .. at) and p.message:find("cut short"),
       name .. ": the error names the file and the record (" .. (p and p.message or "none") .. ")")
end
write(tmp .. "/notwarc.warc", "hello, this is not a web archive\n")
do
  local c <close> = lede.open(":memory:")
  local s = c:add(tmp .. "/notwarc.warc", { quiet = true })
  T.ok(s.problems[1] and s.problems[1].message:find("not a WARC record"), "a file that is not WARC is named as such")
end
os.execute("rm -rf " .. tmp)

T.done()
