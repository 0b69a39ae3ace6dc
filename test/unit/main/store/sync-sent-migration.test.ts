import { describe, expect, it } from 'vitest';
import { openStore } from '../../../../src/main/store/open';
import { MIGRATIONS } from '../../../../src/main/store/migrations';
import { tempDbPath } from '../../../helpers/temp-db';

/** Every migration before 0290: a team server's folder as it was before the sent prompts were recorded. */
const BEFORE_0290 = MIGRATIONS.filter((m) => m.version < 290);

function folder(servedPulls: boolean): string {
  const path = tempDbPath();
  const before = openStore(path, { migrations: BEFORE_0290 });
  before.prepare("INSERT INTO users (id, email, name, role, created_at) VALUES ('u1', 'a@b.c', 'A', 'admin', 'now'), ('u2', 'b@b.c', 'B', 'member', 'now')").run();
  before.prepare("INSERT INTO prompts (id, name, title, owner_id, latest_version, created_at, updated_at) VALUES ('p1', 'kept', 'Kept', 'u1', 1, 'now', 'now')").run();
  before.prepare("INSERT INTO sync_tombstones (prompt_id, sync_seq) VALUES ('gone', 99)").run();
  before.prepare("INSERT INTO sync_ops (id, user_id, kind, result, applied_at) VALUES ('op1', 'u2', 'run.log', '{}', 'now')").run();
  if (servedPulls) before.prepare("INSERT INTO settings (key, value) VALUES ('sync.team_id', '\"t1\"')").run();
  before.close();
  return path;
}

describe('0290 prompts sent to each member', () => {
  it('a folder that served pulls counts every member as sent every prompt and tombstone (their replicas may hold any)', () => {
    const after = openStore(folder(true));
    expect(after.prepare('SELECT user_id, prompt_id, removed_seq FROM sync_sent ORDER BY user_id, prompt_id').all()).toEqual([
      { user_id: 'u1', prompt_id: 'gone', removed_seq: null },
      { user_id: 'u1', prompt_id: 'p1', removed_seq: null },
      { user_id: 'u2', prompt_id: 'gone', removed_seq: null },
      { user_id: 'u2', prompt_id: 'p1', removed_seq: null },
    ]);
    // Ops applied before keep answering their stored result (no hash to compare with).
    expect(after.prepare('SELECT content_hash FROM sync_ops').pluck().all()).toEqual([null]);
    after.close();
  });

  it('a folder that never served a pull starts with none (a member is told only of prompts it was sent from now on)', () => {
    const after = openStore(folder(false));
    expect(after.prepare('SELECT count(*) FROM sync_sent').pluck().get()).toBe(0);
    after.close();
  });
});
