import { createServer, request, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy';

// The sync tests trust this proxy to inject real faults; these checks keep it honest.
describe('fault proxy', () => {
  let server: Server;
  let proxy: FaultProxy;
  const received: number[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let bytes = 0;
      req.on('data', (chunk: Buffer) => (bytes += chunk.length));
      req.on('end', () => {
        received.push(bytes);
        res.end('x'.repeat(10_000));
      });
      req.on('aborted', () => received.push(-bytes));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    proxy = await startFaultProxy(address.port);
  });
  afterAll(async () => {
    await proxy.close();
    await new Promise((resolve) => server.close(resolve));
  });

  /** POSTs `size` bytes through the proxy; resolves with the body length or the error code. */
  const post = (size: number) =>
    new Promise<number | string>((resolve) => {
      const req = request({ host: '127.0.0.1', port: proxy.port, method: 'POST', path: '/', agent: false, headers: { 'content-length': size } }, (res) => {
        let length = 0;
        res.on('data', (chunk: Buffer) => (length += chunk.length));
        res.on('end', () => resolve(length));
        res.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
        res.on('aborted', () => resolve('aborted'));
      });
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      req.end('y'.repeat(size));
    });

  it('passes, refuses, cuts the request body, cuts the answer, and goes offline', async () => {
    expect(await post(100)).toBe(10_000);
    expect(received.at(-1)).toBe(100);

    proxy.queue({ kind: 'refuse' });
    expect(await post(100)).toBe('ECONNRESET');

    proxy.queue({ kind: 'cutRequest', afterBytes: 150 });
    const cut = await post(5_000);
    expect(typeof cut).toBe('string');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received.at(-1)).toBeLessThanOrEqual(0); // the server saw an aborted body, never a whole one

    proxy.queue({ kind: 'cutResponse', afterBytes: 300 });
    expect(typeof (await post(10))).toBe('string');
    expect(proxy.log.at(-1)).toMatchObject({ fault: 'cutResponse', responseBytes: 300 });

    proxy.offline();
    expect(await post(10)).toBe('ECONNRESET');
    proxy.online();
    proxy.queue({ kind: 'delay', ms: 20 });
    expect(await post(10)).toBe(10_000);
  });
});
