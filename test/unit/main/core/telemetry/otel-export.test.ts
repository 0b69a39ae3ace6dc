import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../../../helpers/fake-provider';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../../../helpers/otlp-receiver';
import { member, seedPrompt, testWorkspace } from '../../../../helpers/workspace';
import { errorOf } from '../../../../helpers/errors';
import type { Ctx } from '../../../../../src/main/core/context';
import { saveIntegration } from '../../../../../src/main/core/integrations/integrations';
import { beginApiRun, startRun, watchRun } from '../../../../../src/main/core/runs/run-service';
import { startRefine, watchRefine } from '../../../../../src/main/core/refine/refine-service';
import { setDataLogging } from '../../../../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../../../../src/main/core/versions/versions-service';
import { getLog } from '../../../../../src/main/core/logs/logs-service';
import { saveTelemetry, sendTestSpan, telemetryStatus } from '../../../../../src/main/core/telemetry/telemetry-service';
import type { ExportLimits } from '../../../../../src/main/core/telemetry/run-telemetry';
import { SaveIntegrationInput } from '../../../../../src/shared/schemas/integrations';
import { RunApiBody, StartRunInput, type DataLoggingLevel } from '../../../../../src/shared/schemas/runs';
import { StartRefineInput } from '../../../../../src/shared/schemas/refine';
import { SaveVersionInput } from '../../../../../src/shared/schemas/prompts';
import { SaveTelemetryInput, type OtlpProtocol } from '../../../../../src/shared/schemas/telemetry';
import { applyPush } from '../../../../../src/main/core/sync/sync-server';
import { setSharingLevel } from '../../../../../src/main/core/sharing/sharing-service';
import { PushInput } from '../../../../../src/shared/schemas/sync';

const SECRET_VALUE = 'Zanzibar-7741-secret';
const SECRET_VAR = 'patientname';
/** Short batching so spans leave at once; the export deadline stays long enough for the exporter's own retries. */
const FAST: Partial<ExportLimits> = { scheduledDelayMs: 20, exportTimeoutMs: 15_000 };

let provider: FakeProvider;
let receiver: OtlpReceiver;
beforeAll(async () => {
  provider = await startFakeProvider();
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await provider.close();
  await receiver.close();
});

const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await receiver.up();
  receiver.failTimes(0);
  receiver.requests.length = 0;
});

/** A workspace whose runs go to `url` by the given route (Settings, flag or environment), with an `greet` prompt and a `local` integration. */
function world(options: { env?: NodeJS.ProcessEnv; flagEndpoint?: string; limits?: Partial<ExportLimits>; protocol?: OtlpProtocol; settings?: boolean } = {}) {
  const t = testWorkspace({ telemetry: { env: options.env ?? {}, flagEndpoint: options.flagEndpoint, limits: { ...FAST, ...options.limits } } });
  cleanups.push(t.cleanup);
  const owner = t.owner;
  saveIntegration(owner, SaveIntegrationInput.parse({ name: 'local', kind: 'openai-compatible', baseUrl: `${provider.url}/v1`, models: ['echo', 'error-500'] }));
  seedPrompt(owner, 'greet', `Say hello to {{${SECRET_VAR}}}`, { api: true });
  saveVersion(
    owner,
    SaveVersionInput.parse({
      name: 'greet',
      template: { kind: 'chat', messages: [{ role: 'system', content: 'You greet people.' }, { role: 'user', content: `Say hello to {{${SECRET_VAR}}}` }] },
      modelSettings: { models: ['local:echo'], temperature: 0.3, maxTokens: 200 },
    }),
  );
  if (options.settings !== false && !options.env && !options.flagEndpoint) {
    saveTelemetry(owner, SaveTelemetryInput.parse({ enabled: true, endpoint: receiver.url, protocol: options.protocol ?? 'http/protobuf' }));
  }
  return { t, owner };
}

async function chatRun(ctx: Ctx, source: 'chat' | 'test' = 'chat', model = 'local:echo'): Promise<string> {
  const { runId } = startRun(ctx, StartRunInput.parse({ name: 'greet', variables: { [SECRET_VAR]: SECRET_VALUE }, model, source }));
  let cursor = 0;
  for (;;) {
    const progress = await watchRun(ctx, { runId, cursor });
    cursor = progress.cursor;
    if (progress.status !== 'running') return runId;
  }
}

const apiRun = async (ctx: Ctx, source: 'api' | 'mcp' = 'api') =>
  (await beginApiRun(ctx, 'greet', RunApiBody.parse({ variables: { [SECRET_VAR]: SECRET_VALUE }, model: 'local:echo' }), {}, source).finished).runId;

async function refineRun(ctx: Ctx): Promise<string> {
  const { runId } = startRefine(ctx, StartRefineInput.parse({ name: 'greet', model: 'local:echo', messages: [{ role: 'user', content: 'Make it warmer' }] }));
  let cursor = 0;
  for (;;) {
    const progress = await watchRefine(ctx, { runId, cursor });
    cursor = progress.cursor;
    if (progress.status !== 'running') return runId;
  }
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const traceIdOf = (runId: string) => runId.replace(/-/g, '');
const spanOf = (spans: ReceivedSpan[], runId: string) => spans.find((s) => s.traceId === traceIdOf(runId));

describe('every run is one GenAI client span', () => {
  it('chat, test, api, mcp and refine runs arrive with the GenAI attributes, times and resource', async () => {
    const { owner, t } = world();
    const runs = { chat: await chatRun(owner, 'chat'), test: await chatRun(owner, 'test'), api: await apiRun(owner, 'api'), mcp: await apiRun(owner, 'mcp'), refine: await refineRun(owner) };
    const spans = await receiver.waitForSpans(5);
    expect(spans).toHaveLength(5);
    for (const [source, runId] of Object.entries(runs)) {
      const span = spanOf(spans, runId)!;
      const log = getLog(owner, runId);
      expect(span, source).toBeDefined();
      expect(span.name).toBe('chat echo');
      expect(span.kind).toBe(3); // SPAN_KIND_CLIENT
      expect(span.status.code).toBe(0);
      expect(span.startNs).toBe(BigInt(Date.parse(log.startedAt)) * 1_000_000n);
      expect(span.endNs - span.startNs).toBe(BigInt(log.latencyMs!) * 1_000_000n);
      expect(span.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'local',
        'gen_ai.system': 'local',
        'gen_ai.request.model': 'echo',
        'gen_ai.usage.input_tokens': log.inputTokens,
        'gen_ai.usage.output_tokens': log.outputTokens,
        'promptdesk.prompt.name': 'greet',
        'promptdesk.run.source': source,
        'promptdesk.run.id': runId,
        'promptdesk.member.id': owner.actor.id,
      });
      expect(typeof span.attributes['gen_ai.response.model']).toBe('string');
      expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
      expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeCloseTo(log.ttftMs! / 1000, 6);
      expect(span.resource).toMatchObject({ 'service.name': 'promptdesk', 'telemetry.sdk.language': 'nodejs' });
      expect(span.resource['service.version']).toMatch(/^\d+\.\d+\.\d+/);
    }
    // Runs of the version carry its sampling settings; a refine turn uses its own.
    for (const source of ['chat', 'test', 'api', 'mcp'] as const) {
      expect(spanOf(spans, runs[source])!.attributes).toMatchObject({ 'promptdesk.prompt.version': 2, 'gen_ai.request.temperature': 0.3, 'gen_ai.request.max_tokens': 200 });
    }
    // The receiver holds the spans before the exporter has read its answer: settle, then count.
    await t.workspace.runtime.telemetry.flush();
    expect(telemetryStatus(t.owner).counters).toMatchObject({ exported: 5, dropped: 0, failed: 0, queued: 0 });
  });

  it('a failed run is an ERROR span with error.type', async () => {
    const { owner } = world();
    const runId = await chatRun(owner, 'chat', 'local:error-500');
    const span = spanOf(await receiver.waitForSpans(1), runId)!;
    expect(span.status.code).toBe(2);
    // The run's error code (AppError), not the SDK's catch-all.
    expect(span.attributes['error.type']).toMatch(/^[a-z_]+$/);
    expect(span.attributes['error.type']).not.toBe('_OTHER');
    expect(span.attributes['promptdesk.run.status']).toBe('error');
  });
});

describe('attack 15a F4/F5: what a span says about the call', () => {
  it('a failed run at Full: no output message, no finish reasons (the provider gave none), error.type set', async () => {
    const { owner } = world();
    setDataLogging(owner, 'greet', 'full');
    const runId = await chatRun(owner, 'chat', 'local:error-500');
    const span = spanOf(await receiver.waitForSpans(1), runId)!;
    expect(span.status.code).toBe(2);
    expect(span.attributes['error.type']).toMatch(/^[a-z_]+$/);
    expect(span.attributes).not.toHaveProperty('gen_ai.output.messages');
    expect(span.attributes).not.toHaveProperty('gen_ai.response.finish_reasons');
    expect(span.attributes).not.toHaveProperty('gen_ai.response.id');
    // The input still went out: it is what was sent.
    expect(span.attributes['gen_ai.input.messages']).toEqual(expect.any(String));
  });

  it('server.address / server.port from the integration, gen_ai.response.id as the provider sent it; a conversation id only for kept conversations', async () => {
    const { owner } = world();
    const runs = { chat: await chatRun(owner, 'chat'), test: await chatRun(owner, 'test'), api: await apiRun(owner, 'api'), mcp: await apiRun(owner, 'mcp'), refine: await refineRun(owner) };
    const spans = await receiver.waitForSpans(5);
    const { port } = new URL(provider.url);
    for (const [source, runId] of Object.entries(runs)) {
      const span = spanOf(spans, runId)!;
      expect(span.attributes, source).toMatchObject({ 'server.address': '127.0.0.1', 'server.port': Number(port) });
      // The fake provider's own ids (OpenAI's chatcmpl-… shape), never one the SDK made up.
      expect(span.attributes['gen_ai.response.id'], source).toMatch(/^chatcmpl-fake\d+$/);
      if (source === 'chat' || source === 'test') expect(span.attributes['gen_ai.conversation.id'], source).toBe(getLog(owner, runId).conversationId);
      else expect(span.attributes, source).not.toHaveProperty('gen_ai.conversation.id');
    }
  });
});

describe('runs a team member pushes', () => {
  it('the team server exports them once committed, cut to its own level, with the run id as trace id', async () => {
    const { owner } = world();
    const ada = member(owner, 'ada@example.com');
    setSharingLevel(owner, { name: 'greet', level: 'library_view' });
    setDataLogging(owner, 'greet', 'none');
    const promptId = owner.store.prompts.getRowByName('greet')!.id;
    const ops = ['success', 'error'].map((status) => ({
      id: crypto.randomUUID(), kind: 'run.log', promptId, versionId: null, source: 'chat', model: 'local:echo', status, startedAt: Date.now() - 1000, latencyMs: 250,
      ttftMs: 40, tokensIn: 3, tokensOut: 5, dataLogging: 'metadata', variableNames: `["${SECRET_VAR}"]`, variables: null, messages: null, output: null, outputChars: 12,
      error: status === 'error' ? `Provider said no about ${SECRET_VALUE}` : null,
    }));
    const input = PushInput.parse({ protocol: 1, ops });
    expect(applyPush(ada, input).results.map((r) => r.status)).toEqual(['applied', 'applied']);
    // A retried page applies nothing again, and exports nothing again.
    applyPush(ada, input);
    const spans = await receiver.waitForSpans(2);
    await owner.runtime.telemetry.flush();
    expect(receiver.spans()).toHaveLength(2);
    expect(spans.map((s) => s.traceId).sort()).toEqual(ops.map((op) => traceIdOf(op.id)).sort());
    const raw = Buffer.concat(receiver.requests.map((r) => r.raw)).toString('latin1');
    expect(raw).not.toContain(SECRET_VAR);
    expect(raw).not.toContain(SECRET_VALUE);
    const failed = spans.find((s) => s.traceId === traceIdOf(ops[1]!.id))!;
    expect(failed.status.code).toBe(2);
    expect(failed.attributes).toMatchObject({ 'promptdesk.member.id': ada.actor.id, 'promptdesk.data_logging': 'none', 'gen_ai.request.model': 'echo', 'gen_ai.usage.output_tokens': 5 });
  });
});

describe('what leaves the machine follows the prompt data-logging level (the team sync rule)', () => {
  const LEVELS: DataLoggingLevel[] = ['full', 'metadata', 'none'];
  for (const protocol of ['http/protobuf', 'http/json'] as const) {
    for (const level of LEVELS) {
      it(`${protocol}, ${level}`, async () => {
        const { owner } = world({ protocol });
        setDataLogging(owner, 'greet', level);
        const ok = await chatRun(owner);
        const failed = await chatRun(owner, 'chat', 'local:error-500');
        await receiver.waitForSpans(2);
        expect(receiver.requests.every((r) => r.contentType === (protocol === 'http/json' ? 'application/json' : 'application/x-protobuf'))).toBe(true);
        const raw = Buffer.concat(receiver.requests.map((r) => r.raw)).toString('latin1');
        const spans = receiver.spans();
        const span = spanOf(spans, ok)!;
        const failure = spanOf(spans, failed)!;
        // Always: who, what, how long, how much; never a member's name or email.
        expect(span.attributes).toMatchObject({ 'gen_ai.request.model': 'echo', 'promptdesk.prompt.name': 'greet', 'promptdesk.data_logging': level });
        expect(raw).not.toContain(owner.actor.email);
        expect(failure.status.code).toBe(2);
        expect(failure.attributes['error.type']).toEqual(expect.any(String));
        if (level === 'full') {
          expect(raw).toContain(SECRET_VALUE);
          expect(JSON.parse(span.attributes['gen_ai.input.messages'] as string)).toEqual([{ role: 'user', parts: [{ type: 'text', content: `Say hello to ${SECRET_VALUE}` }] }]);
          expect(JSON.parse(span.attributes['gen_ai.system_instructions'] as string)).toEqual([{ type: 'text', content: 'You greet people.' }]);
          expect(JSON.parse(span.attributes['gen_ai.output.messages'] as string)).toEqual([
            { role: 'assistant', parts: [{ type: 'text', content: expect.stringContaining(SECRET_VALUE) }], finish_reason: 'stop' },
          ]);
        } else {
          expect(raw).not.toContain(SECRET_VALUE);
          expect(raw).not.toContain('You greet people');
          for (const key of ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions']) expect(span.attributes).not.toHaveProperty(key);
        }
        if (level === 'none') {
          expect(raw).not.toContain(SECRET_VAR);
          expect(span.attributes).not.toHaveProperty('promptdesk.variables.names');
          expect(span.attributes).not.toHaveProperty('promptdesk.output.chars');
          // No provider error text either: the error's code only.
          expect(failure.status.message).toBeUndefined();
          expect(raw).not.toContain('Internal');
        } else {
          expect(span.attributes['promptdesk.variables.names']).toEqual([SECRET_VAR]);
          expect(span.attributes['promptdesk.output.chars']).toEqual(expect.any(Number));
          expect(failure.status.message).toBe(getLog(owner, failed).error);
        }
      });
    }
  }
});

describe('configuration', () => {
  it('honours OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL and _HEADERS (the endpoint gets /v1/traces)', async () => {
    const { owner, t } = world({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.port}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Basic%20cGs6c2s=,x-tenant=team-a',
      },
    });
    const runId = await apiRun(owner);
    await receiver.waitForSpans(1);
    expect(spanOf(receiver.spans(), runId)).toBeDefined();
    expect(receiver.requests[0]).toMatchObject({ contentType: 'application/json', headers: { authorization: 'Basic cGs6c2s=', 'x-tenant': 'team-a' } });
    expect(telemetryStatus(t.owner).effective).toMatchObject({ enabled: true, endpointSource: 'env', protocolSource: 'env', protocol: 'http/json', headerNames: ['Authorization', 'x-tenant'] });
  });

  it('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is used as is; the flag wins over it', async () => {
    const env = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:9/elsewhere' };
    const { owner, t } = world({ env, flagEndpoint: receiver.url });
    await apiRun(owner);
    expect(await receiver.waitForSpans(1)).toHaveLength(1);
    expect(telemetryStatus(t.owner).effective).toMatchObject({ endpoint: receiver.url, endpointSource: 'flag' });
  });

  it('a variable that is not an http(s) URL leaves export off and says which one', () => {
    const { t } = world({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://collector:21' } });
    const status = telemetryStatus(t.owner);
    expect(status.effective.enabled).toBe(false);
    expect(status.lastError?.message).toMatch(/^OTEL_EXPORTER_OTLP_ENDPOINT: Use an http/);
  });

  it('Settings: validated at the field, headers sealed and never shown back, applied live, admins only', async () => {
    const { owner, t } = world({ settings: false });
    expect(telemetryStatus(owner).effective.enabled).toBe(false);
    await apiRun(owner);
    await nextTurn(); // the log writer hands committed runs to the export on the next turn
    for (const bad of ['ftp://x/v1/traces', 'not a url', 'http://user:pw@127.0.0.1:4318/v1/traces']) {
      expect(SaveTelemetryInput.safeParse({ enabled: true, endpoint: bad }).error?.issues[0]?.path).toEqual(['endpoint']);
    }
    expect(SaveTelemetryInput.safeParse({ enabled: true, endpoint: '' }).error?.issues[0]?.path).toEqual(['endpoint']);
    expect(SaveTelemetryInput.safeParse({ enabled: true, endpoint: receiver.url, headers: 'no-equals-sign' }).error?.issues[0]?.path).toEqual(['headers']);
    const token = 'Basic c2VjcmV0LXRva2VuLXZhbHVl';
    const status = saveTelemetry(owner, SaveTelemetryInput.parse({ enabled: true, endpoint: receiver.url, protocol: 'http/json', headers: `Authorization=${encodeURIComponent(token)}` }));
    expect(JSON.stringify(status)).not.toContain('c2VjcmV0LXRva2VuLXZhbHVl');
    expect(status.settings.headersHint).toBe('Authorization=…ZhbHVl'.replace('ZhbHVl', token.slice(-4)));
    expect(JSON.stringify(t.workspace.store.settings.get('telemetry.otlp'))).not.toContain('c2VjcmV0');
    const runId = await apiRun(owner);
    await receiver.waitForSpans(1);
    expect(receiver.spans().map((s) => s.traceId)).toEqual([traceIdOf(runId)]);
    expect(receiver.requests[0]!.headers['authorization']).toBe(token);
    // Pointing the stored headers at another collector needs them typed again.
    expect(errorOf(() => saveTelemetry(owner, SaveTelemetryInput.parse({ enabled: true, endpoint: 'http://127.0.0.1:9/v1/traces' })))).toMatchObject({ field: 'headers' });
    const bob = member(owner, 'bob@example.com');
    expect(errorOf(() => telemetryStatus(bob)).code).toBe('forbidden');
    expect(errorOf(() => saveTelemetry(bob, SaveTelemetryInput.parse({ enabled: false })))).toMatchObject({ code: 'forbidden' });
    saveTelemetry(owner, SaveTelemetryInput.parse({ enabled: false, endpoint: receiver.url }));
    await apiRun(owner);
    await t.workspace.runtime.telemetry.flush();
    expect(receiver.spans()).toHaveLength(1);
  });

  it('"Send a test span" says what the collector answered', async () => {
    const { owner } = world();
    expect(await sendTestSpan(owner)).toMatchObject({ ok: true });
    expect(receiver.spans().map((s) => s.name)).toContain('promptdesk test span');
    await receiver.down();
    const refused = await sendTestSpan(owner);
    expect(refused.ok).toBe(false);
    expect(refused.message).toContain(receiver.url);
  }, 30_000);
});

describe('a dead collector never slows runs', () => {
  it('collector down: runs are answered meanwhile; the spans arrive once it is back (exporter retries)', async () => {
    const { owner, t } = world();
    await receiver.down();
    const runIds = [await apiRun(owner), await chatRun(owner), await apiRun(owner, 'mcp')];
    // Every run answered while the collector had received nothing.
    expect(receiver.requests).toHaveLength(0);
    await receiver.up();
    const spans = await receiver.waitForSpans(3);
    expect(spans.map((s) => s.traceId).sort()).toEqual(runIds.map(traceIdOf).sort());
    await t.workspace.runtime.telemetry.flush();
    expect(telemetryStatus(t.owner).counters).toMatchObject({ exported: 3, dropped: 0 });
  }, 30_000);

  it('collector hanging: runs are answered meanwhile; spans arrive after it answers again', async () => {
    const { owner } = world();
    receiver.hang();
    const runIds = [await apiRun(owner), await apiRun(owner)];
    expect(receiver.requests).toHaveLength(0);
    await receiver.up();
    const spans = await receiver.waitForSpans(2);
    expect(spans.map((s) => s.traceId).sort()).toEqual(runIds.map(traceIdOf).sort());
  }, 30_000);

  it('503 then recovery: the exporter retries and the spans arrive once', async () => {
    const { owner, t } = world();
    receiver.failTimes(2);
    const runId = await apiRun(owner);
    const spans = await receiver.waitForSpans(1);
    expect(spans.map((s) => s.traceId)).toEqual([traceIdOf(runId)]);
    await t.workspace.runtime.telemetry.flush();
    expect(telemetryStatus(t.owner).counters).toMatchObject({ exported: 1, failed: 0 });
  }, 30_000);

  it('the queue is bounded: more runs than maxQueueSize while down are dropped and counted', async () => {
    const maxQueueSize = 4;
    const { owner, t } = world({ limits: { maxQueueSize, maxExportBatchSize: 2, exportTimeoutMs: 2000 } });
    await receiver.down();
    const answered: string[] = [];
    for (let i = 0; i < 12; i++) {
      answered.push(await apiRun(owner));
      // Never more spans held than the bound, whatever the collector does.
      expect(telemetryStatus(t.owner).counters.queued).toBeLessThanOrEqual(maxQueueSize);
    }
    expect(answered).toHaveLength(12);
    await nextTurn();
    const { counters } = telemetryStatus(t.owner);
    // At least the runs past the bound while nothing had settled yet (failures free room as they come).
    expect(counters.dropped).toBeGreaterThan(0);
    expect(counters.queued).toBeLessThanOrEqual(maxQueueSize);
    expect(counters.dropped + counters.queued + counters.failed + counters.exported).toBe(12);
    // Still down when the exporter's deadline passes: the held spans fail, are counted, and the reason is shown.
    await t.workspace.runtime.telemetry.flush();
    const after = telemetryStatus(t.owner);
    expect(after.counters).toMatchObject({ queued: 0, exported: 0 });
    expect(after.counters.failed).toBe(12 - after.counters.dropped);
    expect(after.lastError?.message).toBeTruthy();
  }, 30_000);
});
