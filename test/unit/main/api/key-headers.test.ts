import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { http } from '../../../helpers/http';
import { seedPrompt } from '../../../helpers/workspace';
import { setApiSettings } from '../../../../src/main/core/prompts/prompts-service';

const LIMIT = 5;

/**
 * A valid key is found whichever documented header carries it: `Authorization: Bearer <key>`,
 * a bare key in `Authorization`, or `X-Authorization` (seed 001's header). An `Authorization`
 * header that carries no key of ours (empty, a bare "Bearer", another scheme such as Basic added
 * by a proxy or a browser) does not hide a key sent in `X-Authorization`.
 */
let h: TestHost;
beforeAll(async () => {
  h = await startTestHost({ limits: { perKeyPerSecond: 1e6, perKeyBurst: 1e6, failedAuthPerMinute: LIMIT } });
  seedPrompt(h.owner, 'open', 'hello {{x}}', { api: true });
  setApiSettings(h.owner, { name: 'open', keyRequired: false });
});
afterAll(() => h.stop());

const get = (headers: Record<string, string>) => http(h.port, 'GET', '/api/v1/prompts', { headers });

describe('the key is read from either header', () => {
  it.each([
    ['Bearer in Authorization', () => ({ authorization: `Bearer ${h.key}` })],
    ['lowercase bearer, extra spaces', () => ({ authorization: `bearer   ${h.key}` })],
    ['a bare key in Authorization', () => ({ authorization: h.key })],
    ['X-Authorization', () => ({ 'x-authorization': h.key })],
    ['X-Authorization with Bearer', () => ({ 'x-authorization': `Bearer ${h.key}` })],
    ['an empty Authorization and X-Authorization', () => ({ authorization: '', 'x-authorization': h.key })],
    ['a bare "Bearer" and X-Authorization', () => ({ authorization: 'Bearer', 'x-authorization': h.key })],
    ['Basic credentials and X-Authorization', () => ({ authorization: 'Basic Zm9vOmJhcg==', 'x-authorization': h.key })],
  ])('%s: 200', async (_label, headers) => {
    expect((await get(headers())).status).toBe(200);
  });

  it.each([
    ['no header', () => ({})],
    ['an empty Authorization', () => ({ authorization: '' })],
    ['Basic credentials only', () => ({ authorization: 'Basic Zm9vOmJhcg==' })],
    ['a wrong Bearer key with a valid X-Authorization (the Bearer key is the one presented)', () => ({ authorization: 'Bearer pd_AAAAAAAAAAAA_' + 'a'.repeat(43), 'x-authorization': h.key })],
  ])('%s: 401', async (_label, headers) => {
    expect((await get(headers())).status).toBe(401);
  });
});

describe('an Authorization header without a key is no shared credential', () => {
  it("one program's empty Authorization headers do not get another's keyless requests refused", async () => {
    // Clients that send `Authorization: Bearer ${TOKEN}` with TOKEN unset present no key: each is
    // limited as its own client, not under one budget every such client shares.
    for (let i = 0; i < LIMIT * 3; i++) await http(h.port, 'GET', '/api/v1/members', { headers: { 'user-agent': 'flooder', authorization: 'Bearer ' } });
    expect((await http(h.port, 'GET', '/api/v1/members', { headers: { 'user-agent': 'flooder', authorization: '' } })).status).toBe(429);
    for (const authorization of ['Bearer ', 'Bearer', '']) {
      const res = await http(h.port, 'GET', '/api/v1/prompts/open', { headers: { 'user-agent': 'a-script/1.0', authorization } });
      expect(res.status, JSON.stringify(authorization)).toBe(200);
    }
  });
});
