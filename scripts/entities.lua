-- entities.lua: who and what the corpus names, and who appears with whom.
--
--   lede news.db scripts/entities.lua [--top N] [--type T[,T]] [--where Q]
--       [--format dot|graphml|json] [--out FILE] [--nodes N] [--min W]
--       [--no-dictionary]
--
-- Prints the people, organisations and places (db:entities, canonical
-- spellings from db:alias) by mentions, with the documents and outlets
-- that name them; then the co-occurrence network: two entities are linked
-- when they are named in one sentence, the link's weight is the number of
-- such sentences.  --format writes the network as Graphviz DOT, GraphML
-- (Gephi, yEd, Cytoscape) or JSON ({nodes, edges}) to --out or standard
-- output.  Exit status: 0, 1 when the query is bad or the file cannot be
-- written, 2 for a usage error.
local top, types, where, format, out, max_nodes, min_weight, dictionary = 20, nil, nil, nil, nil, 50, 1, true
local args = { ... }

local function usage_error(msg)
  io.stderr:write("entities: ", msg, "\n(try --help)\n")
  os.exit(2)
end

local function number_arg(i, name)
  local n = tonumber(args[i + 1])
  if not n or n < 1 or n ~= math.floor(n) then usage_error(name .. " needs a whole number >= 1") end
  return n
end

local i = 1
while i <= #args do
  local a = args[i]
  if a == "--help" or a == "-h" then
    print("usage: lede DB scripts/entities.lua [--top N] [--type T[,T]] [--where Q]")
    print("                 [--format dot|graphml|json] [--out FILE] [--nodes N] [--min W] [--no-dictionary]")
    print("People, organisations and places by mentions, and the network of entities")
    print("named in the same sentence.")
    print("  --top N          rows of the table (default 20)")
    print("  --type T[,T]     only person, org, place or other")
    print("  --where Q        only documents the query Q matches")
    print("  --format F       write the network as dot, graphml or json")
    print("  --out FILE       where to write it (default: standard output, and no table)")
    print("  --nodes N        the N most mentioned entities make the network (default 50)")
    print("  --min W          links named together in at least W sentences (default 1)")
    print("  --no-dictionary  judge each document on its own evidence")
    print("Exit status: 0; 1 for a bad query or an unwritable file; 2 for a usage error.")
    os.exit(0)
  elseif a == "--top" then top = number_arg(i, "--top"); i = i + 1
  elseif a == "--nodes" then max_nodes = number_arg(i, "--nodes"); i = i + 1
  elseif a == "--min" then min_weight = number_arg(i, "--min"); i = i + 1
  elseif a == "--type" then
    if not args[i + 1] then usage_error("--type needs person, org, place or other") end
    types = {}
    for t in args[i + 1]:gmatch("[^,]+") do
      if not ({ person = 1, org = 1, place = 1, other = 1 })[t] then
        usage_error("unknown type '" .. t .. "' (person, org, place, other)")
      end
      types[#types + 1] = t
    end
    i = i + 1
  elseif a == "--where" then
    where = args[i + 1] or usage_error("--where needs a query"); i = i + 1
  elseif a == "--format" then
    format = args[i + 1]
    if format ~= "dot" and format ~= "graphml" and format ~= "json" then
      usage_error("--format needs dot, graphml or json")
    end
    i = i + 1
  elseif a == "--out" then
    out = args[i + 1] or usage_error("--out needs a file name"); i = i + 1
  elseif a == "--no-dictionary" then dictionary = false
  else
    usage_error("unknown argument '" .. a .. "'")
  end
  i = i + 1
end
if out and not format then
  format = out:match("%.(%w+)$")
  if format == "gv" then format = "dot" end
  if format ~= "dot" and format ~= "graphml" and format ~= "json" then
    usage_error("--out " .. out .. ": give --format dot, graphml or json")
  end
end

local ok, rows = pcall(db.entities, db, { where = where, type = types, fields = { "source" },
                                          dictionary = dictionary })
if not ok then
  io.stderr:write(tostring(rows):gsub("^[^:]*:%d+: ", ""), "\n")
  os.exit(1)
end

-- Entities: one per canonical name; its type is the one most mentions give.
local ents, list = {}, {}
for _, r in ipairs(rows) do
  local e = ents[r.canonical]
  if not e then
    e = { name = r.canonical, mentions = 0, docs = {}, ndocs = 0, outlets = {}, noutlets = 0, types = {} }
    ents[r.canonical] = e
    list[#list + 1] = e
  end
  e.mentions = e.mentions + 1
  e.types[r.type] = (e.types[r.type] or 0) + 1
  if not e.docs[r.doc] then e.docs[r.doc] = true; e.ndocs = e.ndocs + 1 end
  local s = r.source or ""
  if not e.outlets[s] then e.outlets[s] = true; e.noutlets = e.noutlets + 1 end
end
for _, e in ipairs(list) do
  local bt, bn = nil, 0
  for t, n in pairs(e.types) do if n > bn or (n == bn and t < bt) then bt, bn = t, n end end
  e.type = bt
end
table.sort(list, function(a, b)
  if a.mentions ~= b.mentions then return a.mentions > b.mentions end
  return a.name < b.name
end)

-- The network: entities named in one sentence, among the most mentioned.
local in_net = {}
for k = 1, math.min(max_nodes, #list) do in_net[list[k].name] = list[k] end
local weight, sentences = {}, {}
for _, r in ipairs(rows) do
  if in_net[r.canonical] then
    local key = r.doc .. ":" .. (r.sentence or 0)
    local s = sentences[key]
    if not s then s = {}; sentences[key] = s end
    s[r.canonical] = true
  end
end
for _, s in pairs(sentences) do
  local names = {}
  for n in pairs(s) do names[#names + 1] = n end
  table.sort(names)
  for x = 1, #names do
    for y = x + 1, #names do
      local k = names[x] .. "\0" .. names[y]
      weight[k] = (weight[k] or 0) + 1
    end
  end
end
local edges = {}
for k, w in pairs(weight) do
  if w >= min_weight then
    local a, b = k:match("^(.-)%z(.*)$")
    edges[#edges + 1] = { source = a, target = b, weight = w }
  end
end
table.sort(edges, function(a, b)
  if a.weight ~= b.weight then return a.weight > b.weight end
  if a.source ~= b.source then return a.source < b.source end
  return a.target < b.target
end)
local nodes = {}
for k = 1, math.min(max_nodes, #list) do nodes[k] = list[k] end

local function write_network(fh)
  if format == "json" then
    local J = { nodes = {}, edges = {} }
    for k, e in ipairs(nodes) do
      J.nodes[k] = { id = e.name, type = e.type, mentions = e.mentions, docs = e.ndocs, outlets = e.noutlets }
    end
    for k, e in ipairs(edges) do J.edges[k] = { source = e.source, target = e.target, weight = e.weight } end
    setmetatable(J.edges, lede.json.array_mt)
    setmetatable(J.nodes, lede.json.array_mt)
    fh:write(lede.json.encode(J), "\n")
  elseif format == "dot" then
    local function q(s) return '"' .. s:gsub('[\\"]', "\\%0"):gsub("\n", " ") .. '"' end
    local shape = { person = "ellipse", org = "box", place = "diamond", other = "hexagon" }
    fh:write("graph entities {\n  node [fontname=\"Helvetica\"];\n")
    for _, e in ipairs(nodes) do
      fh:write(string.format("  %s [type=%s, mentions=%d, shape=%s];\n", q(e.name), q(e.type),
        e.mentions, shape[e.type] or "ellipse"))
    end
    for _, e in ipairs(edges) do
      fh:write(string.format("  %s -- %s [weight=%d, penwidth=%.1f];\n", q(e.source), q(e.target),
        e.weight, math.min(8, 1 + math.log(e.weight, 2))))
    end
    fh:write("}\n")
  else
    local function x(s) return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;")) end
    fh:write('<?xml version="1.0" encoding="UTF-8"?>\n',
      '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n',
      '  <key id="type" for="node" attr.name="type" attr.type="string"/>\n',
      '  <key id="mentions" for="node" attr.name="mentions" attr.type="int"/>\n',
      '  <key id="docs" for="node" attr.name="docs" attr.type="int"/>\n',
      '  <key id="weight" for="edge" attr.name="weight" attr.type="int"/>\n',
      '  <graph id="entities" edgedefault="undirected">\n')
    for _, e in ipairs(nodes) do
      fh:write(string.format('    <node id="%s"><data key="type">%s</data><data key="mentions">%d</data>'
        .. '<data key="docs">%d</data></node>\n', x(e.name), x(e.type), e.mentions, e.ndocs))
    end
    for _, e in ipairs(edges) do
      fh:write(string.format('    <edge source="%s" target="%s"><data key="weight">%d</data></edge>\n',
        x(e.source), x(e.target), e.weight))
    end
    fh:write("  </graph>\n</graphml>\n")
  end
end

if format and not out then
  write_network(io.stdout)
  os.exit(0)
end

local shown = {}
for k = 1, math.min(top, #list) do
  local e = list[k]
  shown[k] = { entity = e.name, type = e.type, mentions = e.mentions, docs = e.ndocs, outlets = e.noutlets }
end
print(string.format("%d mentions of %d entities in %d documents", #rows, #list, db:count(where)))
require("lede.result").new(shown, { "entity", "type", "mentions", "docs", "outlets" }, { db = db }):print(#shown)
print(string.format("\nNamed together in a sentence (%d links among the %d most mentioned; strongest first)",
  #edges, #nodes))
local pairs_shown = {}
for k = 1, math.min(top, #edges) do pairs_shown[k] = edges[k] end
require("lede.result").new(pairs_shown, { "source", "target", "weight" }, { db = db }):print(#pairs_shown)

if format then
  local fh, err = io.open(out, "w")
  if not fh then io.stderr:write("entities: ", err, "\n"); os.exit(1) end
  write_network(fh)
  fh:close()
  print(string.format("\nnetwork written to %s (%s)", out, format))
end
