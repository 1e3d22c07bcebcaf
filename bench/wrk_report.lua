-- wrk reporter: prints one JSON line with p50/p95/p99 latency (microseconds) and counts.
-- Used by bench/run.py: wrk -s bench/wrk_report.lua ...
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"p50":%d,"p95":%d,"p99":%d,"max":%d,"requests":%d,"duration_us":%d,' ..
    '"socket_errors":%d,"non2xx":%d}\n',
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status))
end
