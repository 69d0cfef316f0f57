-- wrk script for bench/run: every request carries a pool shopper's cookies (shopper identity + session), as a
-- returning browser's would. Arguments after `--`:
--   scenario   floor | catalogue | session-read | cart-change | checkout | sign-in-page | sign-in
--   pool       file with one Cookie header value a line (written by the bench before the run); for sign-in, each
--              line is a Cookie header value, a tab and the form body (AccountPool: a new browser's sign-in form)
--   threads    wrk's -t, so every thread takes its own slice of the pool: no two threads share a shopper, and with
--              more shoppers per thread than connections no two requests of one shopper are ever in flight together
--   products   (cart-change) product ids already in every pool cart; adding to them never creates a new line
-- Checkout consumes its slice once (each cart is placed once); running past the end wraps around, the empty carts
-- answer 400 and are counted as errors, and done() reports the wraps so the bench can flag an undersized pool.

local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

local requests = {}
local next_request = 1
wraps = 0

local function json_headers(cookie)
  return { ["Cookie"] = cookie, ["Content-Type"] = "application/json", ["Accept"] = "application/json" }
end

function init(args)
  local scenario, pool, thread_count = args[1], args[2], tonumber(args[3])
  local products = {}
  for i = 4, #args do table.insert(products, tonumber(args[i])) end

  local cookies, line_number = {}, 0
  for line in io.lines(pool) do
    if line_number % thread_count == thread_index then table.insert(cookies, line) end
    line_number = line_number + 1
  end
  assert(#cookies > 0, "pool " .. pool .. " has no shopper for thread " .. thread_index)

  -- Requests are formatted once here; request() only hands them out (formatting per request would load wrk).
  if scenario == "cart-change" then
    assert(#products > 0, "cart-change needs the product ids of the pool carts")
    for _, product in ipairs(products) do
      local body = string.format('{"productId":%d,"quantity":1}', product)
      for _, cookie in ipairs(cookies) do
        table.insert(requests, wrk.format("POST", "/api/cart/items", json_headers(cookie), body))
      end
    end
  elseif scenario == "sign-in" then
    for _, line in ipairs(cookies) do
      local cookie, body = line:match("^([^\t]*)\t(.*)$")
      assert(body, "sign-in pool line without a tab: " .. line)
      table.insert(requests, wrk.format("POST", "/Account/SignIn",
        { ["Cookie"] = cookie, ["Content-Type"] = "application/x-www-form-urlencoded", ["Accept"] = "text/html" }, body))
    end
  else
    local method, path, body = "GET", nil, nil
    if scenario == "floor" then path = "/health/live"
    elseif scenario == "catalogue" then path = "/api/products"
    elseif scenario == "session-read" then path = "/api/cart"
    elseif scenario == "sign-in-page" then path = "/Account/SignIn"
    elseif scenario == "checkout" then method, path, body = "POST", "/api/checkout", "{}" -- a JSON body: the API refuses a body-less POST
    else error("unknown scenario " .. tostring(scenario)) end
    for _, cookie in ipairs(cookies) do
      table.insert(requests, wrk.format(method, path, json_headers(cookie), body))
    end
  end
end

function request()
  if next_request > #requests then
    next_request = 1
    wraps = wraps + 1 -- a shopper is used a second time (for checkout: an empty cart)
  end
  local r = requests[next_request]
  next_request = next_request + 1
  return r
end

function done(summary, latency, _)
  local total_wraps = 0
  for _, thread in ipairs(threads) do total_wraps = total_wraps + (thread:get("wraps") or 0) end
  local e = summary.errors
  io.write(string.format(
    'BENCH-RESULT {"requests":%d,"durationMicroseconds":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyMicroseconds":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f},"poolWraps":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean, total_wraps))
end
