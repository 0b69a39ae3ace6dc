import type Database from 'better-sqlite3';
import type { Db } from '../open';
import type { PromptSummary, UserRef } from '../../../shared/schemas/prompts';
import { PROMPT_SORTS } from '../../../shared/schemas/prompts';

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
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const SELECT_PROMPT = `SELECT p.rowid, p.*, u.name AS owner_name, u.email AS owner_email
  FROM prompts p JOIN users u ON u.id = p.owner_id`;

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

const FILTER = `
  (:tag IS NULL OR EXISTS (SELECT 1 FROM prompt_tags t WHERE t.tag = :tag AND t.prompt_id = p.id))
  AND (:owner IS NULL OR p.owner_id = :owner)`;

/**
 * A page of prompts. With a search, matches are materialised once and the page walks the sort
 * index testing membership, so a query matching most of the library stops after one page
 * instead of sorting every match. Only the page's rows are then read in full.
 */
function pageSql(sort: Sort, search: boolean): string {
  const matches = search ? 'WITH m AS MATERIALIZED (SELECT rowid AS id FROM prompts_fts WHERE prompts_fts MATCH :match) ' : '';
  const source = search ? `prompts p INDEXED BY ${SORT_INDEX[sort]}` : 'prompts p';
  const where = search ? `p.rowid IN (SELECT id FROM m) AND ${FILTER}` : FILTER;
  return `${matches}SELECT q.*, (SELECT count(*) FROM prompts p WHERE ${where}) AS total FROM (
      SELECT p.rowid AS r FROM ${source} WHERE ${where} ORDER BY ${ORDER_BY[sort]} LIMIT :limit OFFSET :offset
    ) page JOIN (${SELECT_PROMPT}) q ON q.rowid = page.r ORDER BY ${ORDER_BY[sort].replaceAll('p.', 'q.')}`;
}

export interface PromptFilter {
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
  type PageParams = PromptFilter & { limit: number; offset: number };
  type PageRow = PromptRow & { total: number };
  const pages = new Map<string, Database.Statement<PageParams, PageRow>>();
  const pageStatement = (sort: Sort, search: boolean) => {
    const key = `${sort}:${search}`;
    let statement = pages.get(key);
    if (!statement) pages.set(key, (statement = db.prepare<PageParams, PageRow>(pageSql(sort, search))));
    return statement;
  };
  const countSql = (search: boolean) =>
    `${search ? 'WITH m AS MATERIALIZED (SELECT rowid AS id FROM prompts_fts WHERE prompts_fts MATCH :match) ' : ''}SELECT count(*) AS n FROM prompts p WHERE ${search ? 'p.rowid IN (SELECT id FROM m) AND ' : ''}${FILTER}`;
  const counts = { true: db.prepare<PromptFilter, { n: number }>(countSql(true)), false: db.prepare<PromptFilter, { n: number }>(countSql(false)) };
  const allTags = db.prepare<[], { tag: string }>('SELECT DISTINCT tag FROM prompt_tags ORDER BY tag');
  const owners = db.prepare<[], UserRef>(
    'SELECT u.id, u.name, u.email FROM users u WHERE EXISTS (SELECT 1 FROM prompts p WHERE p.owner_id = u.id) ORDER BY u.name',
  );
  const insert = db.prepare(`INSERT INTO prompts
    (id, name, title, description, tags, slash_command, owner_id, latest_version, created_at, updated_at)
    VALUES (:id, :name, :title, :description, :tags, :slashCommand, :ownerId, NULL, :now, :now)`);
  const insertTag = db.prepare('INSERT INTO prompt_tags (prompt_id, tag) VALUES (?, ?)');
  const setLatest = db.prepare('UPDATE prompts SET latest_version = ?, updated_at = ? WHERE id = ?');
  const remove = db.prepare('DELETE FROM prompts WHERE id = ?');
  const bySlash = db.prepare<[string], { id: string }>('SELECT id FROM prompts WHERE slash_command = ?');
  const ftsDelete = db.prepare('DELETE FROM prompts_fts WHERE rowid = ?');
  const ftsInsert = db.prepare(
    'INSERT INTO prompts_fts (rowid, name, title, description, tags, template) VALUES (?, ?, ?, ?, ?, ?)',
  );

  return {
    getRowByName: (name: string) => byName.get(name),
    /** One page in the given order, and the total number of prompts the filter matches. */
    page(filter: PromptFilter, sort: Sort, limit: number, offset: number): { items: PromptSummary[]; total: number } {
      const search = filter.match !== null;
      const params = search ? { ...filter, limit, offset } : { tag: filter.tag, owner: filter.owner, limit, offset };
      const rows = pageStatement(sort, search).all(params as PageParams);
      // Past the last page there are no rows to carry the total.
      const total = rows[0]?.total ?? counts[`${search}`].get((search ? filter : { tag: filter.tag, owner: filter.owner }) as PromptFilter)!.n;
      return { items: rows.map(promptFromRow), total };
    },
    tags: () => allTags.all().map((r) => r.tag),
    owners: () => owners.all(),
    slashCommandTaken: (command: string) => bySlash.get(command) !== undefined,
    insert(p: {
      id: string;
      name: string;
      title: string;
      description: string;
      tags: string[];
      slashCommand: string | null;
      ownerId: string;
      now: string;
    }) {
      insert.run({ ...p, tags: JSON.stringify(p.tags) });
      for (const tag of p.tags) insertTag.run(p.id, tag);
    },
    setLatestVersion: (id: string, version: number, now: string) => setLatest.run(version, now, id),
    delete: (id: string) => remove.run(id),
    /** Replaces the prompt's search document (call inside the write's transaction). */
    index(rowid: number, doc: SearchDocument) {
      ftsDelete.run(rowid);
      ftsInsert.run(rowid, doc.name, doc.title, doc.description, doc.tags.join(' '), doc.template);
    },
    unindex: (rowid: number) => ftsDelete.run(rowid),
  };
}

