import { openWorkspace } from '../../src/main/core/workspace';
import { TEAM_LINK_SETTING } from '../../src/main/core/team/join-team';

/**
 * What "Join a team workspace" leaves in a desktop's folder (the link, its credential sealed with
 * the folder's secret box), written directly so a spec about what comes after joining skips the
 * browser sign-in; team-journey.spec.ts covers the join itself.
 */
export function linkDesktopFolder(deskDir: string, serverUrl: string, member: { id: string; email: string }, credential: string): void {
  const local = openWorkspace(deskDir);
  try {
    local.store.settings.set(TEAM_LINK_SETTING, {
      serverUrl,
      team: { name: 'Team' },
      member,
      sealedToken: local.runtime.secrets.encrypt(credential).toString('base64'),
      joinedAt: new Date().toISOString(),
    });
  } finally {
    local.close();
  }
}
