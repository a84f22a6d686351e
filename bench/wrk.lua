-- wrk script for bench/run.py: cycles through the paths in $BENCH_PATHS (one per line), with
-- the method, body and cookie from the environment, and prints one JSON line when done.
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local cookie = os.getenv("BENCH_COOKIE")
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(os.getenv("BENCH_PATHS")) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  -- Threads start half the list apart, so two connections rarely post to the same draft.
  counter = (tid or 0) * math.floor(#paths / 2)
  headers = {}
  if cookie and cookie ~= "" then headers["Cookie"] = cookie end
  if method == "POST" then headers["Content-Type"] = "application/x-www-form-urlencoded" end
end

function request()
  counter = counter + 1
  return wrk.format(method, paths[(counter % #paths) + 1], headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
