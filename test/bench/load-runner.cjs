// Runs autocannon in its own process (so it does not share the server's event loop) and prints
// one JSON line of results. Usage: node load-runner.cjs URL BODY_JSON AUTH_HEADER SECONDS [AMOUNT]
// With AMOUNT, exactly that many requests are made and every one is answered before the run ends
// (a timed run drops the requests in flight when time is up, which a row count cannot match).
// `seconds` runs from the start to the last response: autocannon's own duration is rounded up to
// its one-second tick, which skews the rate of a run of a fixed amount by up to 10%.
const autocannon = require('autocannon');
const [url, body, auth, seconds, amount] = process.argv.slice(2);
const started = performance.now();
let last = started;
const instance = autocannon(
  {
    url,
    method: 'POST',
    connections: 50,
    pipelining: 1,
    ...(amount ? { amount: Number(amount) } : { duration: Number(seconds) }),
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
        ok: result['2xx'],
        seconds: amount ? (last - started) / 1000 : result.duration,
      }) + '\n',
    );
  },
);
// Only for a fixed amount, so timed runs (bench:api) pay nothing extra per response.
if (amount) {
  instance.on('response', () => {
    last = performance.now();
  });
}
