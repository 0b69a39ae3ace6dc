import type { Db } from '../open';
import type { Promotion } from '../../../shared/schemas/versions';

interface PromotionRow {
  id: string;
  version: number;
  previous_version: number | null;
  promoted_by: string;
  promoter_name: string;
  promoter_email: string;
  promoted_at: string;
  notes: string;
}

const promotionFromRow = (row: PromotionRow): Promotion => ({
  id: row.id,
  version: row.version,
  previousVersion: row.previous_version,
  promotedBy: { id: row.promoted_by, name: row.promoter_name, email: row.promoter_email },
  promotedAt: row.promoted_at,
  notes: row.notes,
});

export interface PromotionFilter {
  userId: string | null;
  from: string | null;
  to: string | null;
}

export function promotionsRepo(db: Db) {
  const insert = db.prepare(`INSERT INTO promotions (id, prompt_id, version, previous_version, promoted_by, promoted_at, notes, seq)
    VALUES (:id, :promptId, :version, :previousVersion, :promotedBy, :promotedAt, :notes,
      (SELECT coalesce(max(seq), 0) + 1 FROM promotions WHERE prompt_id = :promptId))`);
  const list = db.prepare<PromotionFilter & { promptId: string }, PromotionRow>(`
    SELECT h.*, u.name AS promoter_name, u.email AS promoter_email
    FROM promotions h JOIN users u ON u.id = h.promoted_by
    WHERE h.prompt_id = :promptId
      AND (:userId IS NULL OR h.promoted_by = :userId)
      AND (:from IS NULL OR h.promoted_at >= :from)
      AND (:to IS NULL OR h.promoted_at <= :to)
    ORDER BY h.seq DESC`);
  const newest = db.prepare<[string], PromotionRow>(`SELECT h.*, u.name AS promoter_name, u.email AS promoter_email
    FROM promotions h JOIN users u ON u.id = h.promoted_by WHERE h.prompt_id = ? ORDER BY h.seq DESC LIMIT 1`);
  const byId = db.prepare<[string], PromotionRow>(`SELECT h.*, u.name AS promoter_name, u.email AS promoter_email
    FROM promotions h JOIN users u ON u.id = h.promoted_by WHERE h.id = ?`);
  return {
    insert: (p: { id: string; promptId: string; version: number; previousVersion: number | null; promotedBy: string; promotedAt: string; notes: string }) =>
      insert.run(p),
    list: (promptId: string, filter: PromotionFilter) => list.all({ promptId, ...filter }).map(promotionFromRow),
    /** The prompt's most recent promotion (the one that made its published version), if any. */
    newest: (promptId: string) => {
      const row = newest.get(promptId);
      return row ? promotionFromRow(row) : undefined;
    },
    get: (id: string) => {
      const row = byId.get(id);
      return row ? promotionFromRow(row) : undefined;
    },
  };
}
