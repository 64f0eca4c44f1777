-- GET /api/user/<id> for random sampled user ids.
local dir = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local bench = require "common"

bench.run(bench.get_by_id)
