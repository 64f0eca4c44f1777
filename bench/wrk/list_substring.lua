-- Case-insensitive substring filter on username (cannot use an index):
-- GET /api/user?filter=username:<6 digits>&pageSize=25
local dir = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local bench = require "common"

bench.run(function(ctx)
  local parts = ctx.lines("substrings.txt")
  return function()
    return wrk.format("GET", "/api/user?filter=username:" .. ctx.pick(parts) .. "&pageSize=25")
  end
end)
