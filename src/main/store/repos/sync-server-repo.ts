import type { Db } from '../open';
import { VISIBLE } from './prompts-repo';
import type { SyncRow, SyncUser } from '../../../shared/schemas/sync';

/** The columns a replica receives, per table: named here (an allow-list), never taken from input. */
export const SYNC_COLUMNS = {
  prompts: ['id', 'name', 'title', 'description', 'tags', 'slash_command', 'owner_id', 'latest_version', 'pinned_version', 'sharing_level',
    'api_access', 'api_key_required', 'data_logging', 'data_logging_set_by', 'data_logging_set_at', 'extra', 'created_at', 'updated_at',
    'version_high_water'],
  prompt_versions: ['id', 'prompt_id', 'number', 'status', 'template', 'variables', 'model_settings', 'display_message', 'commit_message',
    'author_id', 'created_at', 'committed_at', 'updated_at', 'updated_by'],
  promotions: ['id', 'prompt_id', 'version', 'previous_version', 'promoted_by', 'promoted_at', 'notes', 'seq'],
  prompt_shares: ['prompt_id', 'user_id', 'permission', 'created_by', 'created_at'],
  test_cases: ['id', 'prompt_id', 'name', 'variables', 'updated_at'],
  run_logs: ['id', 'prompt_id', 'prompt_name', 'version', 'source', 'user_id', 'key_label', 'model', 'status', 'started_at', 'latency_ms',
    'ttft_ms', 'tokens_in', 'tokens_out', 'data_logging', 'variable_names', 'variables', 'messages', 'output', 'output_chars', 'error',
    'rating', 'rating_comment', 'conversation_id', 'test_case_id', 'rated_by'],
} as const;
export type SyncTable = keyof typeof SYNC_COLUMNS;

/** Columns of a replicated row that name a member (the replica needs those members first). */
export const USER_COLUMNS: Record<SyncTable, readonly string[]> = {
  prompts: ['owner_id', 'data_logging_set_by'],
  prompt_versions: ['author_id', 'updated_by'],
  promotions: ['promoted_by'],
  prompt_shares: ['user_id', 'created_by'],
  test_cases: [],
  run_logs: ['rated_by'],
};

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'member';
  is_active: number;
  created_at: string;
}
export const syncUserOf = (row: UserRow): SyncUser => ({ id: row.id, email: row.email, name: row.name, role: row.role, isActive: row.is_active === 1, createdAt: row.created_at });

/** One entry of the server's sequence: a prompt, a deleted prompt or a member, in seq order. */
export interface SeqEntry {
  kind: 'prompt' | 'tombstone' | 'user';
  id: string;
  seq: number;
}

/** The team server's reads and writes for the sync protocol (core/sync/sync-server.ts). */
export function syncServerRepo(db: Db) {
  const cols = (table: SyncTable) => SYNC_COLUMNS[table].join(', ');
  const since = db.prepare<{ cursor: number; limit: number }, SeqEntry>(`
    SELECT kind, id, seq FROM (
      SELECT 'prompt' AS kind, id, sync_seq AS seq FROM prompts WHERE sync_seq > :cursor
      UNION ALL SELECT 'tombstone', prompt_id, sync_seq FROM sync_tombstones WHERE sync_seq > :cursor
      UNION ALL SELECT 'user', id, sync_seq FROM users WHERE sync_seq > :cursor
    ) ORDER BY seq LIMIT :limit`);
  const prompt = db.prepare<[string], SyncRow>(`SELECT ${cols('prompts')} FROM prompts WHERE id = ?`);
  const versions = db.prepare<[string], SyncRow>(`SELECT ${cols('prompt_versions')} FROM prompt_versions WHERE prompt_id = ? ORDER BY number`);
  const promotions = db.prepare<[string], SyncRow>(`SELECT ${cols('promotions')} FROM promotions WHERE prompt_id = ? ORDER BY seq`);
  const shares = db.prepare<[string], SyncRow>(`SELECT ${cols('prompt_shares')} FROM prompt_shares WHERE prompt_id = ?`);
  const testCases = db.prepare<[string], SyncRow>(`SELECT ${cols('test_cases')} FROM test_cases WHERE prompt_id = ? ORDER BY name`);
  const user = db.prepare<[string], UserRow>('SELECT id, email, name, role, is_active, created_at FROM users WHERE id = ?');
  // The runs of prompts the member may read (the library's visibility, prompts-repo VISIBLE), in log order.
  // `+l.prompt_id` keeps SQLite off the prompt_id index: through it, a page read every run of every
  // visible prompt and sorted them all by seq before the LIMIT (O(log size) per page, bench:team);
  // walking the log by seq from the cursor stops after the page.
  const runsFor = db.prepare<{ cursor: number; limit: number; viewer: string }, SyncRow & { seq: number }>(`
    SELECT l.seq, ${SYNC_COLUMNS.run_logs.map((c) => `l.${c}`).join(', ')} FROM run_logs l
    WHERE l.seq > :cursor AND +l.prompt_id IN (SELECT p.id FROM prompts p WHERE ${VISIBLE.library})
    ORDER BY l.seq LIMIT :limit`);
  const runsAll = db.prepare<{ cursor: number; limit: number }, SyncRow & { seq: number }>(`
    SELECT l.seq, ${SYNC_COLUMNS.run_logs.map((c) => `l.${c}`).join(', ')} FROM run_logs l
    WHERE l.seq > :cursor AND +l.prompt_id IN (SELECT id FROM prompts) ORDER BY l.seq LIMIT :limit`);
  const opResult = db.prepare<[string], { user_id: string; result: string; content_hash: string | null }>('SELECT user_id, result, content_hash FROM sync_ops WHERE id = ?');
  const recordOp = db.prepare('INSERT INTO sync_ops (id, user_id, kind, result, applied_at, content_hash) VALUES (?, ?, ?, ?, ?, ?)');
  // Writes only what changes: a prompt sent again (every pull of a changed prompt) leaves its row as it is.
  const markSent = db.prepare('INSERT INTO sync_sent (user_id, prompt_id, removed_seq) VALUES (?, ?, NULL) ON CONFLICT (user_id, prompt_id) DO UPDATE SET removed_seq = NULL WHERE removed_seq IS NOT NULL');
  const sentRow = db.prepare<[string, string], { removed_seq: number | null }>('SELECT removed_seq FROM sync_sent WHERE user_id = ? AND prompt_id = ?');
  const markRemoved = db.prepare('UPDATE sync_sent SET removed_seq = ? WHERE user_id = ? AND prompt_id = ? AND removed_seq IS NULL');
  const newestSeq = db.prepare<[], { seq: number }>('SELECT seq FROM sync_clock');
  const newestRun = db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM run_logs');
  const versionById = db.prepare<[string], { prompt_id: string; number: number }>('SELECT prompt_id, number FROM prompt_versions WHERE id = ?');
  return {
    /** Up to `limit` entries of the sequence after `cursor`, oldest first. */
    since: (cursor: number, limit: number) => since.all({ cursor, limit }),
    snapshot: (promptId: string) => ({
      prompt: prompt.get(promptId),
      versions: versions.all(promptId),
      promotions: promotions.all(promptId),
      shares: shares.all(promptId),
      testCases: testCases.all(promptId),
    }),
    user: (id: string) => {
      const row = user.get(id);
      return row ? syncUserOf(row) : undefined;
    },
    /** Runs after `cursor` (run_logs.seq) of the prompts `viewer` may read; viewer null: an admin, every prompt. */
    runs: (viewer: string | null, cursor: number, limit: number) => (viewer === null ? runsAll.all({ cursor, limit }) : runsFor.all({ cursor, limit, viewer })),
    opResult: (id: string) => opResult.get(id),
    recordOp: (id: string, userId: string, kind: string, result: string, at: string, contentHash: string) => recordOp.run(id, userId, kind, result, at, contentHash),
    /** Records that a snapshot of the prompt went to the member's replica (and that it was not removed since). */
    markSent: (userId: string, promptId: string) => markSent.run(userId, promptId),
    /** Whether the prompt was ever sent to the member, and the seq of the first removal sent since (null: none yet). */
    sent: (userId: string, promptId: string) => sentRow.get(userId, promptId),
    /** Records the seq of the first removal sent since the prompt was last sent (a later one keeps it). */
    markRemoved: (userId: string, promptId: string, seq: number) => markRemoved.run(seq, userId, promptId),
    /** The newest seq of the server's sequence and of its run log (0 when empty): no cursor can be past them. */
    newest: () => ({ prompt: newestSeq.get()?.seq ?? 0, run: newestRun.get()?.seq ?? 0 }),
    /** Which prompt a version id belongs to and its number, if any. */
    versionById: (id: string) => versionById.get(id),
  };
}
