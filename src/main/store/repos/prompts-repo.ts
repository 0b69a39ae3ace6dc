import type Database from 'better-sqlite3';
import type { Db } from '../open';
import type { PromptSummary, UserRef } from '../../../shared/schemas/prompts';
import type { SharingLevel } from '../../../shared/schemas/sharing';
import type { DataLoggingLevel } from '../../../shared/schemas/runs';
import { type PROMPT_SORTS } from '../../../shared/schemas/prompts';
import { searchableText } from '../../core/search/search-text';

export interface PromptRow {
  rowid: number;
  id: string;
  name: string;
  title: string;
  description: string;
  tags: string;
  slash_command: string | null;
  owner_id: string;
  latest_version: number | null;
  pinned_version: number | null;
  published_version: number | null;
  sharing_level: SharingLevel;
  api_access: number;
  api_key_required: number;
  data_logging: DataLoggingLevel;
  /** Who chose the data-logging level and when (migration 0150); null while nobody has. */
  data_logging_set_by: string | null;
  data_logging_set_at: string | null;
  extra: string;
  created_at: string;
  updated_at: string;
  owner_name: string;
  owner_email: string;
}

export const promptFromRow = (row: PromptRow): PromptSummary => ({
  id: row.id,
  name: row.name,
  title: row.title,
  description: row.description,
  tags: JSON.parse(row.tags) as string[],
  slashCommand: row.slash_command,
  owner: { id: row.owner_id, name: row.owner_name, email: row.owner_email },
  latestVersion: row.latest_version,
  publishedVersion: row.published_version,
  pinnedVersion: row.pinned_version,
  sharingLevel: row.sharing_level,
  apiAccess: row.api_access === 1,
  apiKeyRequired: row.api_key_required === 1,
  dataLogging: row.data_logging,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

// The published version comes from the one-published partial index: one probe per row.
const PROMPT_COLUMNS = `p.rowid, p.*, u.name AS owner_name, u.email AS owner_email,
  (SELECT v.number FROM prompt_versions v WHERE v.prompt_id = p.id AND v.status = 'published') AS published_version`;
const SELECT_PROMPT = `SELECT ${PROMPT_COLUMNS} FROM prompts p JOIN users u ON u.id = p.owner_id`;

type Sort = (typeof PROMPT_SORTS)[number];

// Identifiers come from these allow-lists only, never from input. Each sort has a covering index.
const ORDER_BY: Record<Sort, string> = {
  updated: 'p.updated_at DESC, p.name',
  created: 'p.created_at DESC, p.name',
  name: 'p.name',
  title: 'p.title COLLATE NOCASE, p.name',
};
const SORT_INDEX: Record<Sort, string> = {
  updated: 'prompts_updated',
  created: 'prompts_created',
  name: 'prompts_name',
  title: 'prompts_title',
};

/** Above this many matches, walking the sort index beats sorting the matches. */
const BROAD_SEARCH = 1000;

const MATCHES = 'WITH m AS MATERIALIZED (SELECT rowid AS id FROM prompts_fts WHERE prompts_fts MATCH :match) ';

// Which prompts a member sees (the SQL twin of core/sharing/access.ts). Admins (viewer null) see
// every prompt. The library lists what they may read: a run share, like Chat only, is not in it.
export const VISIBLE: Record<PromptScope, string> = {
  library: `(p.owner_id = :viewer OR p.sharing_level IN ('library_view', 'library_edit')
    OR EXISTS (SELECT 1 FROM prompt_shares s WHERE s.prompt_id = p.id AND s.user_id = :viewer AND s.permission IN ('view', 'edit')))`,
  runnable: `(p.owner_id = :viewer OR p.sharing_level <> 'private'
    OR EXISTS (SELECT 1 FROM prompt_shares s WHERE s.prompt_id = p.id AND s.user_id = :viewer AND s.permission IN ('run', 'edit')))`,
};

/** The WHERE clause for the filters present; fragments are fixed text, values are parameters. */
function conditions(filter: PromptFilter, matchesJoined = false): string {
  const parts: string[] = [];
  if (filter.viewer !== null) parts.push(VISIBLE[filter.scope]);
  if (filter.apiOnly) parts.push('p.api_access = 1');
  if (filter.match !== null && !matchesJoined) parts.push('p.rowid IN (SELECT id FROM m)');
  if (filter.tag !== null) parts.push('p.id IN (SELECT prompt_id FROM prompt_tags WHERE tag = :tag)');
  if (filter.owner !== null) parts.push('p.owner_id = :owner');
  return parts.length ? parts.join(' AND ') : '1';
}

/**
 * A page of prompts. With a search, matches are materialised once and the page walks the sort
 * index testing membership, so a query matching most of the library stops after one page
 * instead of sorting every match; a narrow search sorts its few matches instead. Only the
 * page's rows are then read in full.
 */
function pageSql(filter: PromptFilter, sort: Sort, walkIndex: boolean): string {
  const search = filter.match !== null;
  const source = walkIndex ? `prompts p INDEXED BY ${SORT_INDEX[sort]}` : 'prompts p';
  return `${search ? MATCHES : ''}SELECT ${PROMPT_COLUMNS} FROM (
      SELECT p.rowid AS r FROM ${source} WHERE ${conditions(filter)} ORDER BY ${ORDER_BY[sort]} LIMIT :limit OFFSET :offset
    ) page CROSS JOIN prompts p ON p.rowid = page.r CROSS JOIN users u ON u.id = p.owner_id ORDER BY ${ORDER_BY[sort]}`;
}

/** Counts from the smallest source that answers exactly (the search index rows mirror prompts). */
function countSql(filter: PromptFilter): string {
  const { match, tag, owner } = filter;
  // With a search, count from the matches outward rather than testing every prompt against them.
  if (match !== null && (filter.viewer !== null || filter.apiOnly || tag !== null || owner !== null)) {
    return `${MATCHES}SELECT count(*) AS n FROM m CROSS JOIN prompts p ON p.rowid = m.id WHERE ${conditions(filter, true)}`;
  }
  if (filter.viewer !== null || filter.apiOnly) return `SELECT count(*) AS n FROM prompts p WHERE ${conditions(filter)}`;
  if (match === null && tag === null && owner === null) return 'SELECT count(*) AS n FROM prompts';
  if (match !== null && tag === null && owner === null) return 'SELECT count(*) AS n FROM prompts_fts WHERE prompts_fts MATCH :match';
  if (match === null && tag !== null && owner === null) return 'SELECT count(*) AS n FROM prompt_tags WHERE tag = :tag';
  return `${match !== null ? MATCHES : ''}SELECT count(*) AS n FROM prompts p WHERE ${conditions(filter)}`;
}

/** Only the parameters a statement names (better-sqlite3 refuses unused named parameters). */
function paramsFor(filter: PromptFilter): Record<string, string> {
  const params: Record<string, string> = {};
  if (filter.viewer !== null) params['viewer'] = filter.viewer;
  if (filter.match !== null) params['match'] = filter.match;
  if (filter.tag !== null) params['tag'] = filter.tag;
  if (filter.owner !== null) params['owner'] = filter.owner;
  return params;
}

export type PromptScope = 'library' | 'runnable';

export interface PromptFilter {
  /** The member whose visibility applies; null for an admin (sees everything). */
  viewer: string | null;
  scope: PromptScope;
  /** Only prompts with API access on (listing over the HTTP API). */
  apiOnly?: boolean;
  match: string | null;
  tag: string | null;
  owner: string | null;
}

export interface SearchDocument {
  name: string;
  title: string;
  description: string;
  tags: string[];
  template: string;
}

export function promptsRepo(db: Db) {
  const byName = db.prepare<[string], PromptRow>(`${SELECT_PROMPT} WHERE p.name = ?`);
  const statements = new Map<string, Database.Statement>();
  const statement = (sql: string) => {
    let prepared = statements.get(sql);
    if (!prepared) statements.set(sql, (prepared = db.prepare(sql)));
    return prepared;
  };
  const allTags = db.prepare<[], { tag: string }>('SELECT DISTINCT tag FROM prompt_tags ORDER BY tag');
  const visibleTags = db.prepare<{ viewer: string }, { tag: string }>(
    `SELECT DISTINCT t.tag FROM prompt_tags t JOIN prompts p ON p.id = t.prompt_id WHERE ${VISIBLE.library} ORDER BY t.tag`,
  );
  const owners = db.prepare<[], UserRef>(
    'SELECT u.id, u.name, u.email FROM users u WHERE EXISTS (SELECT 1 FROM prompts p WHERE p.owner_id = u.id) ORDER BY u.name',
  );
  const visibleOwners = db.prepare<{ viewer: string }, UserRef>(
    `SELECT u.id, u.name, u.email FROM users u WHERE EXISTS (SELECT 1 FROM prompts p WHERE p.owner_id = u.id AND ${VISIBLE.library}) ORDER BY u.name`,
  );
  const setLevel = db.prepare('UPDATE prompts SET sharing_level = ?, updated_at = ? WHERE id = ?');
  const updateMeta = db.prepare(
    'UPDATE prompts SET title = :title, description = :description, tags = :tags, slash_command = :slashCommand, updated_at = :now WHERE id = :id',
  );
  const deleteTags = db.prepare('DELETE FROM prompt_tags WHERE prompt_id = ?');
  const byId = db.prepare<[string], PromptRow>(`${SELECT_PROMPT} WHERE p.id = ?`);
  const setExtra = db.prepare('UPDATE prompts SET extra = ? WHERE id = ?');
  const setApi = db.prepare('UPDATE prompts SET api_access = ?, api_key_required = ?, updated_at = ? WHERE id = ?');
  const setLogging = db.prepare('UPDATE prompts SET data_logging = ?, data_logging_set_by = ?, data_logging_set_at = ?, updated_at = ? WHERE id = ?');
  type Candidate = Pick<PromptRow, 'id' | 'name' | 'title' | 'owner_id' | 'sharing_level'>;
  const everyPrompt = db.prepare<{ limit: number }, Candidate>(
    'SELECT id, name, title, owner_id, sharing_level FROM prompts ORDER BY name LIMIT :limit',
  );
  const reachable = db.prepare<{ viewer: string; limit: number }, Candidate>(
    `SELECT id, name, title, owner_id, sharing_level FROM prompts p WHERE ${VISIBLE.runnable}
       OR EXISTS (SELECT 1 FROM prompt_shares s WHERE s.prompt_id = p.id AND s.user_id = :viewer) ORDER BY name LIMIT :limit`,
  );
  const insert = db.prepare(`INSERT INTO prompts
    (id, name, title, description, tags, slash_command, owner_id, latest_version, created_at, updated_at, api_access)
    VALUES (:id, :name, :title, :description, :tags, :slashCommand, :ownerId, NULL, :now, :now, :apiAccess)`);
  const insertTag = db.prepare('INSERT INTO prompt_tags (prompt_id, tag) VALUES (?, ?)');
  const setLatest = db.prepare('UPDATE prompts SET latest_version = ?, updated_at = ? WHERE id = ?');
  const setPinned = db.prepare('UPDATE prompts SET pinned_version = ?, updated_at = ? WHERE id = ?');
  const touch = db.prepare('UPDATE prompts SET updated_at = ? WHERE id = ?');
  const remove = db.prepare('DELETE FROM prompts WHERE id = ?');
  const bySlash = db.prepare<[string], { id: string }>('SELECT id FROM prompts WHERE slash_command = ?');
  const ftsDelete = db.prepare('DELETE FROM prompts_fts WHERE rowid = ?');
  const ftsInsert = db.prepare(
    'INSERT INTO prompts_fts (rowid, name, title, description, tags, template) VALUES (?, ?, ?, ?, ?, ?)',
  );

  return {
    getRowByName: (name: string) => byName.get(name),
    getRowById: (id: string) => byId.get(id),
    setExtra: (id: string, extra: Record<string, unknown>) => setExtra.run(JSON.stringify(extra), id),
    /** One page in the given order, and the total number of prompts the filter matches. */
    page(filter: PromptFilter, sort: Sort, limit: number, offset: number): { items: PromptSummary[]; total: number } {
      const params = paramsFor(filter);
      const total = (statement(countSql(filter)).get(params) as { n: number }).n;
      const walkIndex = filter.match !== null && total > BROAD_SEARCH;
      const rows = statement(pageSql(filter, sort, walkIndex)).all({ ...params, limit, offset }) as PromptRow[];
      return { items: rows.map(promptFromRow), total };
    },
    /** Tags and owners of the prompts the viewer's library shows (null: every prompt). */
    tags: (viewer: string | null) => (viewer === null ? allTags.all() : visibleTags.all({ viewer })).map((r) => r.tag),
    owners: (viewer: string | null) => (viewer === null ? owners.all() : visibleOwners.all({ viewer })),
    setSharingLevel: (id: string, level: SharingLevel, now: string) => setLevel.run(level, now, id),
    setApiSettings: (id: string, access: boolean, keyRequired: boolean, now: string) =>
      setApi.run(access ? 1 : 0, keyRequired ? 1 : 0, now, id),
    /** Sets the level and records who chose it, when (the readiness checklist shows both). */
    setDataLogging: (id: string, level: DataLoggingLevel, by: string, now: string) => setLogging.run(level, by, now, now, id),
    /** Prompts a member might reach by ownership, level or share (null: every prompt). */
    accessCandidates: (viewer: string | null, limit: number) =>
      viewer === null ? everyPrompt.all({ limit }) : reachable.all({ viewer, limit }),
    slashCommandTaken: (command: string) => bySlash.get(command) !== undefined,
    /** The prompt whose slash command is `command` (without its slash), if any: seed 003 addresses prompts by command. */
    getRowBySlashCommand: (command: string) => {
      const found = bySlash.get(command);
      return found ? byId.get(found.id) : undefined;
    },
    insert(p: {
      id: string;
      name: string;
      title: string;
      description: string;
      tags: string[];
      slashCommand: string | null;
      ownerId: string;
      now: string;
      apiAccess: boolean;
    }) {
      insert.run({ ...p, tags: JSON.stringify(p.tags), apiAccess: p.apiAccess ? 1 : 0 });
      for (const tag of p.tags) insertTag.run(p.id, tag);
    },
    updateMeta(p: { id: string; title: string; description: string; tags: string[]; slashCommand: string | null; now: string }) {
      updateMeta.run({ ...p, tags: JSON.stringify(p.tags) });
      deleteTags.run(p.id);
      for (const tag of p.tags) insertTag.run(p.id, tag);
    },
    setLatestVersion: (id: string, version: number | null, now: string) => setLatest.run(version, now, id),
    setPinnedVersion: (id: string, version: number | null, now: string) => setPinned.run(version, now, id),
    touch: (id: string, now: string) => touch.run(now, id),
    delete: (id: string) => remove.run(id),
    /** Replaces the prompt's search document (call inside the write's transaction). */
    index(rowid: number, doc: SearchDocument) {
      ftsDelete.run(rowid);
      // As searchableText has it, so words inside CJK/Thai text and symbols can be found (core/search).
      const text = searchableText;
      ftsInsert.run(rowid, text(doc.name), text(doc.title), text(doc.description), text(doc.tags.join(' ')), text(doc.template));
    },
    unindex: (rowid: number) => ftsDelete.run(rowid),
  };
}

