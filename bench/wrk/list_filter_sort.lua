-- Indexed equality filter + sort + first page (total included):
-- GET /api/user?filter=lastName:<v>&full_match&sort=firstName&page=1&pageSize=25
local dir = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
package.path = dir .. "/?.lua;" .. package.path
local bench = require "common"

bench.run(bench.list_filter_sort)
