import { Hono } from 'hono';
import type { ApiEnv } from '../env';
import { askedVersion, intQuery, parseWith, readJson, versionQuery } from '../body';
import { CreatePromptInput, ListPromptsInput, PromptNameSchema, RenderInput, SetApiSettingsInput, UpdatePromptInput } from '../../../shared/schemas/prompts';
import { createPrompt, deletePrompt, getPrompt, listPrompts, setApiSettings, updatePrompt } from '../../core/prompts/prompts-service';
import { shownVersion } from '../../core/versions/versions-service';
import { renderPrompt } from '../../core/render/render-service';
import { jsonWithETag } from '../etag';

export const promptsRoutes = new Hono<ApiEnv>()
  .get('/', (c) => {
    const input = parseWith(ListPromptsInput, {
      query: c.req.query('query') ?? c.req.query('q'),
      tag: c.req.query('tag'),
      ownerId: c.req.query('owner'),
      sort: c.req.query('sort'),
      limit: intQuery(c, 'limit'),
      offset: intQuery(c, 'offset'),
    });
    const { items, total } = listPrompts(c.get('ctx'), input);
    return jsonWithETag(c, { items, total, limit: input.limit, offset: input.offset });
  })
  .post('/', async (c) => {
    const input = await readJson(c, CreatePromptInput);
    return c.json(createPrompt(c.get('ctx'), input), 201);
  })
  .patch('/:name', async (c) => {
    const input = await readJson(c, UpdatePromptInput, { name: c.req.param('name') });
    return c.json(updatePrompt(c.get('ctx'), input));
  })
  .put('/:name/api', async (c) => {
    const input = await readJson(c, SetApiSettingsInput, { name: c.req.param('name') });
    return c.json(setApiSettings(c.get('ctx'), input));
  })
  .get('/:name', (c) => {
    const ctx = c.get('ctx');
    const name = parseWith(PromptNameSchema, c.req.param('name'));
    const { latest: _latest, ...prompt } = getPrompt(ctx, name);
    const version = shownVersion(ctx, name, versionQuery(c, 'version'));
    return jsonWithETag(c, { ...prompt, version });
  })
  .delete('/:name', (c) => {
    deletePrompt(c.get('ctx'), parseWith(PromptNameSchema, c.req.param('name')));
    return c.body(null, 204);
  })
  .post('/:name/render', async (c) => {
    const input = await readJson(c, RenderInput, { name: c.req.param('name') });
    return jsonWithETag(c, renderPrompt(c.get('ctx'), { ...input, version: askedVersion(c, input.version) }));
  });
