import { describe, expect, it } from 'vitest';
import { MAX_REMEMBERED, rememberModels, rememberedModels, startingModels } from '../../../src/renderer/src/state/test-panel-models';

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data };
}

describe('remembered test panel models', () => {
  it('keeps the choice per member and prompt', () => {
    const storage = memoryStorage();
    rememberModels(storage, 'bob', 'haiku', ['oai:echo', 'claude:echo']);
    rememberModels(storage, 'ann', 'haiku', ['oai:slow']);
    expect(rememberedModels(storage, 'bob', 'haiku')).toEqual(['oai:echo', 'claude:echo']);
    expect(rememberedModels(storage, 'ann', 'haiku')).toEqual(['oai:slow']);
    expect(rememberedModels(storage, 'bob', 'other')).toBeNull();
  });

  it('forgets the oldest prompts past the limit', () => {
    const storage = memoryStorage();
    for (let i = 0; i <= MAX_REMEMBERED; i += 1) rememberModels(storage, 'bob', `p${i}`, ['a:b']);
    expect(rememberedModels(storage, 'bob', 'p0')).toBeNull();
    expect(rememberedModels(storage, 'bob', `p${MAX_REMEMBERED}`)).toEqual(['a:b']);
  });

  it('reads unreadable storage as nothing remembered, and survives a refused write', () => {
    expect(rememberedModels(memoryStorage({ 'promptdesk.testPanel.models': '{oops' }), 'bob', 'haiku')).toBeNull();
    expect(rememberedModels(memoryStorage({ 'promptdesk.testPanel.models': '[1,2]' }), 'bob', 'haiku')).toBeNull();
    const full = { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); } };
    expect(() => rememberModels(full, 'bob', 'haiku', ['a:b'])).not.toThrow();
  });
});

describe('startingModels', () => {
  const available = ['oai:echo', 'oai:slow', 'claude:echo'];
  it('keeps what is ticked now when it can still run', () => {
    expect(startingModels(available, ['claude:echo', 'gone:x'], ['oai:slow'])).toEqual(['claude:echo']);
  });
  it('else the remembered choice, in list order', () => {
    expect(startingModels(available, [], ['claude:echo', 'oai:echo'])).toEqual(['oai:echo', 'claude:echo']);
  });
  it('else the first model; none when nothing can run', () => {
    expect(startingModels(available, [], ['gone:x'])).toEqual(['oai:echo']);
    expect(startingModels(available, [], null)).toEqual(['oai:echo']);
    expect(startingModels([], ['oai:echo'], ['oai:echo'])).toEqual([]);
  });
});
