/**
 * Issue 11 (Open WebUI attack item 16): `PUT /api/v1/prompts/{name}/api {"apiKeyRequired": false}`
 * answered 200 and changed nothing (the body's field is `keyRequired`). Every native operation
 * that takes a JSON body (the OpenAPI list is iterated, so a new one is covered) refuses a member
 * it does not read with a 400 naming it, before anything is written; a member the path sets is
 * refused too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATIVE_ROUTES } from '../../../../src/main/api/routes';
import { expectProblem, startTestHost, type TestHost } from '../../../helpers/host';
import { member, seedPrompt } from '../../../helpers/workspace';
import { getPrompt } from '../../../../src/main/core/prompts/prompts-service';

let t: TestHost;
let memberId: string;
beforeAll(async () => {
  t = await startTestHost();
  memberId = member(t.owner, 'dora@example.com', 'Dora').actor.id;
  seedPrompt(t.owner, 'strict-x', 'Hi {{who}}', { api: true });
});
afterAll(() => t.stop());

const WITH_BODY = NATIVE_ROUTES.filter((op) => op.body);
const pathOf = (template: string) => template.replace('{name}', 'strict-x').replace('{number}', '1').replace('{id}', memberId);
/** What the native state looks like, to show a refused call changed nothing. */
const snapshot = async () => JSON.stringify([(await t.call('GET', '/api/v1/prompts/strict-x')).json(), (await t.call('GET', '/api/v1/members')).json(), (await t.call('GET', '/api/v1/keys')).json()]);

describe('native bodies refuse members they do not read', () => {
  it('covers every native write with a body', () => {
    expect(WITH_BODY.length).toBeGreaterThanOrEqual(14);
  });

  it.each(WITH_BODY.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))('%s: an unknown member is a 400 naming it, nothing changes', async (_label, op) => {
    const before = await snapshot();
    const res = await t.call(op.method.toUpperCase(), pathOf(op.path), { zzNotAField: true });
    const problem = expectProblem(res, 400, 'zzNotAField');
    expect(problem.detail).toMatch(/^Unknown field "zzNotAField"/);
    expect(await snapshot()).toBe(before);
  });

  it('PUT /api with the name GET shows (apiKeyRequired) is refused, naming the field it takes', async () => {
    const res = await t.call('PUT', '/api/v1/prompts/strict-x/api', { apiKeyRequired: false });
    const problem = expectProblem(res, 400, 'apiKeyRequired');
    expect(problem.detail).toContain('"keyRequired"');
    expect(getPrompt(t.owner, 'strict-x').apiKeyRequired).toBe(true);
    expect((await t.call('PUT', '/api/v1/prompts/strict-x/api', { keyRequired: false })).status).toBe(200);
  });

  it('a member the path sets is not taken from the body', async () => {
    expectProblem(await t.call('PATCH', '/api/v1/prompts/strict-x', { name: 'other', title: 'T' }), 400, 'name');
  });
});
