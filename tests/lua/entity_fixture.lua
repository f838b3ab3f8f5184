-- entity_fixture.lua: the hand-labelled entity fixture as documents with
-- gold spans, for test_entity.lua and scripts that score the grammar.
--   local F = dofile("tests/lua/entity_fixture.lua")
--   local docs = F.load(db)   --> {{doc=, text=, gold={{start,stop,type,name}}}}
local F = {}
local DIR = "tests/fixtures/entity/"
local SAMPLE = "tests/corpus/sample/"

-- Whether the character ending (dir -1) or starting (dir 1) at byte i
-- is a letter or digit; typographic punctuation (U+2000..U+206F) and NBSP
-- are not.
local function wordchar(text, i, dir)
  local b = text:byte(i)
  if not b then return false end
  if b < 128 then return text:sub(i, i):find("%w") ~= nil end
  if dir < 0 then while i > 1 and text:byte(i) >= 0x80 and text:byte(i) < 0xC0 do i = i - 1 end end
  local cp = utf8.codepoint(text, i)
  return cp ~= 0xA0 and not (cp >= 0x2000 and cp <= 0x206F) and cp ~= 0xAB and cp ~= 0xBB
end

-- Spans of "surface|type" labels found in reading order.
local function spans(text, labels, file)
  local gold, at = {}, 1
  for _, l in ipairs(labels) do
    local surface, typ = l:match("^(.-)|(%a+)$")
    local s, e
    local from = at
    repeat
      s, e = text:find(surface, from, true)
      if not s then error(file .. ": label '" .. l .. "' not found after byte " .. at) end
      from = s + 1
    until not wordchar(text, s - 1, -1) and not wordchar(text, e + 1, 1)
    gold[#gold + 1] = { start = s, stop = e, type = typ, name = surface }
    at = e + 1
  end
  return gold
end

-- An inline-marked article: [[surface|type]], type "-" for no entity.
local function unmark(marked)
  local plain, gold, pos = {}, {}, 1
  local len = 0
  while true do
    local s, e, surface, typ = marked:find("%[%[(.-)|([%a%-]+)%]%]", pos)
    local chunk = marked:sub(pos, (s or 0) - 1)
    if not s then chunk = marked:sub(pos) end
    plain[#plain + 1] = chunk
    len = len + #chunk
    if not s then break end
    plain[#plain + 1] = surface
    if typ ~= "-" then gold[#gold + 1] = { start = len + 1, stop = len + #surface, type = typ, name = surface } end
    len = len + #surface
    pos = e + 1
  end
  return table.concat(plain), gold
end

local function read_marked(dir, into, tmpdir, heldout)
  for name in io.popen("ls " .. dir):lines() do
    if name:match("%.txt$") then
      local fh = assert(io.open(dir .. name))
      local text, gold = unmark(fh:read("a"))
      fh:close()
      local o = assert(io.open(tmpdir .. "/" .. name, "w"))
      o:write(text)
      o:close()
      into[name] = { gold = gold, heldout = heldout }
    end
  end
end

-- Load the sample corpus (its outlet folders and feeds) and the marked
-- articles into db; return the labelled documents, each with gold spans
-- and heldout = true for the labels made after the grammar.
function F.load(db)
  for _, d in ipairs{ "northgate-wire", "vta", "ilvra-courier", "daily-clarion", "newspulse24", "feeds" } do
    db:add(SAMPLE .. d, { quiet = true, source_from_dir = true, boilerplate = false })  -- labels are spans of the files as written
  end
  local labels = {}
  for _, f in ipairs(dofile(DIR .. "sample_labels.lua")) do labels[f.file] = { f = f, heldout = false } end
  for _, f in ipairs(dofile(DIR .. "heldout_labels.lua")) do labels[f.file] = { f = f, heldout = true } end
  local tmpdir = os.tmpname()
  os.remove(tmpdir)
  assert(os.execute("mkdir -p " .. tmpdir))
  local extra = {}
  read_marked(DIR, extra, tmpdir, false)
  read_marked(DIR .. "heldout/", extra, tmpdir, true)
  db:add(tmpdir, { quiet = true, boilerplate = false })
  os.execute("rm -rf " .. tmpdir)
  local out = {}
  for d in db:docs() do
    local rel = d.uri:match("tests/corpus/sample/(.*)$")
    local l = rel and labels[rel]
    local gold, heldout
    if l then
      gold, heldout = spans(d.text, l.f.entities, l.f.file), l.heldout
    elseif not rel then
      local x = extra[d.uri:match("([^/]+)$")]
      if x then gold, heldout = x.gold, x.heldout end
    end
    if gold then
      out[#out + 1] = { doc = d.id, uri = d.uri, text = d.text, gold = gold, heldout = heldout }
    end
  end
  return out
end

-- Precision, recall and F1 of predicted mentions {start, stop, type}
-- against gold: a prediction counts when span and type both match.
function F.score(docs, predict)
  local tp, np, ng = 0, 0, 0
  local errors = {}
  for _, d in ipairs(docs) do
    local pred = predict(d)
    local g = {}
    for _, x in ipairs(d.gold) do g[x.start .. ":" .. x.stop] = x end
    local seen = {}
    for _, x in ipairs(pred) do
      np = np + 1
      local k = x.start .. ":" .. x.stop
      local gx = g[k]
      if gx and gx.type == x.type then
        tp = tp + 1
        seen[k] = true
      else
        errors[#errors + 1] = string.format("%s: + %s|%s%s", d.uri:match("[^/]+$"), x.name or d.text:sub(x.start, x.stop),
          x.type, gx and (" (gold " .. gx.type .. ")") or "")
      end
    end
    for _, x in ipairs(d.gold) do
      ng = ng + 1
      local k = x.start .. ":" .. x.stop
      if not seen[k] then
        errors[#errors + 1] = string.format("%s: - %s|%s", d.uri:match("[^/]+$"), x.name, x.type)
      end
    end
  end
  local p = np > 0 and tp / np or 0
  local r = ng > 0 and tp / ng or 0
  local f = p + r > 0 and 2 * p * r / (p + r) or 0
  return { precision = p, recall = r, f1 = f, tp = tp, predicted = np, gold = ng, errors = errors }
end

return F
