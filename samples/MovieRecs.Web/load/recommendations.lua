-- wrk script: GET /users/{id}/recommendations for users drawn at random from users.txt (one id a line), the requests
-- formatted once at start so that the client spends its time sending them; then one summary line for run-load.sh.
local requests = {}
local cursor = 0
local threads = 0

setup = function(thread)
  threads = threads + 1
  thread:set("seed", threads)
end

init = function(args)
  local users = {}
  for line in io.lines(args[1]) do
    users[#users + 1] = line
  end
  math.randomseed(seed * 7919)
  for i = 1, 8192 do
    requests[i] = wrk.format("GET", "/users/" .. users[math.random(#users)] .. "/recommendations?count=10")
  end
end

request = function()
  cursor = cursor % #requests + 1
  return requests[cursor]
end

done = function(summary, latency)
  local errors = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    errors.status, errors.connect, errors.read, errors.write, errors.timeout))
end
