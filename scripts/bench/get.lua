-- GET /api/v1/referrals/{id} as the target centre: random ids of its referrals.
local ids = {}

init = function(args)
  for line in io.lines(os.getenv("BENCH_IDS_FILE")) do
    ids[#ids + 1] = line
  end
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_CENTRE_TOKEN")
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

request = function()
  return wrk.format("GET", "/api/v1/referrals/" .. ids[math.random(#ids)])
end
