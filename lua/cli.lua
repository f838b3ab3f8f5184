-- cli.lua: the command-line forms, `lede DB COMMAND ARGS...`.
-- Each command is an entry {run, usage}; commands return an exit status:
-- 0 success, 1 the work failed in part, 2 a usage error.
local lede = require "lede"
local format, concat = string.format, table.concat

local cli = {}
local commands = {}

local function err(fmt, ...)
  io.stderr:write("lede: ", format(fmt, ...), "\n")
end

-- Parse --flag VALUE / --flag=VALUE / --switch against a spec
-- {flag = "value"|"switch"}; returns options, positionals or nil, message.
local function parse(args, spec)
  local opts, pos, i = {}, {}, 1
  while i <= #args do
    local a = args[i]
    local name, val = a:match("^%-%-([%w%-]+)=(.*)$")
    name = name or a:match("^%-%-([%w%-]+)$")
    if a == "--" then
      table.move(args, i + 1, #args, #pos + 1, pos)
      break
    elseif name then
      local kind = spec[name]
      if not kind then return nil, "unknown option --" .. name end
      if kind == "switch" then
        opts[name] = true
      else
        if not val then
          i = i + 1
          val = args[i]
          if not val then return nil, "option --" .. name .. " needs a value" end
        end
        opts[name] = val
      end
    else
      pos[#pos + 1] = a
    end
    i = i + 1
  end
  return opts, pos
end

commands.add = {
  usage = [[
usage: lede DB add PATH... [options]
Load files, folders (recursively), globs or - (stdin) into the corpus DB.
Formats by extension: .txt .md (text), .jsonl .ndjson, .csv, .tsv, .html
.htm (web pages: the article), .warc (web archives: their HTML responses),
and any of these .gz-compressed.
  --format F          txt, jsonl, csv, tsv, html or warc for every file
  --text F            the field holding the text (JSONL/CSV; default text,
                      body, content or article)
  --title F, --date F, --source F, --id F, --lang F
                      fields holding the title, date, outlet, id, language
  --source-name NAME  every document gets this source
  --source-from-dir   text files: the folder name is the source
  --no-title          text files: do not take the title from the first line
  --no-boilerplate    keep web boilerplate lines (share prompts, icon lists,
                      "Source link", ...) that are taken out by default
  --boilerplate-all   take boilerplate out of JSONL/CSV texts too
  --no-repair         keep mojibake and HTML entities as they are
  --threads N         threads that tokenize and index (default: one per
                      usable core; 0: all on one thread, reading included)
  --memory MB         memory for the index being built before it is
                      written out as a segment (default 256)
Exit status: 0 when everything was loaded, 1 when something was skipped.]],
  spec = { format = "value", text = "value", title = "value", date = "value",
           source = "value", id = "value", lang = "value",
           ["source-name"] = "value", ["source-from-dir"] = "switch",
           ["no-title"] = "switch", ["no-boilerplate"] = "switch",
           ["boilerplate-all"] = "switch", ["no-repair"] = "switch", threads = "value", memory = "value",
           help = "switch" },
  run = function(o, paths)
    if #paths == 0 then return nil, "add: no path given" end
    local function count(name)
      local v = o[name]
      if v == nil then return nil end
      local n = tonumber(v)
      if not n or n ~= math.floor(n) or n < 0 then
        error(("add: --%s wants a whole number, not %q"):format(name, v), 0)
      end
      return math.tointeger(n)
    end
    local s = db:add(paths, {
      format = o.format, text = o.text, title = o.title, date = o.date,
      source = o.source, id = o.id, lang = o.lang,
      source_name = o["source-name"], source_from_dir = o["source-from-dir"],
      title_from_first_line = not o["no-title"],
      boilerplate = (not o["no-boilerplate"]) and (o["boilerplate-all"] and true or nil),
      repair = not o["no-repair"],
      threads = count("threads"), memory = count("memory"),
    })
    return (s.ok and s.skipped == 0) and 0 or 1
  end,
}

-- A line of context around a match, cut at UTF-8 boundaries.
local function snippet(text, m, width, hl)
  local a = math.max(1, m.start - width)
  local b = math.min(#text, m.stop + width)
  while a > 1 and text:byte(a) and text:byte(a) >= 0x80 and text:byte(a) < 0xC0 do a = a - 1 end
  while b < #text and text:byte(b + 1) and text:byte(b + 1) >= 0x80 and text:byte(b + 1) < 0xC0 do b = b + 1 end
  local left, mid, right = text:sub(a, m.start - 1), text:sub(m.start, m.stop), text:sub(m.stop + 1, b)
  local s = (a > 1 and "…" or "") .. left .. hl[1] .. mid .. hl[2] .. right .. (b < #text and "…" or "")
  return (s:gsub("%s+", " "))
end

commands.search = {
  reads_only = true,
  usage = [[
usage: lede DB search QUERY [--limit N] [--order score|date|doc]
Print the documents matching QUERY, best first, each with a snippet around
its first match.  Exit status: 0 when something matched, 1 when nothing
did, 2 for a bad query.]],
  spec = { limit = "value", order = "value", help = "switch" },
  run = function(o, pos)
    if #pos ~= 1 then return nil, "search: give one query (quote it)" end
    local limit = tonumber(o.limit or 10)
    if not limit then return nil, "search: --limit needs a number" end
    local hits, why = db:search(pos[1], { limit = limit, order = o.order })
    if not hits then io.stderr:write(why, "\n") return 2 end
    local tty = lede.core.isatty(1)
    local hl = tty and { "\27[1;31m", "\27[0m" } or { "[", "]" }
    print(string.format("%d document%s", hits:matched(), hits:matched() == 1 and " matches" or "s match"))
    for i, h in ipairs(hits) do
      print(string.format("\n%d. [%d] %s  %s  %s  (score %.2f)", i, h.doc, h.date and h.date:sub(1, 10) or "-",
        h.source or "-", h.title or "", h.score))
      local m = h.matches[1]
      if m then print("   " .. snippet(h.text, m, 70, hl)) end
    end
    return hits:matched() > 0 and 0 or 1
  end,
}

commands.kwic = {
  reads_only = true,
  usage = [[
usage: lede DB kwic QUERY [--width N] [--tokens N] [--sort R1,R2] [--limit N] [--csv]
Print a concordance of every match of QUERY.  --csv writes CSV instead.
--csv writes each line as it is cut, so memory stays flat (with --sort, after
all of them).
Exit status: 0 when something matched, 1 when nothing did, 2 for a bad query
(or a failed write).]],
  spec = { width = "value", tokens = "value", sort = "value", limit = "value", csv = "switch",
           help = "switch" },
  run = function(o, pos)
    if #pos ~= 1 then return nil, "kwic: give one query (quote it)" end
    local sortkeys
    if o.sort then sortkeys = {} for k in o.sort:gmatch("[^,]+") do sortkeys[#sortkeys + 1] = k end end
    local opts = { width = tonumber(o.width), tokens = tonumber(o.tokens), sort = sortkeys,
                   limit = tonumber(o.limit) }
    if o.csv then      -- written as it is cut: memory stays flat
      local n, why = db:kwic_csv(pos[1], io.stdout, opts)
      if not n then io.stderr:write(why, "\n") return 2 end
      return n > 0 and 0 or 1
    end
    local k, why = db:kwic(pos[1], opts)
    if not k then io.stderr:write(why, "\n") return 2 end
    k:print(math.huge)
    return #k > 0 and 0 or 1
  end,
}

commands.info = {
  reads_only = true,
  usage = "usage: lede DB info\nDocuments, outlets and dates in the corpus.",
  spec = { help = "switch" },
  run = function()
    local n = db:count()
    print(format("%s: %d documents", db:path(), n))
    local r = db:sql([[select coalesce(source, '(none)') as source, count(*) as docs,
      min(date) as first, max(date) as last, sum(bytes) as bytes
      from docs group by 1 order by docs desc, source]])
    print(r)
    return 0
  end,
}

commands.reindex = {
  usage = "usage: lede DB reindex\nRebuild the index from the stored texts (a corpus whose index an older\nlede wrote must be reindexed before it can be searched or added to).",
  spec = { help = "switch" },
  run = function()
    local t = lede.clock()
    db:reindex()
    print(format("%s: %d documents indexed in %.1f s", db:path(), db:count(), lede.clock() - t))
    return 0
  end,
}

function cli.is_command(name)
  return commands[name] ~= nil
end

-- Whether the command only reads: the corpus is then opened read-only,
-- which starts no indexing threads and reads through a memory map.
function cli.reads_only(name)
  return commands[name] ~= nil and commands[name].reads_only == true
end

function cli.run(name, ...)
  local c = commands[name]
  local o, pos = parse({...}, c.spec)
  if not o then
    err("%s\n%s", pos, c.usage)
    return 2
  end
  if o.help then print(c.usage) return 0 end
  -- A failing store (a locked file, an index to rebuild) is a message, not
  -- a traceback; LEDE_DEBUG=1 keeps the traceback.
  local ok, status, msg = true, nil, nil
  if os.getenv("LEDE_DEBUG") then status, msg = c.run(o, pos)
  else ok, status, msg = pcall(c.run, o, pos) end
  if not ok then err("%s", (tostring(status):gsub("^lede: ", ""))) return 1 end
  if not status then
    err("%s\n%s", msg, c.usage)
    return 2
  end
  return status
end

-- Lets later features register their command-line forms in one place.
function cli.register(name, entry) commands[name] = entry end

return cli
