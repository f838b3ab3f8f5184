-- overview.lua: what is in a corpus, at a glance.
--
--   lede news.db scripts/overview.lua [--top N]
--
-- Prints documents by outlet (with first and last dates), documents by day
-- as a bar chart, and the most frequent words.  Exit status: 0, or 2 for a
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

-- Word counts with a plain pattern until the index gives frequency lists.
local stop = {}
for w in ([[the a an and or of to in on at for with by from as is are was were be
  been has have had it its that this these those he she they we you i his her
  their our not but said says will would could should may can after before over
  about into than then there also which who what when where more most s t]]):gmatch("%a+") do
  stop[w] = true
end
local counts = {}
for d in db:docs() do
  for w in d.text:lower():gmatch("[%a\128-\255][%w\128-\255'’%-]*") do
    w = w:gsub("['’]s$", "")
    if #w > 1 and not stop[w] then counts[w] = (counts[w] or 0) + 1 end
  end
end
local words = {}
for w, c in pairs(counts) do words[#words + 1] = { word = w, count = c } end
table.sort(words, function(a, b) return a.count > b.count or a.count == b.count and a.word < b.word end)
print("\nMost frequent words (stopwords left out)")
local rows = {}
for k = 1, math.min(top, #words) do rows[k] = words[k] end
print(require("lede.result").new(rows, { "word", "count" }))
