-- test_grammar_quote.lua: lede.grammar.quote on each quotation shape the
-- grammar promises, with speakers, roles, cues and kinds worked out by
-- hand; pronouns; quotations over paragraphs; scare quotes; indirect
-- speech; and db:extract with the grammar.
local T = dofile("tests/lua/tap.lua")
local Q = lede.grammar.quote

local function rows(text)
  local out = {}
  for _, r in ipairs(Q.scan(text)) do out[#out + 1] = r end
  return out
end

local intro = "Russian President Vladimir Putin met US President Joe Biden. "
local shapes = {
  { '“We want peace now,” Putin said.', "We want peace now", "Vladimir Putin", "said", "direct" },
  { 'Putin said: “We want peace and security.”', "We want peace and security.", "Vladimir Putin", "said", "direct" },
  { '"We want peace too," said Joe Biden.', "We want peace too", "Joe Biden", "said", "direct" },
  { 'Kremlin spokesperson Dmitry Peskov told reporters: "The talks were frank."', "The talks were frank.",
    "Dmitry Peskov", "told", "direct", "Kremlin spokesperson" },
  { 'According to US Secretary of State Antony Blinken, "the door remains open."', "the door remains open.",
    "Antony Blinken", "According to", "direct", "US Secretary of State" },
  { 'Biden added that “the alliance will not be divided.”', "the alliance will not be divided.",
    "Joe Biden", "added", "direct" },
  { '«Мы готовы к диалогу», — заявил он. "We are ready," he said.', nil },
  { 'National Security Council spokeswoman Emily Horne said "the call was productive."',
    "the call was productive.", "Emily Horne", "said", "direct", "National Security Council spokeswoman" },
  { 'Biden called the build-up “unacceptable”.', "unacceptable", "Joe Biden", "called", "fragment" },
  { '“Nothing is agreed yet,” a senior official said.', "Nothing is agreed yet", nil, "said", "direct" },
}
for i, s in ipairs(shapes) do
  if s[2] then
    local r = rows(intro .. s[1])
    local q = r[#r]
    T.is(q and q.quote, s[2], "shape " .. i .. ": quote")
    T.is(q and q.speaker, s[3], "shape " .. i .. ": speaker")
    T.is(q and q.cue, s[4], "shape " .. i .. ": cue")
    T.is(q and q.kind, s[5], "shape " .. i .. ": kind")
    if s[6] then T.is(q and q.role, s[6], "shape " .. i .. ": role as written") end
  end
end

-- A pronoun is the nearest person named before it as a subject, not an
-- object: Marsh is thanked, Khaldiyev speaks.
local r = rows("Foreign Minister Rustam Khaldiyev spoke in Karsk. The minister thanked envoy Dr. Helena Marsh " ..
  "for her help. \"We move on,\" he said. \"Slowly,\" she said.")
T.is(r[1].speaker, "Rustam Khaldiyev", "he: the subject, not the person thanked")
T.is(r[2].speaker, "Rustam Khaldiyev", "she: no woman is tracked, so the same subject (known limit)")
T.is(r[2].kind, "fragment", "one word is a fragment")

-- "the minister" is the nearest person named with that role.
r = rows("Energy Minister Pavel Grinko visited the dam. Mayor Dana Rusnak met him. " ..
  "\"The water will come back,\" the minister said.")
T.is(r[1].speaker, "Pavel Grinko", "the minister -> the person named as minister")

-- A surname is the full name the article gave.
r = rows("Prime Minister Andrej Kolar arrived. \"We are ready,\" Kolar said.")
T.is(r[1].speaker, "Andrej Kolar", "a surname becomes the full name")
T.is(r[1].role, "Prime Minister", "its role from the first mention")

T.is(#rows('He said "yes" and “no” three times.'), 2, "short quotations are rows too (fragments)")

-- A quotation over paragraphs: each opens again, the last closes.
r = rows('Gen. Arkady Lemesh spoke.\n\n"The first paragraph ends here.\n\n"The second one closes it," Lemesh said.')
T.is(#r, 1, "two paragraphs, one quotation")
T.is(r[1].quote, "The first paragraph ends here. The second one closes it", "the paragraphs joined")
T.is(r[1].speaker, "Arkady Lemesh", "its speaker after the last paragraph")

-- An unattributed quotation after an attributed one in the same paragraph.
r = rows('"We came to talk," Vos said in Miravel, Teodora Vos being the minister. "Not to shout."')
T.is(r[2].speaker, r[1].speaker, "a second quotation in the paragraph keeps the speaker")

-- Scare quotes and organisations have no speaker.
r = rows('The ministry called it a "technical phase" of the project.')
T.is(r[1].speaker, nil, "an organisation is not a speaker")
T.is(r[1].kind, "fragment", "scare quotes are fragments")
r = rows('Dam talks make "modest progress" on monitoring')
T.is(r[1].speaker, nil, "a headline's quote has no speaker")

-- Apostrophes are not quotation marks.
r = rows("Kolar's office said Veldora's plan won't work and it's late.")
T.is(#r, 0, "apostrophes are not quotation marks")

-- Indirect speech.
r = rows("Deputy Prime Minister Ilse Marenko said that Ostrevia would raise the matter at the council.")
T.is(r[1].kind, "indirect", "S said that ... is indirect")
T.is(r[1].quote, "Ostrevia would raise the matter at the council", "the reported clause")
T.is(r[1].speaker, "Ilse Marenko", "its speaker")

-- db:extract with the grammar.
local tmp = os.tmpname()
local f = assert(io.open(tmp, "w"))
f:write("Talks\n\nForeign Minister Teodora Vos arrived.\n\n\"This is a first step,\" Vos said. \"Only a step.\"\n")
f:close()
db:add(tmp, { quiet = true, boilerplate = false })
os.remove(tmp)
local x = db:extract(Q)
T.is(#x, 2, "extract: two quotations")
T.is(x[1].speaker, "Teodora Vos", "extract: speaker")
T.is(db:doc(x[1].doc).text:sub(x[1].start, x[1].stop), "\"This is a first step,\"", "extract: the span is the quotation with its marks")
local cols = getmetatable(x).columns
T.same_ok({ cols[5], cols[6], cols[7], cols[8], cols[9] }, { "quote", "speaker", "role", "cue", "kind" }, "extract: columns")
T.is(#db:extract(Q, { unit = "sentence" }), 2, "unit = sentence gives the same quotations here")
if db.alias then
  db:alias("Teodora Voss", { "Teodora Vos" })
  T.is(db:extract(Q)[1].speaker, "Teodora Voss", "extract: a declared variant comes out canonical")
end
T.done()
