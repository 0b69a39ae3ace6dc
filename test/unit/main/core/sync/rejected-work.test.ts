import { afterEach, describe, expect, it } from 'vitest';
import { sharedPromptWorld, type Desktop } from '../../../../helpers/sync-world';
import type { TestHost } from '../../../../helpers/host';
import { setSharingLevel } from '../../../../../src/main/core/sharing/sharing-service';
import { updatePrompt } from '../../../../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../../../../src/main/core/versions/versions-service';
import { promoteVersion } from '../../../../../src/main/core/versions/lifecycle';
import { deleteTestCase, saveTestCase } from '../../../../../src/main/core/runs/test-cases-service';
import { SaveVersionInput, UpdatePromptInput } from '../../../../../src/shared/schemas/prompts';
import { SaveTestCaseInput } from '../../../../../src/shared/schemas/runs';
import type { Ctx } from '../../../../../src/main/core/context';

let server: TestHost | undefined;
let d: Desktop | undefined;
/** Bob, on a prompt whose template uses {{x}}. */
const BOB = { email: 'bob@example.com', text: 'Hello {{x}}' };
afterEach(async () => {
  d?.cleanup();
  await server?.stop();
  server = d = undefined;
});

/**
 * What the member does offline on a team prompt, one per op kind, and the words of their work
 * that must survive the refusal (empty: the op carries no content of theirs, a decision only).
 */
const WORK: Record<string, { does: (ctx: Ctx) => Promise<void> | void; survives: string[] }> = {
  'version.save': { does: (ctx) => void saveVersion(ctx, SaveVersionInput.parse({ name: 'log-metadata', template: { kind: 'text', text: 'BOB OFFLINE WORK that matters {{x}}' } })), survives: ['BOB OFFLINE WORK that matters'] },
  'prompt.update': { does: (ctx) => void updatePrompt(ctx, UpdatePromptInput.parse({ name: 'log-metadata', description: 'DESCRIPTION-OFFLINE-42' })), survives: ['DESCRIPTION-OFFLINE-42'] },
  'testcase.put': { does: (ctx) => void saveTestCase(ctx, SaveTestCaseInput.parse({ name: 'log-metadata', caseName: 'smoke-offline', variables: { x: 'CASEVALUE-42' } })), survives: ['smoke-offline', 'CASEVALUE-42'] },
  'testcase.delete': { does: (ctx) => void deleteTestCase(ctx, 'log-metadata', ctx.store.testCases.list(ctx.store.prompts.getRowByName('log-metadata')!.id)[0]!.id), survives: [] },
  'promotion.request': { does: (ctx) => void promoteVersion(ctx, { name: 'log-metadata', number: 1, notes: '' }), survives: [] },
};
const LOSSES = { 'made private (hidden)': 'private', 'made view-only': 'library_view' } as const;

/** Everything of prompts, versions, test cases and notices held here, as one text to search. */
const heldText = (d: Desktop) =>
  JSON.stringify([
    d.workspace.store.db.prepare('SELECT name, title, description, team_id FROM prompts').all(),
    d.workspace.store.db.prepare('SELECT template FROM prompt_versions').all(),
    d.workspace.store.db.prepare('SELECT name, variables FROM test_cases').all(),
  ]);

// Attack 14 F2: a member who lost access while offline lost their unsent versions, and the notice
// kept neither the text nor the prompt's name.
describe('a refused op never drops the member\'s work', () => {
  const cases = Object.keys(WORK).flatMap((kind) => Object.entries(LOSSES).map(([loss, level]) => [kind, loss, level] as const));
  it.each(cases)('%s, prompt %s while offline: the work is kept as a personal prompt, the notice names the prompt', async (kind, _loss, level) => {
    ({ server, desktop: d } = await sharedPromptWorld('log-metadata', {
      ...BOB,
      // One test case to delete, and a draft v2 so that promoting v1 is a real request.
      beforeJoin: (owner) => saveTestCase(owner, SaveTestCaseInput.parse({ name: 'log-metadata', caseName: 'smoke', variables: { x: 'a' } })),
    }));
    d.line.offline = true;
    await WORK[kind]!.does(d.as());
    const pending = d.engine.status().pending;
    expect(pending).toBeGreaterThan(0);
    setSharingLevel(server.owner, { name: 'log-metadata', level });
    d.line.offline = false;
    const after = await d.engine.syncNow();
    expect(after).toMatchObject({ state: 'online', pending: 0 });
    const text = heldText(d);
    for (const words of WORK[kind]!.survives) expect(text).toContain(words);
    if (WORK[kind]!.survives.length > 0) {
      const copy = d.workspace.store.prompts.getRowByName('log-metadata-unsynced');
      expect(copy).toMatchObject({ owner_id: d.workspace.owner.id });
      expect((copy as unknown as { team_id: string | null }).team_id).toBeNull();
      expect(after.notices.map((n) => n.message)).toContainEqual(expect.stringContaining('saved as personal prompt "log-metadata-unsynced"'));
    }
    // Whatever the op, its refusal (if any) names the prompt the member knew.
    for (const n of after.notices) expect(n.message).toContain('log-metadata');
    // A second sync sends nothing again and makes no second copy.
    await d.engine.syncNow();
    expect(d.workspace.store.prompts.getRowByName('log-metadata-unsynced-2')).toBeUndefined();
  });
});

describe('a pull that takes a prompt away', () => {
  it('keeps a version saved after this pass pushed (it never reached the server) as a personal prompt', async () => {
    ({ server, desktop: d } = await sharedPromptWorld('log-metadata', BOB));
    setSharingLevel(server.owner, { name: 'log-metadata', level: 'private' });
    const desk = d;
    let saved = false;
    desk.line.tamper = async (url, _init, answer) => {
      // Saved while the pull's request is on its way: the push of this pass is over.
      if (url.includes('/sync/pull') && !saved) {
        saved = true;
        saveVersion(desk.as(), SaveVersionInput.parse({ name: 'log-metadata', template: { kind: 'text', text: 'SAVED DURING THE PULL {{x}}' } }));
      }
      return answer;
    };
    const after = await desk.engine.syncNow();
    expect(desk.workspace.store.prompts.getRowByName('log-metadata')).toBeUndefined();
    expect(heldText(desk)).toContain('SAVED DURING THE PULL');
    expect(desk.workspace.store.prompts.getRowByName('log-metadata-unsynced')).toMatchObject({ owner_id: desk.workspace.owner.id });
    expect(after.notices.map((n) => n.message)).toContainEqual(expect.stringContaining('saved as personal prompt "log-metadata-unsynced"'));
  });
});

describe('a page where the server took one version of a prompt and refused the next', () => {
  it('the taken one stays the team\'s (acknowledged), only the refused one is kept as a personal prompt', async () => {
    ({ server, desktop: d } = await sharedPromptWorld('log-metadata', BOB));
    d.line.offline = true;
    const taken = saveVersion(d.as(), SaveVersionInput.parse({ name: 'log-metadata', template: { kind: 'text', text: 'TAKEN {{x}}' } }));
    saveVersion(d.as(), SaveVersionInput.parse({ name: 'log-metadata', template: { kind: 'text', text: 'REFUSED {{x}}' } }));
    d.line.offline = false;
    // The server's answer to the second op is turned into a refusal (a rule only the server has).
    d.line.tamper = async (url, _init, answer) => {
      if (!url.includes('/sync/push')) return answer;
      const body = (await answer.json()) as { results: Record<string, unknown>[] };
      const last = body.results[body.results.length - 1]!;
      body.results[body.results.length - 1] = { id: last['id'], status: 'rejected', error: { code: 'invalid_input', message: 'Refused for this test', field: 'template' } };
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    await d.engine.syncNow();
    d.line.tamper = undefined;
    const copy = d.workspace.store.prompts.getRowByName('log-metadata-unsynced')!;
    const copied = (d.workspace.store.db.prepare('SELECT template FROM prompt_versions WHERE prompt_id = ?').all(copy.id) as { template: string }[]).map((r) => JSON.parse(r.template).text);
    expect(copied).toEqual(['REFUSED {{x}}']);
    expect(d.workspace.store.db.prepare('SELECT number, sync_state AS state FROM prompt_versions WHERE id = ?').get(taken.id)).toEqual({ number: 2, state: 'synced' });
  });
});
