-- collocates.lua: the words that keep company with a node word or query.
--
--   lede news.db scripts/collocates.lua NODE [options]
--
-- NODE is a word, a "phrase" or any query.  Prints the collocates by an
-- association measure (db:collocates; default log-likelihood, window 5
-- words each side), then the strongest collocate in context.  Exit
-- status: 0 when collocates were found, 1 when none were or the query is
-- bad, 2 for a usage error.
local args = { ... }
local opts = { window = 5, measure = "ll", min = 3, top = 30 }
local node, csv, kwic = nil, nil, 5

local function usage_error(msg)
  io.stderr:write("collocates: ", msg, "\n(try --help)\n")
  os.exit(2)
end

local function whole(i, name)
  local v = math.tointeger(tonumber(args[i + 1]))
  if not v or v < 0 then usage_error(name .. " needs a whole number") end
  return v
end

local measures = { mi = 1, mi3 = 1, t = 1, z = 1, ll = 1, logdice = 1, dice = 1, chi2 = 1, logratio = 1 }
local i = 1
while i <= #args do
  local a = args[i]
  if a == "--help" or a == "-h" then
    print("usage: lede DB scripts/collocates.lua NODE [options]")
    print("Collocates of NODE (a word, a \"phrase\" or a query), strongest first.")
    print("  --window N | L,R   words on each side, or L left and R right (default 5)")
    print("  --measure M        ll (default), mi, mi3, t, z, logdice, dice, chi2, logratio")
    print("  --min N            least co-occurrence count (default 3)")
    print("  --top N            collocates to show (default 30; 0 for all)")
    print("  --sentence         windows stop at the sentence end")
    print("  --stopwords LANG   leave out function words (en, ru, uk, de, fr, es)")
    print("  --kwic N           lines of the top collocate in context (default 5; 0 for none)")
    print("  --csv FILE         also write the collocates to FILE")
    print("Exit status: 0 collocates found, 1 none found or a bad query, 2 usage error.")
    os.exit(0)
  elseif a == "--window" then
    local w = args[i + 1] or ""
    local l, r = w:match("^(%d+),(%d+)$")
    if l then opts.window = { tonumber(l), tonumber(r) }
    else opts.window = whole(i, "--window") end
    i = i + 1
  elseif a == "--measure" then
    local m = args[i + 1]
    if not measures[m or ""] then usage_error("--measure needs one of ll, mi, mi3, t, z, logdice, dice, chi2, logratio") end
    opts.measure = m
    i = i + 1
  elseif a == "--min" then opts.min = whole(i, "--min"); i = i + 1
  elseif a == "--top" then opts.top = whole(i, "--top"); i = i + 1
  elseif a == "--kwic" then kwic = whole(i, "--kwic"); i = i + 1
  elseif a == "--sentence" then opts.within = "sentence"
  elseif a == "--stopwords" then
    opts.stopwords = args[i + 1]
    local langs = { en = 1, ru = 1, uk = 1, de = 1, fr = 1, es = 1 }
    if not langs[opts.stopwords or ""] then usage_error("--stopwords needs en, ru, uk, de, fr or es") end
    i = i + 1
  elseif a == "--csv" then csv = args[i + 1] or usage_error("--csv needs a file name"); i = i + 1
  elseif a:sub(1, 2) == "--" then usage_error("unknown argument '" .. a .. "'")
  elseif not node then node = a
  else usage_error("too many arguments: '" .. a .. "'") end
  i = i + 1
end
if not node then usage_error("a NODE word or query is needed") end
local w = opts.window
if (type(w) == "number" and w == 0) or (type(w) == "table" and w[1] + w[2] == 0) then
  usage_error("--window must hold at least one word")
end

local c, err = db:collocates(node, opts)
if not c then io.stderr:write("collocates: ", err, "\n") os.exit(1) end
local info = c:info()
print(string.format("Collocates of %s: %d occurrences in %d documents; corpus %d tokens", node,
  info.node_freq, info.node_docs, info.tokens))
print(string.format("Window %d left, %d right%s; measure %s; at least %d co-occurrences\n",
  info.left, info.right, opts.within and " within the sentence" or "", info.measure, opts.min))
if #c == 0 then print("(no collocates)") os.exit(1) end
print(c)
if kwic > 0 then
  local top = c[1].term
  local span = math.max(info.left, info.right)
  local q = string.format('(%s) NEAR/%d "%s"', node, span, top)
  local lines = db:kwic(q, { width = 35, limit = kwic })
  if lines and #lines > 0 then
    print(string.format("\n%s near %s", top, node))
    print(lines)
  end
end
if csv then
  local ok, e = pcall(c.csv, c, csv)
  if not ok then io.stderr:write("collocates: ", tostring(e), "\n") os.exit(1) end
end
