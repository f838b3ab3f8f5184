-- extract.lua -- db:extract(grammar [, opts]): run an LPeg pattern, an
-- `re` string or a grammar table over the documents of a corpus and return
-- every match as a row of a result table.
--
-- The scan tries the pattern only where a word or a non-letter starts (it
-- skips whole runs of letters and digits), which is what a grammar wants
-- and keeps the scan near the speed of LPeg's own loop.  The scan returns
-- to Lua at least every SCAN_STEP skipped words, so Ctrl-C (whose hook
-- fires at the next Lua instruction) stops a long scan within a few
-- microseconds of work, even inside one huge document.
--
-- A grammar table may carry, beside `pattern`:
--   requires   words the index must find in a document before the pattern
--              runs there: a list (all of them), a list with any = true
--              (at least one), or a query string
--   columns    the capture columns, in order
--   post       function(rows, ctx) -> rows: per document, after the scan;
--              ctx = {doc, text, date, source, title, unit, db}; it may resolve
--              pronouns or relative dates, drop or add rows
--   options    function(opts) -> grammar: a variant for extract's options
--              (the date grammar's day/month order)

local SCAN_STEP = 64
local PAGE = 128

return function(lede, Corpus)
  local lpeg = require "lpeg"
  local P, V, Cp, Ct, Cc = lpeg.P, lpeg.V, lpeg.Cp, lpeg.Ct, lpeg.Cc
  local type, ipairs, pairs, tostring, error, pcall, concat, format, sort =
    type, ipairs, pairs, tostring, error, pcall, table.concat, string.format, table.sort

  local finders = setmetatable({}, { __mode = "k" })

  -- lede.grammar loads on first use (building its patterns takes a few
  -- milliseconds every start would pay); lpeg and re are globals so a
  -- grammar typed at the prompt needs no require.
  local mt = getmetatable(lede) or {}
  local old = mt.__index
  mt.__index = function(t, k)
    if k == "grammar" then
      local g = require "lede.grammar"
      rawset(t, "grammar", g)
      return g
    end
    if type(old) == "function" then return old(t, k) end
    if type(old) == "table" then return old[k] end
  end
  setmetatable(lede, mt)
  if rawget(_G, "lpeg") == nil then rawset(_G, "lpeg", lpeg) end
  if rawget(_G, "re") == nil then rawset(_G, "re", require "re") end

  -- A scanner for p: returns start, captures, end+1 for a match; false
  -- and a position to resume from when `step` skips found nothing; nil at
  -- the end of the subject.
  local function scanner(p, step)
    local skip = require("lede.grammar").skip
    local rules = { "S1", A = Cp() * Ct(p) * Cp() }
    for i = 1, step do rules["S" .. i] = V("A") + skip * V("S" .. (i + 1)) end
    rules["S" .. (step + 1)] = Cc(false) * Cp()
    return P(rules)
  end

  -- Scanners returning every 1, 2, 4 ... SCAN_STEP words, made when first
  -- needed.  A scan starts with the shortest and doubles the step while a
  -- call stays quick, so a pattern that is slow at every word still hands
  -- control back (and Ctrl-C in) every few milliseconds.
  local function finder(p)
    local f = finders[p]
    if f then return f end
    f = setmetatable({}, { __index = function(t, step)
      local sc = scanner(p, step)
      t[step] = sc
      return sc
    end })
    f[1] = scanner(p, 1)
    finders[p] = f
    return f
  end

  -- Errors in a grammar or an option are raised at the caller's line.
  local Bad = {}
  local function bad(msg) error(setmetatable({ msg = "extract: " .. msg }, Bad), 0) end

  -- The grammar argument as a table {pattern, requires, columns, post}.
  local function grammar_of(g, opts)
    local tg = type(g)
    if tg == "table" and lpeg.type(g) ~= "pattern" then
      if type(g.options) == "function" then g = g.options(opts) end
      local inner = g.pattern
      if inner == nil then bad("a grammar table needs a field 'pattern'") end
      local sub = grammar_of(inner, opts)
      return { pattern = sub.pattern, requires = g.requires, columns = g.columns,
               post = g.post, name = g.name }
    elseif tg == "string" then
      local ok, p = pcall(require("re").compile, g, require("lede.grammar"))
      if not ok then
        bad("bad re pattern: " .. tostring(p):gsub("^[^:]*:%d+: ", ""))
      end
      return { pattern = p }
    elseif lpeg.type(g) == "pattern" then
      return { pattern = g }
    end
    bad("bad argument #1 (LPeg pattern, re string or grammar table expected, got " .. tg .. ")")
  end

  -- A `require` value as a query string (nil when there is none).
  local function require_query(req)
    if req == nil or req == false then return nil end
    if type(req) == "string" then return req end
    if type(req) ~= "table" then bad("option 'require' must be a word list or a query") end
    local parts = {}
    for i, w in ipairs(req) do parts[i] = '"' .. tostring(w):gsub('"', "") .. '"' end
    if #parts == 0 then return nil end
    return "(" .. concat(parts, req.any and " OR " or " AND ") .. ")"
  end

  -- The units of a text to scan, as {offset, text}.
  local function units(text, unit)
    if unit == "doc" then return { { 0, text } } end
    local out = {}
    if unit == "paragraph" then
      -- A paragraph is a line: scraped news keeps one paragraph a line.
      local init = 1
      while init <= #text do
        local s, e = text:find("[^\n]+", init)
        if not s then break end
        out[#out + 1] = { s - 1, text:sub(s, e) }
        init = e + 1
      end
    else
      for _, s in ipairs(lede.sentences(text)) do out[#out + 1] = { s.start - 1, s.text } end
    end
    return out
  end

  -- Copy a match's captures into row: named ones as fields, a lone table
  -- capture's fields, positional ones as c1, c2, ...
  local function add_captures(row, caps)
    local n = #caps
    if n == 1 and type(caps[1]) == "table" then caps, n = caps[1], #caps[1] end
    for k, v in pairs(caps) do
      if type(k) == "string" and row[k] == nil then row[k] = v end
    end
    for i = 1, n do row["c" .. i] = caps[i] end
  end

  -- Scan one document; appends to rows; returns false when limit is hit.
  local clock = lede.clock
  local function scan(g, fs, d, opts, rows, limit, db)
    local text, found = d.text or "", {}
    local step = opts.step
    for _, u in ipairs(units(text, opts.unit)) do
      local off, sub, init = u[1], u[2], 1
      while init <= #sub do
        local t0 = clock()
        local s, caps, e = lpeg.match(fs[step], sub, init)
        local dt = clock() - t0
        if dt > 0.01 then step = step > 1 and step // 2 or 1
        elseif s == false and step < SCAN_STEP and dt < 0.002 then step = step * 2 end
        if s == nil then break end
        if s == false then
          init = caps
        elseif e == s then
          init = s + 1
        else
          local row = { doc = d.id, start = off + s, stop = off + e - 1, text = sub:sub(s, e - 1) }
          add_captures(row, caps)
          found[#found + 1] = row
          init = e
        end
      end
    end
    opts.step = step
    if g.post then
      found = g.post(found, { doc = d.id, text = text, date = d.date, source = d.source,
                               title = d.title, unit = opts.unit, db = db }) or found
    end
    for _, row in ipairs(found) do
      if opts.fields then for _, k in ipairs(opts.fields) do row[k] = d[k] end end
      rows[#rows + 1] = row
      if #rows >= limit then return false end
    end
    return true
  end

  -- Documents to scan: every one, or those a query finds, a page at a time.
  local function doc_pages(db, q)
    if not q then
      local after = 0
      return function()
        local page = db:_docs { after = after, limit = PAGE, text = true }
        if #page == 0 then return nil end
        after = page[#page].id
        return page
      end
    end
    local hits, err = db:_search(q, { order = "doc" })
    if not hits then return nil, "extract: bad query " .. q .. ": " .. tostring(err) end
    local i = 0
    return function()
      if i >= #hits then return nil end
      local ids, marks = {}, {}
      for j = i + 1, math.min(i + PAGE, #hits) do
        ids[#ids + 1] = hits[j].doc; marks[#marks + 1] = "?"
      end
      i = i + #ids
      return db:_sql("select d.id, d.title, d.source, d.date, d.uri, d.lang, t.text from docs d "
        .. "join doc_text t on t.id = d.id where d.id in (" .. concat(marks, ",") .. ") order by d.id",
        table.unpack(ids))
    end
  end

  local base_cols = { "doc", "start", "stop", "text" }

  -- db:extract(grammar [, opts]) -> result rows {doc, start, stop, text,
  -- captures...}.  opts: where (query), unit ("doc", "paragraph",
  -- "sentence"), require (words; false turns a grammar's own off),
  -- limit, fields (document fields to add: "source", "date", "title").
  function Corpus:extract(g, opts)
    if opts ~= nil and type(opts) ~= "table" then
      error("bad argument #2 to 'extract' (table of options expected)", 2)
    end
    opts = opts or {}
    local unit = opts.unit or "doc"
    if unit ~= "doc" and unit ~= "paragraph" and unit ~= "sentence" then
      error("bad option 'unit' (\"doc\", \"paragraph\" or \"sentence\" expected, got "
            .. tostring(unit) .. ")", 2)
    end
    local okg, gr, q = pcall(function()
      local x = grammar_of(g, opts)
      local req = opts.require
      if req == nil then req = x.requires end
      return x, require_query(req)
    end)
    if not okg then
      if getmetatable(gr) == Bad then error(gr.msg, 2) end
      error(gr, 0)
    end
    local ok, f = pcall(finder, gr.pattern)
    if not ok then error("extract: bad pattern: " .. tostring(f), 2) end
    if opts.where then q = q and ("(" .. opts.where .. ") AND " .. q) or opts.where end
    local o = { unit = unit, fields = opts.fields, step = 1 }
    local limit = opts.limit or math.huge
    local rows, scanned, bytes = {}, 0, 0
    local pages, qerr = doc_pages(self, q)
    if not pages then error(qerr, 2) end
    for page in pages do
      local more = true
      for _, d in ipairs(page) do
        scanned, bytes = scanned + 1, bytes + #(d.text or "")
        local okd, r = pcall(scan, gr, f, d, o, rows, limit, self)
        if not okd then
          local msg = tostring(r)
          if msg:find("interrupted!", 1, true) then error(r, 0) end
          error(format("extract: the pattern failed in document %d: %s", d.id, msg), 2)
        end
        if not r then more = false; break end
      end
      if not more then break end
    end
    local cols = {}
    for _, c in ipairs(base_cols) do cols[#cols + 1] = c end
    for _, c in ipairs(opts.fields or {}) do cols[#cols + 1] = c end
    local seen = {}
    for _, c in ipairs(cols) do seen[c] = true end
    for _, c in ipairs(gr.columns or {}) do
      if not seen[c] then cols[#cols + 1] = c; seen[c] = true end
    end
    local extra = {}
    for _, row in ipairs(rows) do
      for k in pairs(row) do
        if type(k) == "string" and not seen[k] then seen[k] = true; extra[#extra + 1] = k end
      end
    end
    sort(extra)
    for _, c in ipairs(extra) do cols[#cols + 1] = c end
    local r = require("lede.result").new(rows, cols, { db = self, title = gr.name })
    getmetatable(r).scanned = { docs = scanned, bytes = bytes }
    return r
  end

  local help = require("lede.help")
  help.add("lede.grammar", {
    usage = "lede.grammar.NAME",
    summary = "LPeg building blocks and ready grammars for db:extract",
    text = "Blocks: word, cap_word, name, person, honorific, role, speech_verb,\n" ..
      "month, weekday, ordinal, number, number_value, digits, quoted(), open_quote,\n" ..
      "close_quote, sp, ws, hsp, space, punctuation, sentence_end, letter, upper ...\n" ..
      "Helpers: words(list), ci(s), find_all(p, text), anywhere(p).\n" ..
      "Ready grammars: lede.grammar.quote, .date, .entity, .quantity.",
    example = 'troops = lpeg.Cg(lede.grammar.number_value, "n") * lede.grammar.sp * "troops"\n' ..
      'db:extract({pattern = troops, requires = {"troops"}}, {fields = {"source", "date"}})',
  })
  help.add("lede.grammar.quote", {
    usage = "db:extract(lede.grammar.quote [, opts])",
    summary = "quotations with speaker, role, cue and kind (direct, fragment, indirect)",
    text = "“Q,” S said / “Q,” said S / S said: “Q” / S told R: “Q” / according to S, “Q” /\n" ..
      "S added that “Q”; pronouns and \"the minister\" are the nearest person named as a\n" ..
      "subject; surnames become the full name; quotations over paragraphs are one row.\n" ..
      "lede.grammar.quote.scan(text) runs it over a string.",
    returns = "rows {doc, start, stop, text, quote, speaker, role, cue, kind}",
    example = 'db:extract(lede.grammar.quote, {fields = {"source"}}):save("quotes")',
  })
  help.add("lede.grammar.date", {
    usage = "db:extract(lede.grammar.date [, opts])",
    summary = "dates and times normalised to ISO 8601 against the document's date",
    text = "\"2021-12-07\", \"8 Dec, 2021 11:53\", \"Dec. 7, 2021\", \"12/07/2021\", \"13:56 IST\",\n" ..
      "\"on Tuesday\", \"yesterday\", \"last week\", \"earlier this month\", \"in June\".\n" ..
      "lede.grammar.date.scan(text, {date = \"2021-12-08\"}) runs it over a string.",
    options = { { "order = \"dmy\"", "12/07/2021 is 12 July (default: month first)" } },
    returns = "rows {doc, start, stop, text, iso, precision, kind}",
    example = 'db:extract(lede.grammar.date, {where = "source:tass", fields = {"date"}})',
  })
  help.add("db:extract", {
    usage = "db:extract(grammar [, opts])",
    summary = "every match of an LPeg grammar in the documents, as rows",
    text = "grammar is an LPeg pattern, an re string (lede.grammar's blocks are its\n" ..
      "%names: \"{:n: %number :} %sp 'troops'\") or a grammar table such as\n" ..
      "lede.grammar.quote or .date ({pattern=, requires=, columns=, post=}).\n" ..
      "Named captures (lpeg.Cg(p, \"name\")) and a table capture's fields become\n" ..
      "columns; other captures are c1, c2, ...  Matches start at a word or a\n" ..
      "non-letter.  Ctrl-C stops a long run.",
    options = {
      { "where = query", "only documents the query matches" },
      { "unit = \"doc\"|\"paragraph\"|\"sentence\"", "what a match may span (default doc; a paragraph is a line)" },
      { "require = {words} | query", "the index skips documents without them (a grammar's own requires; false: none)" },
      { "limit = n", "stop after n rows" },
      { "fields = {\"source\", \"date\", ...}", "document fields to add to each row" },
    },
    returns = "a result table {doc, start, stop, text, ...captures}; :save(name) stores it",
    example = 'local G = lede.grammar\n' ..
      'db:extract(lpeg.Cg(G.number_value, "n") * G.sp * "troops", {fields = {"source", "date"}})',
  })
end
