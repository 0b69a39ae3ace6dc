import { afterEach, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../../../../src/main/core/workspace';
import { OWNER_SETTING } from '../../../../../src/main/core/users/users-service';
import { syncReplicaRepo } from '../../../../../src/main/store/repos/sync-replica-repo';
import { tempDir } from '../../../../helpers/workspace';

// Attack 14b N1: after a restart a joined desktop acted as whichever team admin sorted first by
// name (the sync copies the team's members in), so the printed link, the CLI and the sync engine
// all ran as that admin.
describe('the folder owner survives the team members a replica copies in', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));

  const teamAdmin = (id: string, name: string) => ({ id, email: `${id}@team.example`, name, role: 'admin' as const, isActive: true, createdAt: '2020-01-01T00:00:00.000Z' });

  it('reopening keeps the recorded owner, whatever the copied admins are called or when they were made', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const first = openWorkspace(dir);
    const ownerId = first.owner.id;
    expect(first.store.settings.get(OWNER_SETTING)).toBe(ownerId);
    const replica = syncReplicaRepo(first.store.db);
    first.store.tx(() => {
      for (const [id, name] of [['t-al', 'al'], ['t-aaron', 'Aaron'], ['t-0', '0 first']] as const) replica.upsertUser(teamAdmin(id, name), 'team-1');
    });
    first.close();
    const again = openWorkspace(dir);
    try {
      expect(again.owner.id).toBe(ownerId);
    } finally {
      again.close();
    }
  });

  it('a folder from before the record takes its first-inserted admin, not the first by name, and records it', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const first = openWorkspace(dir);
    const ownerId = first.owner.id;
    syncReplicaRepo(first.store.db).upsertUser(teamAdmin('t-al', 'al'), 'team-1');
    first.store.db.prepare('DELETE FROM settings WHERE key = ?').run(OWNER_SETTING);
    expect(first.store.settings.get(OWNER_SETTING)).toBeUndefined();
    first.close();
    const again = openWorkspace(dir);
    try {
      expect(again.owner.id).toBe(ownerId);
      expect(again.store.settings.get(OWNER_SETTING)).toBe(ownerId);
    } finally {
      again.close();
    }
  });
});
