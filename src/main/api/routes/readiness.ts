import { route } from '../route';
import { parseWith } from '../body';
import { PromptNameSchema } from '../../../shared/schemas/prompts';
import { getReadiness } from '../../core/readiness/readiness-service';
import { ERRORS } from './responses';

/** `GET /api/v1/prompts/{name}/readiness`: the deployment readiness checklist (as reading the prompt). */
export const READINESS_ROUTES = [
  route({
    method: 'get',
    path: '/api/v1/prompts/{name}/readiness',
    summary:
      'Deployment readiness checklist for the version chat and the library serve: seven items, each pass | open | not_applicable with evidence, manual ticks (who, when) and where to fix it',
    tag: 'prompts',
    scopes: ['read'],
    responses: { 200: '{ prompt, version, items, open, ready, requiredForWidening, sharingLevel, dataLogging }', ...ERRORS, 403: 'The key lacks the read scope, or the member may only run the prompt' },
    handler: (c) => c.json(getReadiness(c.get('ctx'), parseWith(PromptNameSchema, c.req.param('name')))),
  }),
];
