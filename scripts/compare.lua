-- compare.lua: keyness -- the words one group of documents uses more (and
-- less) than another.
--
--   lede news.db scripts/compare.lua TARGET [REFERENCE] [options]
--
-- TARGET and REFERENCE are queries naming the documents of each group:
-- metadata filters ('source:"Northgate Wire"', 'date:2024-03'), words, or
-- both.  Without REFERENCE the target is compared with the rest of the
-- corpus; --reference-db compares with another corpus file.  Prints the
-- positive keywords (over-used in the target) and the negative ones, with
-- log-likelihood, its p-value, log ratio and %DIFF (db:keyness).  Exit
-- status: 0 when keywords were found, 1 when none were or a query is
-- bad, 2 for a usage error.
local args = { ... }
local opts = { top = 20, min = 3 }
local target, reference, refdb, csv

local function usage_error(msg)
  io.stderr:write("compare: ", msg, "\n(try --help)\n")
  os.exit(2)
end

local function number_arg(i, name, integer)
  local v = tonumber(args[i + 1])
  if integer then v = v and math.tointeger(v) end
  if not v or v < 0 then usage_error(name .. " needs a " .. (integer and "whole " or "") .. "number") end
  return v
end

local i = 1
while i <= #args do
  local a = args[i]
  if a == "--help" or a == "-h" then
    print("usage: lede DB scripts/compare.lua TARGET [REFERENCE] [options]")
    print("Keywords of the TARGET documents against the REFERENCE documents (default:")
    print("the rest of the corpus); both are queries, e.g. 'source:\"Northgate Wire\"'.")
    print("  --reference-db FILE  compare with another corpus (REFERENCE, if given, filters it)")
    print("  --measure M          rank by ll (log-likelihood, default), logratio or pct_diff")
    print("  --top N              keywords of each sign (default 20; 0 for all)")
    print("  --min N              least frequency where the word is over-used (default 3)")
    print("  --p P                keep keywords with p-value at most P (e.g. 0.01)")
    print("  --positive           leave out the negative keywords")
    print("  --csv FILE           also write the keywords to FILE")
    print("Exit status: 0 keywords found, 1 none found or a bad query, 2 usage error.")
    os.exit(0)
  elseif a == "--reference-db" then
    refdb = args[i + 1] or usage_error("--reference-db needs a file")
    i = i + 1
  elseif a == "--measure" then
    local m = args[i + 1]
    if m ~= "ll" and m ~= "logratio" and m ~= "pct_diff" then usage_error("--measure needs ll, logratio or pct_diff") end
    opts.measure = m
    i = i + 1
  elseif a == "--top" then opts.top = number_arg(i, "--top", true); i = i + 1
  elseif a == "--min" then opts.min = number_arg(i, "--min", true); i = i + 1
  elseif a == "--p" then opts.p = number_arg(i, "--p"); i = i + 1
  elseif a == "--positive" then opts.negative = false
  elseif a == "--csv" then csv = args[i + 1] or usage_error("--csv needs a file name"); i = i + 1
  elseif a:sub(1, 2) == "--" then usage_error("unknown argument '" .. a .. "'")
  elseif not target then target = a
  elseif not reference then reference = a
  else usage_error("too many arguments: '" .. a .. "'") end
  i = i + 1
end
if not target then usage_error("a TARGET query is needed") end

opts.target = target
if refdb then
  local other, err = lede.open(refdb, { readonly = true })
  if not other then io.stderr:write("compare: ", err, "\n") os.exit(1) end
  opts.reference = { corpus = other, where = reference }
else
  opts.reference = reference
end

local k, err = db:keyness(opts)
if not k then io.stderr:write("compare: ", err, "\n") os.exit(1) end
local info = k:info()
print(string.format("Target: %s -- %d documents, %d tokens", target, info.target_docs, info.target_tokens))
print(string.format("Reference: %s%s -- %d documents, %d tokens\n",
  refdb and (refdb .. (reference and (" " .. reference) or "")) or (reference or "the rest of the corpus"), "",
  info.reference_docs, info.reference_tokens))

local pos, neg = {}, {}
for _, r in ipairs(k) do table.insert(r.key == "+" and pos or neg, r) end
local function show(title, rows)
  print(title)
  if #rows == 0 then print("  (none)\n") return end
  local t = require("lede.result").new(rows, { "term", "target", "reference", "ll", "p", "logratio", "pct_diff" })
  print(t)
  print()
end
show("Positive keywords (more frequent in the target)", pos)
if opts.negative ~= false then show("Negative keywords (less frequent in the target)", neg) end
print("ll: log-likelihood (Rayson & Garside 2000), p: its chi-squared p-value (1 df);")
print("logratio: log2 of the ratio of relative frequencies (1 = twice as frequent); pct_diff: %DIFF.")
if csv then
  local ok, e = pcall(k.csv, k, csv)
  if not ok then io.stderr:write("compare: ", tostring(e), "\n") os.exit(1) end
end
os.exit(#k > 0 and 0 or 1)
