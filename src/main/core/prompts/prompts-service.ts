import { randomUUID } from 'node:crypto';
import type { DataLoggingLevel } from '../../../shared/schemas/runs';
import type { Ctx } from '../context';
import { nowIso } from '../context';
import { conflict } from '../errors';
import { allowedActions, requirePrompt, subjectOf } from '../sharing/access';
import { mayReadBack } from '../sharing/read-back';
import { ACTIONS } from '../../../shared/schemas/sharing';
import { requireApiScope, requireScope } from '../keys/keys-service';
import type { CreatePromptInput, ListPromptsInput, PromptDetail, PromptList, PromptSummary, SetApiSettingsInput, UpdatePromptInput } from '../../../shared/schemas/prompts';
import type { z } from 'zod';
import { promptFromRow, type PromptRow, type PromptScope } from '../../store/repos/prompts-repo';
import { templateText, type Template } from '../../../shared/template/template';
import { assertActive } from '../users/users-service';
import { indexedPrefix, MAX_INDEXED_CHARS, toMatchQuery } from '../search/search-text';
import { recordAuthors } from '../sync/sync-authors';
import { refuseUnsentTeamChange } from '../sync/unsent-team-change';

type CreateParsed = z.output<typeof CreatePromptInput>;
type ListParsed = z.output<typeof ListPromptsInput>;

/** Whose visibility applies to a listing: nobody's for an admin, who sees every prompt. */
const viewerOf = (ctx: Ctx) => (ctx.actor.role === 'admin' ? null : ctx.actor.id);

/** The library: prompts the actor may find (owned, Library View/Edit, or shared with them). */
export function listPrompts(ctx: Ctx, input: ListParsed, scope: PromptScope = 'library'): PromptList {
  assertActive(ctx.actor);
  const { prompts } = ctx.store;
  const viewer = viewerOf(ctx);
  // The runnable list shows what the member may run (run is not read): a `run` key suffices.
  if (ctx.via?.key) requireScope(ctx.via.key, scope === 'runnable' ? 'run' : 'read');
  const apiOnly = ctx.via !== undefined;
  const words = toMatchQuery(input.query);
  // The chat launcher lists prompts the member may only run (Chat only, run shares): its search
  // must not match template text, or typing words would probe a text they may not read.
  const match = words !== null && scope === 'runnable' ? `{name title description tags} : (${words})` : words;
  const filter = { viewer, scope, apiOnly, match, tag: input.tag ?? null, owner: input.ownerId ?? null };
  return {
    ...prompts.page(filter, input.sort, input.limit, input.offset),
    // Cached by the store until the next write: facets scan the whole visible library.
    facets: { tags: prompts.tags(viewer), owners: prompts.owners(viewer) },
  };
}

/**
 * Every prompt listPrompts answers for `query` and `sort`, read a page of 200 at a time, for the
 * doors whose clients get whole lists (Conductor's GET /api/prompts, Open WebUI's lists, Respan's
 * summary, the MCP door's prompts/list with `scope` runnable). What the caller may see
 * (visibility, API exposure, key scope) is listPrompts'.
 */
export function everyListedPrompt(ctx: Ctx, input: { query?: string; sort?: ListParsed['sort'] } = {}, scope: PromptScope = 'library'): PromptSummary[] {
  const items: PromptSummary[] = [];
  for (let offset = 0; ; offset += 200) {
    const page = listPrompts(ctx, { query: input.query ?? '', sort: input.sort ?? 'updated', limit: 200, offset }, scope);
    items.push(...page.items);
    if (page.items.length < 200) return items;
  }
}

/** The chat launcher's list: prompts the actor may run, Chat only ones included. */
export function listRunnablePrompts(ctx: Ctx, input: ListParsed): PromptList {
  return listPrompts(ctx, input, 'runnable');
}

/** A prompt as answered to the actor; without `withLatest`, `latest` (the newest version's text) is null. */
function promptDetail(ctx: Ctx, row: PromptRow, withLatest: boolean): PromptDetail {
  const latest = withLatest && row.latest_version ? (ctx.store.versions.get(row.id, row.latest_version) ?? null) : null;
  const allowed = allowedActions(ctx.actor, subjectOf(ctx, row));
  return { ...promptFromRow(row), latest, allowed: ACTIONS.filter((a) => allowed.has(a)) };
}

/**
 * The answer to a write on a prompt: the prompt as the write left it, read straight from the
 * store. The permission was checked before writing; checking read again here would report a
 * failure for a change already committed (issue 10 item 3). `readable` comes from mayReadBack.
 */
export function promptWriteResult(ctx: Ctx, promptId: string, readable: boolean): PromptDetail {
  return promptDetail(ctx, ctx.store.prompts.getRowById(promptId)!, readable);
}

export function getPrompt(ctx: Ctx, name: string): PromptDetail {
  assertActive(ctx.actor);
  return promptDetail(ctx, requirePrompt(ctx, name, 'read'), true);
}

/**
 * Creates a prompt owned by the actor. `options.id` keeps an id made elsewhere (a desktop moving
 * a personal prompt to the team, core/sync: both sides then name it alike).
 *
 * @throws AppError `conflict` (field `name` or `slashCommand`) when either is taken
 */
export function createPrompt(ctx: Ctx, input: CreateParsed, options: { id?: string } = {}): PromptDetail {
  assertActive(ctx.actor);
  requireApiScope(ctx, 'write');
  const { store } = ctx;
  const now = nowIso(ctx);
  const id = options.id ?? randomUUID();
  store.tx(() => {
    if (store.prompts.getRowByName(input.name)) throw nameTaken();
    const slashCommand = input.slashCommand ?? null;
    if (slashCommand && store.prompts.slashCommandTaken(slashCommand)) {
      throw conflict(`The slash command /${slashCommand} is already used by another prompt`, 'slashCommand');
    }
    store.prompts.insert({
      id,
      name: input.name,
      title: input.title,
      description: input.description,
      tags: input.tags,
      slashCommand,
      ownerId: ctx.actor.id,
      now,
      // A prompt created through the API is meant to be served by it; one made in the app starts off.
      apiAccess: ctx.via !== undefined,
    });
    const row = store.prompts.getRowByName(input.name)!;
    store.prompts.index(row.rowid, { ...input, template: '' });
  });
  // A new prompt has no text yet: its own result is all there is to answer.
  return promptWriteResult(ctx, id, false);
}

/**
 * The one answer to creating a prompt under a name already used. Names are unique across the
 * workspace, so a caller can learn that a name is in use; the answer is the same 409 whether the
 * prompt is theirs, visible to them or hidden from them, and it names nothing stored.
 */
export const nameTaken = () => conflict('This name is already used by another prompt; choose another name', 'name');

/**
 * The first name from `base` no prompt holds: `base` itself, else `base-2`, `base-3`, ... For
 * doors whose clients create prompts without naming them (Open WebUI from a command, Respan from
 * a title). Names in `reserved` count as taken. Held names include hidden prompts' (names are
 * unique across the workspace), so the suffix can tell a caller a name is in use, as nameTaken does.
 */
export function freePromptName(ctx: Ctx, base: string, reserved: ReadonlySet<string> = new Set()): string {
  const taken = (name: string) => reserved.has(name) || ctx.store.prompts.getRowByName(name) !== undefined;
  let name = base;
  for (let n = 2; taken(name); n++) name = `${base}-${n}`;
  return name;
}

/** Why a desktop refuses to delete a team prompt: protocol 1 has no op for it, and the next pull that sends the prompt brings it back. */
export const TEAM_PROMPT_DELETE_REFUSED = 'Delete team prompts on the team server: a change made on this desktop is not sent to the team (leave the team to remove its prompts from this computer)';

/**
 * Deletes a prompt with everything of it, at every door (app, API, compat doors).
 *
 * @throws AppError `forbidden` at `name` ({@link TEAM_PROMPT_DELETE_REFUSED}) for a team prompt held in a desktop's replica
 */
export function deletePrompt(ctx: Ctx, name: string): { deleted: true } {
  assertActive(ctx.actor);
  const { store } = ctx;
  store.tx(() => {
    const row = requirePrompt(ctx, name, 'delete');
    refuseUnsentTeamChange(row, TEAM_PROMPT_DELETE_REFUSED, 'name');
    store.prompts.unindex(row.rowid);
    store.prompts.delete(row.id);
  });
  return { deleted: true };
}

/**
 * The most characters of a template's text the library search holds (its messages joined):
 * words past them are not found. Indexing costs about one token per character of CJK or Thai
 * text, and each save replaces the old document too: a 200,000-character Chinese template
 * stalled the server for 40 to 130 ms per save, 50,000 for about 15 (under load, `npm run
 * bench:input`). Names, titles, descriptions and tags are always indexed whole. The same cap
 * applies to logged variables and output (core/search).
 */
export const MAX_INDEXED_TEMPLATE_CHARS = MAX_INDEXED_CHARS;

/** The part of a template's text that search indexes: its first MAX_INDEXED_CHARS characters. */
export function indexedTemplateText(template: Template): string {
  return indexedPrefix(templateText(template));
}

/** Refreshes the search document after a save (inside the save's transaction). */
export function reindexPrompt(ctx: Ctx, row: PromptRow, template: Template): void {
  const tags = JSON.parse(row.tags) as string[];
  ctx.store.prompts.index(row.rowid, {
    name: row.name,
    title: row.title,
    description: row.description,
    tags,
    template: indexedTemplateText(template),
  });
}

/** Turns API exposure on or off and decides whether callers need a key (owner or admin). */
export function setApiSettings(ctx: Ctx, input: z.output<typeof SetApiSettingsInput>): PromptDetail {
  const { store } = ctx;
  const { id, readable } = store.tx(() => {
    const row = requirePrompt(ctx, input.name, 'share');
    const readable = mayReadBack(ctx, row);
    store.prompts.setApiSettings(row.id, input.apiAccess ?? row.api_access === 1, input.keyRequired ?? row.api_key_required === 1, nowIso(ctx));
    return { id: row.id, readable };
  });
  return promptWriteResult(ctx, id, readable);
}

/**
 * How much of each run the logs keep; whoever may edit the prompt decides (seed 000 checklist).
 * Records who chose it and when, so the readiness checklist can tell a deliberate choice (even
 * of the default, Full) from a level nobody looked at.
 */
export function setDataLogging(ctx: Ctx, name: string, level: DataLoggingLevel): PromptDetail {
  const { id, readable } = ctx.store.tx(() => {
    const row = requirePrompt(ctx, name, 'edit');
    const readable = mayReadBack(ctx, row);
    ctx.store.prompts.setDataLogging(row.id, level, ctx.actor.id, nowIso(ctx));
    if (row.data_logging !== level) recordAuthors(ctx, row.id, ['dataLogging']);
    return { id: row.id, readable };
  });
  return promptWriteResult(ctx, id, readable);
}

/** Changes title, description, tags or slash command (edit permission); search follows. */
export function updatePrompt(ctx: Ctx, input: z.output<typeof UpdatePromptInput>): PromptDetail {
  const { store } = ctx;
  const { id, readable } = store.tx(() => {
    const row = requirePrompt(ctx, input.name, 'edit');
    const readable = mayReadBack(ctx, row);
    const slashCommand = input.slashCommand === undefined ? row.slash_command : input.slashCommand;
    if (slashCommand && slashCommand !== row.slash_command && store.prompts.slashCommandTaken(slashCommand)) {
      throw conflict(`The slash command /${slashCommand} is already used by another prompt`, 'slashCommand');
    }
    const meta = {
      title: input.title ?? row.title,
      description: input.description ?? row.description,
      tags: input.tags ?? (JSON.parse(row.tags) as string[]),
      slashCommand,
    };
    store.prompts.updateMeta({ id: row.id, ...meta, now: nowIso(ctx) });
    // Who changed which field: what a team sync conflict names (core/sync/sync-authors.ts).
    const before = { title: row.title, description: row.description, tags: JSON.parse(row.tags) as string[], slashCommand: row.slash_command };
    recordAuthors(ctx, row.id, (Object.keys(meta) as (keyof typeof meta)[]).filter((f) => JSON.stringify(meta[f]) !== JSON.stringify(before[f])));
    const updated = store.prompts.getRowByName(input.name)!;
    const latest = updated.latest_version ? store.versions.get(updated.id, updated.latest_version) : undefined;
    reindexPrompt(ctx, updated, latest?.template ?? { kind: 'text', text: '' });
    return { id: row.id, readable };
  });
  return promptWriteResult(ctx, id, readable);
}
