-- POST /api/v1/appeals with a unique Idempotency-Key per request (bench/intake_wrk.sh).
-- TOKEN: the citizen's bearer token, in the environment.
local counter = 0
local thread_id = 0
local threads = {}
local body = '{"kind": "support", "theme": "tech-sms", "subject": "Не приходит SMS", ' ..
  '"text": "Код подтверждения не приходит на телефон, проверьте, пожалуйста.", ' ..
  '"contact_phone": "+79161234567"}'

function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
  run = os.getenv("RUN") or tostring(os.time())
end

function request()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = string.format("wrk-%s-%d-%d", run, id, counter)
  return wrk.format(nil, "/api/v1/appeals")
end

function response(status, headers, body)
  if status ~= 201 and not reported then
    reported = true
    io.stderr:write("status " .. status .. ": " .. body:sub(1, 200) .. "\n")
  end
end

function done(summary, latency, requests)
  io.write(string.format("p95 %.2f ms\n", latency:percentile(95) / 1000))
end
