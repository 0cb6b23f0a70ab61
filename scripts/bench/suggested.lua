-- GET /api/v1/intakes/{id}/suggested-groups as the intakes' centre: random ids of its intakes of
-- people waiting for a group (BENCH_INTAKE_IDS_FILE, one a line).
local ids = {}

init = function(args)
  for line in io.lines(os.getenv("BENCH_INTAKE_IDS_FILE")) do
    ids[#ids + 1] = line
  end
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_CENTRE_TOKEN")
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

request = function()
  return wrk.format("GET", "/api/v1/intakes/" .. ids[math.random(#ids)] .. "/suggested-groups")
end
