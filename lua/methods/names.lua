-- names.lua -- spelling variants of names: db:alias, db:aliases,
-- db:unalias, db:canonical and db:variants.
--
-- Declared variants live in the corpus file, in the table the query
-- language reads for `~name` (core/search.c):
--     lede_alias(canonical TEXT, variant TEXT)
-- with one row per variant and one (canonical, canonical) row, so `~X`
-- finds every spelling whichever of them X is.  db:canonical(name) maps
-- any declared spelling (also inside a longer name: "Rustam Khaldiev")
-- to the canonical one; entity and quote results report it.
--
-- db:variants(name) suggests spellings from the corpus vocabulary: a
-- word is a variant when its transliteration skeleton equals the name's
-- (Cyrillic to Latin, kh/h, zh/z, j/y/i, iy/ie/yy, doubled letters) or
-- differs from it by one edit in a long enough word (Tsyrkiv/Tsirkov).
return function(lede, Corpus)
  local type, ipairs, pairs, error, concat, insert, sort, min =
    type, ipairs, pairs, error, table.concat, table.insert, table.sort, math.min
  local core = lede.core
  local result = require "lede.result"

  local SCHEMA = "CREATE TABLE IF NOT EXISTS lede_alias(canonical TEXT NOT NULL, "
    .. "variant TEXT NOT NULL, UNIQUE(canonical, variant))"

  -- alias maps, cached per corpus until the next db:alias or db:unalias
  local cache = setmetatable({}, { __mode = "k" })

  local function has_table(db)
    return #db:_sql("select 1 from sqlite_master where type = 'table' and name = 'lede_alias'") > 0
  end

  local function lower(s)
    -- ASCII and the Latin/Cyrillic capitals a name starts with
    local out = {}
    for _, t in ipairs(core.tokens(s, false)) do
      if not t.part and t.kind ~= "punct" and t.kind ~= "symbol" then out[#out + 1] = t.term end
    end
    return concat(out, " ")
  end

  local function map_of(db)
    local m = cache[db]
    if m then return m end
    m = { whole = {}, word = {} }
    if has_table(db) then
      for _, r in ipairs(db:_sql("select canonical, variant from lede_alias")) do
        local k = lower(r.variant)
        m.whole[k] = r.canonical
        if not r.canonical:find("%s") and not r.variant:find("%s") then m.word[k] = r.canonical end
      end
    end
    cache[db] = m
    return m
  end

  -- db:alias(canonical, {variants...}): declare spellings of one name.
  function Corpus:alias(canonical, variants)
    if type(canonical) ~= "string" or canonical == "" then
      error("bad argument #1 to 'alias' (name expected, got " .. type(canonical) .. ")", 2)
    end
    if type(variants) == "string" then variants = { variants } end
    if type(variants) ~= "table" then
      error("bad argument #2 to 'alias' (list of variants expected, got " .. type(variants) .. ")", 2)
    end
    local list = {}
    for i, v in ipairs(variants) do
      if type(v) == "table" and type(v.variant) == "string" then v = v.variant end  -- db:variants rows
      list[i] = v
      if type(v) ~= "string" or v == "" then
        error("bad argument #2 to 'alias' (variant " .. i .. " is not a name)", 2)
      end
    end
    self:_sql(SCHEMA)
    self:_sql("insert or ignore into lede_alias(canonical, variant) values(?, ?)", canonical, canonical)
    for _, v in ipairs(list) do
      self:_sql("insert or ignore into lede_alias(canonical, variant) values(?, ?)", canonical, v)
    end
    cache[self] = nil
    return self
  end

  -- db:unalias(canonical [, variant]): forget one variant, or the name.
  function Corpus:unalias(canonical, variant)
    if type(canonical) ~= "string" then
      error("bad argument #1 to 'unalias' (name expected, got " .. type(canonical) .. ")", 2)
    end
    if not has_table(self) then return self end
    if variant then
      self:_sql("delete from lede_alias where canonical = ? and variant = ?", canonical, variant)
    else
      self:_sql("delete from lede_alias where canonical = ?", canonical)
    end
    cache[self] = nil
    return self
  end

  -- db:aliases(): the declared variants as a result table.
  function Corpus:aliases()
    local rows = {}
    if has_table(self) then
      rows = self:_sql("select canonical, variant from lede_alias where variant <> canonical "
        .. "order by canonical, variant")
    end
    return result.new(rows, { "canonical", "variant" }, { db = self, title = "aliases" })
  end

  -- db:canonical(name): the canonical spelling of a name, or the name.
  -- Whole names first, then word by word ("Rustam Khaldiev" -> "Rustam
  -- Khaldiyev"); case, possessive and curly apostrophes do not matter.
  function Corpus:canonical(name)
    if type(name) ~= "string" then return name end
    local m = map_of(self)
    local c = m.whole[lower(name)]
    if c then return c end
    if not next(m.word) then return name end
    local changed = false
    local out = name:gsub("[^%s]+", function(w)
      local k = lower(w)
      local cw = m.word[k]
      if cw then
        changed = true
        return cw .. (w:match("’s$") or w:match("'s$") or "")
      end
    end)
    return changed and out or name
  end

  -- lede.canonical(db, name): the same, for grammar code that holds the
  -- corpus (the quote grammar's speakers).
  function lede.canonical(db, name) return Corpus.canonical(db, name) end

  ---------------------------------------------------------------------------
  -- Suggesting variants

  local CYR = {
    ["а"] = "a", ["б"] = "b", ["в"] = "v", ["г"] = "g", ["ґ"] = "g", ["д"] = "d",
    ["е"] = "e", ["ё"] = "e", ["є"] = "ie", ["ж"] = "zh", ["з"] = "z", ["и"] = "i",
    ["і"] = "i", ["ї"] = "i", ["й"] = "y", ["к"] = "k", ["л"] = "l", ["м"] = "m",
    ["н"] = "n", ["о"] = "o", ["п"] = "p", ["р"] = "r", ["с"] = "s", ["т"] = "t",
    ["у"] = "u", ["ф"] = "f", ["х"] = "kh", ["ц"] = "ts", ["ч"] = "ch", ["ш"] = "sh",
    ["щ"] = "shch", ["ъ"] = "", ["ы"] = "y", ["ь"] = "", ["э"] = "e", ["ю"] = "yu",
    ["я"] = "ya",
  }

  -- Transliteration skeleton: the spelling differences between
  -- romanisations removed, so Khaldiyev, Khaldiev, Haldijev and Халдиев
  -- meet at "haldiv", Kiev and Kyiv at "kiv", Andrej and Andrei at "andri".
  local RULES = {
    { "kh", "h" }, { "ch", "h" }, { "zh", "z" }, { "tz", "ts" }, { "ph", "f" }, { "w", "v" },
    { "ck", "k" }, { "q", "k" }, { "x", "ks" }, { "j", "y" }, { "yy", "y" },
    { "iy", "i" }, { "yi", "i" }, { "y", "i" }, { "ie", "i" }, { "ei", "i" },
    { "ii", "i" }, { "ou", "u" },
  }
  local function skeleton(term)
    local s = term:gsub("[\208\209][\128-\191]", function(c) return CYR[c] or c end)
    s = s:gsub("['’%-%.]", "")
    s = s:gsub("[eo]v$", "v"):gsub("[eo]va$", "va")   -- Gorbachev/Gorbachov
    for _, r in ipairs(RULES) do s = s:gsub(r[1], r[2]) end
    s = s:gsub("(%a)%1+", "%1")
    return s
  end

  -- Damerau-Levenshtein distance (optimal string alignment), bounded.
  local function distance(a, b, limit)
    local la, lb = #a, #b
    if math.abs(la - lb) > limit then return limit + 1 end
    local prev2, prev, cur = {}, {}, {}
    for j = 0, lb do prev[j] = j end
    for i = 1, la do
      cur = { [0] = i }
      local best = i
      local ca = a:byte(i)
      for j = 1, lb do
        local cost = (ca == b:byte(j)) and 0 or 1
        local v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        if i > 1 and j > 1 and ca == b:byte(j - 1) and a:byte(i - 1) == b:byte(j) then
          v = min(v, prev2[j - 2] + 1)
        end
        cur[j] = v
        if v < best then best = v end
      end
      if best > limit then return limit + 1 end
      prev2, prev = prev, cur
    end
    return prev[lb]
  end

  local function fold(term) return lower(term) end

  -- Candidate words for one word of a name: {term, docs, count, how, distance}.
  local function word_variants(db, word, vocab, opts)
    local t = fold(word)
    local sk = skeleton(t)
    local out = {}
    for _, v in ipairs(vocab) do
      local vt = v.term
      if vt ~= t and not core.stopword("en", vt) and vt ~= t .. "s" and t ~= vt .. "s" then
        local vs = skeleton(vt)
        local how, dist
        if vs == sk then
          how, dist = vt:find("[\208\209]") and "transliteration" or "spelling", 0
        elseif #sk >= (opts.min_length or 6) and vs:sub(1, 1) == sk:sub(1, 1)
               and vt:sub(1, #t) ~= t and t:sub(1, #vt) ~= vt then
          -- not "Veldoran" for "Veldora": a derived word, not a spelling
          local dmax = opts.max_distance or 1
          local dd = distance(sk, vs, dmax)
          -- not "Zelenska" for "Zelensky": another ending is another word
          if dd <= dmax and #sk == #vs and sk:sub(1, -2) == vs:sub(1, -2) then dd = dmax + 1 end
          if dd <= dmax then how, dist = "edit distance", dd end
        end
        if how then
          out[#out + 1] = { variant = vt, docs = v.docs, count = v.count, how = how, distance = dist }
        end
      end
    end
    return out
  end

  -- db:variants(name [, opts]): likely spellings of name in the corpus,
  -- best first: {variant, docs, count, how, distance, declared}.  For a
  -- name of several words, each word varies and the rows are phrases the
  -- corpus has.  opts: max_distance (default 1), min_length (of the
  -- skeleton for edit-distance matches; default 6), min_docs (default 1).
  function Corpus:variants(name, opts)
    if type(name) ~= "string" or name == "" then
      error("bad argument #1 to 'variants' (name expected, got " .. type(name) .. ")", 2)
    end
    opts = opts or {}
    local vocab = self:_terms("", opts.min_docs or 1)
    local words = {}
    for w in name:gmatch("%S+") do words[#words + 1] = w end
    local rows = {}
    if #words == 1 then
      rows = word_variants(self, name, vocab, opts)
    else
      -- each word with its variants; a phrase is a row when the corpus has it
      local alts = {}
      for i, w in ipairs(words) do
        alts[i] = { { variant = fold(w), how = nil, distance = 0 } }
        for _, v in ipairs(word_variants(self, w, vocab, opts)) do alts[i][#alts[i] + 1] = v end
      end
      local function walk(i, acc, how, dist)
        if i > #words then
          if how then
            local phrase = concat(acc, " ")
            local n = self:count('"' .. phrase .. '"')
            if n > 0 then rows[#rows + 1] = { variant = phrase, docs = n, how = how, distance = dist } end
          end
          return
        end
        for _, a in ipairs(alts[i]) do
          acc[i] = a.variant
          walk(i + 1, acc, how or a.how, dist + a.distance)
        end
      end
      walk(1, {}, nil, 0)
    end
    local declared = {}
    local canon = self:canonical(name)
    local m = map_of(self)
    for k, c in pairs(m.whole) do if c == canon then declared[k] = true end end
    for _, r in ipairs(rows) do r.declared = declared[r.variant] or false end
    sort(rows, function(a, b)
      if a.distance ~= b.distance then return a.distance < b.distance end
      if (a.docs or 0) ~= (b.docs or 0) then return (a.docs or 0) > (b.docs or 0) end
      return a.variant < b.variant
    end)
    return result.new(rows, { "variant", "docs", "count", "how", "distance", "declared" },
                      { db = self, title = "variants of " .. name })
  end

  local help = require("lede.help")
  help.add("db:alias", { usage = "db:alias(canonical, {variants...})",
    summary = "declare spellings of a name: ~name in a query finds them all",
    text = "Stored in the corpus file (table lede_alias).  Entity and quote results\n" ..
      "report the canonical spelling; db:canonical(name) gives it.",
    returns = "the corpus",
    example = 'db:alias("Khaldiyev", {"Khaldiev", "Haldijev", "Халдиев"})\n' ..
      'db:search("~Khaldiev")   -- all four spellings' })
  help.add("db:aliases", { usage = "db:aliases()",
    summary = "the declared variants: {canonical, variant}" })
  help.add("db:unalias", { usage = "db:unalias(canonical [, variant])",
    summary = "forget one declared variant, or every variant of a name" })
  help.add("db:canonical", { usage = "db:canonical(name)",
    summary = "the canonical spelling of a name (word by word in a longer name), or the name",
    example = 'db:canonical("Rustam Haldijev")  --> "Rustam Khaldiyev"' })
  help.add("lede.canonical", { usage = "lede.canonical(db, name)",
    summary = "db:canonical(name) as a function, for grammar code holding the corpus" })
  help.add("db:variants", { usage = "db:variants(name [, opts])",
    summary = "likely spellings of a name in the corpus vocabulary, best first",
    text = "A word is a variant when its transliteration skeleton is the name's\n" ..
      "(Cyrillic to Latin; kh/h, zh/z, j/y/i, iy/ie/yy, doubled letters: Kiev/Kyiv)\n" ..
      "or one edit away in a long word (Tsyrkiv/Tsirkov).  Rows: variant (the\n" ..
      "index term), docs, count, how, distance, declared (already an alias).",
    options = { { "max_distance = n", "edits allowed after the skeleton (default 1)" },
                { "min_length = n", "shortest skeleton edits apply to (default 6)" },
                { "min_docs = n", "ignore rarer words (default 1)" } },
    example = 'db:variants("Khaldiyev")\n' ..
      'local v = db:variants("Zhelny"); db:alias("Zhelny", v:filter(function(r) return r.distance == 0 end))' })
end
