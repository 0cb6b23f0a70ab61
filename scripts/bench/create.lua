-- POST /api/v1/referrals with a fresh Idempotency-Key per request.
local counter = 0
local next_thread = 0

-- `thread_id` is a global that setup() gives each thread, so keys never collide across threads.

setup = function(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end

local authorization = nil

init = function(args)
  authorization = "Bearer " .. os.getenv("BENCH_REFERRER_TOKEN")
  wrk.body = string.format([[{"target_centre_id": "%s", "offer": "self_help_group",
    "person": {"given_name": "Kari", "family_name": "Nordmann", "phone": "+4791234567", "preferred_language": "nb", "municipality_number": "5035"},
    "target_groups": ["work_assessment_allowance"], "wishes": "Ønsker en gruppe på dagtid.", "preferred_format": "digital",
    "consent": {"contact": true, "feedback_to_referrer": true, "obtained_via": "in_person", "obtained_at": "2026-11-20T10:15:00Z"}}]],
    os.getenv("BENCH_CENTRE_ID"))
end

request = function()
  counter = counter + 1
  local key = string.format("bench-%d-%d-%d", os.time(), thread_id, counter)
  -- Headers given here replace wrk.headers, so all of them are given.
  return wrk.format("POST", "/api/v1/referrals", {
    ["Authorization"] = authorization,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = key,
  }, wrk.body)
end
