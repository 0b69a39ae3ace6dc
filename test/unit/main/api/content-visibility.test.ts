/**
 * Issue 10 item 6, the "content visibility" dimension of the permission matrix: for every sharing
 * level x actor, a prompt's text (template, rendered messages, other versions, compare, logged
 * messages, the chat turn) reaches exactly the actors SEES_TEXT lists, through every door: the
 * services as the bridge/IPC dispatch them, the native HTTP API and the compat APIs. Everyone
 * who may run still gets the model's output, their own variables and their run's log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS, SEES_TEXT, expected, type Actor } from '../../../fixtures/permission-matrix';
import { buildMatrixWorld, deactivate, shareAsInMatrix } from '../../../helpers/matrix-world';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { http } from '../../../helpers/http';
import { DEFAULT_RATE_LIMITS } from '../../../../src/main/api/rate-limit';
import { startFakeProvider, type FakeProvider } from '../../../helpers/fake-provider';
import { createKey } from '../../../../src/main/core/keys/keys-service';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { createPrompt } from '../../../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../../../src/main/core/versions/versions-service';
import { promoteVersion } from '../../../../src/main/core/versions/lifecycle';
import { dispatch } from '../../../../src/main/core/handlers';
import { serviceHandlers } from '../../../helpers/handlers';
import type { Channel } from '../../../../src/shared/contract/channels';
import type { Ctx } from '../../../../src/main/core/context';
import { SaveIntegrationInput } from '../../../../src/shared/schemas/integrations';
import { CreatePromptInput, SaveVersionInput } from '../../../../src/shared/schemas/prompts';
import { SHARING_LEVELS, type SharingLevel } from '../../../../src/shared/schemas/sharing';
import type { User } from '../../../../src/shared/schemas/users';

/** Every word of the template carries this mark, so any leak of its text is found by a substring. */
const MARK = 'TEMPLATETEXT';
const textPrompt = (level: SharingLevel) => `text-${level}`.replace(/_/g, '-');

/** A door's answer: did it succeed, and its text with the model's own output taken out. */
interface Seen {
  ok: boolean;
  text: string;
}

interface Caller {
  actor: Actor;
  ctx: Ctx;
  key: string;
  name: string;
  id: string;
}

/** What a model wrote is the member's to see: drop it before looking for template text. */
function withoutOutput(value: unknown): string {
  return JSON.stringify(value, (k, v: unknown) => (k === 'output' || k === 'outputPreview' ? undefined : v));
}

let t: TestHost;
let provider: FakeProvider;
let users: Record<Actor, User>;
const keys = {} as Record<Actor, string>;
const handlers = serviceHandlers();

async function api(c: Caller, method: string, path: string, body?: unknown): Promise<Seen> {
  const res = await http(t.port, method, path, {
    headers: { authorization: `Bearer ${c.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { ok: res.status < 300, text: res.headers['content-type']?.includes('json') ? withoutOutput(JSON.parse(res.text)) : res.text };
}

async function bridge(c: Caller, channel: Channel, input: unknown): Promise<Seen> {
  const result = await dispatch(handlers, c.ctx, channel, input);
  if (result.ok && channel === 'runs:start') await finish(c, (result.value as { runId: string }).runId);
  return { ok: result.ok, text: withoutOutput(result) };
}

async function finish(c: Caller, runId: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const progress = await dispatch(handlers, c.ctx, 'runs:watch', { runId, cursor: 0 });
    if (!progress.ok || progress.value.status !== 'running') return;
  }
}

/**
 * Every door that shows a prompt's text to whoever may read it. `reveals`: a reader gets the
 * text there (so the check cannot pass by answering nothing); a non-reader never does.
 */
const TEXT_DOORS: Record<string, (c: Caller) => Promise<Seen>> = {
  'bridge prompts:get': (c) => bridge(c, 'prompts:get', { name: c.name }),
  'bridge versions:get (served)': (c) => bridge(c, 'versions:get', { name: c.name, number: 1 }),
  'bridge versions:get (draft)': (c) => bridge(c, 'versions:get', { name: c.name, number: 2 }),
  'bridge versions:compare': (c) => bridge(c, 'versions:compare', { name: c.name, from: 1, to: 2 }),
  'GET /api/v1/prompts/{name}': (c) => api(c, 'GET', `/api/v1/prompts/${c.name}`),
  'GET /api/v1/prompts/{name}?version=2': (c) => api(c, 'GET', `/api/v1/prompts/${c.name}?version=2`),
  'POST render': (c) => api(c, 'POST', `/api/v1/prompts/${c.name}/render`, { variables: { who: 'x' } }),
  'POST render?version=2': (c) => api(c, 'POST', `/api/v1/prompts/${c.name}/render?version=2`, { variables: { who: 'x' } }),
  'GET versions/{n}': (c) => api(c, 'GET', `/api/v1/prompts/${c.name}/versions/2`),
  'GET compare': (c) => api(c, 'GET', `/api/v1/prompts/${c.name}/compare?from=1&to=2`),
  'openwebui GET prompt': (c) => api(c, 'GET', `/compat/openwebui/api/prompts/id/${c.id}`),
  'respan GET versions': (c) => api(c, 'GET', `/compat/respan/api/prompts/${c.id}/versions/`),
  'respan GET version': (c) => api(c, 'GET', `/compat/respan/api/prompts/${c.id}/versions/1/`),
};

/** Doors every runner uses: they must work for whoever may run, and never carry text to a non-reader. */
const RUN_DOORS: Record<string, (c: Caller) => Promise<Seen>> = {
  'bridge runs:prepare': (c) => bridge(c, 'runs:prepare', { name: c.name }),
  'bridge runs:start (chat turn, no display message)': (c) => bridge(c, 'runs:start', { name: c.name, variables: { who: 'x' }, model: 'local:echo' }),
  'POST run': (c) => api(c, 'POST', `/api/v1/prompts/${c.name}/run`, { variables: { who: 'x' }, model: 'local:echo' }),
};

beforeAll(async () => {
  provider = await startFakeProvider();
  // The deactivated actor's calls are failed authentications; their per-address budget is not under test.
  t = await startTestHost({ limits: { ...DEFAULT_RATE_LIMITS, failedAuthPerMinute: 1_000_000 } });
  saveIntegration(t.owner, SaveIntegrationInput.parse({ name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo'] }));
  users = buildMatrixWorld(t.owner);
  const owner: Ctx = { ...t.owner, actor: users.owner };
  for (const level of SHARING_LEVELS) {
    const name = textPrompt(level);
    createPrompt(owner, CreatePromptInput.parse({ name, title: `Title ${level}` }));
    const chat = (tag: string) => ({
      kind: 'chat' as const,
      messages: [
        { role: 'system' as const, content: `${MARK} ${tag} system words` },
        { role: 'user' as const, content: `${MARK} ${tag} asks about {{who}}` },
      ],
    });
    saveVersion(owner, SaveVersionInput.parse({ name, template: chat('served') }));
    promoteVersion(owner, { name, number: 1, notes: '' });
    // Version 2 stays an unpublished draft: a run-only member must not reach it by number.
    saveVersion(owner, SaveVersionInput.parse({ name, template: chat('draft') }));
    shareAsInMatrix(owner, name, level, users);
  }
  for (const actor of ACTORS) keys[actor] = createKey(t.owner, { userEmail: users[actor].email, label: actor }).key;
  deactivate(t.owner, users);
});
afterAll(async () => {
  await t.stop();
  await provider.close();
});

const callerFor = (level: SharingLevel, actor: Actor): Caller => {
  const name = textPrompt(level);
  return {
    actor,
    name,
    key: keys[actor],
    id: t.owner.store.prompts.getRowByName(name)!.id,
    ctx: { ...t.owner, actor: t.owner.store.users.get(users[actor].id)! },
  };
};

describe('content visibility: template text reaches exactly the actors SEES_TEXT lists', () => {
  for (const level of SHARING_LEVELS) {
    for (const actor of ACTORS) {
      it(`${level} x ${actor}`, async () => {
        const c = callerFor(level, actor);
        const reader = SEES_TEXT[level][actor];
        const mayRun = expected(level, actor, 'run') === 'Y';
        const leaks: string[] = [];
        const blind: string[] = [];
        for (const [door, call] of Object.entries(TEXT_DOORS)) {
          const seen = await call(c);
          if (reader && !(seen.ok && seen.text.includes(MARK))) blind.push(door);
          if (!reader && seen.text.includes(MARK)) leaks.push(door);
        }
        for (const [door, call] of Object.entries(RUN_DOORS)) {
          const seen = await call(c);
          if (mayRun && !seen.ok) blind.push(door);
          if (!reader && seen.text.includes(MARK)) leaks.push(door);
        }
        expect({ leaks, blind }).toEqual({ leaks: [], blind: [] });
      });
    }
  }
});

describe('a run-only member', () => {
  const runOnly = () => callerFor('chat_only', 'otherMember');

  it('runs only the version the door serves: another number, the draft included, is a 403 naming version', async () => {
    const c = runOnly();
    const res = await http(t.port, 'POST', `/api/v1/prompts/${c.name}/run`, {
      headers: { authorization: `Bearer ${c.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ variables: { who: 'x' }, model: 'local:echo', version: 2 }),
    });
    expect(res.status).toBe(403);
    expect(res.json()).toMatchObject({ field: 'version' });
    const served = await http(t.port, 'POST', `/api/v1/prompts/${c.name}/run`, {
      headers: { authorization: `Bearer ${c.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ variables: { who: 'x' }, model: 'local:echo', version: 1 }),
    });
    expect(served.status).toBe(200);
  });

  it('sees their own variables and the output of their run in its log, never the messages', async () => {
    const c = runOnly();
    const run = await http(t.port, 'POST', `/api/v1/prompts/${c.name}/run`, {
      headers: { authorization: `Bearer ${c.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ variables: { who: 'Ada' }, model: 'local:echo' }),
    });
    const { runId, output } = run.json();
    for (const detail of [
      (await http(t.port, 'GET', `/api/v1/logs/${runId}`, { headers: { authorization: `Bearer ${c.key}` } })).json(),
      ((await dispatch(handlers, c.ctx, 'logs:get', { id: runId })) as { value: unknown }).value,
    ]) {
      expect(detail).toMatchObject({ variables: { who: 'Ada' }, output, messages: null, messagesWithheld: true });
    }
    // Their own runs of it are listed under the prompt filter; the prompt's other runs are not theirs.
    const list = await dispatch(handlers, c.ctx, 'logs:list', { prompt: c.name });
    expect(list.ok && list.value.items.length > 0 && list.value.items.every((e) => e.user?.id === c.ctx.actor.id)).toBe(true);
    // The owner still sees the messages of the same run.
    const asOwner = await dispatch(handlers, callerFor('chat_only', 'owner').ctx, 'logs:get', { id: runId });
    expect(asOwner.ok && JSON.stringify(asOwner.value.messages)).toContain(MARK);
  });

  it('gets a chat turn of their own variables, or "Ran <title>" with none', async () => {
    const c = runOnly();
    const started = await dispatch(handlers, c.ctx, 'runs:start', { name: c.name, variables: { who: 'Ada' }, model: 'local:echo' });
    expect(started).toMatchObject({ ok: true, value: { displayText: 'who: Ada' } });
    if (started.ok) await finish(c, started.value.runId);
  });

  it('does not find the prompt by words of its template in the chat launcher, only by its title', async () => {
    const c = runOnly();
    const byText = await dispatch(handlers, c.ctx, 'prompts:runnable', { query: MARK });
    const byTitle = await dispatch(handlers, c.ctx, 'prompts:runnable', { query: 'Title chat_only' });
    expect(byText.ok && byText.value.items.map((p) => p.name)).toEqual([]);
    expect(byTitle.ok && byTitle.value.items.map((p) => p.name)).toContain(c.name);
  });
});
