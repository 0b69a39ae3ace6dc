import { z } from 'zod';

/**
 * The change stream's typed contract (issue 13): one event per committed change, in commit order.
 *
 * Every event carries `seq`, a sequence number persisted in the `changes` table: strictly
 * increasing across restarts and across processes writing the same data folder (the CLI, a second
 * window), never reused. Resuming from `since = n` delivers every event with `seq > n` the member
 * may see, exactly once. A `since` older than the retained window (or newer than the stream, e.g.
 * another data folder) is answered with one `reset` event: refetch everything, then continue from
 * its `seq`.
 *
 * Prompt events name the prompt (`prompt.id`, `prompt.name`): they reach only members who may
 * see that prompt when the event is delivered (the same rule as every read, see
 * core/sharing/access.ts). A prompt that became hidden to a member is announced to them as
 * `access.changed` with no prompt at all (refetch your list), never by name.
 */
export const CHANGE_KINDS = [
  /** A prompt was created. */
  'prompt.created',
  /** Its title, description, tags, name, slash command, data logging or door extras changed (`fields`). */
  'prompt.updated',
  /** The prompt was deleted (its name may be reused later). */
  'prompt.deleted',
  /** A version was created (`version`). */
  'version.saved',
  /** A version's text, settings or status changed (`version`, `fields`). */
  'version.updated',
  /** A version was promoted (`version`, `previousVersion`). */
  'version.promoted',
  /** The version served by default was pinned or unpinned (`version` = the pin, null when unpinned). */
  'deployment.pinned',
  /** Sharing level, a member's share, API access or the owner changed (`fields`). */
  'sharing.changed',
  /** A run was logged (`runId`); reaches the runner and members who may read the prompt. */
  'run.logged',
  /** A logged run was rated (`runId`). */
  'run.rated',
  /** A saved test case changed (`fields` = its name). */
  'testcase.changed',
  /** A readiness item was ticked or unticked. */
  'readiness.changed',
  /** Something that decides what you may see changed on a prompt you can no longer see: refetch your list. No prompt. */
  'access.changed',
  /** A member was added or changed (admins and the member themself). */
  'member.changed',
  /** An API key was created or revoked (its owner and admins). */
  'key.changed',
  /** A model integration changed (admins). */
  'integration.changed',
  /** Resume point lost (older than retention, or not from this stream): refetch everything, continue from `seq`. */
  'reset',
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** The prompt an event is about: its id (stable) and name at the time of delivery (or deletion). */
export const ChangePromptSchema = z.object({ id: z.string(), name: z.string() });
export type ChangePrompt = z.infer<typeof ChangePromptSchema>;

/** One delivered event. Fields other than `seq`, `kind` and `at` are present when the kind says so. */
export const ChangeEventSchema = z.object({
  /** Strictly increasing, persisted; the SSE `id:`. */
  seq: z.number().int().min(0),
  kind: z.enum(CHANGE_KINDS),
  /** When the change was committed (ISO 8601, UTC). */
  at: z.string(),
  /** Absent on `access.changed`, `reset` and workspace events (members, keys, integrations). */
  prompt: ChangePromptSchema.optional(),
  /** The version number concerned (version.*, run.*; deployment.pinned: the pin, null when unpinned). */
  version: z.number().int().nullable().optional(),
  /** version.promoted: the version published before; deployment.pinned: the previous pin. */
  previousVersion: z.number().int().nullable().optional(),
  /** run.*: the log row's id. */
  runId: z.string().optional(),
  /** What changed: column-level names (e.g. ["title", "tags"], ["sharing_level"], ["status"]). */
  fields: z.array(z.string()).optional(),
});
export type ChangeEvent = z.infer<typeof ChangeEventSchema>;

/** `GET /api/v1/changes?since=N`: resume after N (the `Last-Event-ID` header wins when both are sent). */
export const ChangesQuerySchema = z.object({
  since: z.coerce.number().int().min(0, 'since is a sequence number (0 or more)').optional(),
});
