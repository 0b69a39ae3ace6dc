import type { Db } from '../open';

/** A team prompt's metadata edited here, or a prompt moved here to the team (migration 0260). */
export interface PromptEditRow {
  prompt_id: string;
  op_id: string;
  kind: 'create' | 'update';
  /** JSON PromptMeta (partial): what the server had when first edited here; for a create, `{ ownerId }` (the owner before the move). */
  base: string;
}

/** A test case made, changed or deleted here on a team prompt (migration 0260). */
export interface TestCaseEditRow {
  test_case_id: string;
  prompt_id: string;
  op_id: string;
  /** JSON {name, variables} the server had; null for a case made here. */
  base: string | null;
  deleted: number;
}

/** The desktop's outbox of prompt metadata, moves and test cases (core/sync/prompt-outbox.ts). */
export function syncEditsRepo(db: Db) {
  const promptEdits = db.prepare<[], PromptEditRow>(
    'SELECT e.prompt_id, e.op_id, e.kind, e.base FROM sync_prompt_edits e JOIN prompts p ON p.id = e.prompt_id WHERE p.team_id IS NOT NULL ORDER BY e.rowid',
  );
  const promptEdit = db.prepare<[string], PromptEditRow>('SELECT prompt_id, op_id, kind, base FROM sync_prompt_edits WHERE prompt_id = ?');
  const testCaseEdits = db.prepare<[], TestCaseEditRow>(`SELECT e.test_case_id, e.prompt_id, e.op_id, e.base, e.deleted FROM sync_test_case_edits e
    JOIN prompts p ON p.id = e.prompt_id WHERE p.team_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM sync_prompt_edits c WHERE c.prompt_id = e.prompt_id AND c.kind = 'create') ORDER BY e.rowid`);
  const testCaseEditsOf = db.prepare<[string], TestCaseEditRow>('SELECT test_case_id, prompt_id, op_id, base, deleted FROM sync_test_case_edits WHERE prompt_id = ?');
  const dropPromptEdit = db.prepare('DELETE FROM sync_prompt_edits WHERE prompt_id = ? AND op_id = ?');
  const renewPromptEdit = db.prepare("UPDATE sync_prompt_edits SET op_id = ?, kind = 'update', base = ? WHERE prompt_id = ?");
  const setPromptBase = db.prepare('UPDATE sync_prompt_edits SET base = ? WHERE prompt_id = ?');
  const addPromptEdit = db.prepare("INSERT INTO sync_prompt_edits (prompt_id, op_id, kind, base) VALUES (?, ?, 'create', ?)");
  const dropTestCaseEdit = db.prepare('DELETE FROM sync_test_case_edits WHERE test_case_id = ? AND op_id = ?');
  const renewTestCaseEdit = db.prepare('UPDATE sync_test_case_edits SET op_id = ?, base = ? WHERE test_case_id = ?');
  const addTestCaseEdit = db.prepare('INSERT OR IGNORE INTO sync_test_case_edits (test_case_id, prompt_id, op_id, base) VALUES (?, ?, ?, NULL)');
  const dropAllOf = [
    db.prepare('DELETE FROM sync_prompt_edits WHERE prompt_id = ?'),
    db.prepare('DELETE FROM sync_test_case_edits WHERE prompt_id = ?'),
  ];
  const setApplying = db.prepare('INSERT OR IGNORE INTO sync_applying (id) VALUES (1)');
  const clearApplying = db.prepare('DELETE FROM sync_applying');
  const count = db.prepare<[], { n: number }>(`SELECT (SELECT count(*) FROM sync_prompt_edits) + (SELECT count(*) FROM sync_test_case_edits) AS n`);
  const putCase = db.prepare('INSERT OR REPLACE INTO test_cases (id, prompt_id, name, variables, updated_at) VALUES (?, ?, ?, ?, ?)');
  const dropCase = db.prepare('DELETE FROM test_cases WHERE prompt_id = ? AND (id = ? OR name = ?)');
  const setTeam = db.prepare('UPDATE prompts SET team_id = ?, owner_id = coalesce(?, owner_id) WHERE id = ?');
  const marks = (state: string | null) => [
    db.prepare(`UPDATE prompt_versions SET sync_state = ${state} WHERE prompt_id = ?`),
    db.prepare(`UPDATE promotions SET sync_state = ${state} WHERE prompt_id = ?`),
    db.prepare(`UPDATE run_logs SET sync_state = ${state} WHERE prompt_id = ?`),
  ];
  const markPending = marks("'pending'");
  const markPersonal = marks('NULL');
  const dropShares = db.prepare('DELETE FROM prompt_shares WHERE prompt_id = ?');

  return {
    promptEdits: () => promptEdits.all(),
    promptEdit: (promptId: string) => promptEdit.get(promptId),
    testCaseEdits: () => testCaseEdits.all(),
    testCaseEditsOf: (promptId: string) => testCaseEditsOf.all(promptId),
    /** Removes an edit once its op is answered (only if no newer edit took its place). */
    dropPromptEdit: (promptId: string, opId: string) => dropPromptEdit.run(promptId, opId),
    /** An edit made while its op was in flight: a new op, from `base`. */
    renewPromptEdit: (promptId: string, opId: string, base: string) => renewPromptEdit.run(opId, base, promptId),
    setPromptBase: (promptId: string, base: string) => setPromptBase.run(base, promptId),
    dropTestCaseEdit: (id: string, opId: string) => dropTestCaseEdit.run(id, opId),
    renewTestCaseEdit: (id: string, opId: string, base: string | null) => renewTestCaseEdit.run(opId, base, id),
    dropAllOf(promptId: string) {
      for (const s of dropAllOf) s.run(promptId);
    },
    /** Marks the transaction as applying the server's data: migration 0260's triggers record nothing meanwhile. */
    applying<T>(fn: () => T): T {
      setApplying.run();
      try {
        return fn();
      } finally {
        clearApplying.run();
      }
    },
    count: () => count.get()!.n,
    /** Writes a case of this desktop's back over what a pull brought (by id, and over a server case of its name). */
    keepCase(c: { id: string; promptId: string; name: string; variables: string; updatedAt: string }) {
      dropCase.run(c.promptId, c.id, c.name);
      putCase.run(c.id, c.promptId, c.name, c.variables, c.updatedAt);
    },
    dropCase: (promptId: string, id: string) => dropCase.run(promptId, id, null),
    /** Makes a personal prompt a team prompt waiting to be created on the server, with everything of it pending. */
    moveToTeam(promptId: string, teamId: string, memberId: string, formerOwnerId: string, opId: string, testCases: { id: string; opId: string }[]) {
      setTeam.run(teamId, memberId, promptId);
      for (const s of markPending) s.run(promptId);
      dropShares.run(promptId);
      addPromptEdit.run(promptId, opId, JSON.stringify({ ownerId: formerOwnerId }));
      for (const c of testCases) addTestCaseEdit.run(c.id, promptId, c.opId);
    },
    /** Undoes a move the server refused: the prompt is personal again, with everything of it as it was. */
    backToPersonal(promptId: string, ownerId: string | null) {
      setTeam.run(null, ownerId, promptId);
      for (const s of markPersonal) s.run(promptId);
      for (const s of dropAllOf) s.run(promptId);
    },
  };
}
