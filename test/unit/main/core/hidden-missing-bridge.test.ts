/**
 * Issue 10 item 7 through the app's own door: every contract channel (IPC and the headless
 * bridge dispatch the same handlers) that takes a prompt name answers a prompt the member may
 * not see exactly like a name that never existed. The channel list is iterated, so a new
 * channel taking a name is covered without editing this test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT } from '../../../../src/main/core/channel-map';
import type { Channel } from '../../../../src/shared/contract/channels';
import { dispatch } from '../../../../src/main/core/handlers';
import { serviceHandlers } from '../../../helpers/handlers';
import type { Ctx } from '../../../../src/main/core/context';
import { member, seedPrompt, testWorkspace } from '../../../helpers/workspace';
import { setSharingLevel } from '../../../../src/main/core/sharing/sharing-service';
import fc from 'fast-check';
import { requirePrompt } from '../../../../src/main/core/sharing/access';
import { setApiSettings } from '../../../../src/main/core/prompts/prompts-service';
import { ACTIONS } from '../../../../src/shared/schemas/sharing';
import { KEY_SCOPES, type ApiKeyInfo } from '../../../../src/shared/schemas/users';
import type { ApiVia } from '../../../../src/main/core/context';

const HIDDEN = 'bob-private';
const MISSING = 'never-existed';
const VISIBLE = 'bob-visible';

/** One input that every channel's schema can take (schemas drop keys they do not know). */
const candidate = (name: string) => ({
  name,
  number: 1,
  version: 1,
  from: 1,
  to: 2,
  level: 'library_edit',
  email: 'carol@example.com',
  permission: 'view',
  title: 'Title',
  template: { kind: 'text', text: 'Probe {{who}}' },
  variables: { who: 'x' },
  notes: '',
  caseName: 'case',
  id: '00000000-0000-4000-8000-000000000000',
  apiAccess: true,
  prompt: name,
  filter: { prompt: name },
  format: 'csv',
});

/** Logs filters take dates, not version numbers, in from/to: they get a filter of their own. */
const CANDIDATES = [candidate, (name: string) => ({ prompt: name }), (name: string) => ({ filter: { prompt: name }, format: 'csv' })];

/** The input for a channel that carries the prompt name (as `name`, `prompt` or `filter.prompt`), if any. */
function inputFor(channel: Channel, name: string): unknown {
  for (const make of CANDIDATES) {
    const parsed = CONTRACT[channel].safeParse(make(HIDDEN));
    if (parsed.success && JSON.stringify(parsed.data).includes(HIDDEN)) return make(name);
  }
  return undefined;
}

function nameChannels(): Channel[] {
  return (Object.keys(CONTRACT) as Channel[]).filter((channel) => inputFor(channel, HIDDEN) !== undefined);
}

/** Channels that create under the given name: a never-used name is created, not refused. */
const CREATES = new Set<Channel>(['prompts:create']);
/** Channels whose `name` is a member's display name, not a prompt's. */
const NOT_A_PROMPT = new Set<Channel>(['users:add']);

let t: ReturnType<typeof testWorkspace>;
let alice: Ctx;
const handlers = serviceHandlers();

beforeAll(() => {
  t = testWorkspace();
  const bob = member(t.owner, 'bob@example.com', 'Bob');
  alice = member(t.owner, 'alice@example.com', 'Alice');
  member(t.owner, 'carol@example.com', 'Carol');
  seedPrompt(bob, HIDDEN, 'Secret {{who}}');
  seedPrompt(bob, VISIBLE, 'Visible {{who}}');
  setSharingLevel(bob, { name: VISIBLE, level: 'library_view' });
});
afterAll(() => t.cleanup());

describe('bridge / IPC channels: hidden = missing', () => {
  it('finds the channels that take a prompt name', () => {
    const channels = nameChannels();
    // A floor, so a schema change that hid every channel from this test fails it.
    expect(channels).toEqual(expect.arrayContaining(['prompts:get', 'versions:get', 'versions:list', 'versions:compare', 'runs:prepare', 'runs:start', 'logs:list', 'logs:stats', 'sharing:get']));
  });

  for (const channel of nameChannels()) {
    if (CREATES.has(channel) || NOT_A_PROMPT.has(channel)) continue;
    it(channel, async () => {
      const hidden = await dispatch(handlers, alice, channel, inputFor(channel, HIDDEN));
      const missing = await dispatch(handlers, alice, channel, inputFor(channel, MISSING));
      expect(hidden).toEqual(missing);
      expect(hidden.ok).toBe(false);
      expect(JSON.stringify(hidden)).not.toContain(HIDDEN);
    });
  }

  it('prompts:create under a name in use: one answer whether the holder is hidden or visible', async () => {
    const hidden = await dispatch(handlers, alice, 'prompts:create', { name: HIDDEN, title: 'Mine' });
    const visible = await dispatch(handlers, alice, 'prompts:create', { name: VISIBLE, title: 'Mine' });
    expect(hidden).toEqual(visible);
    expect(hidden).toMatchObject({ ok: false, error: { code: 'conflict', field: 'name' } });
    expect(JSON.stringify(hidden)).not.toContain(HIDDEN);
  });
});

describe('requirePrompt, the one rule every door calls: a property over names, actions and callers', () => {
  it('refuses a hidden prompt exactly as a name never used, whatever the name, action, scopes or key', () => {
    const name = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,30}$/);
    const via = fc.oneof(
      fc.constant<ApiVia | undefined>(undefined),
      fc.record({ loopback: fc.boolean() }).map(({ loopback }): ApiVia => ({ kind: 'api', key: null, loopback })),
      fc.subarray([...KEY_SCOPES]).map((scopes): ApiVia => ({ kind: 'api', key: { id: 'k', userId: alice.actor.id, label: 'k', prefix: 'pd_x', scopes, createdAt: '', lastUsedAt: null, expiresAt: null, revokedAt: null } satisfies ApiKeyInfo, loopback: true })),
    );
    let n = 0;
    fc.assert(
      fc.property(name, fc.constantFrom(...ACTIONS), via, fc.constantFrom('private', 'api-off'), (base, action, how, hiddenHow) => {
        const hidden = `h${n++}-${base}`.slice(0, 100);
        const missing = `m${n}-${base}`.slice(0, 100);
        const bob = { ...t.owner, actor: t.workspace.store.users.getByEmail('bob@example.com')! };
        seedPrompt(bob, hidden, 'Secret {{who}}', { api: hiddenHow === 'private' });
        // API off: in the library for everyone, absent for every API caller.
        if (hiddenHow === 'api-off') setSharingLevel(bob, { name: hidden, level: 'library_view' });
        // Keyless callers are refused by the prompt's own keyless rule (key required by default).
        else setApiSettings(bob, { name: hidden, apiAccess: true });
        if (hiddenHow === 'api-off' && how === undefined) return; // visible in the app: not hidden
        const ctx: Ctx = { ...alice, via: how };
        const outcome = (target: string) => {
          try {
            requirePrompt(ctx, target, action);
            return 'allowed';
          } catch (error) {
            return JSON.stringify(error);
          }
        };
        const refusal = outcome(hidden);
        expect(refusal).toBe(outcome(missing));
        expect(refusal).not.toContain(hidden);
      }),
      { numRuns: 200 },
    );
  });
});
