-- help.lua -- module "lede.help": help() in the REPL.
--
--   help()               the API, grouped: lede.*, db:*, result:*
--   help(db.add)         one function, found by its value
--   help("db:add")       the same by name ("add" and "db.add" work too)
--
-- All the text lives in the `entries` list below, one record per function,
-- so a new feature adds its help in one place (or calls help.add from its
-- own module).  Functions are recognised by value through a registry built
-- lazily from the live `lede` table, the corpus methods and the result
-- methods, so C functions are found as well as Lua ones, and a name
-- bound to another variable (local add = db.add) still finds its entry.

local type, ipairs, pairs, rawget, getmetatable, pcall, require, setmetatable =
  type, ipairs, pairs, rawget, getmetatable, pcall, require, setmetatable
local format, rep, concat, sort = string.format, string.rep, table.concat, table.sort
local write = io.write

local M = {}

-- Groups in display order; an entry's group is the part of its name
-- before the first "." or ":".
local groups = {
  { key = "lede", title = "lede.* -- the module" },
  { key = "db", title = "db:* -- the open corpus (lede.open returns one; the shell opens `db`)" },
  { key = "result", title = "result:* -- every query returns a result table: a list of rows" },
  { key = "help", title = "help" },
}

-- Each entry: name, usage, summary (one line), and optionally text (more
-- prose), options ({name, what} pairs), returns, example.
local entries = {
  { name = "lede.open", usage = "lede.open(path [, opts])",
    summary = "open a corpus file, creating it when missing",
    text = "path \":memory:\" opens a corpus that lives only for the session.",
    options = { { "readonly = bool", "open without writing" },
                { "timeout = ms", "how long a write waits for another writer (default 5000)" },
                { "fold_diacritics = bool", "a new corpus: \"café\" = \"cafe\" (default true; kept for good)" } },
    returns = "the corpus, or nil and a message",
    example = 'local db <close> = lede.open("news.db")' },
  { name = "lede.tokens", usage = "lede.tokens(text [, opts])",
    summary = "the words of a text as the index sees them",
    text = "Each token: term (normalised), surface (as written), pos, start and\n" ..
      "stop (byte indexes for string.sub), sentence, kind.  doc:tokens() does\n" ..
      "the same for a stored document.",
    options = { { "fold_diacritics = bool", "\"café\" = \"cafe\" (default true)" } },
    example = 'lede.tokens("Russia’s pro-Russian café")' },
  { name = "lede.sentences", usage = "lede.sentences(text)",
    summary = "the sentences of a text: {n, start, stop, text}; doc:sentences() too" },
  { name = "lede.clock", usage = "lede.clock()",
    summary = "wall-clock seconds (monotonic), for timing a query: local t = lede.clock()" },
  { name = "lede.version", usage = "lede.version",
    summary = "the version of lede, a string", example = "lede.version  --> \"0.1.0\"" },

  { name = "db:add", usage = "db:add(source [, opts])",
    summary = "load documents: files, folders, globs, \"-\", .jsonl, .csv, .tsv, .gz",
    text = "source is a path or a list of paths.  The same text added twice is\n" ..
      "kept once (counted in duplicates); unreadable records are skipped and\n" ..
      "reported in problems.  Batches of 32 MB commit whole; while the load\n" ..
      "runs the file uses a rollback journal (back to WAL at the end) unless\n" ..
      "another connection has it open; readers see each committed batch.",
    options = {
      { 'format = "txt"|"jsonl"|"csv"|"tsv"|"html"|"warc"', "input format; by default from the file name\n" ..
        "(.html/.htm: a web page's article and metadata; .warc: its HTML responses)" },
      { "text = field", "JSONL/CSV field holding the text" },
      { "title = field", "field holding the title" },
      { "date = field", "field holding the date" },
      { "source = field", "field naming the outlet" },
      { "id = field", "field holding the document's own id" },
      { "lang = field", "field holding the language" },
      { "title_from_first_line = bool", "plain text: first line is the title (default true)" },
      { "source_from_dir = bool", "the outlet is the name of the file's folder" },
      { "source_name = name", "one fixed outlet for everything loaded" },
      { "quiet = bool", "no progress and no summary" },
      { "boilerplate = bool", "web boilerplate lines out of text and pages (default; see lede.boilerplate);\n" ..
        "false keeps them, true filters JSONL/CSV texts too" },
      { "repair = bool", "repair mojibake (\"â€™\" -> \"’\") and decode HTML entities (default true)" },
      { "threads = n", "threads that tokenize and index while a reader thread reads and parses\n" ..
        "and this thread stores (default: one per usable core, or $LEDE_THREADS;\n" ..
        "0: everything, reading included, on this thread)" },
      { "memory = mb", "megabytes the index being built may hold before it is written out as\n" ..
        "a segment (default 256, or $LEDE_MEMORY); bounds memory on big loads" },
    },
    returns = "a summary {added, duplicates, skipped, repaired, mojibake, entities,\n" ..
      "boilerplate (lines removed), problems = {{file, line, message}}}",
    example = 'db:add("articles/", {source_from_dir = true})\n' ..
      'db:add("crawl.warc.gz")\n' ..
      'db:add("scrape.jsonl", {text = "body", date = "published", source = "site"})' },
  { name = "db:count", usage = "db:count([query])",
    summary = "the number of documents, or of documents matching a query",
    example = 'db:count()  --> 1423\ndb:count("sanction*")  --> 212' },
  { name = "db:search", usage = "db:search(query [, opts])",
    summary = "documents matching a query, best first (BM25)",
    text = "Rows {doc, score, date, source, title}; each row also has .matches\n" ..
      "(byte spans start/stop, token positions first/last) and .text, read\n" ..
      "when used.  #hits is the number of rows; hits:matched() counts every\n" ..
      "matching document, hits:total() every match.  Query language: terms,\n" ..
      "\"phrases\", prefix*, /regex/, a NEAR/5 b, a ADJ/3 b, WITHIN SENTENCE,\n" ..
      "AND OR NOT -x ( ), source:x, date:2021-12..2022-01, ~Name (see README).",
    options = {
      { "limit = n", "keep the best n" },
      { 'order = "score"|"date"|"doc"', "ranking (default score)" },
      { "reverse = bool", "newest or worst first" },
      { "max_expansion = n", "terms a prefix or regex may become (default 1000)" },
    },
    returns = "a result table, or nil and a message for a bad query",
    example = 'hits = db:search(\'"red line" NEAR/5 Putin\', {limit = 20})\n' ..
      'hits[1].text:sub(hits[1].matches[1].start, hits[1].matches[1].stop)' },
  { name = "db:kwic", usage = "db:kwic(query [, opts])",
    summary = "a concordance: every match with its left and right context",
    text = "Rows {doc, title, source, date, left, match, right, start, stop}.\n" ..
      "Prints with the match column aligned (highlighted on a terminal).\n" ..
      "A limit without sort or sample stops the search at that many lines;\n" ..
      "a sample is drawn before any text is read, so both cost what their\n" ..
      "own lines cost, not what every match of a common word costs.",
    options = {
      { "width = n", "characters of context on each side (default 40)" },
      { "tokens = n", "words of context instead of characters" },
      { 'sort = "R1"|{"R1","R2"}|"L1"|"match"|"date"|"source"', "order of the lines" },
      { "limit = n", "at most n lines" },
      { "sample = n, seed = s", "a reproducible random sample of n lines" },
      { "where = query", "only documents matching this query" },
    },
    example = 'db:kwic(\'"red line*"\', {width = 40, sort = "R1"})' },
  { name = "db:kwic_csv", usage = "db:kwic_csv(query, path_or_file [, opts])",
    summary = "a concordance written as CSV while it is cut, in flat memory",
    text = "Writes what db:kwic(query, opts):csv() gives, a document at a time,\n" ..
      "to a path or an open file, so an export of every match of a common\n" ..
      "word needs no row tables.  Takes db:kwic's options; sort and sample\n" ..
      "need every line first and go through db:kwic.",
    returns = "the number of lines, or nil and a message",
    example = 'db:kwic_csv("sanctions", "sanctions.csv", {tokens = 5})' },
  { name = "db:freq", usage = "db:freq([opts])",
    summary = "a frequency list from the index: {term, count, per_million, docs}",
    options = {
      { "top = n", "the n most frequent (default 50)" },
      { "min = n", "terms seen at least n times" },
      { 'stopwords = "en"|"ru"', "leave out function words" },
      { "pattern = p", "terms matching a Lua pattern" },
    },
    example = 'db:freq{top = 20, stopwords = "en"}' },
  { name = "db:terms", usage = "db:terms([opts])",
    summary = "the vocabulary with document (docs) and collection (count) frequencies",
    options = {
      { "prefix = s", "terms starting with s" },
      { "pattern = p", "terms matching a Lua pattern" },
      { "top = n", "the n most frequent" },
      { "min = n", "terms seen at least n times" },
    },
    example = 'db:terms{prefix = "sanction", top = 10}' },
  { name = "db:check", usage = "db:check()",
    summary = "tokenize every stored text again and compare with the index",
    returns = "{ok, docs, indexed_docs, text_postings, index_postings}" },
  { name = "db:reindex", usage = "db:reindex()",
    summary = "rebuild the index from the stored texts, in one transaction",
    text = "A corpus whose index an older lede wrote cannot be searched or added\n" ..
      "to until it is reindexed (queries say so).  Also: lede DB reindex." },
  { name = "db:optimize", usage = "db:optimize()",
    summary = "merge the index into one segment, dropping removed documents" },
  { name = "db:docs", usage = "db:docs([opts])",
    summary = "iterate over documents in id order",
    options = {
      { "source = name", "only documents from this outlet" },
      { "limit = n", "at most n documents" },
      { "text = false", "skip reading the texts (faster)" },
    },
    returns = "an iterator of documents (see db:doc)",
    example = 'for d in db:docs{source = "tass", limit = 5} do print(d.id, d.title) end' },
  { name = "db:doc", usage = "db:doc(id)", summary = "one document by id",
    returns = "{id, uri, title, source, date, lang, text, meta}, or nil and a message",
    example = "db:doc(1).title" },
  { name = "db:remove", usage = "db:remove(id)", summary = "delete a document",
    returns = "true when it was there",
    example = "db:remove(17)" },
  { name = "db:sql", usage = "db:sql(sql, ...)",
    summary = "run SQL on the corpus file, with bound parameters",
    text = "Parameters are positional (?) or one table of named ones (:name).\n" ..
      "Saved results (result:save) are ordinary tables you can query here.",
    returns = "a result table with the rows of the last statement",
    example = 'db:sql("select source, count(*) n from docs group by 1 order by n desc")' },
  { name = "db:close", usage = "db:close()",
    summary = "close the corpus (also done by <close> and at exit)" },
  { name = "db:path", usage = "db:path()", summary = "the corpus file's path" },

  { name = "result:columns", usage = "r:columns()", summary = "the column names, in order" },
  { name = "result:print", usage = "r:print([n])",
    summary = "print as an aligned table, n rows (20 by default; math.huge: all)" },
  { name = "result:sort", usage = "r:sort(col [, desc])",
    summary = "a new result sorted by a column (stable); empty cells go last",
    text = "col may be a list of columns for a multi-level sort; desc is a\n" ..
      "boolean or a list of booleans matching col.",
    example = 'r:sort({"source", "n"}, {false, true})' },
  { name = "result:filter", usage = "r:filter(fn)",
    summary = "a new result with the rows for which fn(row) is true",
    example = 'r:filter(function(row) return row.n > 10 end)' },
  { name = "result:top", usage = "r:top(n)", summary = "a new result with the first n rows" },
  { name = "result:csv", usage = "r:csv([path])",
    summary = "CSV text (RFC 4180), or write it to path",
    returns = "the text; with path: path, or nil and a message",
    example = 'r:csv("speakers.csv")' },
  { name = "result:json", usage = "r:json([path])",
    summary = "a JSON array of objects, or write it to path",
    returns = "the text; with path: path, or nil and a message" },
  { name = "result:markdown", usage = "r:markdown()", summary = "a Markdown pipe table, as a string" },
  { name = "result:save", usage = "r:save(name [, db])",
    summary = "store the rows as SQL table name in the corpus, replacing it",
    text = "Integers become INTEGER columns, other numbers REAL, the rest TEXT.\n" ..
      "lede's own tables (docs, lede_*, sqlite_*) cannot be replaced.  The\n" ..
      "corpus is the one the result came from, else db, else the global db.",
    returns = "true, or nil and a message",
    example = 'db:sql("select * from docs limit 5"):save("sample")\n' ..
      'db:sql("select count(*) from sample")' },

  { name = "help", usage = "help([fn or name])",
    summary = "this overview, or one function's usage, options and example",
    example = "help(db.add)   help(\"result:save\")" },
}

local by_name = {}
for _, e in ipairs(entries) do by_name[e.name] = e end

-- The registry: function value -> entry; nil until first needed, dropped
-- whenever entries change.
local registry

local function group_of(name)
  return name:match("^([%w_]+)") or name
end

-- The table a name's first part stands for: the live lede module, the
-- corpus methods, the result methods, or a global.
local function root(first)
  if first == "lede" then
    local lede = rawget(_G, "lede")
    if type(lede) ~= "table" then
      local ok, m = pcall(require, "lede")
      lede = ok and m or nil
    end
    return lede
  end
  if first == "db" then
    local db = rawget(_G, "db")
    local mt = db ~= nil and getmetatable(db)
    local idx = type(mt) == "table" and rawget(mt, "__index")
    if type(idx) == "table" then return idx end
    local ok, core = pcall(require, "lede.core")
    return ok and type(core) == "table" and core.methods or nil
  end
  if first == "result" then
    local ok, r = pcall(require, "lede.result")
    return ok and r.methods or nil
  end
  if first == "help" then return nil end
  return rawget(_G, first)
end

-- The value a dotted name refers to, without calling any metamethod
-- other than plain table lookup on the way.
local function resolve(name)
  if name == "help" then return M end
  local parts = {}
  for p in name:gmatch("[^.:]+") do parts[#parts + 1] = p end
  local v = root(parts[1])
  for i = 2, #parts do
    if type(v) ~= "table" then return nil end
    local nextv = rawget(v, parts[i])
    if nextv == nil then
      local mt = getmetatable(v)
      local idx = type(mt) == "table" and rawget(mt, "__index")
      if type(idx) == "table" then nextv = rawget(idx, parts[i]) end
    end
    v = nextv
  end
  return v
end

local function build()
  registry = {}
  for _, e in ipairs(entries) do
    local v = resolve(e.name)
    if type(v) == "function" and not registry[v] then registry[v] = e end
  end
  return registry
end

--- help.add(name, entry): add or replace the entry for name.  entry has
-- usage, summary and optionally text, options {{name, what}...}, returns,
-- example; name is "lede.x", "db:x", "result:x" or any dotted path.
function M.add(name, entry)
  if type(name) ~= "string" then error("bad argument #1 to 'add' (name expected)", 2) end
  if type(entry) ~= "table" then error("bad argument #2 to 'add' (table expected)", 2) end
  entry.name = name
  entry.usage = entry.usage or name
  entry.summary = entry.summary or ""
  if by_name[name] then
    for i, e in ipairs(entries) do if e.name == name then entries[i] = entry end end
  else
    entries[#entries + 1] = entry
  end
  by_name[name] = entry
  registry = nil
  local g = group_of(name)
  for _, grp in ipairs(groups) do if grp.key == g then return end end
  groups[#groups + 1] = { key = g, title = g .. ".*" }
end

--- help.entry(x) -> the entry for a function or a name, or nil.
local function find(x)
  if type(x) == "function" then
    local e = (registry or build())[x]
    if not e then e = build()[x] end  -- db may have been opened since
    return e
  end
  if type(x) ~= "string" then return nil end
  local name = x:gsub("%(.*$", ""):gsub("^%s+", ""):gsub("%s+$", "")
  if by_name[name] then return by_name[name] end
  local first, rest = name:match("^([%w_]+)[.:]([%w_.]+)$")
  if first == "r" or first == "res" then first = "result" end
  if first then
    for _, sep in ipairs({ ":", "." }) do
      local e = by_name[first .. sep .. rest]
      if e then return e end
    end
  end
  for _, g in ipairs(groups) do  -- a bare method name: "add"
    for _, sep in ipairs({ ":", "." }) do
      local e = by_name[g.key .. sep .. name]
      if e then return e end
    end
  end
  return nil
end
M.entry = find

local function overview()
  local width = 0
  for _, e in ipairs(entries) do if #e.usage > width then width = #e.usage end end
  local out = { "lede -- a corpus analysis shell.  help(fn) or help(\"db:add\") for one function.", "" }
  for _, g in ipairs(groups) do
    local lines = {}
    for _, e in ipairs(entries) do
      if group_of(e.name) == g.key then
        lines[#lines + 1] = format("  %-" .. width .. "s  %s", e.usage, e.summary)
      end
    end
    if #lines > 0 then
      out[#out + 1] = g.title
      for _, l in ipairs(lines) do out[#out + 1] = l end
      out[#out + 1] = ""
    end
  end
  out[#out] = nil
  return concat(out, "\n")
end

local function indent(text, by)
  return by .. text:gsub("\n", "\n" .. by)
end

local function describe(e)
  local out = { e.usage, "  " .. e.summary }
  if e.text then out[#out + 1] = indent(e.text, "  ") end
  if e.options and #e.options > 0 then
    out[#out + 1] = ""
    out[#out + 1] = "Options:"
    local w = 0
    for _, o in ipairs(e.options) do if #o[1] > w then w = #o[1] end end
    for _, o in ipairs(e.options) do
      out[#out + 1] = format("  %-" .. w .. "s  %s", o[1], o[2])
    end
  end
  if e.returns then
    out[#out + 1] = ""
    out[#out + 1] = "Returns " .. e.returns
  end
  if e.example then
    out[#out + 1] = ""
    out[#out + 1] = "Example:"
    out[#out + 1] = indent(e.example, "  > ")
  end
  return concat(out, "\n")
end

-- The names that mention s, for "no help for ..." messages.
local function similar(s)
  local hits = {}
  s = s:lower():match("[%w_]+$") or s:lower()
  for _, e in ipairs(entries) do
    if e.name:lower():find(s, 1, true) then hits[#hits + 1] = e.name end
  end
  sort(hits)
  return hits
end

--- help.text(x) -> the help text help(x) prints.
function M.text(x)
  if x == nil then return overview() end
  if x == M then return describe(by_name.help) end
  local e = find(x)
  if e then return describe(e) end
  if type(x) == "table" or type(x) == "userdata" then
    local ok, result = pcall(require, "lede.result")
    local mt = getmetatable(x)
    local key
    if x == root("lede") then key = "lede"
    elseif ok and result.is(x) then key = "result"
    elseif type(mt) == "table" and rawget(mt, "__index") == root("db") then key = "db" end
    if key then
      local lines = {}
      for _, en in ipairs(entries) do
        if group_of(en.name) == key then lines[#lines + 1] = format("  %-24s %s", en.usage, en.summary) end
      end
      return concat(lines, "\n")
    end
  end
  if type(x) == "string" then
    local hits = similar(x)
    if #hits > 0 then return format("no help for %q; see %s", x, concat(hits, ", ")) end
    return format("no help for %q; help() lists everything", x)
  end
  return format("no help for this %s; help() lists everything", type(x))
end

return setmetatable(M, {
  __call = function(_, x)
    write(M.text(x), "\n")
  end,
  __tostring = function() return overview() end,
  __name = "lede.help",
})
