-- duplicates.lua -- near-duplicate documents (MinHash over word shingles,
-- core/minhash.c): db:duplicates, db:duplicate_ids, the skip_near option
-- of db:add and the dedupe option of db:freq.
--
-- The C side returns pairs of documents whose shingle sets overlap at or
-- above the threshold (exact Jaccard); here they join into clusters
-- (connected components), and each cluster is ordered by date so its
-- first member is the one published first -- the original, as far as the
-- corpus can tell -- and the rest are its copies.
local core = require "lede.core"
local type, error, pairs, ipairs, tostring, format, concat, sort =
  type, error, pairs, ipairs, tostring, string.format, table.concat, table.sort

local DEFAULT_THRESHOLD, DEFAULT_SHINGLE, DEFAULT_SKIP = 0.5, 3, 0.9

local function check_opts(opts, fname, level)
  if opts ~= nil and type(opts) ~= "table" then
    error("bad argument #1 to '" .. fname .. "' (table of options expected)", level + 1)
  end
  opts = opts or {}
  local t, k = opts.threshold or DEFAULT_THRESHOLD, opts.shingle or DEFAULT_SHINGLE
  if type(t) ~= "number" or t <= 0 or t > 1 then
    error("bad option 'threshold' (a number above 0 and at most 1 expected, got "
          .. tostring(t) .. ")", level + 1)
  end
  if math.type(k) ~= "integer" or k < 1 or k > 9 then
    error("bad option 'shingle' (1 to 9 words expected, got " .. tostring(k) .. ")", level + 1)
  end
  return t, k
end

-- Union-find over the pairs: clusters as lists of ids, with their pairs.
local function components(prs)
  local parent = {}
  local function find(x)
    while parent[x] ~= x do parent[x] = parent[parent[x]]; x = parent[x] end
    return x
  end
  for _, p in ipairs(prs) do
    parent[p.a] = parent[p.a] or p.a
    parent[p.b] = parent[p.b] or p.b
    local ra, rb = find(p.a), find(p.b)
    if ra ~= rb then if ra < rb then parent[rb] = ra else parent[ra] = rb end end
  end
  local by_root, list = {}, {}
  for id in pairs(parent) do
    local r = find(id)
    if not by_root[r] then by_root[r] = { docs = {}, pairs = {} }; list[#list + 1] = by_root[r] end
    local c = by_root[r]
    c.docs[#c.docs + 1] = id
  end
  for _, p in ipairs(prs) do local c = by_root[find(p.a)]; c.pairs[#c.pairs + 1] = p end
  return list
end

-- Metadata of the documents in the clusters, in one query per 500 ids.
local function metadata(db, clusters)
  local ids, meta = {}, {}
  for _, c in ipairs(clusters) do for _, id in ipairs(c.docs) do ids[#ids + 1] = id end end
  for i = 1, #ids, 500 do
    local chunk = concat(ids, ",", i, math.min(i + 499, #ids))
    for _, r in ipairs(db:_sql("select id, date, source, title, uri from docs where id in (" .. chunk .. ")")) do
      meta[r.id] = r
    end
  end
  return meta
end

-- Earliest first; documents without a date after dated ones; then by id.
local function by_date(meta)
  return function(a, b)
    local da, db_ = meta[a] and meta[a].date, meta[b] and meta[b].date
    if da ~= db_ then
      if not da then return false end
      if not db_ then return true end
      return da < db_
    end
    return a < b
  end
end

local function clusters_of(db, t, k)
  local prs = db:_duplicates(t, k)
  local clusters = components(prs)
  local meta = metadata(db, clusters)
  for _, c in ipairs(clusters) do
    sort(c.docs, by_date(meta))
    c.first = c.docs[1]
    c.date = meta[c.first] and meta[c.first].date
  end
  sort(clusters, function(a, b)
    if a.date ~= b.date then
      if not a.date then return false end
      if not b.date then return true end
      return a.date < b.date
    end
    return a.first < b.first
  end)
  return clusters, meta, prs
end

return function(lede, Corpus)
  local help = require "lede.help"

  -- db:duplicates{threshold=, shingle=}: clusters of near-duplicates.
  function Corpus:duplicates(opts)
    local t, k = check_opts(opts, "duplicates", 2)
    local clusters, meta = clusters_of(self, t, k)
    local rows = {}
    for ci, c in ipairs(clusters) do
      c.id = ci
      local sim = {}
      for _, p in ipairs(c.pairs) do
        if p.a == c.first then sim[p.b] = p.similarity elseif p.b == c.first then sim[p.a] = p.similarity end
      end
      local first_text
      for i, id in ipairs(c.docs) do
        local s = sim[id]
        if i == 1 then
          s = 1
        elseif not s then
          -- joined through another member: measure against the first anyway
          first_text = first_text or self:doc(c.first).text
          s = core.similarity(first_text, self:doc(id).text, k)
        end
        local m = meta[id] or {}
        rows[#rows + 1] = { cluster = ci, doc = id, first = c.first, similarity = math.floor(s * 1000 + 0.5) / 1000,
                            date = m.date, source = m.source, title = m.title, uri = m.uri }
      end
    end
    local r = require("lede.result").new(rows, { "cluster", "doc", "similarity", "date", "source", "title" },
      { db = self, title = format("near-duplicates: Jaccard >= %g over %d-word shingles; %d cluster%s",
                                  t, k, #clusters, #clusters == 1 and "" or "s") })
    local mt = getmetatable(r)
    mt.__index = setmetatable({ clusters = function() return clusters end }, { __index = mt.__index })
    return r
  end

  -- db:duplicate_ids{threshold=, shingle=}: the set {[id] = first} of
  -- every cluster member but the first, and how many there are.
  function Corpus:duplicate_ids(opts)
    local t, k = check_opts(opts, "duplicate_ids", 2)
    local set, n = {}, 0
    for _, c in ipairs((clusters_of(self, t, k))) do
      for i = 2, #c.docs do set[c.docs[i]] = c.first; n = n + 1 end
    end
    return set, n
  end

  -- db:add(source, {skip_near = 0.9}): load, then take out each new
  -- document that is a near-duplicate of one kept before it (stored
  -- earlier, or earlier in this load).
  local add = Corpus.add
  function Corpus:add(source, opts)
    local near = type(opts) == "table" and opts.skip_near
    if not near then return add(self, source, opts) end
    if near == true then near = DEFAULT_SKIP end
    if type(near) ~= "number" or near <= 0 or near > 1 then
      error("bad option 'skip_near' (true or a threshold above 0 and at most 1 expected, got "
            .. tostring(near) .. ")", 2)
    end
    local k = opts.shingle or DEFAULT_SHINGLE
    check_opts({ threshold = near, shingle = k }, "add", 2)
    local o = {}
    for key, v in pairs(opts) do o[key] = v end
    o.skip_near, o.shingle, o.quiet = nil, nil, true
    local before = self:_sql("select coalesce(max(id), 0) as n from docs")[1].n
    local s = add(self, source, o)
    local removed, n = {}, 0
    for _, p in ipairs(self:_duplicates(near, k, before)) do
      if p.b > before and not removed[p.a] and not removed[p.b] then
        local d = self:doc(p.b)
        if d and self:remove(p.b) then
          removed[p.b] = true
          n = n + 1
          s.problems[#s.problems + 1] = { file = d.uri or ("doc " .. p.b), skipped = false,
            message = format("near-duplicate of doc %d (similarity %.2f); not kept", p.a, p.similarity) }
        end
      end
    end
    s.added, s.near_duplicates = s.added - n, n
    if not (opts.quiet or lede.quiet) and not lede.interactive then io.stderr:write(tostring(s), "\n") end
    return s
  end

  -- db:freq{dedupe = true | threshold | {threshold=, shingle=}}: count
  -- each near-duplicate cluster once, by subtracting the terms of every
  -- member but the first from the index's frequencies.
  local freq = Corpus.freq
  function Corpus:freq(opts)
    local dd = type(opts) == "table" and opts.dedupe
    if not dd then return freq(self, opts) end
    if opts.by or opts.where or (opts.form and opts.form ~= "lower") then
      error("bad option 'dedupe' (works on the whole corpus' index terms: not with by, where or form)", 2)
    end
    local o = {}
    for key, v in pairs(opts) do o[key] = v end
    local top, min = o.top or 50, o.min or 1
    o.dedupe, o.top, o.min = nil, math.huge, 1
    local ids = self:duplicate_ids(type(dd) == "table" and dd
                                   or { threshold = type(dd) == "number" and dd or DEFAULT_THRESHOLD })
    local sub, subdocs, subtotal = {}, {}, 0
    local fold = self:_folds()
    for id in pairs(ids) do
      local seen = {}
      for _, tk in ipairs(core.tokens(self:doc(id).text, fold)) do
        if tk.pos and #tk.term > 0 and #tk.term <= 255 then
          local term = tk.term
          sub[term] = (sub[term] or 0) + 1
          subtotal = subtotal + 1
          if not seen[term] then seen[term] = true; subdocs[term] = (subdocs[term] or 0) + 1 end
        end
      end
    end
    local total = 0
    for _, tm in ipairs(self:_terms("", 0)) do total = total + tm.count end
    total = total - subtotal
    local rows = {}
    for _, r in ipairs(freq(self, o)) do
      local c = r.count - (sub[r.term] or 0)
      if c >= min and c > 0 then
        rows[#rows + 1] = { term = r.term, count = c, docs = r.docs - (subdocs[r.term] or 0) }
      end
    end
    sort(rows, function(a, b) return a.count > b.count or (a.count == b.count and a.term < b.term) end)
    for i = #rows, top + 1, -1 do rows[i] = nil end
    for _, r in ipairs(rows) do
      r.per_million = total > 0 and math.floor(r.count * 1e8 / total + 0.5) / 100 or 0
    end
    return require("lede.result").new(rows, { "term", "count", "per_million", "docs" }, { db = self })
  end

  help.add("db:duplicates", { usage = "db:duplicates([opts])",
    summary = "near-duplicate clusters: the same story republished or rewritten",
    text = "MinHash over word shingles with LSH banding, confirmed by the exact\n" ..
      "Jaccard index of the shingle sets.  One row per document: cluster, doc,\n" ..
      "similarity (to the cluster's first), date, source, title; each cluster's\n" ..
      "first row is its earliest document (who published first).\n" ..
      "r:clusters() gives {id, first, docs, pairs = {{a, b, similarity}}}.\n" ..
      "Signatures are computed once and kept in the corpus (table lede_minhash).",
    options = { { "threshold = 0.5", "least Jaccard index of a pair (0..1]; 0.25 with shingle = 2 finds rewrites" },
                { "shingle = 3", "words per shingle (1..9); 2 is kinder to synonym swaps" } },
    returns = "a result table",
    example = 'db:duplicates{threshold = 0.25, shingle = 2}' })
  help.add("db:duplicate_ids", { usage = "db:duplicate_ids([opts])",
    summary = "the set {[id] = first id} of near-duplicates that are not the first of their cluster",
    options = { { "threshold = 0.5", "as db:duplicates" }, { "shingle = 3", "as db:duplicates" } },
    returns = "the set and its size",
    example = 'local dup, n = db:duplicate_ids{threshold = 0.8}' })
  local e = help.entry("db:add")
  if e and e.options then
    e.options[#e.options + 1] = { "skip_near = 0.9", "take out new documents this near (Jaccard, 3-word shingles) to one kept; true = 0.9" }
  end
  e = help.entry("db:freq")
  if e and e.options then
    e.options[#e.options + 1] = { "dedupe = true", "count each near-duplicate cluster once (or a threshold, default 0.5)" }
  end
end
