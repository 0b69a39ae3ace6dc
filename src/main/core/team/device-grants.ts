import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Clock, Ctx } from '../context';
import { AppError, invalid } from '../errors';
import type { Store } from '../../store/store';
import type { User } from '../../../shared/schemas/users';
import { devicesOf, issueDeviceToken } from './devices';
import { requireTeam, type TeamInfo } from './team-server';

/**
 * How a desktop joins a team server: OAuth 2.0 for native apps (RFC 8252) with PKCE (RFC 7636).
 * The desktop listens on a loopback port, opens the server's `/team/authorize` in a browser with
 * `redirect_uri=http://127.0.0.1:PORT/…`, a `code_challenge` (S256) and its name; the member signs
 * in and allows it; the server redirects to the loopback address with a one-time `code`, which
 * the desktop exchanges with its `code_verifier` at `POST /api/v1/team/token` for a device token.
 */

/** How long an authorization code may be exchanged (ms): 2 minutes. */
export const GRANT_TTL_MS = 2 * 60_000;
// RFC 7636 §4.1: 43 to 128 characters of [A-Z a-z 0-9 - . _ ~].
const VERIFIER_PATTERN = /^[A-Za-z0-9._~-]{43,128}$/;
// S256 of a verifier: 32 bytes, base64url without padding (§4.2).
const CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const CODE_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const GRANT_REFUSED = 'This authorization code is not valid (unknown, used, expired, or the code_verifier does not match): join again';

const hash = (secret: string) => createHash('sha256').update(secret).digest();

/**
 * Whether `uri` is a loopback redirect a desktop may receive a code at (RFC 8252 §7.3): `http`,
 * the literal 127.0.0.1 or [::1] (not `localhost`, which a hosts file may point elsewhere), an
 * explicit port, no credentials or fragment.
 *
 * @throws AppError `invalid_input` on field `redirect_uri`
 */
export function checkLoopbackRedirect(uri: string): URL {
  const refused = () => invalid('redirect_uri must be a loopback address: http://127.0.0.1:PORT/path or http://[::1]:PORT/path', 'redirect_uri');
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw refused();
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'http:' || !loopback || url.port === '' || url.username || url.password || url.hash || uri.length > 512) throw refused();
  return url;
}

export const AuthorizeInput = z.object({
  redirect_uri: z.string().max(512),
  code_challenge: z.string().regex(CHALLENGE_PATTERN, 'code_challenge must be the S256 challenge of a code_verifier (43 base64url characters)'),
  code_challenge_method: z.literal('S256', { message: 'code_challenge_method must be S256' }).default('S256'),
  device_name: z.string().trim().min(1, 'Name the device').max(100),
  state: z.string().max(512).optional(),
});

/**
 * The member allowed the device: a one-time code bound to the redirect, the challenge and the
 * device name, usable once within {@link GRANT_TTL_MS}.
 *
 * @returns the address to send the browser to: `redirect_uri` with `code` (and `state`) added
 * @throws AppError `invalid_input` (`redirect_uri`), `unauthenticated` (deactivated member)
 */
export function authorizeDevice(ctx: Ctx, input: z.output<typeof AuthorizeInput>): { redirect: string } {
  if (!ctx.actor.isActive) throw new AppError('unauthenticated', 'This member has been deactivated');
  const url = checkLoopbackRedirect(input.redirect_uri);
  const code = randomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  const grants = devicesOf(ctx.store);
  ctx.store.tx(() => {
    grants.pruneGrantsBefore(now.toISOString());
    grants.insertGrant(hash(code), {
      userId: ctx.actor.id,
      deviceName: input.device_name,
      redirectUri: input.redirect_uri,
      codeChallenge: input.code_challenge,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + GRANT_TTL_MS).toISOString(),
    });
  });
  url.searchParams.set('code', code);
  if (input.state !== undefined) url.searchParams.set('state', input.state);
  return { redirect: url.toString() };
}

export const TokenInput = z.object({
  code: z.string().max(200),
  code_verifier: z.string().max(200),
  redirect_uri: z.string().max(512).optional(),
});

/**
 * Exchanges a code for a device token (RFC 7636 §4.6): the code must be live and unused, the
 * verifier's S256 must equal the challenge, and `redirect_uri`, when sent, must be the one the
 * code was issued to. Any attempt uses the code up, right or wrong, so a stolen code cannot be
 * tried twice. Every refusal is one `unauthenticated` error on field `code`.
 *
 * @returns the device token (shown once), the member and the team
 */
export function exchangeDeviceCode(store: Store, clock: Clock, input: z.output<typeof TokenInput>): { deviceToken: string; member: User; team: TeamInfo; deviceId: string } {
  const refused = () => new AppError('unauthenticated', GRANT_REFUSED, 'code');
  const team = requireTeam(store);
  if (!CODE_PATTERN.test(input.code)) throw refused();
  const now = clock.now().toISOString();
  const grants = devicesOf(store);
  const grant = store.tx(() => {
    const found = grants.getGrant(hash(input.code));
    if (!found || found.usedAt !== null || found.expiresAt <= now || !grants.useGrant(hash(input.code), now)) return null;
    return found;
  });
  if (!grant) throw refused();
  const challenge = VERIFIER_PATTERN.test(input.code_verifier) ? createHash('sha256').update(input.code_verifier).digest('base64url') : '';
  if (challenge !== grant.codeChallenge) throw refused();
  if (input.redirect_uri !== undefined && input.redirect_uri !== grant.redirectUri) throw refused();
  const member = store.users.get(grant.userId);
  if (!member || !member.isActive) throw refused();
  const { token, device } = issueDeviceToken(store, clock, member.id, grant.deviceName);
  return { deviceToken: token, member, team, deviceId: device.id };
}
