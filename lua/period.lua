-- period.lua -- module "lede.period": calendar periods of ISO dates, for
-- timelines and frequency lists by date.
--
-- Documents carry dates as ISO 8601 text ("2021-12-07" or
-- "2021-12-07T11:53:00"); a period is a label that sorts in time order:
-- "2021" (year), "2021-12" (month), "2021-W49" (ISO 8601 week, which
-- starts on Monday and belongs to the year of its Thursday), "2021-12-07"
-- (day).  Day arithmetic uses days since 1970-01-01 in the proleptic
-- Gregorian calendar (H. Hinnant's days_from_civil), so no time zone or
-- os.time range gets in the way.
local floor, format, tonumber = math.floor, string.format, tonumber

local M = {}

M.kinds = { day = true, week = true, month = true, year = true }

local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = floor(y / 400)
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = (153 * mp + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end
M.days = days_from_civil

local function civil_from_days(z)
  z = z + 719468
  local era = floor(z / 146097)
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  if m <= 2 then y = y + 1 end
  return y, m, d
end
M.civil = civil_from_days

-- Days since 1970-01-01 of an ISO date text, or nil.
function M.parse(date)
  if type(date) ~= "string" then return nil end
  local y, m, d = date:match("^(%d%d%d%d)-(%d%d)-(%d%d)")
  if not y then return nil end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if m < 1 or m > 12 or d < 1 or d > 31 then return nil end
  return days_from_civil(y, m, d)
end

-- The ISO week of a day: its year and number.
local function iso_week(z)
  local wd = (z + 3) % 7             -- 1970-01-01 was a Thursday; Monday = 0
  local thursday = z - wd + 3
  local y = civil_from_days(thursday)
  return y, (thursday - days_from_civil(y, 1, 1)) // 7 + 1
end
M.iso_week = iso_week

-- The label of day z in periods of kind by.
function M.label(z, by)
  local y, m, d = civil_from_days(z)
  if by == "day" then return format("%04d-%02d-%02d", y, m, d)
  elseif by == "month" then return format("%04d-%02d", y, m)
  elseif by == "year" then return format("%04d", y)
  elseif by == "week" then return format("%04d-W%02d", iso_week(z)) end
  error("bad period '" .. tostring(by) .. "' (day, week, month or year)", 2)
end

-- The first day of the period after the one holding day z.
local function next_start(z, by)
  local y, m = civil_from_days(z)
  if by == "day" then return z + 1
  elseif by == "week" then return z - (z + 3) % 7 + 7
  elseif by == "month" then return m == 12 and days_from_civil(y + 1, 1, 1) or days_from_civil(y, m + 1, 1)
  else return days_from_civil(y + 1, 1, 1) end
end

-- Every period label from the one holding day a to the one holding day
-- b, in order, gaps included.
function M.range(a, b, by)
  local out = {}
  local z = a
  while z <= b do
    out[#out + 1] = M.label(z, by)
    z = next_start(z, by)
  end
  return out
end

return M
