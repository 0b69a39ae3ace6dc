import type { Store } from '../../store/store';
import type { Clock } from '../context';
import type { PromptSnapshot, PullAnswer, SyncRow } from '../../../shared/schemas/sync';
import type { Template } from '../../../shared/template/template';
import type { LogRecord } from '../../store/repos/logs-repo';
import { syncReplicaRepo } from '../../store/repos/sync-replica-repo';
import { indexedTemplateText } from '../prompts/prompts-service';
import { removalKey } from './removal-key';
import { REPLICA_MEMBER_SETTING } from './replica-member';
import { editsOf, keepLocalEdits } from './prompt-outbox';
import { NumberClashError } from './server-behind';

const repos = new WeakMap<Store, ReturnType<typeof syncReplicaRepo>>();
/** The replica repository of a store, prepared once per store. */
export function replicaOf(store: Store): ReturnType<typeof syncReplicaRepo> {
  let repo = repos.get(store);
  if (!repo) repos.set(store, (repo = syncReplicaRepo(store.db)));
  return repo;
}

/** Where this desktop's replica stands (settings rows, written in the same transaction as each page). */
export const REPLICA_SETTINGS = { cursor: 'sync.cursor', teamId: 'sync.replica_team', memberId: REPLICA_MEMBER_SETTING } as const;

/** The suffix a personal prompt gets when a team prompt arrives under its name. */
export const PERSONAL_SUFFIX = '-personal';

/** The pending versions of a prompt, moved out of the way (negative numbers) with what names them. */
function parkPending(store: Store, promptId: string): { id: string; number: number }[] {
  const repo = replicaOf(store);
  const pending = repo.pendingNumbers(promptId);
  pending.forEach((v, i) => repo.moveNumber(promptId, v.number, -(i + 1)));
  return pending.map((v, i) => ({ id: v.id, number: -(i + 1) }));
}

/**
 * Puts parked versions back: `acked` ones at the number the server gave (and synced), the rest
 * after every number the prompt knows (`floor`: the server's high-water mark), in their order.
 * Their numbers stay provisional until acknowledged; pins, promotions waiting to be sent,
 * readiness ticks and this desktop's runs move with them in the same transaction, so nothing
 * ever names another version than the one it meant.
 */
function placeParked(store: Store, promptId: string, parked: { id: string; number: number }[], floor: number, acked: ReadonlyMap<string, number> = new Map()): void {
  const repo = replicaOf(store);
  for (const v of parked) {
    const final = acked.get(v.id);
    if (final === undefined) continue;
    repo.moveNumber(promptId, v.number, final);
    repo.markVersionSynced(v.id);
  }
  let next = Math.max(floor, repo.maxNumber(promptId));
  for (const v of parked) if (!acked.has(v.id) && repo.versionState(v.id)?.sync_state === 'pending') repo.moveNumber(promptId, v.number, ++next);
  const top = repo.maxNumber(promptId);
  repo.setHighWater(promptId, Math.max(floor, top));
  repo.setLatest(promptId, top || null);
}

/** Refreshes a prompt's search document from its newest version (as reindexPrompt does after a save). */
function reindex(store: Store, promptId: string): void {
  const row = store.prompts.getRowById(promptId);
  if (!row) return;
  const newest = row.latest_version === null ? undefined : store.versions.get(row.id, row.latest_version);
  store.prompts.index(row.rowid, {
    name: row.name,
    title: row.title,
    description: row.description,
    tags: JSON.parse(row.tags) as string[],
    template: newest ? indexedTemplateText(newest.template as Template) : '',
  });
}

function applySnapshot(store: Store, clock: Clock, teamId: string, snap: PromptSnapshot): void {
  const repo = replicaOf(store);
  const id = String(snap.prompt['id']);
  const name = String(snap.prompt['name']);
  for (const user of snap.users) repo.upsertUser(user, teamId);
  const holder = repo.holderOfName(name, id);
  if (holder) {
    if (holder.team_id === null) {
      // A personal prompt never silently gives way: it is renamed, and the member is told.
      let renamed = `${name.slice(0, 100 - PERSONAL_SUFFIX.length - 3)}${PERSONAL_SUFFIX}`;
      for (let n = 2; repo.nameTaken(renamed); n++) renamed = `${name.slice(0, 100 - PERSONAL_SUFFIX.length - 3)}${PERSONAL_SUFFIX}-${n}`;
      repo.rename(holder.id, renamed);
      reindex(store, holder.id);
      repo.addNotice({
        id: `renamed:${holder.id}:${name}`,
        kind: 'renamed',
        prompt_id: holder.id,
        message: `Your personal prompt "${name}" is now "${renamed}": the team workspace has a prompt named "${name}"`,
        detail: JSON.stringify({ from: name, to: renamed }),
        at: clock.now().toISOString(),
      });
    } else {
      // Another team prompt renamed on the server: its own snapshot (this page or a later one) names it again.
      repo.rename(holder.id, `sync-${holder.id}`);
    }
  }
  const prompt: SyncRow = { ...snap.prompt };
  // Metadata and test cases edited here and not yet acknowledged are not overwritten (docs/sync.md "Conflicts").
  const restoreCases = keepLocalEdits(store, prompt);
  const slash = prompt['slash_command'];
  if (typeof slash === 'string' && repo.holderOfSlash(slash, id)) prompt['slash_command'] = null;
  repo.upsertPrompt(prompt, teamId);

  const parked = parkPending(store, id);
  const published = snap.versions.find((v) => v['status'] === 'published');
  repo.demoteOthers(id, published ? String(published['id']) : null, snap.versions);
  repo.dropVanished(id, snap.versions.map((v) => String(v['id'])));
  // A version saved here that the server already holds (its answer was lost): its number is final now.
  const serverNumber = new Map(snap.versions.map((v) => [String(v['id']), Number(v['number'])]));
  for (const v of parked) {
    const final = serverNumber.get(v.id);
    if (final === undefined) continue;
    repo.moveNumber(id, v.number, final);
    repo.markVersionSynced(v.id);
  }
  for (const version of snap.versions) repo.upsertVersion(version);
  placeParked(store, id, parked.filter((v) => !serverNumber.has(v.id)), Number(snap.prompt['version_high_water'] ?? 0));

  repo.replacePromotions(id, snap.promotions);
  repo.replaceShares(id, snap.shares);
  repo.replaceTestCases(id, snap.testCases);
  restoreCases();
  reindex(store, id);
}

function runRecord(row: SyncRow): LogRecord {
  const s = (c: string) => (row[c] === null || row[c] === undefined ? null : String(row[c]));
  const n = (c: string) => (row[c] === null || row[c] === undefined ? null : Number(row[c]));
  return {
    id: String(row['id']),
    promptId: s('prompt_id'),
    promptName: String(row['prompt_name']),
    version: n('version'),
    source: String(row['source']) as LogRecord['source'],
    userId: s('user_id'),
    keyLabel: s('key_label'),
    model: String(row['model']),
    status: String(row['status']) as LogRecord['status'],
    startedAt: Number(row['started_at']),
    latencyMs: n('latency_ms'),
    ttftMs: n('ttft_ms'),
    tokensIn: n('tokens_in'),
    tokensOut: n('tokens_out'),
    dataLogging: String(row['data_logging']) as LogRecord['dataLogging'],
    variableNames: s('variable_names'),
    variables: s('variables'),
    messages: s('messages'),
    output: s('output'),
    outputChars: n('output_chars'),
    error: s('error'),
    conversationId: s('conversation_id'),
    testCaseId: s('test_case_id'),
  };
}

/**
 * Applies one pull page to the replica in ONE transaction, with the cursor it advances to: a page
 * cut short never reaches here (the client parses the whole body first), and a crash before the
 * commit leaves the replica and its cursor as they were. Idempotent: prompt snapshots replace
 * what the replica holds of them, removals of what is absent and runs already held change
 * nothing. Versions made here and not yet acknowledged are kept and renumbered after the
 * server's (see placeParked). `beforeRemoving` is called with each team prompt the page takes
 * away, inside the transaction, before it goes (the engine keeps its unsent work:
 * core/sync/keep-unsent.ts keepUnsentOf).
 */
export function applyPullPage(store: Store, clock: Clock, page: PullAnswer, beforeRemoving?: (promptId: string) => void): void {
  const repo = replicaOf(store);
  // Marked as the server's writes: migration 0260's triggers record no local edit for them.
  store.tx(() => editsOf(store).applying(() => {
    repo.upsertUser(page.member, page.teamId);
    // Removals name prompts by a key only a holder can compute (removal-key.ts): computed once per page.
    let held: Map<string, string> | null = null;
    for (const entity of page.entities) {
      if (entity.kind === 'user') repo.upsertUser(entity.user, page.teamId);
      else if (entity.kind === 'prompt') {
        applySnapshot(store, clock, page.teamId, entity);
        held = null;
      } else {
        held ??= new Map(repo.teamPromptIds().map((id) => [removalKey(page.member.id, id), id]));
        const promptId = held.get(entity.key);
        const rowid = promptId === undefined ? undefined : repo.teamPromptRowid(promptId);
        if (promptId !== undefined && rowid !== undefined) {
          // Work made here since the last push (a save during this pass) is kept before the prompt goes.
          beforeRemoving?.(promptId);
          store.prompts.unindex(rowid);
          repo.removePrompt(promptId);
        }
      }
    }
    const fresh = page.runs.filter((run) => !repo.runExists(String(run['id'])) && repo.teamPromptRowid(String(run['prompt_id'])) !== undefined);
    if (fresh.length > 0) {
      store.logs.insertMany(fresh.map(runRecord));
      for (const run of fresh) repo.markRunSynced(String(run['id']));
    }
    store.settings.set(REPLICA_SETTINGS.cursor, page.nextCursor);
    store.settings.set(REPLICA_SETTINGS.teamId, page.teamId);
    store.settings.set(REPLICA_SETTINGS.memberId, page.member.id);
  }));
}

/**
 * Records the server's number for a version saved here (its final number; never changed again).
 * Throws {@link NumberClashError} (nothing changed) when another version here already holds that
 * number: the server was restored from an older backup (attack 14c C1), see server-behind.ts.
 */
export function acknowledgeVersion(store: Store, versionId: string, number: number): void {
  const repo = replicaOf(store);
  store.tx(() => {
    const state = repo.versionState(versionId);
    if (!state || state.sync_state !== 'pending') return;
    const parked = parkPending(store, state.prompt_id);
    // Parked versions have negative numbers now: whatever holds `number` is another, synced one.
    if (store.versions.get(state.prompt_id, number)) throw new NumberClashError(store.prompts.getRowById(state.prompt_id)?.name ?? state.prompt_id, number);
    // The others follow the server's newest number; they stay provisional until their own answer.
    placeParked(store, state.prompt_id, parked, number, new Map([[versionId, number]]));
  });
}
