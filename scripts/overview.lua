-- overview.lua: what is in a corpus, at a glance.
--
--   lede news.db scripts/overview.lua [--top N]
--
-- Prints documents by outlet (with first and last dates), documents by day
-- as a bar chart, the most frequent words, and the top word in context.  Exit status: 0, or 2 for a
-- usage error.
local top = 15
local args = { ... }
local i = 1
while i <= #args do
  local a = args[i]
  if a == "--help" or a == "-h" then
    print("usage: lede DB scripts/overview.lua [--top N]")
    print("Documents by outlet and date, and the most frequent words.")
    os.exit(0)
  elseif a == "--top" then
    top = tonumber(args[i + 1])
    if not top then io.stderr:write("overview: --top needs a number\n") os.exit(2) end
    i = i + 1
  else
    io.stderr:write("overview: unknown argument '", a, "'\n") os.exit(2)
  end
  i = i + 1
end

local n = db:count()
print(string.format("Corpus %s: %d documents", db:path(), n))
if n == 0 then return end
local span = db:sql("select min(date) a, max(date) b, sum(bytes) s, count(date) d from docs")[1]
print(string.format("Dates: %s to %s (%d of %d documents dated); %.1f KB of text\n",
  span.a and span.a:sub(1, 10) or "?", span.b and span.b:sub(1, 10) or "?", span.d, n, span.s / 1e3))

print("Documents by outlet")
print(db:sql([[select coalesce(source, '(unknown)') as outlet, count(*) as docs,
  substr(min(date), 1, 10) as first, substr(max(date), 1, 10) as last
  from docs group by 1 order by docs desc, outlet]]))

print("\nDocuments by day")
local days = db:sql([[select substr(date, 1, 10) as day, count(*) as docs
  from docs where date is not null group by 1 order by 1]])
local max = 0
for _, r in ipairs(days) do if r.docs > max then max = r.docs end end
for _, r in ipairs(days) do
  print(string.format("  %s %s %d", r.day, string.rep("█", math.ceil(r.docs / max * 30)), r.docs))
end

print("\nMost frequent words (English stopwords left out)")
local words = db:freq{ top = top, stopwords = "en", pattern = "%a" }
print(words)

if words[1] then
  print(string.format("\nThe top word in context (%s)", words[1].term))
  print(db:kwic(words[1].term, { width = 35, sample = 8 }))
end
