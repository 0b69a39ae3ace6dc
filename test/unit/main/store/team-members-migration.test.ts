import { describe, expect, it } from 'vitest';
import { openStore } from '../../../../src/main/store/open';
import { MIGRATIONS } from '../../../../src/main/store/migrations';
import { tempDbPath } from '../../../helpers/temp-db';

/** Every migration before 0270: a desktop folder as it was before replicated members were marked. */
const BEFORE_0270 = MIGRATIONS.filter((m) => m.version < 270);

/**
 * A folder with its owner `o`, a local member `l` (who saved a version on a team prompt, not yet
 * sent) and the team's rows a replica copied in: the joined member `m`, the team prompt's owner
 * `t`, the author of a synced version `a`, a share target `s` and a member kept apart as
 * `…@team.invalid` `x`.
 */
function folder(joined: boolean): string {
  const path = tempDbPath();
  const db = openStore(path, { migrations: BEFORE_0270 });
  const users = [['o', 'root@localhost'], ['l', 'local@example.com'], ['m', 'ada@example.com'], ['t', 'lead@example.com'], ['a', 'bob@example.com'], ['s', 'sue@example.com'], ['x', 'x@team.invalid']];
  for (const [id, email] of users) db.prepare("INSERT INTO users (id, email, name, role, created_at) VALUES (?, ?, ?, 'member', 'now')").run(id, email, id);
  db.prepare("INSERT INTO prompts (id, name, title, owner_id, latest_version, created_at, updated_at, team_id) VALUES ('p1', 'team', 'Team', 't', 2, 'now', 'now', 'team-1')").run();
  db.prepare("INSERT INTO prompts (id, name, title, owner_id, latest_version, created_at, updated_at) VALUES ('p2', 'mine', 'Mine', 'l', 1, 'now', 'now')").run();
  const version = db.prepare("INSERT INTO prompt_versions (id, prompt_id, number, template, author_id, created_at, sync_state) VALUES (?, ?, ?, '{}', ?, 'now', ?)");
  version.run('v1', 'p1', 1, 'a', 'synced');
  version.run('v2', 'p1', 2, 'l', 'pending');
  version.run('v3', 'p2', 1, 'l', null);
  db.prepare("INSERT INTO prompt_shares (prompt_id, user_id, permission, created_by, created_at) VALUES ('p1', 's', 'view', 't', 'now')").run();
  db.prepare("INSERT INTO settings (key, value) VALUES ('workspace.owner', '\"o\"')").run();
  if (joined) {
    db.prepare("INSERT INTO settings (key, value) VALUES ('sync.replica_team', '\"team-1\"'), ('sync.member_id', '\"m\"')").run();
  }
  db.close();
  return path;
}

const marks = (path: string) => {
  const db = openStore(path);
  try {
    return Object.fromEntries((db.prepare('SELECT id, team_id FROM users ORDER BY id').all() as { id: string; team_id: string | null }[]).map((r) => [r.id, r.team_id]));
  } finally {
    db.close();
  }
};

describe('0270 replicated members marked', () => {
  it('a joined folder marks the members its replica names, never its owner or a local member who saved on a team prompt', () => {
    expect(marks(folder(true))).toEqual({ a: 'team-1', l: null, m: 'team-1', o: null, s: 'team-1', t: 'team-1', x: 'team-1' });
  });

  it('a folder that never joined marks nobody', () => {
    expect(Object.values(marks(folder(false))).every((v) => v === null)).toBe(true);
  });
});
