import type { RouteDeclaration } from '../route';
import { META_ROUTES } from './meta';
import { PROMPTS_ROUTES } from './prompts';
import { RUNS_ROUTES } from './runs';
import { REFINE_ROUTES } from './refine';
import { LOGS_ROUTES } from './logs';
import { CHANGES_ROUTES } from './changes';
import { VERSIONS_ROUTES } from './versions';
import { READINESS_ROUTES } from './readiness';
import { SHARING_ROUTES } from './sharing';
import { KEYS_ROUTES, MEMBERS_ROUTES } from './members';
import { SYNC_ROUTES } from './sync';
import { TEAM_ROUTES } from './team';

/**
 * Every route of the native API (`/api/v1`), each declared once in its area's file with its
 * schema, documentation and handler: the app serves them (route.ts mountRoutes) and the OpenAPI
 * document and /docs describe them (openapi.ts), so a new route is one `route({...})` in its area.
 */
export const NATIVE_ROUTES: readonly RouteDeclaration[] = [
  ...META_ROUTES,
  ...PROMPTS_ROUTES,
  ...RUNS_ROUTES,
  ...REFINE_ROUTES,
  ...LOGS_ROUTES,
  ...CHANGES_ROUTES,
  ...VERSIONS_ROUTES,
  ...READINESS_ROUTES,
  ...SHARING_ROUTES,
  ...MEMBERS_ROUTES,
  ...KEYS_ROUTES,
  ...SYNC_ROUTES,
  ...TEAM_ROUTES,
];
