-- boilerplate.lua: the lines of a scraped page that are not the article.
--
-- Scrapers keep what a page shows around the story: icon font names, share
-- prompts, "Follow:" links, podcast players with their timers, tracker
-- hosts, image credits, "Source link".  Each kind is a rule: an LPeg
-- pattern matched against a whole line (trimmed), or against its start
-- for prefix rules, which cut what they match from one of the first
-- twelve lines and keep the rest.  A rule
-- may read metadata from what it matched: "Published 13:56 IST, November
-- 19th 2021" gives a date, "Reported by: Bhavya Sukheja" an author.
--
-- All rules are tried at once, as one ordered choice, so a line costs one
-- match.  Lines longer than a rule's `max` bytes (200 unless it says) skip
-- that rule: boilerplate lines are short, article paragraphs long, and the
-- one long kind (an icon list) says so.
--
-- Users extend it:
--   local bp = lede.boilerplate
--   bp.add("promo", bp.I"promo code" * bp.rest)          -- an LPeg pattern
--   bp.add("weather", "'Weather:' .*")                    -- re syntax
--   bp.add{name = "editor", pattern = bp.I"Edited by " * bp.C(bp.rest),
--          meta = function(who) return {editor = who} end}
--   bp.remove("credit")
local lpeg = require "lpeg"
local re = require "re"
local json = require "lede.json"
local parse_date = require("lede.core").parse_date
local P, S, R, C, Cc, Cmt = lpeg.P, lpeg.S, lpeg.R, lpeg.C, lpeg.Cc, lpeg.Cmt
local type, ipairs, pairs, error, tostring, concat, insert, remove =
  type, ipairs, pairs, error, tostring, table.concat, table.insert, table.remove

local M = {}

-- Pattern helpers for rules.
local function I(s)   -- ASCII case-insensitive literal
  local p = P(true)
  for ch in s:gmatch(".") do
    local lo, up = ch:lower(), ch:upper()
    p = p * (lo == up and P(ch) or S(lo .. up))
  end
  return p
end
local sp = S" \t" + P"\194\160"       -- space, tab, NBSP
local rest = P(1)^0
local digit = R"09"
local letter = R("az", "AZ") + R"\128\255"
local word = letter^1 * (S"'-." * letter^1)^0
local Name = R"AZ" * letter^0 * (S"'-" * letter^1)^0        -- a capitalised word
local name = Name * (sp^1 * (Name + R"AZ" * P".")) ^ -3      -- up to four of them
local names = name * ((sp^0 * P"," * sp^0 + sp^1 * (I"and" + P"&") * sp^1) * name)^0
M.I, M.P, M.S, M.R, M.C, M.rest, M.sp, M.name = I, P, S, R, C, rest, sp, names
M.lpeg = lpeg

-- Any of these words, case-insensitive; longest first, since an ordered
-- choice commits to the first alternative that matches.
local function words(list)
  local ws = {}
  for w in list:gmatch("[^|]+") do ws[#ws + 1] = w end
  table.sort(ws, function(a, b) return #a > #b end)
  local p = P(false)
  for _, w in ipairs(ws) do p = p + I(w) end
  return p
end
M.words = words
local month = words"january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
local menu_item = (1 - sp - S"|>")^1 * (sp^1 * (1 - sp - S"|>")^1)^-3
local networks = "facebook|twitter|x|whatsapp|telegram|linkedin|reddit|email|e-mail|print|copy link|vk|pinterest|messenger|viber|flipboard|odnoklassniki|ok|mail|google news|youtube|instagram|tiktok"
local trackers = "scorecardresearch|googletagmanager|google-analytics|doubleclick|chartbeat|quantserve|hotjar|taboola|outbrain|comscore|gtag(|pixel.facebook|mc.yandex|top-fwz1|yandex.metrika"

-- The default rules, in the order they are tried.
local defaults = {
  -- "icon bookmark-bicon bookmarkicon camera..." from icon fonts
  -- (or "ico arrow-lefticon bellico ..."): starts with one, has five or more
  { name = "icons", max = 100000,
    pattern = P"ico" * ((1 - P"ico")^0 * P"ico")^4 * rest },
  { name = "source link",
    pattern = words"source link|source|read more|read the full story|continue reading|read full article|view comments|click here to read more|see all|show more" * sp^0 * P":"^-1 * -1 },
  { name = "follow", prose = true,
    pattern = I"follow" * (sp^0 * P":" + sp^1 * (I"us" + P"@")) * rest
            + words"subscribe to our|subscribe on|sign up for|join our|get the latest|download the app|download our app" * rest },
  { name = "share",
    pattern = (P"\226\128\162" + P"|")^-1 * sp^0 *
      (I"share" * (sp^1 * words("this|on|via|the|article|story|post|page|with|your|friends|link|it|now|to|" .. networks))^0 * sp^0 * P":"^-1
      + words(networks) * ((sp^0 * (S",|/" + P"\226\128\162")^-1 * sp^0) * words(networks))^1)
      * sp^0 * -1 },
  -- podcast players: "Podcasts", then "0:00", "23:13", "0:00 23:13"
  { name = "player",
    pattern = (words"podcasts|podcast|listen|listen to this article|play|pause|mute|unmute|watch|video|audio|live" * sp^0 * -1)
            + (digit^1 * P":" * digit^1 * (P":" * digit^1)^-1 * (sp^1 * (P"/" * sp^1)^-1 * digit^1 * P":" * digit^1 * (P":" * digit^1)^-1)^0 * sp^0 * -1) },
  -- tracker hosts and analytics snippets that scrapers keep as text
  { name = "tracker",
    -- one "word" holding a tracker's name: "sb.scorecardresearch", or
    -- shaped like a host name: "px.tallybeacon-analytics"
    pattern = (1 - sp - words(trackers))^0 * words(trackers) * (1 - sp)^0 * -1
            + #((R("az", "09") + P"-")^1 * P".") * R("az", "09")^1 * (S".-" * R("az", "09")^1)^1 * -1 },
  -- "IMAGE: AP | Image: self", "Photo: Reuters", "(Photo credit: ...)"
  { name = "credit", max = 120, prose = true,
    pattern = P"("^-1 * (words"image|images|photo|photos|photograph|picture|pic|file photo|credit|photo credit|image credit|image source|video|graphic|illustration|фото|фото:|источник фото"
              * (sp^0 * S":|" + sp^1 * (P"\226\128\148" + P"-")) * rest
              + words"getty images|reuters|ap photo|afp|file photo" * sp^0 * P")"^-1 * sp^0 * -1)
            + words"with inputs from|with reports from|additional reporting by|(with inputs from|(with reports from|(additional reporting by|inputs from" * rest },
  -- "Published 13:56 IST, November 19th 2021": a date
  { name = "published", max = 120, meta = "date",
    pattern = (words"published on|published|first published on|first published|posted on|posted|date|опубликовано|опубліковано")
              * sp^0 * P":"^-1 * sp^0 * C(#(digit + month) * (1 - P"|")^1) * rest },
  { name = "updated", max = 120,
    pattern = words"updated on|updated|last updated on|last updated|last modified|обновлено|оновлено" * sp^0 * P":"^-1 * sp^0 * (digit + month) * rest },
  -- "Reported by: Bhavya Sukheja", "Written by Ann Lee"
  { name = "byline", max = 120, meta = "author",
    pattern = words"reported by|written by|edited by|by|author|authors|автор|текст" * sp^0 * P":"^-1 * sp^0 * C(names) * sp^0 * -1 },
  { name = "promo",
    pattern = words"read more|advertisement|advertising|sponsored|sponsored content|story continues below advertisement|also read|read also|also watch|recommended|related|related articles|related stories|more from|trending|tags|topics|most read|читайте также|читайте також|реклама|подписывайтесь|поделиться|поділитися|новости партнеров"
              * (sp^0 * S":|" * rest + sp^0 * -1) },
  { name = "cookies", prose = true,
    pattern = words"we use cookies|this site uses cookies|this website uses cookies|by continuing to browse|by continuing to use|by using this site|we and our partners|cookie settings|cookie policy|accept cookies|accept all cookies|manage cookies|manage consent" * rest },
  -- "Home | World | Europe | Podcasts 0:00 18:42": a menu or breadcrumb
  { name = "menu",
    pattern = menu_item * (sp^0 * S"|>" * sp^0 * menu_item)^2 * sp^0 * -1 },
  -- a line that is only a date ("8 Dec, 2021 11:53"): the page's dateline
  { name = "dateline", max = 40, meta = "date",
    pattern = #(P(1)^-40 * -1) * #(1 - S".,;:!?") * C((1 - S".!?;" * sp)^1 * -1) },
  -- a prefix some scrapers put before the text: " date 2021-12-07 "
  { name = "date prefix", prefix = true, meta = "date",
    pattern = I"date" * sp^1 * C(digit * digit * digit * digit * P"-" * digit * digit * P"-" * digit * digit) * sp^1 },
}

-- A line longer than this can only be one of the long rules (an icon list).
local LONG = 200

M.rules = {}
local compiled   -- {short = pattern, long = pattern}, rebuilt after changes

local function check_rule(r)
  if type(r.name) ~= "string" then error("boilerplate rule needs a name", 3) end
  if type(r.pattern) == "string" then r.pattern = re.compile(r.pattern) end
  if lpeg.type(r.pattern) ~= "pattern" then
    error("boilerplate rule '" .. r.name .. "': pattern must be an LPeg pattern or re string", 3)
  end
  local m = r.meta
  if m ~= nil and m ~= "date" and m ~= "author" and type(m) ~= "function" then
    error("boilerplate rule '" .. r.name .. "': meta must be \"date\", \"author\" or a function", 3)
  end
  r.max = r.max or 200
  return r
end

-- add(name, pattern [, opts]) or add{name =, pattern =, meta =, max =,
-- prefix =, prose =, before =}: a new rule (replacing one of the same name); it is
-- tried before the defaults unless opts.before names another rule.
function M.add(name, pattern, opts)
  local r
  if type(name) == "table" then r = name
  else
    r = { name = name, pattern = pattern }
    for k, v in pairs(opts or {}) do r[k] = v end
  end
  check_rule(r)
  M.remove(r.name)
  local at = 1
  if r.before then
    for i, x in ipairs(M.rules) do if x.name == r.before then at = i break end end
  end
  insert(M.rules, at, r)
  compiled = nil
  return r
end

-- remove(name): drop a rule; true when there was one.
function M.remove(name)
  for i, r in ipairs(M.rules) do
    if r.name == name then remove(M.rules, i) compiled = nil return true end
  end
  return false
end

-- reset(): back to the default rules.
function M.reset()
  M.rules = {}
  for _, r in ipairs(defaults) do
    local c = {}
    for k, v in pairs(r) do c[k] = v end
    M.rules[#M.rules + 1] = check_rule(c)
  end
  compiled = nil
end
M.reset()

-- One ordered choice per kind and length class; each alternative tells
-- which rule matched (its index) and passes on its captures.
local function compile()
  local whole_s, whole_l, pre, prose = P(false), P(false), P(false), P(false)
  for i, r in ipairs(M.rules) do
    local alt = lpeg.Cc(i) * r.pattern
    if r.prefix then pre = pre + alt * lpeg.Cp()
    else
      whole_s = whole_s + alt
      if r.max > LONG then whole_l = whole_l + alt end
      if r.prose then prose = prose + alt end
    end
  end
  compiled = { short = whole_s, long = whole_l, prefix = pre, prose = prose }
end

-- Trimming by bytes: Lua's "[ \t]+$" tries every position of a long line.
local byte, sub, find = string.byte, string.sub, string.find
local function trim(s)
  local a, b = 1, #s
  while a <= b do
    local c = byte(s, a)
    if c == 32 or c == 9 or c == 13 then a = a + 1
    elseif c == 194 and byte(s, a + 1) == 160 then a = a + 2
    else break end
  end
  while b >= a do
    local c = byte(s, b)
    if c == 32 or c == 9 or c == 13 then b = b - 1
    elseif c == 160 and byte(s, b - 1) == 194 then b = b - 2
    else break end
  end
  if a == 1 and b == #s then return s end
  return sub(s, a, b)
end
M.trim = trim
-- A sentence of some length (80 bytes or more, ending in . ! or ? and
-- perhaps a closing quote) is article text for every rule but those
-- marked prose = true (a cookie notice is a sentence too): most lines
-- of an article are, and this keeps their cost to a few rules.
local prose_line = (1 - (S".!?" * S"\"')\226\128\157\153\194\187"^0 * -1))^1 * S".!?" * S"\"')\226\128\157\153\194\187"^0 * -1
local long_start = (sp + P"\r")^0 * P"ico"

local function meta_of(r, caps)
  if type(r.meta) == "function" then return r.meta(caps[1], caps[2], caps[3]) or {} end
  if r.meta == "date" and caps[1] then return { date = trim(caps[1]) } end
  if r.meta == "author" and caps[1] then return { author = trim(caps[1]) } end
  return {}
end

-- check(line): the rule a line falls under and what it gives ({date =,
-- author =, ...}), or nil when the line is article text.
function M.check(line)
  if not compiled then compile() end
  local t = trim(line)
  if t == "" then return nil end
  local pat = #t > LONG and compiled.long
           or #t >= 80 and prose_line:match(t) and compiled.prose
           or compiled.short
  local i, c1, c2, c3 = pat:match(t)
  if not i then return nil end
  local r = M.rules[i]
  if #t > r.max then return nil end
  local m = meta_of(r, { c1, c2, c3 })
  -- a rule that reads a date holds only when the date is one, to the day
  if r.meta == "date" and not (m.date and m.date:find("%d") and #(parse_date(m.date) or "") >= 10) then
    return nil
  end
  return r.name, m
end

local function short_plain(t)
  -- a tag or section label: up to three words, no sentence punctuation
  return #t <= 40 and not t:find("[%.!?,:;\"]") and select(2, t:gsub("%S+", "")) <= 3
end

-- clean(text): the text without its boilerplate lines, and what was found:
-- {removed = {{line =, rule =}, ...}, date =, author =, meta = {...}}.
-- Besides the rules: a line repeating the one before it near the top (a
-- headline scraped twice) goes, and so does a short label (a tag such as
-- "Ukraine") standing between two removed lines.
function M.clean(text)
  if not compiled then compile() end
  local out, info = {}, { removed = {}, meta = {} }
  local kept_idx = {}     -- out index -> true when kept line is a candidate label
  local prev_removed, prev_kept = true, nil
  local pending_label   -- {out index, line} of a short line after a removed one
  local n = 0
  local function take(line, rule, m)
    info.removed[#info.removed + 1] = { line = trim(line), rule = rule }
    for k, v in pairs(m or {}) do
      if k == "date" then info.date = info.date or v
      elseif k == "author" then info.author = info.author or v
      else info.meta[k] = info.meta[k] or v end
    end
  end
  local at, len = 1, #text
  while at <= len + 1 do
    -- lines by plain find: a pattern with a capture costs twice as much
    local nl = find(text, "\n", at, true)
    local line = sub(text, at, (nl or len + 1) - 1)
    at = (nl or len + 1) + 1
    n = n + 1
    if #line > LONG and n > 12 and not long_start:match(line) then
      -- the fast way for article paragraphs, which are most of the text
      out[#out + 1] = line
      pending_label, prev_removed, prev_kept = nil, false, line
      goto next
    end
    local t = trim(line)
    if t == "" then
      out[#out + 1] = line
    else
      local rule, m = M.check(t)
      if not rule and n <= 12 and t == prev_kept then rule = "repeat" end
      if not rule and n <= 12 then
        -- prefix rules cut the start of one of the first lines and keep the rest
        local res = compiled.prefix:match(t) and { compiled.prefix:match(t) }   -- a table only on a hit
        if res then
          local r = M.rules[res[1]]
          local stop = res[#res]
          take(t:sub(1, stop - 1), r.name, meta_of(r, { res[2], res[3] }))
          line = t:sub(stop)
          t = trim(line)
        end
      end
      if rule then
        if pending_label then
          -- the short line before this one sat between two removed lines
          local o = pending_label
          out[o[1]] = false
          take(o[2], "label")
          pending_label = nil
        end
        take(t, rule, m)
        prev_removed = true
      else
        out[#out + 1] = line
        pending_label = prev_removed and short_plain(t) and { #out, t } or nil
        prev_removed = false
        prev_kept = t
      end
    end
    ::next::
  end
  if #info.removed == 0 then return text, info end
  local keep = {}
  for _, l in ipairs(out) do if l ~= false then keep[#keep + 1] = l end end
  local s = concat(keep, "\n")
  s = s:gsub("^\n+", ""):gsub("\n\n\n+", "\n\n"):gsub("\n+$", "")
  return s, info
end

-- What the loader calls for each document (lua/lbind.c): the new text,
-- the date and author found, the meta members (JSON) and the count.
function M.filter(text)
  local s, info = M.clean(text)
  local nrem = #info.removed
  if nrem == 0 then return nil end
  local lines = {}
  for i, r in ipairs(info.removed) do lines[i] = r.line end
  local meta = { boilerplate = lines }
  for k, v in pairs(info.meta) do meta[k] = v end
  return s, info.date, info.author, json.encode(meta), nrem
end

return M
