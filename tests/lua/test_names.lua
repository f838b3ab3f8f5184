-- test_names.lua: declared name variants (db:alias, ~name, db:canonical)
-- and suggested ones (db:variants) on the sample corpus, whose README
-- plants Khaldiyev/Khaldiev/Haldijev/Халдиев, Tsyrkiv/Tsirkov,
-- Zhelny/Želny/Zhelnyi and Andrej/Andrei Kolar.
local T = dofile("tests/lua/tap.lua")
for _, d in ipairs{ "northgate-wire", "vta", "ilvra-courier", "daily-clarion", "newspulse24", "feeds" } do
  db:add("tests/corpus/sample/" .. d, { quiet = true, source_from_dir = true })
end

local function set(rows)
  local s = {}
  for _, r in ipairs(rows) do s[r.variant] = r end
  return s
end
local function names(rows)
  local t = {}
  for _, r in ipairs(rows) do t[#t + 1] = r.variant end
  table.sort(t)
  return table.concat(t, ",")
end

-- Suggestions: the planted spellings, each found.
T.is(names(db:variants("Khaldiyev")), "haldijev,khaldiev,халдиев", "Khaldiyev: Khaldiev, Haldijev and the Cyrillic")
T.is(set(db:variants("Khaldiyev"))["халдиев"].how, "transliteration", "the Cyrillic spelling by transliteration")
T.is(names(db:variants("Haldijev")), "khaldiev,khaldiyev,халдиев", "from any of the spellings")
T.is(names(db:variants("Tsyrkiv")), "tsirkov", "Tsyrkiv: Tsirkov")
T.is(names(db:variants("Zhelny")), "zelny,zhelnyi", "Zhelny: Želny (as the index folds it) and Zhelnyi")
T.is(names(db:variants("Andrej Kolar")), "andrei kolar", "a two-word name varies word by word")
-- Unrelated names are not suggested: names of the corpus that have no
-- variant, a name next to a common word (Marsh/march), a place next to
-- its adjective (Veldora/Veldoran).
for _, n in ipairs{ "Vos", "Marsh", "Sandal", "Sorova", "Bessarin", "Veldora", "Ostrevia",
                    "Miravel", "Rusnak", "Lemesh", "Grinko" } do
  T.is(names(db:variants(n)), "", n .. " has no variant")
end
T.raises(function() db:variants(42) end, "name expected", "variants wants a name")

-- With two edits allowed, still only the planted spellings.
local planted = { khaldiev = true, haldijev = true, ["халдиев"] = true }
for _, r in ipairs(db:variants("Khaldiyev", { max_distance = 2 })) do
  T.ok(planted[r.variant], r.variant .. " is a planted spelling (max_distance = 2)")
end

-- Declared variants: ~name in a query, canonical names.
local before = db:count("khaldiyev OR khaldiev OR haldijev OR халдиев")
T.is(db:count("~Khaldiyev"), db:count("khaldiyev"), "~ with no aliases is the word")
db:alias("Khaldiyev", { "Khaldiev", "Haldijev", "Халдиев" })
T.is(db:count("~Khaldiyev"), before, "~Khaldiyev finds every spelling")
T.is(db:count("~haldijev"), before, "~ works from a variant too")
T.is(db:canonical("Khaldiev"), "Khaldiyev", "canonical of a variant")
T.is(db:canonical("RUSTAM HALDIJEV"), "RUSTAM Khaldiyev", "word by word, case-insensitive")
T.is(db:canonical("Rustam Haldijev’s"), "Rustam Khaldiyev’s", "a possessive stays")
T.is(db:canonical("Teodora Vos"), "Teodora Vos", "a name without variants is itself")
T.is(lede.canonical(db, "Khaldiev"), "Khaldiyev", "lede.canonical(db, name) is db:canonical")
db:alias("Andrej Kolar", { "Andrei Kolar" })
T.is(db:canonical("Andrei Kolar"), "Andrej Kolar", "a two-word alias")
T.is(db:count("~Kolar"), db:count("kolar"), "~ on a word of a multi-word alias is the word")
T.is(#db:aliases(), 4, "db:aliases lists the variants")
T.is(set(db:variants("Khaldiyev"))["khaldiev"].declared, true, "variants marks declared spellings")
db:unalias("Khaldiyev", "Haldijev")
T.is(db:canonical("Haldijev"), "Haldijev", "unalias forgets one variant")
T.is(db:count("~Khaldiyev"), before - db:count("haldijev NOT (khaldiyev OR khaldiev OR халдиев)"),
  "and ~ no longer finds it")
db:alias("Zhelny", db:variants("Zhelny"))
T.is(db:canonical("Zhelnyi"), "Zhelny", "db:alias takes db:variants rows")
T.raises(function() db:alias("X", 5) end, "list of variants", "alias wants a list")

-- Romanisations of real names, in a corpus of their own.
local m = lede.open()
local f = os.tmpname()
local fh = assert(io.open(f, "w"))
fh:write("Zelensky met Zelenskyy's aides. Zelenskiy and Zelenskij spoke in Kyiv, not Kiev, near Kiel. ",
  "Kharkiv, Charkiv and Kharkov. Gorbachev or Gorbachov. Zelenska and Zelensk are other words. ",
  "Marsh in March.\n")
fh:close()
m:add(f, { format = "txt", quiet = true })
os.remove(f)
T.is(names(m:variants("Zelensky")), "zelenskij,zelenskiy,zelenskyy", "y/yy/iy/ij")
T.is(names(m:variants("Kyiv")), "kiev", "Kyiv/Kiev, not Kiel")
T.is(names(m:variants("Kharkiv")), "charkiv,kharkov", "kh/ch and one edit")
T.is(names(m:variants("Gorbachev")), "gorbachov", "-ev/-ov")
T.is(names(m:variants("Marsh")), "", "Marsh is not March")
m:close()

-- Entities report canonical names.
local e = db:entities{ type = "person" }
local canon = {}
for _, r in ipairs(e) do canon[r.name] = r.canonical end
T.is(canon["Rustam Khaldiev"], "Rustam Khaldiyev", "db:entities reports the canonical spelling")
T.is(canon["Andrei Kolar"], "Andrej Kolar", "of a two-word alias too")
T.done()
