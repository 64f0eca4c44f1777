-- POST /api/user with a username/email unique per run, thread and request.
local dir = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local bench = require "common"

bench.run(bench.post_create)
