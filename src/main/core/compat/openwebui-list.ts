import { z } from 'zod';
import type { Ctx } from '../context';
import { everyListedPrompt } from '../prompts/prompts-service';
import type { PromptSummary } from '../../../shared/schemas/prompts';
import { openWebUiPrompt, shownCommand, withAccess } from './openwebui-prompt';

/*
 * Open WebUI's prompt listings (routers/prompts.py get_prompts, get_prompt_tags, get_prompt_list;
 * models/prompts.py search_prompts) over the core's listing, which decides what the caller may
 * read (visibility, API exposure, key scope).
 */

/** `/list` query (routers/prompts.py get_prompt_list). */
export const OpenWebUiListSchema = z.object({
  query: z.string().max(500).optional(),
  view_option: z.string().max(20).optional(),
  tag: z.string().max(40).optional(),
  order_by: z.string().max(20).optional(),
  // Any text: `asc` sorts ascending, anything else descending (routers/prompts.py get_prompt_list).
  direction: z.string().optional(),
  page: z.coerce.number({ message: 'page must be a whole number' }).int('page must be a whole number').default(1),
});

/** Open WebUI pages `/list` by 30 (routers/prompts.py PAGE_ITEM_COUNT). */
export const LIST_PAGE_SIZE = 30;

/** Every prompt the caller may read through the API, newest change first (everyListedPrompt). */
const readableSummaries = (ctx: Ctx): PromptSummary[] => everyListedPrompt(ctx);

/** `GET /`: every readable prompt as PromptModel. */
export function openWebUiList(ctx: Ctx) {
  // Read in full one by one: the prompt object needs the stored `extra`, which summaries lack.
  return readableSummaries(ctx).map((item) => openWebUiPrompt(ctx, ctx.store.prompts.getRowById(item.id)!));
}

/** `GET /tags`: the sorted tags of the prompts the caller may read. */
export function openWebUiTags(ctx: Ctx): string[] {
  return [...new Set(readableSummaries(ctx).flatMap((item) => item.tags))].sort();
}

const ORDER: Record<string, (item: PromptSummary) => string> = {
  name: (item) => item.title.toLocaleLowerCase(),
  created_at: (item) => item.createdAt,
  updated_at: (item) => item.updatedAt,
};

/**
 * Open WebUI's `/list` filters (models/prompts.py search_prompts): `tag` matches a tag
 * case-insensitively (`LOWER(tag) = tag.lower()`), `query` is a case-insensitive substring
 * (`ilike '%q%'`) of the name, the command, the content, the owner's name or the owner's email.
 * The text is read only for prompts the cheaper fields did not already match.
 */
function matchesListFilters(ctx: Ctx, item: PromptSummary, query: string, tag: string): boolean {
  if (tag && !item.tags.some((t) => t.toLowerCase() === tag)) return false;
  if (!query) return true;
  const row = ctx.store.prompts.getRowById(item.id)!;
  const fields = [item.title, shownCommand(row), item.owner.name, item.owner.email];
  if (fields.some((field) => field.toLowerCase().includes(query))) return true;
  return openWebUiPrompt(ctx, row).content.toLowerCase().includes(query);
}

/**
 * `GET /list`: PromptAccessListResponse `{items, total}`, 30 a page from page 1. `view_option`
 * "created" keeps the caller's own prompts, "shared" the others'; `query` and `tag` as
 * matchesListFilters; `order_by` name, created_at or updated_at (else updated_at), `direction`
 * "asc" ascending, any other text descending. Filtered and sorted on the listing's summaries;
 * only the page's prompts are read in full.
 */
export function openWebUiListWithAccess(ctx: Ctx, input: z.output<typeof OpenWebUiListSchema>) {
  const query = (input.query ?? '').toLowerCase();
  const tag = (input.tag ?? '').toLowerCase();
  let found = readableSummaries(ctx).filter((item) => matchesListFilters(ctx, item, query, tag));
  if (input.view_option === 'created') found = found.filter((item) => item.owner.id === ctx.actor.id);
  if (input.view_option === 'shared') found = found.filter((item) => item.owner.id !== ctx.actor.id);
  const key = ORDER[input.order_by ?? ''] ?? ORDER['updated_at']!;
  const sign = input.direction === 'asc' ? 1 : -1;
  found = [...found].sort((a, b) => sign * key(a).localeCompare(key(b)));
  const page = Math.max(1, input.page);
  const items = found.slice((page - 1) * LIST_PAGE_SIZE, page * LIST_PAGE_SIZE).map((item) => withAccess(ctx, ctx.store.prompts.getRowById(item.id)!));
  return { items, total: found.length };
}
