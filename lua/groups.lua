-- groups.lua -- module "lede.groups": documents sorted into groups for
-- per-group statistics (db:freq{by=}, db:timeline{group=}).
--
-- A grouping is a map doc id -> group number (1..n) with the group labels
-- in order; the C tallies take the map and count each group apart.
-- `by` is a column of docs (source, lang, uri, title), a date period
-- (day, week, month, year) or any other name, read from the document's
-- JSON metadata (by = "author" reads meta.author).  `where` is a query:
-- only the documents it matches are counted.
local period = require "lede.period"

local M = {}

local columns = { source = true, lang = true, uri = true, title = true }

-- The documents a query matches, as a set; nil, message for a bad query.
function M.where(db, q)
  if q == nil then return nil end
  if type(q) ~= "string" then error("bad option 'where' (query string expected)", 3) end
  local hits, err = db:_search(q, { order = "doc" })
  if not hits then return nil, err end
  local set = {}
  for _, h in ipairs(hits) do set[h.doc] = 1 end
  return set
end

local NONE = "(none)"

-- The label of each document for `by`, as a list of {id, label}.
local function labels(db, by)
  if period.kinds[by] then
    local rows = db:_sql("select id, date from docs order by id")
    for _, r in ipairs(rows) do
      local z = period.parse(r.date)
      r.label = z and period.label(z, by) or "(undated)"
    end
    return rows
  end
  local expr = columns[by] and by or "json_extract(meta, ?)"
  local rows = columns[by] and db:_sql("select id, " .. expr .. " as label from docs order by id")
            or db:_sql("select id, " .. expr .. " as label from docs order by id", "$." .. by)
  for _, r in ipairs(rows) do
    if r.label == nil or r.label == "" then r.label = NONE else r.label = tostring(r.label) end
  end
  return rows
end

-- map (doc -> group number), names (group number -> label, sorted).
-- set, when given, keeps only its documents.
function M.by(db, by, set)
  if type(by) ~= "string" or not by:match("^[%w_.]+$") then
    error("bad option 'by' (a field such as \"source\" or a period: day, week, month, year)", 3)
  end
  local rows = labels(db, by)
  local seen, names = {}, {}
  for _, r in ipairs(rows) do
    if (not set or set[r.id]) and not seen[r.label] then
      seen[r.label] = true
      names[#names + 1] = r.label
    end
  end
  table.sort(names, function(a, b)   -- "(none)" and "(undated)" last
    local x, y = a:sub(1, 1) == "(", b:sub(1, 1) == "("
    if x ~= y then return y end
    return a < b
  end)
  local index = {}
  for i, n in ipairs(names) do index[n] = i end
  local map = {}
  for _, r in ipairs(rows) do
    if not set or set[r.id] then map[r.id] = index[r.label] end
  end
  return map, names
end

return M
