-- A page of users with the account expanded: GET /api/user?view=account(name)&pageSize=25&page=<random>
-- The page is random among the first 40 (offset < 1000) so that the row measures the FK
-- expansion, not offset skipping (deep_page measures that).
local dir = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local bench = require "common"

bench.run(function(ctx)
  local pages = math.max(1, math.min(40, math.floor(ctx.meta.users / 25)))
  return function()
    return wrk.format("GET", "/api/user?view=account(name)&pageSize=25&page=" .. math.random(pages))
  end
end)
