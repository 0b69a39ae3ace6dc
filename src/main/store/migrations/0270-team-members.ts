import type { Migration } from './types';

/**
 * `users.team_id`: the team server a member row was replicated from (written by each pull,
 * core/sync/replica-apply.ts), NULL for the folder's own members. A desktop refuses changes to a
 * replicated member (core/users/team-members.ts): "Change members on the team server" (attack
 * 14b N3), while its own members stay its to change.
 *
 * A folder that joined before this migration (`sync.replica_team` set) cannot tell every
 * replicated row from its own: it marks the members its replica names (the joined member, the
 * owners, the authors and promoters of what the server sent and share targets of team prompts, and rows whose email was kept
 * apart as `…@team.invalid`). Any other team member is marked by the next pull that sends them.
 */
export const teamMembers: Migration = {
  version: 270,
  name: 'team-members',
  sql: `
    ALTER TABLE users ADD COLUMN team_id TEXT;
    UPDATE users SET team_id = (SELECT json_extract(value, '$') FROM settings WHERE key = 'sync.replica_team')
    WHERE (SELECT json_extract(value, '$') FROM settings WHERE key = 'sync.replica_team') IS NOT NULL
      AND id IS NOT coalesce((SELECT json_extract(value, '$') FROM settings WHERE key = 'workspace.owner'), '')
      AND (
        id = (SELECT json_extract(value, '$') FROM settings WHERE key = 'sync.member_id')
        OR email LIKE '%@team.invalid'
        OR id IN (SELECT owner_id FROM prompts WHERE team_id IS NOT NULL)
        OR id IN (SELECT v.author_id FROM prompt_versions v JOIN prompts p ON p.id = v.prompt_id WHERE p.team_id IS NOT NULL AND v.sync_state = 'synced')
        OR id IN (SELECT m.promoted_by FROM promotions m JOIN prompts p ON p.id = m.prompt_id WHERE p.team_id IS NOT NULL AND m.sync_state = 'synced')
        OR id IN (SELECT s.user_id FROM prompt_shares s JOIN prompts p ON p.id = s.prompt_id WHERE p.team_id IS NOT NULL)
      );
  `,
};
