/**
 * IPC and bridge channel inputs refuse members their schema does not read (core/handlers.ts
 * dispatch, with core/unknown-fields.ts, the rule native HTTP bodies follow too): a matrix over
 * every channel with an input schema, then the case that changed nothing before, through the
 * real bridge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT } from '../../../../src/main/core/channel-map';
import type { Channel } from '../../../../src/shared/contract/channels';
import type { Ctx } from '../../../../src/main/core/context';
import { dispatch } from '../../../../src/main/core/handlers';
import { acceptedFields } from '../../../../src/main/core/unknown-fields';
import { startBridgeHost, type BridgeHost } from '../../../helpers/host';

const UNKNOWN = 'zzNotAField';
const channels = Object.keys(CONTRACT) as Channel[];
const strict = channels.filter((c) => acceptedFields(CONTRACT[c]) !== undefined);

describe('every channel with an input schema refuses an unknown member', () => {
  it('covers the channels (a floor, so a schema change that hid them all fails here)', () => {
    expect(strict.length).toBeGreaterThan(channels.length * 0.9);
    expect(strict).toEqual(expect.arrayContaining(['prompts:set-api', 'refine:start', 'refine:save', 'runs:start', 'versions:save', 'logs:rate']));
  });

  for (const channel of strict) {
    it(channel, async () => {
      let called = false;
      const handlers = new Proxy({}, { get: () => () => ((called = true), null) }) as unknown as Parameters<typeof dispatch>[0];
      // Alone, and beside every member the schema does read: refused either way, naming it.
      for (const input of [{ [UNKNOWN]: 1 }, { ...Object.fromEntries([...acceptedFields(CONTRACT[channel])!].map((k) => [k, undefined])), [UNKNOWN]: 1 }]) {
        const result = await dispatch(handlers, {} as Ctx, channel, input);
        expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', field: UNKNOWN } });
      }
      expect(called).toBe(false);
    });
  }
});

describe('through the bridge', () => {
  let h: BridgeHost;
  beforeAll(async () => {
    h = await startBridgeHost();
  });
  afterAll(() => h.stop());

  it('prompts:set-api with a misspelt field is refused naming it, and changes nothing', async () => {
    const created = await h.bridge('prompts:create', { name: 'rt', title: 'Round trip' });
    expect(created.json()).toMatchObject({ ok: true });
    const before = (await h.bridge('prompts:get', { name: 'rt' })).json() as { ok: true; value: { apiAccess: boolean } };
    const refused = (await h.bridge('prompts:set-api', { name: 'rt', enabled: !before.value.apiAccess })).json();
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'enabled' } });
    expect((refused as { error: { message: string } }).error.message).toContain('"apiAccess"');
    const after = (await h.bridge('prompts:get', { name: 'rt' })).json() as { ok: true; value: { apiAccess: boolean } };
    expect(after.value.apiAccess).toBe(before.value.apiAccess);
    // The right field still works.
    expect((await h.bridge('prompts:set-api', { name: 'rt', apiAccess: !before.value.apiAccess })).json()).toMatchObject({ ok: true, value: { apiAccess: !before.value.apiAccess } });
  });
});
