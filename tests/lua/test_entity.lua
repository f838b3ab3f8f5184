-- test_entity.lua: lede.grammar.entity against the hand-labelled fixture
-- (tests/fixtures/entity): precision, recall and F1 with span and type
-- both right, printed for `make test`; F1 must reach 0.85.  Also the
-- pieces the score rests on: titles, particles, possessives, hyphens,
-- sentence-initial capitals, user lists and the LPeg pattern.
local T = dofile("tests/lua/tap.lua")
local F = dofile("tests/lua/entity_fixture.lua")
local entity = require "lede.grammar.entity"

local docs = F.load(db)
local votes = {}
for d in db:docs() do entity.learn(d.text, votes) end
local known = entity.dictionary(votes)

local function report(label, s)
  io.write(string.format("## entities, %s: precision %.3f, recall %.3f, F1 %.3f (%d of %d found, %d predicted)\n",
    label, s.precision, s.recall, s.f1, s.tp, s.gold, s.predicted))
end
local function only(heldout)
  local out = {}
  for _, d in ipairs(docs) do if heldout == nil or d.heldout == heldout then out[#out + 1] = d end end
  return out
end
local with_corpus = function(d) return entity.find(d.text, { known = known }) end
local all = F.score(docs, with_corpus)
local held = F.score(only(true), with_corpus)
local alone = F.score(docs, function(d) return entity.find(d.text) end)
report("whole fixture", all)
report("held-out part", held)
report("each document alone", alone)
T.ok(all.gold > 450, "the fixture labels more than 450 mentions (" .. all.gold .. ")")
T.ok(all.f1 >= 0.85, "F1 over the fixture >= 0.85")
-- The held-out articles were labelled after the grammar was written (F1
-- 0.929 then); a few general fixes followed.  They must stay above the bar.
T.ok(held.f1 >= 0.85, "F1 over the held-out articles >= 0.85")
T.ok(alone.f1 >= 0.85, "F1 with each document alone (no corpus dictionary) >= 0.85")
for i = 1, math.min(#all.errors, 12) do T.diag(all.errors[i]) end

-- Cases, each a sentence and the mentions wanted.
local function names(text, opts)
  local out = {}
  for _, m in ipairs(entity.find(text, opts)) do out[#out + 1] = m.name .. "|" .. m.type end
  return table.concat(out, ", ")
end
local cases = {
  { "Foreign Minister Teodora Vos met President Timur Bessarin.", "Teodora Vos|person, Timur Bessarin|person" },
  { "It was Kremlin spokesperson Dmitri Valenko who spoke.", "Kremlin|org, Dmitri Valenko|person" },
  { "NATO Secretary General Maarten de Wit arrived.", "NATO|org, Maarten de Wit|person" },
  { "They met Omar al-Rashid and Anne van der Berg in Paris.", "Omar al-Rashid|person, Anne van der Berg|person, Paris|place" },
  { "Russia’s envoy and Ukraine's minister met in Geneva.", "Russia|place, Ukraine|place, Geneva|place" },
  { "The talks were U.N.-brokered in Vienna.", "U.N.|org, Vienna|place" },
  { "Meanwhile officials in Kyiv said nothing.", "Kyiv|place" },
  { "Hungarian Prime Minister Viktor Halmos spoke.", "Viktor Halmos|person" },
  { "Analysts at the Karsk Institute for Strategic Studies disagree.", "Karsk Institute for Strategic Studies|org" },
  { "The state utility VeldHydro said so.", "VeldHydro|org" },
  { "WHO officials said Who cares.", "WHO|org" },
  { "MIRAVEL, March 4 – Water levels fell.", "MIRAVEL|place" },
  { "Mrs. Alena Brodska runs a café by the bridge.", "Alena Brodska|person" },
  { "Wells ran dry in Dolna, Brezik and Stari Most.", "Dolna|place, Brezik|place, Stari Most|place" },
  { "It was National Security Council spokeswoman Ann Cole who spoke.", "National Security Council|org, Ann Cole|person" },
  { "We met the Organization for Security and Cooperation in Europe in Vienna.",
    "Organization for Security and Cooperation in Europe|org, Vienna|place" },
  { "He spoke to Channel One about Russian-Ukrainian talks.", "Channel One|org" },
  { "It was the International Institute for Strategic Studies in London.",
    "International Institute for Strategic Studies|org, London|place" },
  { "The Soviet Union and the Russian Foreign Ministry.", "Soviet Union|place, Foreign Ministry|org" },
  { "Gen. Arkady Lemesh met Teodora Vos. Later Vos-Lemesh talks began.",
    "Arkady Lemesh|person, Teodora Vos|person, Vos|person, Lemesh|person" },
}
for _, c in ipairs(cases) do T.is(names(c[1]), c[2], c[1]) end

-- User lists come before the gazetteer and the evidence.
entity.add("Dolna", "other")
entity.add{ ["Sarnau Dam"] = "other", Lloyd = "none" }
T.is(names("The Sarnau Dam near Dolna and Lloyd."), "Sarnau Dam|other, Dolna|other")
entity.clear()
T.is(names("The Sarnau Dam near Dolna."), "Sarnau Dam|place, Dolna|place", "clear() forgets the user list")
T.raises(function() entity.add("X", "planet") end, "bad type 'planet'", "an unknown type is an error")

-- The pattern: matches where a mention starts, with {name, type}.
local lpeg = require "lpeg"
local text = "Yesterday Foreign Minister Teodora Vos flew to Karsk."
local caps = { lpeg.match(lpeg.Ct(lpeg.Cp() * entity.pattern * lpeg.Cp()), text, 28) }
T.is(caps[1] and caps[1][2].name, "Teodora Vos", "the pattern captures the name")
T.is(caps[1] and caps[1][3], 39, "and ends after it")
T.is(lpeg.match(entity.pattern, text, 1), nil, "no match where no mention starts")

-- db:extract with the pattern gives what entity.find gives each document
-- alone, and every mention's span is its name.
local x = db:extract(entity)
local want, spans_ok = {}, true
for d in db:docs() do
  for _, m in ipairs(entity.find(d.text)) do
    want[#want + 1] = d.id .. ":" .. m.start .. ":" .. m.stop .. ":" .. m.type
    local sub = d.text:sub(m.start, m.stop):gsub("[%s\194\160]+", " ")
    if sub ~= m.name and sub:gsub("['’]s$", "") ~= m.name then spans_ok = false end
  end
end
local got = {}
for _, r in ipairs(x) do got[#got + 1] = r.doc .. ":" .. r.start .. ":" .. r.stop .. ":" .. r.type end
T.is(table.concat(got, " "), table.concat(want, " "), "db:extract(entity) = entity.find per document (" .. #x .. " rows)")
T.ok(spans_ok, "each mention's span holds its name")

-- Odd input never breaks it: random strings of capitals, particles,
-- punctuation, quotes and line breaks.
local pieces = { "A", "Zed", "de", "van", "al-", "O'", "Mr.", "Dr. ", "U.S.", "’s", "'s", "-", " ", " ",
  "\n", ".", ",", "“", "”", "«", "NATO", "Foreign Minister ", "the ", "of ", "in ", "Ž", "Ид", "|", ":",
  "Port ", "River", "Bank", "2024", "\194\160" }
math.randomseed(7)
local fine = true
for _ = 1, 300 do
  local t = {}
  for i = 1, math.random(0, 40) do t[i] = pieces[math.random(#pieces)] end
  local text = table.concat(t)
  local ok, ms = pcall(entity.find, text)
  if not ok then fine = false; T.diag("error on " .. string.format("%q", text) .. ": " .. tostring(ms)); break end
  for _, m in ipairs(ms) do
    if m.start < 1 or m.stop < m.start or m.stop > #text or m.name == "" then fine = false end
  end
end
T.ok(fine, "300 random texts: no error, every span inside the text")

-- db:entities against the grammar run document by document, and
-- scripts/entities.lua's network against a count of the sentences.
local rows = db:entities()
local n = 0
for d in db:docs() do n = n + #entity.find(d.text, { known = known }) end
T.is(#rows, n, "db:entities gives every mention the grammar finds with the corpus dictionary")
local by_type = db:entities{ type = { "org", "place" } }
local only = true
for _, r in ipairs(by_type) do if r.type ~= "org" and r.type ~= "place" then only = false end end
T.ok(#by_type > 0 and only, "type = {...} keeps those types")
T.raises(function() db:entities{ type = "planet" } end, "bad option 'type'", "an unknown type is an error")

local LEDE = os.getenv("LEDE") or "build/lede"
local file = os.tmpname()
os.remove(file)
local c = lede.open(file)
for _, d in ipairs{ "northgate-wire", "vta" } do
  c:add("tests/corpus/sample/" .. d, { quiet = true, source_from_dir = true })
end
local e = c:entities()
c:close()
local function run(args)
  local p = io.popen(LEDE .. " -q " .. file .. " scripts/entities.lua " .. args .. " 2>/dev/null; echo \"rc=$?\"")
  local out = p:read("a")
  p:close()
  return out, tonumber(out:match("rc=(%d+)%s*$"))
end
local out, rc = run("--format json --nodes 1000")
T.is(rc, 0, "entities.lua --format json exits 0")
local net = lede.json.decode(out:gsub("rc=%d+%s*$", ""))
-- brute force: sentences naming both ends of each link
local sent = {}
for _, r in ipairs(e) do
  local k = r.doc .. ":" .. r.sentence
  sent[k] = sent[k] or {}
  sent[k][r.canonical] = true
end
local ok_w, checked = true, 0
for _, x in ipairs(net.edges) do
  local w = 0
  for _, s in pairs(sent) do if s[x.source] and s[x.target] then w = w + 1 end end
  if w ~= x.weight then ok_w = false end
  checked = checked + 1
end
T.ok(checked > 0 and ok_w, "every link's weight is the number of sentences naming both (" .. checked .. " links)")
local mentions = 0
for _, x in ipairs(net.nodes) do mentions = mentions + x.mentions end
T.is(mentions, #e, "the nodes' mentions add up to the mentions")
out, rc = run("--format dot --nodes 3")
T.ok(rc == 0 and out:find("^graph entities {") and out:find(" %-%- "), "DOT output")
out, rc = run("--format graphml --nodes 3")
T.ok(rc == 0 and out:find("<graphml") and out:find("<edge source="), "GraphML output")
_, rc = run("--where 'dam AND'")
T.is(rc, 1, "a bad query exits 1")
_, rc = run("--format png")
T.is(rc, 2, "a bad format exits 2")
_, rc = run("--help")
T.is(rc, 0, "--help exits 0")
os.remove(file)
os.remove(file .. "-wal")
os.remove(file .. "-shm")
T.done()
