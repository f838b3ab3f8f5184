-- query.lua -- lede's index against SQLite FTS5 on the same corpus file, in
-- one process: run as `lede -q fts.db tests/bench/query.lua RUNS`, where
-- fts.db is a lede corpus that also holds an external-content FTS5 table
-- `fts` over doc_text (run.sh makes it).  For each query type it times a
-- count of matching documents and a ranked top 20 (lede: BM25; FTS5: its
-- bm25 rank) and prints one tab-separated line per measurement:
--   name  lede_query  fts_query  lede_count_ms  fts_count_ms  lede_top_ms  fts_top_ms  lede_docs  fts_docs
-- Times are medians of RUNS runs after one warm-up run, in milliseconds.
local runs = tonumber(arg and arg[1]) or 15
local clock = lede.clock

local queries = {
  { "rare term", "vexqolium", "vexqolium" },
  { "common term", "security", "security" },
  { "phrase", '"security guarantees"', '"security guarantees"' },
  { "phrase of stopwords", '"of the"', '"of the"' },
  { "NEAR/5", "security NEAR/5 guarantees", "NEAR(security guarantees, 5)" },
  { "prefix", "secur*", "secur*" },
  { "AND/NOT", "security minister NOT talks", "security AND minister NOT talks" },
}

local function median(xs)
  table.sort(xs)
  return xs[(#xs + 1) // 2]
end

-- Median wall time of f() in ms; f returns the number of documents found.
local function time(f)
  local n = f()
  local ts = {}
  for i = 1, runs do
    local t = clock()
    f()
    ts[i] = (clock() - t) * 1000
  end
  return median(ts), n
end

local function lede_count(q) return function() return db:count(q) end end

local function lede_top(q)
  return function()
    local n = 0
    for _, hit in ipairs(db:search(q, { limit = 20 })) do
      if hit.doc and hit.score then n = n + 1 end
    end
    return n
  end
end

local function fts_count(q)
  return function() return db:sql("SELECT count(*) AS n FROM fts WHERE fts MATCH ?", q)[1].n end
end

local function fts_top(q)
  return function()
    return #db:sql("SELECT rowid AS id, rank FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT 20", q)
  end
end

for _, spec in ipairs(queries) do
  local name, lq, fq = spec[1], spec[2], spec[3]
  local lc, ln = time(lede_count(lq))
  local fc, fn = time(fts_count(fq))
  local lt = time(lede_top(lq))
  local ft = time(fts_top(fq))
  print(string.format("%s\t%s\t%s\t%.3f\t%.3f\t%.3f\t%.3f\t%d\t%d", name, lq, fq, lc, fc, lt, ft, ln, fn))
end
