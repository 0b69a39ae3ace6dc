/**
 * Issue 13 attack N4: how many times the data layer asks the bridge for the same thing. A fake
 * bridge (lib/api mocked) counts calls per channel while the renderer's own query client
 * (lib/query-client.ts) and query factories do what opening a prompt's page does: the editor's
 * load and its follower, the test panel's load (runnable, versions + deployment, integrations),
 * then the components that mount with the answers (TestInputs' versions, the model picker's and
 * the launcher note's integrations). Then one change event, as live-refresh applies it, with two
 * components showing the same list. Each thing is fetched once.
 */
import { QueryObserver } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChangeEvent } from '../../../src/shared/schemas/changes';

const calls = new Map<string, number>();
const answer = (channel: string, value: unknown) => () => {
  calls.set(channel, (calls.get(channel) ?? 0) + 1);
  return Promise.resolve({ ok: true, value });
};

vi.mock('../../../src/renderer/src/lib/api', () => ({
  ApiError: class extends Error {},
  unwrap: async (pending: Promise<{ ok: boolean; value?: unknown; error?: unknown }>) => {
    const result = await pending;
    if (!result.ok) throw new Error('refused');
    return result.value;
  },
  api: {
    prompts: { get: answer('prompts:get', { name: 'ui-shared', latest: null, allowed: ['read', 'edit', 'run'] }) },
    runs: { prepare: answer('runs:prepare', { models: ['fake:echo'], version: 1 }) },
    versions: { list: answer('versions:list', []) },
    deployment: { get: answer('deployment:get', { servedVersion: null }) },
    integrations: { list: answer('integrations:list', []) },
    keys: { list: answer('keys:list', []) },
    users: { list: answer('users:list', []) },
  },
}));
vi.mock('../../../src/renderer/src/lib/bridge', () => ({ bridgeAuthHeaders: () => ({}) }));
// The store reads the page's location when created; the hooks that use it are not under test.
vi.mock('../../../src/renderer/src/state/store', () => ({ useAppStore: () => undefined }));

// Loaded by computed paths: their types pull in the browser's globals, which the test typecheck (Node) has not.
const SRC = '../../../src/renderer/src';
const load = async <T>(module: string) => (await import(/* @vite-ignore */ `${SRC}/${module}`)) as T;
type Options = { queryKey: readonly unknown[]; queryFn: () => Promise<unknown> };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { queryClient } = await load<{ queryClient: any }>('lib/query-client');
const { promptQuery } = await load<{ promptQuery: (n: string) => Options }>('state/prompt-detail');
const { runnableQuery } = await load<{ runnableQuery: (n: string) => Options }>('state/run-queries');
const { versionsQuery } = await load<{ versionsQuery: (n: string) => Options }>('state/versions-queries');
const { integrationsQuery, keysQuery } = await load<{ integrationsQuery: Options; keysQuery: Options }>('state/workspace-queries');
const { refetchKeys } = await load<{ refetchKeys: (events: ChangeEvent[]) => (readonly unknown[])[] }>('state/live-refresh');
const { applyRefetch } = await load<{ applyRefetch: (keys: (readonly unknown[])[], client: unknown) => void }>('state/live-refresh-apply');

const observers: (() => void)[] = [];
/** A component showing `options` (what useQuery does on mount). */
function mount(options: Options): void {
  const observer = new QueryObserver(queryClient, options);
  observers.push(observer.subscribe(() => undefined));
}
const settle = async () => {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setTimeout(resolve, 0));
  await vi.waitFor(() => expect(queryClient.isFetching()).toBe(0));
};
const counts = () => Object.fromEntries([...calls].sort());

afterEach(() => {
  for (const stop of observers.splice(0)) stop();
  queryClient.clear();
  calls.clear();
});

/** Opening ui-shared's page, in the order the page does it. */
async function openPrompt(name: string): Promise<void> {
  // EditorScreen: editor.load's fetchQuery, and useFollowPrompt's observer.
  const loading = queryClient.fetchQuery(promptQuery(name));
  mount(promptQuery(name));
  await loading;
  // The editor shows: the test panel loads what running needs.
  await Promise.allSettled([queryClient.fetchQuery(runnableQuery(name)), queryClient.fetchQuery(versionsQuery(name)), queryClient.fetchQuery(integrationsQuery)]);
  // Then its inputs (the version select), the model picker and the launcher note mount with the answers.
  mount(versionsQuery(name));
  mount(integrationsQuery);
  mount(integrationsQuery);
  await settle();
}

describe('fetches per action (a fake bridge counts them)', () => {
  it('opening one prompt asks each thing once', async () => {
    await openPrompt('ui-shared');
    console.info('open one prompt:', counts());
    expect(counts()).toEqual({ 'deployment:get': 1, 'integrations:list': 1, 'prompts:get': 1, 'runs:prepare': 1, 'versions:list': 1 });
  });

  it('switching back and forth between prompts quickly reads the workspace integrations once', async () => {
    for (const name of ['a', 'b', 'a', 'b', 'a', 'b']) {
      for (const stop of observers.splice(0)) stop();
      await openPrompt(name);
    }
    console.info('6 quick switches between 2 prompts:', counts());
    expect(calls.get('integrations:list')).toBe(1);
    expect(calls.get('versions:list')).toBe(2);
    expect(calls.get('deployment:get')).toBe(2);
    // The prompt itself is read afresh on each opening (as before): once per switch, never twice.
    expect(calls.get('prompts:get')).toBe(6);
  });

  it('one event refetches each list on screen once, however many components show it', async () => {
    mount(keysQuery);
    mount(keysQuery);
    await openPrompt('ui-shared');
    calls.clear();
    const event = { seq: 1, kind: 'key.changed', at: '' } as unknown as ChangeEvent;
    applyRefetch(refetchKeys([event]), queryClient);
    await settle();
    const saved = { seq: 2, kind: 'version.saved', prompt: { name: 'ui-shared' }, at: '' } as unknown as ChangeEvent;
    applyRefetch(refetchKeys([saved]), queryClient);
    await settle();
    console.info('key.changed then version.saved:', counts());
    // (runs:prepare has no component showing it: it is marked stale and read at the next run.)
    expect(counts()).toEqual({ 'deployment:get': 1, 'keys:list': 1, 'prompts:get': 1, 'versions:list': 1 });
  });
});
