import type { Db } from '../open';
import type { PromptVersion, VersionStatus, VersionSummary } from '../../../shared/schemas/prompts';
import type { Template, VariableMeta } from '../../../shared/template/template';
import type { ModelSettings } from '../../../shared/schemas/template';
import { analyzeTemplate } from '../../../shared/template/template';

interface VersionRow {
  id: string;
  prompt_id: string;
  number: number;
  status: VersionStatus;
  template: string;
  variables: string;
  model_settings: string;
  display_message: string | null;
  commit_message: string;
  author_id: string;
  author_name: string;
  author_email: string;
  created_at: string;
  committed_at: string | null;
}

export const versionFromRow = (row: VersionRow): PromptVersion => {
  const template = JSON.parse(row.template) as Template;
  const analysis = analyzeTemplate(template);
  return {
    id: row.id,
    promptId: row.prompt_id,
    number: row.number,
    status: row.status,
    committed: row.committed_at !== null,
    template,
    variables: JSON.parse(row.variables) as VariableMeta[],
    detectedVariables: analysis.ok ? analysis.variables : [],
    modelSettings: JSON.parse(row.model_settings) as ModelSettings,
    displayMessage: row.display_message,
    commitMessage: row.commit_message,
    author: { id: row.author_id, name: row.author_name, email: row.author_email },
    createdAt: row.created_at,
  };
};

const SELECT_VERSION = `SELECT v.*, u.name AS author_name, u.email AS author_email
  FROM prompt_versions v JOIN users u ON u.id = v.author_id`;

export interface NewVersion {
  id: string;
  promptId: string;
  number: number;
  template: Template;
  variables: VariableMeta[];
  modelSettings: ModelSettings;
  displayMessage: string | null;
  commitMessage: string;
  authorId: string;
  createdAt: string;
}

export function versionsRepo(db: Db) {
  const byNumber = db.prepare<[string, number], VersionRow>(`${SELECT_VERSION} WHERE v.prompt_id = ? AND v.number = ?`);
  const summaries = db.prepare<[string], Omit<VersionRow, 'template' | 'variables' | 'model_settings'>>(
    `SELECT v.number, v.status, v.committed_at, v.commit_message, v.created_at, v.author_id, u.name AS author_name, u.email AS author_email
     FROM prompt_versions v JOIN users u ON u.id = v.author_id WHERE v.prompt_id = ? ORDER BY v.number DESC`,
  );
  // Numbers are identities: the next one comes after every number ever given (migration 0070's
  // high-water mark, raised by a trigger on insert), not after the newest version still there.
  const highWater = db.prepare<[string], { n: number }>('SELECT version_high_water AS n FROM prompts WHERE id = ?');
  const insert = db.prepare(`INSERT INTO prompt_versions
    (id, prompt_id, number, template, variables, model_settings, display_message, commit_message, author_id, created_at)
    VALUES (:id, :promptId, :number, :template, :variables, :modelSettings, :displayMessage, :commitMessage, :authorId, :createdAt)`);

  const published = db.prepare<[string], { number: number }>(
    "SELECT number FROM prompt_versions WHERE prompt_id = ? AND status = 'published'",
  );
  const setStatus = db.prepare('UPDATE prompt_versions SET status = ?, updated_at = ? WHERE prompt_id = ? AND number = ?');
  const commit = db.prepare(
    'UPDATE prompt_versions SET committed_at = coalesce(committed_at, ?), updated_at = ? WHERE prompt_id = ? AND number = ?',
  );
  const updateContent = db.prepare(`UPDATE prompt_versions SET template = :template, variables = :variables,
    model_settings = :modelSettings, display_message = :displayMessage, commit_message = :commitMessage, updated_at = :now,
    updated_by = :updatedBy
    WHERE prompt_id = :promptId AND number = :number`);
  const remove = db.prepare('DELETE FROM prompt_versions WHERE prompt_id = ? AND number = ?');
  // updated_at is set by every change after the insert (content, commit, status); null until then.
  const changedAt = db.prepare<[string, number], { at: string }>(
    'SELECT coalesce(updated_at, created_at) AS at FROM prompt_versions WHERE prompt_id = ? AND number = ?',
  );

  // Who last changed the content in place (migration 0120), else the author.
  const changedBy = db.prepare<[string, number], { email: string }>(
    `SELECT u.email FROM prompt_versions v JOIN users u ON u.id = coalesce(v.updated_by, v.author_id)
     WHERE v.prompt_id = ? AND v.number = ?`,
  );

  return {
    /** The email of whoever last changed version `number`'s content (its author until an edit in place). */
    changedBy: (promptId: string, number: number) => changedBy.get(promptId, number)?.email,
    publishedNumber: (promptId: string) => published.get(promptId)?.number ?? null,
    setStatus: (promptId: string, number: number, status: VersionStatus, now: string) => setStatus.run(status, now, promptId, number),
    commit: (promptId: string, number: number, now: string) => commit.run(now, now, promptId, number),
    updateContent: (v: Omit<NewVersion, 'id' | 'authorId' | 'createdAt'> & { now: string; updatedBy: string }) =>
      updateContent.run({
        promptId: v.promptId,
        number: v.number,
        template: JSON.stringify(v.template),
        variables: JSON.stringify(v.variables),
        modelSettings: JSON.stringify(v.modelSettings),
        displayMessage: v.displayMessage,
        commitMessage: v.commitMessage,
        now: v.now,
        updatedBy: v.updatedBy,
      }),
    delete: (promptId: string, number: number) => remove.run(promptId, number),
    /** When the version last changed (content, commit, status), else when it was created. */
    changedAt: (promptId: string, number: number) => changedAt.get(promptId, number)?.at,
    get: (promptId: string, number: number) => {
      const row = byNumber.get(promptId, number);
      return row ? versionFromRow(row) : undefined;
    },
    list: (promptId: string): VersionSummary[] =>
      summaries.all(promptId).map((row) => ({
        number: row.number,
        status: row.status,
        committed: row.committed_at !== null,
        commitMessage: row.commit_message,
        author: { id: row.author_id, name: row.author_name, email: row.author_email },
        createdAt: row.created_at,
      })),
    /** The highest number ever given to a version of the prompt (0 for none); deleted ones count. */
    highWater: (promptId: string) => highWater.get(promptId)?.n ?? 0,
    /** The number the next saved version gets: never one given before, even if since deleted. */
    nextNumber: (promptId: string) => (highWater.get(promptId)?.n ?? 0) + 1,
    insert: (v: NewVersion) =>
      insert.run({
        ...v,
        template: JSON.stringify(v.template),
        variables: JSON.stringify(v.variables),
        modelSettings: JSON.stringify(v.modelSettings),
      }),
  };
}
