-- lede.lua: the `lede` module, the Lua half of the API.
--
-- The C module lede.core gives corpus handles with a few raw methods
-- (_add, _docs, _sql, count, remove, close, path); this file builds the
-- friendly API on them: load summaries, document objects, iterators and
-- result tables.  Modules that only some sessions need are required lazily.
local core = require "lede.core"
local type, setmetatable, error, select, tostring, format, concat =
  type, setmetatable, error, select, tostring, string.format, table.concat

local lede = {
  version = core.version,
  clock = core.clock,   -- wall-clock seconds, for timing
  core = core,
  quiet = false,        -- -q: no summaries, no progress
  interactive = false,  -- set while the REPL runs
}

-- lede.json loads on first use: building its LPeg grammar was a sixth of
-- the modules' start-up, and a one-shot search or kwic never parses JSON.
-- (Feature modules chain their own lazy fields onto this __index.)
local lazy_field   -- the feature modules' loader, set below
setmetatable(lede, { __index = function(t, k)
  if k == "json" then
    local json = require "lede.json"
    rawset(t, "json", json)
    return json
  end
  return lazy_field(t, k)
end })

local Corpus = core.methods

-- Open a corpus file (created when missing); nil, message when it cannot
-- be opened.  opts.readonly opens without writing; opts.timeout is how
-- long (ms) a write waits for another process' write lock;
-- opts.fold_diacritics = false makes a new corpus keep "café" and "cafe"
-- apart (a corpus keeps the setting it was made with).
function lede.open(path, opts)
  if path ~= nil and type(path) ~= "string" then
    error("bad argument #1 to 'open' (string expected, got " .. type(path) .. ")", 2)
  end
  return core.open(path, opts and opts.readonly, opts and opts.timeout,
                   opts and opts.fold_diacritics)
end

---------------------------------------------------------------------------
-- Load summaries

local Summary = { __name = "lede.summary" }
Summary.__index = Summary

local function human_bytes(n)
  if n >= 1e9 then return format("%.1f GB", n / 1e9) end
  if n >= 1e6 then return format("%.1f MB", n / 1e6) end
  if n >= 1e3 then return format("%.1f KB", n / 1e3) end
  return format("%d B", n)
end

function Summary.__tostring(s)
  local lines = {
    format("added %d, duplicates %d, skipped %d (%d file%s, %s, %.2f s%s)",
      s.added, s.duplicates, s.skipped, s.files, s.files == 1 and "" or "s",
      human_bytes(s.bytes), s.seconds, s.interrupted and ", interrupted" or "")
  }
  -- what loading did to the text, when it did anything
  local did = {}
  if (s.boilerplate or 0) > 0 then did[#did + 1] = format("%d boilerplate line%s removed", s.boilerplate, s.boilerplate == 1 and "" or "s") end
  if (s.mojibake or 0) > 0 then did[#did + 1] = format("mojibake repaired in %d document%s", s.mojibake, s.mojibake == 1 and "" or "s") end
  if (s.entities or 0) > 0 then did[#did + 1] = format("entities decoded in %d document%s", s.entities, s.entities == 1 and "" or "s") end
  if #did > 0 then lines[1] = lines[1] .. "; " .. concat(did, ", ") end
  for _, p in ipairs(s.problems) do
    lines[#lines + 1] = format("  %s%s: %s%s", p.file,
      p.line and (":" .. p.line) or "", p.skipped and "" or "warning: ", p.message)
  end
  return concat(lines, "\n")
end

-- db:add(source [, opts]): load files, folders, globs, "-" or a list of
-- them.  Returns the summary {added, duplicates, skipped, problems, ...}.
function Corpus:add(source, opts)
  local ts = type(source)
  if ts ~= "string" and ts ~= "table" then
    error("bad argument #1 to 'add' (path or list of paths expected, got " .. ts .. ")", 2)
  end
  if opts ~= nil and type(opts) ~= "table" then
    error("bad argument #2 to 'add' (table of options expected)", 2)
  end
  local o = {}
  for k, v in pairs(opts or {}) do o[k] = v end
  local quiet = o.quiet or lede.quiet
  o.quiet = quiet
  local s = setmetatable(self:_add(source, o), Summary)
  if (not quiet and not lede.interactive) or s.interrupted then io.stderr:write(tostring(s), "\n") end
  if s.interrupted then error("interrupted! (the documents above were stored)", 2) end
  return s
end

---------------------------------------------------------------------------
-- Documents

local Doc = { __name = "lede.doc" }
Doc.__index = Doc
lede.Doc = Doc

function Doc.__tostring(d)
  return format("doc %d: %s (%s, %s)", d.id, d.title or d.uri or "",
                d.source or "no source", d.date or "no date")
end

---------------------------------------------------------------------------
-- Tokens and sentences

-- lede.tokens(text [, opts]): the tokens of a text as the index sees
-- them: {term (normalised), surface (as written), pos (none for
-- punctuation), start, stop (byte indexes for string.sub), sentence (from
-- 1), kind ("word", "number", "punct", "symbol", "url", "email",
-- "hashtag", "mention"), compound/part (for "pro-Russian": the whole, then
-- its parts)}.  opts.fold_diacritics = false keeps "café" apart from "cafe".
function lede.tokens(text, opts)
  if type(text) ~= "string" then
    error("bad argument #1 to 'tokens' (string expected, got " .. type(text) .. ")", 2)
  end
  local fold = not (opts and opts.fold_diacritics == false)
  local toks = core.tokens(text, fold)
  for _, t in ipairs(toks) do t.surface = text:sub(t.start, t.stop) end
  return toks
end

-- lede.sentences(text): {n, start, stop, text} for each sentence, from its
-- first token to its last (closing punctuation included).
function lede.sentences(text)
  local out = {}
  for _, t in ipairs(core.tokens(text)) do
    local s = out[#out]
    if not s or s.n ~= t.sentence then
      s = { n = t.sentence, start = t.start, stop = t.stop }
      out[#out + 1] = s
    end
    if t.stop > s.stop then s.stop = t.stop end
  end
  for _, s in ipairs(out) do s.text = text:sub(s.start, s.stop) end
  return out
end

function Doc:tokens(opts) return lede.tokens(self.text, opts) end
function Doc:sentences() return lede.sentences(self.text) end

local function make_doc(raw)
  raw.meta = raw.meta_json and lede.json.decode(raw.meta_json) or {}
  raw.meta_json = nil
  return setmetatable(raw, Doc)
end

-- db:doc(id): one document, or nil and a message.
function Corpus:doc(id)
  if math.type(id) ~= "integer" then
    error("bad argument #1 to 'doc' (integer id expected, got " .. type(id) .. ")", 2)
  end
  local r = self:_docs{ id = id, limit = 1 }
  if not r[1] then return nil, "no document with id " .. id end
  return make_doc(r[1])
end

-- db:docs([opts]): iterate documents in id order, a page at a time.
-- opts: source (one outlet), limit, text (false to skip reading texts).
function Corpus:docs(opts)
  opts = opts or {}
  local page, i, after, left = {}, 0, 0, opts.limit or math.huge
  local with_text = opts.text ~= false
  return function()
    if left <= 0 then return nil end
    i = i + 1
    if i > #page then
      page = self:_docs{ after = after, limit = math.min(left, 256),
                         source = opts.source, text = with_text }
      i = 1
      if #page == 0 then return nil end
    end
    local d = page[i]
    after = d.id
    left = left - 1
    return make_doc(d)
  end
end

---------------------------------------------------------------------------
-- Search

local Corpus_count = Corpus.count

-- db:count([q]): documents in the corpus, or matching the query q.
function Corpus:count(q, opts)
  if q == nil then return Corpus_count(self) end
  if type(q) ~= "string" then
    error("bad argument #1 to 'count' (query string expected, got " .. type(q) .. ")", 2)
  end
  return self:_count(q, false, opts and opts.max_expansion)
end

-- Rows of search results fetch their metadata, text and matches only when
-- asked, so a search that matches every document stays cheap.
local meta_fields = { title = true, source = true, date = true, uri = true, lang = true }
local loaded = setmetatable({}, { __mode = "k" })
local function hit_row(db, q, maxexp)
  return {
    __name = "lede.hit",
    __index = function(row, k)
      local id = rawget(row, "doc")
      if meta_fields[k] then
        if loaded[row] then return nil end
        loaded[row] = true
        local r = db:_sql("select title, source, date, uri, lang from docs where id = ?", id)[1] or {}
        for f in pairs(meta_fields) do rawset(row, f, r[f]) end
        return r[k]
      elseif k == "text" then
        local r = db:_sql("select text from doc_text where id = ?", id)[1]
        rawset(row, "text", r and r.text)
        return r and r.text
      elseif k == "matches" then
        local m = db:_matches(q, id, maxexp) or {}
        rawset(row, "matches", m)
        return m
      end
    end,
  }
end

-- db:search(q [, opts]): documents matching q, best first.  A result
-- table of rows {doc, score, date, source, title}; each row also has
-- .matches (byte spans start/stop and token positions first/last) and
-- .text.  opts: limit, order ("score", "date", "doc"), reverse,
-- max_expansion.  #hits is the number of rows: every matching document,
-- or at most limit; hits:matched() counts them all, hits:total() counts
-- match occurrences.  A bad query returns nil and the message.
function Corpus:search(q, opts)
  if type(q) ~= "string" then
    error("bad argument #1 to 'search' (query string expected, got " .. type(q) .. ")", 2)
  end
  opts = opts or {}
  local raw, err = self:_search(q, opts)
  if not raw then return nil, err end
  local mt = hit_row(self, q, opts.max_expansion)
  local rows = {}
  for i, h in ipairs(raw) do rows[i] = setmetatable({ doc = h.doc, score = h.score }, mt) end
  local r = require("lede.result").new(rows, { "doc", "score", "date", "source", "title" },
                                       { db = self, title = q })
  local rmt = getmetatable(r)
  local methods = rmt.__index
  local db, matched = self, raw.matched
  rmt.__index = setmetatable({
    query = q,
    matched = function()
      matched = matched or db:_count(q, false, opts.max_expansion)
      return matched
    end,
    total = function() return select(2, db:_count(q, true, opts.max_expansion)) end,
  }, { __index = methods })
  return r
end

-- db:terms{prefix=, pattern=, top=, min=}: the vocabulary with document
-- (docs) and collection (count) frequencies.  pattern is a Lua pattern;
-- top keeps the most frequent; min drops rarer terms.
function Corpus:terms(opts)
  opts = opts or {}
  if type(opts) ~= "table" then error("bad argument #1 to 'terms' (table of options expected)", 2) end
  local rows = self:_terms(opts.prefix or "", opts.min or 0)
  if opts.pattern then
    local kept = {}
    for _, r in ipairs(rows) do if r.term:find(opts.pattern) then kept[#kept + 1] = r end end
    rows = kept
  end
  if opts.top then
    table.sort(rows, function(a, b) return a.count > b.count or (a.count == b.count and a.term < b.term) end)
    for i = #rows, opts.top + 1, -1 do rows[i] = nil end
  end
  return require("lede.result").new(rows, { "term", "docs", "count" }, { db = self })
end

-- db:kwic(q [, opts]): a concordance of every match (lua/kwic.lua).
function Corpus:kwic(q, opts)
  if type(q) ~= "string" then
    error("bad argument #1 to 'kwic' (query string expected, got " .. type(q) .. ")", 2)
  end
  return require("lede.kwic").kwic(self, q, opts)
end

-- db:kwic_csv(q, out [, opts]): the concordance written to out as CSV as it
-- is cut (lua/kwic.lua); the number of lines.
function Corpus:kwic_csv(q, out, opts)
  if type(q) ~= "string" then
    error("bad argument #1 to 'kwic_csv' (query string expected, got " .. type(q) .. ")", 2)
  end
  return require("lede.kwic").kwic_csv(self, q, out, opts)
end

-- db:freq{top=, min=, form=, stopwords=, pattern=, where=, by=, lang=}:
-- a frequency list {term, count, per_million, docs}, most frequent first.
-- form "lower" (the index terms), "stem" (index terms added up under
-- their Snowball stem, in language lang, "en" by default) or "surface"
-- (the tokens as written, read from the texts).  where (a query) counts
-- only the documents it matches; by (a field such as "source", a date
-- period "day", "week", "month", "year", or a metadata key) counts each
-- group apart, with a column named after it and top rows per group.
-- per_million is per million tokens of the documents counted (of the
-- group's, with by).  Beyond the dictionary's totals, counting reads the
-- texts once (db:_tally{texts = true}): a cursor per term over a large
-- vocabulary costs more than tokenizing (tests/lua/test_freq.lua checks
-- both ways against a scan).
local forms = { lower = true, stem = true, surface = true }

local function freq_rows(t, opts, lang, names)
  local stopword, pattern, pergroup = core.stopword, opts.pattern, {}
  for i, term in ipairs(t.term) do
    local low = opts.form == "surface" and term:lower() or term
    if not (lang and stopword(lang, low)) and (not pattern or term:find(pattern)) then
      local g = t.group[i]
      local list = pergroup[g] or {}
      pergroup[g] = list
      list[#list + 1] = { term = term, count = t.count[i], docs = t.docs[i], g = g }
    end
  end
  local rows = {}
  for g = 1, #names do
    local list = pergroup[g] or {}
    table.sort(list, function(a, b) return a.count > b.count or (a.count == b.count and a.term < b.term) end)
    local total = t.total[g] or 0
    for i = 1, math.min(#list, opts.top or 50) do
      local r = list[i]
      r.per_million = total > 0 and math.floor(r.count * 1e8 / total + 0.5) / 100 or 0
      if opts.by then r[opts.by] = names[g] end
      r.g = nil
      rows[#rows + 1] = r
    end
  end
  return rows
end

function Corpus:freq(opts)
  opts = opts or {}
  if type(opts) ~= "table" then error("bad argument #1 to 'freq' (table of options expected)", 2) end
  local lang = opts.stopwords
  if lang ~= nil and not (type(lang) == "string" and core.stopword_lang(lang)) then
    error("bad option 'stopwords' (en, ru, uk, de, fr, es or true expected, got " .. tostring(lang) .. ")", 2)
  end
  local form = opts.form or "lower"
  if not forms[form] then
    error("bad option 'form' (\"lower\", \"stem\" or \"surface\" expected, got " .. tostring(form) .. ")", 2)
  end
  local groups = require "lede.groups"
  local set, err = groups.where(self, opts.where)
  if opts.where and not set then return nil, err end
  local map, names = set, { "all" }
  if opts.by then map, names = groups.by(self, opts.by, set) end
  local o = { form = form, top = opts.top, pattern = opts.pattern, by = opts.by }
  local t
  if form == "lower" and not map then   -- the dictionary has the totals
    t = { term = {}, count = {}, docs = {}, group = {}, total = { 0 } }
    for i, x in ipairs(self:_terms("", 0)) do
      t.total[1] = t.total[1] + x.count
      t.term[i], t.count[i], t.docs[i], t.group[i] = x.term, x.count, x.docs, 1
    end
  else
    t = self:_tally{ groups = map, ngroups = #names, min = opts.min,
                     stem = form == "stem" and (opts.lang or "en") or nil, surface = form == "surface",
                     texts = true }
  end
  if opts.min then   -- the dictionary path keeps rare terms
    local keep = { term = {}, count = {}, docs = {}, group = {}, total = t.total }
    for i, c in ipairs(t.count) do
      if c >= opts.min then
        local k = #keep.term + 1
        keep.term[k], keep.count[k], keep.docs[k], keep.group[k] = t.term[i], c, t.docs[i], t.group[i]
      end
    end
    t = keep
  end
  local cols = { "term", "count", "per_million", "docs" }
  if opts.by then table.insert(cols, 1, opts.by) end
  local r = require("lede.result").new(freq_rows(t, o, lang, names), cols, { db = self })
  getmetatable(r).plot = { label = "term", value = "count", group = opts.by }
  return r
end

-- db:check(): the index against the stored texts; {ok, docs, ...}.
function Corpus:check()
  local c = self:_check()
  return setmetatable(c, { __tostring = function(x)
    return format("%s: %d documents (%d indexed), %d postings from the texts, %d in the index",
      x.ok and "ok" or "MISMATCH", x.docs, x.indexed_docs, x.text_postings, x.index_postings)
  end })
end

---------------------------------------------------------------------------
-- SQL

-- db:sql(sql, ...): run SQL with bound parameters (positional, or one
-- table of named ones); returns the rows of the last statement with
-- columns as a result table.
function Corpus:sql(sql, ...)
  if type(sql) ~= "string" then
    error("bad argument #1 to 'sql' (string expected, got " .. type(sql) .. ")", 2)
  end
  local rows, cols = self:_sql(sql, ...)
  return require("lede.result").new(rows, cols, { db = self })
end

---------------------------------------------------------------------------
-- Feature modules

-- Each module under lua/methods/ (module "lede.methods.NAME") returns a
-- function(lede, Corpus) that adds its corpus methods and registers their
-- help with require("lede.help").add; they load together, in name order,
-- so a new feature is one new file.  They load on first use, not at
-- start-up (they were four fifths of it, and a one-shot search or kwic
-- uses none of them): when the corpus or the lede table is asked for a
-- name it lacks, when a function a feature wraps is called, or when help
-- or the REPL starts.  A feature that wraps a function defined above
-- (`local add = Corpus.add`) must have it listed in `wrapped` below.
local features_loaded = false
local wrapped = {}   -- {table, name, the function defined above}

local function load_features()
  if features_loaded then return end
  features_loaded = true
  for _, w in ipairs(wrapped) do w[1][w[2]] = w[3] end
  local names = {}
  for name in pairs(package.preload) do
    if name:match("^lede%.methods%.") then names[#names + 1] = name end
  end
  table.sort(names)
  for _, name in ipairs(names) do require(name)(lede, Corpus) end
  setmetatable(Corpus, nil)
end
lede._load_features = load_features

for _, w in ipairs{ { Corpus, "add" }, { Corpus, "freq" }, { lede, "tokens" }, { Doc, "tokens" } } do
  local t, k = w[1], w[2]
  wrapped[#wrapped + 1] = { t, k, t[k] }
  t[k] = function(...)
    load_features()
    return t[k](...)
  end
end

setmetatable(Corpus, { __index = function(t, k)
  if features_loaded then return nil end
  load_features()
  return rawget(t, k)
end })

-- (json's __index above falls back here; the features chain theirs on.)
lazy_field = function(t, k)
  if features_loaded then return nil end
  load_features()
  return t[k]
end

-- Globals for grammars written in a script or at the prompt, lpeg and re,
-- load when first named (re builds its own grammar: half a millisecond);
-- main.c adds the in-memory `db` of a run without a corpus file the same
-- way, through lede._lazy_global.
local lazy_globals = {
  lpeg = function() return require "lpeg" end,
  re = function() return require "re" end,
}
function lede._lazy_global(name, make) lazy_globals[name] = make end
if getmetatable(_G) == nil then
  setmetatable(_G, { __index = function(t, k)
    local make = lazy_globals[k]
    if not make then return nil end
    lazy_globals[k] = nil
    local v = make()
    rawset(t, k, v)
    return v
  end })
end

-- help() in scripts as in the REPL; the help text loads on first use.
if rawget(_G, "help") == nil then
  rawset(_G, "help", setmetatable({}, {
    __call = function(_, x) load_features() return require("lede.help")(x) end,
    __tostring = function() load_features() return tostring(require("lede.help")) end,
    __name = "lede.help",
  }))
end

return lede
