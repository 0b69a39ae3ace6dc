import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, startTestHost, type TestHost } from '../../../helpers/host';
import { listVersions } from '../../../../src/main/core/versions/versions-service';
import type { RawResponse } from '../../../helpers/http';

/**
 * A template the parser refuses is refused at every door with its line and column, and the
 * problem names the field of that door's own request: `template.text` natively, `content` for
 * seed 003, `messages.N.content` for seed 004 (the core's `template.*` is no field of theirs).
 */
let t: TestHost;
let id: string;
beforeAll(async () => {
  t = await startTestHost();
  const created = await t.call('POST', '/compat/respan/api/prompts/', { name: 'Fields', description: 'd' });
  id = created.json().id;
  expect((await t.call('POST', `/compat/respan/api/prompts/${id}/versions/`, { messages: [{ role: 'user', content: 'fine {{x}}' }] })).status).toBe(201);
});
afterAll(() => t.stop());

// Each bad text with where its problem is (line, column) when it is the second line of the text.
const BAD: Array<[string, number, number]> = [
  ['  {{__proto__}}', 2, 3],
  ['C:\\Users\\{{user}}', 2, 9],
  ['{{a b}}', 2, 1],
  ['x {{}}', 2, 3],
  ['unclosed {{ y', 2, 10],
];

describe('a refused template names the door’s own field, with line and column', () => {
  it.each(BAD)('%j', async (bad, line, column) => {
    const text = `first line\n${bad}`;
    const where = `line ${line}, column ${column}`;
    const doors: Array<[string, Promise<RawResponse>, string]> = [
      ['native', t.call('POST', '/api/v1/prompts/fields/versions', { template: { kind: 'text', text } }), 'template.text'],
      ['seed 003', t.call('POST', `/compat/openwebui/api/prompts/id/${id}/update`, { command: 'fields', name: 'Fields', content: text }), 'content'],
      [
        'seed 004 create',
        t.call('POST', `/compat/respan/api/prompts/${id}/versions/`, { messages: [{ role: 'system', content: 's' }, { role: 'user', content: text }] }),
        'messages.1.content',
      ],
      ['seed 004 update', t.call('PATCH', `/compat/respan/api/prompts/${id}/versions/1/`, { messages: [{ role: 'user', content: text }] }), 'messages.0.content'],
    ];
    for (const [door, response, field] of doors) {
      const problem = expectProblem(await response, 400, field);
      expect(problem.detail, door).toContain(where);
    }
    expect(listVersions(t.owner, 'fields')).toHaveLength(1);
  });
});
