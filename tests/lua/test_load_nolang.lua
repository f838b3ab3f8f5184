-- test_load_nolang.lua: a document whose language cannot be told (another
-- script than those langid knows, or no letters at all) is stored with no
-- language, on the reader thread and on one thread, from JSONL and from a
-- text file, and the load goes on to the documents after it.
local T = dofile("tests/lua/tap.lua")

local dir = os.tmpname()
os.remove(dir)
assert(os.execute("mkdir -p " .. dir))

local texts = {
  "東京は日本の首都です。",         -- Japanese
  "—",                               -- punctuation only
  "12,500 13:56 2024",               -- numbers only
  "القاهرة عاصمة مصر",               -- Arabic
  "The minister said the talks on grain ships would go on.",
}
local jl = dir .. "/mixed.jsonl"
local f = assert(io.open(jl, "wb"))
for i, t in ipairs(texts) do f:write(('{"id": "d%d", "text": "%s"}\n'):format(i, t)) end
f:close()
local txt = dir .. "/kanji.txt"
f = assert(io.open(txt, "wb"))
f:write("東京の天気\n\n今日は晴れです。\n")
f:close()

for _, threads in ipairs{ 0, 2 } do
  local db = lede.open()
  local s = db:add({ jl, txt }, { quiet = true, threads = threads })
  T.is(s.added, #texts + 1, "threads " .. threads .. ": every document stored")
  local rows = db:sql("SELECT lang FROM docs ORDER BY id")
  T.is(rows[1].lang, nil, "threads " .. threads .. ": Japanese has no language")
  T.is(rows[2].lang, nil, "threads " .. threads .. ": a dash alone has no language")
  T.is(rows[5].lang, "en", "threads " .. threads .. ": the English after them is English")
  T.is(rows[6].lang, nil, "threads " .. threads .. ": a text file in Japanese has no language")
  T.is(db:count("minister"), 1, "threads " .. threads .. ": indexed after them")
  T.ok(db:check(), "threads " .. threads .. ": db:check")
end

os.execute("rm -rf " .. dir)
T.done()
