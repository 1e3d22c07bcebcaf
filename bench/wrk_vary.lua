-- wrk script for "cold" runs: each request takes the next path from a file (one per line), so
-- most requests ask for a URL no earlier request asked and miss every page cache.
-- Used by bench/run.py --vary: wrk -s bench/wrk_vary.lua URL -- paths.txt
-- Prints the same WRK_JSON line as wrk_report.lua.
local paths = {}
local index = 0

init = function(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  -- Each wrk thread has its own Lua state: start the threads at different places.
  index = (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % #paths
end

request = function()
  index = index % #paths + 1
  return wrk.format(nil, paths[index])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"p50":%d,"p95":%d,"p99":%d,"max":%d,"requests":%d,"duration_us":%d,' ..
    '"socket_errors":%d,"non2xx":%d}\n',
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status))
end
