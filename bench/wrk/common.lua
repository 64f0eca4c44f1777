-- Shared machinery of the wrk scenario scripts (bench/wrk/<scenario>.lua).
--
-- A scenario script calls bench.run(make_request), where make_request(ctx) is called once
-- per thread in init() and returns the request() function of that thread. ctx gives the
-- sample lists written by bench/datagen and per-thread identity:
--   ctx.samples_dir, ctx.nonce, ctx.thread_id (0-based), ctx.threads, ctx.meta (users, ...)
--   ctx.user() -> {id, username, email, accountId, firstName, lastName} (random sampled user)
--   ctx.lines(name) -> array of the lines of <samples_dir>/<name>
--   ctx.pick(array) -> random element
--   ctx.count(key) -> increments a per-thread counter reported by done()
--
-- Script arguments (after "--"): <samples_dir> [nonce] [threads]. The runner passes all
-- three; by hand, `wrk -t2 -c64 -d10s -s bench/wrk/get_by_id.lua http://127.0.0.1:5500 --
-- bench/work/samples-10k` is enough (nonce defaults to the clock, threads to 2).
--
-- done() prints one line "BENCH_JSON {...}" with requests/s, latency percentiles (ms),
-- socket errors and per-status counts, which bench/run.sh parses.
local M = {}

local first_names = {
  "Alice", "Bruno", "Chloe", "Dmitri", "Elena", "Felix", "Greta", "Hiro", "Ingrid", "Jonas",
  "Keiko", "Lucas", "Marta", "Nadia", "Oscar", "Priya", "Quinn", "Rafael", "Sofia", "Tomas",
}
M.first_names = first_names

local function read_lines(path)
  local out = {}
  local f = io.open(path, "r")
  if not f then error("cannot open " .. path .. " (run bench/run.sh once to generate samples)") end
  for line in f:lines() do
    if line ~= "" then out[#out + 1] = line end
  end
  f:close()
  return out
end

local function split_tab(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do fields[#fields + 1] = field end
  return fields
end

local function json_string(s)
  return '"' .. tostring(s):gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' elseif c == "\\" then return "\\\\" end
    return string.format("\\u%04x", c:byte())
  end) .. '"'
end
M.json_string = json_string

-- Flat or nested tables of numbers/strings/booleans; keys sorted for stable output.
local function to_json(v)
  local t = type(v)
  if t == "table" then
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = tostring(k) end
    table.sort(keys)
    local parts = {}
    for _, k in ipairs(keys) do
      local value = v[k]
      if value == nil then value = v[tonumber(k)] end
      parts[#parts + 1] = json_string(k) .. ":" .. to_json(value)
    end
    return "{" .. table.concat(parts, ",") .. "}"
  elseif t == "number" then
    if v ~= v or v == math.huge or v == -math.huge then return "null" end
    if v == math.floor(v) and math.abs(v) < 1e15 then return string.format("%d", v) end
    return string.format("%.4f", v)
  elseif t == "boolean" then
    return tostring(v)
  elseif v == nil then
    return "null"
  end
  return json_string(v)
end
M.to_json = to_json

-- ---- main (setup/done) environment -------------------------------------------------------
local threads = {}
local next_thread_id = 0

function setup(thread)
  thread:set("bench_thread_id", next_thread_id)
  next_thread_id = next_thread_id + 1
  threads[#threads + 1] = thread
end

function done(summary, latency, requests)
  local statuses, counters = {}, {}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("bench_statuses") or {}) do
      statuses[tostring(code)] = (statuses[tostring(code)] or 0) + n
    end
    for key, n in pairs(t:get("bench_counters") or {}) do
      counters[key] = (counters[key] or 0) + n
    end
  end
  local non2xx = 0
  for code, n in pairs(statuses) do
    local c = tonumber(code)
    if c < 200 or c > 299 then non2xx = non2xx + n end
  end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write("BENCH_JSON ", to_json({
    requests = summary.requests,
    duration_s = seconds,
    rps = summary.requests / seconds,
    bytes = summary.bytes,
    latency_ms = {
      mean = latency.mean / 1000,
      max = latency.max / 1000,
      p50 = latency:percentile(50) / 1000,
      p90 = latency:percentile(90) / 1000,
      p99 = latency:percentile(99) / 1000,
      p999 = latency:percentile(99.9) / 1000,
    },
    errors = {connect = e.connect, read = e.read, write = e.write, timeout = e.timeout, status_over_399 = e.status},
    non2xx = non2xx,
    statuses = statuses,
    counters = counters,
  }), "\n")
end

-- ---- thread environment -------------------------------------------------------------------
bench_statuses = {}
bench_counters = {}

function response(status, headers, body)
  bench_statuses[status] = (bench_statuses[status] or 0) + 1
end

function M.run(make_request)
  function init(args)
    local ctx = {}
    ctx.samples_dir = args[1] or error("usage: wrk ... -s <scenario>.lua <url> -- <samples_dir> [nonce] [threads]")
    ctx.nonce = args[2] or string.format("%x", os.time())
    ctx.threads = tonumber(args[3] or "2")
    ctx.thread_id = bench_thread_id or 0
    math.randomseed(os.time() + 7919 * ctx.thread_id)
    for _ = 1, 10 do math.random() end

    local meta = {}
    for _, line in ipairs(read_lines(ctx.samples_dir .. "/meta.json")) do
      for k, v in line:gmatch('"(%w+)":(%d+)') do meta[k] = tonumber(v) end
    end
    ctx.meta = meta

    local cache = {}
    function ctx.lines(name)
      if not cache[name] then cache[name] = read_lines(ctx.samples_dir .. "/" .. name) end
      return cache[name]
    end
    function ctx.pick(array) return array[math.random(#array)] end

    local users
    function ctx.user()
      if not users then
        users = {}
        for _, line in ipairs(ctx.lines("users.tsv")) do
          local f = split_tab(line)
          users[#users + 1] = {id = f[1], username = f[2], email = f[3], accountId = f[4],
                               firstName = f[5], lastName = f[6]}
        end
      end
      return users[math.random(#users)]
    end
    function ctx.count(key, n)
      bench_counters[key] = (bench_counters[key] or 0) + (n or 1)
    end

    request = make_request(ctx)
  end
end

-- ---- request builders shared by several scenarios ----------------------------------------
local json_headers = {["Content-Type"] = "application/json"}

function M.get_by_id(ctx)
  return function() return wrk.format("GET", "/api/user/" .. ctx.user().id) end
end

-- The same request with the header "Authorization: <BENCH_AUTHORIZATION>" (a session).
function M.get_by_id_gated(ctx)
  local authorization = os.getenv("BENCH_AUTHORIZATION")
  if not authorization or authorization == "" then
    error("BENCH_AUTHORIZATION is not set (bench/run.sh sets it to 'Bearer <sessionId>' of its login)")
  end
  local headers = {["Authorization"] = authorization}
  return function() return wrk.format("GET", "/api/user/" .. ctx.user().id, headers) end
end

function M.list_filter_sort(ctx)
  local names = ctx.lines("lastnames.txt")
  return function()
    return wrk.format("GET", "/api/user?filter=lastName:" .. ctx.pick(names) ..
                      "&full_match&sort=firstName&page=1&pageSize=25")
  end
end

-- Unique per run (nonce), thread and request: usernames/emails never collide, even
-- across repeated runs against the same database.
function M.post_create(ctx)
  local accounts = ctx.lines("accounts.txt")
  local serial = 0
  return function()
    serial = serial + 1
    local name = "b" .. ctx.nonce .. "t" .. ctx.thread_id .. "n" .. serial
    local body = '{"username":' .. json_string(name) ..
      ',"email":' .. json_string(name .. "@bench.example.com") ..
      ',"password":"benchmark-pw","firstName":' .. json_string(ctx.pick(first_names)) ..
      ',"lastName":"Benchmark","gender":"other","isAccountOwner":false,"netWorth":1234.5' ..
      ',"accountId":' .. json_string(ctx.pick(accounts)) .. '}'
    return wrk.format("POST", "/api/user", json_headers, body)
  end
end

-- Full replacement keeping the user's own unique fields and lastName (so the lastName
-- filter lists stay valid); firstName, city and netWorth change.
function M.put_update(ctx)
  return function()
    local u = ctx.user()
    local body = '{"username":' .. json_string(u.username) ..
      ',"email":' .. json_string(u.email) ..
      ',"password":"updated-pw-1","firstName":' .. json_string(ctx.pick(first_names)) ..
      ',"lastName":' .. json_string(u.lastName) ..
      ',"gender":"female","city":"Benchville","isAccountOwner":false' ..
      ',"netWorth":' .. math.random(0, 9999999) ..
      ',"accountId":' .. json_string(u.accountId) .. '}'
    return wrk.format("PUT", "/api/user/" .. u.id, json_headers, body)
  end
end

return M
