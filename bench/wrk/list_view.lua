-- A page of users with the account expanded: GET /api/user?view=account(name)&pageSize=25&page=<random>
local dir = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local bench = require "common"

bench.run(function(ctx)
  local pages = math.max(1, math.floor(ctx.meta.users / 25))
  return function()
    return wrk.format("GET", "/api/user?view=account(name)&pageSize=25&page=" .. math.random(pages))
  end
end)
