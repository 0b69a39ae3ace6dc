/**
 * Every length limit on a prompt's or a version's text fields says, in words, what is too long
 * and the limit (the forms show the message under the field), never zod's default "Too big".
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { CreatePromptInput, SaveVersionInput, UpdatePromptInput, UpdateVersionInput } from '../../../src/shared/schemas/prompts';

const base = { name: 'p' };
const withVersion = { ...base, template: { kind: 'text', text: 'x' } };
const cases: [string, z.ZodType, Record<string, unknown>, string, number, string][] = [
  ['create', CreatePromptInput, { ...base, title: 'T' }, 'title', 200, 'A title has at most 200 characters'],
  ['create', CreatePromptInput, { ...base, title: 'T' }, 'description', 2000, 'A description has at most 2,000 characters'],
  ['update', UpdatePromptInput, base, 'title', 200, 'A title has at most 200 characters'],
  ['update', UpdatePromptInput, base, 'description', 2000, 'A description has at most 2,000 characters'],
  ['save version', SaveVersionInput, withVersion, 'commitMessage', 1000, 'A commit message has at most 1,000 characters'],
  ['save version', SaveVersionInput, withVersion, 'displayMessage', 2000, 'A display message has at most 2,000 characters'],
  ['update version', UpdateVersionInput, { ...base, number: 1 }, 'commitMessage', 1000, 'A commit message has at most 1,000 characters'],
  ['update version', UpdateVersionInput, { ...base, number: 1 }, 'displayMessage', 2000, 'A display message has at most 2,000 characters'],
];

describe('text length limits say what and how long', () => {
  for (const [what, schema, valid, field, limit, message] of cases) {
    it(`${what}: ${field} at ${limit} passes, at ${limit + 1} is refused in words`, () => {
      expect(schema.safeParse({ ...valid, [field]: 'a'.repeat(limit) }).success).toBe(true);
      const refused = schema.safeParse({ ...valid, [field]: 'a'.repeat(limit + 1) });
      expect(refused.error?.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))).toEqual([{ path: field, message }]);
    });
  }
});
