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
T.is(require("lede.pretty").format({ k = db:kwic("dam", { limit = 3 }) }), "{k = <result: 3 rows>}",
  "a concordance inside a table prints its row count before its rows are made")
local w = db:kwic("dam", { where = "source:vta" })
local only = true
for _, x in ipairs(w) do if x.source ~= "vta" then only = false end end
T.ok(#w > 0 and only, "where restricts the documents")
T.is(select(2, db:kwic("dam AND")):match("^expected"), "expected", "a bad query returns nil, message")

-- The rows db:_kwic cuts in C equal the rows cut in Lua from db:_spans
-- (positions, byte spans and contexts), for several widths and queries.
local function lua_rows(c, q, width)
  local rows = {}
  for _, s in ipairs(c:_spans(q, { text = true, width = width })) do
    local m = c:_sql("select title, source, date from docs where id = ?", s.doc)[1] or {}
    for i = 1, s.n do
      local a, b, t = s.start[i], s.stop[i], s.text
      rows[#rows + 1] = { doc = s.doc, title = m.title, source = m.source, date = m.date,
        left = t:sub(s.cl[i], a - 1):gsub("[\r\n\t]", " "), match = t:sub(a, b):gsub("[\r\n\t]", " "),
        right = t:sub(b + 1, s.cr[i]):gsub("[\r\n\t]", " "), start = a, stop = b }
    end
  end
  return rows
end
local cols = { "doc", "title", "source", "date", "left", "match", "right", "start", "stop" }
local function same_rows(x, y)
  if #x ~= #y then return false, "count " .. #x .. " ~= " .. #y end
  for i = 1, #x do
    for _, c in ipairs(cols) do
      if x[i][c] ~= y[i][c] then return false, "row " .. i .. " " .. c end
    end
  end
  return true
end
local all_same, why = true, nil
for _, q in ipairs({ "dam", "the", '"the dam"', "da*", "dam OR water", "zzzz" }) do
  for _, w in ipairs({ 1, 2, 7, 40 }) do
    local ok, msg = same_rows(db:kwic(q, { width = w }), lua_rows(db, q, w))
    if not ok then all_same, why = false, q .. " width " .. w .. ": " .. msg end
  end
end
T.ok(all_same, "db:_kwic rows equal the rows cut from db:_spans" .. (why and (" (" .. why .. ")") or ""))
local empty = true
for _, r in ipairs(db:kwic("dam", { width = 0 })) do if r.left ~= "" or r.right ~= "" then empty = false end end
T.ok(empty, "width = 0: no context")
local ok_u, why_u = same_rows(m:kwic("переговоры", { width = 5 }), lua_rows(m, "переговоры", 5))
T.ok(ok_u, "... and on UTF-8 text" .. (why_u and (" (" .. why_u .. ")") or ""))

-- A context in words (tokens = n) equals the words lede.tokens finds
-- around the match positions: from the first token at position first - n
-- (a compound counts whole) to the match, and from the match to the end
-- of the token at last + n, or of the text's last token.
local function word_rows(c, q, n)
  local rows = {}
  for _, s in ipairs(c:_spans(q, { text = true })) do
    local m = c:_sql("select title, source, date from docs where id = ?", s.doc)[1] or {}
    local t = s.text
    local toks, byPos = lede.tokens(t), {}
    for _, k in ipairs(toks) do
      if k.pos and not byPos[k.pos] then byPos[k.pos] = k end
    end
    for i = 1, s.n do
      local first, last = s.first[i], s.last[i]
      local l, r = byPos[math.max(0, first - n)], byPos[last + n] or toks[#toks]
      local m1, m2 = byPos[first], byPos[last]
      local left = l and m1 and t:sub(l.start, m1.start - 1) or ""
      local right = m2 and r and t:sub(m2.stop + 1, r.stop) or ""
      local a, b = s.start[i], s.stop[i]
      rows[#rows + 1] = { doc = s.doc, title = m.title, source = m.source, date = m.date,
        left = left:gsub("[\r\n\t]", " "), match = t:sub(a, b):gsub("[\r\n\t]", " "),
        right = right:gsub("[\r\n\t]", " "), start = a, stop = b }
    end
  end
  return rows
end
local words_same, wwhy = true, nil
for _, q in ipairs({ "dam", "mega", "veldora", '"the dam"', "u.s.", "zhelny OR talks" }) do
  for _, n in ipairs({ 0, 1, 2, 5, 400 }) do
    local ok, msg = same_rows(db:kwic(q, { tokens = n }), word_rows(db, q, n))
    if not ok then words_same, wwhy = false, q .. " tokens " .. n .. ": " .. msg end
  end
end
T.ok(words_same, "tokens = n: the words around each match" .. (wwhy and (" (" .. wwhy .. ")") or ""))
T.ok(same_rows(m:kwic("talks", { tokens = 2 }), word_rows(m, "talks", 2)), "... on UTF-8 text, at the end of a text")
T.raises(function() db:kwic("dam", { tokens = -1 }) end, "tokens", "tokens = -1 raises")

-- A limit stops the search early; the lines are the first of the whole
-- concordance, and a sort or sample with a limit sees every line.
local full = db:kwic("the")
local lim_ok = true
for _, n in ipairs({ 1, 2, 3, 17, 50, #full - 1, #full, #full + 5 }) do
  local part = db:kwic("the", { limit = n })
  local want = {}
  for i = 1, math.min(n, #full) do want[i] = full[i] end
  if not same_rows(part, want) then lim_ok = false end
end
T.ok(#full > 50 and lim_ok, "kwic{limit = n} gives the first n lines of the whole concordance")
local sorted_all = db:kwic("the", { sort = { "R1", "L1" } })
local sorted_lim = db:kwic("the", { sort = { "R1", "L1" }, limit = 25 })
local want = {}
for i = 1, 25 do want[i] = sorted_all[i] end
T.ok(same_rows(sorted_lim, want), "a sort with a limit: the first lines of the whole sorted concordance")
-- A sample is drawn from the match positions before any text is read:
-- it must be the lines of the whole concordance that a fixed-seed shuffle
-- of all of them picks (the documented draw, worked here by hand).
local function drawn(all, n, seed)
  local idx = {}
  for i = 1, #all do idx[i] = i end
  local x = seed or 42
  for i = #all, 2, -1 do
    x = (x * 1103515245 + 12345) % 2147483648
    local j = x % i + 1
    idx[i], idx[j] = idx[j], idx[i]
  end
  local keep = {}
  for i = 1, math.min(n, #all) do keep[#keep + 1] = idx[i] end
  table.sort(keep)
  local out = {}
  for k, i in ipairs(keep) do out[k] = all[i] end
  return out
end
T.ok(same_rows(db:kwic("the", { sample = 30, seed = 7 }), drawn(full, 30, 7)),
  "sample = 30: the lines the shuffle picks from the whole concordance")
T.ok(same_rows(db:kwic("the", { sample = 5 }), drawn(full, 5)), "... with the default seed")
T.ok(same_rows(db:kwic("the", { sample = #full + 1 }), full), "a sample larger than the concordance is all of it")
local tok_all = db:kwic("dam", { tokens = 3 })
T.ok(same_rows(db:kwic("dam", { tokens = 3, sample = 7, seed = 3 }), drawn(tok_all, 7, 3)),
  "... and with a context in words")
T.raises(function() db:_kwic("the", { pick = function() error("no pick") end }) end, "no pick",
  "an error in pick is raised")
local samp = db:kwic("the", { sample = 30, seed = 7 })
local samp_lim = db:kwic("the", { sample = 30, seed = 7, limit = 10 })
want = {}
for i = 1, 10 do want[i] = samp[i] end
T.ok(#samp == 30 and same_rows(samp_lim, want), "a sample with a limit: the first lines of the sample")

-- The concordance print (C) equals its Lua rendering, for ASCII, wide,
-- zero-width and combining characters, cut or not, at several widths.
local kw = require "lede.kwic"
local rows = {}
for i, r in ipairs(db:kwic("the", { width = 30 })) do if i <= 60 then rows[#rows + 1] = r end end
local odd = { "", " ", "abc ", "Зеленский сказал: «переговоры» идут", "東京で会談した首相は", "x\204\129yz  talks",
  "e\204\129e\204\129e\204\129 ", "\u{1F600}\u{1F600} smile", "a\u{200B}b\u{FE0F}c", "tab\tand  spaces   ",
  "한국어 문장입니다", "ｆｕｌｌｗｉｄｔｈ", "mixed ascii and 中文 text here and more" }
for i, a in ipairs(odd) do
  for j, b in ipairs(odd) do
    if (i + j) % 3 == 0 then
      rows[#rows + 1] = { doc = i * 100 + j, left = a .. b, match = b, right = b .. a .. a }
    end
  end
end
local render_ok, at = true, nil
for _, w in ipairs({ 1, 5, 20, 33, 40, 60, 80, 100, 160 }) do
  for _, n in ipairs({ 0, 1, 10, #rows, #rows + 3 }) do
    if kw.render(rows, n, w) ~= kw.render_lua(rows, n, w) then render_ok, at = false, w .. "/" .. n end
  end
end
T.ok(render_ok, "lede.core.kwic_lines renders as the Lua concordance print" .. (at and (" (width/n " .. at .. ")") or ""))
T.is(kw.render({}, 10, 80), "(no matches)", "an empty concordance")

-- Sort keys from C (lede.core.kwic_keys) equal the words lede.tokens
-- gives: the k-th word (no punctuation, a compound's parts but not the
-- whole) from the start or the end, and the term of the first token.
local function key_word(s, k, from_end)
  local words = {}
  for _, t in ipairs(lede.tokens(s)) do
    if t.pos and not t.compound then words[#words + 1] = t end
  end
  local t = from_end and words[#words - k + 1] or words[k]
  return t and t.term or ""
end
local function first_term(s)
  local t = lede.tokens(s)[1]
  return t and t.term or s
end
local krows = {}
for _, r in ipairs(rows) do krows[#krows + 1] = r end
for _, x in ipairs({ "Pro-Russian talks, U.S. envoy's \"deal\"", "#Kyiv @user 100,000 ¿qué?", "...", "",
  "Café CAFÉ ПОВІНЬ п’ятниця", "  — ", "e-mail me@example.org http://x.org/a-b now" }) do
  krows[#krows + 1] = { left = x, match = x, right = x }
end
local keys_ok, bad = true, nil
for _, spec in ipairs({ { "right", 1, false }, { "right", 2, false }, { "right", 5, false },
  { "left", 1, true }, { "left", 3, true }, { "match", 0, false } }) do
  local got = lede.core.kwic_keys(krows, spec[1], spec[2], spec[3])
  for j, r in ipairs(krows) do
    local want = spec[2] == 0 and first_term(r[spec[1]]) or key_word(r[spec[1]], spec[2], spec[3])
    if got[j] ~= want then keys_ok, bad = false, spec[1] .. spec[2] .. ": " .. r[spec[1]] end
  end
end
T.ok(keys_ok, "kwic_keys gives the words lede.tokens gives" .. (bad and (" (" .. bad .. ")") or ""))

-- A sort (lede.core.kwic_order, in C) equals a Lua sort by the same keys
-- (found with lede.tokens), then document and start.
local function lua_sorted(all, spec)
  local key = {}
  for _, r in ipairs(all) do
    local v = {}
    for i, sp in ipairs(spec) do
      local side, k = sp:match("^([RL])(%d+)$")
      if side then v[i] = key_word(side == "R" and r.right or r.left, tonumber(k), side == "L")
      elseif sp == "match" then v[i] = first_term(r.match)
      else v[i] = r[sp] or "" end
    end
    key[r] = v
  end
  local out = table.move(all, 1, #all, 1, {})
  table.sort(out, function(a, b)
    local x, y = key[a], key[b]
    for i = 1, #spec do if x[i] ~= y[i] then return x[i] < y[i] end end
    if a.doc ~= b.doc then return a.doc < b.doc end
    return a.start < b.start
  end)
  return out
end
local the_all = db:kwic("the", { width = 25 })
local sort_ok, swhy = true, nil
for _, spec in ipairs({ { "R1" }, { "L1", "R2" }, { "match", "source" }, { "date", "L3" }, { "R5" } }) do
  local ok, msg = same_rows(db:kwic("the", { width = 25, sort = spec }), lua_sorted(the_all, spec))
  if not ok then sort_ok, swhy = false, table.concat(spec, ",") .. ": " .. msg end
end
T.ok(#the_all > 100 and sort_ok, "sorted lines equal a Lua sort by the same keys" .. (swhy and (" (" .. swhy .. ")") or ""))
T.is(lede.core.kwic_order({ { doc = 1, start = 1 } }, { { 20240301 } }), nil, "kwic_order leaves keys that are not strings to Lua")
T.same_ok(lede.core.kwic_order({ { doc = 2, start = 5 }, { doc = 1, start = 9 }, { doc = 1, start = 3 } }, { { "b", "a", "a" } }),
  { 3, 2, 1 }, "kwic_order: keys byte by byte, then doc and start")

-- lede.core.csv equals result:csv() for strings that need quoting, numbers,
-- booleans, missing fields and tables.
local result = require "lede.result"
local crow = { { a = "plain", b = 'say "hi", then\r\ngo', c = 3, d = 2.5, e = true },
  { a = "", b = "x,y", c = -7, d = 1e300, e = { 1, 2 } }, { b = "\n", c = 0, d = 0.1 } }
local ccols = { "a", "b", "c", "d", "e", "no,pe" }
local via = function(v) return (result.new({ { v = v } }, { "v" }):csv():match("^v\r\n(.*)\r\n$")) end
T.is(lede.core.csv(crow, ccols, via), result.new(crow, ccols):csv(), "lede.core.csv writes what result:csv() writes")
local kc = db:kwic("dam", { width = 15 })
T.is(kc:csv(), result.new(lua_rows(db, "dam", 15), cols):csv(), "a concordance's CSV equals a plain result's")
local tmpc = os.tmpname()
T.is(kc:csv(tmpc), tmpc, "csv(path) returns the path")
local fc = assert(io.open(tmpc, "rb"))
T.is(fc:read("a"), kc:csv(), "... and writes the CSV there")
fc:close()
os.remove(tmpc)

-- A concordance keeps its lines in C until a script looks at its rows:
-- printing and CSV read them there, and the first row, #, pairs or a write
-- makes the same rows db:_kwic makes.
local kw_mod = require "lede.kwic"
local h1, h2 = db:kwic("dam OR river*", { width = 12 }), db:kwic("dam OR river*", { width = 12 })
T.is(rawlen(h1), 0, "db:kwic's rows are not made before they are looked at")
local text_c, lines_c = h1:csv(), kw_mod.render(h1, math.huge, 100)
local _ = h2[1]
T.ok(rawlen(h2) == #h1 and #h1 > 10, "the first row makes every row; # is the same before and after")
T.is(text_c, h2:csv(), "CSV from the lines in C equals CSV from the rows")
T.is(lines_c, kw_mod.render(h2, math.huge, 100), "... and so does the printed concordance")
T.ok(same_rows(h2, (db:_kwic("dam OR river*", { width = 12 }))), "the rows made later are db:_kwic's rows")
local h3 = db:kwic("dam", { limit = 4 })
local np = 0
for _ in pairs(h3) do np = np + 1 end
T.is(np, 4, "pairs makes the rows (a limit keeps the first lines)")
local h4 = db:kwic("dam", { limit = 3 })
h4[#h4 + 1] = { doc = 0, left = "l", match = "m", right = "r", start = 1, stop = 1 }
T.ok(#h4 == 4 and h4[4].match == "m" and h4[1].match ~= nil, "a write into the table makes the rows first")
T.is(#h4:filter(function(x) return x.match == "m" end), 1, "result methods see the rows")

-- kwic_csv writes, as it cuts, what db:kwic(...):csv() writes: for several
-- queries and options, metadata that needs quoting, text with tabs and
-- line ends, and with a sort or sample (which go through db:kwic).
local function file_of(fn)
  local p = os.tmpname()
  local n, err = fn(p)
  local fh = assert(io.open(p, "rb"))
  local text = fh:read("a")
  fh:close()
  os.remove(p)
  return n, text, err
end
local q = lede.open()
local qf = os.tmpname()
local qh = assert(io.open(qf, "wb"))
qh:write('{"title": "Dam, \\"the\\" report", "source": "a,b", "text": "The dam\\tbroke.\\nThe dam held, they said \\"dam\\"."}\n',
         '{"title": "No date", "text": "A second dam here."}\n')
qh:close()
q:add(qf, { format = "jsonl", quiet = true })
os.remove(qf)
for _, case in ipairs({
  { db, "dam", { width = 15 } }, { db, '"the dam"', { tokens = 3 } }, { db, "dam", { limit = 7 } },
  { db, "dam OR river*", {} }, { db, "dam", { where = "source:" .. (db:kwic("dam")[1].source or "x") } },
  { db, "dam", { sort = "R1", limit = 5 } }, { db, "dam", { sample = 4, seed = 3 } },
  { q, "dam", { width = 6 } }, { db, "zzqqzz", {} },
}) do
  local cdb, cq, copts = case[1], case[2], case[3]
  local n, text = file_of(function(p) return cdb:kwic_csv(cq, p, copts) end)
  local want = cdb:kwic(cq, copts)
  T.ok(n == #want and text == want:csv(), ("kwic_csv(%q) writes what kwic():csv() writes (%d lines)"):format(cq, n or -1))
end
local n0, _, err0 = file_of(function(p) return db:kwic_csv('"dam', p) end)
T.ok(n0 == nil and err0:find("expected", 1, true), "kwic_csv: a bad query gives nil and the message")
local nb, errb = db:kwic_csv("dam", "/nonexistent-dir/x.csv")
T.ok(nb == nil and errb:find("nonexistent", 1, true), "kwic_csv: a path that cannot be opened gives nil and the message")
local fh = assert(io.open("/dev/full", "wb"))
local nf, errf = db:kwic_csv("dam", fh)
fh:close()
T.ok(nf == nil and errf:find("cannot write", 1, true), "kwic_csv: a failed write gives nil and the message")
T.raises(function() db:kwic_csv("dam", 42) end, "path or open file", "kwic_csv: a bad target raises")

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
