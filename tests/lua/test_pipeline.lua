-- test_pipeline.lua: a load read on a thread of its own (the default when
-- indexing has threads) stores the same documents, in the same order, with
-- the same problems in the same order and the same counts, as a load on
-- one thread (threads = 0).  The files are large enough that the reader
-- fills its queue (a few MB) many times over, with bad records spread
-- through them, and text and HTML files among them whose documents the
-- boilerplate filter (Lua, on the storing thread) must see.
local T = dofile("tests/lua/tap.lua")

local seed = 12345
local function rnd(n)            -- a fixed sequence, the same every run
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n + 1
end

local words = { "harbour", "talks", "minister", "said", "the", "of", "grain", "ships",
                "Ukraine", "port", "ceasefire", "on", "Thursday", "100,000", "U.S.",
                "pro-Russian", "café", "Мариуполь", "and", "a", "13:56", "—" }
local function text(n)
  local w = {}
  for i = 1, n do w[i] = words[rnd(#words)] end
  return table.concat(w, " ")
end

local dir = os.tmpname()
os.remove(dir)
assert(os.execute("mkdir -p " .. dir))

-- Two JSONL files of about 6 MB each; every 97th line or so is bad in one
-- of several ways, and the line numbers of the problems are noted.
local want = {}                  -- expected problems: file, line, message start
local function jsonl(name, n)
  local path = dir .. "/" .. name
  local f = assert(io.open(path, "wb"))
  for line = 1, n do
    local kind = line % 97 == 0 and rnd(7) or 0
    local rec = { id = name .. "-" .. line, title = "T " .. line, source = "S" .. rnd(5),
                  date = "2024-03-" .. string.format("%02d", rnd(28)), text = text(500 + rnd(400)) }
    if kind == 1 then
      f:write('{"id": "broken", "text": "no end\n')
      want[#want + 1] = { path, line, "invalid JSON" }
    elseif kind == 2 then
      f:write(lede.json.encode({ id = "x" .. line, title = "no text" }), "\n")
      want[#want + 1] = { path, line, "no text field" }
    elseif kind == 3 then
      f:write(lede.json.encode({ id = "y" .. line, text = "   " }), "\n")
      want[#want + 1] = { path, line, "empty text" }
    elseif kind == 4 then
      rec.date = "some day in spring"
      f:write(lede.json.encode(rec), "\n")
      want[#want + 1] = { path, line, "date not understood" }
    elseif kind == 5 then
      rec.text = rec.text .. " caf\195\131\194\169 au lait"     -- "cafÃ©": mojibake
      f:write(lede.json.encode(rec), "\n")
      want[#want + 1] = { path, line, "mojibake repaired" }
    elseif kind == 6 then
      f:write("\n")                                            -- blank: no problem
    else
      if kind == 7 then rec.text = "the same text in many records" end   -- duplicates
      f:write(lede.json.encode(rec), "\n")
    end
  end
  f:close()
  return path
end

local a = jsonl("a.jsonl", 2000)
local txt = dir .. "/b.txt"
local f = assert(io.open(txt, "wb"))
f:write("A headline\n\nShare this article\n", text(300), "\n\nSubscribe to our newsletter\n")
f:close()
local html = dir .. "/c.html"
f = assert(io.open(html, "wb"))
f:write("<html><head><title>A page</title></head><body><article><p>", text(200),
        "</p><p>", text(150), "</p></article></body></html>")
f:close()
local b = jsonl("d.jsonl", 1500)
local paths = { a, txt, html, b }

local function load(opts)
  local db = lede.open()
  opts.quiet = true
  local s = db:add(paths, opts)
  local rows = db:sql("SELECT d.id, uri, hash, title, source, date, date_raw, lang, bytes, meta, t.text"
                      .. " FROM docs d JOIN doc_text t ON t.id = d.id ORDER BY d.id")
  local docs = {}
  for i, r in ipairs(rows) do
    docs[i] = table.concat({ r.id, r.uri, r.hash, r.title or "", r.source or "", r.date or "",
                             r.date_raw or "", r.lang or "", r.bytes, r.meta, r.text }, "\1")
  end
  local probs = {}
  for i, p in ipairs(s.problems) do
    probs[i] = table.concat({ p.file, p.line or 0, p.message, tostring(p.skipped) }, "\1")
  end
  local counts = table.concat({ s.added, s.duplicates, s.skipped, s.repaired, s.mojibake,
                                s.entities, s.boilerplate, s.files, s.bytes }, " ")
  return { s = s, docs = docs, probs = probs, counts = counts, db = db }
end

local function same_list(x, y, what)
  local first
  for i = 1, math.max(#x, #y) do
    if x[i] ~= y[i] then first = i break end
  end
  T.ok(not first, what .. (first and (" (first difference at " .. first .. ")") or ""))
end

for _, bp in ipairs({ false, true }) do
  local label = bp and "boilerplate filter on records too" or "default boilerplate filter"
  local one = load({ threads = 0, boilerplate = bp or nil })
  local two = load({ threads = 2, boilerplate = bp or nil })
  T.ok(#one.docs > 3000, label .. ": thousands of documents stored (" .. #one.docs .. ")")
  T.is(two.counts, one.counts, label .. ": the same counts with a reader thread")
  T.is(#two.docs, #one.docs, label .. ": the same number of documents")
  same_list(two.docs, one.docs, label .. ": the same documents, fields and order")
  same_list(two.probs, one.probs, label .. ": the same problems in the same order")
  T.ok(two.s.boilerplate > 0, label .. ": the filter ran (" .. two.s.boilerplate .. " lines)")
  T.ok(two.s.duplicates > 0 and two.s.mojibake > 0, label .. ": duplicates and mojibake counted")

  -- The problems are the ones planted, in file and line order.
  local k, ok = 1, true
  for _, p in ipairs(two.s.problems) do
    local w = want[k]
    if w and p.file == w[1] and p.line == w[2] and p.message:find(w[3], 1, true) == 1 then
      k = k + 1
    elseif p.file == a or p.file == b then
      ok = false
      T.ok(false, ("%s: unexpected problem %s:%s %s"):format(label, p.file, tostring(p.line), p.message))
      break
    end
  end
  T.ok(ok and k == #want + 1, ("%s: all %d planted problems reported, in order (%d found)")
       :format(label, #want, k - 1))
end

-- An interrupted or failed load is not tested here (test_kill.sh does);
-- a load whose reader finds nothing at all still ends cleanly.
local empty = dir .. "/empty.jsonl"
f = assert(io.open(empty, "wb")); f:close()
local db = lede.open()
local s = db:add(empty, { quiet = true, threads = 2 })
T.is(s.added, 0, "an empty file loads nothing, with a reader thread")
T.is(s.files, 1, "and counts the file")

os.execute("rm -rf " .. dir)
T.done()
