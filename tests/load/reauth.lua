-- wrk script for scripts/load.sh: POST /reauth with a mix of valid, expired
-- and tampered session tokens, checking every answer against its token.
--
-- Run with one connection per thread (wrk -t N -c N): a thread then has at
-- most one request in flight, so the answer response() sees is always the
-- one to the request request() made last (also across a reconnect, where
-- the unanswered request is simply replaced by the next one).
--
-- Environment (set by tests/load/run.mjs):
--   LOAD_TOKENS   file of lines "kind<TAB>token<TAB>sub", kind = valid |
--                 expired | tampered (the order is the mix, cycled through)
--   LOAD_TOTAL    requests in all; LOAD_THREADS the -t given to wrk
--   LOAD_DONE_DIR a thread writes <id>.done there once its share is answered
--                 (wrk itself only stops at -d; run.mjs then sends SIGINT)

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } edge_timespec;
  int clock_gettime(int clk, edge_timespec *ts);
]]
local function now_us()
  local ts = ffi.new("edge_timespec")
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000000 + math.floor(tonumber(ts.tv_nsec) / 1000)
end

-- ------------------------------------------------------------ setup (main)
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

-- ------------------------------------------------------------ running (per thread)
local entries, requests, quota
local sent, pending = 0, nil
answered = 0  -- read back by done(), like the tables below
counts = {}   -- counts[kind .. " " .. status] = n   (read back by done())
statuses = {} -- statuses[status] = n
wrong = 0
examples = {} -- a few wrong answers, for the report
first_us, last_us = 0, 0

local function expectation(kind, status, body, e)
  if kind == "valid" then
    return status == 200
      and body:find('"auth_token":"' .. e.token .. '"', 1, true) ~= nil
      and body:find('"sub":"' .. e.sub .. '"', 1, true) ~= nil
  elseif kind == "expired" then
    return status == 401 and body:find('"error":"token_expired"', 1, true) ~= nil
  elseif kind == "tampered" then
    return status == 401 and body:find('"error":"invalid_token"', 1, true) ~= nil
  end
  return false
end

function init(args)
  local total = tonumber(os.getenv("LOAD_TOTAL"))
  local nthreads = tonumber(os.getenv("LOAD_THREADS"))
  quota = math.floor(total / nthreads)
  if id < total % nthreads then quota = quota + 1 end
  entries = {}
  for line in io.lines(os.getenv("LOAD_TOKENS")) do
    local kind, token, sub = line:match("^(%a+)\t([^\t]+)\t?(.*)$")
    local body = '{"auth_token":"' .. token .. '"}'
    table.insert(entries, {
      kind = kind, token = token, sub = sub,
      request = wrk.format("POST", "/reauth", { ["Content-Type"] = "application/json" }, body),
    })
  end
  -- each thread starts at its own place in the mix
  sent = (id * 7919) % #entries
end

function request()
  if first_us == 0 then first_us = now_us() end
  local e = entries[(sent % #entries) + 1]
  sent = sent + 1
  pending = e
  return e.request
end

function response(status, headers, body)
  if answered >= quota then return end
  local e = pending
  pending = nil
  answered = answered + 1
  statuses[status] = (statuses[status] or 0) + 1
  local key
  if e == nil then
    key = "unexpected " .. status
  else
    key = e.kind .. " " .. status
  end
  counts[key] = (counts[key] or 0) + 1
  if e == nil or not expectation(e.kind, status, body, e) then
    wrong = wrong + 1
    if #examples < 5 then
      table.insert(examples, (e and e.kind or "?") .. " -> " .. status .. " " .. body:sub(1, 200))
    end
  end
  if answered == quota then
    last_us = now_us()
    local f = io.open(os.getenv("LOAD_DONE_DIR") .. "/" .. id .. ".done", "w")
    if f then f:write(tostring(answered)); f:close() end
    wrk.thread:stop()
  end
end

-- ------------------------------------------------------------ done (main)
local function json_string(s)
  return '"' .. tostring(s):gsub('[%c"\\]', function(c)
    return string.format("\\u%04x", c:byte())
  end) .. '"'
end

function done(summary, latency, _)
  local counts_all, statuses_all, examples_all = {}, {}, {}
  local wrong_all, answered_all, first, last = 0, 0, nil, 0
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts") or {}) do counts_all[k] = (counts_all[k] or 0) + v end
    for k, v in pairs(t:get("statuses") or {}) do statuses_all[k] = (statuses_all[k] or 0) + v end
    for _, x in ipairs(t:get("examples") or {}) do table.insert(examples_all, x) end
    wrong_all = wrong_all + (t:get("wrong") or 0)
    answered_all = answered_all + (t:get("answered") or 0)
    local f, l = t:get("first_us") or 0, t:get("last_us") or 0
    if f > 0 and (first == nil or f < first) then first = f end
    if l > last then last = l end
  end
  local parts = {}
  local function add(k, v) table.insert(parts, json_string(k) .. ":" .. v) end
  local function obj(tbl)
    local o = {}
    for k, v in pairs(tbl) do table.insert(o, json_string(k) .. ":" .. v) end
    return "{" .. table.concat(o, ",") .. "}"
  end
  local ex = {}
  for _, x in ipairs(examples_all) do table.insert(ex, json_string(x)) end
  add("answered", answered_all)
  add("wrong", wrong_all)
  add("counts", obj(counts_all))
  add("statuses", obj(statuses_all))
  add("examples", "[" .. table.concat(ex, ",") .. "]")
  add("first_to_last_us", (first and last > first) and (last - first) or 0)
  add("wrk_duration_us", summary.duration)
  add("wrk_requests", summary.requests)
  add("errors", obj(summary.errors))
  add("latency_us", obj({
    min = latency.min, max = latency.max, mean = string.format("%.1f", latency.mean),
    p50 = latency:percentile(50), p90 = latency:percentile(90),
    p99 = latency:percentile(99), p999 = latency:percentile(99.9),
  }))
  io.write("LOAD_RESULT " .. "{" .. table.concat(parts, ",") .. "}\n")
end
