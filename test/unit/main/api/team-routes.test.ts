import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTeamHost, type TeamHost } from '../../../helpers/team-host';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { http } from '../../../helpers/http';
import { issueDeviceToken } from '../../../../src/main/core/team/devices';
import { createKey } from '../../../../src/main/core/keys/keys-service';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

/**
 * The team server's device routes as declared routes (api/routes/team.ts): documented in the
 * OpenAPI document (the code exchange public like Conductor's, "who am I" with a bearer), served
 * on a team server, and 404 on a folder that is no team server.
 */
let team: TeamHost;
let plain: TestHost;
let adaId = '';
beforeAll(async () => {
  [team, plain] = await Promise.all([startTeamHost(), startTestHost()]);
  adaId = (await team.join('ada@example.com', 'a long enough passphrase')).userId;
});
afterAll(async () => {
  await Promise.all([team.stop(), plain.stop()]);
});

describe('team device routes', () => {
  it('are in the OpenAPI document: the token exchange public (security []), the device route with a read bearer', async () => {
    const doc = (await http(plain.port, 'GET', '/api/v1/openapi.json')).json() as { paths: Record<string, Record<string, { security?: unknown; requestBody?: unknown; responses: Record<string, unknown> }>> };
    expect(doc.paths['/api/v1/team/token']!.post).toMatchObject({ security: [], requestBody: { content: { 'application/json': { schema: { properties: { code: {}, code_verifier: {} } } } } } });
    expect(Object.keys(doc.paths['/api/v1/team/token']!.post!.responses)).toEqual(expect.arrayContaining(['200', '401', '429']));
    expect(doc.paths['/api/v1/team/device']!.get).toMatchObject({ security: [{ bearer: ['read'] }] });
  });

  it('the exchange needs no key; a wrong code is 401 naming code; on a folder that is no team server it is 404', async () => {
    const wrong = await team.call('POST', '/api/v1/team/token', { code: 'x'.repeat(43), code_verifier: 'y'.repeat(43) }, null, { origin: '' });
    expect(wrong.status).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'unauthenticated', field: 'code' });
    const elsewhere = await http(plain.port, 'POST', '/api/v1/team/token', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'x', code_verifier: 'y' }) });
    expect(elsewhere.status).toBe(404);
  });

  it('says who a device token or a key stands for; a revoked token (DELETE, the device itself) is refused at once', async () => {
    const { token, device } = issueDeviceToken(team.host.workspace.store, team.host.workspace.clock, adaId, 'Ada laptop');
    const asDevice = await team.call('GET', '/api/v1/team/device', undefined, null, { authorization: `Bearer ${token}` });
    expect(asDevice.json()).toMatchObject({ member: { email: 'ada@example.com' }, deviceId: device.id, team: { publicUrl: team.origin } });
    const key = createKey(team.owner, { userEmail: team.owner.actor.email, label: 'script', scopes: ['read'] }).key;
    const asKey = await team.call('GET', '/api/v1/team/device', undefined, null, { authorization: `Bearer ${key}` });
    expect(asKey.json()).toMatchObject({ member: { id: team.owner.actor.id }, deviceId: null });
    expect((await team.call('DELETE', '/api/v1/team/device', undefined, null, { authorization: `Bearer ${token}` })).status).toBe(204);
    expect((await team.call('GET', '/api/v1/team/device', undefined, null, { authorization: `Bearer ${token}` })).status).toBe(401);
    expect((await team.call('DELETE', '/api/v1/team/device', undefined, null, { authorization: `Bearer ${token}` })).status).toBe(401);
  });
});
