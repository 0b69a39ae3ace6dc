import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { seedPrompt } from '../../../helpers/workspace';
import { saveVersion } from '../../../../src/main/core/versions/versions-service';
import { commitVersion, listPromotions, promoteVersion } from '../../../../src/main/core/versions/lifecycle';
import { SaveVersionInput } from '../../../../src/shared/schemas/prompts';
import { PromotionsInput, type Promotion } from '../../../../src/shared/schemas/versions';
import type { Ctx } from '../../../../src/main/core/context';

/**
 * Issue 10 item 3, follow-up: retrying a promotion that happened answers success. Promoting the
 * version already in production answers 200 with the promotion that put it there (same id, notes,
 * time) and adds no history row, through every door that promotes; seed 002 demands no 409.
 */
let t: TestHost;
let app: Ctx;
let seq = 0;

const history = (name: string) => listPromotions(app, PromotionsInput.parse({ name }));

/** A prompt with v1 promoted, then v2 promoted by `first`; returns its name, id and that promotion. */
async function promotedTwice(first: (name: string, id: string) => Promise<void>) {
  const name = `retry-${++seq}`;
  seedPrompt(app, name, 'one {{x}}', { api: true });
  saveVersion(app, SaveVersionInput.parse({ name, template: { kind: 'text', text: 'two {{x}}' } }));
  commitVersion(app, name, 2);
  promoteVersion(app, { name, number: 1, notes: 'v1' });
  const id = (await t.call('GET', `/api/v1/prompts/${name}`)).json().id as string;
  await first(name, id);
  return { name, id, entry: history(name)[0]! };
}

type Door = [door: string, promote: (name: string, id: string) => Promise<unknown>];

const DOORS: Door[] = [
  [
    'POST /api/v1/prompts/{name}/versions/2/promote',
    async (name) => {
      const res = await t.call('POST', `/api/v1/prompts/${name}/versions/2/promote`, { notes: 'ship it' });
      expect(res.status, res.text).toBe(200);
      return res.json();
    },
  ],
  ['the app (versions:promote)', async (name) => promoteVersion(app, { name, number: 2, notes: 'ship it' })],
  [
    'Respan POST /deployments/ {version: 2}',
    async (_name, id) => {
      const res = await t.call('POST', `/compat/respan/api/prompts/${id}/deployments/`, { version: 2 });
      expect(res.status, res.text).toBe(200);
      return res.json();
    },
  ],
];

beforeAll(async () => {
  t = await startTestHost();
  app = t.owner;
});
afterAll(() => t.stop());

describe('promoting the version already in production is idempotent', () => {
  it.each(DOORS.flatMap(([first, promoteFirst]) => DOORS.map(([retry, promoteAgain]) => [first, retry, promoteFirst, promoteAgain] as const)))(
    'promoted through %s, retried through %s: 200, the same entry, no new history row',
    async (_first, retry, promoteFirst, promoteAgain) => {
      const { name, id, entry } = await promotedTwice(async (n, i) => void (await promoteFirst(n, i)));
      expect(entry).toMatchObject({ version: 2, previousVersion: 1 });
      for (let attempt = 0; attempt < 3; attempt++) {
        const answer = await promoteAgain(name, id);
        if (!retry.startsWith('Respan')) expect(answer).toEqual(entry);
        else expect(answer).toMatchObject({ version: 2, is_deployed: true });
      }
      expect(history(name)).toEqual([entry, expect.objectContaining({ version: 1, notes: 'v1' }) as Promotion]);
      const statuses = (await t.call('GET', `/api/v1/prompts/${name}/versions`)).json().items.map((v: { number: number; status: string }) => [v.number, v.status]);
      expect(statuses).toEqual([
        [2, 'published'],
        [1, 'archived'],
      ]);
    },
  );

  it('a draft is still promoted (a new entry) and an archived version still needs unarchiving first (409)', async () => {
    const { name } = await promotedTwice(async (n) => void promoteVersion(app, { name: n, number: 2, notes: '' }));
    const archived = await t.call('POST', `/api/v1/prompts/${name}/versions/1/promote`, {});
    expect(archived.status).toBe(409);
    expect(archived.json().detail).toMatch(/unarchive it first/);
    saveVersion(app, SaveVersionInput.parse({ name, template: { kind: 'text', text: 'three {{x}}' } }));
    const third = await t.call('POST', `/api/v1/prompts/${name}/versions/3/promote`, { notes: 'three' });
    expect(third.json()).toMatchObject({ version: 3, previousVersion: 2, notes: 'three' });
    expect(history(name)).toHaveLength(3);
  });
});
