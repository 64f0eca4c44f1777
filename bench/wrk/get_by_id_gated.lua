-- GET /api/user/<id> for random sampled user ids, with a login session
-- (Authorization: Bearer <sessionId> from the environment variable BENCH_AUTHORIZATION,
-- which bench/run.sh sets after its one login; docs/AUTH.md).
local dir = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local bench = require "common"

bench.run(bench.get_by_id_gated)
