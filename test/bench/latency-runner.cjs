// Single-connection latency, in its own process (so it does not share the server's event loop):
// one keep-alive socket, one request after another for SECONDS, each timed with hrtime (autocannon
// keeps whole milliseconds, too coarse for a sub-millisecond target). Prints one JSON line:
// { count, errors, non2xx, p50, p99, max } with latencies in ms (3 decimals).
// Usage: node latency-runner.cjs URL BODY_JSON AUTH_HEADER SECONDS
const http = require('node:http');
const [url, body, auth, seconds] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const target = new URL(url);
const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(auth ? { authorization: auth } : {}) };
const times = [];
let errors = 0;
let non2xx = 0;

function once() {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers, agent }, (res) => {
      if (res.statusCode < 200 || res.statusCode >= 300) non2xx++;
      res.resume();
      res.on('end', () => {
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
        resolve();
      });
    });
    req.on('error', () => {
      errors++;
      resolve();
    });
    req.end(body);
  });
}

(async () => {
  const until = performance.now() + Number(seconds) * 1000;
  // A short warm-up on the same socket, not counted.
  for (let i = 0; i < 200; i++) await once();
  times.length = 0;
  while (performance.now() < until) await once();
  agent.destroy();
  times.sort((a, b) => a - b);
  const at = (p) => Number((times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? NaN).toFixed(3));
  process.stdout.write(JSON.stringify({ count: times.length, errors, non2xx, p50: at(50), p99: at(99), max: at(100) }) + '\n');
})();
