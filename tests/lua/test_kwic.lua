-- test_kwic.lua: concordances and frequency lists against a scan of the
-- texts: every match is a line, contexts are the exact neighbouring
-- characters (whole UTF-8 characters, marks kept with their letter), and
-- counts equal the tokens the texts give.
local T = dofile("tests/lua/tap.lua")
db:add("tests/corpus/sample/", { quiet = true, source_from_dir = true })

local k = db:kwic("dam", { width = 20 })
local hits = db:search("dam")
T.is(#k, hits:total(), "one line per match")
local ok_ctx = true
for _, r in ipairs(k) do
  local text = db:doc(r.doc).text
  local want = text:sub(r.start, r.stop)
  if r.match ~= want:gsub("[\r\n\t]", " ") then ok_ctx = false end
  local left = text:sub(1, r.start - 1):gsub("[\r\n\t]", " ")
  local right = text:sub(r.stop + 1):gsub("[\r\n\t]", " ")
  if left:sub(-#r.left) ~= r.left or right:sub(1, #r.right) ~= r.right then ok_ctx = false end
  if utf8.len(r.left) > 20 or utf8.len(r.right) > 20 then ok_ctx = false end
  if utf8.len(r.left) < 20 and #left > #r.left then ok_ctx = false end
end
T.ok(ok_ctx, "contexts are the text around each match, at most 20 characters, whole characters")

-- UTF-8 and combining marks at the cut.
local m = lede.open()
m:add("-", { quiet = true })  -- nothing on stdin in tests: an empty load
local tmp = os.tmpname()
local f = assert(io.open(tmp, "w"))
f:write("Зеленский сказал: «переговоры» идут. Wx\204\129yz talks here.\n")
f:close()
m:add(tmp, { format = "txt", quiet = true })
local r = m:kwic("переговоры", { width = 5 })
T.is(r[1].left, "ал: «", "Cyrillic left context cut at a character")
T.is(r[1].right, "» иду", "Cyrillic right context")
r = m:kwic("talks", { width = 4 })
T.is(r[1].left, "x\204\129yz ", "a combining mark (x + U+0301 has no composed form) stays with its letter")
os.remove(tmp)

-- Sorting and sampling.
local s = db:kwic("dam", { sort = "R1" })
local sorted = true
local function r1(x)
  for _, t in ipairs(lede.tokens(x.right)) do if t.pos and not t.compound then return t.term end end
  return ""
end
for i = 2, #s do if r1(s[i - 1]) > r1(s[i]) then sorted = false end end
T.ok(sorted, "sort = R1 orders by the first word on the right")
local a, b = db:kwic("dam", { sample = 5 }), db:kwic("dam", { sample = 5 })
T.is(#a, 5, "sample = 5 keeps 5 lines")
T.ok(a[1].doc == b[1].doc and a[5].start == b[5].start, "a sample is reproducible")
T.is(#db:kwic("dam", { limit = 3 }), 3, "limit")
local w = db:kwic("dam", { where = "source:vta" })
local only = true
for _, x in ipairs(w) do if x.source ~= "vta" then only = false end end
T.ok(#w > 0 and only, "where restricts the documents")
T.is(select(2, db:kwic("dam AND")):match("^expected"), "expected", "a bad query returns nil, message")

-- Frequencies equal a count of the tokens.
local counts, docs = {}, {}
for d in db:docs() do
  local seen = {}
  for _, t in ipairs(lede.tokens(d.text)) do
    counts[t.term] = (counts[t.term] or 0) + 1
    if not seen[t.term] then seen[t.term] = true; docs[t.term] = (docs[t.term] or 0) + 1 end
  end
end
local fr = db:freq{ top = 200 }
local same = #fr == 200
for _, x in ipairs(fr) do if counts[x.term] ~= x.count or docs[x.term] ~= x.docs then same = false end end
T.ok(same, "freq counts and document counts equal a scan of the texts")
local fs = db:freq{ top = 20, stopwords = "en" }
local nostop = true
for _, x in ipairs(fs) do if x.term == "the" or x.term == "of" then nostop = false end end
T.ok(nostop, "stopwords are left out")
T.raises(function() db:freq{ stopwords = "xx" } end, "stopwords", "an unknown stopword list raises")
T.done()
