import type { Db } from '../open';
import type { ReadinessTickItem } from '../../../shared/schemas/readiness';

export interface TickRow {
  item: ReadinessTickItem;
  user_id: string;
  user_name: string | null;
  version: number | null;
  ticked_at: string;
  /** What an access_levels tick confirmed (checklist.ts accessConfirmation); NULL for the other items and older ticks. */
  confirmed: string | null;
}

/** The manual ticks of the readiness checklist (table `readiness_ticks`, migration 0150). */
export function readinessRepo(db: Db) {
  const list = db.prepare<[string], TickRow>(`SELECT t.item, t.user_id, u.name AS user_name, t.version, t.ticked_at, t.confirmed
    FROM readiness_ticks t LEFT JOIN users u ON u.id = t.user_id WHERE t.prompt_id = ?`);
  const upsert = db.prepare(`INSERT INTO readiness_ticks (prompt_id, item, user_id, version, ticked_at, confirmed) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (prompt_id, item) DO UPDATE SET user_id = excluded.user_id, version = excluded.version, ticked_at = excluded.ticked_at,
      confirmed = excluded.confirmed`);
  const remove = db.prepare('DELETE FROM readiness_ticks WHERE prompt_id = ? AND item = ?');
  const clear = db.prepare('DELETE FROM readiness_ticks WHERE prompt_id = ?');
  return {
    ticks: (promptId: string) => new Map(list.all(promptId).map((row) => [row.item, row])),
    tick: (promptId: string, item: ReadinessTickItem, userId: string, version: number | null, at: string, confirmed: string | null = null) =>
      upsert.run(promptId, item, userId, version, at, confirmed),
    untick: (promptId: string, item: ReadinessTickItem) => remove.run(promptId, item).changes > 0,
    /** Every tick of the prompt; promotion calls it in its own transaction. */
    clear: (promptId: string) => clear.run(promptId).changes,
  };
}
