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
  local type, ipairs, error, tostring = type, ipairs, error, tostring

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
    local known
    if opts.dictionary ~= false then
      local votes = {}
      for _, id in ipairs(ids) do entity.learn(self:doc(id).text, votes) end
      known = entity.dictionary(votes)
    end
    local rows, limit = {}, opts.limit or math.huge
    local canon = {}
    for _, id in ipairs(ids) do
      local d = self:doc(id)
      for _, m in ipairs(entity.find(d.text, { known = known })) do
        if not want or want[m.type] then
          local c = canon[m.name]
          if not c then c = self:canonical(m.name); canon[m.name] = c end
          local row = { doc = id, start = m.start, stop = m.stop, sentence = m.sentence,
                        name = m.name, type = m.type, canonical = c }
          for _, f in ipairs(opts.fields or {}) do row[f] = d[f] end
          rows[#rows + 1] = row
          if #rows >= limit then break end
        end
      end
      if #rows >= limit then break end
    end
    local cols = { "doc", "start", "stop", "sentence", "name", "type", "canonical" }
    for _, f in ipairs(opts.fields or {}) do cols[#cols + 1] = f end
    return require("lede.result").new(rows, cols, { db = self, title = "entities" })
  end

  require("lede.help").add("db:entities", {
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
    example = 'db:entities{type = "person"}:sql_count()  -- or:\n' ..
      'local e = db:entities(); e:save("entities")\n' ..
      'db:sql("select canonical, type, count(*) n from entities group by 1, 2 order by n desc")',
  })
end
