import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../../helpers/host';
import { seedPrompt } from '../../../helpers/workspace';
import { saveVersion } from '../../../../src/main/core/versions/versions-service';
import { commitVersion, pinDeployment, promoteVersion } from '../../../../src/main/core/versions/lifecycle';
import { SaveVersionInput } from '../../../../src/shared/schemas/prompts';
import type { Ctx } from '../../../../src/main/core/context';

/**
 * Issue 10 item 19, follow-up: Respan's `deployed_version` and `is_deployed` say what API callers
 * get, by the rule every API door serves by (servedNumber: the pin, else the published version).
 * They showed the published version whatever the pin, so a Respan client read v3 as live while
 * the API served the pinned v2. Matrix: published (none, v1, v2, v3) x pinned (none, v1, v2, v3).
 */
let t: TestHost;
let app: Ctx;
let seq = 0;

beforeAll(async () => {
  t = await startTestHost();
  app = t.owner;
});
afterAll(() => t.stop());

const CHOICES = [null, 1, 2, 3] as const;

/** A prompt with three committed versions, `published` promoted and the API pinned to `pinned`. */
async function promptIn(published: number | null, pinned: number | null) {
  const name = `dep-${++seq}`;
  seedPrompt(app, name, 'text one {{x}}', { api: true });
  for (const text of ['text two {{x}}', 'text three {{x}}']) saveVersion(app, SaveVersionInput.parse({ name, template: { kind: 'text', text } }));
  for (const n of [1, 2, 3]) commitVersion(app, name, n);
  if (published !== null) promoteVersion(app, { name, number: published, notes: '' });
  if (pinned !== null) pinDeployment(app, name, pinned);
  const id = (await t.call('GET', `/api/v1/prompts/${name}`)).json().id as string;
  return { name, id };
}

const WORDS = ['one', 'two', 'three'];

describe('Respan deployed_version and is_deployed follow the version API callers get', () => {
  it.each(CHOICES.flatMap((published) => CHOICES.map((pinned) => [String(published), String(pinned), published, pinned] as const)))(
    'published %s, pinned %s',
    async (_p, _q, published, pinned) => {
      const { name, id } = await promptIn(published, pinned);
      const deployed = pinned ?? published;
      expect((await t.call('GET', `/compat/respan/api/prompts/${id}/`)).json()).toMatchObject({ deployed_version: deployed });
      const listed = (await t.call('GET', `/compat/respan/api/prompts/${id}/versions/`)).json().results as { version: number; is_deployed: boolean }[];
      expect(listed.filter((v) => v.is_deployed).map((v) => v.version)).toEqual(deployed === null ? [] : [deployed]);
      for (const n of [1, 2, 3]) {
        expect((await t.call('GET', `/compat/respan/api/prompts/${id}/versions/${n}/`)).json()).toMatchObject({ is_deployed: n === deployed });
      }
      // The same rule as the native API's deployment and what render serves (the newest when nothing was deployed).
      const served = (await t.call('GET', `/api/v1/prompts/${name}/deployment`)).json().servedVersion as number;
      expect(served).toBe(deployed ?? 3);
      const rendered = (await t.call('POST', `/api/v1/prompts/${name}/render`, { variables: { x: 'a' } })).json();
      expect(rendered.version).toBe(served);
      expect(JSON.stringify(rendered)).toContain(`text ${WORDS[served - 1]} a`);
      const summary = (await t.call('POST', '/compat/respan/api/prompts/summary/', { search: name })).json();
      expect(summary).toMatchObject({ total_prompts: 1, deployed_prompts: deployed === null ? 0 : 1 });
    },
  );

  it.each(CHOICES.filter((p) => p !== null).flatMap((pinned) => [1, 2, 3].map((target) => [target, pinned] as const)))(
    'a deploy of v%i while pinned to v%i promotes it and answers is_deployed as API callers see it',
    async (target, pinned) => {
      const { name, id } = await promptIn(null, pinned);
      const answer = (await t.call('POST', `/compat/respan/api/prompts/${id}/deployments/`, { version: target })).json();
      expect(answer).toMatchObject({ version: target, is_deployed: target === pinned });
      const deployment = (await t.call('GET', `/api/v1/prompts/${name}/deployment`)).json();
      expect(deployment).toMatchObject({ publishedVersion: target, pinnedVersion: pinned, servedVersion: pinned });
      expect((await t.call('GET', `/compat/respan/api/prompts/${id}/`)).json()).toMatchObject({ deployed_version: pinned });
    },
  );
});
