-- test_extract.lua: db:extract against a plain scan of the texts, its
-- options (where, unit, require, limit, fields), grammar tables, saving,
-- errors in patterns, and Ctrl-C stopping a runaway pattern.
local T = dofile("tests/lua/tap.lua")
local lpeg = require "lpeg"
local G = lede.grammar
db:add("tests/corpus/sample/", { quiet = true, source_from_dir = true })

-- Brute force: every "<digits> troops" found with string.find.
local function scan_troops()
  local want = {}
  for d in db:docs() do
    local init = 1
    while true do
      local s, e, n = d.text:find("(%d[%d,]*) troops", init)
      if not s then break end
      if s == 1 or not d.text:sub(s - 1, s - 1):match("[%w,]") then
        want[#want + 1] = d.id .. ":" .. s .. ":" .. e .. ":" .. n:gsub(",", "")
      end
      init = e + 1
    end
  end
  return want
end
local want = scan_troops()
T.ok(#want >= 3, "the sample corpus has numbers of troops")
local troops = lpeg.Cg(G.number_value, "n") * G.sp * "troops"
local r = db:extract(troops)
local got = {}
for i, row in ipairs(r) do got[i] = row.doc .. ":" .. row.start .. ":" .. row.stop .. ":" .. row.n end
T.same_ok(got, want, "rows are the matches a plain scan finds, with the named capture as a column")
T.is(getmetatable(r).columns[5], "n", "a named capture is a column after doc, start, stop, text")
T.is(db:doc(r[1].doc).text:sub(r[1].start, r[1].stop), r[1].text, "start and stop are string.sub indexes of the text")

local r2 = db:extract("{:n: %number_value :} %sp 'troops'")
T.is(#r2, #r, "an re string with lede.grammar's blocks as %names gives the same rows")
T.is(r2[1].n, r[1].n, "re named capture")

local r3 = db:extract(lpeg.C(G.digits) * G.sp * lpeg.C("troops"))
T.is(r3[1].c2, "troops", "positional captures are c1, c2")
local r4 = db:extract(lpeg.Ct(lpeg.Cg(G.digits, "num") * G.sp * "troops"))
T.is(r4[1].num, r[1].text:match("^[%d,]+"), "a table capture's fields are columns")

-- Options.
local lim = db:extract(troops, { limit = 2 })
T.is(#lim, 2, "limit")
local wh = db:extract(troops, { where = "source:daily-clarion" })
local n_clarion = 0
for _, row in ipairs(r) do if db:doc(row.doc).source == "daily-clarion" then n_clarion = n_clarion + 1 end end
T.is(#wh, n_clarion, "where restricts to the documents a query matches")
local f = db:extract(troops, { fields = { "source", "date" } })
T.is(f[1].source, db:doc(f[1].doc).source, "fields adds document fields")

-- unit: a match may not cross a sentence or a line.
local whole, sent = db:extract(G.cap_word * "." * G.sp * G.cap_word), db:extract(G.cap_word * "." * G.sp * G.cap_word, { unit = "sentence" })
T.ok(#whole > #sent, "unit = sentence drops matches that run across a sentence end")
local para = db:extract(G.word * G.paragraph_break * G.word, { unit = "paragraph" })
T.is(#para, 0, "unit = paragraph: no match crosses a line break")
T.ok(#db:extract(G.word * G.paragraph_break * G.word) > 0, "unit = doc: matches cross lines")

-- require: the index prefilter changes nothing but the documents read.
local said = G.name * G.sp * lpeg.Cg(G.speech_verb, "verb")
local all = db:extract(said)
local only = db:extract(said, { require = { "said" } })
local n_said = 0
for _, row in ipairs(all) do if row.verb:lower() == "said" then n_said = n_said + 1 end end
local n_only = 0
for _, row in ipairs(only) do if row.verb:lower() == "said" then n_only = n_only + 1 end end
T.is(n_only, n_said, "require keeps every match in documents that have the word")
T.ok(getmetatable(only).scanned.docs < getmetatable(all).scanned.docs, "require skips documents without the word")
T.is(getmetatable(only).scanned.docs, db:count("said"), "require reads exactly the documents the index finds")
local gt = { pattern = said, requires = { "said", "told", any = true }, columns = { "verb" }, name = "speech" }
local viag = db:extract(gt)
T.is(getmetatable(viag).scanned.docs, db:count("said OR told"), "a grammar's requires (any = true) prefilter on their own")
T.is(#db:extract(gt, { require = false }), #all, "require = false turns a grammar's requires off")
local posted = db:extract({ pattern = G.cap_word, post = function(rows, ctx)
  return { { doc = ctx.doc, start = 1, stop = 1, text = "", n = #rows, src = ctx.source } }
end }, { where = "source:vta" })
T.is(#posted, db:count("source:vta"), "a grammar's post hook runs once per document")

-- Saving.
T.ok(r:save("troops"), "save")
T.is(db:sql("select count(*) n from troops")[1].n, #r, "saved rows")
T.ok(lim:save("troops"), "save again")
T.is(db:sql("select count(*) n from troops")[1].n, 2, "saving again replaces the table")

-- Errors.
T.raises(function() db:extract("{:n: %nosuch") end, "extract: bad re pattern", "a bad re string")
T.raises(function() db:extract("%nosuchblock 'x'") end, "nosuchblock", "an unknown %name")
T.raises(function() db:extract(42) end, "LPeg pattern, re string or grammar table expected", "a number")
T.raises(function() db:extract({}) end, "needs a field 'pattern'", "a table without a pattern")
T.raises(function() db:extract("'x'", { unit = "page" }) end, "bad option 'unit'", "a bad unit")
T.raises(function() db:extract("'x'", { where = "a AND" }) end, "bad query", "a bad where")
T.raises(function() db:extract(lpeg.Cmt(lpeg.P"dam", function() error("boom") end)) end,
  "the pattern failed in document %d+: .*boom", "an error inside the pattern names the document")

-- Ctrl-C: a pattern that reads to the end of a 2 MB text at every word.
local m = lede.open(":memory:")
local tmp = os.tmpname()
local fh = assert(io.open(tmp, "w")); fh:write(("word "):rep(400000)); fh:close()
m:add(tmp, { quiet = true })
os.remove(tmp)
local slow = (1 - lpeg.P"zzz") ^ 0 * "zzz"
os.execute("(sleep 0.3; kill -INT $PPID) &")
local t0 = lede.clock()
local ok, err = pcall(m.extract, m, slow)
local dt = lede.clock() - t0
T.ok(not ok and tostring(err):find("interrupted!"), "Ctrl-C interrupts a runaway pattern")
T.ok(dt < 2, "within a moment (" .. string.format("%.2f", dt) .. " s)")
T.is(#m:extract(lpeg.P"word", { limit = 3 }), 3, "the corpus works after the interrupt")
T.done()
