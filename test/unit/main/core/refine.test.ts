import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REVISER_LINE, startFakeProvider, type FakeProvider } from '../../../helpers/fake-provider';
import { member, seedPrompt, testWorkspace } from '../../../helpers/workspace';
import type { Ctx } from '../../../../src/main/core/context';
import { DB_FILE, type Workspace } from '../../../../src/main/core/workspace';
import { AppError } from '../../../../src/main/core/errors';
import { saveIntegration } from '../../../../src/main/core/integrations/integrations';
import { getLog, listLogs } from '../../../../src/main/core/logs/logs-service';
import { createPrompt, setDataLogging } from '../../../../src/main/core/prompts/prompts-service';
import { addShare } from '../../../../src/main/core/sharing/sharing-service';
import { getVersion, listVersions, saveVersion } from '../../../../src/main/core/versions/versions-service';
import { startRun, watchRun } from '../../../../src/main/core/runs/run-service';
import { saveTestCase } from '../../../../src/main/core/runs/test-cases-service';
import {
  beginApiRefine,
  cancelRefine,
  prepareRefine,
  saveRefined,
  startRefine,
  watchRefine,
} from '../../../../src/main/core/refine/refine-service';
import { NO_REVISION, readRefineAnswer } from '../../../../src/main/core/refine/refine-answer';
import { refineMessages } from '../../../../src/main/core/refine/refine-prompt';
import type { RefineContext } from '../../../../src/main/core/refine/refine-context';
import { TemplateSchema } from '../../../../src/shared/schemas/template';
import type { Template } from '../../../../src/shared/template/template';
import { validateTemplate } from '../../../../src/main/core/versions/versions-service';
import { SaveIntegrationInput } from '../../../../src/shared/schemas/integrations';
import { CreatePromptInput, SaveVersionInput } from '../../../../src/shared/schemas/prompts';
import { StartRunInput } from '../../../../src/shared/schemas/runs';
import { ListLogsInput } from '../../../../src/shared/schemas/logs';
import {
  RefineApiBody,
  SaveRefinedInput,
  StartRefineInput,
  type RefineProgress,
} from '../../../../src/shared/schemas/refine';

let provider: FakeProvider;
beforeAll(async () => {
  provider = await startFakeProvider({ models: ['echo', 'slow', 'stall', 'error-500', 'reviser'] });
});
afterAll(() => provider.close());

let t: ReturnType<typeof testWorkspace>;
let owner: Ctx;
let workspace: Workspace;

beforeEach(() => {
  t = testWorkspace({ limits: { responseTimeoutMs: 2000, idleTimeoutMs: 300, maxResponseBytes: 256 * 1024 } });
  ({ owner, workspace } = t);
  const models = ['echo', 'slow', 'stall', 'error-500', 'reviser'];
  saveIntegration(owner, SaveIntegrationInput.parse({ name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models }));
  saveIntegration(owner, SaveIntegrationInput.parse({ name: 'claude', kind: 'anthropic', baseUrl: `${provider.url}/v1`, apiKey: 'sk-ant-test', models }));
  createGreet(owner);
});
afterEach(() => t.cleanup());

function createGreet(ctx: Ctx) {
  seedPrompt(ctx, 'greet', 'Say hello to {{name}}', { description: 'Greets a customer by name' });
  saveVersion(
    ctx,
    SaveVersionInput.parse({
      name: 'greet',
      template: { kind: 'text', text: 'Say hello to {{name}}' },
      variables: [{ name: 'name', description: 'The customer\'s first name', example: 'Ada' }],
      modelSettings: { models: ['local:echo'], temperature: 0.3 },
      displayMessage: 'Greeting {{name}}',
      commitMessage: 'with metadata',
    }),
  );
}

/**
 * The fake provider's `echo` model answers "Echo: " + the last user message, over both protocols,
 * so a request that holds an answer makes the model give that answer, through the real client.
 */
const ask = (content: string) => [{ role: 'user' as const, content }];
const start = (ctx: Ctx, input: object) => startRefine(ctx, StartRefineInput.parse(input));
const apiRefine = (ctx: Ctx, name: string, body: object) => beginApiRefine(ctx, name, RefineApiBody.parse(body)).finished;
const logs = (ctx: Ctx, filter: object = {}) => listLogs(ctx, ListLogsInput.parse(filter)).items;

async function finish(ctx: Ctx, runId: string): Promise<RefineProgress> {
  let cursor = 0;
  let text = '';
  for (;;) {
    const progress = await watchRefine(ctx, { runId, cursor });
    text += progress.text;
    cursor = progress.cursor;
    if (progress.status !== 'running') return { ...progress, text };
  }
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the refine to fail');
}

const lastSystemText = (): string => {
  const request = provider.requests.at(-1)!;
  const body = request.body as { system?: unknown; messages: { role: string; content: unknown }[] };
  if (request.protocol === 'anthropic') {
    return typeof body.system === 'string' ? body.system : (body.system as { text: string }[]).map((b) => b.text).join('');
  }
  return body.messages[0]!.content as string;
};

describe('a refine turn, over both provider protocols', () => {
  for (const model of ['local:echo', 'claude:echo']) {
    it(`${model}: streams, then reads the explanation and the proposal with its diff and variables added`, async () => {
      const started = start(owner, { name: 'greet', model, messages: ask('Make it warmer and say where from.\n<revision>\nSay a warm hello to {{name}} from {{city}}\n</revision>') });
      expect(started).toMatchObject({ prompt: 'greet', version: 2, model });
      const end = await finish(owner, started.runId);
      expect(end.status).toBe('success');
      expect(end.text).toContain('<revision>');
      const result = end.result!;
      expect(result).toMatchObject({
        runId: started.runId,
        version: 2,
        explanation: 'Echo: Make it warmer and say where from.',
        proposal: { template: { kind: 'text', text: 'Say a warm hello to {{name}} from {{city}}' } },
        reason: null,
      });
      // Metadata of kept variables carries over; a new one comes bare.
      expect(result.proposal!.variables).toEqual([{ name: 'name', description: 'The customer\'s first name', example: 'Ada' }, { name: 'city' }]);
      expect(result.diff!.variables).toEqual({ added: ['city'], removed: [] });
      expect(result.diff!.granularity).toBe('words');
      expect(result.diff!.template.filter((p) => p.added).map((p) => p.value).join('')).toContain('warm');
      const from = result.diff!.template.filter((p) => !p.added).map((p) => p.value).join('');
      const to = result.diff!.template.filter((p) => !p.removed).map((p) => p.value).join('');
      expect([from, to]).toEqual(['Say hello to {{name}}', 'Say a warm hello to {{name}} from {{city}}']);
      expect(provider.requests.at(-1)!.protocol).toBe(model.startsWith('claude') ? 'anthropic' : 'openai');
    });
  }

  it('a model that reads the context revises the current template (text and chat, both protocols)', async () => {
    for (const model of ['local:reviser', 'claude:reviser']) {
      const text = (await finish(owner, start(owner, { name: 'greet', model, messages: ask('Make answers shorter') }).runId)).result!;
      expect(text).toMatchObject({ explanation: 'I asked for a shorter answer.', proposal: { template: { kind: 'text', text: `Say hello to {{name}}\n${REVISER_LINE}` } }, reason: null });
    }
    saveVersion(owner, SaveVersionInput.parse({ name: 'greet', template: { kind: 'chat', messages: [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: 'Hi {{name}}' }] } }));
    for (const model of ['local:reviser', 'claude:reviser']) {
      const chat = (await finish(owner, start(owner, { name: 'greet', model, messages: ask('Shorter') }).runId)).result!;
      expect(chat.proposal!.template).toEqual({ kind: 'chat', messages: [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: `Hi {{name}}\n${REVISER_LINE}` }] });
      expect(chat.diff!.template.filter((p) => p.added).map((p) => p.value).join('')).toContain('short paragraph');
    }
  });

  it('sends the version\'s whole context: template, variables with metadata, settings, display message, description', async () => {
    await finish(owner, start(owner, { name: 'greet', model: 'claude:echo', messages: ask('Shorter please') }).runId);
    const system = lastSystemText();
    for (const part of ['<current_template>\nSay hello to {{name}}\n</current_template>', 'The customer\'s first name', 'example "Ada"', 'Greets a customer by name', 'Greeting {{name}}', 'temperature 0.3', 'local:echo', '<revision>']) {
      expect(system).toContain(part);
    }
  });

  it('includes saved test cases with their latest outputs for an editor, none for a view-only member', async () => {
    saveTestCase(owner, { name: 'greet', caseName: 'Short name', variables: { name: 'Bo' } });
    saveTestCase(owner, { name: 'greet', caseName: 'Never run', variables: { name: 'Zed' } });
    const test = startRun(owner, StartRunInput.parse({ name: 'greet', variables: { name: 'Bo' }, model: 'local:echo', source: 'test' }));
    let progress = await watchRun(owner, { runId: test.runId, cursor: 0 });
    while (progress.status === 'running') progress = await watchRun(owner, { runId: test.runId, cursor: progress.cursor });
    expect(progress.status).toBe('success');
    expect(prepareRefine(owner, { name: 'greet' })).toMatchObject({ version: 2, variables: ['name'], testCases: 2, canSave: true, defaultModel: 'local:echo' });
    await finish(owner, start(owner, { name: 'greet', model: 'local:echo', messages: ask('Anything') }).runId);
    const system = lastSystemText();
    expect(system).toContain('- Short name: name="Bo"');
    expect(system).toContain('Latest output (version 2): Echo: Say hello to Bo');
    expect(system).toMatch(/- Never run: name="Zed"\n {2}Latest output: \(none logged\)/);

    const viewer = member(owner, 'viewer@example.com');
    addShare(owner, { name: 'greet', email: 'viewer@example.com', permission: 'view' });
    expect(prepareRefine(viewer, { name: 'greet' })).toMatchObject({ testCases: 0, canSave: false });
    await finish(viewer, start(viewer, { name: 'greet', model: 'local:echo', messages: ask('Anything') }).runId);
    expect(lastSystemText()).not.toContain('Short name');
  });

  it('refines a chat template into chat messages, and sends an earlier proposal back as its block', async () => {
    saveVersion(owner, SaveVersionInput.parse({ name: 'greet', template: { kind: 'chat', messages: [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: 'Hi {{name}}' }] } }));
    const answer = '<revision>\n<message role="system">\nBe kind and brief.\n</message>\n<message role="user">\nHi {{name}}\n</message>\n</revision>';
    const first = (await finish(owner, start(owner, { name: 'greet', model: 'local:echo', messages: ask(`Briefer.\n${answer}`) }).runId)).result!;
    expect(first.proposal!.template).toEqual({ kind: 'chat', messages: [{ role: 'system', content: 'Be kind and brief.' }, { role: 'user', content: 'Hi {{name}}' }] });
    expect(first.diff!.variables).toEqual({ added: [], removed: [] });

    const messages = [...ask('Briefer.'), { role: 'assistant', content: first.explanation, proposal: first.proposal!.template }, ...ask('No revision this time')];
    const second = (await finish(owner, start(owner, { name: 'greet', version: 3, model: 'local:echo', messages }).runId)).result!;
    expect(second).toMatchObject({ proposal: null, diff: null, reason: NO_REVISION.missing, explanation: 'Echo: No revision this time' });
    const sent = (provider.requests.at(-1)!.body as { messages: { role: string; content: string }[] }).messages;
    expect(sent.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(sent[2]!.content).toContain('<message role="system">\nBe kind and brief.\n</message>');
  });

  it('an answer with no revision, a partial block or an invalid template gives proposal null with a reason, never an error', async () => {
    const cases: [string, string][] = [
      ['What tone do you want?', NO_REVISION.missing],
      ['Here it is:\n<revision>\nSay hello to {{name}} and', NO_REVISION.cutOff],
      ['Fixed.\n<revision>\nSay hello to {{name\n</revision>', 'The proposed template cannot be saved'],
    ];
    for (const model of ['local:echo', 'claude:echo']) {
      for (const [request, reason] of cases) {
        const end = await finish(owner, start(owner, { name: 'greet', model, messages: ask(request) }).runId);
        expect(end.status).toBe('success');
        expect(end.result).toMatchObject({ proposal: null, diff: null, reason: expect.stringContaining(reason) });
        expect(end.result!.explanation.startsWith('Echo:')).toBe(true);
      }
    }
  });

  it('refuses before calling the model: hidden prompt, unknown version, model the member may not use, empty request', () => {
    const before = provider.requests.length;
    const stranger = member(owner, 'stranger@example.com');
    expect(() => start(stranger, { name: 'greet', messages: ask('x') })).toThrow(expect.objectContaining({ code: 'not_found', message: 'Prompt not found' }));
    expect(() => start(owner, { name: 'greet', version: 9, messages: ask('x') })).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(() => start(owner, { name: 'greet', model: 'nowhere:echo', messages: ask('x') })).toThrow(expect.objectContaining({ field: 'model' }));
    expect(StartRefineInput.safeParse({ name: 'greet', messages: [] }).error?.issues[0]?.path).toEqual(['messages']);
    expect(StartRefineInput.safeParse({ name: 'greet', messages: [{ role: 'assistant', content: 'x' }] }).error?.issues[0]?.path).toEqual(['messages']);
    // A prompt with no version yet: the 409 says refining, not "rendering or running".
    createPrompt(owner, CreatePromptInput.parse({ name: 'blank', title: 'Blank' }));
    for (const refuse of [() => start(owner, { name: 'blank', messages: ask('x') }), () => prepareRefine(owner, { name: 'blank' })]) {
      expect(refuse).toThrow(expect.objectContaining({ code: 'conflict', field: 'version', message: 'Prompt "blank" has no saved version yet: save a version before refining it' }));
    }
    expect(provider.requests.length).toBe(before);
  });
});

describe('Stop and provider errors, as in chat', () => {
  it('Stop cancels the turn: no result, logged as cancelled with source refine', async () => {
    const started = start(owner, { name: 'greet', model: 'local:stall', messages: ask('Stop me') });
    const first = await watchRefine(owner, { runId: started.runId, cursor: 0 });
    expect(first.status).toBe('running');
    const stopped = await cancelRefine(owner, started.runId);
    expect(stopped).toMatchObject({ status: 'cancelled', result: null });
    expect(logs(owner, { source: 'refine' })[0]).toMatchObject({ id: started.runId, status: 'cancelled', source: 'refine' });
  });

  it('a provider error ends the turn with the chat\'s error and no result; the API door rejects with it', async () => {
    const end = await finish(owner, start(owner, { name: 'greet', model: 'claude:error-500', messages: ask('x') }).runId);
    expect(end).toMatchObject({ status: 'error', result: null, error: { code: 'provider_error', message: expect.stringMatching(/claude answered 500/) } });
    const error = await failure(apiRefine(owner, 'greet', { model: 'local:error-500', messages: ask('x') }));
    expect(error).toMatchObject({ code: 'provider_error' });
  });

  it('refine:watch knows only refine runs', async () => {
    const chat = startRun(owner, StartRunInput.parse({ name: 'greet', variables: { name: 'x' }, model: 'local:echo' }));
    await expect(watchRefine(owner, { runId: chat.runId, cursor: 0 })).rejects.toMatchObject({ code: 'not_found' });
    await expect(cancelRefine(owner, 'no-such-run')).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('logging', () => {
  function bytesOnDisk(): string {
    workspace.store.db.pragma('wal_checkpoint(TRUNCATE)');
    return [DB_FILE, `${DB_FILE}-wal`]
      .map((f) => join(t.dir, f))
      .filter(existsSync)
      .map((f) => readFileSync(f).toString('latin1'))
      .join('');
  }

  it('logs every turn with source refine, the version refined and, at full, the messages and answer', async () => {
    const result = await apiRefine(owner, 'greet', { model: 'local:echo', messages: ask('Zanzibarine tone') });
    const [entry] = logs(owner, { source: 'refine' });
    expect(entry).toMatchObject({ id: result.runId, prompt: 'greet', version: 2, source: 'refine', status: 'success', model: 'local:echo' });
    const detail = getLog(owner, result.runId);
    expect(detail.output).toBe('Echo: Zanzibarine tone');
    expect(JSON.stringify(detail.messages)).toContain('<current_template>');
    expect(bytesOnDisk()).toContain('Zanzibarine');
  });

  it('data logging none leaves no text of the turn on disk; metadata neither', async () => {
    for (const level of ['none', 'metadata'] as const) {
      setDataLogging(owner, 'greet', level);
      const marker = `Quorvexian${level}`;
      const result = await apiRefine(owner, 'greet', { model: 'claude:echo', messages: ask(`${marker}\n<revision>\nHello {{name}} ${marker}\n</revision>`) });
      expect(result.proposal?.template).toEqual({ kind: 'text', text: `Hello {{name}} ${marker}` });
      expect(getLog(owner, result.runId)).toMatchObject({ source: 'refine', output: null, messages: null, variables: null, dataLogging: level });
      expect(bytesOnDisk()).not.toContain(marker);
    }
  });
});

describe('saving a proposal as a version', () => {
  it('saves only on the explicit call, through saveVersion, with a commit message saying it came from Refine', async () => {
    const result = await apiRefine(owner, 'greet', { model: 'local:echo', messages: ask('x\n<revision>\nWarm hello to {{name}} in {{city}}\n</revision>') });
    expect(listVersions(owner, 'greet')).toHaveLength(2);
    const saved = saveRefined(owner, SaveRefinedInput.parse({ name: 'greet', version: result.version, template: result.proposal!.template, variables: result.proposal!.variables, note: 'warmer' }));
    expect(saved).toMatchObject({
      number: 3,
      commitMessage: 'Refine with AI (from version 2): warmer',
      template: { kind: 'text', text: 'Warm hello to {{name}} in {{city}}' },
      displayMessage: 'Greeting {{name}}',
      modelSettings: { models: ['local:echo'], temperature: 0.3 },
    });
    expect(saved.variables).toEqual([{ name: 'name', description: 'The customer\'s first name', example: 'Ada' }, { name: 'city' }]);
    expect(getVersion(owner, 'greet', 3).commitMessage).toBe('Refine with AI (from version 2): warmer');
  });

  it('refuses a version saved since the refined one (409 naming version), and an invalid template as saving does', () => {
    const save = (input: object) => () => saveRefined(owner, SaveRefinedInput.parse({ name: 'greet', ...input }));
    expect(save({ version: 1, template: { kind: 'text', text: 'Hi {{name}}' } })).toThrow(expect.objectContaining({ code: 'conflict', field: 'version' }));
    expect(save({ version: 2, template: { kind: 'text', text: 'Hi {{name' } })).toThrow(expect.objectContaining({ code: 'invalid_input', field: 'template.text' }));
    expect(listVersions(owner, 'greet')).toHaveLength(2);
    expect(save({ version: 2, template: { kind: 'text', text: 'Hi {{name}}' } })()).toMatchObject({ number: 3, commitMessage: 'Refine with AI (from version 2)' });
  });

  it('a member who may not edit may refine (and copy) but not save', async () => {
    const viewer = member(owner, 'viewer@example.com');
    addShare(owner, { name: 'greet', email: 'viewer@example.com', permission: 'view' });
    const result = await apiRefine(viewer, 'greet', { model: 'local:echo', messages: ask('x\n<revision>\nHi {{name}}\n</revision>') });
    expect(result.proposal).not.toBeNull();
    expect(() => saveRefined(viewer, SaveRefinedInput.parse({ name: 'greet', version: 2, template: result.proposal!.template }))).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(listVersions(owner, 'greet')).toHaveLength(2);
  });
});

describe('reading an answer', () => {
  const base = () => getVersion(owner, 'greet', 2);
  const block = (body: string) => `Because.\n<revision>\n${body}\n</revision>`;

  it('reads each kind of unusable answer as proposal null with its reason', () => {
    const cases: [string, string][] = [
      ['Just an explanation', NO_REVISION.missing],
      [`${block('A {{name}}')}\n${block('B {{name}}')}`, NO_REVISION.several],
      ['Oops\n</revision>\nhere', NO_REVISION.unopened],
      [`Before\n</revision>\n${block('A {{name}}')}`, NO_REVISION.unopened],
      ['Oops </revision> mentioned in a sentence', NO_REVISION.missing],
      ['<revision>\nHalf a templ', NO_REVISION.cutOff],
      [block('   '), NO_REVISION.empty],
      [block('<message role="user">\nHi\n</message>'), NO_REVISION.kindChanged('text', 'chat')],
      [block('<message role="user">\nHi\n</message> stray text'), NO_REVISION.messages],
      [block('Hello {{ bad name }}'), 'The proposed template cannot be saved'],
      [block('Hello {{}}'), 'The proposed template cannot be saved'],
      [block('x'.repeat(200_001)), 'The proposed template cannot be saved'],
    ];
    for (const [answer, reason] of cases) {
      const read = readRefineAnswer(answer, base());
      expect({ answer: answer.slice(0, 60), proposal: read.proposal, diff: read.diff }).toEqual({ answer: answer.slice(0, 60), proposal: null, diff: null });
      expect(read.reason).toContain(reason);
    }
  });

  it('keeps text around the block as the explanation and drops a Markdown fence the template does not have', () => {
    const read = readRefineAnswer('Shorter now.\n<revision>\n```\nHi {{name}}\n```\n</revision>\nTell me if you want more.', base());
    expect(read).toMatchObject({ explanation: 'Shorter now.\n\nTell me if you want more.', proposal: { template: { kind: 'text', text: 'Hi {{name}}' } }, reason: null });
    expect(read.diff!.variables).toEqual({ added: [], removed: [] });
  });

  it('reports variables removed', () => {
    expect(readRefineAnswer(block('Say hello'), base()).diff!.variables).toEqual({ added: [], removed: ['name'] });
  });

  it('never throws, whatever the model writes, and a proposal is always a template saving accepts', () => {
    const piece = fc.oneof(fc.string(), fc.constantFrom('<revision>', '</revision>', '\n', '{{', '}}', '{{name}}', '<message role="user">', '</message>', '```'));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const read = readRefineAnswer(pieces.join(''), base());
        expect((read.proposal === null) === (read.reason !== null)).toBe(true);
        expect((read.proposal === null) === (read.diff === null)).toBe(true);
        if (read.proposal) expect(() => saveVersion(owner, SaveVersionInput.parse({ name: 'greet', template: read.proposal!.template }))).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('markers count only as whole lines: a template mentioning them inline is read as written', () => {
    const read = readRefineAnswer('Clearer.\n<revision>\nExplain the <revision> tag and </revision> to {{name}}\n</revision>', base());
    expect(read.reason).toBeNull();
    expect(read.proposal?.template).toEqual({ kind: 'text', text: 'Explain the <revision> tag and </revision> to {{name}}' });
  });

  it('any template, text or chat, markers included, round-trips through the prompt sent and the answer read', () => {
    // The model is a faithful copyist: it answers with the current template exactly as the prompt showed it.
    const piece = fc.oneof(
      fc.string().filter((s) => !s.includes('{') && !s.includes('}')),
      fc.constantFrom('<revision>', '</revision>', '\n', '\r\n', '\r', ' ', '\t', '\\', '\\<revision>', '{{name}}', '```', '<message role="user">', '<message role="assistant">', '</message>', '<current_template>', '</current_template>', '<message role="user">x</message>'),
    );
    const text = fc.array(piece, { minLength: 1, maxLength: 12 }).map((parts) => parts.join(''));
    const template: fc.Arbitrary<Template> = fc.oneof(
      text.map((t): Template => ({ kind: 'text', text: t })),
      fc
        .array(fc.record({ role: fc.constantFrom('system' as const, 'user' as const, 'assistant' as const), content: text }), { minLength: 1, maxLength: 4 })
        .map((messages): Template => ({ kind: 'chat', messages })),
    );
    const savable = (t: Template) => {
      if (!TemplateSchema.safeParse(t).success || (t.kind === 'text' && t.text.trim() === '')) return false;
      try {
        validateTemplate(t);
        return true;
      } catch {
        return false;
      }
    };
    fc.assert(
      fc.property(template, (t) => {
        fc.pre(savable(t));
        const version = { ...base(), template: t, detectedVariables: validateTemplate(t), variables: [] };
        const context = { row: { name: 'greet', title: 'Greet', description: '' }, version, canEdit: true, testCases: [] } as unknown as RefineContext;
        const system = refineMessages(context, [{ role: 'user', content: 'Keep it' }])[0]!.content;
        const shown = system.slice(system.indexOf('\n<current_template>\n') + '\n<current_template>\n'.length, system.lastIndexOf('\n</current_template>'));
        const read = readRefineAnswer(`Unchanged.\n<revision>\n${shown}\n</revision>`, version);
        expect(read.reason).toBeNull();
        expect(read.proposal?.template).toEqual(t);
      }),
      { numRuns: 400 },
    );
  });

  it('gives back any valid text template exactly as written inside the block', () => {
    const text = fc.array(fc.oneof(fc.string({ minLength: 1 }).filter((s) => !s.includes('<') && !s.includes('{') && !s.includes('\\') && !s.includes('`')), fc.constant('{{name}}'), fc.constant('\n')), { minLength: 1, maxLength: 10 });
    fc.assert(
      fc.property(text, (parts) => {
        const template = parts.join('');
        fc.pre(template.trim() !== '');
        const read = readRefineAnswer(block(template), base());
        expect(read.proposal?.template).toEqual({ kind: 'text', text: template });
      }),
      { numRuns: 200 },
    );
  });
});

