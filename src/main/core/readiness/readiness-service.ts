import type { z } from 'zod';
import type { Ctx } from '../context';
import { nowIso } from '../context';
import { conflict } from '../errors';
import { allowedActions, requirePrompt, subjectOf } from '../sharing/access';
import { assertActive, assertAdmin } from '../users/users-service';
import { servedNumber, versionOf } from '../versions/versions-service';
import type { PromptRow } from '../../store/repos/prompts-repo';
import type { Store } from '../../store/store';
import type { Action, SharingLevel } from '../../../shared/schemas/sharing';
import { SHARING_LEVEL_LABELS } from '../../../shared/schemas/sharing';
import {
  READINESS_TICK_ITEMS,
  type Readiness,
  type ReadinessPerson,
  type ReadinessSettings,
  type ReadinessTick,
  type ReadinessTickInput,
  type ReadinessTickItem,
  widensAccess,
} from '../../../shared/schemas/readiness';
import { accessConfirmation, checklist, type ReadinessFacts } from './checklist';

const REQUIRED_KEY = 'readiness.requiredForWidening';

/**
 * Who may tick what: the naming and the edge cases are the editors' judgement; the access levels
 * can only be confirmed by whoever may change them (the owner or an admin: `share`).
 */
const TICK_ACTION: Record<ReadinessTickItem, Action> = { edge_cases: 'edit', clear_naming: 'edit', access_levels: 'share' };

function person(ctx: Ctx, id: string, at: string): ReadinessPerson {
  return { id, name: ctx.store.users.get(id)?.name ?? 'Removed member', at };
}

/** The facts the checklist reads, for the version chat and the library serve (servedNumber 'active'). */
function factsOf(ctx: Ctx, row: PromptRow): ReadinessFacts {
  const { store } = ctx;
  const number = servedNumber(row, 'active');
  const version = number === null ? null : versionOf(ctx, row, number);
  const ticks: ReadinessFacts['ticks'] = {};
  const rows = store.readiness.ticks(row.id);
  for (const [item, tick] of rows) {
    ticks[item] = { ...person(ctx, tick.user_id, tick.ticked_at), version: tick.version } satisfies ReadinessTick;
  }
  const allowed = allowedActions(ctx.actor, subjectOf(ctx, row));
  const mayTick = Object.fromEntries(READINESS_TICK_ITEMS.map((item) => [item, allowed.has(TICK_ACTION[item])])) as ReadinessFacts['mayTick'];
  return {
    name: row.name,
    title: row.title,
    description: row.description,
    version,
    testCases: store.testCases.list(row.id),
    passedTestCases: number === null ? new Set() : store.logs.passedTestCases(row.id, number),
    ticks,
    dataLogging: row.data_logging,
    dataLoggingSetBy: row.data_logging_set_by && row.data_logging_set_at ? person(ctx, row.data_logging_set_by, row.data_logging_set_at) : null,
    sharingLevel: row.sharing_level,
    shares: store.shares.list(row.id),
    accessConfirmed: rows.get('access_levels')?.confirmed ?? null,
    usefulRaters: number === null ? [] : store.logs.usefulRaters(row.id, number).map((r) => person(ctx, r.user_id, new Date(r.rated_at).toISOString())),
    mayTick,
  };
}

/** The checklist of a prompt the caller may already see (no permission check here). */
function readinessOf(ctx: Ctx, row: PromptRow): Readiness {
  const facts = factsOf(ctx, row);
  const items = checklist(facts);
  const open = items.filter((i) => i.status === 'open').map((i) => i.id);
  return {
    prompt: row.name,
    version: facts.version?.number ?? null,
    items,
    open,
    ready: open.length === 0,
    requiredForWidening: isRequiredForWidening(ctx.store),
    sharingLevel: row.sharing_level,
    dataLogging: row.data_logging,
  };
}

/** Who may see a prompt's readiness checklist (and so hear of readiness.changed, core/changes). */
export const READINESS_ACTION: Action = 'read';

/**
 * The deployment readiness checklist of a prompt (seed 000), for whoever may read the prompt:
 * the seven items for the version chat and the library serve (the published version, else the
 * newest: servedNumber 'active', whichever door asks, since widening access is about chat and the
 * library), each pass / open / not applicable with its evidence and where to fix it.
 *
 * @throws AppError not_found for a prompt the caller may not see (hidden = missing), forbidden (403)
 *   for one they may only run, unauthenticated / a scope 403 over the API as for reading the prompt
 */
export function getReadiness(ctx: Ctx, name: string): Readiness {
  assertActive(ctx.actor);
  return readinessOf(ctx, requirePrompt(ctx, name, READINESS_ACTION));
}

/**
 * Sets (`ticked: true`) or removes a manual tick, recording who and when and the version served
 * then. Edge cases and naming need edit permission, access levels share permission (owner or
 * admin). Promoting a version clears every tick (clearTicksOnPromotion). Answers the checklist.
 */
export function tickReadiness(ctx: Ctx, input: z.output<typeof ReadinessTickInput>): Readiness {
  assertActive(ctx.actor);
  const { store } = ctx;
  const id = store.tx(() => {
    const row = requirePrompt(ctx, input.name, TICK_ACTION[input.item]);
    // An access tick records the access it confirms, so a later change reopens item 6 (checklist.ts).
    const confirmed = input.item === 'access_levels' ? accessConfirmation(row.sharing_level, store.shares.list(row.id)) : null;
    if (input.ticked) store.readiness.tick(row.id, input.item, ctx.actor.id, servedNumber(row, 'active'), nowIso(ctx), confirmed);
    else store.readiness.untick(row.id, input.item);
    return row.id;
  });
  // The write's own result: the ticker may edit, so they may read (edit and share imply read).
  return readinessOf(ctx, store.prompts.getRowById(id)!);
}

/**
 * Called by promoteVersion inside its transaction: a new version in production has not been
 * checked by anyone, so the manual ticks go (the computed items follow the new version by themselves).
 */
export function clearTicksOnPromotion(store: Store, promptId: string): void {
  store.readiness.clear(promptId);
}

export function isRequiredForWidening(store: Store): boolean {
  return store.settings.get<boolean>(REQUIRED_KEY) ?? false;
}

/**
 * The one rule for widening access to everyone (Chat only, Library View, Library Edit) when an
 * admin made the checklist required: refused while any item is open, naming them. Called by the
 * sharing service (setSharingLevel) inside its transaction, so every door that changes the level
 * meets it. Narrowing, or the same level, is always allowed.
 *
 * @throws AppError conflict (409), field `level`
 */
export function assertMayWiden(ctx: Ctx, row: PromptRow, level: SharingLevel): void {
  if (!widensAccess(row.sharing_level, level) || !isRequiredForWidening(ctx.store)) return;
  const readiness = readinessOf(ctx, row);
  if (readiness.ready) return;
  const titles = readiness.items.filter((i) => i.status === 'open').map((i) => i.title);
  throw conflict(
    `The deployment readiness checklist must pass before access is widened to ${SHARING_LEVEL_LABELS[level]} (an admin requires it in Settings). Open: ${titles.join('; ')}`,
    'level',
  );
}

export function readinessSettings(ctx: Ctx): ReadinessSettings {
  assertActive(ctx.actor);
  return { requiredForWidening: isRequiredForWidening(ctx.store) };
}

/** Settings → Workspace (admins): make the checklist required before widening access to everyone. */
export function setReadinessRequired(ctx: Ctx, required: boolean): ReadinessSettings {
  assertAdmin(ctx.actor);
  ctx.store.tx(() => ctx.store.settings.set(REQUIRED_KEY, required));
  return readinessSettings(ctx);
}
