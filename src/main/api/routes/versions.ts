import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from '../env';
import { parseWith, readJson, versionParam, versionQuery } from '../body';
import { PromptNameSchema, SaveVersionInput, UpdateVersionInput } from '../../../shared/schemas/prompts';
import { PinInput, PromoteInput, PromotionsInput, VersionNumberSchema } from '../../../shared/schemas/versions';
import { getVersion, listVersions, saveVersion } from '../../core/versions/versions-service';
import {
  commitVersion,
  deleteVersion,
  getDeployment,
  listPromotions,
  pinDeployment,
  promoteVersion,
  unarchiveVersion,
  updateVersion,
} from '../../core/versions/lifecycle';
import { compareVersions } from '../../core/versions/compare';
import { invalid } from '../../core/errors';
import { jsonWithETag } from '../etag';

const promptName = (name: string | undefined) => parseWith(PromptNameSchema, name);

/** `/api/v1/prompts/:name/...`: versions, promotion, history, compare and the API deployment. */
export const versionsRoutes = new Hono<ApiEnv>()
  .get('/:name/versions', (c) => jsonWithETag(c, { items: listVersions(c.get('ctx'), promptName(c.req.param('name'))) }))
  .post('/:name/versions', async (c) => {
    const input = await readJson(c, SaveVersionInput, { name: c.req.param('name') });
    return c.json(saveVersion(c.get('ctx'), input), 201);
  })
  .get('/:name/versions/:number', (c) => jsonWithETag(c, getVersion(c.get('ctx'), promptName(c.req.param('name')), versionParam(c))))
  .patch('/:name/versions/:number', async (c) => {
    const input = await readJson(c, UpdateVersionInput, { name: c.req.param('name'), number: versionParam(c) });
    return c.json(updateVersion(c.get('ctx'), input));
  })
  .delete('/:name/versions/:number', (c) => {
    deleteVersion(c.get('ctx'), promptName(c.req.param('name')), versionParam(c));
    return c.body(null, 204);
  })
  .post('/:name/versions/:number/commit', (c) =>
    c.json(commitVersion(c.get('ctx'), promptName(c.req.param('name')), versionParam(c))),
  )
  .post('/:name/versions/:number/promote', async (c) => {
    const input = await readJson(c, PromoteInput, { name: c.req.param('name'), number: versionParam(c) });
    return c.json(promoteVersion(c.get('ctx'), input));
  })
  .post('/:name/versions/:number/unarchive', (c) =>
    c.json(unarchiveVersion(c.get('ctx'), promptName(c.req.param('name')), versionParam(c))),
  )
  .get('/:name/compare', (c) => {
    const from = versionQuery(c, 'from');
    const to = versionQuery(c, 'to');
    if (from === undefined) throw invalid('Give the older version as ?from=N', 'from');
    if (to === undefined) throw invalid('Give the newer version as ?to=N', 'to');
    return c.json(compareVersions(c.get('ctx'), promptName(c.req.param('name')), from, to));
  })
  .get('/:name/promotions', (c) => {
    const input = parseWith(PromotionsInput, {
      name: c.req.param('name'),
      userId: c.req.query('user'),
      from: c.req.query('from'),
      to: c.req.query('to'),
    });
    return c.json({ items: listPromotions(c.get('ctx'), input) });
  })
  .get('/:name/deployment', (c) => c.json(getDeployment(c.get('ctx'), promptName(c.req.param('name')))))
  .put('/:name/deployment', async (c) => {
    const body = await readJson(c, z.object({ pinnedVersion: VersionNumberSchema.nullable() }));
    const input = parseWith(PinInput, { name: c.req.param('name'), version: body.pinnedVersion });
    return c.json(pinDeployment(c.get('ctx'), input.name, input.version));
  });
