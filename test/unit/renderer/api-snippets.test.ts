import { describe, expect, it } from 'vitest';
import { API_CALLS, SNIPPET_LANGUAGES, buildSnippet, callEndpoint } from '../../../src/renderer/src/state/api-snippets';

const BASE = 'http://127.0.0.1:4319';

describe('API tab snippets for render and run', () => {
  it('each call has its own endpoint', () => {
    expect(callEndpoint(BASE, 'greet me', 'render')).toBe(`${BASE}/api/v1/prompts/greet%20me/render`);
    expect(callEndpoint(BASE, 'greet', 'run')).toBe(`${BASE}/api/v1/prompts/greet/run`);
  });

  // Every language x call: the snippet posts to that call's URL and reads that call's answer.
  for (const language of SNIPPET_LANGUAGES) {
    for (const call of API_CALLS) {
      it(`${language} ${call}: posts to /${call} and reads ${call === 'run' ? 'output' : 'text'}`, () => {
        const url = callEndpoint(BASE, 'greet', call);
        const snippet = buildSnippet(language, { url, call, keyRequired: true, variables: { person: 'Ada' } });
        expect(snippet).toContain(url);
        expect(snippet).not.toContain(callEndpoint(BASE, 'greet', call === 'run' ? 'render' : 'run'));
        expect(snippet).toContain('"person": "Ada"');
        if (language !== 'curl') {
          expect(snippet).toContain(call === 'run' ? 'output' : 'text');
          expect(snippet).not.toMatch(call === 'run' ? /\btext\b.*messages/ : /\boutput\b/);
        }
      });
    }
  }
});
