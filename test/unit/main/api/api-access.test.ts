import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, revokeKey } from '../../../../src/main/core/keys/keys-service';
import { setApiSettings } from '../../../../src/main/core/prompts/prompts-service';
import { expectProblem, startTestHost, type TestHost } from '../../../helpers/host';
import { http } from '../../../helpers/http';
import { seedPrompt } from '../../../helpers/workspace';

let t: TestHost;
beforeAll(async () => {
  t = await startTestHost({ limits: { perKeyPerSecond: 5, perKeyBurst: 5, failedAuthPerMinute: 6 } });
  seedPrompt(t.owner, 'hidden', 'not served {{x}}');
  seedPrompt(t.owner, 'served', 'served {{x}}', { api: true });
});
afterAll(() => t.stop());

const get = (path: string, key?: string) => http(t.port, 'GET', path, { headers: key ? { authorization: `Bearer ${key}` } : {} });

describe('per-prompt API access', () => {
  it('answers 404 for a prompt with API access off, and leaves it out of the list', async () => {
    const { key } = createKey(t.owner, { userEmail: t.owner.actor.email, label: 'a' });
    expectProblem(await get('/api/v1/prompts/hidden', key), 404);
    const list = (await get('/api/v1/prompts', key)).json();
    expect(list.items.map((p: { name: string }) => p.name)).toEqual(['served']);
  });

  it('serves a keyless prompt from 127.0.0.1 only when the prompt allows it', async () => {
    expectProblem(await get('/api/v1/prompts/served'), 401);
    setApiSettings(t.owner, { name: 'served', keyRequired: false });
    expect((await get('/api/v1/prompts/served')).status).toBe(200);
    const rendered = await http(t.port, 'POST', '/api/v1/prompts/served/render', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ variables: { x: '1' } }),
    });
    expect(rendered.json()).toMatchObject({ text: 'served 1' });
    // Keyless never reaches anything else: the list, other prompts, writes.
    expectProblem(await get('/api/v1/prompts'), 401);
    // Without a key, a prompt that is not served keyless is the same 401 as a name never used.
    expectProblem(await get('/api/v1/prompts/hidden'), 401);
    expectProblem(await get('/api/v1/prompts/never-used'), 401);
    expectProblem(await http(t.port, 'POST', '/api/v1/prompts/served/versions', { headers: { 'content-type': 'application/json' }, body: '{}' }), 401);
    setApiSettings(t.owner, { name: 'served', keyRequired: true });
  });
});

describe('API keys', () => {
  it('act only within their scopes', async () => {
    const { key } = createKey(t.owner, { userEmail: t.owner.actor.email, label: 'read-only', scopes: ['read'] });
    expect((await get('/api/v1/prompts/served', key)).status).toBe(200);
    const render = await http(t.port, 'POST', '/api/v1/prompts/served/render', {
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ variables: { x: '1' } }),
    });
    expect(expectProblem(render, 403).detail).toMatch(/"run" scope/);
  });

  it('stop working once revoked or expired', async () => {
    const { key, info } = createKey(t.owner, { userEmail: t.owner.actor.email, label: 'r' });
    expect((await get('/api/v1/prompts', key)).status).toBe(200);
    revokeKey(t.owner, info.id);
    expectProblem(await get('/api/v1/prompts', key), 401);
    const expiring = createKey(t.owner, { userEmail: t.owner.actor.email, label: 'e', expiresAt: new Date(Date.now() + 300).toISOString() });
    expect((await get('/api/v1/prompts', expiring.key)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 400));
    expectProblem(await get('/api/v1/prompts', expiring.key), 401);
  });

  it('refuses an expiry in the past', () => {
    expect(() => createKey(t.owner, { userEmail: t.owner.actor.email, label: 'x', expiresAt: '2001-01-01' })).toThrowError(/future/);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After once a key exceeds its rate', async () => {
    const { key } = createKey(t.owner, { userEmail: t.owner.actor.email, label: 'busy' });
    const statuses: number[] = [];
    let retryAfter: string | string[] | undefined;
    for (let i = 0; i < 8; i++) {
      const res = await get('/api/v1/prompts', key);
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers['retry-after'];
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('slows down a key after repeated failed authentications', async () => {
    const fresh = await startTestHost({ limits: { perKeyPerSecond: 100, perKeyBurst: 100, failedAuthPerMinute: 6 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        statuses.push((await http(fresh.port, 'GET', '/api/v1/prompts', { headers: { authorization: 'Bearer pd_wrongwrongwr_' + 'x'.repeat(43) } })).status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
      // The wrong key is slowed, not the address: a valid key from the same place still works.
      expect((await http(fresh.port, 'GET', '/api/v1/prompts', { headers: { authorization: `Bearer ${fresh.key}` } })).status).toBe(200);
    } finally {
      await fresh.stop();
    }
  });
});
