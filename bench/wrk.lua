-- wrk script for bench/requests.py: a Bearer token, optional one-row observation writes, and a
-- JSON summary line (requests, duration, latency percentiles in microseconds, non-2xx, errors,
-- the answers by status, the Retry-After values of the 503s, and the start of one body of each
-- status other than 2xx and 503).
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

-- Per thread (each has its own Lua state; done() gathers them): answers by status, the 503s'
-- Retry-After values, and one body of each other status that is not 2xx.
statuses, retry_after, bodies = {}, {}, {}

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 503 then
    local value = headers["Retry-After"] or headers["retry-after"] or "none"
    retry_after[value] = (retry_after[value] or 0) + 1
  elseif (status < 200 or status > 299) and bodies[status] == nil then
    bodies[status] = string.sub(body or "", 1, 300)
  end
end

local function quote(text)
  return '"' .. string.gsub(tostring(text), '[%c"\\]', function(c)
    return string.format("\\u%04x", string.byte(c))
  end) .. '"'
end

local function gathered(name, merge)
  local all = {}
  for _, thread in ipairs(threads) do
    for key, value in pairs(thread:get(name) or {}) do
      all[key] = merge(all[key], value)
    end
  end
  local parts = {}
  for key, value in pairs(all) do
    table.insert(parts, quote(key) .. ": " .. (type(value) == "number" and tostring(value) or quote(value)))
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

local function add(a, b) return (a or 0) + b end
local function first(a, b) return a or b end

function done(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, "max": %d, "non2xx": %d, "errors": %d, '
      .. '"statuses": %s, "retry_after": %s, "bodies": %s}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    gathered("statuses", add), gathered("retry_after", add), gathered("bodies", first)
  ))
end
