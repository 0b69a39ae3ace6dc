// Runs autocannon in its own process (so it does not share the server's event loop) and prints
// one JSON line of results. Usage: node load-runner.cjs URL BODY_JSON AUTH_HEADER SECONDS
const autocannon = require('autocannon');
const [url, body, auth, seconds] = process.argv.slice(2);
autocannon(
  {
    url,
    method: 'POST',
    connections: 50,
    pipelining: 1,
    duration: Number(seconds),
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    body,
  },
  (error, result) => {
    if (error) throw error;
    process.stdout.write(
      JSON.stringify({
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
        total: result.requests.total,
      }) + '\n',
    );
  },
);
