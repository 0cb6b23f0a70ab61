-- GET /api/v1/referrals?status=…&limit=50, following next_cursor, starting over at the end.
-- wrk pipelines nothing here: each connection waits for its response before the next request.
local cursor = nil

init = function(args)
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_CENTRE_TOKEN")
end

request = function()
  local path = "/api/v1/referrals?status=closed&limit=50"
  if cursor then
    path = path .. "&cursor=" .. cursor
  end
  return wrk.format("GET", path)
end

-- next_cursor closes the body, so only its end is searched: the load generator shares the two
-- cores with the server and the database, and scanning 30 KB of items would take their time.
response = function(status, headers, body)
  cursor = body and string.match(string.sub(body, -400), '"next_cursor":"([^"]+)"') or nil
end
