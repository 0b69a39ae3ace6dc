import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from '../env';
import { readJson } from '../body';
import { AddUserInput, CreateKeyInput } from '../../../shared/schemas/users';
import { addUser, listUsers, setUserActive } from '../../core/users/users-service';
import { createKey, listKeys, revokeKey } from '../../core/keys/keys-service';

/** `/api/v1/members`: the workspace's people (changes need an admin and the admin scope). */
export const membersRoutes = new Hono<ApiEnv>()
  .get('/', (c) => c.json({ items: listUsers(c.get('ctx')) }))
  .post('/', async (c) => c.json(addUser(c.get('ctx'), await readJson(c, AddUserInput)), 201))
  .patch('/:id', async (c) => {
    const { isActive } = await readJson(c, z.object({ isActive: z.boolean() }));
    return c.json(setUserActive(c.get('ctx'), c.req.param('id'), isActive));
  });

/** `/api/v1/keys`: your keys (an admin sees and manages everyone's). */
export const keysRoutes = new Hono<ApiEnv>()
  .get('/', (c) => c.json({ items: listKeys(c.get('ctx')) }))
  .post('/', async (c) => {
    const ctx = c.get('ctx');
    const input = await readJson(c, CreateKeyInput.extend({ userEmail: CreateKeyInput.shape.userEmail.optional() }));
    return c.json(createKey(ctx, { ...input, userEmail: input.userEmail ?? ctx.actor.email }), 201);
  })
  .delete('/:id', (c) => c.json(revokeKey(c.get('ctx'), c.req.param('id'))));
