-- entities.lua -- db:entities([opts]): every person, organisation and
-- place the entity grammar (lede.grammar.entity) finds in the corpus,
-- with the canonical spelling of each name (db:alias).
--
-- Two passes: the first learns from every document what each name is
-- (a name typed by a title or a head word in one article is that type in
-- the others, where nothing in the sentence says so), the second finds
-- the mentions with that dictionary.  db:extract(lede.grammar.entity)
-- gives the one-pass result, each document on its own evidence.
return function(lede, Corpus)
  local type, ipairs, pairs, error, tostring = type, ipairs, pairs, error, tostring
  local person_names, settle

  -- The documents to read: all, or those a query matches.
  local function doc_ids(db, where)
    local ids = {}
    if where then
      local hits, err = db:_search(where, { order = "doc" })
      if not hits then error("entities: bad query " .. where .. ": " .. tostring(err), 3) end
      for i, h in ipairs(hits) do ids[i] = h.doc end
    else
      for _, r in ipairs(db:_sql("select id from docs order by id")) do ids[#ids + 1] = r.id end
    end
    return ids
  end

  local TYPES = { person = true, org = true, place = true, other = true }

  -- The people of one article named in full: the key of each surname (and
  -- of a particle and surname, "von hagen") -> the full name, or true when
  -- two people share it.
  function person_names(found, entity)
    local full = {}
    for _, m in ipairs(found) do
      if m.type == "person" and m.name:find("%s") then
        local words = {}
        for w in m.name:gmatch("%S+") do words[#words + 1] = w end
        for i = 2, #words do
          local tail = table.concat(words, " ", i)
          local k = entity.key(tail)
          if full[k] == nil or full[k] == m.name then full[k] = m.name else full[k] = true end
        end
      end
    end
    return full
  end

  -- After the whole corpus: a surname alone that names one person in the
  -- corpus is that person; a name in capitals ("TSYRKIV") takes the
  -- spelling most mentions use.
  function settle(rows, surnames, entity)
    for _, r in ipairs(rows) do
      if r.surname then
        local set = surnames[r.surname]
        local only, n = nil, 0
        for f in pairs(set or {}) do only, n = f, n + 1 end
        if n == 1 then r.canonical = only end
        r.surname = nil
      end
    end
    local forms = {}
    for _, r in ipairs(rows) do
      local k = entity.key(r.canonical)
      local f = forms[k] or {}
      forms[k] = f
      f[r.canonical] = (f[r.canonical] or 0) + (r.canonical:find("%l") and 1 or 0.001)
    end
    local best = {}
    for k, f in pairs(forms) do
      local bn, bf = -1, nil
      for form, n in pairs(f) do if n > bn or (n == bn and form < bf) then bn, bf = n, form end end
      best[k] = bf
    end
    for _, r in ipairs(rows) do r.canonical = best[entity.key(r.canonical)] end
  end

  -- db:entities([opts]) -> rows {doc, start, stop, sentence, name, type,
  -- canonical}.  opts: where (a query), type (one type or a list),
  -- fields (document fields to add: "source", "date", "title"), limit,
  -- dictionary = false (each document on its own evidence).
  function Corpus:entities(opts)
    if opts ~= nil and type(opts) ~= "table" then
      error("bad argument #1 to 'entities' (table of options expected)", 2)
    end
    opts = opts or {}
    local want
    if opts.type then
      want = {}
      for _, t in ipairs(type(opts.type) == "table" and opts.type or { opts.type }) do
        if not TYPES[t] then
          error("bad option 'type' (person, org, place or other expected, got " .. tostring(t) .. ")", 2)
        end
        want[t] = true
      end
    end
    local entity = require "lede.grammar.entity"
    local ids = doc_ids(self, opts.where)
    local known, doc_votes
    if opts.dictionary ~= false then
      local votes = {}
      doc_votes = {}
      for _, id in ipairs(ids) do
        local v = entity.learn(self:doc(id).text)
        doc_votes[id] = v
        for k, tv in pairs(v) do
          local cv = votes[k]
          if not cv then cv = {}; votes[k] = cv end
          for t, n in pairs(tv) do cv[t] = (cv[t] or 0) + n end
        end
      end
      known = entity.dictionary(votes)
    end
    local rows, limit = {}, opts.limit or math.huge
    local canon = {}
    local function canonical(name)
      local c = canon[name]
      if not c then c = self:canonical(name); canon[name] = c end
      return c
    end
    local surnames = {}      -- surname key -> {full name -> true}, over the corpus
    for _, id in ipairs(ids) do
      local d = self:doc(id)
      local found = entity.find(d.text, { known = known, votes = doc_votes and doc_votes[id] })
      local full = person_names(found, entity)
      for _, m in ipairs(found) do
        if not want or want[m.type] then
          local row = { doc = id, start = m.start, stop = m.stop, sentence = m.sentence,
                        name = m.name, type = m.type }
          -- "Vos" after "Teodora Vos" in the same article is Teodora Vos
          local k = m.type == "person" and entity.key(m.name)
          local f = k and full[k]
          row.canonical = canonical(f and f ~= true and f or m.name)
          if m.type == "person" and not f then row.surname = k end
          for _, fld in ipairs(opts.fields or {}) do row[fld] = d[fld] end
          rows[#rows + 1] = row
          if #rows >= limit then break end
        end
      end
      for sk, f in pairs(full) do
        if f ~= true then
          local set = surnames[sk] or {}
          set[canonical(f)] = true
          surnames[sk] = set
        end
      end
      if #rows >= limit then break end
    end
    settle(rows, surnames, entity)
    local cols = { "doc", "start", "stop", "sentence", "name", "type", "canonical" }
    for _, f in ipairs(opts.fields or {}) do cols[#cols + 1] = f end
    return require("lede.result").new(rows, cols, { db = self, title = "entities" })
  end

  local help = require("lede.help")
  help.add("lede.grammar.entity", {
    usage = "lede.grammar.entity",
    summary = "grammar: people, organisations and places {name, type} for db:extract",
    text = "Types person, org, place, other; titles, a gazetteer, head words and the\n" ..
      "rest of the article are the evidence.  E.find(text [, {known=}]) lists the\n" ..
      "mentions {name, type, start, stop, sentence}; E.add(name, type) or\n" ..
      "E.add{[name] = type} adds your own names (type \"none\": never a name);\n" ..
      "E.clear() forgets them.  db:entities uses it over the whole corpus.",
    example = 'db:extract(lede.grammar.entity, {where = "source:vta"})\n' ..
      'lede.grammar.entity.add{VeldHydro = "org", ["Port Aldrin"] = "place"}' })
  help.add("lede.grammar.quantity", {
    usage = "lede.grammar.quantity",
    summary = "grammar: numbers with what they count {value, unit, kind, currency}",
    text = "kind: money (\"$2.5 billion\", \"€300m\", \"5 million roubles\"), percent\n" ..
      "(\"38 %\"), measure (\"40 km\", \"260 m³/s\") or count (\"100,000 troops\",\n" ..
      "\"two hours\"); value is a number, currency an ISO code.  Q.find(text)\n" ..
      "lists them with start, stop and text.",
    example = 'db:extract(lede.grammar.quantity, {fields = {"source", "date"}})' })
  help.add("db:entities", {
    usage = "db:entities([opts])",
    summary = "people, organisations and places in the corpus, with canonical names",
    text = "Uses lede.grammar.entity with a dictionary learnt from the whole corpus\n" ..
      "(a name typed in one article is known in the others).  canonical is\n" ..
      "db:canonical(name): the declared spelling (db:alias).",
    options = {
      { "where = query", "only documents the query matches" },
      { 'type = "person"|{"org", "place"}', "only these types" },
      { "fields = {\"source\", \"date\"}", "document fields to add to each row" },
      { "limit = n", "stop after n rows" },
      { "dictionary = false", "judge each document on its own evidence" },
    },
    returns = "a result table {doc, start, stop, sentence, name, type, canonical}",
    example = 'db:entities{type = "person", fields = {"source"}}\n' ..
      'local e = db:entities(); e:save("entities")\n' ..
      'db:sql("select canonical, type, count(*) n from entities group by 1, 2 order by n desc")',
  })
end
