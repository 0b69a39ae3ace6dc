import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, startTestHost, type TestHost } from '../../../helpers/host';
import { http } from '../../../helpers/http';
import { createPrompt, getPrompt, setApiSettings } from '../../../../src/main/core/prompts/prompts-service';
import { listVersions, saveVersion } from '../../../../src/main/core/versions/versions-service';
import { deleteVersion } from '../../../../src/main/core/versions/lifecycle';
import { SaveVersionInput } from '../../../../src/shared/schemas/prompts';

/**
 * A prompt with no saved version (made in the app and not saved yet, or by seed 004's create)
 * through each seed API: it is found, it reads as empty, and seed 001's PUT gives it its first
 * version, `version=1` included, exactly as for a prompt the PUT creates.
 */
let t: TestHost;
beforeAll(async () => {
  t = await startTestHost();
});
afterAll(() => t.stop());

function emptyPrompt(name: string): string {
  const created = createPrompt(t.owner, { name, title: name, description: '', tags: [], slashCommand: null });
  setApiSettings(t.owner, { name, apiAccess: true });
  return created.id;
}

const put = (name: string, query: string, body: string) =>
  http(t.port, 'PUT', `/compat/conductor/api/prompts/${name}?description=d${query}`, { headers: { 'x-authorization': t.key, 'content-type': 'text/plain' }, body });
const get = (path: string) => http(t.port, 'GET', path, { headers: { authorization: `Bearer ${t.key}` } });

describe('a prompt with no saved version, through the seed APIs', () => {
  it('seed 001 PUT saves its version 1, with or without version=1', async () => {
    for (const [name, query] of [['empty-plain', ''], ['empty-v1', '&version=1']] as const) {
      emptyPrompt(name);
      const res = await put(name, query, 'Hello ${who}');
      expect(res.status, name).toBe(200);
      expect(getPrompt(t.owner, name).latest, name).toMatchObject({ number: 1, template: { kind: 'text', text: 'Hello {{who}}' } });
    }
  });

  it('seed 001 PUT with version=N on a prompt never saved creates version N (Conductor: "Version number to create or update")', async () => {
    emptyPrompt('empty-v2');
    expect((await put('empty-v2', '&version=2', 'x')).status).toBe(200);
    expect(listVersions(t.owner, 'empty-v2').map((v) => v.number)).toEqual([2]);
  });

  it('a number once given stays deleted: version=1 after v1 was deleted is a 404, and nothing is saved', async () => {
    emptyPrompt('emptied');
    saveVersion(t.owner, SaveVersionInput.parse({ name: 'emptied', template: { kind: 'text', text: 'one' } }));
    deleteVersion(t.owner, 'emptied', 1);
    const problem = expectProblem(await put('emptied', '&version=1', 'again'), 404);
    expect(problem.detail).toContain('was deleted');
    expect(listVersions(t.owner, 'emptied')).toEqual([]);
  });

  it('seed 003 and seed 004 find it: 200, no content, no version', async () => {
    const id = emptyPrompt('empty-read');
    const owui = await get(`/compat/openwebui/api/prompts/id/${id}`);
    expect(owui.status).toBe(200);
    expect(owui.json()).toMatchObject({ id, content: '', version_id: null });
    const respan = await get(`/compat/respan/api/prompts/${id}/`);
    expect(respan.status).toBe(200);
    expect(respan.json()).toMatchObject({ id, current_version: null, deployed_version: null });
    const versions = await get(`/compat/respan/api/prompts/${id}/versions/`);
    expect(versions.status).toBe(200);
    expect(versions.json()).toMatchObject({ results: [], count: 0 });
  });
});
