import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { draftAsText } from '../../../src/renderer/src/screens/editor/draft-text';

describe('draftAsText (the lost draft kept to copy, issue 13 attack F10)', () => {
  it('keeps a text template exactly', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(draftAsText({ kind: 'text', text })).toBe(text);
      }),
    );
  });

  it('keeps every chat message, in order, under its role', () => {
    const message = fc.record({ role: fc.constantFrom('system' as const, 'user' as const, 'assistant' as const), content: fc.string() });
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 8 }), (messages) => {
        const text = draftAsText({ kind: 'chat', messages });
        let at = 0;
        for (const m of messages) {
          const block = `${{ system: 'System', user: 'User', assistant: 'Assistant' }[m.role]}:\n${m.content}`;
          const found = text.indexOf(block, at);
          expect(found).toBeGreaterThanOrEqual(at);
          at = found + block.length;
        }
      }),
    );
  });
});
