-- test_lang.lua: languages end to end.  Russian and Ukrainian fixtures
-- (tests/fixtures/lang/ru.txt, uk.txt, written for lede) load with their
-- language identified, and Cyrillic works through tokenizing, case
-- folding, search, KWIC, frequency lists with the languages' stopwords,
-- and stems in the document's language.  Also prints the identification
-- accuracy on the short-paragraph fixture.
local T = dofile("tests/lua/tap.lua")
local F = "tests/fixtures/lang/"

-- Accuracy on short paragraphs (one or two sentences each).
local n, right = 0, 0
for line in io.lines(F .. "short.tsv") do
  local want, text = line:match("^(%a%a)\t(.*)$")
  if want then
    n = n + 1
    local got = lede.langid(text)
    if got == want then right = right + 1 else print("# missed (" .. want .. ", got " .. tostring(got) .. "): " .. text) end
  end
end
print(string.format("# langid accuracy: %d/%d = %.1f%%", right, n, 100 * right / n))
T.ok(n >= 120 and right / n >= 0.95, "language identification at least 95% right on short paragraphs")

-- Loading stores the language.
local s = db:add({ F .. "ru.txt", F .. "uk.txt" }, { quiet = true })
T.is(s.added, 2, "both fixtures load")
local ru, uk
for d in db:docs() do if d.uri:match("ru%.txt$") then ru = d else uk = d end end
T.is(ru.lang, "ru", "ru.txt is Russian")
T.is(uk.lang, "uk", "uk.txt is Ukrainian")
T.is(db:count("lang:uk"), 1, "lang:uk finds the Ukrainian document")
T.is(db:search("lang:ru")[1].doc, ru.id, "lang:ru the Russian one")

-- A language given by the input is kept; a missing one is found.
local tmp = os.tmpname()
local f = assert(io.open(tmp, "w"))
f:write('{"id":"a","lang":"de","text":"An English text labelled German by its feed stays German."}\n')
f:write('{"id":"b","text":"Ein deutscher Text ohne Angabe der Sprache wird erkannt."}\n')
f:close()
local m = lede.open()
m:add(tmp, { format = "jsonl", quiet = true })
T.is(m:sql("select lang from docs where uri = 'a'")[1].lang, "de", "lang from the input is kept")
T.is(m:sql("select lang from docs where uri = 'b'")[1].lang, "de", "a record without lang gets one")
os.remove(tmp)

-- Case folding and search in Cyrillic.
T.is(db:count("ПОВІНЬ"), 1, "upper-case query finds «Повінь»")
T.is(db:count("паводок"), 1, "«Паводок» by lower case")
T.is(db:count("елки"), 1, "ё = е: «елки» finds «Ёлки»")
T.is(db:count("п’ятницю"), 1, "’ = ': «п’ятницю» finds «п'ятницю»")
T.is(db:count('"вода поднялась"'), 1, "a Russian phrase")
T.is(db:count('"вода піднялася"'), 1, "a Ukrainian phrase")
T.is(db:count("ґанок"), 1, "ґ is a letter of its own")
T.is(db:count("ганок"), 0, "and does not fold to г")
local hits = db:search("дамба")
T.is(#hits, 2, "«дамба» in both documents (written ДАМБА)")

-- KWIC: the match as written, contexts in whole characters.
local k = db:kwic("дамба", { width = 20 })
T.is(#k, 2, "two concordance lines")
local whole = true
for _, r in ipairs(k) do
  if r.match ~= "ДАМБА" or not utf8.len(r.left) or not utf8.len(r.right)
     or utf8.len(r.left) > 20 or utf8.len(r.right) > 20 then whole = false end
end
T.ok(whole, "match «ДАМБА» with at most 20 whole characters each side")
T.ok(k[1].left:find("старого моста.", 1, true) ~= nil, "left context: " .. k[1].left)

-- Frequency lists: counts from the texts; stopwords of the corpus' languages.
local function count_tokens(term)
  local c = 0
  for _, d in ipairs{ ru, uk } do
    for _, t in ipairs(lede.tokens(d.text)) do if t.pos and t.term == term then c = c + 1 end end
  end
  return c
end
local fq = db:freq{ top = 1000 }
local by = {}
for _, r in ipairs(fq) do by[r.term] = r end
T.is(by["вода"].count, count_tokens("вода"), "freq «вода» = its tokens in the texts")
T.is(by["вода"].docs, 2, "in both documents")
T.ok(by["у"] and by["що"] and by["и"], "function words are there without stopwords")
local sw = db:freq{ top = 1000, stopwords = true }
local clean = true
for _, r in ipairs(sw) do
  if lede.core.stopword("ru", r.term) or lede.core.stopword("uk", r.term) then clean = false end
end
T.ok(clean and #sw < #fq, "stopwords = true: no Russian or Ukrainian function word left")
local only_uk = db:freq{ top = 1000, stopwords = "uk" }
local has_i, has_shcho = false, false
for _, r in ipairs(only_uk) do has_i = has_i or r.term == "и"; has_shcho = has_shcho or r.term == "що" end
T.ok(has_i and not has_shcho, "stopwords = \"uk\" drops «що», keeps the Russian «и»")
T.raises(function() db:freq{ stopwords = "xx" } end, "stopwords", "an unknown stopword language raises")

-- Stems follow the document's language.
local stems = {}
for _, t in ipairs(db:doc(ru.id):tokens()) do if t.stem then stems[t.term] = t.stem end end
T.is(stems["поднялась"], lede.stem("поднялась", "ru"), "doc:tokens stems Russian words with the Russian stemmer")
T.ok(stems["сантиметров"] and #stems["сантиметров"] < #"сантиметров", "«сантиметров» loses its ending: " .. tostring(stems["сантиметров"]))
T.is(lede.stem("talks", "en"), "talk", "English stemmer")
T.is(lede.stem("regierungen", "de"), lede.stem("regierung", "de"), "German stemmer joins plural and singular")
local auto = lede.tokens("Les négociations continuent", { lang = "auto" })
T.is(auto[2].stem, lede.stem(auto[2].term, "fr"), "lang = \"auto\" stems in the language found")
T.done()
