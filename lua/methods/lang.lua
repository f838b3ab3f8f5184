-- lang.lua -- languages: lede.langid (core/langid.c), stems that follow a
-- document's language in lede.tokens and doc:tokens, and stopwords of the
-- corpus' own languages in db:freq{stopwords = true}.
--
-- Loading stores each document's language as `lang` when the input gave
-- none (core/load.c calls lede_langid), so lang:ru works in queries and
-- the language of a document is known wherever its text is.
local core = require "lede.core"
local type, error, pairs, ipairs, tostring, setmetatable =
  type, error, pairs, ipairs, tostring, setmetatable

return function(lede, Corpus)
  local help = require "lede.help"

  -- lede.langid(text): the ISO 639-1 code of the text's language, or nil,
  -- and every language's score (mean log-probability per n-gram), best
  -- first.
  function lede.langid(text)
    if type(text) ~= "string" then
      error("bad argument #1 to 'langid' (string expected, got " .. type(text) .. ")", 2)
    end
    local code, scores = core.langid(text)
    return code, require("lede.result").new(scores, { "lang", "score" }, { title = "language scores" })
  end

  -- A stemmer for lang, or one that gives the word back when libstemmer
  -- has none (Ukrainian in libstemmer 2.2): stems follow the language
  -- where they can, and never stop a script where they cannot.
  local stemmers = {}
  local function stemmer(lang)
    local f = stemmers[lang]
    if f == nil then
      f = pcall(core.stem, "a", lang) and function(w) return core.stem(w, lang) end
          or function(w) return w end
      stemmers[lang] = f
    end
    return f
  end

  -- lede.stem(word, lang): the Snowball stem, or the word itself when the
  -- language has no stemmer.
  function lede.stem(word, lang)
    if type(word) ~= "string" or type(lang) ~= "string" then
      error("bad arguments to 'stem' (word and language code expected)", 2)
    end
    return stemmer(lang)(word)
  end

  -- lede.tokens(text, {lang = "ru" | "auto"}): each word also gets its
  -- stem in that language ("auto": the language lede.langid finds).
  local tokens = lede.tokens
  function lede.tokens(text, opts)
    local toks = tokens(text, opts)
    local lang = type(opts) == "table" and opts.lang
    if lang == "auto" then lang = core.langid(text) end
    if type(lang) == "string" then
      local stem = stemmer(lang)
      for _, t in ipairs(toks) do
        if t.kind == "word" then t.stem = stem(t.term) end
      end
    end
    return toks
  end

  -- doc:tokens([opts]): stems in the document's own language.
  local Doc = lede.Doc
  function Doc:tokens(opts)
    local o = {}
    for k, v in pairs(opts or {}) do o[k] = v end
    if o.lang == nil then o.lang = self.lang end
    return lede.tokens(self.text, o)
  end

  -- db:freq{stopwords = true}: leave out the function words of every
  -- language the corpus' documents are in; a language code or a list of
  -- them works too.
  local freq = Corpus.freq
  function Corpus:freq(opts)
    local sw = type(opts) == "table" and opts.stopwords
    if sw ~= true and type(sw) ~= "table" then return freq(self, opts) end
    local langs = {}
    if sw == true then
      for _, r in ipairs(self:_sql("select distinct lang from docs where lang is not null")) do
        if core.stopword_lang(r.lang) then langs[#langs + 1] = r.lang end
      end
    else
      for _, l in ipairs(sw) do
        if not core.stopword_lang(l) then
          error("bad option 'stopwords' (no stopword list for " .. tostring(l) .. ")", 2)
        end
        langs[#langs + 1] = l
      end
    end
    local o = {}
    for k, v in pairs(opts) do o[k] = v end
    local top = o.top or 50
    o.stopwords, o.top = nil, math.huge
    local r, err = freq(self, o)
    if not r then return nil, err end
    local stopword, rows, per = core.stopword, {}, {}
    for _, x in ipairs(r) do
      local skip = false
      for _, l in ipairs(langs) do
        if stopword(l, x.term) or stopword(l, x.term:lower()) then skip = true break end
      end
      local g = o.by and x[o.by] or 1
      if not skip and (per[g] or 0) < top then
        per[g] = (per[g] or 0) + 1
        rows[#rows + 1] = x
      end
    end
    local out = require("lede.result").new(rows, r:columns(), { db = self })
    getmetatable(out).plot = getmetatable(r).plot
    return out
  end

  help.add("lede.langid", { usage = "lede.langid(text)",
    summary = "the language of a text: en, de, fr, es, ru or uk (nil when none fits)",
    text = "Character n-gram profiles (naive Bayes over 1-3 letter n-grams of the\n" ..
      "first 400 bytes).  Loading stores it as the document's lang when the\n" ..
      "input gives none, so `lang:uk` works in queries.",
    returns = "a code or nil, and the scores of all six, best first",
    example = 'lede.langid("Уряд оголосив нові заходи")  --> "uk"' })
  help.add("lede.stem", { usage = "lede.stem(word, lang)",
    summary = "Snowball stem of a normalised word in a language (uk: the word itself)",
    example = 'lede.stem("переговоры", "ru")' })
  local e = help.entry("lede.tokens")
  if e then
    e.options = e.options or {}
    e.options[#e.options + 1] = { 'lang = "ru"|"auto"', "add each word's stem in that language (doc:tokens uses the document's lang)" }
  end
  e = help.entry("db:freq")
  if e and e.options then
    for _, opt in ipairs(e.options) do
      if opt[1]:match("^stopwords") then
        opt[1] = 'stopwords = "en"|"ru"|"uk"|"de"|"fr"|"es"|true'
        opt[2] = "leave out function words; true: of every language in the corpus"
      end
    end
  end
end
