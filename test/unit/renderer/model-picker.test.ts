import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_SUGGESTIONS, modelLines, modelSuggestions, withModel, withoutModel } from '../../../src/renderer/src/state/model-picker';

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
