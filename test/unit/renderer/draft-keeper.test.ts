/**
 * Issue 13 attack N1: unsaved editor drafts outlive a session that ends (state/draft-keeper.ts).
 * The real editor slice and session state in one zustand store, the keeper following it over a
 * Map standing in for sessionStorage: a dirty draft is kept per member and prompt, comes back
 * after "signing in again" (a new store, as the reload after sign-in makes) as the same member
 * only, and goes once saved or discarded. A property: whatever is typed, the same member gets it
 * back exactly; no other member or prompt ever does.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { create } from 'zustand';
import type { PromptDetail } from '../../../src/shared/schemas/prompts';
import type * as DraftKeeper from '../../../src/renderer/src/state/draft-keeper';

vi.mock('../../../src/renderer/src/lib/api', () => ({
  ApiError: class extends Error {},
  unwrap: async (pending: Promise<unknown>) => pending,
  api: {},
}));

// Loaded by computed paths: their types pull in the browser's globals, which the test typecheck (Node) has not.
const STATE = '../../../src/renderer/src/state';
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { createEditorSlice } = (await import(/* @vite-ignore */ `${STATE}/editor-slice`)) as { createEditorSlice: (...args: any[]) => object };
const keeper = (await import(/* @vite-ignore */ `${STATE}/draft-keeper`)) as typeof DraftKeeper;

class MapStorage {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

const prompt = (name: string, text: string, number = 1) =>
  ({
    name,
    title: name,
    latest: { number, template: { kind: 'text', text }, variables: [], modelSettings: {}, status: 'draft', committed: false },
    latestVersion: number,
    allowed: ['read', 'edit', 'run'],
  }) as unknown as PromptDetail;

/** A tab signed in as `member` (a new store each time, as the reload after a sign-in makes), kept drafts in `storage`. */
function tab(member: string, storage: MapStorage) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const store = create<any>()((set, get, api) => ({ session: { info: { currentUser: { id: member } } }, ...createEditorSlice(set, get, api) }));
  const stop = keeper.keepEditorDrafts(store, storage);
  return {
    store,
    stop,
    /** Opens `name` as editor.load does once the server answered. */
    open(name: string, text = 'Saved text', number = 1) {
      store.setState((s: { editor: object }) => ({ editor: { ...s.editor, promptName: name, status: 'loading', dirty: false } }));
      store.getState().editor.replacePrompt(prompt(name, text, number));
    },
    get editor() {
      return store.getState().editor as {
        draft: { text: string };
        dirty: boolean;
        prompt: { latest: { number: number }; latestVersion: number };
        setText(t: string): void;
        discardChanges(): void;
      };
    },
  };
}

describe('keeping unsaved drafts across a session end', () => {
  it('a dirty draft comes back after signing in again as the same member, still unsaved', () => {
    const storage = new MapStorage();
    const before = tab('dave', storage);
    before.open('ui-shared');
    before.editor.setText('DAVE WORK IN PROGRESS');
    before.stop(); // the session ended; the sign-in reloads the tab

    const after = tab('dave', storage);
    after.open('ui-shared');
    expect(after.editor.draft.text).toBe('DAVE WORK IN PROGRESS');
    expect(after.editor.dirty).toBe(true);
  });

  it('a version saved meanwhile is not overwritten unseen: the draft stays based on the version it started from', () => {
    const storage = new MapStorage();
    const before = tab('dave', storage);
    before.open('ui-shared', 'Saved text', 3);
    before.editor.setText('my edit on v3');
    before.stop();

    const after = tab('dave', storage);
    after.open('ui-shared', 'Someone else’s v4', 4);
    expect(after.editor.draft.text).toBe('my edit on v3');
    // The save names v3 as its base, so the server's "v4 was saved after you started editing v3" applies.
    expect(after.editor.prompt.latest.number).toBe(3);
    expect(after.editor.prompt.latestVersion).toBe(4);
  });

  it('a prompt not found after signing in again (hidden meanwhile) shows the draft for the lost-draft page, and it comes back when the prompt does', () => {
    const storage = new MapStorage();
    const before = tab('dave', storage);
    before.open('ui-shared', 'Saved text', 2);
    before.editor.setText('kept while hidden');
    before.stop();

    const after = tab('dave', storage);
    after.store.setState((s: { editor: object }) => ({ editor: { ...s.editor, promptName: 'ui-shared', status: 'error', prompt: null, loadError: { message: 'No prompt named ui-shared' } } }));
    expect(after.editor.draft.text).toBe('kept while hidden');
    expect(after.editor.dirty).toBe(true);
    // Shared again: the page's query answers, the editor opens with the draft on its old base.
    (after.store.getState().editor as { follow(p: PromptDetail): void }).follow(prompt('ui-shared', 'Newer', 3));
    expect(after.editor.draft.text).toBe('kept while hidden');
    expect(after.editor.dirty).toBe(true);
    expect(after.editor.prompt.latest.number).toBe(2);
    expect(after.editor.prompt.latestVersion).toBe(3);
  });

  it('a draft on a page that never read its prompt can be discarded (leaving it, confirmed), and is no longer kept', () => {
    const storage = new MapStorage();
    const before = tab('dave', storage);
    before.open('gone');
    before.editor.setText('draft of a deleted prompt');
    before.stop();
    const after = tab('dave', storage);
    after.store.setState((s: { editor: object }) => ({ editor: { ...s.editor, promptName: 'gone', status: 'error', prompt: null, loadError: { message: 'No prompt named gone' } } }));
    expect(after.editor.dirty).toBe(true);
    after.editor.discardChanges();
    expect(after.editor.dirty).toBe(false);
    expect(storage.items.size).toBe(0);
  });

  it('never shown to another member signing in to the tab, nor on another prompt', () => {
    const storage = new MapStorage();
    const dave = tab('dave', storage);
    dave.open('ui-shared');
    dave.editor.setText('secret draft');
    dave.stop();

    const carol = tab('carol', storage);
    carol.open('ui-shared');
    expect(carol.editor.draft.text).toBe('Saved text');
    expect(carol.editor.dirty).toBe(false);
    carol.stop();

    const other = tab('dave', storage);
    other.open('other-prompt');
    expect(other.editor.draft.text).toBe('Saved text');
  });

  it('a discarded (or saved: clean again) draft is no longer kept', () => {
    const storage = new MapStorage();
    const t = tab('dave', storage);
    t.open('ui-shared');
    t.editor.setText('to be thrown away');
    expect(storage.items.size).toBe(1);
    t.editor.discardChanges();
    expect(storage.items.size).toBe(0);
    t.editor.setText('again');
    t.editor.setText('Saved text'); // typed back to what is saved: clean
    expect(storage.items.size).toBe(0);
  });

  it('opening another prompt does not drop the first prompt’s kept draft before it is read', () => {
    const storage = new MapStorage();
    const t = tab('dave', storage);
    t.open('a');
    t.editor.setText('draft of a');
    t.stop();
    const next = tab('dave', storage);
    next.open('b');
    next.open('a');
    expect(next.editor.draft.text).toBe('draft of a');
  });

  it('a stored value that is not a draft is ignored', () => {
    const storage = new MapStorage();
    const draft = { mode: 'text', text: '', messages: [], variables: {}, models: '', temperature: '', maxTokens: '', displayMessage: '' };
    const junks = ['{', '42', 'null', '{"mode":"text"}', JSON.stringify({ draft }), JSON.stringify({ draft, baseVersion: -1 }), JSON.stringify({ draft: { ...draft, mode: 'chat', messages: [{ role: 1 }] }, baseVersion: 1 })];
    expect(keeper.readKeptDraft({ getItem: () => JSON.stringify({ draft, baseVersion: 2 }), setItem() {}, removeItem() {} }, 'dave', 'p')).not.toBeNull();
    for (const junk of junks) {
      storage.setItem(keeper.draftStorageKey('dave', 'p'), junk);
      expect(keeper.readKeptDraft(storage, 'dave', 'p')).toBeNull();
    }
  });

  it('property: any text typed comes back exactly for its member and prompt only', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9._-]{0,20}$/);
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), name, name, (text, p, q) => {
        fc.pre(text !== 'Saved text');
        const storage = new MapStorage();
        const a = tab('m1', storage);
        a.open(p);
        a.editor.setText(text);
        a.stop();
        const back = tab('m1', storage);
        back.open(p);
        expect(back.editor.draft.text).toBe(text);
        back.stop();
        const stranger = tab('m2', storage);
        stranger.open(p);
        expect(stranger.editor.draft.text).toBe('Saved text');
        stranger.stop();
        if (q !== p) {
          const elsewhere = tab('m1', storage);
          elsewhere.open(q);
          expect(elsewhere.editor.draft.text).toBe('Saved text');
        }
      }),
      { numRuns: 60 },
    );
  });
});
