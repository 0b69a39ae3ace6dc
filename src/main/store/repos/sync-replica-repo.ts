import type { Db } from '../open';
import type { SyncRow, SyncUser } from '../../../shared/schemas/sync';
import { SYNC_COLUMNS, type SyncTable } from './sync-server-repo';

/** A version made on this desktop and not yet acknowledged by the team server. */
export interface PendingVersionRow {
  id: string;
  prompt_id: string;
  number: number;
  template: string;
  variables: string;
  model_settings: string;
  display_message: string | null;
  commit_message: string;
}

export interface PendingPromotionRow {
  id: string;
  prompt_id: string;
  version: number;
  previous_version: number | null;
  notes: string;
  version_id: string | null;
  version_state: string | null;
}

export interface PendingRunRow extends Record<string, string | number | null> {
  seq: number;
  id: string;
  prompt_id: string;
  version_id: string | null;
  prompt_logging: string;
}

export interface NoticeRow {
  id: string;
  kind: string;
  prompt_id: string | null;
  message: string;
  detail: string;
  at: string;
}

/** An INSERT of a replicated row's columns (the allow-listed ones), plus fixed extra columns. */
function insertSql(table: SyncTable, extra: Record<string, string> = {}, upsertKey?: string): string {
  const columns = [...SYNC_COLUMNS[table], ...Object.keys(extra)];
  const values = [...SYNC_COLUMNS[table].map((c) => `:${c}`), ...Object.values(extra)];
  const update = upsertKey
    ? ` ON CONFLICT (${upsertKey}) DO UPDATE SET ${columns.filter((c) => c !== upsertKey).map((c) => `${c} = excluded.${c}`).join(', ')}`
    : '';
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${values.join(', ')})${update}`;
}

/** Only the allow-listed columns of a row from the server (a server may send more; they are not ours to store). */
function pick(table: SyncTable, row: SyncRow): SyncRow {
  return Object.fromEntries(SYNC_COLUMNS[table].map((c) => [c, row[c] ?? null]));
}

/** A prompt moved to the team whose creation the server has not acknowledged: nothing of it is sent before (migration 0260). */
const NOT_BEING_CREATED = (alias: string) =>
  `NOT EXISTS (SELECT 1 FROM sync_prompt_edits c WHERE c.prompt_id = ${alias}.prompt_id AND c.kind = 'create')`;

/** The desktop's reads and writes for its team replica (core/sync/replica-apply.ts, outbox.ts). */
export function syncReplicaRepo(db: Db) {
  // team_id marks the row as the team's (migration 0270): a desktop refuses to change it (core/users/team-members.ts).
  const upsertUser = db.prepare(`INSERT INTO users (id, email, name, role, is_active, created_at, team_id) VALUES (:id, :email, :name, :role, :isActive, :createdAt, :teamId)
    ON CONFLICT (id) DO UPDATE SET email = excluded.email, name = excluded.name, role = excluded.role, is_active = excluded.is_active, team_id = excluded.team_id`);
  const forgetTeamMembers = db.prepare('UPDATE users SET team_id = NULL WHERE team_id IS NOT NULL');
  const clearNotices = db.prepare('DELETE FROM sync_notices');
  const userByEmail = db.prepare<[string], { id: string }>('SELECT id FROM users WHERE email = ?');
  const holderOfName = db.prepare<[string, string], { id: string; team_id: string | null }>('SELECT id, team_id FROM prompts WHERE name = ? AND id <> ?');
  const holderOfSlash = db.prepare<[string, string], { id: string }>('SELECT id FROM prompts WHERE slash_command = ? AND id <> ?');
  const rename = db.prepare('UPDATE prompts SET name = ? WHERE id = ?');
  const nameTaken = db.prepare<[string], { id: string }>('SELECT id FROM prompts WHERE name = ?');
  const upsertPrompt = db.prepare(insertSql('prompts', { team_id: ':teamId' }, 'id'));
  const deleteTags = db.prepare('DELETE FROM prompt_tags WHERE prompt_id = ?');
  const insertTag = db.prepare('INSERT OR IGNORE INTO prompt_tags (prompt_id, tag) VALUES (?, ?)');
  const pendingNumbers = db.prepare<[string], { id: string; number: number }>(
    "SELECT id, number FROM prompt_versions WHERE prompt_id = ? AND sync_state = 'pending' ORDER BY number",
  );
  const versionState = db.prepare<[string], { prompt_id: string; number: number; sync_state: string | null }>('SELECT prompt_id, number, sync_state FROM prompt_versions WHERE id = ?');
  const moveVersion = db.prepare('UPDATE prompt_versions SET number = :to WHERE prompt_id = :promptId AND number = :from');
  const moveRuns = db.prepare("UPDATE run_logs SET version = :to WHERE prompt_id = :promptId AND version = :from AND sync_state IS NOT 'synced'");
  const movePromoted = db.prepare("UPDATE promotions SET version = :to WHERE prompt_id = :promptId AND version = :from AND sync_state = 'pending'");
  const movePrevious = db.prepare("UPDATE promotions SET previous_version = :to WHERE prompt_id = :promptId AND previous_version = :from AND sync_state = 'pending'");
  const movePin = db.prepare('UPDATE prompts SET pinned_version = :to WHERE id = :promptId AND pinned_version = :from');
  const moveTicks = db.prepare('UPDATE readiness_ticks SET version = :to WHERE prompt_id = :promptId AND version = :from');
  const markVersionSynced = db.prepare("UPDATE prompt_versions SET sync_state = 'synced' WHERE id = ?");
  const demoteOthers = db.prepare(`UPDATE prompt_versions SET status = CASE WHEN sync_state = 'pending' THEN 'draft' ELSE coalesce(
      (SELECT value ->> 'status' FROM json_each(:server) WHERE value ->> 'id' = prompt_versions.id), 'draft') END
    WHERE prompt_id = :promptId AND status = 'published' AND id IS NOT :publishedId`);
  const dropVanished = db.prepare(`DELETE FROM prompt_versions WHERE prompt_id = :promptId AND sync_state IS NOT 'pending'
    AND id NOT IN (SELECT value FROM json_each(:ids))`);
  const versionExists = db.prepare<[string], { id: string }>('SELECT id FROM prompt_versions WHERE id = ?');
  const updateVersion = db.prepare(`UPDATE prompt_versions SET ${SYNC_COLUMNS.prompt_versions.filter((c) => c !== 'id').map((c) => `${c} = :${c}`).join(', ')},
    sync_state = 'synced' WHERE id = :id`);
  const insertVersion = db.prepare(insertSql('prompt_versions', { sync_state: "'synced'" }));
  const setHighWater = db.prepare('UPDATE prompts SET version_high_water = ? WHERE id = ?');
  const maxNumber = db.prepare<[string], { n: number | null }>('SELECT max(number) AS n FROM prompt_versions WHERE prompt_id = ?');
  const setLatest = db.prepare('UPDATE prompts SET latest_version = ? WHERE id = ?');
  const pendingPromotionSeqs = db.prepare<[string], { id: string; seq: number }>("SELECT id, seq FROM promotions WHERE prompt_id = ? AND sync_state = 'pending' ORDER BY seq");
  const setPromotionSeq = db.prepare('UPDATE promotions SET seq = ? WHERE id = ?');
  const dropSyncedPromotions = db.prepare("DELETE FROM promotions WHERE prompt_id = ? AND sync_state IS NOT 'pending'");
  const insertPromotion = db.prepare(insertSql('promotions', { sync_state: "'synced'" }));
  const maxPromotionSeq = db.prepare<[string], { n: number | null }>('SELECT max(seq) AS n FROM promotions WHERE prompt_id = ?');
  const dropShares = db.prepare('DELETE FROM prompt_shares WHERE prompt_id = ?');
  const insertShare = db.prepare(insertSql('prompt_shares'));
  const dropTestCases = db.prepare('DELETE FROM test_cases WHERE prompt_id = ?');
  const insertTestCase = db.prepare(insertSql('test_cases'));
  const teamPrompt = db.prepare<[string], { rowid: number }>('SELECT rowid FROM prompts WHERE id = ? AND team_id IS NOT NULL');
  const teamPromptIds = db.prepare<[], { id: string }>('SELECT id FROM prompts WHERE team_id IS NOT NULL');
  const removePrompt = db.prepare('DELETE FROM prompts WHERE id = ?');
  const removeRuns = db.prepare('DELETE FROM run_logs WHERE prompt_id = ?');
  const runExists = db.prepare<[string], { id: string }>('SELECT id FROM run_logs WHERE id = ?');
  const markRunsSynced = db.prepare("UPDATE run_logs SET sync_state = 'synced' WHERE id = ?");
  const setRunState = db.prepare('UPDATE run_logs SET sync_state = ? WHERE id = ?');
  const pendingVersions = db.prepare<[], PendingVersionRow>(`SELECT v.id, v.prompt_id, v.number, v.template, v.variables, v.model_settings, v.display_message, v.commit_message
    FROM prompt_versions v WHERE v.sync_state = 'pending' AND ${NOT_BEING_CREATED('v')} ORDER BY v.prompt_id, v.number`);
  const pendingPromotions = db.prepare<[], PendingPromotionRow>(`SELECT h.id, h.prompt_id, h.version, h.previous_version, h.notes, v.id AS version_id, v.sync_state AS version_state
    FROM promotions h LEFT JOIN prompt_versions v ON v.prompt_id = h.prompt_id AND v.number = h.version
    WHERE h.sync_state = 'pending' ORDER BY h.prompt_id, h.seq`);
  // A run is sent once the version it ran is the server's (its number final); a draft run (no version) at once.
  const pendingRuns = db.prepare<{ limit: number }, PendingRunRow>(`SELECT l.seq, l.*, v.id AS version_id, p.data_logging AS prompt_logging
    FROM run_logs l JOIN prompts p ON p.id = l.prompt_id LEFT JOIN prompt_versions v ON v.prompt_id = l.prompt_id AND v.number = l.version
    WHERE l.sync_state = 'pending' AND (l.version IS NULL OR v.sync_state = 'synced') AND ${NOT_BEING_CREATED('l')} ORDER BY l.seq LIMIT :limit`);
  const deletePromotion = db.prepare('DELETE FROM promotions WHERE id = ?');
  const countPending = db.prepare<[], { n: number }>(`SELECT
      (SELECT count(*) FROM prompt_versions WHERE sync_state = 'pending')
    + (SELECT count(*) FROM promotions WHERE sync_state = 'pending')
    + (SELECT count(*) FROM run_logs WHERE sync_state = 'pending')
    + (SELECT count(*) FROM sync_prompt_edits) + (SELECT count(*) FROM sync_test_case_edits) AS n`);
  // A team prompt's unsent work kept as a personal prompt (core/sync/keep-unsent.ts) leaves the team's outbox: kept here only.
  const settleVersions = db.prepare("UPDATE prompt_versions SET sync_state = NULL WHERE prompt_id = ? AND sync_state = 'pending'");
  const settlePromotions = db.prepare("DELETE FROM promotions WHERE prompt_id = ? AND sync_state = 'pending'");
  const settleRuns = db.prepare(`UPDATE run_logs SET sync_state = NULL WHERE prompt_id = ? AND sync_state = 'pending'
    AND version IS NOT NULL AND NOT EXISTS (SELECT 1 FROM prompt_versions v WHERE v.prompt_id = run_logs.prompt_id AND v.number = run_logs.version AND v.sync_state = 'synced')`);
  const addNotice = db.prepare('INSERT OR REPLACE INTO sync_notices (id, kind, prompt_id, message, detail, at) VALUES (?, ?, ?, ?, ?, ?)');
  const notices = db.prepare<[number], NoticeRow>('SELECT * FROM sync_notices ORDER BY at DESC, id LIMIT ?');
  const promptLogging = db.prepare<[string], { data_logging: string; team_id: string | null }>('SELECT data_logging, team_id FROM prompts WHERE id = ?');

  return {
    /** Inserts or refreshes a member by id, marked as `teamId`'s; an email another local member holds is kept apart (see docs/sync.md). */
    upsertUser(user: SyncUser, teamId: string) {
      const holder = userByEmail.get(user.email);
      const email = holder && holder.id !== user.id ? `${user.id}@team.invalid` : user.email;
      upsertUser.run({ id: user.id, email, name: user.name, role: user.role, isActive: user.isActive ? 1 : 0, createdAt: user.createdAt, teamId });
    },
    /** Leave: the team's members become this folder's own (no pull changes them any more). */
    forgetTeamMembers: () => forgetTeamMembers.run(),
    /** Leave or a new join: what the sync told the member about the membership that ended goes with it. */
    clearNotices: () => clearNotices.run(),
    holderOfName: (name: string, exceptId: string) => holderOfName.get(name, exceptId),
    holderOfSlash: (slash: string, exceptId: string) => holderOfSlash.get(slash, exceptId),
    nameTaken: (name: string) => nameTaken.get(name) !== undefined,
    rename: (id: string, name: string) => rename.run(name, id),
    upsertPrompt(row: SyncRow, teamId: string) {
      upsertPrompt.run({ ...pick('prompts', row), teamId });
      deleteTags.run(row['id']);
      for (const tag of JSON.parse(String(row['tags'] ?? '[]')) as string[]) insertTag.run(row['id'], tag);
    },
    pendingNumbers: (promptId: string) => pendingNumbers.all(promptId),
    versionState: (id: string) => versionState.get(id),
    /** Moves a version's number and everything on this desktop that names it by number. */
    moveNumber(promptId: string, from: number, to: number) {
      const p = { promptId, from, to };
      moveVersion.run(p);
      moveRuns.run(p);
      movePromoted.run(p);
      movePrevious.run(p);
      movePin.run(p);
      moveTicks.run(p);
    },
    markVersionSynced: (id: string) => markVersionSynced.run(id),
    /** Every published version but the server's goes to its server status (a pending one to draft), so one is published at a time. */
    demoteOthers: (promptId: string, publishedId: string | null, server: SyncRow[]) =>
      demoteOthers.run({ promptId, publishedId, server: JSON.stringify(server.map((v) => ({ id: v['id'], status: v['status'] }))) }),
    dropVanished: (promptId: string, ids: string[]) => dropVanished.run({ promptId, ids: JSON.stringify(ids) }),
    upsertVersion(row: SyncRow) {
      const picked = pick('prompt_versions', row);
      if (versionExists.get(String(row['id']))) updateVersion.run(picked);
      else {
        // The server's numbers are final: one below this replica's high-water mark (raised by a
        // provisional number here) is still the server's to give, so the mark steps aside for it.
        setHighWater.run(Number(row['number']) - 1, row['prompt_id']);
        insertVersion.run(picked);
      }
    },
    setHighWater: (promptId: string, n: number) => setHighWater.run(n, promptId),
    maxNumber: (promptId: string) => maxNumber.get(promptId)?.n ?? 0,
    setLatest: (promptId: string, n: number | null) => setLatest.run(n, promptId),
    replacePromotions(promptId: string, rows: SyncRow[]) {
      const pending = pendingPromotionSeqs.all(promptId);
      pending.forEach((p, i) => setPromotionSeq.run(-(i + 1), p.id));
      dropSyncedPromotions.run(promptId);
      for (const row of rows) insertPromotion.run(pick('promotions', row));
      const top = maxPromotionSeq.get(promptId)?.n ?? 0;
      pending.forEach((p, i) => setPromotionSeq.run(Math.max(top, 0) + i + 1, p.id));
    },
    replaceShares(promptId: string, rows: SyncRow[]) {
      dropShares.run(promptId);
      for (const row of rows) insertShare.run(pick('prompt_shares', row));
    },
    replaceTestCases(promptId: string, rows: SyncRow[]) {
      dropTestCases.run(promptId);
      for (const row of rows) insertTestCase.run(pick('test_cases', row));
    },
    /** The search rowid of a team prompt held here, if any. */
    teamPromptRowid: (id: string) => teamPrompt.get(id)?.rowid,
    teamPromptIds: () => teamPromptIds.all().map((r) => r.id),
    removePrompt(id: string) {
      removeRuns.run(id);
      removePrompt.run(id);
    },
    runExists: (id: string) => runExists.get(id) !== undefined,
    markRunSynced: (id: string) => markRunsSynced.run(id),
    /** 'synced', or null: a run the server refused stays here only and is not sent again. */
    setRunState: (id: string, state: 'synced' | null) => setRunState.run(state, id),
    pendingVersions: () => pendingVersions.all(),
    pendingPromotions: () => pendingPromotions.all(),
    pendingRuns: (limit: number) => pendingRuns.all({ limit }),
    deletePromotion: (id: string) => deletePromotion.run(id),
    countPending: () => countPending.get()!.n,
    /** Takes a prompt's unsent versions and promotions out of the outbox, with the runs of those versions (which could never be sent). */
    settleUnsent(promptId: string) {
      settleVersions.run(promptId);
      settlePromotions.run(promptId);
      settleRuns.run(promptId);
    },
    addNotice: (n: NoticeRow) => addNotice.run(n.id, n.kind, n.prompt_id, n.message, n.detail, n.at),
    notices: (limit: number) => notices.all(limit),
    promptLogging: (id: string) => promptLogging.get(id),
  };
}
