-- test_api.lua: the Lua API contract of the corpus (lede.open, db:add,
-- db:count, db:docs, db:doc, db:remove, db:sql, db:close, lede.version).
local T = dofile("tests/lua/tap.lua")
local F = "tests/fixtures/load/"

T.is(type(lede.version), "string", "lede.version is a string")
T.ok(tostring(db):match("^lede corpus %(:memory:%)"), "db is the in-memory corpus")

local tmp = os.tmpname()
os.remove(tmp)
do
  local c <close> = assert(lede.open(tmp))
  T.is(c:count(), 0, "a new corpus is empty")
  local s = c:add(F, { quiet = true, source_from_dir = false })
  T.is(s.added, 5, "add returns added")
  T.is(s.duplicates, 1, "identical text in two files is stored once")
  T.is(s.skipped, 0, "nothing skipped")
  T.is(type(s.problems), "table", "problems is a list")
  T.ok(tostring(s):match("^added 5, duplicates 1, skipped 0"), "a summary prints")
  T.is(c:count(), 5, "db:count() after add")
end
local c = assert(lede.open(tmp))
T.is(c:count(), 5, "documents persist after close and reopen")

-- Fields of a JSONL document.
local found
for d in c:docs() do if d.uri == "w-17" then found = d end end
T.ok(found, "JSONL id becomes the uri")
T.is(found.title, "Port talks resume", "title field")
T.is(found.source, "Harbour Wire", "source field")
T.is(found.date, "2024-03-07T09:30:00Z", "date parsed to ISO 8601")
T.is(found.date_raw, "2024-03-07T09:30:00Z", "raw date kept")
T.is(found.lang, "en", "lang field")
T.is(found.meta.author, "R. Imrie", "other fields go to meta")
T.is(found.meta.words, 42, "numbers in meta stay numbers")
T.is(found.text, "Negotiators met again on Thursday.\nBoth sides said “progress” was made.",
     "JSONL text with escapes")

local d = c:doc(found.id)
T.is(d.title, found.title, "db:doc(id) returns the document")
T.is(getmetatable(d).__name, "lede.doc", "documents are lede.doc objects")
local none, msg = c:doc(9999)
T.is(none, nil, "db:doc of a missing id returns nil")
T.is(msg, "no document with id 9999", "... and a message")
T.raises(function() c:doc("x") end, "integer id expected", "db:doc misuse raises")

-- Text files: NFC, BOM dropped, CRLF to LF, title from the first line.
local t
for x in c:docs() do if x.uri:match("nfd%.txt$") then t = x end end
T.is(t.text, "Café société\nsecond line\n", "text stored NFC with LF, BOM dropped")
T.is(t.title, "Café société", "title from the first line")
local dated
for x in c:docs() do if x.uri:match("dated") then dated = x end end
T.is(dated.date, "2024-03-07T13:56+05:30", "a date line near the top dates a text file")

-- CSV fields.
local csv
for x in c:docs() do if x.uri == "c2" then csv = x end end
T.is(csv.title, "Dam, river and rain", "CSV quoted field")
T.is(csv.text, "First paragraph, with a comma.\n\nSecond \"quoted\" paragraph.", "CSV text with newlines and quotes")
T.is(csv.date, "2024-03-08", "CSV date")

-- Iteration options.
local n = 0
for _ in c:docs{ limit = 2 } do n = n + 1 end
T.is(n, 2, "docs{limit=2}")
n = 0
for x in c:docs{ source = "Harbour Wire" } do n = n + 1; assert(x.source == "Harbour Wire") end
T.is(n, 1, "docs{source=...}")

-- SQL with parameters.
local r = c:sql("select count(*) as n from docs where source = ?", "Harbour Wire")
T.is(r[1].n, 1, "db:sql with a positional parameter")
r = c:sql("select :a + :b as s", { a = 2, b = 3 })
T.is(r[1].s, 5, "db:sql with named parameters")
r = c:sql("create table if not exists notes(x); insert into notes values (1), (2); select x from notes order by x")
T.is(#r, 2, "db:sql runs several statements and returns the last rows")
T.raises(function() c:sql("selec 1") end, "sql: near \"selec\": syntax error", "SQL errors raise with SQLite's message")
T.raises(function() c:sql(42) end, "string expected", "db:sql misuse raises")

-- Remove.
T.is(c:remove(found.id), true, "db:remove")
T.is(c:count(), 4, "count after remove")
local ok2, m2 = c:remove(found.id)
T.is(ok2, nil, "removing again returns nil")
T.is(m2, "no document with id " .. found.id, "... and a message")
local s2 = c:add(F .. "wire.jsonl", { quiet = true })
T.is(s2.added, 1, "a removed document can be added again")

-- Expected failures return nil, message; misuse raises.
local bad, why = lede.open("/nonexistent-dir/x.db")
T.is(bad, nil, "opening in a missing folder returns nil")
T.ok(why and why:match("^/nonexistent%-dir/x%.db: "), "... with a message naming the path")
T.raises(function() c:add(42) end, "path or list of paths expected", "db:add misuse raises")
T.raises(function() c:add(F, { format = "xml" }) end, "invalid option 'xml'", "an unknown format raises")

-- Diacritic folding is a per-corpus setting, kept in the file.
local ftmp = os.tmpname()
os.remove(ftmp)
do
  local k <close> = assert(lede.open(ftmp, { fold_diacritics = false }))
  local src = os.tmpname()
  local f = assert(io.open(src, "w")) f:write("Un café crème.\n") f:close()
  k:add(src, { format = "txt", quiet = true })
  os.remove(src)
  T.is(k:count("cafe"), 0, "a corpus made with fold_diacritics = false keeps cafe and café apart")
  T.is(k:count("café"), 1, "... and finds café")
end
do
  local k <close> = assert(lede.open(ftmp))
  T.is(k:count("cafe"), 0, "the setting is kept in the corpus file")
  T.ok(k:check().ok, "and the index agrees with it")
end
os.remove(ftmp); os.remove(ftmp .. "-wal"); os.remove(ftmp .. "-shm")
local folded = lede.open()
local src = os.tmpname()
local f = assert(io.open(src, "w")) f:write("Un café crème.\n") f:close()
folded:add(src, { format = "txt", quiet = true })
os.remove(src)
T.is(folded:count("cafe"), 1, "by default cafe finds café")

c:close()
T.raises(function() c:count() end, "closed corpus", "a closed corpus refuses use")
T.is(tostring(c), "lede corpus (closed)", "a closed corpus says so")
os.remove(tmp); os.remove(tmp .. "-wal"); os.remove(tmp .. "-shm")
T.done()
