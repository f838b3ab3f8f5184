-- grammar.lua -- module "lede.grammar": building blocks for extraction
-- grammars written in LPeg, and the ready grammars (lede.grammar.date,
-- .quote, ...), which load on first use as fields of this module.
--
-- LPeg matches bytes; news text is UTF-8 with curly quotes, NBSP and
-- letters beyond ASCII, so the classes here are written for UTF-8: a
-- "letter" is an ASCII letter or any multi-byte character outside the
-- punctuation and symbol blocks, and "upper" knows Latin-1, Latin
-- Extended-A, Greek and Cyrillic capitals.  That is enough to tell a
-- capitalised name from a lower-case word without a Unicode database.
--
-- Blocks that carry a value capture it: month and weekday give their
-- number, number_value gives a Lua number, speech_verb and role capture
-- the text as written.  Blocks without a value capture nothing, so they
-- combine freely inside lpeg.C, lpeg.Cg and lpeg.Ct.

local lpeg = require "lpeg"
local P, R, S, C, Cc, Cg, Ct, Cmt, Cp, V =
  lpeg.P, lpeg.R, lpeg.S, lpeg.C, lpeg.Cc, lpeg.Cg, lpeg.Ct, lpeg.Cmt, lpeg.Cp, lpeg.V
local type, ipairs, pairs, tonumber, sort, require, setmetatable, error, pcall, tostring, rawset =
  type, ipairs, pairs, tonumber, table.sort, require, setmetatable, error, pcall, tostring, rawset
local utf8char, lower, upper = utf8.char, string.lower, string.upper

local G = {}

---------------------------------------------------------------------------
-- Characters

local cont = R("\128\191")
G.utf8char = R("\0\127") + R("\194\223") * cont + R("\224\239") * cont * cont
  + R("\240\244") * cont * cont * cont
G.any = G.utf8char + P(1)   -- never stuck on a stray byte

-- A set of code points as a pattern, grouped by leading bytes so the
-- choice stays short.
local function cpset(list)
  local byprefix, order = {}, {}
  for _, cp in ipairs(list) do
    local s = utf8char(cp)
    local pre, last = s:sub(1, -2), s:sub(-1)
    if not byprefix[pre] then byprefix[pre] = {}; order[#order + 1] = pre end
    byprefix[pre][#byprefix[pre] + 1] = last
  end
  local p = P(false)
  for _, pre in ipairs(order) do p = p + P(pre) * S(table.concat(byprefix[pre])) end
  return p
end

local function range(a, b, step, into)
  for cp = a, b, step or 1 do into[#into + 1] = cp end
  return into
end

local upper_cps = {}
range(0xC0, 0xD6, 1, upper_cps); range(0xD8, 0xDE, 1, upper_cps)       -- Latin-1
range(0x100, 0x136, 2, upper_cps); range(0x139, 0x147, 2, upper_cps)   -- Latin Ext-A
range(0x14A, 0x176, 2, upper_cps); range(0x178, 0x17D, 1, upper_cps)
range(0x386, 0x3AB, 1, upper_cps)                                      -- Greek
range(0x400, 0x42F, 1, upper_cps)                                      -- Cyrillic
range(0x460, 0x4FE, 2, upper_cps)

G.upper = R("AZ") + cpset(upper_cps)
-- Letters: ASCII, or any multi-byte character from U+00C0 up, except the
-- punctuation and symbol blocks U+2000-U+2BFF (dashes, quotes, ellipsis,
-- arrows) and U+3000-U+303F; x and ÷ are let through (rare in names).
G.letter = R("az", "AZ") + P("\195") * cont + R("\196\223") * cont
  + (R("\224\225") + R("\227\239") - P("\227\128")) * cont * cont
  + R("\240\244") * cont * cont * cont
G.lower = G.letter - G.upper
G.digit = R("09")
G.alnum = G.letter + G.digit

local nbsp = P("\194\160")
-- Spaces: ASCII blanks, NBSP, the U+2000-U+200A spaces, narrow NBSP.
G.hspace = S(" \t") + nbsp + P("\226\128") * R("\128\138") + P("\226\128\175")
G.newline = P("\r") ^ -1 * P("\n")
G.space = G.hspace + G.newline
G.sp = G.space ^ 1           -- one or more spaces (a word gap)
G.ws = G.space ^ 0           -- optional space
G.hsp = G.hspace ^ 1         -- spaces within a line
G.paragraph_break = G.hspace ^ 0 * G.newline * (G.hspace ^ 0 * G.newline) ^ 0

-- A word boundary after a match: the next character is not a letter/digit.
G.eow = -G.alnum

local apos = P("'") + P("\226\128\153")     -- ' ’
G.apostrophe = apos
-- A word: letters, with inner apostrophes and hyphens (don't, pro-Russian).
G.word = G.letter ^ 1 * ((apos + P("-") + P("\226\128\144")) * G.letter ^ 1) ^ 0

G.dash = P("-") + P("\226\128") * R("\144\149") + P("\226\136\146")  -- - ‐ ‑ ‒ – — ― −
-- Punctuation: ASCII punctuation, Latin-1's « » ¡ ¿ · , and General
-- Punctuation (dashes, quotes, ellipsis, bullets).
G.punctuation = S("!\"#%&'()*,-./:;?@[\\]_{}") + P("\194") * S("\161\171\183\187\191")
  + P("\226\128") * R("\144\190") + P("\226\129") * R("\128\158")

---------------------------------------------------------------------------
-- Quotation marks

-- Open and close marks; straight marks both open and close.  The curly
-- single close is also the apostrophe, so a single-quoted span ends only
-- at a ’ not followed by a letter.
G.quote_pairs = {
  { "\226\128\156", "\226\128\157" },   -- “ ”
  { "\226\128\158", "\226\128\156" },   -- „ “ (German)
  { "\226\128\158", "\226\128\157" },   -- „ ” (Polish, Ukrainian)
  { "\226\128\156", '"' },           -- “ " (mixed, as scraped text has it)
  { "\194\171", "\194\187" },           -- « »
  { "\194\187", "\194\171" },           -- » « (German)
  { '"', '"' },
  { "\226\128\152", "\226\128\153" },   -- ‘ ’
  { "'", "'" },
  { "\226\128\185", "\226\128\186" },   -- ‹ ›
}
G.open_quote = P("\226\128\156") + P("\226\128\158") + P("\194\171") + P('"')
  + P("\226\128\152") + P("\226\128\185") + P("'")
G.close_quote = P("\226\128\157") + P("\226\128\156") + P("\194\187") + P('"')
  + P("\226\128\153") + P("\226\128\186") + P("'")
G.open_double = P("\226\128\156") + P("\226\128\158") + P("\194\171") + P('"')
G.close_double = P("\226\128\157") + P("\226\128\156") + P("\194\187") + P('"')

-- quoted([inner [, opts]]): a span between a matching pair of marks,
-- capturing what is inside (or inner's captures when inner is given).
-- opts.single = false leaves out single marks; opts.max = bytes.
function G.quoted(inner, opts)
  opts = opts or {}
  local p = P(false)
  for _, pair in ipairs(G.quote_pairs) do
    local o, c = pair[1], pair[2]
    local single = (o == "'" or o == "\226\128\152" or o == "\226\128\185")
    if not (single and opts.single == false) then
      local close = P(c)
      if c == "'" or c == "\226\128\153" then close = close * -G.letter end
      local body = (1 - close) ^ 0
      if inner then body = inner * #close end
      p = p + P(o) * C(body) * close
      if inner then p = p + P(o) * (inner) * close end
    end
  end
  return p
end

---------------------------------------------------------------------------
-- Word lists

-- words(list [, opts]): any of the words or phrases in list, longest first,
-- ending at a word boundary.  Spaces in an entry match any run of spaces.
-- opts.case = "any" also matches "said"/"Said"/"SAID" (entries lower case:
-- first letter either case, or all upper).
function G.words(list, opts)
  local anycase = opts and opts.case == "any"
  local variants, seen = {}, {}
  local function add(v) if not seen[v] then seen[v] = true; variants[#variants + 1] = v end end
  for _, w in ipairs(list) do
    add(w)
    if anycase then add(upper(w:sub(1, 1)) .. w:sub(2)); add(upper(w)) end
  end
  -- Grouped by first byte, so a position is tried only against the words
  -- that can start there (a long list stays fast); longest first within.
  local groups, firsts = {}, {}
  for _, v in ipairs(variants) do
    local b = v:sub(1, 1)
    if not groups[b] then groups[b] = {}; firsts[#firsts + 1] = b end
    table.insert(groups[b], v)
  end
  local p = P(false)
  for _, b in ipairs(firsts) do
    local g = groups[b]
    sort(g, function(x, y) return #x > #y end)
    local alt = P(false)
    for _, v in ipairs(g) do
      local q, first = P(true), true
      for part in v:gmatch("%S+") do
        q = first and P(part:sub(2)) or q * G.sp * P(part)
        first = false
      end
      alt = alt + q
    end
    p = p + P(b) * alt
  end
  return p * G.eow
end

-- ci(s): s in any letter case (ASCII).
function G.ci(s)
  local p = P(true)
  for ch in s:gmatch(".") do
    local l, u = lower(ch), upper(ch)
    p = p * (l == u and P(ch) or S(l .. u))
  end
  return p
end

-- Map a list of {name, value} to a pattern capturing value.
local function valued(pairs_, opts)
  -- Grouped by first byte like words(), longest first within a group.
  local groups, firsts = {}, {}
  for _, e in ipairs(pairs_) do
    local b = e[1]:sub(1, 1)
    if opts and opts.ci then b = false end
    local k = b or "*"
    if not groups[k] then groups[k] = {}; firsts[#firsts + 1] = k end
    table.insert(groups[k], e)
  end
  local p = P(false)
  for _, k in ipairs(firsts) do
    local g = groups[k]
    sort(g, function(a, b) return #a[1] > #b[1] end)
    local alt = P(false)
    for _, e in ipairs(g) do
      if k == "*" then alt = alt + G.ci(e[1]) * Cc(e[2])
      else alt = alt + P(e[1]:sub(2)) * Cc(e[2]) end
    end
    p = p + (k == "*" and alt or P(k) * alt)
  end
  return p
end

---------------------------------------------------------------------------
-- Months, weekdays

G.month_names = { "January", "February", "March", "April", "May", "June", "July",
  "August", "September", "October", "November", "December" }
G.weekday_names = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" }

local month_list = {}
for i, m in ipairs(G.month_names) do
  month_list[#month_list + 1] = { m, i }
  month_list[#month_list + 1] = { upper(m), i }
  if #m > 3 then
    month_list[#month_list + 1] = { m:sub(1, 3) .. ".", i }
    month_list[#month_list + 1] = { m:sub(1, 3), i }
    month_list[#month_list + 1] = { upper(m:sub(1, 3)), i }
  end
end
month_list[#month_list + 1] = { "Sept.", 9 }
month_list[#month_list + 1] = { "Sept", 9 }
-- month: a month name or abbreviation ("December", "Dec.", "Dec", "DEC"),
-- capturing its number.  "May" needs its context to be a date; the date
-- grammar gives that.
G.month = valued(month_list) * -G.letter
G.month_name = C(G.month / 0) / function(s) return s end  -- as written

local wd_list = {}
for i, d in ipairs(G.weekday_names) do
  wd_list[#wd_list + 1] = { d, i }
  wd_list[#wd_list + 1] = { upper(d), i }
  wd_list[#wd_list + 1] = { d:sub(1, 3) .. ".", i }
  wd_list[#wd_list + 1] = { d:sub(1, 3), i }
end
wd_list[#wd_list + 1] = { "Tues.", 2 }; wd_list[#wd_list + 1] = { "Thurs.", 4 }
-- weekday: a weekday name or abbreviation, capturing 1 (Monday) .. 7.
G.weekday = valued(wd_list) * -G.letter

---------------------------------------------------------------------------
-- Numbers

local d = G.digit
local groupsep = P(",") + nbsp + P("\226\128\175") + P("\226\128\137") + P(" ") * #(d * d * d * -d)
-- Digits with thousands separators (100,000 / 100 000 / 100 000), an
-- optional decimal part (1,500.5 / 1.7), never followed by a letter/digit.
G.integer = d ^ 1
G.digits = (d * d ^ -2 * (groupsep * d * d * d) ^ 1 + d ^ 1) * (P(".") * d ^ 1) ^ -1 * -G.alnum

G.number_words = {
  zero = 0, one = 1, two = 2, three = 3, four = 4, five = 5, six = 6, seven = 7,
  eight = 8, nine = 9, ten = 10, eleven = 11, twelve = 12, thirteen = 13,
  fourteen = 14, fifteen = 15, sixteen = 16, seventeen = 17, eighteen = 18,
  nineteen = 19, twenty = 20, thirty = 30, forty = 40, fifty = 50, sixty = 60,
  seventy = 70, eighty = 80, ninety = 90,
}
G.scale_words = { hundred = 100, thousand = 1000, million = 1000000, billion = 1000000000,
  trillion = 1000000000000 }
G.ordinal_words = {
  first = 1, second = 2, third = 3, fourth = 4, fifth = 5, sixth = 6, seventh = 7,
  eighth = 8, ninth = 9, tenth = 10, eleventh = 11, twelfth = 12, thirteenth = 13,
  fourteenth = 14, fifteenth = 15, sixteenth = 16, seventeenth = 17, eighteenth = 18,
  nineteenth = 19, twentieth = 20, thirtieth = 30,
}

local function wordvals(t)
  local l = {}
  for w, v in pairs(t) do l[#l + 1] = { w, v }; l[#l + 1] = { upper(w:sub(1, 1)) .. w:sub(2), v } end
  return valued(l) * -G.letter
end
local unit_word = wordvals(G.number_words)
local scale_word = wordvals(G.scale_words)
-- "twenty-five", "twenty five"
local small = Cg(unit_word * ((P("-") + G.hsp) * unit_word) ^ -1 / function(a, b) return a + (b or 0) end)
local function fold_scaled(...)
  -- a list of (value, scale?) pieces: "three hundred thousand" etc.
  local total, cur = 0, 0
  for _, v in ipairs({ ... }) do
    if v >= 1000 then total = total + (cur == 0 and 1 or cur) * v; cur = 0
    elseif v == 100 then cur = (cur == 0 and 1 or cur) * 100
    else cur = cur + v end
  end
  return total + cur
end
local an = (P("a") + P("A")) * Cc(1) * #(G.hsp * scale_word)
G.number_word_value = ((small + an) * (G.hsp * (P("and") * G.hsp) ^ -1 * (scale_word + small)) ^ 0)
  / fold_scaled

local function digits_value(s)
  s = s:gsub("[^%d%.]", "")
  return tonumber(s)
end
-- number: digits ("100,000", "1.7") or number words ("two", "twenty-five",
-- "three hundred", "a thousand"), optionally with a scale word ("2.4
-- billion", "1.5 million").  number captures nothing; number_value
-- captures the value as a Lua number.
local digit_value = C(G.digits) / digits_value
local function as_int(x) return math.tointeger(x) or x end
local scaled_digits = digit_value * (G.hsp * scale_word) ^ -1
  / function(a, b) return as_int(a * (b or 1)) end
G.number_value = scaled_digits + G.number_word_value
G.number = G.number_value / 0

-- ordinal: "1st", "2nd", "23rd", "7th" or "first" .. "thirtieth",
-- capturing its value.
G.ordinal = C(d * d ^ -1) / tonumber * (P("st") + P("nd") + P("rd") + P("th")) * -G.letter
  + wordvals(G.ordinal_words)

---------------------------------------------------------------------------
-- Sentences

-- Abbreviations whose full stop does not end a sentence.
G.abbreviations = { "Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Col", "Lt", "Sgt", "Capt",
  "Maj", "Cmdr", "Adm", "Gov", "Sen", "Rep", "Rev", "St", "Jr", "Sr", "Mt", "No", "Nos",
  "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
  "Mon", "Tue", "Tues", "Wed", "Thu", "Thurs", "Fri", "Sat", "Sun", "vs", "etc", "approx",
  "Inc", "Ltd", "Co", "Corp", "est" }
G.abbr_set = {}
for _, a in ipairs(G.abbreviations) do G.abbr_set[a] = true end
-- sentence_end: . ! ? (or …) with any closing quotes and brackets after
-- it, then a space or the end; a full stop after an abbreviation or an
-- initial does not end a sentence (the caller sees that at its own
-- position: use it after a word, as in  G.word * G.sentence_end).
G.sentence_end = (S(".!?") ^ 1 + P("\226\128\166")) * (G.close_quote + S(")]")) ^ 0 * (G.space + -P(1))
  + G.paragraph_break

---------------------------------------------------------------------------
-- Names

G.honorific_words = { "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Mr", "Mrs", "Ms", "Dr",
  "Sir", "Dame", "Lord", "Lady", "Gen.", "Col.", "Lt.", "Capt.", "Maj.", "Sgt.",
  "Adm.", "Rev.", "Sen.", "Rep.", "Gov.", "Gen", "Col" }
G.honorific = (function()
  local l = {}
  for i, w in ipairs(G.honorific_words) do l[i] = w end
  sort(l, function(a, b) return #a > #b end)
  local p = P(false)
  for _, w in ipairs(l) do p = p + P(w) end
  return p * -G.letter
end)()

G.particle_words = { "de", "da", "di", "du", "del", "della", "dos", "das", "van", "von",
  "der", "den", "ter", "ten", "la", "le", "bin", "ibn", "bint", "y", "zu", "af", "St." }

-- Capitalised words that start a sentence or a clause and are not names.
G.not_name_words = { "The", "A", "An", "He", "She", "It", "They", "We", "I", "You",
  "His", "Her", "Its", "Their", "Our", "This", "That", "These", "Those", "There",
  "In", "On", "At", "By", "For", "From", "To", "Of", "With", "As", "After", "Before",
  "But", "And", "Or", "If", "When", "While", "Since", "Although", "Though", "However",
  "Meanwhile", "Asked", "According", "Speaking", "Earlier", "Later", "Last", "Next",
  "Yesterday", "Today", "Tomorrow", "Mr", "Mrs", "Ms", "Dr", "Some", "Many", "Both",
  "Neither", "Several", "Officials", "Diplomats", "Residents", "Critics", "Analysts",
  "What", "Why", "How", "Who", "Where", "Which", "Not", "No", "Yes", "All", "Any",
  "Such", "Each", "Every", "One", "Two", "Our", "My", "Your" }

local hy = P("-") + P("\226\128\144")
-- A capitalised word: "Khaldiyev", "O'Brien", "Jean-Luc", "McDonald",
-- "Al-Assad"; an all-capital initialism ("NATO", "U.N.") is also one.
G.cap_word = G.upper * G.letter ^ 0 * ((apos + hy) * G.upper * G.letter ^ 0) ^ 0
G.initial = G.upper * P(".") * (G.hspace ^ -1 * G.upper * P(".")) ^ 0
G.initialism = (G.upper * P(".")) ^ 2 + G.upper * G.upper ^ 1 * -G.lower

local particle = G.words(G.particle_words) + (P("al") + P("el") + P("Al") + P("El") + P("ad") + P("as")) * hy * #G.upper
local name_stop = G.words(G.not_name_words)
-- A name part is a capitalised word or an initial; a month followed by a
-- number is a date and a weekday is a day, not a name.  Names stay on one
-- line.
local name_part = (G.initial + G.cap_word) - (G.month * G.hsp * G.digit) - G.weekday
  - (G.honorific * G.hsp)
local name_sep = G.hsp
-- name: a capitalised name: "Rustam Khaldiyev", "J. R. Smith",
-- "Charles de Gaulle", "Ursula von der Leyen", "Bashar al-Assad",
-- "Jean-Luc O'Brien".  Starts at a capital that is not a sentence word
-- ("The", "He", "According"); particles only between capitals.
G.name = (name_part - name_stop) * (name_sep * (particle * (name_sep + #G.upper)) ^ 0 * name_part) ^ 0
  + P("al") * hy * G.cap_word
-- person: an optional honorific ("Dr.", "Gen.") and a name, capturing the
-- name without the honorific.
G.person = (G.honorific * G.hsp) ^ -1 * C(G.name)

---------------------------------------------------------------------------
-- Titles and roles

-- The nouns a role ends with.
G.role_nouns = { "President", "Vice President", "Prime Minister", "Minister",
  "Chancellor", "Premier", "Secretary", "Secretary-General", "Secretary General",
  "spokesperson", "spokesman", "spokeswoman", "Spokesperson", "Spokesman", "Spokeswoman",
  "press secretary", "Press Secretary", "envoy", "Envoy", "ambassador", "Ambassador",
  "mayor", "Mayor", "governor", "Governor", "leader", "Leader", "chief", "Chief",
  "head", "Head", "chairman", "Chairman", "chairwoman", "chair", "Chair",
  "director", "Director", "Director-General", "commander", "Commander",
  "General", "Colonel", "Admiral", "senator", "Senator", "lawmaker", "MP",
  "deputy", "Deputy", "official", "adviser", "advisor", "Adviser", "analyst", "expert",
  "correspondent", "editor", "King", "Queen", "Prince", "Emperor", "Pope",
  "Foreign Secretary", "Secretary of State", "Attorney General", "negotiator",
  "representative", "Representative", "Commissioner", "commissioner", "Ombudsman",
  "CEO", "chief executive", "founder", "professor", "Professor", "researcher",
  "economist", "engineer", "farmer", "fisherman", "resident", "activist",
  "lawyer", "judge", "Judge", "prosecutor", "diplomat", "officer", "captain", "Captain",
  "coordinator", "manager", "president", "minister", "secretary", "general",
  "student", "teacher", "grandmother", "grandfather", "mother", "father", "councillor",
  "councilor", "inspector", "PM", "driver", "shopkeeper", "pensioner", "mediator",
  "organiser", "organizer", "owner", "worker", "doctor", "nurse", "scientist", "historian",
  "politician", "firebrand", "strategist", "trader", "broker", "chairperson", "boss",
  "hydrologist", "veteran", "witness", "priest", "villager", "mechanic", "journalist",
  "classmate", "pupil", "boy", "girl", "son", "daughter", "wife", "husband", "neighbour",
  "neighbor", "friend", "colleague", "cousin", "collector", "Collector", "legislator", "aide", "Aide" }

-- Words that may stand before a role noun: lower-case modifiers.
G.role_modifiers = { "former", "deputy", "acting", "senior", "chief", "top", "junior",
  "government", "opposition", "foreign", "defence", "defense", "interior", "energy",
  "finance", "economy", "health", "state", "presidential", "military", "army", "police",
  "party", "local", "regional", "national", "ministry", "foreign ministry", "security",
  "border", "union", "company", "press", "special", "UN", "U.N.", "US", "U.S.", "EU",
  "UK", "NATO", "vice", "prime", "general", "first", "second", "assistant", "associate",
  "executive", "managing", "water", "farm", "farmers'", "growers'", "trade", "city",
  "town", "village", "district", "federal", "provincial", "council", "agency",
  "department", "desk", "political", "communications", "campaign", "transport",
  "agriculture", "environment", "climate", "emergency", "intelligence", "civil",
  "rights", "human", "legal", "press", "media", "news", "public", "the" }

local role_noun = G.words(G.role_nouns, { case = "any" })
-- Ministries and offices a role may name after "of".
G.role_objects = { "State", "Defence", "Defense", "Foreign Affairs", "the Interior",
  "Interior", "Energy", "Finance", "Justice", "Health", "the Treasury", "Staff",
  "Homeland Security", "Agriculture", "Economy", "Trade", "Commerce", "Education",
  "the Environment", "Water", "the Army", "the Navy", "the Board", "the Council",
  "the General Staff", "General Staff", "the Joint Chiefs of Staff" }
local role_of = G.sp * P("of") * G.sp * G.words(G.role_objects)
local possessive = apos * P("s") + P("s") * apos
local modifier = G.words(G.role_modifiers) - P("the")
  + (G.initialism + G.cap_word) * possessive ^ -1 * G.eow
local role_tail = role_noun * role_of ^ -1
-- role: a title or role as written: "President", "Kremlin spokesperson",
-- "US Secretary of State", "National Security Council spokeswoman",
-- "Deputy Prime Minister", "the bank's chief economist", "growers'
-- leader".  Modifiers (capitalised words, initialisms, possessives and a
-- list of lower-case words) come before a role noun; the longest role
-- that ends in a role noun wins.
G.role = P { "R",
  R = modifier * G.hsp * V("R") + role_tail,
}
-- The role noun alone, capturing it.
G.role_noun = C(role_noun)

---------------------------------------------------------------------------
-- Speech verbs

G.speech_verb_words = { "said", "says", "say", "told", "tells", "added", "adds",
  "noted", "notes", "stressed", "stresses", "claimed", "claims", "replied", "replies",
  "warned", "warns", "stated", "states", "explained", "explains", "insisted", "insists",
  "argued", "argues", "declared", "declares", "announced", "announces", "wrote", "writes",
  "asked", "asks", "continued", "continues", "recalled", "commented", "remarked",
  "admitted", "acknowledged", "emphasised", "emphasized", "emphasises", "emphasizes",
  "underlined", "suggested", "maintained", "confirmed", "denied", "promised", "vowed",
  "complained", "urged", "predicted", "observed", "pointed out", "went on",
  "conceded", "countered", "responded", "shouted", "tweeted", "posted", "assured",
  "alleged", "agreed", "reiterated", "concluded", "cautioned", "demanded",
  "according to" }
-- speech_verb: a verb of saying ("said", "told", "pointed out",
-- "according to"), capturing it as written.
G.speech_verb = C(G.words(G.speech_verb_words, { case = "any" }))

---------------------------------------------------------------------------
-- Searching with a pattern

-- anywhere(p): p at the first place it matches in the subject, trying
-- only at word starts and non-letters (the skip extract uses).
G.skip = G.alnum ^ 1 + G.any
function G.anywhere(p)
  return P { p + G.skip * V(1) }
end

-- find_all(p, text): list of {start, stop, captures...} for every match
-- of p in text, left to right, not overlapping; captures in a table.
function G.find_all(p, text)
  local finder = P { Cp() * Ct(p) * Cp() + G.skip * V(1) }
  local out, init = {}, 1
  while true do
    local s, caps, e = finder:match(text, init)
    if not s then break end
    out[#out + 1] = { start = s, stop = e - 1, captures = caps }
    init = e > s and e or e + 1
  end
  return out
end

---------------------------------------------------------------------------
-- Ready grammars load on first use: lede.grammar.date, .quote, ...

return setmetatable(G, {
  __index = function(t, k)
    if type(k) ~= "string" then return nil end
    local ok, m = pcall(require, "lede.grammar." .. k)
    if ok then rawset(t, k, m); return m end
    if not tostring(m):find("module 'lede.grammar." .. k .. "' not found", 1, true) then
      error(m, 2)
    end
    return nil
  end,
})
