import { z } from 'zod';
import { route } from '../route';
import { AddUserInput, CreateKeyInput } from '../../../shared/schemas/users';
import { addUser, listUsers, setUserActive } from '../../core/users/users-service';
import { createKey, listKeys, revokeKey } from '../../core/keys/keys-service';
import { ERRORS, WRITE_ERRORS } from './responses';

/** `/api/v1/members`: the workspace's people (changes need an admin and the admin scope). */
export const MEMBERS_ROUTES = [
  route({
    method: 'get',
    path: '/api/v1/members',
    summary: 'Workspace members',
    tag: 'members',
    scopes: ['read'],
    responses: { 200: '{ items }', ...ERRORS },
    handler: (c) => c.json({ items: listUsers(c.get('ctx')) }),
  }),
  route({
    method: 'post',
    path: '/api/v1/members',
    summary: 'Add a member (admin)',
    tag: 'members',
    scopes: ['admin'],
    body: AddUserInput,
    responses: { 201: 'The member', ...WRITE_ERRORS },
    handler: async (c, { body }) => c.json(addUser(c.get('ctx'), await body()), 201),
  }),
  route({
    method: 'patch',
    path: '/api/v1/members/{id}',
    summary: 'Deactivate or reactivate a member (admin)',
    tag: 'members',
    scopes: ['admin'],
    body: z.object({ isActive: z.boolean() }),
    responses: { 200: 'The member', ...WRITE_ERRORS },
    handler: async (c, { body }) => {
      const { isActive } = await body();
      return c.json(setUserActive(c.get('ctx'), c.req.param('id')!, isActive));
    },
  }),
];

/** `/api/v1/keys`: your keys (an admin sees and manages everyone's). */
export const KEYS_ROUTES = [
  route({
    method: 'get',
    path: '/api/v1/keys',
    summary: 'Your API keys (admins: all)',
    tag: 'keys',
    scopes: ['read'],
    responses: { 200: '{ items }', ...ERRORS },
    handler: (c) => c.json({ items: listKeys(c.get('ctx')) }),
  }),
  route({
    method: 'post',
    path: '/api/v1/keys',
    summary: 'Create a key; the plain key is in this answer only',
    tag: 'keys',
    scopes: ['admin'],
    // The calling key's member when left out.
    body: CreateKeyInput.partial({ userEmail: true }),
    responses: { 201: '{ key, info }', ...WRITE_ERRORS },
    handler: async (c, { body }) => {
      const ctx = c.get('ctx');
      const input = await body();
      return c.json(createKey(ctx, { ...input, userEmail: input.userEmail ?? ctx.actor.email }), 201);
    },
  }),
  route({
    method: 'delete',
    path: '/api/v1/keys/{id}',
    summary: 'Revoke a key (effective on its next request)',
    tag: 'keys',
    scopes: ['admin'],
    responses: { 200: 'The key', ...WRITE_ERRORS },
    handler: (c) => c.json(revokeKey(c.get('ctx'), c.req.param('id')!)),
  }),
];
