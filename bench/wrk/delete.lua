-- DELETE /api/userevent/<id>, every id at most once: thread k of n takes the ids at
-- positions k, k+n, k+2n, ... of userevent_ids.txt. When a thread runs out it starts over
-- (the server then answers 200 with data {}) and counts "exhausted" in the report.
local dir = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local bench = require "common"

bench.run(function(ctx)
  local all = ctx.lines("userevent_ids.txt")
  local mine = {}
  for i = ctx.thread_id + 1, #all, ctx.threads do mine[#mine + 1] = all[i] end
  local next_index = 0
  return function()
    next_index = next_index + 1
    if next_index > #mine then ctx.count("exhausted") end
    return wrk.format("DELETE", "/api/userevent/" .. mine[(next_index - 1) % #mine + 1])
  end
end)
