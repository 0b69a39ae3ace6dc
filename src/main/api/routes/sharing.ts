import { Hono } from 'hono';
import type { ApiEnv } from '../env';
import { parseWith, readJson } from '../body';
import { PromptNameSchema } from '../../../shared/schemas/prompts';
import { AddShareInput, RemoveShareInput, SetSharingLevelInput } from '../../../shared/schemas/sharing';
import { addShare, getSharing, removeShare, setSharingLevel } from '../../core/sharing/sharing-service';

/** `/api/v1/prompts/:name/sharing` and `/shares`: level and shares with named members. */
export const sharingRoutes = new Hono<ApiEnv>()
  .get('/:name/sharing', (c) => c.json(getSharing(c.get('ctx'), parseWith(PromptNameSchema, c.req.param('name')))))
  .put('/:name/sharing', async (c) => {
    const input = await readJson(c, SetSharingLevelInput, { name: c.req.param('name') });
    return c.json(setSharingLevel(c.get('ctx'), input));
  })
  .post('/:name/shares', async (c) => {
    const input = await readJson(c, AddShareInput, { name: c.req.param('name') });
    return c.json(addShare(c.get('ctx'), input), 201);
  })
  .delete('/:name/shares/:userId', (c) => {
    const input = parseWith(RemoveShareInput, { name: c.req.param('name'), userId: c.req.param('userId') });
    return c.json(removeShare(c.get('ctx'), input));
  });
