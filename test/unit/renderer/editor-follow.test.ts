/**
 * The editor's save/dirty rule when the prompt changes (editor.follow, handed each answer of the
 * prompt's query by screens/editor/use-follow-prompt.ts, which an event from elsewhere or a
 * version action here refetches): a clean draft follows the newest version; unsaved edits and
 * their base version are kept while the prompt's facts (the newest number the header shows)
 * move; this window's own save message stays; a prompt no longer found says so (editor.lost).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { create } from 'zustand';
import type { PromptDetail } from '../../../src/shared/schemas/prompts';

const world = { fresh: null as PromptDetail | null, missing: false };

vi.mock('../../../src/renderer/src/lib/api', () => {
  class ApiError extends Error {
    constructor(readonly error: { message: string; code: string; field?: string }) {
      super(error.message);
    }
    get code() {
      return this.error.code;
    }
  }
  return {
    ApiError,
    unwrap: async (pending: Promise<{ ok: boolean; value?: unknown; error?: { message: string; code: string } }>) => {
      const result = await pending;
      if (!result.ok) throw new ApiError(result.error!);
      return result.value;
    },
    api: {
      prompts: {
        get: () =>
          Promise.resolve(world.missing ? { ok: false, error: { code: 'not_found', message: 'No prompt named note' } } : { ok: true, value: structuredClone(world.fresh) }),
      },
    },
  };
});

// Loaded by a computed path: its types pull in the browser's globals, which the test typecheck (Node) has not.
const EDITOR_SLICE = '../../../src/renderer/src/state/editor-slice';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { createEditorSlice } = (await import(/* @vite-ignore */ `${EDITOR_SLICE}`)) as { createEditorSlice: (...args: any[]) => object };
const API = '../../../src/renderer/src/lib/api';
const { ApiError, api, unwrap } = (await import(/* @vite-ignore */ `${API}`)) as {
  ApiError: new (error: { message: string; code: string }) => Error;
  api: { prompts: { get(input: { name: string }): Promise<unknown> } };
  unwrap(pending: Promise<unknown>): Promise<PromptDetail>;
};

/** What the prompt's query hands the editor: the server's answer, or its refusal. */
async function followServer(store: { getState(): { editor: { follow(fresh: PromptDetail): void; lost(error: unknown): void } } }) {
  try {
    store.getState().editor.follow(await unwrap(api.prompts.get({ name: 'note' })));
  } catch (error) {
    store.getState().editor.lost(error);
  }
}

const version = (number: number, text: string) => ({
  number,
  template: { kind: 'text' as const, text },
  variables: [],
  modelSettings: {},
  status: 'draft',
  committed: false,
});
const prompt = (latest: number, text: string, extra: Partial<PromptDetail> = {}) =>
  ({ name: 'note', title: 'Note', latest: version(latest, text), latestVersion: latest, publishedVersion: null, pinnedVersion: null, allowed: ['read', 'edit', 'run'], ...extra }) as unknown as PromptDetail;

function editorStore() {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const store = create<any>()((set, get, api) => ({ ...createEditorSlice(set, get, api) }));
  store.setState((s: { editor: object }) => ({ editor: { ...s.editor, promptName: 'note' } }));
  store.getState().editor.replacePrompt(prompt(1, 'Hello'));
  return store;
}

beforeEach(() => {
  world.missing = false;
});

describe('editor.follow / editor.lost', () => {
  it('without unsaved edits, the page starts over from the newer version', async () => {
    const store = editorStore();
    world.fresh = prompt(2, 'Hello again');
    await followServer(store);
    const { editor } = store.getState();
    expect(editor.prompt.latest.number).toBe(2);
    expect(editor.draft.text).toBe('Hello again');
    expect(editor.dirty).toBe(false);
  });

  it('with unsaved edits, the draft and its base stay; the newest number moves (the header says so)', async () => {
    const store = editorStore();
    store.getState().editor.setText('My edit');
    world.fresh = prompt(2, 'Hello again', { title: 'Renamed' });
    await followServer(store);
    const { editor } = store.getState();
    expect(editor.draft.text).toBe('My edit');
    expect(editor.dirty).toBe(true);
    expect(editor.prompt.latest.number).toBe(1);
    expect(editor.prompt.latestVersion).toBe(2);
    expect(editor.prompt.title).toBe('Renamed');
  });

  it('the same version (this window saved it, or it was promoted) keeps the draft and the save message, taking its new status', async () => {
    const store = editorStore();
    store.setState((s: { editor: object }) => ({ editor: { ...s.editor, savedMessage: 'Saved version 1' } }));
    world.fresh = prompt(1, 'Hello', { publishedVersion: 1 });
    (world.fresh.latest as { status: string }).status = 'published';
    await followServer(store);
    const { editor } = store.getState();
    expect(editor.savedMessage).toBe('Saved version 1');
    expect(editor.prompt.publishedVersion).toBe(1);
    expect(editor.prompt.latest.status).toBe('published');
  });

  it('a prompt deleted or hidden elsewhere shows the not-found error, as a fresh load would', async () => {
    const store = editorStore();
    world.missing = true;
    await followServer(store);
    expect(store.getState().editor.status).toBe('error');
    expect(store.getState().editor.loadError.message).toMatch(/No prompt named note/);
  });

  it('any other failure to read the prompt again keeps the page as it was', () => {
    const store = editorStore();
    store.getState().editor.lost(new ApiError({ code: 'internal', message: 'Disk busy' }));
    expect(store.getState().editor.status).toBe('ready');
    store.getState().editor.lost(new Error('offline'));
    expect(store.getState().editor.status).toBe('ready');
  });

  it('lost with unsaved edits, then answering again (access restored): back to the editor, the draft and its base kept', async () => {
    const store = editorStore();
    store.getState().editor.setText('My edit');
    world.missing = true;
    await followServer(store);
    expect(store.getState().editor.status).toBe('error');
    world.missing = false;
    world.fresh = prompt(2, 'Newer elsewhere');
    await followServer(store);
    const { editor } = store.getState();
    expect(editor.status).toBe('ready');
    expect(editor.loadError).toBeNull();
    expect(editor.draft.text).toBe('My edit');
    expect(editor.dirty).toBe(true);
    expect(editor.prompt.latest.number).toBe(1);
    expect(editor.prompt.latestVersion).toBe(2);
  });

  it('not found without edits (a load refused it), then answering again: the page opens the prompt as it is now', () => {
    const store = editorStore();
    store.setState((s: { editor: object }) => ({ editor: { ...s.editor, status: 'error', prompt: null, loadError: { message: 'No prompt named note' } } }));
    store.getState().editor.follow(prompt(3, 'Back'));
    const { editor } = store.getState();
    expect(editor.status).toBe('ready');
    expect(editor.draft.text).toBe('Back');
    expect(editor.dirty).toBe(false);
  });

  it('an answer for another prompt (the page moved on) changes nothing, even on a lost page', () => {
    const lostStore = editorStore();
    lostStore.setState((s: { editor: object }) => ({ editor: { ...s.editor, status: 'error' } }));
    lostStore.getState().editor.follow({ ...prompt(5, 'Elsewhere'), name: 'other' } as PromptDetail);
    expect(lostStore.getState().editor.status).toBe('error');
    const store = editorStore();
    store.getState().editor.follow({ ...prompt(5, 'Elsewhere'), name: 'other' } as PromptDetail);
    expect(store.getState().editor.prompt.latest.number).toBe(1);
    expect(store.getState().editor.draft.text).toBe('Hello');
  });
});
