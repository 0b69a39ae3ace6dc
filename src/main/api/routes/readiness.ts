import { Hono } from 'hono';
import type { ApiEnv } from '../env';
import { parseWith } from '../body';
import { PromptNameSchema } from '../../../shared/schemas/prompts';
import { getReadiness } from '../../core/readiness/readiness-service';

/** `GET /api/v1/prompts/:name/readiness`: the deployment readiness checklist (as reading the prompt). */
export const readinessRoutes = new Hono<ApiEnv>().get('/:name/readiness', (c) =>
  c.json(getReadiness(c.get('ctx'), parseWith(PromptNameSchema, c.req.param('name')))),
);
