import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { expectProblem, startTestHost, type TestHost } from '../../../helpers/host';
import { http } from '../../../helpers/http';
import { seedPrompt, tempDir } from '../../../helpers/workspace';
import { startHost } from '../../../../src/main/host';

let t: TestHost;
beforeAll(async () => {
  t = await startTestHost({ timeouts: { headersMs: 600, requestMs: 1500 } });
  seedPrompt(t.owner, 'greet', 'Hi {{name}}', { api: true });
});
afterAll(() => t.stop());

describe('request hardening', () => {
  it('refuses JSON nested too deep', async () => {
    const deep = '{"variables":' + '{"a":'.repeat(40) + '"x"' + '}'.repeat(40) + '}';
    expectProblem(await t.call('POST', '/api/v1/prompts/greet/render', JSON.parse(deep)), 400);
  });

  it('refuses a __proto__ key anywhere in the body', async () => {
    const res = await http(t.port, 'POST', '/api/v1/prompts/greet/render', {
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
      body: '{"variables":{"name":"x","__proto__":{"polluted":true}}}',
    });
    expectProblem(res, 400, 'variables.__proto__');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('drops a client that sends its headers one byte at a time', async () => {
    const started = Date.now();
    const closed = await new Promise<{ ms: number; data: string }>((resolve) => {
      const socket = connect(t.port, '127.0.0.1');
      const request = `GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\nX-Slow: ${'a'.repeat(200)}\r\n\r\n`;
      let i = 0;
      let data = '';
      const timer = setInterval(() => {
        if (socket.destroyed || i >= request.length) return clearInterval(timer);
        socket.write(request[i++]!);
      }, 50);
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ ms: Date.now() - started, data });
      });
      socket.on('error', () => undefined);
    });
    expect(closed.ms).toBeLessThan(5000);
    expect(closed.data).not.toContain('"status":"ok"');
  });

  it('explains a port another program holds', async () => {
    const dir = tempDir();
    try {
      const second = await startHost({ dataDir: dir.dir, mode: 'headless', port: t.port });
      expect(second.server).toBeNull();
      expect(second.api.error).toMatch(new RegExp(`Port ${t.port} on 127.0.0.1 is already in use`));
      await second.close();
    } finally {
      dir.cleanup();
    }
  });
});
