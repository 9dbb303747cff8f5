-- wrk script for bench/requests.py: a Bearer token, optional one-row observation writes, and a
-- JSON summary line (requests, duration, latency percentiles in microseconds, non-2xx, errors).
--   TOKEN=...            Authorization: Bearer <TOKEN> (optional)
--   WRITE_SITES=A,B,...  POST one-row batches to random sites (else plain GETs)
--   WRITE_INDICATORS=X,Y and WRITE_MONTHS=1403-01,1403-02,... choose the row
local token = os.getenv("TOKEN")
local sites, indicators, months = {}, {}, {}
local threads = {}
local counter = 0

local function split(text, into)
  if text then
    for item in string.gmatch(text, "[^,]+") do
      table.insert(into, item)
    end
  end
end

split(os.getenv("WRITE_SITES"), sites)
split(os.getenv("WRITE_INDICATORS"), indicators)
split(os.getenv("WRITE_MONTHS"), months)

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 100 + (id or 0))
  if token then
    wrk.headers["Authorization"] = "Bearer " .. token
  end
  wrk.headers["Accept-Language"] = "en"
  if #sites > 0 then
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
  end
end

function request()
  if #sites == 0 then
    return wrk.format()
  end
  sent = (sent or 0) + 1
  local body = string.format(
    '{"batch_id": "wrk-%d-%d-%d", "observations": [{"organization": "%s", "indicator": "%s", "period": "%s", "value": %d.%d}]}',
    id or 0, os.time(), sent,
    sites[math.random(#sites)], indicators[math.random(#indicators)], months[math.random(#months)],
    math.random(100, 5000), math.random(0, 999)
  )
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, "max": %d, "non2xx": %d, "errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  ))
end
