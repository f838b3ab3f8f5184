-- analysis.lua -- corpus methods for how a term spreads: db:timeline
-- (over time), db:dispersion (over the documents) and db:similar
-- (documents like a given one).  The counting happens in C
-- (lua/lanalysis.c, core/tally.c) on the index; this file groups, fills
-- gaps and applies the formulas, which are written out beside the code.
local sqrt, floor, abs, huge = math.sqrt, math.floor, math.abs, math.huge
local format = string.format

return function(lede, Corpus)
  local result = require "lede.result"
  local period = require "lede.period"
  local groups = require "lede.groups"
  local help = require "lede.help"

  local function check_query(q, name)
    if type(q) ~= "string" then
      error(format("bad argument #1 to '%s' (query string expected, got %s)", name, type(q)), 3)
    end
  end

  local function round2(x) return floor(x * 100 + 0.5) / 100 end

  -- Attach extra methods (and a plot hint) to a result.
  local function extend(r, extra, plot)
    local mt = getmetatable(r)
    local methods = mt.__index
    if extra then mt.__index = setmetatable(extra, { __index = methods }) end
    mt.plot = plot
    return r
  end

  ---------------------------------------------------------------------------
  -- Timelines

  -- db:timeline(q, {by=, group=, normalize=, where=}): matches of q per
  -- period.  Rows {period, count, per_million, docs} (+ the group column),
  -- every period from the first dated document to the last, empty ones
  -- with zeros.  per_million: matches per million tokens of the documents
  -- of that period (and group); docs: documents with a match.  Undated
  -- documents are left out (r:undated() counts their matches).
  function Corpus:timeline(q, opts)
    check_query(q, "timeline")
    opts = opts or {}
    local by = opts.by or "day"
    if not period.kinds[by] then
      error(format("bad option 'by' (day, week, month or year expected, got %s)", tostring(by)), 2)
    end
    local set, err = groups.where(self, opts.where)
    if opts.where and not set then return nil, err end
    local spans, qerr = self:_spans(q, { docs = set, max_expansion = opts.max_expansion })
    if not spans then return nil, qerr end
    local gmap, gnames = nil, nil
    if opts.group then gmap, gnames = groups.by(self, opts.group, set) end
    local lens = self:_doclens()
    local dated = self:_sql("select id, date from docs where date is not null")
    local day, lo, hi = {}, huge, -huge
    for _, r in ipairs(dated) do
      local z = period.parse(r.date)
      if z and (not set or set[r.id]) then
        day[r.id] = z
        if z < lo then lo = z end
        if z > hi then hi = z end
      end
    end
    local cols = { "period", "count", "per_million", "docs" }
    if opts.group then table.insert(cols, 2, opts.group) end
    local undated = 0
    local rows = {}
    if lo <= hi then
      local labels = period.range(lo, hi, by)
      local ng = gnames and #gnames or 1
      local cell = {}   -- cell[g][label] = {count, docs, tokens}
      for g = 1, ng do
        cell[g] = {}
        for _, l in ipairs(labels) do cell[g][l] = { count = 0, docs = 0, tokens = 0 } end
      end
      for id, z in pairs(day) do
        local g = gmap and gmap[id] or 1
        if g then
          local c = cell[g][period.label(z, by)]
          c.tokens = c.tokens + (lens[id] or 0)
        end
      end
      for _, s in ipairs(spans) do
        local z = day[s.doc]
        local g = gmap and gmap[s.doc] or 1
        if not z then undated = undated + s.n
        elseif g then
          local c = cell[g][period.label(z, by)]
          c.count, c.docs = c.count + s.n, c.docs + 1
        end
      end
      for g = 1, ng do
        for _, l in ipairs(labels) do
          local c = cell[g][l]
          local row = { period = l, count = c.count, docs = c.docs,
                        per_million = c.tokens > 0 and round2(c.count * 1e6 / c.tokens) or 0 }
          if opts.group then row[opts.group] = gnames[g] end
          rows[#rows + 1] = row
        end
      end
    else
      for _, s in ipairs(spans) do undated = undated + s.n end
    end
    local r = result.new(rows, cols, { db = self, title = q })
    return extend(r, { undated = function() return undated end },
      { kind = "timeline", label = "period", value = opts.normalize and "per_million" or "count",
        group = opts.group })
  end

  ---------------------------------------------------------------------------
  -- Dispersion
  --
  -- The corpus parts are its documents (those `where` matches), each of
  -- size s_i tokens, with f_i matches of the term; n parts, f = sum f_i.
  --
  -- Range: the number of parts with f_i > 0.
  --
  -- Juilland's D (Juilland & Chang-Rodriguez 1964, "Frequency Dictionary
  -- of Spanish Words"; as restated in Gries 2008, "Dispersions and
  -- adjusted frequencies in corpora", IJCL 13(4), section 3):
  --   D = 1 - V / sqrt(n - 1),  V = sd(p) / mean(p)
  -- where p_i = f_i / s_i, the relative frequency in part i (Gries 2008
  -- uses relative frequencies when parts differ in size), and sd the
  -- population standard deviation.  1 = perfectly even, 0 = in one part.
  --
  -- Gries' DP (Gries 2008, section 4.2):
  --   DP = 0.5 * sum_i | f_i / f - s_i / S |,   S = sum s_i
  -- 0 = spread exactly like the part sizes, towards 1 = concentrated.
  -- DPnorm = DP / (1 - min_i(s_i / S)) (Lijffijt & Gries 2012, "Correction
  -- to ...", IJCL 17(1)), which can reach 1 whatever the part sizes.
  local function dispersion_stats(parts, count)
    local n, S, f = 0, 0, 0
    for _, p in ipairs(parts) do n, S, f = n + 1, S + p.size, f + p.f end
    local out = { parts = n, count = f, range = 0 }
    if n == 0 or S == 0 then return out end
    local mean, dp, smin = 0, 0, huge
    for _, p in ipairs(parts) do
      if p.f > 0 then out.range = out.range + 1 end
      mean = mean + p.f / p.size
      dp = dp + abs((f > 0 and p.f / f or 0) - p.size / S)
      if p.size / S < smin then smin = p.size / S end
    end
    mean = mean / n
    local var = 0
    for _, p in ipairs(parts) do var = var + (p.f / p.size - mean) ^ 2 end
    local sd = sqrt(var / n)
    if f > 0 then
      out.DP = 0.5 * dp
      out.DPnorm = smin < 1 and out.DP / (1 - smin) or 0
      if n > 1 then out.D = 1 - (sd / mean) / sqrt(n - 1) end
    end
    return out
  end
  lede._dispersion_stats = dispersion_stats

  -- The parts (documents with tokens) and the matches of q in each.
  local function parts_of(db, q, opts)
    local set, err = groups.where(db, opts.where)
    if opts.where and not set then return nil, err end
    local spans, qerr = db:_spans(q, { docs = set, max_expansion = opts.max_expansion })
    if not spans then return nil, qerr end
    local lens = db:_doclens()
    local ids = {}
    for id, len in pairs(lens) do if len > 0 and (not set or set[id]) then ids[#ids + 1] = id end end
    table.sort(ids)
    local f = {}
    for _, s in ipairs(spans) do f[s.doc] = s.n end
    local parts = {}
    for i, id in ipairs(ids) do parts[i] = { doc = id, size = lens[id], f = f[id] or 0 } end
    return parts, spans
  end

  local function summary_text(s)
    local function num(x) return x and format("%.4f", x) or "n/a" end
    return format("%d matches in %d of %d documents; Juilland's D %s, DP %s, DPnorm %s",
      s.count, s.range, s.parts, num(s.D), num(s.DP), num(s.DPnorm))
  end

  -- db:dispersion(q [, opts]) -> one row per match {doc, position,
  -- relative, corpus} (token position in its document, that position
  -- over the document's length, and over the whole corpus laid end to
  -- end in id order: the x of a dispersion plot), with r:summary() ->
  -- {count, parts, range, D, DP, DPnorm}.  db:dispersion{terms = {...}}
  -- -> one row per term {term, count, range, parts, D, DP, DPnorm}.
  function Corpus:dispersion(q, opts)
    if type(q) == "table" and opts == nil then
      opts = q
      if type(opts.terms) ~= "table" then
        error("bad argument #1 to 'dispersion' (query string or {terms = {...}} expected)", 2)
      end
      local rows = {}
      for _, t in ipairs(opts.terms) do
        local parts, err = parts_of(self, t, opts)
        if not parts then return nil, err end
        local s = dispersion_stats(parts)
        s.term = t
        rows[#rows + 1] = s
      end
      return result.new(rows, { "term", "count", "range", "parts", "D", "DP", "DPnorm" }, { db = self })
    end
    check_query(q, "dispersion")
    opts = opts or {}
    local parts, spans = parts_of(self, q, opts)
    if not parts then return nil, spans end
    local offset, S = {}, 0
    for _, p in ipairs(parts) do offset[p.doc] = S; S = S + p.size end
    local rows = {}
    for _, s in ipairs(spans) do
      for i = 1, s.n do
        local pos = s.first[i]
        rows[#rows + 1] = { doc = s.doc, position = pos,
          relative = s.ntok > 0 and pos / s.ntok or 0,
          corpus = S > 0 and ((offset[s.doc] or 0) + pos) / S or 0 }
      end
    end
    local stats = dispersion_stats(parts)
    local r = result.new(rows, { "doc", "position", "relative", "corpus" }, { db = self, title = q })
    local mt = getmetatable(r)
    local render = mt.__tostring
    mt.__tostring = function(x) return summary_text(stats) .. "\n" .. render(x) end
    return extend(r, { summary = function() return stats end }, { kind = "dispersion" })
  end

  ---------------------------------------------------------------------------
  -- Similar documents
  --
  -- Each document is a vector of tf * idf over the index terms, tf the
  -- term's count in the document and idf = ln(N / df) (N documents, df of
  -- them holding the term; a term in every document weighs nothing).
  -- Similarity is the cosine of two vectors, dot(a, b) / (|a| |b|).  The
  -- lengths |d| of every document come from one pass over the index,
  -- kept until the index changes (its generation number moves).
  local norms_cache = setmetatable({}, { __mode = "k" })

  local function norms(db)
    local gen = db:_sql("select value from lede_info where key = 'index_gen'")[1]
    local key = (gen and tostring(gen.value) or "") .. ":" .. Corpus.count(db)
    local c = norms_cache[db]
    if c and c.key == key then return c.norms end
    local n = db:_norms()
    norms_cache[db] = { key = key, norms = n }
    return n
  end

  -- db:similar(doc [, {top=}]) -> rows {doc, score, date, source, title},
  -- the documents most like doc by TF-IDF cosine, best first.
  function Corpus:similar(doc, opts)
    if math.type(doc) ~= "integer" then
      error("bad argument #1 to 'similar' (document id expected, got " .. type(doc) .. ")", 2)
    end
    opts = opts or {}
    if not self:doc(doc) then return nil, "no document with id " .. doc end
    local hits = self:_similar(doc, opts.top or 10, norms(self))
    for _, h in ipairs(hits) do
      local m = self:_sql("select date, source, title from docs where id = ?", h.doc)[1] or {}
      h.date, h.source, h.title = m.date, m.source, m.title
    end
    local r = result.new(hits, { "doc", "score", "date", "source", "title" },
                         { db = self, title = format("documents like %d", doc) })
    return extend(r, nil, { label = "title", value = "score" })
  end

  ---------------------------------------------------------------------------
  -- Help

  help.add("db:freq", { usage = "db:freq([opts])",
    summary = "a frequency list: {term, count, per_million, docs}, most frequent first",
    text = "per_million is per million tokens of the documents counted (of the\n" ..
      "group's, with by).  With by, a column named after it comes first and\n" ..
      "top applies within each group.  r:plot() draws it as bars.",
    options = {
      { "top = n", "the n most frequent (default 50; per group with by)" },
      { "min = n", "terms seen at least n times" },
      { 'form = "lower"|"stem"|"surface"', "index terms (default), Snowball stems, or the words as written (reads the texts)" },
      { 'lang = "en"', "the stemmer's language for form = \"stem\"" },
      { 'stopwords = "en"|"ru"', "leave out function words" },
      { "pattern = p", "terms matching a Lua pattern" },
      { "where = query", "only documents matching the query" },
      { 'by = "source"|"day"|"week"|"month"|"year"|field', "counts per outlet, per period, or per metadata field" },
    },
    example = 'db:freq{top = 10, stopwords = "en", by = "source"}\n' ..
      'db:freq{form = "surface", pattern = "^%u", where = "dam"}:plot()' })
  help.add("result:plot", { usage = "r:plot([opts])",
    summary = "draw the result in the terminal: bars, timeline sparklines, a dispersion strip",
    text = "Frequency-like results (freq, terms, ngrams, similar...) draw as bars;\n" ..
      "db:timeline as one sparkline per group; db:dispersion as a strip of the\n" ..
      "corpus laid end to end.  Fitted to the terminal width.",
    options = {
      { "value = col, label = col, group = col", "which columns to draw (guessed otherwise)" },
      { "n = 30", "bars drawn at most" },
      { "width = n", "columns to fill (default: the terminal's)" },
      { "string = true", "return the drawing instead of printing it" },
    },
    example = 'db:freq{top = 15, stopwords = "en"}:plot()\n' ..
      'db:timeline("dam", {by = "day", group = "source"}):plot()' })
  help.add("db:timeline", { usage = "db:timeline(q [, opts])",
    summary = "matches of a query per day, week, month or year, every period filled (zeros included)",
    options = {
      { "by = \"day\"|\"week\"|\"month\"|\"year\"", "period length (day); weeks are ISO weeks, labelled 2024-W10" },
      { "group = \"source\"", "one series per value of a field (source, lang, a metadata key)" },
      { "normalize = true", ":plot() draws per_million (matches per million tokens) instead of counts" },
      { "where = q", "only the documents a query matches" },
    },
    returns = "rows {period, count, per_million, docs} (+ the group column); r:undated() counts matches in undated documents",
    example = 'db:timeline("sanctions", {by = "week", group = "source"}):plot()' })
  help.add("db:dispersion", { usage = "db:dispersion(q [, opts]) / db:dispersion{terms = {...}}",
    summary = "how evenly a term spreads over the documents: range, Juilland's D, Gries' DP",
    options = {
      { "terms = {...}", "one summary row per term or query" },
      { "where = q", "only the documents a query matches are parts" },
    },
    returns = "rows {doc, position, relative, corpus} and r:summary() -> {count, parts, range, D, DP, DPnorm}; with terms: rows {term, count, range, parts, D, DP, DPnorm}",
    example = 'db:dispersion{terms = {"dam", "water", "said"}}' })
  help.add("db:similar", { usage = "db:similar(doc [, {top = 10}])",
    summary = "the documents most like one document, by TF-IDF cosine over the index terms",
    options = { { "top = 10", "how many documents" } },
    returns = "rows {doc, score, date, source, title}, best first",
    example = "db:similar(12, {top = 5})" })
end
