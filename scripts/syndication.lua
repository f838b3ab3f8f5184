-- syndication.lua: which stories were republished or rewritten, by whom,
-- and who had them first.
--
--   lede news.db scripts/syndication.lua [--threshold T] [--shingle K]
--                                        [--rewrites] [--csv FILE]
--
-- Prints each cluster of near-duplicates (db:duplicates) with its members
-- in date order -- the first is the earliest, the likely original -- and a
-- table of which outlets copy which.  --rewrites looks for machine
-- rewrites too (threshold 0.25 over 2-word shingles).  Exit status: 0 when
-- clusters were found, 1 when none were, 2 for a usage error.
local threshold, shingle, csv
local args = { ... }

local function usage_error(msg)
  io.stderr:write("syndication: ", msg, "\n(try --help)\n")
  os.exit(2)
end

local i = 1
while i <= #args do
  local a = args[i]
  if a == "--help" or a == "-h" then
    print("usage: lede DB scripts/syndication.lua [--threshold T] [--shingle K] [--rewrites] [--csv FILE]")
    print("Clusters of near-duplicate articles (the same story republished or rewritten),")
    print("earliest first, and which outlets copy which.")
    print("  --threshold T  least Jaccard similarity of a pair, 0 < T <= 1 (default 0.5)")
    print("  --shingle K    words per shingle, 1..9 (default 3)")
    print("  --rewrites     find machine rewrites too: --threshold 0.25 --shingle 2")
    print("  --csv FILE     also write the clusters, one row per article, to FILE")
    print("Exit status: 0 clusters found, 1 none found, 2 usage error.")
    os.exit(0)
  elseif a == "--threshold" then
    threshold = tonumber(args[i + 1])
    if not threshold or threshold <= 0 or threshold > 1 then usage_error("--threshold needs a number above 0 and at most 1") end
    i = i + 1
  elseif a == "--shingle" then
    shingle = math.tointeger(tonumber(args[i + 1]))
    if not shingle or shingle < 1 or shingle > 9 then usage_error("--shingle needs a whole number from 1 to 9") end
    i = i + 1
  elseif a == "--rewrites" then
    threshold, shingle = threshold or 0.25, shingle or 2
  elseif a == "--csv" then
    csv = args[i + 1]
    if not csv then usage_error("--csv needs a file name") end
    i = i + 1
  else
    usage_error("unknown argument '" .. a .. "'")
  end
  i = i + 1
end

local r = db:duplicates{ threshold = threshold, shingle = shingle }
local clusters = r:clusters()
print(string.format("Corpus %s: %d documents; %d cluster%s of near-duplicates (Jaccard >= %g, %d-word shingles)\n",
  db:path(), db:count(), #clusters, #clusters == 1 and "" or "s", threshold or 0.5, shingle or 3))
if #clusters == 0 then os.exit(1) end

local by_cluster = {}
for _, row in ipairs(r) do
  by_cluster[row.cluster] = by_cluster[row.cluster] or {}
  table.insert(by_cluster[row.cluster], row)
end

-- who copies whom: the first member's outlet against each later one's
local copies = {}
for _, c in ipairs(clusters) do
  local rows = by_cluster[c.id]
  local first = rows[1]
  print(string.format("Cluster %d: %d articles, first %s by %s", c.id, #rows,
    first.date or "(no date)", first.source or "(unknown outlet)"))
  print(string.format("  %-10s  %-24s  %5s  %s", "date", "outlet", "sim", "title"))
  for _, row in ipairs(rows) do
    print(string.format("  %-10s  %-24s  %5.2f  %s", (row.date or "?"):sub(1, 10),
      (row.source or "?"):sub(1, 24), row.similarity, row.title or ""))
  end
  print()
  for k = 2, #rows do
    local key = (first.source or "(unknown)") .. "\0" .. (rows[k].source or "(unknown)")
    copies[key] = (copies[key] or 0) + 1
  end
end

local tab = {}
for key, n in pairs(copies) do
  local from, to = key:match("^(.-)%z(.*)$")
  tab[#tab + 1] = { original = from, copy = to, articles = n }
end
print("Who republishes whom (outlet of the earliest article -> outlet of a later copy)")
print(require("lede.result").new(tab, { "original", "copy", "articles" }):sort("articles", true))

if csv then
  local ok, err = pcall(r.csv, r, csv)
  if not ok then io.stderr:write("syndication: cannot write ", csv, ": ", tostring(err), "\n") os.exit(1) end
  print("\nWritten to " .. csv)
end
