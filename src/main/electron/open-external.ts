import { shell } from 'electron';
import { teamServerOrigin } from '../core/team/join-team';

/**
 * Opens a team server's sign-in page (`<origin>/team/authorize?…`, core/team/join-team.ts) in the
 * system browser: the only URL the app hands to `shell.openExternal`, and only after the same
 * address rule the join applies (https, or http on loopback), so no other scheme or page
 * (file:, a custom protocol, a javascript: URL) can reach the OS through it.
 *
 * @throws AppError `invalid_input` (field `serverUrl`) for any other URL
 */
export async function openTeamSignIn(url: string): Promise<void> {
  const origin = teamServerOrigin(url);
  const target = new URL(url);
  if (target.origin !== origin || target.pathname !== '/team/authorize') throw new Error('Only a team server’s sign-in page may be opened');
  await shell.openExternal(target.toString());
}
