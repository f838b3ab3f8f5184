-- test_grammar_blocks.lua: the building blocks of lede.grammar, each on
-- the forms news text uses, and on near misses that must not match.
local T = dofile("tests/lua/tap.lua")
local G = require "lede.grammar"
local lpeg = require "lpeg"

-- The text a block matches at the start of s (nil when none).
local function span(p, s)
  local e = lpeg.match(p * lpeg.Cp(), s)
  return e and s:sub(1, e - 1)
end

local names = {
  { "Rustam Khaldiyev said", "Rustam Khaldiyev" },
  { "Charles de Gaulle", "Charles de Gaulle" },
  { "Ursula von der Leyen spoke", "Ursula von der Leyen" },
  { "Bashar al-Assad", "Bashar al-Assad" },
  { "J. R. Smith", "J. R. Smith" },
  { "Jean-Luc O'Brien", "Jean-Luc O'Brien" },
  { "Khaldiyev's aide", "Khaldiyev" },
  { "Andrej Kolar\nThe", "Andrej Kolar" },
  { "Зеленский сказал", "Зеленский" },
  { "Želny", "Želny" },
  { "The minister", nil },
  { "He said", nil },
  { "March 7 talks", nil },
  { "Tuesday", nil },
  { "minister", nil },
}
for _, c in ipairs(names) do T.is(span(G.name, c[1]), c[2], "name: " .. c[1]:gsub("\n", "\\n")) end
T.is(lpeg.match(G.person, "Dr. Helena Marsh said"), "Helena Marsh", "person drops the honorific")
T.is(lpeg.match(G.person, "Gen. Arkady Lemesh"), "Arkady Lemesh", "person after Gen.")

local roles = {
  { "President Timur Bessarin", "President" },
  { "Kremlin spokesperson Dmitry", "Kremlin spokesperson" },
  { "US Secretary of State Antony Blinken", "US Secretary of State" },
  { "National Security Council spokeswoman Emily", "National Security Council spokeswoman" },
  { "Deputy Prime Minister Ilse Marenko", "Deputy Prime Minister" },
  { "Veldoran Foreign Minister Rustam Khaldiyev said", "Veldoran Foreign Minister" },
  { "government spokeswoman Alina Sorova", "government spokeswoman" },
  { "growers' leader Marta Kovic", "growers' leader" },
  { "U.N. envoy Dr. Helena Marsh", "U.N. envoy" },
  { "Tsyrkiv mayor Dana Rusnak", "Tsyrkiv mayor" },
  { "Rustam Khaldiyev", nil },
  { "the spokesman", nil },
}
for _, c in ipairs(roles) do T.is(span(G.role, c[1]), c[2], "role: " .. c[1]) end

local nums = {
  { "100,000 troops", 100000 }, { "100\194\160000", 100000 }, { "1,500.5 million", 1500500000 },
  { "two hours", 2 }, { "twenty-five", 25 }, { "three hundred thousand", 300000 },
  { "a thousand", 1000 }, { "2.4 billion", 2400000000 }, { "1.7 %", 1.7 }, { "30", 30 },
  { "Twelve", 12 }, { "someone", nil }, { "x1", nil },
}
for _, c in ipairs(nums) do T.is(lpeg.match(G.number_value, c[1]), c[2], "number: " .. c[1]) end
T.is(lpeg.match(G.ordinal, "19th"), 19, "ordinal 19th")
T.is(lpeg.match(G.ordinal, "third"), 3, "ordinal third")

for _, c in ipairs { { "December", 12 }, { "Dec. 7", 12 }, { "Sept. 4", 9 }, { "MAR", 3 },
                     { "Mayor", nil }, { "Marching", nil } } do
  T.is(lpeg.match(G.month, c[1]), c[2], "month: " .. c[1])
end
for _, c in ipairs { { "Monday", 1 }, { "Sunday", 7 }, { "Thu.", 4 }, { "Wedding", nil } } do
  T.is(lpeg.match(G.weekday, c[1]), c[2], "weekday: " .. c[1])
end
for _, c in ipairs { { "said", "said" }, { "Told", "Told" }, { "pointed  out", "pointed  out" },
                     { "according to", "according to" }, { "sayings", nil }, { "sad", nil } } do
  T.is(lpeg.match(G.speech_verb, c[1]), c[2], "speech verb: " .. c[1])
end

local text = 'He said "hello" and “bye” and «ok» and ‘it’s single’ but don’t stop'
local got = {}
for _, m in ipairs(G.find_all(G.quoted(), text)) do got[#got + 1] = m.captures[1] end
T.same_ok(got, { "hello", "bye", "ok", "it’s single" }, "quoted: straight, curly, guillemets, single with an apostrophe inside")
local m = G.find_all(G.quoted(), text)[2]
T.is(text:sub(m.start, m.stop), "“bye”", "find_all spans are string.sub indexes")

T.ok(lpeg.match(G.word * G.sentence_end, "ended. Next"), "sentence end after a full stop")
T.ok(lpeg.match(G.word * G.sentence_end, 'ended."\nNext'), "sentence end after a closing quote")
T.ok(not lpeg.match(G.word * G.sentence_end, "1.5"), "no sentence end inside a number")
T.is(span(G.word, "pro-Russian, and"), "pro-Russian", "a hyphenated word")
T.is(span(G.word, "don’t go"), "don’t", "an inner apostrophe")
T.is(span(G.sp, " \194\160\t x"), " \194\160\t ", "spaces include NBSP")
T.ok(lpeg.match(G.punctuation, "—"), "an em dash is punctuation")
T.ok(not lpeg.match(G.letter, "—"), "an em dash is not a letter")
T.is(G.nosuchgrammar, nil, "an unknown ready grammar is nil")
T.done()
