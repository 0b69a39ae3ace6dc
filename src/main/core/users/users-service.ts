import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Ctx, Clock } from '../context';
import { AppError, conflict } from '../errors';
import type { AddUserInput, User } from '../../../shared/schemas/users';
import type { Store } from '../../store/store';

export function assertActive(actor: User): void {
  if (!actor.isActive) throw new AppError('unauthenticated', 'This member has been deactivated');
}

export function assertAdmin(actor: User): void {
  assertActive(actor);
  if (actor.role !== 'admin') throw new AppError('forbidden', 'Only an admin can do this');
}

function insertUser(store: Store, clock: Clock, input: z.output<typeof AddUserInput>): User {
  if (store.users.getByEmail(input.email)) throw conflict(`A member with email ${input.email} already exists`, 'email');
  const user: User = {
    id: randomUUID(),
    email: input.email,
    name: input.name,
    role: input.role,
    isActive: true,
    createdAt: clock.now().toISOString(),
  };
  store.users.insert(user);
  return user;
}

export function addUser(ctx: Ctx, input: z.output<typeof AddUserInput>): User {
  assertAdmin(ctx.actor);
  return ctx.store.tx(() => insertUser(ctx.store, ctx.clock, input));
}

export function listUsers(ctx: Ctx): User[] {
  assertActive(ctx.actor);
  return ctx.store.users.list();
}

/**
 * The workspace owner: on first start the workspace gets one admin (the OS user on a desktop).
 * Later starts return the first admin.
 */
export function ensureFirstAdmin(store: Store, clock: Clock, who: { name: string; email: string }): User {
  return store.tx(() => {
    const existing = store.users.list().find((u) => u.role === 'admin' && u.isActive);
    if (existing) return existing;
    return insertUser(store, clock, { ...who, role: 'admin' });
  });
}
