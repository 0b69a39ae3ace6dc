import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { invalid } from '../errors';

/**
 * Members' passwords on a team server, hashed with scrypt: Node's built-in binding of OpenSSL's
 * scrypt (memory-hard, RFC 7914), so no native package has to be built or downloaded. The cost
 * follows OWASP's Password Storage Cheat Sheet (N=2^17, r=8, p=1: 128 MiB and about 0.3 s per
 * hash on a 2-core machine). Every hash carries its parameters and salt, so the cost can be
 * raised later without breaking the hashes already stored:
 *
 *     scrypt$N=131072,r=8,p=1$<salt, base64url>$<32-byte key, base64url>
 */

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** OWASP's scrypt floor (2^17, 8, 1). */
export const SCRYPT_PARAMS: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** The most a stored hash may ask for (refuses a tampered row asking for gigabytes). */
const MAX_N = 2 ** 20;

/** Shortest password accepted (characters), as NIST SP 800-63B asks of a password chosen alone. */
export const PASSWORD_MIN_LENGTH = 12;
/** Longest password accepted (characters): bounds the work one sign-in can cause. */
export const PASSWORD_MAX_LENGTH = 256;

/** Memory scrypt needs for `params` (bytes), with headroom: Node refuses above `maxmem`. */
const maxmemFor = ({ N, r, p }: ScryptParams) => 128 * N * r * (p + 1) + 16 * 1024 * 1024;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: maxmemFor(params) };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/**
 * The rule for a new password, on field `fieldName` (default `password`): at least
 * {@link PASSWORD_MIN_LENGTH} characters, at most {@link PASSWORD_MAX_LENGTH}, not only spaces.
 *
 * @throws AppError `invalid_input`
 */
export function checkNewPassword(password: string, fieldName = 'password'): void {
  const length = [...password].length;
  if (password.trim() === '') throw invalid('Choose a password (not only spaces)', fieldName);
  if (length < PASSWORD_MIN_LENGTH) throw invalid(`Use at least ${PASSWORD_MIN_LENGTH} characters`, fieldName);
  if (length > PASSWORD_MAX_LENGTH) throw invalid(`Use at most ${PASSWORD_MAX_LENGTH} characters`, fieldName);
}

/**
 * Hashes a password with a fresh salt. `params` defaults to {@link SCRYPT_PARAMS}.
 *
 * @returns `scrypt$N=…,r=…,p=…$salt$key` (see the module comment)
 * @example await hashPassword('correct horse battery') // 'scrypt$N=131072,r=8,p=1$…$…'
 */
export async function hashPassword(password: string, params: ScryptParams = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return `scrypt$N=${params.N},r=${params.r},p=${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

const HASH_PATTERN = /^scrypt\$N=(\d{1,8}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9_-]{16,64})\$([A-Za-z0-9_-]{43})$/;

/** The parameters a stored hash was made with, or null for a malformed one. */
export function paramsOf(stored: string): ScryptParams | null {
  const match = HASH_PATTERN.exec(stored);
  if (!match) return null;
  const params = { N: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  const powerOfTwo = params.N > 1 && (params.N & (params.N - 1)) === 0;
  return powerOfTwo && params.N <= MAX_N && params.r >= 1 && params.p >= 1 && params.p <= 16 ? params : null;
}

/**
 * Whether `password` matches `stored`, compared in constant time. A malformed stored hash is no
 * match (never an exception), after the same work as a real check.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const params = paramsOf(stored);
  const [, , salt, key] = stored.split('$');
  if (!params || !salt || !key) {
    await derive(password, randomBytes(SALT_BYTES), SCRYPT_PARAMS);
    return false;
  }
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), params);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Whether a stored hash was made with less than today's cost (rehash it at the next sign-in). */
export function needsRehash(stored: string, params: ScryptParams = SCRYPT_PARAMS): boolean {
  const current = paramsOf(stored);
  return !current || current.N < params.N || current.r < params.r || current.p < params.p;
}

let dummy: Promise<string> | null = null;
/**
 * A hash of a random password, made once: signing in with an email no member has runs the KDF
 * against it, so an unknown email costs the same time as a wrong password.
 */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('base64url'));
  return dummy;
}
