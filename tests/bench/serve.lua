-- W6 (tests/bench/serve.py): wrk posting valid answers to an anonymous
-- link of `mejora serve`, each a new response. Any 32 hex digits are a
-- session's CSRF token as long as the cookie and the form agree (a
-- browser gets both from the form's page), so every request is the same
-- and no form is fetched first. Counts the 2xx answers and the others.
local csrf = "0123456789abcdef0123456789abcdef"
wrk.method = "POST"
wrk.path = "/q/kiosk"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "mj_csrf=" .. csrf
wrk.body = "csrf=" .. csrf ..
  "&q-nps=9&q-staff=4&q-how=web&q-comment=Quick+and+kind"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

-- Globals, so that done() reads each thread's with thread:get().
ok2xx, other = 0, 0

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok2xx = ok2xx + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local n, m = 0, 0
  for _, t in ipairs(threads) do
    n = n + t:get("ok2xx")
    m = m + t:get("other")
  end
  io.write(string.format("W6: 2xx %d other %d\n", n, m))
end
