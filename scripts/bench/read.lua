-- GET BENCH_READ_PATH (a path with its query) as BENCH_READ_TOKEN. Where the answer is a page with
-- a next_cursor, the next request follows it, starting over at the end; otherwise the same path
-- again. wrk pipelines nothing here: each connection waits for its response before the next.
local path = nil
local cursor = nil

init = function(args)
  path = os.getenv("BENCH_READ_PATH")
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_READ_TOKEN")
end

request = function()
  if cursor then
    return wrk.format("GET", path .. "&cursor=" .. cursor)
  end
  return wrk.format("GET", path)
end

-- next_cursor closes a page's body, so only its end is searched (see list.lua).
response = function(status, headers, body)
  cursor = body and string.match(string.sub(body, -400), '"next_cursor":"([^"]+)"') or nil
end
