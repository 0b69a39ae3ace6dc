import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_MAP, CHANNELS, CONTRACT } from '../../../src/shared/contract/contract';
import { buildDesktopApi } from '../../../src/shared/contract/desktop-api';
import { registerIpc } from '../../../src/main/ipc/register';
import { isChannel } from '../../../src/main/core/handlers';
import viteConfig from '../../../electron.vite.config';
import { serviceHandlers } from '../../helpers/handlers';
import { startBridgeHost, type BridgeHost } from '../../helpers/host';

// A new channel is declared once, in CHANNEL_MAP (shared/contract/contract.ts), and its handler
// in core/handlers.ts (the compiler asks for it). Every door must expose exactly the map's names.
const MAP_NAMES = Object.keys(CHANNEL_MAP).sort();
/** Names next to real ones that no door may answer: a typo, another area, prototype keys. */
const NOT_CHANNELS = ['prompts:lists', 'prompts:', ':list', 'prompts', 'admin:eval', '__proto__', 'constructor', 'toString', 'hasOwnProperty'];

describe('every door exposes exactly the channel map', () => {
  it('the channel list and the input schemas come from the map', () => {
    expect([...CHANNELS].sort()).toEqual(MAP_NAMES);
    expect(Object.keys(CONTRACT).sort()).toEqual(MAP_NAMES);
    for (const channel of CHANNELS) expect(CONTRACT[channel]).toBe(CHANNEL_MAP[channel].input);
  });

  it('the preload whitelist (inlined at build time) is the map', () => {
    const preload = viteConfig.preload as { define?: Record<string, string> };
    const inlined = JSON.parse(preload.define?.['__PROMPTDESK_CHANNELS__'] ?? '[]') as string[];
    expect([...inlined].sort()).toEqual(MAP_NAMES);
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
