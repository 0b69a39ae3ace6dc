/**
 * Run by dates-tz.test.ts in a child process with TZ set (Node reads TZ at start): the same
 * promotions and logs, asked for with the same API inputs and with the local days the UI
 * converts, printed as JSON for the parent to compare across zones.
 */
import { testWorkspace, seedPrompt } from '../../../../helpers/workspace';
import { listPromotions, promoteVersion } from '../../../../../src/main/core/versions/lifecycle';
import { saveVersion } from '../../../../../src/main/core/versions/versions-service';
import { listLogs, logStats } from '../../../../../src/main/core/logs/logs-service';
import { PromotionsInput } from '../../../../../src/shared/schemas/versions';
import { ListLogsInput, LogStatsInput } from '../../../../../src/shared/schemas/logs';
import { SaveVersionInput } from '../../../../../src/shared/schemas/prompts';
import { localDayRange } from '../../../../../src/renderer/src/lib/local-day';
import { AppError } from '../../../../../src/main/core/errors';
import { EVENT_TIMES, SERVER_INPUTS, LOCAL_DAYS, ZONES } from './tz-cases';

const t = testWorkspace();
const owner = t.owner;
seedPrompt(owner, 'dated', 'v1 {{x}}');
const promptId = t.workspace.store.prompts.getRowByName('dated')!.id;
EVENT_TIMES.forEach((iso, i) => {
  if (i > 0) saveVersion(owner, SaveVersionInput.parse({ name: 'dated', template: { kind: 'text', text: `v${i + 1} {{x}}` } }));
  promoteVersion({ ...owner, clock: { now: () => new Date(iso) } }, { name: 'dated', number: i + 1, notes: '' });
});
t.workspace.store.logs.insertMany(
  EVENT_TIMES.map((iso, i) => ({
    id: `log-${i + 1}`, promptId, promptName: 'dated', version: i + 1, source: 'api', userId: owner.actor.id, keyLabel: 'k', model: 'local:echo',
    status: 'success', startedAt: Date.parse(iso), latencyMs: 1, ttftMs: 1, tokensIn: 1, tokensOut: 1, dataLogging: 'full', variableNames: '[]',
    variables: '{}', messages: '[]', output: 'x', outputChars: 1, error: null, conversationId: null,
  })),
);

type Answer = number[] | { error: string; field: string | undefined };
function attempt(run: () => number[]): Answer {
  try {
    return run().sort((a, b) => a - b);
  } catch (error) {
    if (error instanceof AppError) return { error: error.code, field: error.field };
    const issue = (error as { issues?: { path: PropertyKey[] }[] }).issues?.[0];
    if (issue) return { error: 'invalid_input', field: issue.path.map(String).join('.') };
    throw error;
  }
}
const promotions = (range: { from?: string; to?: string }) =>
  attempt(() => listPromotions(owner, PromotionsInput.parse({ name: 'dated', ...range })).map((p) => p.version));
const logs = (range: { from?: string; to?: string }) =>
  attempt(() => listLogs(owner, ListLogsInput.parse({ prompt: 'dated', ...range })).items.map((l) => l.version!));

const server = SERVER_INPUTS.map((range) => ({ range, promotions: promotions(range), logs: logs(range) }));
const local = LOCAL_DAYS.map((day) => {
  // Each list as its screen asks: History sends an inclusive end, Logs an exclusive one.
  const history = localDayRange({ from: day, to: day }, 'inclusive');
  const logsView = localDayRange({ from: day, to: day });
  if ('error' in history || 'error' in logsView) throw new Error('refused');
  return { day, promotions: promotions(history.range), logs: logs(logsView.range) };
});
// The charts' runs per day, in each viewer zone: read from the index (no search) and from the matches (a search).
const charts = ZONES.map((tz) => ({
  tz,
  days: logStats(owner, LogStatsInput.parse({ prompt: 'dated', tz })).days,
  searched: logStats(owner, LogStatsInput.parse({ prompt: 'dated', q: 'x', tz })).days,
}));
process.stdout.write(JSON.stringify({ zone: process.env['TZ'], server, local, charts }));
t.cleanup();
