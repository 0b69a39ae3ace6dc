import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../../helpers/fake-provider';
import { member, testWorkspace } from '../../../helpers/workspace';
import type { Ctx } from '../../../../src/main/core/context';
import { AppError } from '../../../../src/main/core/errors';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { startRun, watchRun } from '../../../../src/main/core/runs/run-service';
import { saveTestCase } from '../../../../src/main/core/runs/test-cases-service';
import { listLogs, rateRun } from '../../../../src/main/core/logs/logs-service';
import { createPrompt, setDataLogging } from '../../../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../../../src/main/core/versions/versions-service';
import { promoteVersion } from '../../../../src/main/core/versions/lifecycle';
import { addShare, removeShare, setSharingLevel } from '../../../../src/main/core/sharing/sharing-service';
import { getReadiness, setReadinessRequired, tickReadiness } from '../../../../src/main/core/readiness/readiness-service';
import { DISPLAY_MESSAGE_THRESHOLD_CHARS, LONG_INPUT_MIN_CHARS } from '../../../../src/main/core/readiness/thresholds';
import { SaveIntegrationInput } from '../../../../src/shared/schemas/integrations';
import { CreatePromptInput, SaveVersionInput } from '../../../../src/shared/schemas/prompts';
import { StartRunInput } from '../../../../src/shared/schemas/runs';
import { ListLogsInput } from '../../../../src/shared/schemas/logs';
import type { ReadinessItemId } from '../../../../src/shared/schemas/readiness';
import { renderTemplate, type VariableMeta } from '../../../../src/shared/template/template';

let provider: FakeProvider;
beforeAll(async () => {
  provider = await startFakeProvider();
});
afterAll(() => provider.close());

let t: ReturnType<typeof testWorkspace>;
let owner: Ctx;
beforeEach(() => {
  t = testWorkspace();
  owner = t.owner;
  saveIntegration(owner, SaveIntegrationInput.parse({ name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo'] }));
});
afterEach(() => t.cleanup());

const NAME = 'welcome-email';

function prompt(text: string, options: { title?: string; description?: string; variables?: VariableMeta[]; displayMessage?: string } = {}) {
  createPrompt(owner, CreatePromptInput.parse({ name: NAME, title: options.title ?? 'New customer welcome', description: options.description ?? 'Writes the first email a new customer gets' }));
  return save(text, options);
}
const save = (text: string, options: { variables?: VariableMeta[]; displayMessage?: string } = {}) =>
  saveVersion(owner, SaveVersionInput.parse({ name: NAME, template: { kind: 'text', text }, variables: options.variables ?? [], displayMessage: options.displayMessage }));

const item = (ctx: Ctx, id: ReadinessItemId) => getReadiness(ctx, NAME).items.find((i) => i.id === id)!;

async function run(ctx: Ctx, variables: Record<string, string>, source: 'chat' | 'test' = 'chat'): Promise<string> {
  const { runId } = startRun(ctx, StartRunInput.parse({ name: NAME, variables, model: 'local:echo', source }));
  for (let cursor = 0; ; ) {
    const progress = await watchRun(ctx, { runId, cursor });
    cursor = progress.cursor;
    if (progress.status !== 'running') return runId;
  }
}

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('1. tested with realistic variable inputs', () => {
  it('is open without test cases, open until every case ran successfully on the served version, then passes', async () => {
    prompt('Welcome {{customer}}');
    expect(item(owner, 'tested')).toMatchObject({ status: 'open', evidence: { testCases: 0 } });
    saveTestCase(owner, { name: NAME, caseName: 'ada', variables: { customer: 'Ada' } });
    saveTestCase(owner, { name: NAME, caseName: 'grace', variables: { customer: 'Grace' } });
    await run(owner, { customer: 'Ada' }, 'test');
    // A chat run with the same values, and a test run with other values, are not runs of a case.
    await run(owner, { customer: 'Grace' }, 'chat');
    await run(owner, { customer: 'Linus' }, 'test');
    expect(item(owner, 'tested')).toMatchObject({ status: 'open', evidence: { testCases: 2, passedTestCases: 1, missing: ['grace'] } });
    await run(owner, { customer: 'Grace' }, 'test');
    expect(item(owner, 'tested')).toMatchObject({ status: 'pass', evidence: { version: 1, passedTestCases: 2 } });
  });

  it('counts runs of the served version only, whatever the data logging keeps', async () => {
    prompt('Welcome {{customer}}');
    setDataLogging(owner, NAME, 'none');
    saveTestCase(owner, { name: NAME, caseName: 'ada', variables: { customer: 'Ada' } });
    await run(owner, { customer: 'Ada' }, 'test');
    expect(item(owner, 'tested').status).toBe('pass');
    save('Hello {{customer}}');
    expect(getReadiness(owner, NAME).version).toBe(2);
    expect(item(owner, 'tested')).toMatchObject({ status: 'open', evidence: { version: 2, passedTestCases: 0 } });
  });

  it('is open while no version is saved', () => {
    createPrompt(owner, CreatePromptInput.parse({ name: NAME, title: 'Welcome email' }));
    const readiness = getReadiness(owner, NAME);
    expect(readiness.version).toBeNull();
    expect(readiness.items.find((i) => i.id === 'tested')?.status).toBe('open');
  });
});

describe('2. edge cases', () => {
  it('is not applicable without variables', () => {
    prompt('Write a haiku about spring');
    expect(item(owner, 'edge_cases').status).toBe('not_applicable');
  });

  it('is open until the cases hold a short value, a long value and an optional variable left out', () => {
    prompt('Welcome {{customer}} to {{product}}', { variables: [{ name: 'customer' }, { name: 'product', default: 'Promptdesk' }] });
    saveTestCase(owner, { name: NAME, caseName: 'short', variables: { customer: 'Ada', product: 'X' } });
    expect(item(owner, 'edge_cases')).toMatchObject({ status: 'open', evidence: { shortInput: true, longInput: false, optionalLeftOut: false, optionalVariables: ['product'] } });
    saveTestCase(owner, { name: NAME, caseName: 'long', variables: { customer: 'a'.repeat(LONG_INPUT_MIN_CHARS), product: 'X' } });
    expect(item(owner, 'edge_cases')).toMatchObject({ status: 'open', evidence: { longInput: true, optionalLeftOut: false } });
    saveTestCase(owner, { name: NAME, caseName: 'no product', variables: { customer: 'Ada' } });
    expect(item(owner, 'edge_cases')).toMatchObject({ status: 'pass', evidence: { optionalLeftOut: true } });
  });

  it('counts an optional variable as left out exactly when rendering the case uses its default (an empty value is a value)', () => {
    const meta = [{ name: 'customer' }, { name: 'sign', default: 'Ada' }];
    prompt('Welcome {{customer}}. Sign as {{sign}}.', { variables: meta });
    const row = t.workspace.store.prompts.getRowByName(NAME)!;
    for (const [caseName, variables] of [
      ['empty', { customer: 'Bo', sign: '' }],
      ['given', { customer: 'Bo', sign: 'Cy' }],
      ['absent', { customer: 'Bo' }],
    ] as const) {
      for (const c of t.workspace.store.testCases.list(row.id)) t.workspace.store.testCases.remove(row.id, c.id);
      saveTestCase(owner, { name: NAME, caseName, variables });
      const rendered = renderTemplate({ kind: 'text', text: 'Welcome {{customer}}. Sign as {{sign}}.' }, variables, meta);
      const usedDefault = rendered.ok && rendered.text.endsWith('Sign as Ada.');
      expect({ caseName, leftOut: item(owner, 'edge_cases').evidence.optionalLeftOut }).toEqual({ caseName, leftOut: usedDefault });
    }
  });

  it('a value one character short of the long threshold is not long', () => {
    prompt('Welcome {{customer}}');
    saveTestCase(owner, { name: NAME, caseName: 'almost', variables: { customer: 'é'.repeat(LONG_INPUT_MIN_CHARS - 1) } });
    expect(item(owner, 'edge_cases').evidence.longInput).toBe(false);
  });

  it('passes on a manual tick, recording who and when', () => {
    prompt('Welcome {{customer}}');
    const ticked = tickReadiness(owner, { name: NAME, item: 'edge_cases', ticked: true }).items.find((i) => i.id === 'edge_cases')!;
    expect(ticked).toMatchObject({ status: 'pass', tickable: true, canTick: true, tick: { id: owner.actor.id, name: owner.actor.name, version: 1 } });
    expect(ticked.tick?.at).toMatch(/^2026-01-01T/);
    expect(tickReadiness(owner, { name: NAME, item: 'edge_cases', ticked: false }).items.find((i) => i.id === 'edge_cases')).toMatchObject({ status: 'open', tick: null });
  });
});

describe('3. name and description clear', () => {
  it('is open when the title only repeats the name or the description is missing', () => {
    prompt('Hi', { title: 'Welcome Email', description: '' });
    expect(item(owner, 'clear_naming')).toMatchObject({ status: 'open', evidence: { titleDistinct: false, descriptionDistinct: false } });
    expect(item(owner, 'clear_naming').summary).toContain('title only repeats the name');
  });

  it('needs both distinct texts and the manual tick', () => {
    prompt('Hi');
    expect(item(owner, 'clear_naming')).toMatchObject({ status: 'open', evidence: { titleDistinct: true, descriptionDistinct: true } });
    tickReadiness(owner, { name: NAME, item: 'clear_naming', ticked: true });
    expect(item(owner, 'clear_naming').status).toBe('pass');
  });

  it('a tick does not pass a missing description', () => {
    prompt('Hi', { description: '' });
    tickReadiness(owner, { name: NAME, item: 'clear_naming', ticked: true });
    expect(item(owner, 'clear_naming').status).toBe('open');
  });
});

describe('4. display message when the rendered user message is long', () => {
  const exactly = (n: number) => 'x'.repeat(n);
  it('is not applicable up to the threshold, open one character past it, and passes once set', () => {
    prompt('{{body}}');
    saveTestCase(owner, { name: NAME, caseName: 'at threshold', variables: { body: exactly(DISPLAY_MESSAGE_THRESHOLD_CHARS) } });
    expect(item(owner, 'display_message')).toMatchObject({ status: 'not_applicable', evidence: { userMessageChars: DISPLAY_MESSAGE_THRESHOLD_CHARS, thresholdChars: 500 } });
    saveTestCase(owner, { name: NAME, caseName: 'past it', variables: { body: exactly(DISPLAY_MESSAGE_THRESHOLD_CHARS + 1) } });
    expect(item(owner, 'display_message')).toMatchObject({ status: 'open', evidence: { userMessageChars: 501, measuredWith: 'test case "past it"' } });
    save('{{body}}', { displayMessage: 'Summarise my notes' });
    expect(item(owner, 'display_message')).toMatchObject({ status: 'pass', evidence: { displayMessageSet: true } });
  });

  it('measures the last user message of a chat template with the example values when there are no test cases', () => {
    createPrompt(owner, CreatePromptInput.parse({ name: NAME, title: 'Welcome email' }));
    saveVersion(owner, SaveVersionInput.parse({
      name: NAME,
      template: { kind: 'chat', messages: [{ role: 'system', content: 's'.repeat(900) }, { role: 'user', content: 'Greet {{who}}' }] },
      variables: [{ name: 'who', example: 'w'.repeat(600) }],
    }));
    expect(item(owner, 'display_message')).toMatchObject({ status: 'open', evidence: { userMessageChars: 606, measuredWith: 'the example values' } });
  });
});

describe('5. data logging chosen deliberately', () => {
  it('is open at the default nobody chose, and passes with who chose it (Full counts)', () => {
    prompt('Hi');
    expect(item(owner, 'data_logging')).toMatchObject({ status: 'open', evidence: { level: 'full', setBy: [] } });
    setDataLogging(owner, NAME, 'full');
    const passed = item(owner, 'data_logging');
    expect(passed).toMatchObject({ status: 'pass', evidence: { level: 'full', setBy: [{ id: owner.actor.id, name: owner.actor.name }] } });
    expect(passed.summary).toContain(`chosen by ${owner.actor.name}`);
  });
});

describe('5. data logging set before who was recorded', () => {
  it('a level other than Full chosen before migration 0150 (no setter) passes, saying the setter is unknown', () => {
    prompt('Hi');
    const id = t.workspace.store.prompts.getRowByName(NAME)!.id;
    // As a store migrated from before 0150 has it: the level, no setter.
    t.workspace.store.tx(() => t.workspace.store.db.prepare("UPDATE prompts SET data_logging = 'none' WHERE id = ?").run(id));
    expect(item(owner, 'data_logging')).toMatchObject({ status: 'pass', evidence: { level: 'none', setBy: [] } });
    expect(item(owner, 'data_logging').summary).toContain('before Promptdesk recorded who chose it');
  });
});

describe('6. access levels confirmed', () => {
  it('shows the level and shares and passes on the tick of someone who may change sharing', () => {
    prompt('Hi');
    member(owner, 'bob@example.com', 'Bob');
    addShare(owner, { name: NAME, email: 'bob@example.com', permission: 'run' });
    expect(item(owner, 'access_levels')).toMatchObject({ status: 'open', evidence: { level: 'private', shares: ['Bob (run)'] } });
    tickReadiness(owner, { name: NAME, item: 'access_levels', ticked: true });
    expect(item(owner, 'access_levels').status).toBe('pass');
  });

  // Finding 2 of the second round: the tick confirmed one access; each change below reopens the item.
  const changes: [string, (bobId: string) => void][] = [
    ['widen to Library View', () => setSharingLevel(owner, { name: NAME, level: 'library_view' })],
    ['widen, then narrow to Chat only', () => {
      setSharingLevel(owner, { name: NAME, level: 'library_view' });
      setSharingLevel(owner, { name: NAME, level: 'chat_only' });
    }],
    ['a new share', () => {
      member(owner, 'carol@example.com', 'Carol');
      addShare(owner, { name: NAME, email: 'carol@example.com', permission: 'view' });
    }],
    ['a share\'s permission changed', () => addShare(owner, { name: NAME, email: 'bob@example.com', permission: 'edit' })],
    ['a share removed', (bobId) => removeShare(owner, { name: NAME, userId: bobId })],
  ];
  it.each(changes)('a tick no longer counts after the access changes: %s', (_label, change) => {
    prompt('Hi');
    const bob = member(owner, 'bob@example.com', 'Bob');
    addShare(owner, { name: NAME, email: 'bob@example.com', permission: 'run' });
    tickReadiness(owner, { name: NAME, item: 'access_levels', ticked: true });
    expect(item(owner, 'access_levels').status).toBe('pass');
    change(bob.actor.id);
    const after = item(owner, 'access_levels');
    expect(after).toMatchObject({ status: 'open', tick: null, canTick: true });
    expect(after.summary).toContain('confirm it again');
    expect(getReadiness(owner, NAME).open).toContain('access_levels');
    tickReadiness(owner, { name: NAME, item: 'access_levels', ticked: true });
    expect(item(owner, 'access_levels').status).toBe('pass');
  });

  it('going back to exactly the access that was confirmed passes again (share order does not matter)', () => {
    prompt('Hi');
    member(owner, 'bob@example.com', 'Bob');
    member(owner, 'carol@example.com', 'Carol');
    addShare(owner, { name: NAME, email: 'bob@example.com', permission: 'run' });
    addShare(owner, { name: NAME, email: 'carol@example.com', permission: 'view' });
    tickReadiness(owner, { name: NAME, item: 'access_levels', ticked: true });
    setSharingLevel(owner, { name: NAME, level: 'library_view' });
    expect(item(owner, 'access_levels').status).toBe('open');
    setSharingLevel(owner, { name: NAME, level: 'private' });
    expect(item(owner, 'access_levels')).toMatchObject({ status: 'pass', tick: { name: owner.actor.name } });
  });

  it('an editor who may not change sharing may not tick it', () => {
    prompt('Hi');
    const eve = member(owner, 'eve@example.com', 'Eve');
    addShare(owner, { name: NAME, email: 'eve@example.com', permission: 'edit' });
    expect(item(eve, 'access_levels').canTick).toBe(false);
    expect(item(eve, 'edge_cases').canTick).toBe(true);
    expect(refusal(() => tickReadiness(eve, { name: NAME, item: 'access_levels', ticked: true })).code).toBe('forbidden');
    tickReadiness(eve, { name: NAME, item: 'edge_cases', ticked: true });
    expect(item(owner, 'edge_cases').tick?.name).toBe('Eve');
  });
});

describe('7. two members rated it useful', () => {
  it('counts distinct members with a useful rating on runs of the served version', async () => {
    prompt('Welcome {{customer}}');
    const bob = member(owner, 'bob@example.com', 'Bob');
    addShare(owner, { name: NAME, email: 'bob@example.com', permission: 'run' });
    const rate = (ctx: Ctx, id: string, rating: 'useful' | 'not_useful') => rateRun(ctx, { id, rating });
    rate(owner, await run(owner, { customer: 'Ada' }), 'useful');
    rate(owner, await run(owner, { customer: 'Ada' }), 'useful');
    rate(bob, await run(bob, { customer: 'Bob' }), 'not_useful');
    expect(item(owner, 'useful_ratings')).toMatchObject({ status: 'open', evidence: { required: 2, members: [{ id: owner.actor.id }] } });
    rate(bob, await run(bob, { customer: 'Bob' }), 'useful');
    const passed = item(owner, 'useful_ratings');
    expect(passed.status).toBe('pass');
    expect((passed.evidence.members as { name: string }[]).map((m) => m.name).sort()).toEqual(['Bob', owner.actor.name].sort());
    // A new served version starts again.
    save('Hello {{customer}}');
    expect(item(owner, 'useful_ratings')).toMatchObject({ status: 'open', evidence: { members: [] } });
    expect(listLogs(owner, ListLogsInput.parse({ prompt: NAME })).items).toHaveLength(4);
  });
});

describe('7. useful ratings: what counts', () => {
  it('a useful rating on a Refine turn of the version is not a run of it', () => {
    prompt('Welcome {{customer}}');
    const bob = member(owner, 'bob@example.com', 'Bob');
    const row = t.workspace.store.prompts.getRowByName(NAME)!;
    const base = { promptId: row.id, promptName: NAME, version: 1, keyLabel: null, model: 'local:echo', status: 'success' as const, startedAt: Date.parse('2026-01-02T00:00:00Z'), latencyMs: 5, ttftMs: 1, tokensIn: 1, tokensOut: 1, dataLogging: 'none' as const, variableNames: null, variables: null, messages: null, output: null, outputChars: null, error: null, conversationId: null };
    t.workspace.store.logs.insertMany([
      { ...base, id: 'refine-turn', source: 'refine', userId: bob.actor.id },
      { ...base, id: 'chat-run', source: 'chat', userId: owner.actor.id },
    ]);
    t.workspace.store.logs.rate('refine-turn', 'useful', null, bob.actor.id);
    t.workspace.store.logs.rate('chat-run', 'useful', null, owner.actor.id);
    expect(item(owner, 'useful_ratings').evidence.members).toEqual([expect.objectContaining({ id: owner.actor.id })]);
  });
});

describe('7. useful ratings: who rated', () => {
  it("counts a rating only when the rater ran the run: an admin's rating of another member's run is not that member's confirmation", async () => {
    expect(owner.actor.role).toBe('admin');
    prompt('Welcome {{customer}}');
    const carol = member(owner, 'carol@example.com', 'Carol');
    const dave = member(owner, 'dave@example.com', 'Dave');
    for (const email of ['carol@example.com', 'dave@example.com']) addShare(owner, { name: NAME, email, permission: 'run' });
    // Each rater x runner pair: only rater === runner counts.
    const carolRun = await run(carol, { customer: 'Ada' });
    const daveRun = await run(dave, { customer: 'Bo' });
    rateRun(owner, { id: carolRun, rating: 'useful' });
    rateRun(owner, { id: daveRun, rating: 'useful' });
    expect(item(owner, 'useful_ratings')).toMatchObject({ status: 'open', evidence: { members: [] } });
    rateRun(carol, { id: carolRun, rating: 'useful' });
    expect((item(owner, 'useful_ratings').evidence.members as { name: string }[]).map((m) => m.name)).toEqual(['Carol']);
    // The runner's own rating, overwritten by an admin's, no longer counts either.
    rateRun(owner, { id: carolRun, rating: 'useful' });
    expect(item(owner, 'useful_ratings').evidence.members).toEqual([]);
    rateRun(carol, { id: carolRun, rating: 'useful' });
    rateRun(dave, { id: daveRun, rating: 'useful' });
    expect(item(owner, 'useful_ratings').status).toBe('pass');
  });
});

describe('manual ticks and promotion', () => {
  it('promoting a new version clears every tick in the same transaction; re-promoting the same one keeps them', () => {
    prompt('Hi');
    promoteVersion(owner, { name: NAME, number: 1, notes: '' });
    for (const tickItem of ['edge_cases', 'clear_naming', 'access_levels'] as const) tickReadiness(owner, { name: NAME, item: tickItem, ticked: true });
    promoteVersion(owner, { name: NAME, number: 1, notes: 'retry' });
    expect(getReadiness(owner, NAME).items.filter((i) => i.tick !== null)).toHaveLength(3);
    save('Hello');
    promoteVersion(owner, { name: NAME, number: 2, notes: '' });
    const after = getReadiness(owner, NAME);
    expect(after.version).toBe(2);
    expect(after.items.filter((i) => i.tick !== null)).toEqual([]);
  });

  it('a promotion that fails leaves the ticks', () => {
    prompt('Hi');
    tickReadiness(owner, { name: NAME, item: 'access_levels', ticked: true });
    expect(refusal(() => promoteVersion(owner, { name: NAME, number: 9, notes: '' })).code).toBe('not_found');
    expect(item(owner, 'access_levels').tick).not.toBeNull();
  });
});

describe('widening access when an admin requires the checklist', () => {
  it('is refused with items open (409 naming level, listing them), allowed when off, narrowing always allowed', () => {
    prompt('Hi');
    setReadinessRequired(owner, true);
    const error = refusal(() => setSharingLevel(owner, { name: NAME, level: 'chat_only' }));
    expect(error).toMatchObject({ code: 'conflict', field: 'level' });
    expect(error.message).toContain('Chat and library access levels set correctly');
    expect(getReadiness(owner, NAME).sharingLevel).toBe('private');
    setReadinessRequired(owner, false);
    setSharingLevel(owner, { name: NAME, level: 'library_view' });
    setReadinessRequired(owner, true);
    expect(refusal(() => setSharingLevel(owner, { name: NAME, level: 'library_edit' })).field).toBe('level');
    expect(setSharingLevel(owner, { name: NAME, level: 'private' }).level).toBe('private');
  });

  it('only an admin changes the setting', () => {
    const bob = member(owner, 'bob@example.com', 'Bob');
    expect(refusal(() => setReadinessRequired(bob, true)).code).toBe('forbidden');
  });
});
