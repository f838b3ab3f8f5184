-- collocation.lua: n-grams, collocates and keyness.
--
-- The counting is in C (core/ngram.c through lede.core.ngrams and
-- lede.core.collocates); this file turns counts into association scores.
-- Every count is over one token stream (include/lede/stats.h): one term
-- per position as the index numbers them, punctuation not a token,
-- compounds as their parts, nothing across a document boundary.
--
-- The contingency table (Evert 2005, "The Statistics of Word
-- Cooccurrences", ch. 2 and 4; Evert 2008, "Corpora and collocations",
-- sec. 3 on surface cooccurrence).  For a node word and a collocate:
--
--                 collocate      other words
--   in windows    O11            O12            R1 = O11 + O12
--   elsewhere     O21            O22            R2 = N - R1
--                 C1 = f2        C2 = N - C1    N
--
--   O11 = tokens of the collocate inside the node's windows;
--   R1  = f1 * span: node frequency times window span (left + right), the
--         number of window slots if no window were cut short by a text or
--         sentence edge and none overlapped;
--   C1  = f2, the collocate's frequency in the corpus;
--   N   = tokens in the corpus;
--   Eij = Ri * Cj / N (independence), so E11 = f1 * span * f2 / N.
--   A window never counts the node's own span, but a second node
--   occurrence inside the window counts like any other word.
--
-- Using the nominal f1 * span for R1 (not the slots actually seen) is
-- the choice of Evert (2008, eq. 3: E = k * f1 * f2 / N) and of Sketch
-- Engine; it keeps a bigram (window {0, 1}) identical to NLTK's
-- BigramCollocationFinder table, which the reference fixture checks.
-- The slots actually inside texts are reported as `window_slots`.
local format, log, sqrt, huge = string.format, math.log, math.sqrt, math.huge

local function log2(x) return log(x, 2) end

-- Cells of the 2x2 table from O11, R1, C1, N.  With overlapping windows
-- (two nodes a few tokens apart) a rare collocate can be counted more
-- often than it occurs, O11 > C1; the cells that would go negative are
-- taken as 0.
local function cells(o11, r1, c1, n)
  local max = math.max
  local o12, o21 = max(r1 - o11, 0), max(c1 - o11, 0)
  local o22 = max(n - r1 - c1 + o11, 0)
  local r2, c2 = n - r1, n - c1
  return o11, o12, o21, o22, r1 * c1 / n, r1 * c2 / n, r2 * c1 / n, r2 * c2 / n
end

-- x * ln(x / e), with 0 ln 0 = 0.
local function xlogx(o, e) if o <= 0 then return 0 end return o * log(o / e) end

-- Association measures: f(O11, R1, C1, N, f1, f2), higher is stronger.
-- f1, f2 are the raw node and collocate frequencies (Dice and logDice use
-- them, as Sketch Engine does; everything else uses the table).
local measures = {}

-- MI, pointwise mutual information: log2(O11 / E11).
-- Church & Hanks 1990; Evert 2005 sec. 3.1.4 "MI"; NLTK pmi.
function measures.mi(o11, r1, c1, n) return log2(o11 * n / (r1 * c1)) end

-- MI3: log2(O11^3 / E11).  Oakes 1998; Evert 2005 "MI^k", k = 3; Sketch
-- Engine "MI3"; NLTK mi_like(power=3) before the log.
function measures.mi3(o11, r1, c1, n) return log2(o11 ^ 3 * n / (r1 * c1)) end

-- t-score: (O11 - E11) / sqrt(O11).  Church et al. 1991; Evert 2005
-- "t-score"; NLTK student_t (which adds 1e-20 under the root).
function measures.t(o11, r1, c1, n) return (o11 - r1 * c1 / n) / sqrt(o11) end

-- z-score: (O11 - E11) / sqrt(E11).  Dennis 1965; Evert 2005 "z-score".
function measures.z(o11, r1, c1, n)
  local e = r1 * c1 / n
  return (o11 - e) / sqrt(e)
end

-- Log-likelihood G2 = 2 * sum over the four cells of Oij ln(Oij / Eij).
-- Dunning 1993; Evert 2005 "log-likelihood"; NLTK likelihood_ratio.
-- Two-sided: a pair seen less often than expected scores high too (see
-- the `positive` option of db:collocates).
function measures.ll(o11, r1, c1, n)
  local a, b, c, d, ea, eb, ec, ed = cells(o11, r1, c1, n)
  return 2 * (xlogx(a, ea) + xlogx(b, eb) + xlogx(c, ec) + xlogx(d, ed))
end

-- Pearson's chi-squared without Yates' correction:
-- N (O11 O22 - O12 O21)^2 / (R1 R2 C1 C2).  Evert 2005 "chi-squared";
-- NLTK chi_sq (= N * phi_sq).
function measures.chi2(o11, r1, c1, n)
  local a, b, c, d = cells(o11, r1, c1, n)
  local den = r1 * (n - r1) * c1 * (n - c1)
  if den == 0 then return 0 end
  return n * (a * d - b * c) ^ 2 / den
end

-- Dice: 2 O11 / (f1 + f2).  Smadja et al. 1996; Evert 2005 "Dice";
-- NLTK dice; Sketch Engine uses the raw frequencies f1, f2 as here.
function measures.dice(o11, _, _, _, f1, f2) return 2 * o11 / (f1 + f2) end

-- logDice: 14 + log2(2 O11 / (f1 + f2)).  Rychlý 2008, "A lexicographer-
-- friendly association score"; Sketch Engine statistics notes.
function measures.logdice(o11, _, _, _, f1, f2) return 14 + log2(2 * o11 / (f1 + f2)) end

-- Log ratio: log2 of the collocate's relative frequency inside the
-- windows over its relative frequency outside them, (O11 / R1) / (O21 /
-- R2), a zero count taken as 0.5.  Hardie 2014, "Log Ratio: an informal
-- introduction" (CQPweb); an effect size, not a significance test.
function measures.logratio(o11, r1, c1, n)
  local o21 = c1 - o11
  local a = o11 > 0 and o11 or 0.5
  local b = o21 > 0 and o21 or 0.5
  return log2((a / r1) / (b / (n - r1)))
end

local measure_names = { "mi", "mi3", "t", "z", "ll", "logdice", "dice", "chi2", "logratio" }
local aliases = { ["log-likelihood"] = "ll", g2 = "ll", loglikelihood = "ll", ["t-score"] = "t",
                  ["z-score"] = "z", ["chi-squared"] = "chi2", chisq = "chi2" }

-- Keyness (Rayson & Garside 2000, "Comparing corpora using frequency
-- profiling"; the UCREL log-likelihood calculator, which AntConc and
-- WordSmith follow).  a, b: the word's frequency in target and reference;
-- c, d: their sizes in tokens.  E1 = c (a + b) / (c + d), E2 = d (a + b)
-- / (c + d), LL = 2 (a ln(a / E1) + b ln(b / E2)); p from the chi-squared
-- distribution with one degree of freedom.
local function keyness_ll(a, b, c, d)
  local e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
  return 2 * (xlogx(a, e1) + xlogx(b, e2))
end
-- Log ratio (Hardie 2014): log2((a / c) / (b / d)), a zero count taken
-- as 0.5.  One unit is a doubling.
local function keyness_logratio(a, b, c, d)
  return log2(((a > 0 and a or 0.5) / c) / ((b > 0 and b or 0.5) / d))
end
-- %DIFF (Gabrielatos & Marchi 2012): 100 (a/c - b/d) / (b/d); infinite
-- when the reference lacks the word.
local function keyness_pctdiff(a, b, c, d)
  if b == 0 then return a > 0 and huge or 0 end
  return 100 * (a / c - b / d) / (b / d)
end
return function(lede, Corpus)
  -- The formulas, for scripts and tests: lede.measures.mi(O11, R1, C1, N, f1, f2),
  -- lede.keyness_measures.ll(a, b, c, d).
  lede.measures = measures
  lede.keyness_measures = { ll = keyness_ll, logratio = keyness_logratio, pct_diff = keyness_pctdiff }
  local core = lede.core
  local result = function(...) return require("lede.result").new(...) end
  local help = require("lede.help")

  local function check_opts(opts, fname, argn)
    if opts == nil then return {} end
    if type(opts) ~= "table" then
      error(format("bad argument #%d to '%s' (table of options expected, got %s)", argn, fname, type(opts)), 3)
    end
    return opts
  end

  local function check_within(w)
    if w ~= nil and w ~= "sentence" then
      error("bad option 'within' (\"sentence\" expected, got " .. tostring(w) .. ")", 3)
    end
    return w == "sentence"
  end

  local stop_langs = { en = true, ru = true, uk = true, de = true, fr = true, es = true }
  local function check_stop(lang)
    if lang ~= nil and not stop_langs[lang] then
      error("bad option 'stopwords' (\"en\", \"ru\", \"uk\", \"de\", \"fr\" or \"es\" expected, got "
            .. tostring(lang) .. ")", 3)
    end
    return lang
  end

  local function check_count(v, name, dflt)
    if v == nil then return dflt end
    if math.type(v) ~= "integer" or v < 0 then
      error(format("bad option '%s' (non-negative integer expected, got %s)", name, tostring(v)), 3)
    end
    return v
  end

  local function per_million(count, total)
    return total > 0 and math.floor(count * 1e8 / total + 0.5) / 100 or 0
  end

  ---------------------------------------------------------------------------
  -- db:ngrams{n=, top=, min=, stopwords=, within=, where=}

  function Corpus:ngrams(opts)
    opts = check_opts(opts, "ngrams", 1)
    local n = check_count(opts.n, "n", 2)
    if n < 1 or n > 5 then error("bad option 'n' (1 .. 5 expected, got " .. n .. ")", 2) end
    if opts.where ~= nil and type(opts.where) ~= "string" then
      error("bad option 'where' (query string expected, got " .. type(opts.where) .. ")", 2)
    end
    local raw, err = core.ngrams(self, {
      n = n, top = check_count(opts.top, "top", 50), min = check_count(opts.min, "min", 1),
      stopwords = check_stop(opts.stopwords), within_sentence = check_within(opts.within),
      where = opts.where, max_expansion = opts.max_expansion,
    })
    if not raw then return nil, err end
    local rows = {}
    for i, r in ipairs(raw) do
      rows[i] = { ngram = r.ngram, count = r.count, per_million = per_million(r.count, raw.tokens), docs = r.docs }
    end
    local res = result(rows, { "ngram", "count", "per_million", "docs" },
                       { db = self, title = n .. "-grams" })
    local info = { tokens = raw.tokens, ndocs = raw.ndocs, distinct = raw.distinct }
    local mt = getmetatable(res)
    mt.__index = setmetatable({ info = function() return info end }, { __index = mt.__index })
    return res
  end

  help.add("db:ngrams", {
    usage = "db:ngrams([opts])",
    summary = "the most frequent n-grams: {ngram, count, per_million, docs}",
    text = "Counts runs of n consecutive words (punctuation is not a word; compounds\n" ..
      "count as their parts; nothing crosses a document).  per_million is per\n" ..
      "million tokens of the documents counted; res:info() gives tokens, ndocs, distinct.",
    options = {
      { "n = 2", "words per n-gram, 1 .. 5" },
      { "top = 50", "keep the n most frequent (0: all)" },
      { "min = 1", "n-grams seen at least this often" },
      { 'stopwords = "en"', "drop n-grams that begin or end with a stopword (en ru uk de fr es)" },
      { 'within = "sentence"', "n-grams do not cross a sentence boundary" },
      { "where = query", "only documents matching the query" },
    },
    example = 'db:ngrams{n = 3, top = 20, stopwords = "en", within = "sentence"}',
  })

  ---------------------------------------------------------------------------
  -- db:collocates(q [, opts])

  local function window_of(w)
    if w == nil then return 5, 5 end
    if math.type(w) == "integer" and w >= 0 then return w, w end
    if type(w) == "table" and math.type(w[1]) == "integer" and math.type(w[2]) == "integer"
       and w[1] >= 0 and w[2] >= 0 then
      return w[1], w[2]
    end
    error("bad option 'window' (a number or {left, right} expected)", 3)
  end

  local function measure_of(m)
    m = m == nil and "ll" or tostring(m):lower()
    m = aliases[m] or m
    if not measures[m] then
      error("bad option 'measure' (one of " .. table.concat(measure_names, ", ") .. " expected, got " .. m .. ")", 3)
    end
    return m
  end

  -- min = n (observed) or {observed = n, freq = m}.
  local function min_of(m)
    if m == nil then return 3, 1 end
    if math.type(m) == "integer" then return m, 1 end
    if type(m) == "table" then
      return check_count(m.observed, "min.observed", 1), check_count(m.freq, "min.freq", 1)
    end
    error("bad option 'min' (a number or {observed = n, freq = m} expected)", 3)
  end

  local function by_score(a, b)
    if a.score ~= b.score then return a.score > b.score end
    if a.observed ~= b.observed then return a.observed > b.observed end
    return a.term < b.term
  end

  function Corpus:collocates(q, opts)
    if type(q) ~= "string" then
      error("bad argument #1 to 'collocates' (query string expected, got " .. type(q) .. ")", 2)
    end
    opts = check_opts(opts, "collocates", 2)
    local left, right = window_of(opts.window)
    if left + right == 0 then error("bad option 'window' (an empty window)", 2) end
    local m = measure_of(opts.measure)
    local min_obs, min_freq = min_of(opts.min)
    local lang = check_stop(opts.stopwords)
    local top = check_count(opts.top, "top", 50)
    local raw, err = core.collocates(self, q, left, right, check_within(opts.within), opts.max_expansion)
    if not raw then return nil, err end
    local f1, n, span = raw.node_freq, raw.tokens, left + right
    local r1, score, positive = f1 * span, measures[m], opts.positive ~= false
    local rows = {}
    for _, c in ipairs(raw) do
      if c.observed >= min_obs and c.freq >= min_freq and not (lang and core.stopword(lang, c.term)) then
        local e = r1 * c.freq / n
        if not positive or c.observed > e then
          rows[#rows + 1] = { term = c.term, score = score(c.observed, r1, c.freq, n, f1, c.freq),
                              observed = c.observed, expected = e, node_freq = f1, coll_freq = c.freq }
        end
      end
    end
    table.sort(rows, by_score)
    if top > 0 then for i = #rows, top + 1, -1 do rows[i] = nil end end
    local res = result(rows, { "term", "score", "observed", "expected", "node_freq", "coll_freq" },
                       { db = self, title = format("collocates of %s (%s, window %d-%d)", q, m, left, right) })
    local info = { node_freq = f1, node_docs = raw.node_docs, tokens = n, span = span,
                   window_slots = raw.window_slots, measure = m, left = left, right = right }
    local mt = getmetatable(res)
    mt.__index = setmetatable({ info = function() return info end }, { __index = mt.__index })
    return res
  end

  help.add("db:collocates", {
    usage = "db:collocates(query [, opts])",
    summary = "words found near a node word or query, by an association measure",
    text = "Rows {term, score, observed, expected, node_freq, coll_freq}, best first.\n" ..
      "observed counts the collocate inside the node's windows; expected is\n" ..
      "node_freq * span * coll_freq / N (N: tokens in the corpus).  The formulas\n" ..
      "and their sources are in README (N-grams, collocations and keyness).",
    options = {
      { "window = 5 | {left, right}", "tokens on each side of the node" },
      { 'within = "sentence"', "windows stop at the node's sentence" },
      { 'measure = "ll"', 'one of "mi", "mi3", "t", "z", "ll", "logdice", "dice", "chi2", "logratio"' },
      { "min = 3 | {observed = n, freq = m}", "least co-occurrence count and corpus frequency" },
      { "top = 50", "keep the best n (0: all)" },
      { 'stopwords = "en"', "leave out function words (en ru uk de fr es)" },
      { "positive = true", "only words seen more often than expected (false: all)" },
    },
    returns = "a result table; res:info() gives node_freq, tokens, span, window_slots",
    example = 'db:collocates("sanctions", {window = 5, measure = "logdice", min = 3})',
  })

  ---------------------------------------------------------------------------
  -- db:keyness{target=, reference=, measure=, top=, min=}

  -- Word counts of one side: a query over a corpus (nil: all of it).
  local function side_counts(db, where)
    local raw, err = core.ngrams(db, { n = 1, top = 0, min = 1, where = where })
    if not raw then return nil, err end
    local counts = {}
    for _, r in ipairs(raw) do counts[r.ngram] = r.count end
    return counts, raw.tokens, raw.ndocs
  end

  -- reference: a query on this corpus; a corpus handle; or a table
  -- {corpus = handle or path, where = query}.
  local function reference_of(self, target, ref)
    if ref == nil then return self, "NOT (" .. target .. ")" end
    if type(ref) == "string" then return self, ref end
    if type(ref) == "userdata" then return ref, nil end
    if type(ref) == "table" and (type(ref.corpus) == "userdata" or type(ref.corpus) == "string") then
      local db = ref.corpus
      if type(db) == "string" then
        local d, err = lede.open(db, { readonly = true })
        if not d then return nil, err end
        db = d
      end
      return db, ref.where
    end
    error("bad option 'reference' (a query, a corpus or {corpus =, where =} expected)", 3)
  end

  local key_measures = { ll = true, logratio = true, pct_diff = true }

  function Corpus:keyness(opts)
    opts = check_opts(opts, "keyness", 1)
    if type(opts.target) ~= "string" then
      error("bad option 'target' (query string expected, got " .. type(opts.target) .. ")", 2)
    end
    local m = opts.measure == nil and "ll" or tostring(opts.measure):lower()
    if m == "%diff" then m = "pct_diff" end
    if not key_measures[m] then
      error("bad option 'measure' (\"ll\", \"logratio\" or \"pct_diff\" expected, got " .. m .. ")", 2)
    end
    local top, min = check_count(opts.top, "top", 20), check_count(opts.min, "min", 3)
    local maxp = opts.p
    local rdb, rwhere = reference_of(self, opts.target, opts.reference)
    if not rdb then return nil, rwhere end
    local ta, c, tdocs = side_counts(self, opts.target)
    if not ta then return nil, c end
    local rb, d, rdocs = side_counts(rdb, rwhere)
    if not rb then return nil, d end
    if c == 0 or d == 0 then
      return nil, c == 0 and "the target has no words" or "the reference has no words"
    end
    local pos, neg = {}, {}
    local function add(term, a, b)
      local over = a / c > b / d
      if (over and a < min) or (not over and b < min) or a / c == b / d then return end
      local ll = keyness_ll(a, b, c, d)
      local p = core.chi2_p(ll)
      if maxp and p > maxp then return end
      local row = { term = term, key = over and "+" or "-", target = a, reference = b,
                    ll = ll, p = p, logratio = keyness_logratio(a, b, c, d),
                    pct_diff = keyness_pctdiff(a, b, c, d) }
      row.score = row[m]
      local list = over and pos or neg
      list[#list + 1] = row
    end
    for term, a in pairs(ta) do add(term, a, rb[term] or 0) end
    for term, b in pairs(rb) do if not ta[term] then add(term, 0, b) end end
    local function strongest(x, y)
      local sx, sy = math.abs(x.score), math.abs(y.score)
      if sx ~= sy then return sx > sy end
      return x.term < y.term
    end
    table.sort(pos, strongest)
    table.sort(neg, strongest)
    local rows = {}
    for i = 1, top > 0 and math.min(top, #pos) or #pos do rows[#rows + 1] = pos[i] end
    if opts.negative ~= false then
      for i = 1, top > 0 and math.min(top, #neg) or #neg do rows[#rows + 1] = neg[i] end
    end
    for _, r in ipairs(rows) do r.score = nil end
    local res = result(rows, { "term", "key", "target", "reference", "ll", "p", "logratio", "pct_diff" },
                       { db = self, title = "keyness of " .. opts.target })
    local info = { target_tokens = c, reference_tokens = d, target_docs = tdocs, reference_docs = rdocs,
                   measure = m }
    local mt = getmetatable(res)
    mt.__index = setmetatable({ info = function() return info end }, { __index = mt.__index })
    return res
  end

  help.add("db:keyness", {
    usage = "db:keyness{target = query [, reference = ...]}",
    summary = "words over- (+) and under-used (-) in a target against a reference",
    text = "Rows {term, key, target, reference, ll, p, logratio, pct_diff}: the\n" ..
      "strongest positive keywords, then the strongest negative ones.  ll is\n" ..
      "Rayson & Garside's log-likelihood, p its chi-squared (1 df) p-value;\n" ..
      "logratio (Hardie 2014) and pct_diff (%DIFF, Gabrielatos & Marchi 2012)\n" ..
      "are effect sizes.  res:info() gives the token counts of both sides.",
    options = {
      { "target = query", 'the documents of interest, e.g. \'source:"Northgate Wire"\'' },
      { "reference = query", "the documents to compare with (default: NOT target)" },
      { "reference = db | {corpus = db or path, where = query}", "another corpus" },
      { 'measure = "ll"', 'rank by "ll", "logratio" or "pct_diff"' },
      { "top = 20", "keywords of each sign (0: all)" },
      { "min = 3", "least frequency on the side where the word is over-used" },
      { "p = 0.05", "keep only keywords with p at most this" },
      { "negative = true", "false leaves out the negative keywords" },
    },
    example = 'db:keyness{target = \'source:"Northgate Wire"\', measure = "logratio", p = 0.01}',
  })
end
