import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridgeHost, type BridgeHost } from '../../../helpers/host';
import { http } from '../../../helpers/http';
import { probeTeamServer } from '../../../../src/main/core/team/team-link-service';

// The page asks every host whether it is a team server (renderer lib/team.ts teamStatus). A plain
// `promptdesk serve` (headless/bridge.ts) answers "no" as a normal status, so a page load logs no
// 404 in the console (attack 15b F9), and Join still refuses it as not a team server.
let t: BridgeHost;
beforeAll(async () => {
  t = await startBridgeHost();
});
afterAll(() => t.stop());

describe('GET /team/status on a host that is not a team server', () => {
  it('answers 200 { team: null, member: null }, not stored, with or without a session', async () => {
    const asked: Record<string, string>[] = [{}, { 'x-promptdesk-session': t.ownerToken }];
    for (const headers of asked) {
      const res = await http(t.port, 'GET', '/team/status', { headers });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.json()).toEqual({ team: null, member: null });
    }
  });

  it('Join a team refuses it as not a team server, at the field', async () => {
    await expect(probeTeamServer(`http://127.0.0.1:${t.port}`)).rejects.toMatchObject({ field: 'serverUrl', message: expect.stringContaining('not a Promptdesk team server') });
  });
});
