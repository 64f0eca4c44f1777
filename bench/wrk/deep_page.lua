-- Offset paging far into the table: GET /api/user?page=P&pageSize=25 with P = 2000, or the
-- last full page when there are fewer than 50 000 users (so the page is never empty).
local dir = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local bench = require "common"

bench.run(function(ctx)
  local page = math.max(1, math.min(2000, math.floor(ctx.meta.users / 25)))
  local req = wrk.format("GET", "/api/user?page=" .. page .. "&pageSize=25")
  return function() return req end
end)
