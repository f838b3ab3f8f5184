-- tap.lua: a minimal TAP producer for the Lua-level tests.
-- Usage: local T = dofile("tests/lua/tap.lua"); T.ok(cond, "what");
-- T.is(got, want, "what"); T.raises(fn, "pattern", "what"); T.done()
local T = {}
local n, failed = 0, 0

local function report(cond, what, extra)
  n = n + 1
  io.write(cond and "ok " or "not ok ", n, " - ", what or "", "\n")
  if not cond then
    failed = failed + 1
    local info = debug.getinfo(3, "Sl")
    io.write("#   failed at ", info.short_src, ":", info.currentline, "\n")
    if extra then io.write(extra, "\n") end
  end
  return cond
end

-- No tail calls into report: they would drop the frame that names the
-- failing line.
function T.ok(cond, what) local r = report(cond and true or false, what) return r end

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end

function T.is(got, want, what)
  local r = report(got == want, what,
    "#   got:  " .. show(got) .. "\n#   want: " .. show(want))
  return r
end

-- Deep equality for plain tables.
local function same(a, b)
  if type(a) ~= "table" or type(b) ~= "table" then return a == b end
  for k, v in pairs(a) do if not same(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end
T.same = same

function T.same_ok(got, want, what)
  local r = report(same(got, want), what)
  return r
end

function T.raises(fn, pattern, what)
  local okc, err = pcall(fn)
  local r
  if okc then
    r = report(false, what, "#   no error raised")
  else
    err = tostring(err)
    r = report(err:find(pattern) ~= nil, what,
      "#   error: " .. err .. "\n#   want pattern: " .. pattern)
  end
  return r
end

function T.diag(...) io.write("# ", table.concat({...}, " "), "\n") end

function T.done()
  io.write("1..", n, "\n")
  if failed > 0 then os.exit(1) end
end

return T
