/**
 * Open WebUI's own error texts, as its prompts router answers them (FastAPI `{"detail": "..."}`).
 * Its frontend (src/lib/apis/prompts/index.ts) throws `err.detail` and shows it, so these are
 * what an Open WebUI user reads.
 *
 * Sources (open-webui/open-webui): backend/open_webui/constants.py at 0476bc9ae69f45625619cc84892fcb9a8ab4722f
 * (ERROR_MESSAGES), backend/open_webui/routers/prompts.py (the per-route texts) and
 * backend/open_webui/utils/auth.py at 00d20f642d743f963fb44a86539e05660bdfd3f3 (the key check).
 */
export const OWUI_MESSAGES = {
  /** ERROR_MESSAGES.NOT_FOUND: an unknown (or hidden) prompt or history entry. */
  NOT_FOUND: "We could not find what you're looking for :/",
  /** ERROR_MESSAGES.ACCESS_PROHIBITED: the caller may not do this with a prompt it can see. */
  ACCESS_PROHIBITED: 'You do not have permission to access this resource. Please contact your administrator for assistance.',
  /** ERROR_MESSAGES.COMMAND_TAKEN: create with a command another prompt has. */
  COMMAND_TAKEN: 'Uh-oh! This command is already registered. Please choose another command string.',
  /** ERROR_MESSAGES.INVALID_TOKEN: an API key that is unknown, revoked or expired. */
  INVALID_TOKEN: 'Your session has expired or the token is invalid. Please sign in again.',
  /** ERROR_MESSAGES.DEFAULT(): the router's answer when a model call returns nothing. */
  DEFAULT: 'Something went wrong :/',
  /** utils/auth.py get_current_user without any credential. */
  NOT_AUTHENTICATED: 'Not authenticated',
  /** routers/prompts.py delete_prompt_history_entry. */
  PRODUCTION_VERSION: 'Cannot delete the active production version',
  /** Promptdesk's own: the entry is the version the API deployment is pinned to (not production). */
  PINNED_VERSION: 'Cannot delete the pinned version: unpin the API deployment first',
  /** routers/prompts.py get_prompt_diff. */
  DIFF_NOT_FOUND: 'One or both history entries not found',
  /** ERROR_MESSAGES.RATE_LIMIT_EXCEEDED: Open WebUI's 429 (its sign-in limiter); every 429 of this door, the reason beside it. */
  RATE_LIMIT_EXCEEDED: 'API rate limit exceeded',
  /** Starlette's answer for a path no route serves. */
  ROUTE_NOT_FOUND: 'Not Found',
  /** Starlette's answer for a served path asked with another method. */
  METHOD_NOT_ALLOWED: 'Method Not Allowed',
} as const;

/** routers/prompts.py update_prompt_by_id: the command belongs to another prompt. */
export const commandInUse = (command: string) => `Command '/${command}' is already in use by another prompt`;

/** routers/prompts.py update_prompt_metadata: the same refusal, worded as that route words it. */
export const commandInUseMeta = (command: string) => `Command '/${command}' is already in use`;

const OWN = new Set<string>(Object.values(OWUI_MESSAGES));
const COMMAND = /^Command '\/[^']*' is already in use( by another prompt)?$/;

/** Whether a message is already one of Open WebUI's texts (the door then answers it unchanged). */
export function isOpenWebUiMessage(message: string): boolean {
  return OWN.has(message) || COMMAND.test(message);
}
