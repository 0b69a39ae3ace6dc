import { route } from '../route';

/** `/api/v1/health` and `/api/v1/openapi.json`: public, like /docs (they describe the API and expose no data). */
export const META_ROUTES = [
  route({
    method: 'get',
    path: '/api/v1/health',
    summary: 'Liveness and version',
    tag: 'meta',
    responses: { 200: 'Running' },
    public: true,
    handler: (c, { api }) => c.json({ status: 'ok', version: api.version }),
  }),
  route({
    method: 'get',
    path: '/api/v1/openapi.json',
    summary: 'This document',
    tag: 'meta',
    responses: { 200: 'OpenAPI 3.1' },
    public: true,
    handler: (c, { api }) => c.json(api.document),
  }),
];
