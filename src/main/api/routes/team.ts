import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { z } from 'zod';
import { route } from '../route';
import type { ApiEnv } from '../env';
import { AuthThrottle, limitAddress } from '../auth-throttle';
import { DEFAULT_RATE_LIMITS } from '../rate-limit';
import { AppError } from '../../core/errors';
import type { Store } from '../../store/store';
import { exchangeDeviceCode, TokenInput } from '../../core/team/device-grants';
import { DEVICE_REFUSED } from '../../core/team/devices';
import { teamOf } from '../../core/team/team-server';
import { requireApiScope } from '../../core/keys/keys-service';

/**
 * A team server's device routes (docs/sync.md "Who is calling", README "Team server"): the PKCE
 * code exchange that gives a desktop its device token, and "who is this device". Declared here so
 * the OpenAPI document describes them; on a folder that is no team server they answer 404.
 */

/** How a team server tells clients apart for the exchange's failure throttle (headless/team-web.ts registers it: --trust-proxy reads X-Forwarded-For). */
const clientAddressOf = new WeakMap<Store, (c: Context<ApiEnv>) => string>();
const throttles = new WeakMap<Store, AuthThrottle>();

/** Registers how this team server reads a client's address (the socket's, or the trusted proxy's X-Forwarded-For). */
export function setTeamClientAddress(store: Store, read: (c: Context<ApiEnv>) => string): void {
  clientAddressOf.set(store, read);
}

function requireTeamServer(store: Store): void {
  if (!teamOf(store)) throw new AppError('not_found', 'This Promptdesk is no team server');
}

/** A member as the team server answers it (shared/schemas/users.ts User). */
const MemberAnswer = z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(['admin', 'member']), isActive: z.boolean(), createdAt: z.string() });
const TeamInfoAnswer = z.object({ id: z.string(), name: z.string(), publicUrl: z.string() });
const TOO_MANY = 'Too many failed code exchanges; wait and retry';

export const TEAM_ROUTES = [
  route({
    method: 'post',
    path: '/api/v1/team/token',
    summary: 'Team server: exchange a desktop’s one-time code and PKCE verifier (RFC 7636, S256) for its device token',
    tag: 'team',
    // Like Conductor's token exchange: how a desktop without a credential gets one; the proof is in the body.
    public: true,
    body: TokenInput,
    answer: z.object({ deviceToken: z.string(), member: MemberAnswer, team: TeamInfoAnswer }),
    responses: { 200: '{ deviceToken, member, team }: the token is shown once', 400: 'Invalid input', 401: 'Unknown, used, expired or mismatched code (field code)', 404: 'Not a team server', 429: 'Too many failed exchanges from this client' },
    handler: async (c, { body, api }) => {
      const { store, clock } = api.workspace;
      // The body first, as every route with one: a malformed exchange is a 400 naming the field anywhere.
      const input = await body();
      requireTeamServer(store);
      const address = clientAddressOf.get(store)?.(c) ?? limitAddress(getConnInfo(c).remote.address);
      const client = { address, userAgent: c.req.header('user-agent') };
      let throttle = throttles.get(store);
      if (!throttle) throttles.set(store, (throttle = new AuthThrottle(DEFAULT_RATE_LIMITS.failedAuthPerMinute)));
      const wait = throttle.waitBefore(client, undefined);
      if (wait > 0) throw AppError.rateLimited(TOO_MANY, wait);
      try {
        const { deviceToken, member, team } = exchangeDeviceCode(store, clock, input);
        // A credential: never kept by a cache.
        return c.json({ deviceToken, member, team }, 200, { 'Cache-Control': 'no-store' });
      } catch (error) {
        if (error instanceof AppError && error.code === 'unauthenticated') {
          const after = throttle.recordFailure(client, undefined);
          if (after > 0) throw AppError.rateLimited(TOO_MANY, after);
        }
        throw error;
      }
    },
  }),
  route({
    method: 'get',
    path: '/api/v1/team/device',
    summary: 'Who this credential syncs as: the member, the device (null for an API key) and the team (null on a folder that is no team server)',
    tag: 'team',
    scopes: ['read'],
    answer: z.object({ member: MemberAnswer, deviceId: z.string().nullable(), team: TeamInfoAnswer.nullable() }),
    responses: { 200: '{ member, deviceId, team }', 401: 'Unknown or revoked device token or key' },
    handler: (c) => {
      // Set by the key check (api/auth.ts): a device token on this route, else an API key of the member.
      const device = c.get('device') as ApiEnv['Variables']['device'] | undefined;
      const ctx = c.get('ctx') as ApiEnv['Variables']['ctx'] | undefined;
      if (!ctx) throw new AppError('unauthenticated', DEVICE_REFUSED);
      // An API key answers within its scopes like every keyed route (a device token carries no scopes: no `via`).
      requireApiScope(ctx, 'read');
      return c.json({ member: device?.member ?? ctx.actor, deviceId: device?.deviceId ?? null, team: teamOf(ctx.store) }, 200, { 'Cache-Control': 'no-store' });
    },
  }),
];
