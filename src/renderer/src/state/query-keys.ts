/**
 * Every query key the renderer uses, from one factory, so a screen's query and the
 * invalidations that refresh it (mutations, state/live-refresh.ts) cannot drift apart.
 *
 * Keys are hierarchical: invalidating a prefix invalidates everything under it.
 * - `['prompts', ...]`: lists of prompts (Library pages, the Chat launcher).
 * - `['prompt', name, ...]`: everything about one prompt (versions, one version, a comparison,
 *   promotion history, ...), so a change to that prompt refreshes only its own queries.
 * - `['logs', ...]`: runs by scope (`['logs', 'runs', prompt or '*', ...]`: a run of a prompt
 *   refetches that prompt's Logs tab and the global screen only), one run, retention settings.
 * - `['members', ...]`: the workspace's members and what each may access; `['keys']`: API keys;
 *   `['integrations']`: the model integrations the member may use.
 *
 * Pure data (no API calls) so the event -> keys mapping is unit-tested under Node.
 */

export interface LibraryFilter {
  query: string;
  tag: string;
  ownerId: string;
  sort: string;
  offset: number;
}

export interface PromotionFilter {
  userId: string;
  from: string;
  to: string;
}

/** The parts of one prompt's page that are queries: what an event about the prompt may touch. */
export type PromptPart = 'detail' | 'versions' | 'version' | 'compare' | 'history' | 'sharing' | 'served' | 'readiness' | 'runnable' | 'refine' | 'testcases';

export const queryKeys = {
  /** Every query: after `reset` (the data folder changed under us) or an access change. */
  all: [] as const,
  /** Every list of prompts. */
  prompts: ['prompts'] as const,
  libraryPages: ['prompts', 'library'] as const,
  library: (filter: LibraryFilter) => ['prompts', 'library', filter] as const,
  launcherLists: ['prompts', 'runnable'] as const,
  launcher: (query: string) => ['prompts', 'runnable', query] as const,
  /** Everything about one prompt. */
  prompt: (name: string) => ['prompt', name] as const,
  /** One part of a prompt's page, every variant (each opened version, each pair compared, each filter). */
  part: (name: string, part: PromptPart) => ['prompt', name, part] as const,
  /** The prompt itself (the page header's facts; the editor's draft starts from it and follows it). */
  promptDetail: (name: string) => ['prompt', name, 'detail'] as const,
  /** The versions list with the API deployment (the Versions tab's table and summary). */
  versions: (name: string) => ['prompt', name, 'versions'] as const,
  version: (name: string, number: number) => ['prompt', name, 'version', number] as const,
  comparison: (name: string, from: number, to: number) => ['prompt', name, 'compare', from, to] as const,
  history: (name: string, filter: PromotionFilter) => ['prompt', name, 'history', filter] as const,
  /** What the API serves (the deployment and that version), for the API tab. */
  served: (name: string) => ['prompt', name, 'served'] as const,
  /** Its sharing level, owner and shares, with what the member may do (`allowed`). */
  sharing: (name: string) => ['prompt', name, 'sharing'] as const,
  /** What running it needs (variables, models, the version chat serves): the test panel and chat. */
  runnable: (name: string) => ['prompt', name, 'runnable'] as const,
  /** What Refine needs (reviser models, whether the member may save). */
  refinePrep: (name: string) => ['prompt', name, 'refine'] as const,
  /** Its saved test cases (its editors'). */
  testCases: (name: string) => ['prompt', name, 'testcases'] as const,
  /** Its readiness checklist (for the version chat serves). */
  readiness: (name: string) => ['prompt', name, 'readiness'] as const,
  /** Whether the checklist is required before access is widened (Settings). */
  readinessSettings: ['readiness-settings'] as const,
  /** Members matching a "Share with" search. */
  userSearch: (text: string) => ['users', 'search', text] as const,
  integrations: ['integrations'] as const,
  /** Everything about logged runs (after a purge). */
  logs: ['logs'] as const,
  /** The runs and counts shown for a scope: a prompt's Logs tab, or null for the global screen ('*'). */
  logScope: (scope: string | null) => ['logs', 'runs', scope ?? '*'] as const,
  logRuns: (scope: string | null, filter: object) => ['logs', 'runs', scope ?? '*', 'list', filter] as const,
  logStats: (scope: string | null, filter: object) => ['logs', 'runs', scope ?? '*', 'stats', filter] as const,
  /** The same counts, waited for exactly (asked when the first answer was an estimate). */
  logStatsExact: (scope: string | null, filter: object) => ['logs', 'runs', scope ?? '*', 'stats', filter, 'exact'] as const,
  logRun: (id: string) => ['logs', 'run', id] as const,
  logSettings: ['logs', 'settings'] as const,
  /** Members and their access lists. */
  members: ['members'] as const,
  memberList: ['members', 'list'] as const,
  /** Every member's access list (they move with any sharing change). */
  accessLists: ['members', 'access'] as const,
  memberAccess: (userId: string) => ['members', 'access', userId] as const,
  keys: ['keys'] as const,
};
