/**
 * The editor's save/dirty rules (src/renderer/src/state/editor-draft.ts): a draft read from a
 * version saves that version back unchanged and is clean; an edit is dirty exactly when it would
 * save something else; switching format carries the words over.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { draftFromVersion, draftKey, draftToSaveInput, switchMode, type EditorDraft } from '../../../src/renderer/src/state/editor-draft';
import type { PromptVersion } from '../../../src/shared/schemas/prompts';

const name = fc.stringMatching(/^v_[a-z][a-z0-9_]{0,6}$/);
const words = fc.stringMatching(/^[A-Za-z ,.!?]{0,30}$/);

/** A text or chat template using some variables, with their notes, settings and display message. */
const version = fc
  .record({
    chat: fc.boolean(),
    names: fc.uniqueArray(name, { maxLength: 4 }),
    pieces: fc.array(words, { minLength: 5, maxLength: 5 }),
    notes: fc.array(fc.record({ description: words, default: words, example: words }), { minLength: 4, maxLength: 4 }),
    models: fc.uniqueArray(fc.stringMatching(/^[a-z]{1,6}:[a-z0-9-]{1,8}$/), { maxLength: 3 }),
    temperature: fc.option(fc.integer({ min: 0, max: 20 }).map((t) => t / 10), { nil: undefined }),
    maxTokens: fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: undefined }),
    displayMessage: fc.option(words, { nil: null }),
  })
  .map(({ chat, names, pieces, notes, models, temperature, maxTokens, displayMessage }): PromptVersion => {
    const text = names.map((n, i) => `${pieces[i]}{{${n}}}`).join('') + pieces[4];
    return {
      id: 'v1',
      promptId: 'p1',
      number: 1,
      status: 'draft',
      committed: false,
      template: chat ? { kind: 'chat', messages: [{ role: 'system', content: pieces[4]! }, { role: 'user', content: text }] } : { kind: 'text', text },
      variables: names.map((n, i) => {
        const note = notes[i]!;
        return { name: n, ...(note.description.trim() ? { description: note.description } : {}), ...(note.default ? { default: note.default } : {}), ...(note.example ? { example: note.example } : {}) };
      }),
      detectedVariables: names,
      modelSettings: { models, ...(temperature === undefined ? {} : { temperature }), ...(maxTokens === undefined ? {} : { maxTokens }) },
      displayMessage,
      commitMessage: 'first',
      author: { id: 'u1', name: 'Ada', email: 'ada@example.com' },
      createdAt: '2026-11-30T00:00:00.000Z',
    };
  });

/** One edit a member can make in the editor, as a change of the draft. */
const edit = fc.oneof(
  words.map((w) => ({ label: `text + "${w}"`, apply: (d: EditorDraft): EditorDraft => (d.mode === 'text' ? { ...d, text: d.text + w } : { ...d, messages: d.messages.map((m, i) => (i === 0 ? { ...m, content: m.content + w } : m)) }) })),
  words.map((w) => ({ label: `display "${w}"`, apply: (d: EditorDraft): EditorDraft => ({ ...d, displayMessage: w }) })),
  fc.stringMatching(/^[a-z]{1,6}:[a-z0-9-]{1,8}$/).map((m) => ({ label: `model ${m}`, apply: (d: EditorDraft): EditorDraft => ({ ...d, models: `${d.models}\n${m}` }) })),
  fc.integer({ min: 0, max: 20 }).map((t) => ({ label: `temperature ${t / 10}`, apply: (d: EditorDraft): EditorDraft => ({ ...d, temperature: String(t / 10) }) })),
  words.map((w) => ({
    label: `notes "${w}"`,
    apply: (d: EditorDraft): EditorDraft => {
      const [first] = Object.keys(d.variables);
      return first ? { ...d, variables: { ...d.variables, [first]: { ...d.variables[first]!, description: w } } } : d;
    },
  })),
);

const savedOf = (draft: EditorDraft) => {
  const { template, variables, modelSettings, displayMessage } = draftToSaveInput(draft, 'p', 1, 'm');
  return { template, variables, modelSettings, displayMessage };
};

describe('editor draft: save and dirty rules', () => {
  it('a draft read from a version saves that version back unchanged', () => {
    fc.assert(
      fc.property(version, (v) => {
        const input = draftToSaveInput(draftFromVersion(v), 'greeter', v.number, 'again');
        expect(input).toMatchObject({ name: 'greeter', baseVersion: 1, commitMessage: 'again' });
        expect(input.template).toEqual(v.template);
        expect(input.variables).toEqual(v.variables);
        expect(input.modelSettings).toEqual(v.modelSettings);
        expect(input.displayMessage).toBe(v.displayMessage ?? '');
      }),
    );
  });

  it('two drafts of one version are both clean, though their chat messages have new ids', () => {
    fc.assert(
      fc.property(version, (v) => {
        const [a, b] = [draftFromVersion(v), draftFromVersion(v)];
        expect(draftKey(a)).toBe(draftKey(b));
      }),
    );
  });

  it('an edit is dirty exactly when it would save something else', () => {
    fc.assert(
      fc.property(version, edit, (v, { apply }) => {
        const draft = draftFromVersion(v);
        const edited = apply(draft);
        const wouldChange = JSON.stringify(savedOf(edited)) !== JSON.stringify(savedOf(draft));
        expect(draftKey(edited) !== draftKey(draft)).toBe(wouldChange);
      }),
    );
  });

  it.each<[string, (d: EditorDraft) => EditorDraft]>([
    ['models listed with commas and blank lines', (d) => ({ ...d, models: 'oai:a,\n\n oai:b ' })],
    ['a blank temperature and token limit', (d) => ({ ...d, temperature: '  ', maxTokens: '' })],
    ['notes kept for a variable no longer in the template', (d) => ({ ...d, variables: { ...d.variables, gone: { description: 'old', default: 'x', example: '' } } })],
    ['whitespace-only notes', (d) => ({ ...d, variables: { v_topic: { description: '   ', default: '', example: '' } } })],
  ])('%s save the same as the tidy form (clean)', (_name, change) => {
    const base: PromptVersion = {
      id: 'v1',
      promptId: 'p1',
      number: 1,
      status: 'draft',
      committed: false,
      template: { kind: 'text', text: 'About {{v_topic}}' },
      variables: [{ name: 'v_topic' }],
      detectedVariables: ['v_topic'],
      modelSettings: { models: ['oai:a', 'oai:b'] },
      displayMessage: null,
      commitMessage: '',
      author: { id: 'u1', name: 'Ada', email: 'a@example.com' },
      createdAt: '',
    };
    const draft = draftFromVersion(base);
    expect(draftKey(change(draft))).toBe(draftKey(draft));
  });

  it('an empty editor is clean against no version, and a typed number saves as a number', () => {
    const empty = draftFromVersion(null);
    expect(draftKey(empty)).toBe(draftKey(draftFromVersion(null)));
    expect(draftToSaveInput({ ...empty, temperature: '0.7', maxTokens: '256' }, 'p', 0, '').modelSettings).toEqual({ models: [], temperature: 0.7, maxTokens: 256 });
  });

  it('switching format carries the words over, and back again', () => {
    fc.assert(
      fc.property(words, (text) => {
        const draft = { ...draftFromVersion(null), text };
        const chat = switchMode(draft, 'chat');
        expect(chat.mode).toBe('chat');
        expect(chat.messages.map(({ role, content }) => ({ role, content }))).toEqual([{ role: 'user', content: text }]);
        expect(switchMode(chat, 'chat')).toBe(chat);
        const back = switchMode({ ...chat, text: '' }, 'text');
        expect(back.text).toBe(text);
      }),
    );
  });
});
