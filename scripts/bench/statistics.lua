-- GET /api/v1/statistics/groups?… for the whole country's year: BENCH_STATISTICS_QUERY is the
-- query string (measure, rows, columns, year), the same on every request.
local path = nil

init = function(args)
  path = "/api/v1/statistics/groups?" .. os.getenv("BENCH_STATISTICS_QUERY")
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_REFERRER_TOKEN")
end

request = function()
  return wrk.format("GET", path)
end
