-- GET /api/v1/counties/{county}/overview?year=… as the county's governor: BENCH_OVERVIEW_PATH is
-- the path and query, the same on every request.
local path = nil

init = function(args)
  path = os.getenv("BENCH_OVERVIEW_PATH")
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_GOVERNOR_TOKEN")
end

request = function()
  return wrk.format("GET", path)
end
