import { z } from 'zod';
import { PromptNameSchema } from './prompts';
import type { DataLoggingLevel } from './runs';
import type { SharingLevel } from './sharing';

const LEVEL_RANK: Record<SharingLevel, number> = { private: 0, chat_only: 1, library_view: 2, library_edit: 3 };

/**
 * Whether going from `from` to `to` widens access to everyone (seed 000: Private, then Chat only,
 * Library View, Library Edit each give everyone more). The core refuses it with open items when an
 * admin requires the checklist; the Sharing tab asks for confirmation listing them.
 *
 * @example widensAccess('private', 'chat_only') // true
 */
export const widensAccess = (from: SharingLevel, to: SharingLevel): boolean => LEVEL_RANK[to] > LEVEL_RANK[from];

/**
 * The deployment readiness checklist (seed 000 "Checklist before org-wide deployment"), in the
 * seed's order. Computed in src/main/core/readiness; thresholds are in thresholds.ts there.
 */
export const READINESS_ITEMS = ['tested', 'edge_cases', 'clear_naming', 'display_message', 'data_logging', 'access_levels', 'useful_ratings'] as const;
export type ReadinessItemId = (typeof READINESS_ITEMS)[number];

/** The items a member confirms by hand (who and when are recorded; promoting a version clears them). */
export const READINESS_TICK_ITEMS = ['edge_cases', 'clear_naming', 'access_levels'] as const;
export type ReadinessTickItem = (typeof READINESS_TICK_ITEMS)[number];

export const READINESS_STATUSES = ['pass', 'open', 'not_applicable'] as const;
export type ReadinessStatus = (typeof READINESS_STATUSES)[number];

export const READINESS_TITLES: Record<ReadinessItemId, string> = {
  tested: 'Tested with realistic variable inputs',
  edge_cases: 'Edge cases handled (short input, long input, missing fields)',
  clear_naming: 'Name and description are clear to someone who did not build it',
  display_message: 'Display message set if the full user message is long',
  data_logging: 'Data logging configured appropriately for the sensitivity of the data',
  access_levels: 'Chat and library access levels set correctly',
  useful_ratings: 'At least two people have run it and confirmed the output is useful',
};

/** Where to fix an item: a tab of the prompt page (and the field there), or the Chat screen. */
export interface ReadinessFix {
  screen: 'prompt' | 'chat';
  /** The prompt page's tab (`editor`, `sharing`, `logs`…); null for the Chat screen. */
  tab: 'editor' | 'versions' | 'sharing' | 'logs' | 'readiness' | null;
  /** The control to go to on that tab, e.g. `displayMessage`, `testCases`, `dataLogging`. */
  field: string | null;
  label: string;
}

export interface ReadinessPerson {
  id: string;
  name: string;
  /** ISO date-time. */
  at: string;
}

export interface ReadinessTick extends ReadinessPerson {
  /** The version served when it was ticked. */
  version: number | null;
}

export type ReadinessEvidence = Record<string, string | number | boolean | null | string[] | ReadinessPerson[]>;

export interface ReadinessItem {
  id: ReadinessItemId;
  title: string;
  status: ReadinessStatus;
  /** One sentence: why this status, with the numbers. */
  summary: string;
  /** The numbers and names behind the status (thresholds included), for scripts and the panel. */
  evidence: ReadinessEvidence;
  fix: ReadinessFix;
  /** Whether this item takes a manual tick, the tick if there is one, and whether the caller may tick it. */
  tickable: boolean;
  tick: ReadinessTick | null;
  canTick: boolean;
}

export interface Readiness {
  prompt: string;
  /** The version checked: the one chat and the library serve (published, else the newest); null when none is saved. */
  version: number | null;
  items: ReadinessItem[];
  /** Items still open (not passed and not "not applicable"). */
  open: ReadinessItemId[];
  ready: boolean;
  /** Settings → Workspace: widening access to everyone is refused while items are open. */
  requiredForWidening: boolean;
  sharingLevel: SharingLevel;
  dataLogging: DataLoggingLevel;
}

export const ReadinessTickInput = z.object({
  name: PromptNameSchema,
  item: z.enum(READINESS_TICK_ITEMS, { message: `Only ${READINESS_TICK_ITEMS.join(', ')} take a manual tick` }),
  /** false removes the tick. */
  ticked: z.boolean(),
});

export const ReadinessRequiredInput = z.object({ required: z.boolean() });

export interface ReadinessSettings {
  requiredForWidening: boolean;
}
