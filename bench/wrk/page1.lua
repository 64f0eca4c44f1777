-- The reference for deep_page: GET /api/user?page=1&pageSize=25 (default sort by id).
local dir = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local bench = require "common"

bench.run(function(ctx)
  return function() return wrk.format("GET", "/api/user?page=1&pageSize=25") end
end)
