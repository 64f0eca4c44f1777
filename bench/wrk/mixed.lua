-- 90% reads / 10% writes: 60% get_by_id, 30% list_filter_sort, 5% post_create, 5% put_update.
local dir = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local bench = require "common"

bench.run(function(ctx)
  local get, list = bench.get_by_id(ctx), bench.list_filter_sort(ctx)
  local post, put = bench.post_create(ctx), bench.put_update(ctx)
  return function()
    local r = math.random(100)
    if r <= 60 then return get() elseif r <= 90 then return list() elseif r <= 95 then return post() end
    return put()
  end
end)
