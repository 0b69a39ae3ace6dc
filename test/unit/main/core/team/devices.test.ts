import { afterEach, describe, expect, it } from 'vitest';
import { member, testWorkspace } from '../../../../helpers/workspace';
import { authenticateDevice, issueDeviceToken, listDevices, requireDevice, revokeDevice } from '../../../../../src/main/core/team/devices';
import { setUserActive } from '../../../../../src/main/core/users/users-service';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function world() {
  const t = testWorkspace();
  cleanups.push(t.cleanup);
  const ada = member(t.owner, 'ada@example.com');
  const bob = member(t.owner, 'bob@example.com');
  return { ...t, ada, bob };
}

describe('device tokens', () => {
  it('a token issued for a member authenticates as that member and device; only its hash is stored', () => {
    const { workspace, ada } = world();
    const { token, device } = issueDeviceToken(workspace.store, workspace.clock, ada.actor.id, '  Ada laptop ');
    expect(token).toMatch(/^pdd_[A-Za-z0-9_-]{43}$/);
    expect(device.name).toBe('Ada laptop');
    const found = authenticateDevice(workspace, token);
    expect(found?.member.id).toBe(ada.actor.id);
    expect(found?.deviceId).toBe(device.id);
    expect(found?.ctx.actor.id).toBe(ada.actor.id);
    const stored = workspace.store.db.prepare('SELECT * FROM devices').all() as Record<string, unknown>[];
    expect(JSON.stringify(stored)).not.toContain(token.slice(4));
    expect(listDevices(ada)[0]?.lastSeenAt).not.toBeNull();
  });

  it.each(['', 'pdd_', 'pd_abc', `pdd_${'A'.repeat(43)}`, `pdd_${'A'.repeat(44)}`, 'Bearer x'])('refuses %j', (token) => {
    const { workspace } = world();
    expect(authenticateDevice(workspace, token)).toBeNull();
    expect(() => requireDevice(workspace, token)).toThrow(/not signed in/);
  });

  it('a revoked token is refused at once, by its member or by an admin; another member cannot revoke it', () => {
    const { workspace, owner, ada, bob } = world();
    const one = issueDeviceToken(workspace.store, workspace.clock, ada.actor.id, 'one');
    const two = issueDeviceToken(workspace.store, workspace.clock, ada.actor.id, 'two');
    expect(() => revokeDevice(bob, one.device.id)).toThrow(/Device not found/);
    expect(authenticateDevice(workspace, one.token)).not.toBeNull();
    revokeDevice(ada, one.device.id);
    expect(authenticateDevice(workspace, one.token)).toBeNull();
    revokeDevice(owner, two.device.id);
    expect(authenticateDevice(workspace, two.token)).toBeNull();
    expect(listDevices(ada)).toEqual([]);
    expect(() => revokeDevice(ada, one.device.id)).toThrow(/Device not found/);
  });

  it('a deactivated member’s devices stop working, and stay revoked after reactivation', () => {
    const { workspace, owner, ada } = world();
    const { token } = issueDeviceToken(workspace.store, workspace.clock, ada.actor.id, 'laptop');
    setUserActive(owner, ada.actor.id, false);
    expect(authenticateDevice(workspace, token)).toBeNull();
    setUserActive(owner, ada.actor.id, true);
    expect(authenticateDevice(workspace, token)).toBeNull();
  });

  it('a member lists only their own devices; an admin anyone’s', () => {
    const { workspace, owner, ada, bob } = world();
    issueDeviceToken(workspace.store, workspace.clock, ada.actor.id, 'laptop');
    expect(listDevices(ada).map((d) => d.name)).toEqual(['laptop']);
    expect(listDevices(owner, ada.actor.id)).toHaveLength(1);
    expect(() => listDevices(bob, ada.actor.id)).toThrow(/not found/);
  });
});
