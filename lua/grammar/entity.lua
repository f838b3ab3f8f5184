-- entity.lua -- module "lede.grammar.entity": people, organisations and
-- places in running text.
--
--   local entity = require "lede.grammar.entity"
--   entity.find(text)      --> {{name=, type=, start=, stop=}, ...}
--   entity.add("VeldHydro", "org")        -- a user list: names with types
--   entity.add{ ["Port Aldrin"] = "place", Sorova = "person" }
--   db:extract(entity.pattern)            -- one row per entity
--
-- Types are "person", "org", "place" and "other".  A name is a run of
-- capitalised words (with particles such as "de", "van", "al-", initials,
-- hyphens and apostrophes) cut into mentions by what the text gives as
-- evidence:
--   * the gazetteer (lede.grammar.gazetteer) and user lists, longest match;
--   * titles and roles before a name ("Foreign Minister", "Dr.",
--     "spokeswoman") make it a person, and are not part of it;
--   * head words: "... Bank", "... Council", "... Wire" make an
--     organisation, "... River", "... Dam", "Port ..." a place;
--   * context: "in X", "the town of X", "X's ambassador" (a place),
--     "X, a teacher" (a person), "state utility X" (an organisation);
--   * the rest of the document: a name typed once is that type wherever it
--     recurs, and a person's surname alone ("Vos") is that person.
-- Words are the index's own tokens (core.tokens: UAX #29 words, "U.S." as
-- one token, compounds with their parts, sentence numbers that know "Dr."),
-- so the grammar decides only what a capitalised word is, never where it
-- ends.  A sentence's first word counts as a name only when it is known.
local core = require "lede.core"
local lpeg = require "lpeg"
local gazetteer = require "lede.grammar.gazetteer"

local tokens, stopword = core.tokens, core.stopword
local concat, sub, byte, find = table.concat, string.sub, string.byte, string.find
local ipairs, pairs, type, error = ipairs, pairs, type, error

local M = {}

local function set(words)
  local s = {}
  for w in words:gmatch("%S+") do s[w] = true end
  return s
end

-- Word lists (lower case, as the tokenizer's terms are).
local TITLE_HEAD = set[[president presidents minister ministers secretary secretary-general
  chancellor spokesman spokeswoman spokesperson ambassador envoy general director
  director-general commissioner governor mayor adviser advisor chairman chairwoman chair
  leader speaker premier senator congressman congresswoman mp judge prosecutor pope king
  queen prince princess sheikh emir sultan patriarch archbishop bishop cardinal rabbi imam
  colonel admiral captain lieutenant sergeant commander marshal professor mediator
  vice-president vice-chancellor attorney-general ceo chief chiefs aide representative negotiator
  coordinator staff sir dame lord lady mr mrs ms dr gen col lt sgt capt maj cpl adm prof sen
  rep gov rev fr dr. gen. col. lt. sgt. capt. maj. prof. sen. rep. gov. rev. mr. mrs. ms.
  mister madam monsieur herr frau]]
local TITLE_MOD = set[[foreign prime deputy defence defense energy finance interior health
  justice economy economic trade agriculture education environment culture transport vice
  first special chief senior acting former executive managing attorney home state
  national security press army military presidential government top supreme high grand
  crown opposition junior assistant general secretary allied of]]
-- "of" joins "Secretary of State"; these may follow it.
local TITLE_OF = set[[state defence defense foreign affairs health energy justice
  interior the treasury commerce]]
local ROLE = set[[spokesman spokeswoman spokesperson minister president envoy mayor leader
  chief chairman chairwoman chair analyst politician lawmaker legislator mp senator
  ambassador diplomat official commander general colonel officer adviser advisor aide
  premier chancellor secretary director head governor judge prosecutor lawyer activist
  firebrand correspondent reporter journalist editor economist expert professor doctor
  farmer teacher student resident owner mediator negotiator counterpart deputy speaker
  candidate founder executive manager king queen prince pope sheikh emir friend wife
  husband son daughter brother sister mother father photographer writer author historian
  researcher scientist hydrologist engineer pilot soldier coach player singer actor
  fisherman shopkeeper grandmother grandfather widow neighbour neighbor villager priest
  bishop mr mrs ms dr]]
local PARTICLE = set[[de da del della di do dos das du van von der den ter ten la le
  bin ibn ben abu al el y zu vom]]
local NAME_PREFIX = set[[al el ad as ash an ar at az bin ibn abu o]]   -- al-Rashid
local ORG_HEAD = set[[ministry ministries bank council association agency service union
  organisation organization committee commission court party department office fund
  foundation university academy centre center group corporation corp inc ltd llc plc
  company co authority board bureau network forum front movement federation alliance
  coalition parliament assembly congress police army navy guard guards forces command
  tribunal wire times post news courier telegraph herald gazette journal tribune press
  radio tv television broadcasting institute school college hospital airlines airways
  railways holdings industries systems society club league cabinet secretariat senate
  directorate inspectorate observatory watch trust brigade battalion regiment division
  chamber exchange bloc caucus]]
local PLACE_HEAD = set[[river dam lake sea ocean mountains mountain mount hills valley
  island islands isle bay gulf strait straits canal bridge square street avenue road province region
  oblast krai county district city airport harbour harbor peninsula desert plain
  plateau reservoir coast basin delta forest park station quay village town]]
local PLACE_PREFIX = set[[port fort mount lake cape saint st st. san santa los las
  new north south east west upper lower great]]
local ORG_PREFIX = set[[channel radio]]
local OTHER_HEAD = set[[initiative agreement agreements treaty accord accords protocol pact
  plan programme program conference summit games cup festival pipeline act declaration
  convention charter doctrine award prize operation]]
local SPEECH = set[[said says told added noted stressed claimed replied warned urged
  insisted argued explained announced declared wrote tweeted asked answered admitted
  denied confirmed called]]
local PLACE_PREP = set[[in at near from into across around outside towards toward via
  through throughout inside within between downstream upstream]]
local PLACE_NOUN = set[[town city village capital region province country state port
  river republic island district oblast border south north east west citizens
  outskirts centre center suburb bank neighbouring neighboring]]
local POSS_PLACE = set[[ambassador government capital border borders president prime
  foreign army military economy currency farmland agenda side territory people citizens
  parliament embassy neighbours neighbors breadbasket own leadership troops forces
  interior energy defence defense security]]
local ORG_NOUN = set[[utility company firm group operator agency insurer bank lender
  broadcaster outlet newspaper party ministry authority regulator carrier producer
  maker manufacturer giant conglomerate watchdog charity organisation organization
  union association channel station website service airline railway platform]]
local APPOS_PLACE = set[[town city village capital region province country port
  republic district]]
local STARTER = set[[meanwhile however despite asked speaking according although
  officials critics analysts experts residents villagers farmers diplomats insiders
  sources witnesses police protesters here there what why how who when where which
  yesterday today tomorrow back both each every many most some several few all such
  explained read watch follow updated published posted reported editing reporting
  later earlier then now still also instead after before since while during under over
  last next this that these those once even only just yet so thus
  breaking exclusive live update photo image video source quick home]]
local NOT_NAME = set[[monday tuesday wednesday thursday friday saturday sunday january
  february march april may june july august september october november december jan
  feb mar apr jun jul aug sep sept oct nov dec i cet cest gmt utc bst est edt pst pdt
  msk eet eest ist am pm]]
local GIVEN = set[[aaron abdul abdullah adam adrian ahmed ahmad aisha alan albert alejandro
  aleksandr aleksei alena alex alexander alexandra alexei ali alice alina alla amira
  amir ana anastasia anatoly andrei andrej andrew andrzej andriy angela angelika ann
  anna anne anton antonio arkady arsen artem arthur bashar ben benjamin bernard bogdan
  boris brian carla carlos catherine charles chris christian christina christopher claire
  dana daniel daria david denis dmitri dmitry dmytro donald elena elizabeth emily
  emmanuel eric erik eva evgeny fatima fedor felix fernando francesco francois frank
  friedrich gabriel george georgiy gerhard giorgi giorgia gleb gregory hakan hans hassan
  helen helena hennadiy henry herman hussein ian igor ihor ilse ilya ingrid irina isabel
  ivan ivana jack jacob james jan jana jane javier jean jens jiri joe johann johannes
  john jonas jorge jose josef joseph juan julia julian julie karel karin karl katarina
  katrin kateryna kevin khalid kim kirill klaus konstantin kristina lars laura lena leo
  leonid liam lotte louis lucas ludmila luis lukas magdalena mahmoud marco margaret
  maria marie marina mario mark marta martin mary maria matteo maxim michael michel
  mikhail milan mohammed mohammad muhammad nadia natalia natalya nikita nikolai nina
  oksana oleg oleksandr oleksiy olaf olena olga omar oscar pablo paolo patrick paul pavel
  pavlo peter petr petro pieter pierre rachel rafael ramzan richard robert roman rustam
  ruslan sam samuel sara sarah sebastian selim sergei sergey sergiy simon sofia sophie
  stefan stephen steven svetlana tatiana teodora thomas timur tom tomas valentina valery
  vasily vera victor viktor viktoria vitaly vladimir vladislav volodymyr william yulia
  yuri yury zoran]]

-- Known names: lower-case key (the words' terms joined by spaces) -> type.
local builtin, user, demonym = {}, {}, {}
local acro, keep_poss = {}, {}   -- "WHO" is not "Who"; "Lloyd's" keeps its 's
local maxwords = 1

-- The key of a name: its words as the index normalises them (case folded,
-- possessive dropped, curly apostrophes straight), diacritics kept.
local function key_of(name)
  local parts = {}
  for _, t in ipairs(tokens(name, false)) do
    if not t.part and t.kind ~= "punct" and t.kind ~= "symbol" then parts[#parts + 1] = t.term end
  end
  return concat(parts, " "), #parts
end
M.key = key_of

-- Word prefixes of the known multi-word names ("united" of "united
-- nations"), so a lookup stops as soon as no name can continue.
local prefix = {}
local function add_prefixes(into, k)
  local at = 1
  while true do
    local sp = k:find(" ", at, true)
    if not sp then break end
    into[k:sub(1, sp - 1)] = true
    at = sp + 1
  end
end
local known_prefix = setmetatable({}, { __mode = "k" })
local prefixes_of
function prefixes_of(known)
  local pre = known_prefix[known]
  if not pre then
    pre = {}
    for k in pairs(known) do add_prefixes(pre, k) end
    -- a document's dictionary in front of the corpus'
    local mt = getmetatable(known)
    if mt and type(mt.__index) == "table" then
      setmetatable(pre, { __index = prefixes_of(mt.__index) })
    end
    known_prefix[known] = pre
  end
  return pre
end

local function learn(into, name, typ)
  local k, n = key_of(name)
  if n == 0 then return end
  into[k] = typ
  add_prefixes(prefix, k)
  if not name:find("%l") then acro[k] = true end
  if name:find("['’]s$") then keep_poss[k] = true end
  if n > maxwords then maxwords = n end
end

for _, typ in ipairs{ "place", "org", "other" } do
  for _, name in ipairs(gazetteer[typ]) do learn(builtin, name, typ) end
end
for _, name in ipairs(gazetteer.demonym) do demonym[key_of(name)] = true end

local TYPES = { person = true, org = true, place = true, other = true }

-- entity.add(name, type) or entity.add{[name] = type, ...}: names every
-- later match knows, before the gazetteer.  type "none" makes a word
-- never an entity.
function M.add(name, typ)
  if type(name) == "table" then
    for n, t in pairs(name) do M.add(n, t) end
    return
  end
  if type(name) ~= "string" then
    error("bad argument #1 to 'add' (name or table of names expected)", 2)
  end
  if not (TYPES[typ] or typ == "none") then
    error("bad type '" .. tostring(typ) .. "' for '" .. name .. "' (person, org, place, other or none)", 2)
  end
  learn(user, name, typ)
end

-- entity.clear(): forget the user list.
function M.clear()
  user = {}
  prefix = {}
  for k in pairs(builtin) do add_prefixes(prefix, k) end
end

---------------------------------------------------------------------------
-- Words of a text

local function first_char(s)
  local b = byte(s, 1)
  if not b then return "" end
  if b < 0xC0 then return sub(s, 1, 1) end
  if b < 0xE0 then return sub(s, 1, 2) end
  if b < 0xF0 then return sub(s, 1, 3) end
  return sub(s, 1, 4)
end

-- A word is capitalised when its first character differs from the
-- first character of its case-folded term (any script).
local function is_cap(surface, term)
  local b = byte(surface, 1)
  if b and b < 0x80 then return b >= 65 and b <= 90 end
  local c = first_char(surface)
  if c:match("^[%d%p]") then return false end
  return c ~= first_char(term)
end

local function is_allcaps(s)
  return not s:find("[a-z]") and select(2, s:gsub("[A-Z]", "")) >= 2
end

-- Punctuation after which a word starts a clause (a capital there
-- proves nothing): "Follow: Clarion", "| World", "(Reporting", "– The".
local OPENER = { [":"] = true, ["|"] = true, ["•"] = true, [";"] = true, ["("] = true,
                 ["–"] = true, ["—"] = true, ["-"] = true }

local QUOTE = { ['"'] = true, ["“"] = true, ["”"] = true, ["'"] = true, ["‘"] = true,
                ["’"] = true, ["«"] = true, ["»"] = true, ["„"] = true }

-- The word list of a text: {s, e, surf, term, cap, allcaps, poss, sent,
-- initial, para, comp (parts of a compound), punct}.
local function words_of(text)
  local out, lowerset = {}, {}
  local toks = tokens(text, false)
  local last_sent, prev
  local nextnl = find(text, "\n", 1, true) or false   -- the next line break
  local i = 1
  while i <= #toks do
    local t = toks[i]
    local w = { s = t.start, e = t.stop, term = t.term, kind = t.kind, sent = t.sentence }
    w.surf = sub(text, t.start, t.stop)
    w.punct = t.kind == "punct" or t.kind == "symbol"
    if prev then
      if nextnl and nextnl <= prev.e then nextnl = find(text, "\n", prev.e + 1, true) or false end
      w.para = nextnl and nextnl < t.start or false
      w.space = prev.e + 1 < t.start
    else
      w.para, w.space = true, true
    end
    if t.compound then
      w.comp = {}
      local j = i + 1
      while toks[j] and toks[j].part do
        local p = toks[j]
        w.comp[#w.comp + 1] = { s = p.start, e = p.stop, term = p.term,
                                surf = sub(text, p.start, p.stop) }
        j = j + 1
      end
      i = j - 1
    end
    if not w.punct and t.kind == "word" then
      w.cap = is_cap(w.surf, w.term)
      w.allcaps = w.cap and is_allcaps(w.surf)
      local ps = w.surf:find("['’]s$")
      if ps and not w.term:find("s$") or (ps and w.term:sub(-2) ~= "'s" and #w.term < #w.surf - 2) then
        w.poss = ps
      end
      if w.comp then
        local p1 = w.comp[1]
        if NAME_PREFIX[p1.term] and w.comp[2] and is_cap(w.comp[2].surf, w.comp[2].term) then
          w.cap = true                    -- al-Rashid
        elseif w.cap then
          -- "U.N.-brokered", "Kremlin-backed": the capitalised parts only
          for k = 2, #w.comp do
            local p = w.comp[k]
            if not is_cap(p.surf, p.term) then
              w.e = w.comp[k - 1].e
              w.surf = sub(text, w.s, w.e)
              local pk = {}
              for m = 1, k - 1 do pk[m] = w.comp[m].term end
              w.term = concat(pk, "-")
              w.cut = true
              w.comp = k > 2 and { table.unpack(w.comp, 1, k - 1) } or nil
              break
            end
          end
        end
      end
      if not w.cap then lowerset[w.term] = true end
    end
    -- the first word of a sentence, a line, or after ":" "|" "•"
    if not w.punct then
      local j = #out
      while out[j] and out[j].punct and QUOTE[out[j].surf] do j = j - 1 end
      local p = out[j]
      w.initial = t.sentence ~= last_sent or w.para
        or (p and p.punct and OPENER[p.surf] and (p.space or p.surf ~= "-")) or false
      last_sent = t.sentence
    end
    out[#out + 1] = w
    prev = w
    i = i + 1
  end
  return out, lowerset
end

---------------------------------------------------------------------------
-- Runs of capitalised words

local function is_abbr(w, nxt)
  -- "Dr." "Gen." "J.": a period that belongs to the word
  return nxt and nxt.punct and nxt.surf == "." and nxt.s == w.e + 1
    and (TITLE_HEAD[w.term .. "."] or (#w.surf == 1 and w.cap) or PLACE_PREFIX[w.term .. "."])
end

local CONNECTOR = set[[of for and on the in]]

-- Runs: lists of word indexes into W, each a capitalised word, a particle
-- before one, or a connector between two.
local function runs_of(W)
  local runs = {}
  local i, n = 1, #W
  local function capword(k) local w = W[k] return w and not w.punct and w.cap end
  while i <= n do
    local w = W[i]
    local starts = capword(i)
    if not starts and w and not w.punct and PARTICLE[w.term] then
      local j = i
      while W[j + 1] and not W[j + 1].punct and PARTICLE[W[j + 1].term] do j = j + 1 end
      starts = capword(j + 1) and W[j + 1].sent == w.sent
    end
    if starts then
      local run = { i }
      local k = i
      while true do
        local cur = W[k]
        if cur.poss or cur.cut then break end
        if is_abbr(cur, W[k + 1]) then
          cur.e = W[k + 1].e
          cur.surf = cur.surf .. "."
          cur.abbr = true
          W[k + 1].absorbed = true
          k = k + 1
        end
        local nx = W[k + 1]
        if not nx or nx.sent ~= cur.sent and not cur.abbr then break end
        if nx.punct then
          -- "Growers’ Association": a plural possessive inside a name
          if (nx.surf == "’" or nx.surf == "'") and cur.surf:find("s$") and capword(k + 2)
             and nx.s == cur.e + 1 then
            run[#run + 1] = k + 2
            W[k + 2].after_apos = true
            k = k + 2
          else
            break
          end
        elseif capword(k + 1) then
          run[#run + 1] = k + 1
          k = k + 1
        elseif (PARTICLE[nx.term] or CONNECTOR[nx.term]) and not nx.cap then
          -- "de Wit", "van der Berg", "Institute for Strategic Studies"
          local j = k + 1
          while W[j + 1] and not W[j + 1].punct and PARTICLE[W[j + 1].term] and not W[j + 1].cap do j = j + 1 end
          if not (capword(j + 1) and W[j + 1].sent == nx.sent) then break end
          for m = k + 1, j + 1 do run[#run + 1] = m end
          k = j + 1
        else
          break
        end
      end
      runs[#runs + 1] = run
      i = k + 1
    else
      i = i + 1
    end
  end
  return runs
end

---------------------------------------------------------------------------
-- Cutting a run into mentions

-- Longest known name starting at run position p: length, type, source.
local function lookup(W, run, p, known)
  local keys, k = {}, nil
  local kpre = known and prefixes_of(known)
  for q = p, math.min(#run, p + maxwords - 1) do
    local w = W[run[q]]
    k = k and (k .. " " .. w.term) or w.term
    keys[#keys + 1] = k
    if w.poss then break end
    if not (prefix[k] or (kpre and kpre[k])) then break end
  end
  for len = #keys, 1, -1 do
    local last = W[run[p + len - 1]]
    if not (CONNECTOR[last.term] and not last.cap) and not PARTICLE[last.term] then
      local k = keys[len]
      local typ = user[k]
      if typ then return len, typ, "user" end
      typ = builtin[k]
      if typ and acro[k] then
        for q = p, p + len - 1 do if W[run[q]].surf:find("%l") then typ = nil end end
        -- "GIVE US BACK": a pronoun in a headline, not the US
        if typ and stopword("en", k) and len < #run then typ = nil end
      end
      if typ then return len, typ, "gazetteer" end
      typ = known and known[k]
      -- "Who" is not the "WHO" the document named
      if typ and not (len == 1 and stopword("en", k) and not W[run[p]].allcaps) then
        return len, typ, "known"
      end
    end
  end
  return 0
end

-- A title at run position p: its length in words (0 when none).
local function title_len(W, run, p)
  local len, q = 0, p
  while q <= #run do
    local w = W[run[q]]
    local t = w.abbr and (w.term .. ".") or w.term
    if TITLE_HEAD[t] and w.cap then
      len = q - p + 1
      if w.abbr then break end
    elseif t == "of" and q > p and TITLE_HEAD[W[run[q - 1]].term] and W[run[q + 1]]
           and TITLE_OF[W[run[q + 1]].term] then
      q = q + 1
      len = q - p + 1
      if W[run[q + 1]] and W[run[q]].term == "foreign" and W[run[q + 1]].term == "affairs" then
        q = q + 1
        len = q - p + 1
      end
    elseif not (TITLE_MOD[t] and (w.cap or t == "of")) then
      break
    end
    if w.poss then break end
    q = q + 1
  end
  return len
end

local function shape_org(w)
  -- CamelCase ("VeldHydro"), letters with digits ("NewsPulse24")
  return w.surf:find("^%u%l+%u") or (w.surf:find("%a") and w.surf:find("%d"))
end

-- The type a stretch of a run shows by itself, or nil.
local function stretch_type(W, run, a, b)
  local first, last = W[run[a]], W[run[b]]
  for q = a, b do
    local w = W[run[q]]
    local nx = q < b and W[run[q + 1]]
    if ORG_HEAD[w.term] and w.cap and (q == b or CONNECTOR[nx.term]) and (q > a or nx) then
      return "org"                      -- "State Security Service", "Bank of England"
    end
  end
  if PLACE_HEAD[last.term] and b > a then return "place" end
  if b > a + 1 and PLACE_HEAD[first.term] and W[run[a + 1]].term == "of" then return "place" end
  if PLACE_PREFIX[first.abbr and first.term .. "." or first.term] and b > a then return "place" end
  if ORG_PREFIX[first.term] and b > a then return "org" end
  if OTHER_HEAD[last.term] and b > a then return "other" end
  if a == b and shape_org(first) then return "org" end
  if b > a and (GIVEN[first.term] or first.comp and GIVEN[first.comp[1].term]) then
    return "person"                       -- "Jean-Luc Moreau"
  end
  return nil
end

-- The word before index k (skipping a period a title absorbed) and its
-- index; with skip_the, "the"/"a"/"an" and the word before that too.
local function prev_word(W, k, skip_the)
  local j = k - 1
  while W[j] and W[j].absorbed do j = j - 1 end
  local p = W[j]
  if p and skip_the and not p.punct and (p.term == "the" or p.term == "a" or p.term == "an") then
    return p, j, W[j - 1], j - 1
  end
  return p, j
end

-- What the words around a stretch say about its type: the type and
-- whether the evidence is weak (used only when nothing else knows).
local function context_type(W, run, a, b, nwords)
  local k1, k2 = run[a], run[b]
  local p, _, pp, jj = prev_word(W, k1, true)
  local before = pp or p
  if before and not before.punct then
    local t = before.term
    if not pp and not before.cap then
      if ROLE[t] then return "person" end
      if ORG_NOUN[t] then return "org" end
      if PLACE_NOUN[t] then return "place" end
    end
    if PLACE_PREP[t] and not (t == "between" and nwords > 1) then return "place" end
    if t == "of" then
      local b2 = prev_word(W, jj or (k1 - 1))
      if b2 and not b2.punct and (PLACE_NOUN[b2.term] or b2.cap) then return "place" end
    end
  end
  local last = W[k2]
  local nx = W[k2 + 1]
  if last.poss and nx and not nx.punct and POSS_PLACE[nx.term] then return "place" end
  if nx and nx.punct and nx.surf == "," then
    -- apposition: "Ivana Mlinar, a teacher", "Rosselkhozbank, a state lender"
    for j = k2 + 2, math.min(#W, k2 + 6) do
      local w = W[j]
      if w.punct then break end
      local ty = ROLE[w.term] and "person" or ORG_NOUN[w.term] and "org"
        or APPOS_PLACE[w.term] and "place"
      if ty then
        -- not "Speaking to Yle, energy analyst Mikko Salonen said"
        local after = W[j + 1]
        if after and not after.punct and after.cap then return nil end
        return ty
      end
      if w.cap then break end
    end
  end
  if nwords >= 2 and nx and not nx.punct and SPEECH[nx.term] then return "person" end
  if pp and p.term == "the" and nwords == 1 then return "org", true end   -- "the Clarion"
  return nil
end

local function is_demonym(w, known)
  if w.comp then
    -- "Russian-US", "Russian-Ukrainian": of two places, not a name
    local p1 = w.comp[1].term
    return demonym[p1] == true
  end
  if demonym[w.term] then return true end
  local t = w.term
  for _, suffix in ipairs{ "n", "ns" } do
    if t:sub(-#suffix) == suffix then
      local stem = t:sub(1, -#suffix - 1)
      local ty = builtin[stem] or user[stem] or (known and known[stem])
      if ty == "place" then return true end
    end
  end
  return false
end

-- A word known by itself, or a compound whose parts all are.
local function known_word(w, known)
  local function k(t) return user[t] or builtin[t] or (known and known[t]) end
  if k(w.term) then return true end
  if not w.comp then return false end
  for _, p in ipairs(w.comp) do if not k(p.term) then return false end end
  return true
end

local function droppable(w, lowerset)
  return stopword("en", w.term) or STARTER[w.term] or NOT_NAME[w.term] or lowerset[w.term]
end

-- Capitals that form an acronym ("SSS", "VTA"), not a headline word.
local function acronym(W, k, lowerset)
  local w = W[k]
  if #w.term > 4 or stopword("en", w.term) or lowerset[w.term] then return false end
  local nx, pv = W[k + 1], prev_word(W, k)
  return not (nx and not nx.punct and nx.allcaps) and not (pv and not pv.punct and pv.allcaps)
end

-- The end of an unknown stretch from run position p: up to the next
-- title or known name.
local function stretch_end(W, run, p, known)
  local q, n = p, #run
  while q < n do
    local nx = W[run[q + 1]]
    if W[run[q]].poss then break end
    if title_len(W, run, q + 1) > 0 then break end
    local len = lookup(W, run, q + 1, known)
    -- "National" + "Security Council": a name that ends in an org head
    -- takes the words before it
    if len > 0 and not (PARTICLE[nx.term] and not nx.cap)
       and not (W[run[q]].term == "of" and q > p)
       and not (ORG_HEAD[W[run[q + len]].term] and W[run[q]].cap and not W[run[q]].allcaps
                and not is_demonym(W[run[q]], known)) then break end
    if CONNECTOR[nx.term] and not nx.cap then
      -- "Institute for Strategic Studies", "Gulf of Finland": only after a head
      local head = false
      for r = p, q do
        local t = W[run[r]].term
        if ORG_HEAD[t] or (PLACE_HEAD[t] and nx.term == "of") then head = true end
      end
      if not head then break end
    end
    q = q + 1
  end
  -- never end on "of", "in": "Institute for Strategic Studies" in London
  while q > p and CONNECTOR[W[run[q]].term] and not W[run[q]].cap do q = q - 1 end
  return q
end

-- Cut one run into mentions: a list of {a, b, type, how} over run
-- positions.  `known` is the document's (or corpus') dictionary.  how is
-- "user", "gazetteer", "known", "evidence", "weak", or nil (no evidence).
local function cut_run(W, run, lowerset, known)
  local out = {}
  local p, n = 1, #run
  local person_next, org_next = false, false
  local pw = prev_word(W, run[1])
  if pw and not pw.punct and not pw.cap and ROLE[pw.term] then person_next = true end
  while p <= n do
    local w = W[run[p]]
    local len, typ, how = lookup(W, run, p, known)
    local tl = title_len(W, run, p)
    local after = W[run[p + len]]
    if len > 0 and after and after.term == "of" and not after.cap
       and (PLACE_HEAD[W[run[p + len - 1]].term] or ORG_HEAD[W[run[p + len - 1]].term]) then
      len = 0                                     -- "Gulf" of "Gulf of Finland"
    end
    if p == 1 and n > 1 and w.initial and len == 0 and tl == 0 and not person_next
       and (ROLE[w.term] or ORG_NOUN[w.term]) and W[run[2]].cap then
      -- "Student Petra Lind", "Operator Gasgrid": a role starting the sentence
      if ROLE[w.term] then person_next = true else org_next = true end
      p = p + 1
    elseif tl > 0 and tl >= len then
      person_next = true
      p = p + tl
    elseif len > 0 and not (how == "known" and person_next and typ ~= "person") then
      if typ ~= "none" then out[#out + 1] = { a = p, b = p + len - 1, type = typ, how = how } end
      person_next = false
      p = p + len
    elseif (CONNECTOR[w.term] or PARTICLE[w.term]) and not w.cap and not
           (PARTICLE[w.term] and p < n and W[run[p + 1]].cap) then
      p = p + 1
    elseif NOT_NAME[w.term] then
      p = p + 1
    else
      local q = stretch_end(W, run, p, known)
      local st = stretch_type(W, run, p, q)
      local k = run[p]
      local dateline = w.allcaps and w.para and W[run[q] + 1] and W[run[q] + 1].surf == ","
      local drop = false
      if (stopword("en", w.term) or STARTER[w.term]) and not w.allcaps then
        drop = true
      elseif w.allcaps and not dateline and not person_next then
        -- headline capitals ("BACK OUR RIVER"): only an acronym alone
        drop = not (q == p and acronym(W, k, lowerset))
      elseif not st and not person_next and not dateline then
        if w.initial and p == 1 then
          drop = droppable(w, lowerset) or (q == p and n > 1)
            or (q > p and known_word(W[run[p + 1]], known))
            or (q == p and not shape_org(w) and not (w.allcaps and acronym(W, k, lowerset)))
        end
        drop = drop or stopword("en", w.term) or STARTER[w.term]
          or (w.allcaps and not (q == p and acronym(W, k, lowerset)))
          or (q == p and (is_demonym(w, known) or (lowerset[w.term] and not shape_org(w))
                          or (#out > 0 and out[#out].b == p - 1)))
      end
      if drop then
        p = p + 1
      elseif q > p and shape_org(w) and not person_next then
        out[#out + 1] = { a = p, b = p, type = "org", how = "evidence" }   -- "NewsPulse24 Staff"
        p = p + 1
      else
        local weak
        if person_next then
          typ = "person"
        elseif org_next then
          typ = "org"
        elseif dateline then
          typ = "place"
        elseif q == p and w.allcaps then
          typ = "org"
        else
          typ = st
          if not typ then typ, weak = context_type(W, run, p, q, q - p + 1) end
        end
        out[#out + 1] = { a = p, b = q, type = typ, how = typ and (weak and "weak" or "evidence") }
        person_next, org_next = false, false
        p = q + 1
      end
    end
  end
  return out
end

---------------------------------------------------------------------------
-- The document

local function vote(dict, k, typ)
  local v = dict[k]
  if not v then v = {}; dict[k] = v end
  v[typ] = (v[typ] or 0) + 1
end

local function best(v)
  local bt, bn = nil, 0
  for t, n in pairs(v) do if n > bn or (n == bn and t < bt) then bt, bn = t, n end end
  return bt
end

local function mention_key(W, run, m)
  local ks = {}
  for q = m.a, m.b do ks[#ks + 1] = W[run[q]].term end
  return concat(ks, " ")
end

-- Names a document shows with evidence: key -> type; a person's surname
-- (and "von Hagen") also names the person, and "Ilvra" the "Ilvra River".
local function teach(votes, W, run, m)
  if not m.type or m.how == "known" or m.how == "weak" then return end
  local k = mention_key(W, run, m)
  vote(votes, k, m.type)
  if m.type == "person" and m.b > m.a then
    for q = m.a + 1, m.b do
      local w = W[run[q]]
      if PARTICLE[w.term] and not w.cap then
        local ks = {}
        for r = q, m.b do ks[#ks + 1] = W[run[r]].term end
        vote(votes, concat(ks, " "), "person")
        break
      end
    end
    local last = W[run[m.b]]
    if #last.term >= 3 then vote(votes, last.term, "person") end
  elseif m.type == "place" and m.b > m.a and PLACE_HEAD[W[run[m.b]].term] then
    local ks = {}
    for q = m.a, m.b - 1 do ks[#ks + 1] = W[run[q]].term end
    vote(votes, concat(ks, " "), "place")
  end
end

-- The words and runs of a text (computed once: runs_of marks W).
local function prepare(text)
  local W, lowerset = words_of(text)
  return { W = W, runs = runs_of(W), lowerset = lowerset }
end

local function cut_all(prep, known)
  local cuts = {}
  for r, run in ipairs(prep.runs) do cuts[r] = cut_run(prep.W, run, prep.lowerset, known) end
  return cuts
end

local function learn_prepared(prep, votes)
  local W = prep.W
  local cuts = cut_all(prep, nil)
  for r, run in ipairs(prep.runs) do
    for _, m in ipairs(cuts[r]) do teach(votes, W, run, m) end
  end
  return votes
end

-- The names a text shows with evidence, as votes key -> {type -> n}; add
-- to `votes` to learn from many texts, and turn into a dictionary for
-- entity.find's `known` with entity.dictionary.
function M.learn(text, votes)
  return learn_prepared(prepare(text), votes or {})
end

-- Turn votes into a dictionary.
function M.dictionary(votes, base)
  local d = base and setmetatable({}, { __index = base }) or {}
  for k, v in pairs(votes) do d[k] = best(v) end
  -- "Ostrevian" is of "Ostrevia", not a place of its own, and the
  -- "Ostrevian Foreign Ministry" is the Foreign Ministry
  local function of_place(w)
    local stem = w:sub(1, -2)
    return demonym[w] or (w:find("n$") and (d[stem] == "place" or builtin[stem] == "place"))
  end
  for k in pairs(d) do
    local first, rest = k:match("^(%S+) (.+)$")
    if of_place(k) or (first and of_place(first) and (builtin[rest] or rawget(d, rest))) then
      d[k] = nil
    end
  end
  return d
end

local function split_compound(w, dict)
  -- "Vos-Khaldiyev", "Veldora-Ostrevia": two names when each part is one
  if not w.comp then return nil end
  local parts = {}
  for _, p in ipairs(w.comp) do
    local typ = user[p.term] or builtin[p.term] or dict[p.term]
    if not typ then return nil end
    parts[#parts + 1] = { s = p.s, e = p.e, type = typ, how = "known" }
  end
  return parts
end

-- Names in a list ("Dolna, Brezik and Stari Most") share a type: a
-- mention without evidence takes its neighbour's.
local function coordinate(text, ms)
  local function joined(x, y)
    local gap = sub(text, x.e + 1, y.s - 1)
    return gap:find("^%s*,%s*$") or gap:find("^,?%s+and%s+$") or gap:find("^,?%s+or%s+$")
  end
  for _ = 1, 2 do
    for i, m in ipairs(ms) do
      if not m.type or m.how == "weak" then
        local l, r = ms[i - 1], ms[i + 1]
        if l and l.type and l.how ~= "weak" and joined(l, m) then
          m.type, m.how = l.type, "list"
        elseif r and r.type and r.how ~= "weak" and joined(m, r) then
          m.type, m.how = r.type, "list"
        end
      end
    end
  end
end

-- What a mention without any evidence is: a run of words most often a
-- person, a single word most often a place.
local function default_type(m) return m.words > 1 and "person" or "place" end

-- entity.find(text [, opts]): the mentions in a text, in order:
-- {name, type, start, stop, sentence (its number, from 1)}.  opts.known: a dictionary key -> type of
-- names learnt elsewhere (db:entities passes the corpus'); opts.votes:
-- what entity.learn(text) gave for this text, when already known.
function M.find(text, opts)
  local prep = prepare(text)
  local votes = opts and opts.votes or learn_prepared(prep, {})
  local dict = M.dictionary(votes, opts and opts.known)
  local W, runs, cuts = prep.W, prep.runs, cut_all(prep, dict)
  local ms = {}
  for r, run in ipairs(runs) do
    for _, m in ipairs(cuts[r]) do
      local s, e = W[run[m.a]].s, W[run[m.b]].e
      local key = mention_key(W, run, m)
      local last = W[run[m.b]]
      if last.poss and not keep_poss[key] then
        e = e - (sub(text, e - 3, e) == "’s" and 4 or 2)
      end
      local typ, how = m.type, m.how
      if not typ or how == "weak" then
        local d = dict[key]
        if d then typ, how = d, "known" end
      end
      local parts = m.a == m.b and how ~= "gazetteer" and how ~= "user"
        and split_compound(W[run[m.a]], dict)
      if parts then
        for _, x in ipairs(parts) do x.sent = W[run[m.a]].sent; ms[#ms + 1] = x end
      else
        ms[#ms + 1] = { s = s, e = e, type = typ, how = how, words = m.b - m.a + 1,
                        sent = W[run[m.a]].sent }
      end
    end
  end
  coordinate(text, ms)
  local out = {}
  for i, m in ipairs(ms) do
    local name = sub(text, m.s, m.e):gsub("[%s\194\160]+", " ")
    out[i] = { name = name, type = m.type or default_type(m), start = m.s, stop = m.e,
               sentence = m.sent }
  end
  return out
end

---------------------------------------------------------------------------
-- The LPeg pattern, for db:extract and lpeg.match

-- At a position where a mention starts, the pattern matches the mention
-- and captures a table {name, type} (db:extract makes them columns).  The
-- text is analysed once per subject and cached, since the evidence for a
-- name comes from the whole document.
local cache_subject, cache_at
local function at(subject, pos)
  if subject ~= cache_subject then
    cache_at = {}
    for _, m in ipairs(M.find(subject)) do cache_at[m.start] = m end
    cache_subject = subject
  end
  local m = cache_at[pos]
  if not m then return false end
  return m.stop + 1, { name = m.name, type = m.type }
end

M.pattern = lpeg.Cmt(#lpeg.R("AZ", "az", "\192\255"), at)
M.columns = { "name", "type", "canonical" }
M.name = "entities"

-- db:extract calls post with each document's rows: the canonical spelling
-- of each name (db:alias), when the context carries the corpus.
function M.post(rows, ctx)
  local db = ctx and ctx.db
  for _, r in ipairs(rows) do r.canonical = db and db:canonical(r.name) or r.name end
  return rows
end

return M
