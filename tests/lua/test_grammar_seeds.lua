-- test_grammar_seeds.lua: the quote and date grammars on the five real
-- articles in ../shared/corpus/seeds, read in place (their text stays out
-- of the repository).  What is stored here is what a reader of each
-- article finds: who said each quotation, and the ISO value of each date
-- against the article's date.  Items marked hard = true are ones the
-- grammars are known to miss (a speaker named only by a description two
-- sentences back); they are counted and printed, not required.
local T = dofile("tests/lua/tap.lua")
local Q, D = lede.grammar.quote, lede.grammar.date
local SEEDS = "../shared/corpus/seeds/"

local articles = {
  { file = "000_b0c55f1e45f9c03c.txt", date = "2021-12-07",
    quotes = {
      { "The security guarantees cannot be", "Dmitry Peskov" },
      { "deeply concerned about evidence", "Antony Blinken" },
      { "Allied Chiefs of Defence came together", false },
      { "The Chiefs of Defence exchanged", false },
    },
    dates = {
      { "2021-12-07", "2021-12-07" }, { "on Tuesday", "2021-12-07" }, { "on Monday", "2021-12-06" },
      { "1500 GMT on Tuesday", "2021-12-07T15:00Z" }, { "in June", "2021-06" },
      { "Monday evening", "2021-12-06" }, { "last week", "2021-W48" }, { "on Tuesday", "2021-12-07" },
    } },
  { file = "001_362cef13334530c5.txt", date = "2021-12-29",
    quotes = {
      { "will discuss a range of topics", "Emily Horne" },
      { "immediate", "Vladimir Putin" },
      { "unacceptable", false },
      { "on a common approach", "Emily Horne" },
      { "unwavering support for Ukraine", "Ned Price" },
      { "discussed efforts to peacefully", "Ned Price" },
      { "immediately", "Vladimir Putin" },
      { "could be diverse", "Vladimir Putin" },
      { "It will depend on the proposals", "Vladimir Putin" },
    },
    dates = {
      { "this week", "2021-W52" }, { "on December 30", "2021-12-30" }, { "on December 29", "2021-12-29" },
      { "on January 10", "2022-01-10" }, { "on December 29", "2021-12-29" }, { "this month", "2021-12" },
      { "last week", "2021-W51" }, { "this month", "2021-12" }, { "on December 29", "2021-12-29" },
      { "last week", "2021-W51" }, { "On December 26", "2021-12-26" },
    } },
  { file = "002_985e9e0e1d8ca0bf.txt", date = "2021-12-08T11:53",
    quotes = {
      { "He said that he will discuss all", "Yury Ushakov" },
      { "American misinformation", false },
      { "red line.", "Vladimir Putin" },
      { "I don’t accept anybody’s red lines.", "Joe Biden" },
      { "where should we move our troops?", "Yury Ushakov" },
      { "you, Americans, are concerned", "Vladimir Putin", hard = true },
      { "The idea that NATO or an aspirant", false },
    },
    dates = {
      { "8 Dec, 2021 11:53", "2021-12-08T11:53" }, { "on Tuesday", "2021-12-07" },
      { "On Wednesday", "2021-12-08" }, { "on Wednesday", "2021-12-08" }, { "on Monday", "2021-12-06" },
      { "last week", "2021-W48" },
    } },
  { file = "003_c55590660c312243.txt", date = "2021-12-07",
    quotes = {
      { "during previous [US] administrations", "Dmitry Peskov" },
      { "was still something creative", "Dmitry Peskov" },
      { "effectively maintained at technically", "Dmitry Peskov" },
      { "Easy! Why not?", { "Yury Ushakov", "Yuri Ushakov" } },
      { "an important contact in the furtherance", { "Yury Ushakov", "Yuri Ushakov" } },
      { "the progress in the strategic stability", { "Yury Ushakov", "Yuri Ushakov" } },
      { "It is highly probable that the issue", { "Yury Ushakov", "Yuri Ushakov" } },
      { "I believe that the Russian President", { "Yury Ushakov", "Yuri Ushakov" } },
      { "it turned out that these verbal promises", { "Yury Ushakov", "Yuri Ushakov" }, hard = true },
      { "I don’t accept anybody’s red lines", "Joe Biden" },
      { "long discussion", "Joe Biden" },
      { "emotional", "Dmitry Peskov" },
      { "it was hard to expect breakthroughs", "Dmitry Peskov" },
      { "message their concerns to each other", "Dmitry Peskov" },
    },
    dates = {
      { "on Tuesday", "2021-12-07" }, { "December 7", "2021-12-07" }, { "on Tuesday", "2021-12-07" },
      { "on Tuesday", "2021-12-07" }, { "in June", "2021-06" }, { "since 2018", "2018" },
      { "On Tuesday", "2021-12-07" }, { "on Monday", "2021-12-06" },
    } },
  { file = "004_2ea73eedabb03e0b.txt", date = "2021-11-19T13:56+05:30",
    quotes = {
      { "This was all in the framework", "Dmitry Peskov" },
      { "A video format is more preferable", "Dmitry Peskov" },
      { "attempting to rehash", "Antony Blinken" },
      { "hollow and unfounded attempt", "Dmitry Peskov" },
      { "The movement of troops on our territory", "Dmitry Peskov" },
      { "We take measures to ensure our security", "Dmitry Peskov" },
    },
    dates = {
      { "13:56 IST, November 19th 2021", "2021-11-19T13:56+05:30" },
      { "Thursday, 18 November", "2021-11-18" }, { "this year", "2021" },
      { "earlier this month", "2021-11" }, { "13:56 IST, November 19th 2021", "2021-11-19T13:56+05:30" },
    } },
}

local probe = io.open(SEEDS .. articles[1].file)
if not probe then
  T.ok(true, "# SKIP ../shared/corpus/seeds is absent")
  T.done()
  return
end
probe:close()

local function speaker_ok(want, got)
  if type(want) == "table" then
    for _, w in ipairs(want) do if w == got then return true end end
    return false
  end
  return (want or nil) == got
end

local right, total, hard_right, hard_total, wrong = 0, 0, 0, 0, 0
for _, a in ipairs(articles) do
  local f = assert(io.open(SEEDS .. a.file))
  local text = f:read("a")
  f:close()
  local quotes = Q.scan(text)
  local dates = D.scan(text, { date = a.date })
  local from, claimed = 1, {}
  for _, l in ipairs(a.quotes) do
    local s = text:find(l[1], from, true)
    T.ok(s ~= nil, a.file .. ": the quotation is in the text: " .. l[1])
    local got
    for k, r in ipairs(quotes) do
      if s and r.start <= s and r.stop >= s then got = r; claimed[k] = true; break end
    end
    local ok = got ~= nil and speaker_ok(l[2], got.speaker)
    local what = string.format("%s: “%s” by %s (got %s)", a.file, l[1],
      type(l[2]) == "table" and l[2][1] or tostring(l[2]), got and tostring(got.speaker) or "no quotation")
    if l.hard then
      hard_total = hard_total + 1
      if ok then hard_right = hard_right + 1 else T.diag("hard, missed: " .. what) end
    else
      total = total + 1
      if ok then right = right + 1 end
      T.ok(ok, what)
    end
    if s then from = s + 1 end
  end
  -- Quotations given a speaker where the reader finds none or another.
  for k, r in ipairs(quotes) do
    if r.speaker and not claimed[k] and r.kind ~= "indirect" then
      wrong = wrong + 1
      T.diag(a.file .. ": unlabelled quotation given a speaker: " .. r.quote:sub(1, 40) .. " -> " .. r.speaker)
    end
  end
  from = 1
  for _, l in ipairs(a.dates) do
    local s = text:find(l[1], from, true)
    T.ok(s ~= nil, a.file .. ": the date is in the text: " .. l[1])
    local e = s and s + #l[1] - 1
    local got
    for _, r in ipairs(dates) do
      if s and r.start <= e and r.stop >= s and r.iso == l[2] then got = r break end
    end
    total = total + 1
    if got then right = right + 1 end
    T.ok(got ~= nil, string.format("%s: %s is %s", a.file, l[1], l[2]))
    if s then from = s + 1 end
  end
end
io.write(string.format("## seeds: %d of %d quotations and dates right; %d of %d hard ones; %d unlabelled attributions\n",
  right, total, hard_right, hard_total, wrong))
T.is(wrong, 0, "no quotation is given a speaker the reader does not find")
T.done()
