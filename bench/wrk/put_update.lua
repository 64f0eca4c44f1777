-- PUT /api/user/<id>: full replacement of random sampled users (unique fields unchanged).
local dir = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local bench = require "common"

bench.run(bench.put_update)
