import type { Ctx } from '../../src/main/core/context';
import { addUser, setUserActive } from '../../src/main/core/users/users-service';
import { createPrompt, setApiSettings } from '../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../src/main/core/versions/versions-service';
import { addShare, setSharingLevel } from '../../src/main/core/sharing/sharing-service';
import { AddUserInput } from '../../src/shared/schemas/users';
import { CreatePromptInput, SaveVersionInput } from '../../src/shared/schemas/prompts';
import { SHARING_LEVELS, type Action, type SharingLevel } from '../../src/shared/schemas/sharing';
import type { User } from '../../src/shared/schemas/users';
import { ACTORS, MATRIX_ACTIONS, type Actor } from '../fixtures/permission-matrix';

export const promptFor = (level: SharingLevel, actor: Actor, action: Action) => `m-${level}-${actor}-${action}`.replace(/_/g, '-');

/**
 * Members for every actor and one prompt per (level, actor, action) cell, so that acting on
 * one cell (deleting, promoting) never changes another. Returns the members by actor.
 */
export function buildMatrixWorld(admin: Ctx): Record<Actor, User> {
  const add = (email: string, name: string) => addUser(admin, AddUserInput.parse({ email, name }));
  const users = {
    owner: add('olivia@example.com', 'Olivia Owner'),
    viewShare: add('vera@example.com', 'Vera Viewer'),
    runShare: add('rudy@example.com', 'Rudy Runner'),
    editShare: add('eddie@example.com', 'Eddie Editor'),
    otherMember: add('otto@example.com', 'Otto Other'),
    admin: admin.actor,
    deactivated: add('dora@example.com', 'Dora Deactivated'),
  } satisfies Record<Actor, User>;
  const owner: Ctx = { ...admin, actor: users.owner };
  for (const level of SHARING_LEVELS) {
    for (const actor of ACTORS) {
      for (const action of MATRIX_ACTIONS) {
        const name = promptFor(level, actor, action);
        createPrompt(owner, CreatePromptInput.parse({ name, title: name }));
        saveVersion(owner, SaveVersionInput.parse({ name, template: { kind: 'text', text: 'Hello {{who}}' } }));
        saveVersion(owner, SaveVersionInput.parse({ name, template: { kind: 'text', text: 'Hi {{who}}' } }));
        shareAsInMatrix(owner, name, level, users);
      }
    }
  }
  return users;
}

/**
 * Gives prompt `name` the matrix's setting for `level`: that sharing level, API access on, and
 * the view, run and edit shares of the share actors (the deactivated one holds edit).
 */
export function shareAsInMatrix(owner: Ctx, name: string, level: SharingLevel, users: Record<Actor, User>): void {
  setSharingLevel(owner, { name, level });
  setApiSettings(owner, { name, apiAccess: true });
  addShare(owner, { name, email: users.viewShare.email, permission: 'view' });
  addShare(owner, { name, email: users.runShare.email, permission: 'run' });
  addShare(owner, { name, email: users.editShare.email, permission: 'edit' });
  addShare(owner, { name, email: users.deactivated.email, permission: 'edit' });
}

/** Deactivates the deactivated actor (after keys were made for everyone). */
export function deactivate(admin: Ctx, users: Record<Actor, User>): void {
  users.deactivated = setUserActive(admin, users.deactivated.id, false);
}
