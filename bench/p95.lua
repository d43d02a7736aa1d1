-- Print the 95th percentile of latency at the end of a wrk run (bench/intake_wrk.sh).
function done(summary, latency, requests)
  io.write(string.format("p95 %.2f ms\n", latency:percentile(95) / 1000))
end
