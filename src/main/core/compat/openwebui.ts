import { z } from 'zod';
import type { Ctx } from '../context';
import { AppError, invalid, promptNotFound } from '../errors';
import { updatePrompt } from '../prompts/prompts-service';
import { mayReadBack } from '../sharing/read-back';
import { saveVersion, servedNumber } from '../versions/versions-service';
import { promoteVersion } from '../versions/lifecycle';
import { inSeedFields } from './seed-fields';
import { requirePrompt } from '../sharing/access';
import { addShare, removeShare } from '../sharing/sharing-service';
import { templateText } from '../../../shared/template/template';
import type { PromptRow } from '../../store/repos/prompts-repo';
import { nowIso } from '../context';

/** Seed 003's names for what the core calls the template: the body's `content`. */
const OPENWEBUI_FIELDS = [['template.text', 'content']] as const;

export const AccessGrantSchema = z.object({
  principal_type: z.enum(['user', 'group']).default('user'),
  principal_id: z.string().min(1).max(64),
  permission: z.enum(['read', 'write']),
});

/** Seed 003's update body, with its documented defaults. */
export const OpenWebUiUpdateSchema = z.object({
  command: z.string().trim().min(1, 'command is required').max(33),
  name: z.string().trim().min(1, 'name is required').max(200),
  content: z.string().max(200_000),
  data: z.record(z.string(), z.unknown()).optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  tags: z.array(z.string().max(40)).max(20).optional(),
  access_grants: z.array(AccessGrantSchema).max(200).optional(),
  commit_message: z.string().max(1000).optional(),
  is_production: z.boolean().default(true),
});
export type OpenWebUiUpdate = z.output<typeof OpenWebUiUpdateSchema>;

const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);

interface Extra {
  openwebui?: { data?: Record<string, unknown>; meta?: Record<string, unknown> };
}

/**
 * The seed 003 prompt object for a row. `withContent` false (a caller who may not read the text,
 * see mayReadBack) leaves `content` empty.
 */
export function openWebUiPrompt(ctx: Ctx, row: PromptRow, withContent = true) {
  const extra = JSON.parse(row.extra) as Extra;
  // Seed 003's object is the prompt's active history entry (what chat users get), never the API pin.
  const served = servedNumber(row, 'active');
  const version = served ? ctx.store.versions.get(row.id, served) : undefined;
  return {
    id: row.id,
    command: row.slash_command ?? '',
    user_id: row.owner_id,
    name: row.title,
    content: version && withContent ? templateText(version.template) : '',
    data: extra.openwebui?.data ?? {},
    meta: extra.openwebui?.meta ?? {},
    tags: JSON.parse(row.tags) as string[],
    is_active: true,
    version_id: version?.id ?? null,
    created_at: epoch(row.created_at),
    updated_at: epoch(row.updated_at),
    access_grants: ctx.store.shares.list(row.id).map((s) => ({
      principal_type: 'user' as const,
      principal_id: s.user.id,
      permission: s.permission === 'view' ? ('read' as const) : ('write' as const),
    })),
  };
}

function rowById(ctx: Ctx, id: string): PromptRow {
  const row = ctx.store.prompts.getRowById(id);
  if (!row) throw promptNotFound();
  return row;
}

/**
 * Seed 003 `POST /api/prompts/id/{id}/update`. A change to name, command, content, tags or
 * access grants records a new version (with `commit_message`), promoted to production unless
 * `is_production` is false. Lacking write access is a 401, as the seed documents.
 */
export function openWebUiUpdate(ctx: Ctx, id: string, input: OpenWebUiUpdate) {
  return ctx.store.tx(() => {
    const found = rowById(ctx, id);
    let row: PromptRow;
    try {
      row = requirePrompt(ctx, found.name, 'edit');
    } catch (error) {
      if (error instanceof AppError && error.code === 'forbidden') throw new AppError('unauthenticated', 'You lack write access to this prompt');
      throw error;
    }
    const readable = mayReadBack(ctx, row);
    const command = input.command.replace(/^\//, '');
    const other = ctx.store.prompts.slashCommandTaken(command) && row.slash_command !== command;
    if (other) throw invalid(`Command "${command}" is already in use by another prompt`, 'command');

    const before = openWebUiPrompt(ctx, row);
    const grantsChanged =
      input.access_grants !== undefined && JSON.stringify(input.access_grants.map((g) => [g.principal_id, g.permission]).sort()) !== JSON.stringify(before.access_grants.map((g) => [g.principal_id, g.permission]).sort());
    const changed =
      before.name !== input.name || before.command !== command || before.content !== input.content || (input.tags !== undefined && JSON.stringify(input.tags) !== JSON.stringify(before.tags)) || grantsChanged;

    updatePrompt(ctx, { name: row.name, title: input.name, tags: input.tags, slashCommand: command });
    if (input.access_grants !== undefined && grantsChanged) replaceGrants(ctx, row, input.access_grants);
    if (input.data !== undefined || input.meta !== undefined) {
      const extra = JSON.parse(row.extra) as Extra;
      extra.openwebui = { data: input.data ?? before.data, meta: input.meta ?? before.meta };
      ctx.store.prompts.setExtra(row.id, extra as Record<string, unknown>);
      ctx.store.prompts.touch(row.id, nowIso(ctx));
    }
    if (changed) {
      const latest = row.latest_version ? ctx.store.versions.get(row.id, row.latest_version) : undefined;
      // Content the newest draft already holds is not saved twice: a retried draft update
      // (is_production false) finds the draft it made, and publishing that content promotes it.
      const held = latest?.status === 'draft' && latest.template.kind === 'text' && latest.template.text === input.content;
      const number = held
        ? latest.number
        : inSeedFields(OPENWEBUI_FIELDS, () =>
            saveVersion(ctx, {
              name: row.name,
              template: { kind: 'text', text: input.content },
              variables: latest?.variables ?? [],
              modelSettings: latest?.modelSettings ?? { models: [] },
              commitMessage: input.commit_message ?? '',
            }),
          ).number;
      if (input.is_production) promoteVersion(ctx, { name: row.name, number, notes: input.commit_message ?? '' });
    }
    // The write's own result, decided before writing: no read check after it that would roll
    // back (or report as failed) a change the caller was allowed to make.
    return openWebUiPrompt(ctx, ctx.store.prompts.getRowById(row.id)!, readable);
  });
}

function replaceGrants(ctx: Ctx, row: PromptRow, grants: z.output<typeof AccessGrantSchema>[]): void {
  try {
    requirePrompt(ctx, row.name, 'share');
  } catch {
    throw new AppError('unauthenticated', 'Only the owner or an admin can change access grants');
  }
  const wanted = new Map<string, 'view' | 'edit'>();
  for (const [index, grant] of grants.entries()) {
    if (grant.principal_type !== 'user') throw invalid('Only user access grants are supported', `access_grants.${index}.principal_type`);
    const user = ctx.store.users.get(grant.principal_id);
    if (!user) throw invalid(`No member with id ${grant.principal_id}`, `access_grants.${index}.principal_id`);
    // The owner and the caller already have access: a grant for them changes nothing.
    if (user.id === row.owner_id || user.id === ctx.actor.id) continue;
    wanted.set(user.id, grant.permission === 'read' ? 'view' : 'edit');
  }
  for (const share of ctx.store.shares.list(row.id)) {
    if (!wanted.has(share.user.id)) removeShare(ctx, { name: row.name, userId: share.user.id });
  }
  for (const [userId, permission] of wanted) {
    addShare(ctx, { name: row.name, email: ctx.store.users.get(userId)!.email, permission });
  }
}

/** Seed 003 companion read: the prompt object by id. */
export function openWebUiGet(ctx: Ctx, id: string) {
  const row = requirePrompt(ctx, rowById(ctx, id).name, 'read');
  return openWebUiPrompt(ctx, row);
}
