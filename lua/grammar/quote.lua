-- grammar/quote.lua -- module "lede.grammar.quote": quotations and who
-- said them.
--
-- The LPeg pattern finds quoted spans (double quotes of every style,
-- guillemets, single quotes; a quotation running over paragraphs, where
-- each paragraph opens the quote again and only the last closes it, is
-- one span).  post adds indirect speech without quotation marks ("S said
-- that ..."), looked for only where a verb of saying is followed by
-- "that", and reads the sentence around each span with anchored
-- patterns:
--   after the quote    “Q,” S said / “Q,” said S / “Q,” he said /
--                      “Q,” the minister said / “Q,” according to S
--   before the quote   S said: “Q” / S told R: “Q” / S added that “Q” /
--                      according to S, “Q” / S called it “Q” (a verb of
--                      saying anywhere earlier in the sentence)
-- A pronoun ("he said") or a role ("the minister said") is the nearest
-- person named before it (a role prefers a person named with that role);
-- a surname is the full name the article introduced ("Kolar" -> "Andrej
-- Kolar").  An unattributed quotation after an attributed one in the same
-- paragraph has the same speaker.  Sources that are not named persons
-- ("a senior official", "the ministry", "diplomats") leave speaker empty.
--
-- Each row: quote, speaker, role (the title as written), cue (the verb),
-- kind ("direct"; "fragment" for three words or fewer, the scare quotes
-- of news; "indirect" for S said that ... without quotation marks).

local lpeg = require "lpeg"
local G = require "lede.grammar"
local P, S, C, Cc, Cg, Ct, Cp, V = lpeg.P, lpeg.S, lpeg.C, lpeg.Cc, lpeg.Cg, lpeg.Ct, lpeg.Cp, lpeg.V
local ipairs, type, match, gsub, lower = ipairs, type, lpeg.match, string.gsub, string.lower

local M = { name = "quote" }

local hsp, ws, sp = G.hsp, G.ws, G.sp
local function w(list) return G.words(list, { case = "any" }) end

---------------------------------------------------------------------------
-- Quoted spans

local pbreak = G.paragraph_break
local function span(o, c, single)
  local close = P(c)
  if single then close = close * -G.letter end
  local seg = (1 - close - pbreak) ^ 0
  local open = P(o)
  if single then open = open * #(G.alnum) end
  -- Inner text between qs and qe; continuation paragraphs open again.
  return open * Cg(Cp(), "qs") * seg * (pbreak * P(o) * seg) ^ 0 * Cg(Cp(), "qe") * close
end
local quote_span = P(false)
for _, pair in ipairs(G.quote_pairs) do
  local single = pair[1] == "'" or pair[1] == "\226\128\152" or pair[1] == "\226\128\185"
  quote_span = quote_span + span(pair[1], pair[2], single)
end

---------------------------------------------------------------------------
-- Speakers

M.org_words = { "Ministry", "Department", "Council", "Association", "Service", "Agency",
  "Office", "Committee", "Commission", "Union", "Party", "Bank", "Group", "Institute",
  "University", "Company", "Corporation", "Government", "Parliament", "Assembly", "Court",
  "Army", "Police", "Wire", "News", "Times", "Post", "Courier", "Telegraph", "Clarion",
  "Press", "TV", "Radio", "Studies", "Affairs", "Research", "Relations", "Development",
  "Cooperation", "Sciences", "Economics", "Policy", "Kremlin", "House", "Pentagon", "Nations", "Dam", "River",
  "Valley", "Bridge", "Street", "Square", "City", "Island", "Sea", "Lake", "Mountains",
  "Republic", "Federation", "Kingdom", "States", "Forces", "Guard", "Guards", "Staff",
  "Centre", "Center", "Foundation", "Fund", "Organisation", "Organization", "Alliance",
  "Coalition", "Movement", "Front", "Authority", "Board", "Bureau", "Inc", "Ltd", "Co",
  "Agreement", "Treaty", "Protocol", "Summit", "Talks", "Conference", "Region", "Province",
  "District", "County", "Airport", "Station", "Plant", "Project", "Complex", "Media" }
M.place_first = { "Port", "Mount", "Lake", "Fort", "Cape", "Gulf", "North", "South", "East",
  "West", "Upper", "Lower", "New", "Saint", "San", "Santa", "Los", "Las" }
local org_set, place_first_set = {}, {}
for _, x in ipairs(M.org_words) do org_set[x] = true end
for _, x in ipairs(M.place_first) do place_first_set[x] = true end

-- A role, with up to two lower-case words before it that the role list
-- does not know ("association chair"), or an age ("nine-year-old").
local ed_word = P { P("ed") * -G.letter + G.lower * V(1) }
local function_words = G.words({ "for", "of", "to", "with", "by", "from", "at", "on", "in",
  "the", "a", "an", "and", "or", "but", "that", "said", "says", "told", "as", "who", "which" })
local lw = (G.lower ^ 1 * G.eow - ed_word - function_words) * hsp
local age = G.alnum ^ 1 * P { P("-year-old") + P("-") * G.alnum ^ 1 * V(1) }
local role = C(G.role + lw * G.role + lw * lw * G.role + age)
local mention_role = C(G.role + age)
local honor = G.honorific * hsp
-- A named subject: "Veldoran Foreign Minister Rustam Khaldiev",
-- "SSS spokesman Col. Igor Tamm", "Mr. Jiri Pavlas", "Kolar".
local possessive_country = G.cap_word * G.apostrophe * P("s") * hsp   -- "Veldora's"
local named = (possessive_country * (G.words({ "own" }) * hsp) ^ -1) ^ -1
  * (Cg(role, "role") * hsp) ^ -1 * (Cg(C(w({ "bullish", "furious", "beaming", "fiery" })), "adj") * hsp) ^ -1
  * (Cg(role, "role") * hsp) ^ -1 * honor ^ -1 * Cg(C(G.name), "name")
local pronoun = Cg(C(w({ "he", "she" })), "pronoun")
  + w({ "in" }) * hsp * Cg(C(w({ "his", "her" })), "pronoun") * hsp * w({ "words", "view" })
local role_noun_any = G.words(G.role_nouns, { case = "any" })
local modded_noun = P { G.words(G.role_modifiers) * hsp * V(1) + role_noun_any }
local the_role = w({ "the" }) * hsp * Cg(C(modded_noun + G.role), "the_role")
  * -(hsp * G.upper)
local appositive = ws * P(",") * (1 - S(",.;:\"\n") - G.open_double - G.close_double) ^ 1 * P(",")
-- Sources that are not a named person: "a senior official", "one
-- organiser", "one of the men, who asked not to be named,", "officials".
local generic = w({ "a", "an", "one", "another", "the" }) * (hsp * (G.word - G.speech_verb)) ^ -6
  * appositive ^ -1 * Cg(Cc(true), "unnamed")
local specific = the_role + pronoun + named
local subject = specific + generic

-- Between a subject and its verb: an appositive (", chief of the general
-- staff,"), an age (", 21,"), auxiliaries and adverbs.
local adverb = w({ "also", "later", "then", "again", "earlier", "has", "had", "have", "was",
  "is", "repeatedly", "once", "flatly", "further", "simply", "only" }) + G.letter ^ 2 * P("ly") * G.eow
local gap = appositive ^ -2 * (ws * P(",") * #hsp) ^ -1 * (hsp * adverb) ^ 0

local extra_verbs = { "fumed", "called", "described", "dismissed", "branded", "accused",
  "vowed", "hoped", "thanked", "repeated", "blasted", "expressed", "welcomed", "rejected",
  "praised", "criticised", "criticized", "called for", "dismissing", "calling", "accusing",
  "describing", "insisted", "warning", "saying", "adding", "telling", "blasting",
  "branding", "claiming", "denying", "urging", "insisting", "arguing", "stressing",
  "noting", "declaring", "vowing", "demanding" }
local verb_list = {}
for _, v in ipairs(G.speech_verb_words) do verb_list[#verb_list + 1] = v end
for _, v in ipairs(extra_verbs) do verb_list[#verb_list + 1] = v end
local cue = Cg(C(w(G.speech_verb_words)), "cue")
local broad_cue = Cg(C(w(verb_list)), "cue")

-- After the closing mark: “Q,” S said / said S / according to S.
local after = ws * P(",") ^ -1 * ws * (
    Cg(C(w({ "according to" })), "cue") * hsp * (named + the_role + generic)
  + cue * hsp * (named + the_role + pronoun)
  + subject * gap * hsp * (cue + broad_cue)
)

-- Before the opening mark, which must follow at once: S said: / S told
-- reporters: / S added that / According to S,
local obj = (hsp * (G.words({ "reporters", "journalists", "the", "a", "crowd", "press",
  "conference", "packed", "news", "agency" }) + G.cap_word)) ^ -4
local lead_tail = ws * S(":,") ^ -1 * ws * -1
local before_exact = Cg(C(w({ "according to" })), "cue") * hsp * (named + the_role) * ws * P(",") * ws * -1
  + subject * gap * hsp * cue * obj * (hsp * w({ "that" })) ^ -1 * lead_tail
-- Anywhere earlier in the sentence: S said ... “Q” / S called it “Q” /
-- S went further, blasting ... as “Q”.
local loose_verb = P { hsp * broad_cue + hsp * (1 - S(" \n")) ^ 1 * V(1) }
local before_loose = Cg(C(w({ "according to" })), "cue") * hsp * (named + the_role) * ws * P(",")
  + specific * gap * loose_verb
  + w({ "in" }) * hsp * Cg(C(w({ "his", "her" })), "pronoun") * hsp * w({ "words" }) * Cg(Cc("said"), "cue")

local function anchored(p) return Ct(p) end
local after_p = anchored(after)
local before_exact_p = anchored(before_exact)
local before_loose_p = anchored(before_loose)

---------------------------------------------------------------------------
-- Indirect speech: S said (on Monday, in a statement) that CLAUSE.

local clause_char = 1 - (S(".!?") * (G.space + -P(1))) - G.open_quote - pbreak
local indirect = subject * gap * hsp * cue * (hsp * (G.word - w({ "that" })) * P(",") ^ -1) ^ -6
  * hsp * w({ "that" }) * hsp * Cg(C((clause_char - P('"') - P("'")) ^ 1), "clause")
  * (S(".!?") + pbreak + -P(1))

-- ms is where the match starts in the subject, so post can turn qs and
-- qe into positions in the document whatever unit extract scanned.
-- Indirect speech is not scanned for at every word (that is most of the
-- cost): post looks for it only in sentences with a verb of saying and
-- "that" (find_indirect below).
M.pattern = Ct(Cg(Cp(), "ms") * Cg(Cc("q"), "form") * quote_span)
local indirect_p = Ct(Cg(Cp(), "ms") * Cg(Cc("ind"), "form") * indirect * Cg(Cp(), "me"))
local cue_that = G.speech_verb * (hsp * (G.word - w({ "that" })) * P(",") ^ -1) ^ -6 * hsp * w({ "that" })

---------------------------------------------------------------------------
-- People named in a document

local mention = (Cg(mention_role, "role") * hsp) ^ -1 * (Cg(C(G.honorific), "honor") * hsp) ^ -1
  * Cg(C(G.name), "name")
local verb_after = gap * hsp * broad_cue

-- Honorifics that are also roles ("the general" is Gen. Lemesh).
local honor_roles = { Gen = "general", Col = "colonel", Lt = "lieutenant", Capt = "captain",
  Maj = "major", Adm = "admiral", Sgt = "sergeant", Dr = "doctor", Prof = "professor",
  Sen = "senator", Gov = "governor", Rep = "representative" }

-- Is a name (with what was seen before it) a person's?
local function personish(name, m)
  local parts = {}
  for part in name:gmatch("%S+") do parts[#parts + 1] = part end
  local last = parts[#parts]
  if org_set[last] or place_first_set[parts[1]] then return false end
  if last:match("^%u[%u%.]+$") then return false end   -- NATO, U.N.
  if m and (m.role or m.honor) then return true end
  return #parts >= 2
end

local function last_word(name) return name:match("(%S+)$") end

-- The start of the sentence around pos: after the last sentence end
-- (. ! ? with any closing marks, then a space) or line break before it; a
-- full stop inside a quotation that goes on, after an abbreviation or
-- after an initial ends nothing.
local closers = { ["\"" ] = true, ["'"] = true, [")"] = true }
local function sentence_start(text, pos, spans)
  local i = pos - 1
  while i > 1 do
    local ch = text:sub(i, i)
    if ch == "\n" then return i + 1 end
    if ch == " " or ch == "\t" then
      local j = i - 1
      -- back over closing marks: ” ’ (3 bytes) " ' )
      while j > 0 do
        local three = text:sub(j - 2, j)
        if three == "\226\128\157" or three == "\226\128\153" then j = j - 3
        elseif three:sub(3) == "\194\187" then j = j - 2
        elseif closers[text:sub(j, j)] then j = j - 1
        else break end
      end
      local p = text:sub(j, j)
      if p == "." or p == "!" or p == "?" then
        local inq = false
        for _, s in ipairs(spans) do if j > s[1] and i < s[2] then inq = true; break end end
        local prev = text:sub(math.max(1, j - 6), j - 1)
        local abbrev = G.abbr_set[prev:match("(%a+)$") or ""]
        local initial = prev:match("[%s%.]%u$") or prev == ""
        if not inq and not abbrev and not initial then return i + 1 end
      end
    end
    i = i - 1
  end
  return 1
end

local not_subject_words = {}
for _, x in ipairs({ "that", "to", "for", "with", "of", "by", "from", "and", "or", "but",
                     "said", "says", "told", "tells", "at", "on", "in", "as", "than" }) do
  not_subject_words[x] = true
end

-- Does the mention at [ms, me] stand as the subject of its sentence: at
-- its start (after an opening phrase and a comma, or "According to"),
-- right after a quotation, or before a verb of saying?
local function is_subject(text, ms, me, spans)
  local prefix = text:sub(sentence_start(text, ms, spans), ms - 1)
  if prefix:lower():match("according to%s*$") or prefix:match("[\"\194\187],?%s*$")
     or prefix:match("\226\128\157,?%s*$") then
    return true
  end
  -- An opening phrase ("In Karsk,"), then at most a few words that are
  -- articles, possessives or adjectives: "Veldora's bullish", "A beaming".
  local rest = prefix:gsub("^[^,]*,%s*", "")
  local n, ok = 0, true
  for word in rest:gmatch("%S+") do
    n = n + 1
    local lw = word:lower()
    if not (word:match("^%l[%l%-]*$") or word:match("[’']s$") or lw == "a" or lw == "an" or lw == "the")
       or lw:match("ed$") or not_subject_words[lw] then
      ok = false
    end
  end
  if ok and n <= 4 then return true end
  return match(verb_after, text, me + 1) ~= nil
end

-- The people named in text, in order: {pos, name, role, key, subject}.
-- A surname alone ("Kolar") is the person introduced before with it.
local function people(text, spans)
  local out, byname = {}, {}
  for _, m in ipairs(G.find_all(Ct(mention), text)) do
    local c = m.captures[1]
    -- A name in brackets after another is the same person written
    -- another way: "Rustam Khaldiyev (Рустам Халдиев)".
    local alias = text:sub(m.start - 1, m.start - 1) == "("
    local name, role_ = c.name, c.role
    local known = not name:find("%s") and byname[name]
    if known then name, role_ = known.name, role_ or known.role end
    if not alias and (known or personish(c.name, c)) then
      local key = lower(role_ or "")
      if c.honor then key = key .. " " .. (honor_roles[c.honor:match("%a+")] or "") end
      if known and not c.role then key = known.key end
      local p = { pos = m.start, name = name, role = role_, key = key,
                  subject = is_subject(text, m.start, m.stop, spans) }
      out[#out + 1] = p
      if name:find("%s") then byname[last_word(name)] = p end
    end
  end
  return out
end
M.people = function(text) return people(text, {}) end

-- The full name a surname stands for in this document.
local function full_name(name, persons)
  if name:find("%s") then return name end
  local best
  for _, p in ipairs(persons) do
    if p.name ~= name and last_word(p.name) == name and (not best or #p.name > #best) then best = p.name end
  end
  return best or name
end

local function is_person_name(name, persons, c)
  if personish(name, c) then return true end
  for _, p in ipairs(persons) do if last_word(p.name) == name then return true end end
  return false
end

-- The person a pronoun or "the minister" before pos stands for: the
-- nearest person named before it as the subject of a sentence (with a
-- role noun, the nearest such with that role); else the nearest named.
local function nearest(persons, pos, noun, inside)
  if noun then
    noun = lower(noun:match("(%S+)$"))
    for i = #persons, 1, -1 do
      local p = persons[i]
      if p.pos < pos and p.subject and p.key:find(noun, 1, true) and not inside(p.pos) then return p end
    end
    for i = #persons, 1, -1 do
      local p = persons[i]
      if p.pos < pos and p.key:find(noun, 1, true) and not inside(p.pos) then return p end
    end
    return nil
  end
  for i = #persons, 1, -1 do
    local p = persons[i]
    if p.pos < pos and p.subject and not inside(p.pos) then return p end
  end
  for i = #persons, 1, -1 do
    local p = persons[i]
    if p.pos < pos and not inside(p.pos) then return p end
  end
end

---------------------------------------------------------------------------
-- Attribution

-- Resolve a subject capture c at text position pos into speaker, role.
local function speaker_of(c, pos, persons, inside)
  if c.unnamed then return nil, nil end
  if c.pronoun then
    local p = nearest(persons, pos, nil, inside)
    if p then return p.name, p.role end
    return nil
  end
  if c.the_role then
    local p = nearest(persons, pos, c.the_role, inside)
    if p then return p.name, p.role end
    return nil
  end
  if c.name then
    if not is_person_name(c.name, persons, c) then return nil end
    local name = full_name(c.name, persons)
    local role_ = c.role
    if not role_ then
      for _, p in ipairs(persons) do if p.name == name and p.role then role_ = p.role; break end end
    end
    return name, role_
  end
end

-- Try an anchored pattern at every word start of s, from the left; the
-- first match that accept(c, i) takes.
local function match_from_any(p, s, accept)
  local i = 1
  while i <= #s do
    local c = match(p, s, i)
    if c and (not accept or accept(c, i)) then return c, i end
    local nxt = s:find("[%s,;:%(]%S", i)
    if not nxt then break end
    i = nxt + 1
  end
end

-- The same, but the last match accept takes: the speaker nearest the
-- quotation ("Putin has said ..., but Biden dismissed it, saying, “Q”").
local function match_last(p, s, accept)
  local best, at
  local i = 1
  while i <= #s do
    local c = match(p, s, i)
    if c and (not accept or accept(c, i)) then best, at = c, i end
    local nxt = s:find("[%s,;:%(]%S", i)
    if not nxt then break end
    i = nxt + 1
  end
  return best, at
end

local function word_count(s)
  local n = 0
  for _ in s:gmatch("[%w\128-\255][%w\128-\255'’%-]*") do n = n + 1 end
  return n
end

local function clean_quote(text, qs, qe)
  local q = text:sub(qs, qe - 1)
  -- Continuation paragraphs: the break and the repeated opening mark.
  q = gsub(q, "%s*\n%s*[\"“„«]", " ")
  q = gsub(q, "[,%s]+$", "")
  return q
end

local function attribute(text, row, spans, persons, inside)
  local qs, qe = row.qs, row.qe
  local close_end = row.stop + 1
  local found, pos
  -- After the quote, up to the end of its sentence.
  local tail = text:sub(close_end, close_end + 200)
  tail = tail:match("^[^\n]*")
  -- A quotation ending in a full stop ends its sentence: what follows
  -- speaks of something else.
  local c = not row.quote:match("%.$") and match(after_p, tail)
  if c then found, pos = c, close_end end
  -- Before the quote, back to the start of its sentence.
  if not found then
    local s = sentence_start(text, row.start, spans)
    local head = text:sub(s, row.start - 1)
    local c2, at = match_from_any(before_exact_p, head)
    -- Loosely, only a subject that is a person counts ("VTA" in "an
    -- interview with VTA on Tuesday, the minister said" is not one).
    if not c2 then
      c2, at = match_last(before_loose_p, head, function(c3, i)
        -- "a spokesman for Prime Minister Kolar said": Kolar is not the
        -- subject.
        -- Nor is a name inside a longer one ("Minister Andrej Kolar" after
        -- "Prime").
        local pw = head:sub(1, i - 1):match("([%a%.]+)%s*$")
        local lpw = pw and pw:lower()
        if pw and ((not_subject_words[lpw] and lpw ~= "and" and lpw ~= "but" and lpw ~= "or")
                   or pw:match("^%u")) then
          return false
        end
        return speaker_of(c3, s + i - 1, persons, inside) ~= nil
      end)
    end
    if c2 then found, pos = c2, s + at - 1 end
  end
  if not found then return false end
  local speaker, role_ = speaker_of(found, pos, persons, inside)
  row.speaker, row.role, row.cue = speaker, role_ or found.role, found.cue
  return true
end

-- Indirect speech in text: at each verb of saying followed by "that",
-- the sentence up to it is tried for a subject; rows as the scan gives.
local function find_indirect(text, spans)
  local out, done = {}, {}
  for _, m in ipairs(G.find_all(cue_that, text)) do
    local s = sentence_start(text, m.start, spans)
    if not done[s] then
      local i = s
      while i <= m.start do
        local c = match(indirect_p, text, i)
        if c then
          c.start, c.stop = i, c.me - 1
          c.text = text:sub(c.start, c.stop)
          c.ms, c.me = nil, nil
          out[#out + 1] = c
          done[s] = true
          break
        end
        local nxt = text:find("[%s,;:%(]%S", i)
        if not nxt then break end
        i = nxt + 1
      end
    end
  end
  return out
end

-- post: attribution for one document's rows.
function M.post(rows, ctx)
  local text = ctx.text
  local spans_ = {}
  for _, r in ipairs(rows) do if r.form == "q" then spans_[#spans_ + 1] = { r.start, r.stop } end end
  local persons = people(text, spans_)
  local spans = {}
  for _, r in ipairs(rows) do if r.form == "q" then spans[#spans + 1] = { r.start, r.stop } end end
  local function inside(pos)
    for _, s in ipairs(spans) do if pos > s[1] and pos < s[2] then return true end end
    return false
  end
  local out = {}
  local last_para_end, last_speaker = nil, nil
  local kept = {}
  for _, r in ipairs(rows) do
    if r.qs then r.qs, r.qe = r.start + r.qs - r.ms, r.start + r.qe - r.ms end
    -- A single mark right after a letter is an apostrophe (Kolar's).
    local mark = r.form == "q" and text:sub(r.start, r.qs - 1)
    if not (mark and (mark == "'" or mark == "\226\128\152" or mark == "\226\128\153")
            and text:sub(r.start - 1, r.start - 1):match("[%w\128-\255]")) then
      kept[#kept + 1] = r
    end
  end
  rows = kept
  -- Indirect speech, outside the quotations, merged in text order.
  local qspans = {}
  for _, r in ipairs(rows) do qspans[#qspans + 1] = { r.start, r.stop } end
  for _, c in ipairs(find_indirect(text, qspans)) do
    local inq = false
    for _, q in ipairs(qspans) do if c.start >= q[1] and c.start <= q[2] then inq = true end end
    if not inq then c.doc = ctx.doc; rows[#rows + 1] = c end
  end
  table.sort(rows, function(a, b) return a.start < b.start end)
  for _, r in ipairs(rows) do
    if r.form == "q" then
      r.quote = clean_quote(text, r.qs, r.qe)
      local attributed = attribute(text, r, spans, persons, inside)
      -- The same paragraph as an attributed quotation: the same speaker.
      local para_start = text:sub(1, r.start):find("\n[^\n]*$") or 0
      if not attributed and last_speaker and last_para_end and last_para_end >= para_start then
        r.speaker, r.role, r.cue = last_speaker.speaker, last_speaker.role, nil
        attributed = true
      end
      r.kind = word_count(r.quote) <= 3 and "fragment" or "direct"
      if attributed and r.speaker then last_speaker = { speaker = r.speaker, role = r.role } end
      if not attributed then last_speaker = nil end
      last_para_end = r.stop
    else
      r.quote = r.clause
      local speaker, role_ = speaker_of(r, r.start, persons, inside)
      r.speaker, r.role = speaker, role_ or r.role
      r.kind = "indirect"
    end
    for _, f in ipairs({ "ms", "form", "qs", "qe", "name", "pronoun", "the_role", "unnamed", "adj",
                         "clause" }) do r[f] = nil end
    if r.kind ~= "indirect" or r.speaker then out[#out + 1] = r end
  end
  -- Names the corpus declares variants of (db:alias) come out canonical.
  local db = ctx.db
  if db and db.canonical then
    for _, r in ipairs(out) do if r.speaker then r.speaker = db:canonical(r.speaker) end end
  end
  return out
end

M.columns = { "quote", "speaker", "role", "cue", "kind" }

-- scan(text) -> rows as db:extract gives them, for a text outside a corpus.
function M.scan(text)
  local rows = {}
  for _, m in ipairs(G.find_all(M.pattern, text)) do
    local row = m.captures[1]
    row.start, row.stop, row.text = m.start, m.stop, text:sub(m.start, m.stop)
    rows[#rows + 1] = row
  end
  return M.post(rows, { text = text })
end

return M
