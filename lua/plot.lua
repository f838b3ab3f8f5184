-- plot.lua -- module "lede.plot": results drawn in the terminal with
-- Unicode block characters, fitted to its width.
--
--   bars       one row per result row: label, a bar in eighths of a cell
--              (▏▎▍▌▋▊▉█), the value; for frequency-like results
--   sparkline  one line per series (▁▂▃▄▅▆▇█), periods in order; for
--              timelines; periods beyond the width are summed in buckets
--   strip      a dispersion plot: the corpus laid end to end across the
--              width, each cell as dark as the matches falling in it
--
-- A result may carry a hint in its metatable (plot = {kind, label, value,
-- group}); otherwise the first text column is the label and the first
-- numeric column the value.
local result = require "lede.result"
local floor, max, min, huge = math.floor, math.max, math.min, math.huge
local concat, format, rep = table.concat, string.format, string.rep

local M = {}

local EIGHTHS = { "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█" }
local SPARK = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" }

-- A bar of x cells (fractions in eighths).
local function bar(x)
  local whole = floor(x)
  local frac = floor((x - whole) * 8 + 0.5)
  if frac == 8 then whole, frac = whole + 1, 0 end
  local s = rep("█", whole)
  if frac > 0 then s = s .. EIGHTHS[frac] end
  if s == "" and x > 0 then s = "▏" end
  return s
end
M.bar = bar

local function pad(s, w)
  s = result.truncate(s, w)
  return s .. rep(" ", w - result.width(s))
end

-- Which columns to draw: the hint, the options, or a guess.
local function choose(r, opts)
  local mt = getmetatable(r)
  local hint = mt.plot or {}
  local cols = r:columns()
  local label, value = opts.label or hint.label, opts.value or hint.value
  local first = r[1] or {}
  if not value then
    for _, c in ipairs({ "count", "score", "per_million" }) do
      for _, k in ipairs(cols) do if k == c and type(first[c]) == "number" then value = c end end
      if value then break end
    end
    for _, c in ipairs(cols) do
      if not value and type(first[c]) == "number" and c ~= "doc" then value = c end
    end
  end
  if not label then
    for _, c in ipairs(cols) do
      if not label and type(first[c]) == "string" then label = c end
    end
  end
  return label, value, opts.group or hint.group, opts.kind or hint.kind
end

-- Bars: one per row (at most n), the value right of the bar; with a
-- group column, the group in a column of its own, named once per run.
function M.bars(r, opts)
  opts = opts or {}
  local width = opts.width or result.termwidth()
  local label, value, group = choose(r, opts)
  if not value then return "(nothing to plot: no numeric column)" end
  local n = min(#r, opts.n or 30)
  local vmax, lw, gw, vw = 0, result.width(label or ""), group and result.width(group) or 0, #value
  local labels, groups, texts = {}, {}, {}
  for i = 1, n do
    local row = r[i]
    labels[i] = label and tostring(row[label] or "") or tostring(i)
    groups[i] = group and tostring(row[group] or "") or nil
    texts[i] = result.number_text(row[value] or 0)
    vmax = max(vmax, row[value] or 0)
    lw = max(lw, result.width(labels[i]))
    if group then gw = max(gw, result.width(groups[i])) end
    vw = max(vw, #texts[i])
  end
  lw = min(lw, max(8, width // 3))
  gw = min(gw, max(8, width // 4))
  local lead = group and gw + 2 or 0
  local room = max(1, width - lead - lw - vw - 4)
  local head = (group and pad(group, gw) .. "  " or "") .. pad(label or "", lw) .. "  " ..
    rep(" ", room) .. "  " .. rep(" ", vw - #value) .. value
  local lines = { (head:gsub("%s+$", "")) }
  for i = 1, n do
    local x = vmax > 0 and (r[i][value] or 0) / vmax * room or 0
    local b = bar(x)
    local g = ""
    if group then g = pad(groups[i] == groups[i - 1] and "" or groups[i], gw) .. "  " end
    lines[#lines + 1] = g .. pad(labels[i], lw) .. "  " .. b .. rep(" ", room - result.width(b)) ..
      "  " .. rep(" ", vw - #texts[i]) .. texts[i]
  end
  if #r > n then lines[#lines + 1] = format("… %d more rows", #r - n) end
  return concat(lines, "\n")
end

-- A sparkline of the values, summed into at most w buckets.
function M.sparkline(values, w)
  local n = #values
  local buckets = {}
  if n <= w then
    for i = 1, n do buckets[i] = values[i] end
  else
    for i = 1, n do
      local b = floor((i - 1) * w / n) + 1
      buckets[b] = (buckets[b] or 0) + values[i]
    end
  end
  local top = 0
  for _, v in ipairs(buckets) do top = max(top, v) end
  local out = {}
  for i, v in ipairs(buckets) do
    if v <= 0 or top == 0 then out[i] = v < 0 and "▁" or " "
    else out[i] = SPARK[min(8, max(1, floor(v / top * 7 + 0.5) + 1))] end
  end
  return concat(out), top, n > w and (n + w - 1) // w or 1
end

-- Timeline rows: one sparkline per group, the periods in row order.
function M.timeline(r, opts)
  opts = opts or {}
  local width = opts.width or result.termwidth()
  local label, value, group = choose(r, opts)
  label = label or "period"
  local order, series = {}, {}
  for _, row in ipairs(r) do
    local g = group and tostring(row[group] or "") or (getmetatable(r).title or value)
    if not series[g] then series[g] = { periods = {}, values = {} }; order[#order + 1] = g end
    local s = series[g]
    s.periods[#s.periods + 1] = row[label]
    s.values[#s.values + 1] = row[value] or 0
  end
  if #order == 0 then return "(no rows)" end
  local gw = 0
  for _, g in ipairs(order) do gw = max(gw, result.width(tostring(g))) end
  gw = min(gw, max(8, width // 4))
  local room = max(4, width - gw - 16)
  local lines = {}
  local first = series[order[1]]
  for _, g in ipairs(order) do
    local s = series[g]
    local line, top = M.sparkline(s.values, room)
    local total = 0
    for _, v in ipairs(s.values) do total = total + v end
    lines[#lines + 1] = format("%s  %s  max %s", pad(tostring(g), gw), line, result.number_text(top))
  end
  local _, _, per = M.sparkline(first.values, room)
  lines[#lines + 1] = format("%s  %s … %s (%d periods%s; %s)", rep(" ", gw),
    tostring(first.periods[1]), tostring(first.periods[#first.periods]), #first.periods,
    per > 1 and format(", %d to a cell", per) or "", value)
  return concat(lines, "\n")
end

-- A dispersion plot from rows with a `corpus` column (0..1).
function M.strip(r, opts)
  opts = opts or {}
  local width = opts.width or result.termwidth()
  local room = max(10, width - 2)
  local cells = {}
  for i = 1, room do cells[i] = 0 end
  for _, row in ipairs(r) do
    local c = min(room, floor((row.corpus or 0) * room) + 1)
    cells[c] = cells[c] + 1
  end
  local line = M.sparkline(cells, room)
  local s = r.summary and r:summary()
  local head = s and format("%d matches in %d of %d documents (DP %s)", s.count, s.range, s.parts,
    s.DP and format("%.3f", s.DP) or "n/a") or ""
  return head .. "\n│" .. line:gsub(" ", "·") .. "│\n start of corpus" ..
    rep(" ", max(1, room - 28)) .. "end"
end

-- The drawing a result calls for.
function M.render(r, opts)
  opts = opts or {}
  if #r == 0 then return "(no rows)" end
  local _, _, _, kind = choose(r, opts)
  if kind == "timeline" then return M.timeline(r, opts) end
  if kind == "dispersion" then return M.strip(r, opts) end
  return M.bars(r, opts)
end

return M
