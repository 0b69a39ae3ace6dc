import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { enterChoice, MAX_SUGGESTIONS, modelLines, modelSuggestions, withModel, withoutModel } from '../../../src/renderer/src/state/model-picker';
import { MODEL_REF_PATTERN } from '../../../src/shared/schemas/template';

const KNOWN = ['openai:gpt-4o', 'openai:gpt-4o-mini', 'ollama:llama3.2', 'claude:claude-sonnet-4'];

describe('model list text', () => {
  it('reads one reference per line, trimmed, blanks and repeats left out', () => {
    expect(modelLines(' openai:gpt-4o \n\n ollama:llama3.2\nopenai:gpt-4o\n')).toEqual(['openai:gpt-4o', 'ollama:llama3.2']);
    expect(modelLines('')).toEqual([]);
  });

  it('adds at the end once, and removes', () => {
    expect(withModel('a:x', 'b:y')).toBe('a:x\nb:y');
    expect(withModel('a:x\nb:y', 'a:x')).toBe('a:x\nb:y');
    expect(withModel('a:x', '  ')).toBe('a:x');
    expect(withoutModel('a:x\nb:y', 'a:x')).toBe('b:y');
  });

  it('add then remove gives the list back without it, whatever the list', () => {
    const ref = fc.stringMatching(/^[a-z]{1,5}:[a-z0-9.-]{1,8}$/);
    fc.assert(
      fc.property(fc.array(ref, { maxLength: 8 }), ref, (refs, added) => {
        const text = refs.join('\n');
        const after = withModel(text, added);
        expect(modelLines(after)).toContain(added);
        expect(modelLines(withoutModel(after, added))).toEqual(modelLines(text).filter((r) => r !== added));
      }),
    );
  });
});

describe('modelSuggestions', () => {
  it('offers every known model not chosen yet for an empty query, in order', () => {
    expect(modelSuggestions(KNOWN, ['openai:gpt-4o'], '')).toEqual(['openai:gpt-4o-mini', 'ollama:llama3.2', 'claude:claude-sonnet-4']);
  });

  it('matches every word anywhere, ignoring case and the colon', () => {
    expect(modelSuggestions(KNOWN, [], 'GPT mini')).toEqual(['openai:gpt-4o-mini']);
    expect(modelSuggestions(KNOWN, [], 'ollama:llama')).toEqual(['ollama:llama3.2']);
    expect(modelSuggestions(KNOWN, [], 'mistral')).toEqual([]);
  });

  it('never offers a chosen model, and at most MAX_SUGGESTIONS', () => {
    const many = Array.from({ length: 120 }, (_, i) => `big:model-${i}`);
    expect(modelSuggestions(many, [], 'model')).toHaveLength(MAX_SUGGESTIONS);
    fc.assert(
      fc.property(fc.subarray(KNOWN), fc.string({ maxLength: 6 }), (chosen, query) => {
        for (const ref of modelSuggestions(KNOWN, chosen, query)) expect(chosen).not.toContain(ref);
      }),
    );
  });
});

describe('Enter in the models box (round 2, finding 6)', () => {
  const suggest = (query: string) => modelSuggestions([...KNOWN, 'local:reviser'], [], query);

  it('picks the highlighted suggestion, else a whole reference as typed, else the only suggestion', () => {
    expect(enterChoice('gpt', suggest('gpt'), 1)).toEqual({ add: 'openai:gpt-4o-mini' });
    expect(enterChoice('rev', suggest('rev'), -1)).toEqual({ add: 'local:reviser' });
    expect(enterChoice('fake:echo-preview', suggest('fake:echo-preview'), -1)).toEqual({ add: 'fake:echo-preview' });
    expect(enterChoice('openai:gpt-4o', suggest('openai:gpt-4o'), -1)).toEqual({ add: 'openai:gpt-4o' });
    expect(enterChoice('   ', suggest(''), -1)).toBeNull();
  });

  it('never adds text that is not integration:model: an error names the way to write it', () => {
    const many = enterChoice('gpt', suggest('gpt'), -1);
    expect(many).toEqual({ error: expect.stringContaining('pick one of the suggestions') });
    expect(enterChoice('nothing-like-it', suggest('nothing-like-it'), -1)).toEqual({ error: expect.stringContaining('integration:model') });
    expect(enterChoice('a b:c', [], -1)).toHaveProperty('error');
  });

  it('whatever is typed, Enter adds a known suggestion or a valid reference, never anything else (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.integer({ min: -1, max: 6 }), (query, highlighted) => {
        const suggestions = suggest(query);
        const choice = enterChoice(query, suggestions, highlighted);
        if (choice && 'add' in choice) expect(suggestions.includes(choice.add) || MODEL_REF_PATTERN.test(choice.add)).toBe(true);
      }),
    );
  });
});
