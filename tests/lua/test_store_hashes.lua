-- test_store_hashes.lua: identical texts are found whether or not the
-- store's in-memory set of hashes (store.c, known_new) answers for them:
-- within one load, against documents stored before it (before and after
-- the set is built, after 1024 documents), and against documents another
-- connection stored in between.
local T = dofile("tests/lua/tap.lua")

local function jsonl(texts)
  local path = os.tmpname()
  local f = assert(io.open(path, "w"))
  for i, t in ipairs(texts) do
    f:write(string.format('{"id": "d%d", "text": "%s"}\n', i, t))
  end
  f:close()
  return path
end

local function text(i) return "Document number " .. i .. " says something about item " .. i .. "." end

local tmp = os.tmpname()
os.remove(tmp)
local files = {}
local function add(c, texts)
  local p = jsonl(texts)
  files[#files + 1] = p
  return c:add(p, { quiet = true, format = "jsonl" })
end

do
  local c <close> = assert(lede.open(tmp))
  -- a new corpus: the set is built at the first document
  local t = {}
  for i = 1, 1500 do t[i] = text(i) end
  t[1201] = text(3)             -- a repeat of an early document
  t[1402] = text(1300)          -- and of one just before it
  local s = add(c, t)
  T.is(s.added, 1498, "first load: new documents stored")
  T.is(s.duplicates, 2, "first load: repeats inside the load found")
end

do
  -- reopened: the first 1024 documents are probed, then the set is built
  -- from the stored hashes
  local c <close> = assert(lede.open(tmp))
  local t = {}
  for i = 1, 1100 do t[i] = text(100000 + i) end
  t[5] = text(10)               -- before the set exists
  t[1050] = text(1490)          -- after it was built from the table
  t[1060] = text(100003)        -- a repeat of this load's own
  local s = add(c, t)
  T.is(s.duplicates, 3, "second load: repeats of stored documents found")
  T.is(c:count(), 1498 + 1097, "second load: the rest stored")
end

do
  -- two connections: what the other one stored is found too
  local c1 <close> = assert(lede.open(tmp))
  local t = {}
  for i = 1, 1030 do t[i] = text(200000 + i) end
  add(c1, t)                    -- c1 now holds a set of hashes
  local c2 <close> = assert(lede.open(tmp))
  local s2 = add(c2, { "Only the second connection stored this text." })
  T.is(s2.added, 1, "the other connection stores a document")
  local s1 = add(c1, { "Only the second connection stored this text.", text(200001),
                       "A text nobody stored before." })
  T.is(s1.duplicates, 2, "the other connection's document and an own one are repeats")
  T.is(s1.added, 1, "a new text is still stored")
  -- a row inserted through SQL on this connection, with a stored hash
  c1:sql("INSERT INTO docs(uri, hash, bytes, added) SELECT 'copy', hash + 1, bytes, added"
         .. " FROM docs WHERE id = 1")
  local s3 = add(c1, { "Yet another text after a row was inserted by SQL." })
  T.is(s3.added, 1, "adding after a row inserted by SQL works")
end

for _, p in ipairs(files) do os.remove(p) end
os.remove(tmp)
T.done()
