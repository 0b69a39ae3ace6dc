import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_MAP, CHANNELS, CONTRACT } from '../../../src/main/core/channel-map';
import { buildDesktopApi } from '../../../src/shared/contract/desktop-api';
import { registerIpc } from '../../../src/main/ipc/register';
import { createHandlers, isChannel } from '../../../src/main/core/handlers';
import { HOST_CHANNELS } from '../../../src/main/core/host-channels';
import { PROMPTS_CHANNELS } from '../../../src/main/core/prompts/prompts-channels';
import { VERSIONS_CHANNELS } from '../../../src/main/core/versions/versions-channels';
import { SHARING_CHANNELS } from '../../../src/main/core/sharing/sharing-channels';
import { RENDER_CHANNELS } from '../../../src/main/core/render/render-channels';
import { USERS_CHANNELS } from '../../../src/main/core/users/users-channels';
import { KEYS_CHANNELS } from '../../../src/main/core/keys/keys-channels';
import { INTEGRATIONS_CHANNELS } from '../../../src/main/core/integrations/integrations-channels';
import { RUNS_CHANNELS } from '../../../src/main/core/runs/runs-channels';
import { REFINE_CHANNELS } from '../../../src/main/core/refine/refine-channels';
import { LOGS_CHANNELS } from '../../../src/main/core/logs/logs-channels';
import { READINESS_CHANNELS } from '../../../src/main/core/readiness/readiness-channels';
import { SYNC_CHANNELS } from '../../../src/main/core/sync/sync-channels';
import { TEAM_CHANNELS } from '../../../src/main/core/team/team-channels';
import { TELEMETRY_CHANNELS } from '../../../src/main/core/telemetry/telemetry-channels';
import viteConfig from '../../../electron.vite.config';
import { serviceHandlers } from '../../helpers/handlers';
import { startBridgeHost, type BridgeHost } from '../../helpers/host';

// A new channel is declared once, in its area's <area>-channels.ts (input schema and handler),
// combined into CHANNEL_MAP (core/channel-map.ts). Every door must expose exactly the map's names.
const MAP_NAMES = Object.keys(CHANNEL_MAP).sort();
/** Names next to real ones that no door may answer: a typo, another area, prototype keys. */
const NOT_CHANNELS = ['prompts:lists', 'prompts:', ':list', 'prompts', 'admin:eval', '__proto__', 'constructor', 'toString', 'hasOwnProperty'];

describe('every door exposes exactly the channel map', () => {
  it('the channel list and the input schemas come from the map', () => {
    expect([...CHANNELS].sort()).toEqual(MAP_NAMES);
    expect(Object.keys(CONTRACT).sort()).toEqual(MAP_NAMES);
    for (const channel of CHANNELS) expect(CONTRACT[channel]).toBe(CHANNEL_MAP[channel].input);
  });

  it('no area declares a channel another area declares too (a spread would silently keep one)', () => {
    const areas = [HOST_CHANNELS, PROMPTS_CHANNELS, VERSIONS_CHANNELS, SHARING_CHANNELS, RENDER_CHANNELS, USERS_CHANNELS, KEYS_CHANNELS, INTEGRATIONS_CHANNELS, RUNS_CHANNELS, REFINE_CHANNELS, LOGS_CHANNELS, READINESS_CHANNELS, SYNC_CHANNELS, TEAM_CHANNELS, TELEMETRY_CHANNELS];
    const declared = areas.flatMap((area) => Object.keys(area));
    expect(declared.sort()).toEqual(MAP_NAMES);
  });

  it('the handlers are the map\'s, one per channel', () => {
    const handlers = createHandlers({ appInfo: () => ({}) as never, configureApi: () => Promise.resolve({}) as never, switchMember: () => ({}) as never });
    expect(Object.keys(handlers).sort()).toEqual(MAP_NAMES);
  });

  it('the preload whitelist and the renderer bridge\'s names (inlined at build time) are the map', () => {
    for (const side of ['preload', 'renderer'] as const) {
      const config = viteConfig[side] as { define?: Record<string, string> };
      const inlined = JSON.parse(config.define?.['__PROMPTDESK_CHANNELS__'] ?? '[]') as string[];
      expect([...inlined].sort(), side).toEqual(MAP_NAMES);
    }
  });

  it('the named API (preload and browser bridge) has one method per channel, calling that channel', async () => {
    const called: string[] = [];
    const api = buildDesktopApi(CHANNELS, (channel) => {
      called.push(channel);
      return Promise.resolve({ ok: true, value: null });
    });
    const methods = Object.values(api as unknown as Record<string, Record<string, () => Promise<unknown>>>).flatMap((area) => Object.values(area));
    expect(methods).toHaveLength(MAP_NAMES.length);
    for (const method of methods) await method();
    expect(called.sort()).toEqual(MAP_NAMES);
  });

  it('IPC registers one handler per channel', () => {
    const registered: string[] = [];
    registerIpc({ handle: (channel: string) => void registered.push(channel) }, serviceHandlers(), {
      context: () => {
        throw new Error('not called');
      },
      trustedUrl: () => 'http://127.0.0.1:1/',
    });
    expect(registered.sort()).toEqual(MAP_NAMES);
  });

  it('the bridge gate admits the map and nothing else', () => {
    for (const channel of CHANNELS) expect(isChannel(channel), channel).toBe(true);
    for (const name of NOT_CHANNELS) expect(isChannel(name), name).toBe(false);
  });
});

describe('the headless bridge over HTTP', () => {
  let served: BridgeHost;
  beforeAll(async () => {
    served = await startBridgeHost();
  });
  afterAll(() => served.stop());

  // Without a session a known channel is 401 (it exists, the caller is nobody); an unknown one is 404 to everyone.
  it('answers every map channel (401 without a session) and 404 for any other name', async () => {
    for (const channel of CHANNELS) expect((await served.bridge(channel, {}, 'no-such-session')).status, channel).toBe(401);
    for (const name of ['prompts:lists', 'admin:eval', 'prompts', '__proto__', 'constructor', 'toString']) {
      expect((await served.bridge(name, {}, 'no-such-session')).status, name).toBe(404);
    }
  });
});
