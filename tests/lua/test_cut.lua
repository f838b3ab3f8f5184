-- test_cut.lua: a file cut short while it is being loaded (plain files
-- are read through a mapping, where reading past the new end would raise
-- SIGBUS) gives a read error naming the file, keeps every document read
-- before the cut, and the load goes on with the next file.  The cut is
-- made by a boilerplate rule, which runs on the storing thread at the
-- first record, while the reader is at most a few MB into a 24 MB file.
local T = dofile("tests/lua/tap.lua")

local dir = os.tmpname()
os.remove(dir)
assert(os.execute("mkdir -p " .. dir))

local filler = string.rep("words of a record that fill it out ", 110)
local function write_jsonl(path, n)
  local f = assert(io.open(path, "wb"))
  for i = 1, n do
    f:write(string.format('{"id": "%s-%d", "text": "record %d of %s: %s end %d"}\n', path, i, i, path, filler, i))
  end
  f:close()
end

local bp = lede.boilerplate
local lpeg = require("lpeg")

for _, threads in ipairs({ 2, 0 }) do
  local big, after = dir .. "/big.jsonl", dir .. "/after.jsonl"
  write_jsonl(big, 6000)          -- about 24 MB
  write_jsonl(after, 10)
  local cut = false
  bp.add("cut the file", lpeg.Cmt(lpeg.P(true), function()
    if not cut then
      cut = true
      io.open(big, "wb"):close()  -- the file is now empty
    end
    return false
  end), { max = math.huge })
  local db = lede.open()
  local s = db:add({ big, after }, { quiet = true, threads = threads, boilerplate = true })
  bp.reset()
  local label = "threads = " .. threads
  T.ok(cut, label .. ": the file was cut during the load")
  local found
  for _, p in ipairs(s.problems) do
    if p.file == big and p.message:find("cut short", 1, true) then found = p end
  end
  T.ok(found ~= nil, label .. ": a read error says the file was cut short")
  if found then T.diag(found.file .. ":" .. tostring(found.line) .. ": " .. found.message) end
  local n_big = db:sql("SELECT count(*) n FROM docs WHERE uri LIKE '%big.jsonl-%'")[1].n
  local n_after = db:sql("SELECT count(*) n FROM docs WHERE uri LIKE '%after.jsonl-%'")[1].n
  T.ok(n_big > 0 and n_big < 6000, label .. ": the records read before the cut are kept (" .. n_big .. ")")
  T.is(n_after, 10, label .. ": the next file is loaded")
  local whole = db:sql([[SELECT count(*) n FROM doc_text
                         WHERE text NOT LIKE 'record % end %' OR instr(text, char(0)) > 0]])[1].n
  T.is(whole, 0, label .. ": every stored text is whole")
  T.ok(db:check().ok, label .. ": the index matches the texts")
end

os.execute("rm -rf " .. dir)
T.done()
