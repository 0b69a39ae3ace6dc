import { createHash } from 'node:crypto';

/**
 * How a pull names a prompt leaving a member's replica (deleted, or no longer visible to them):
 * not by its id, which a member who never saw the prompt must not learn (hidden = missing), but
 * by SHA-256 of `<member id>:<prompt id>`. A replica computes it for the prompts it holds; from
 * the key alone nobody can find an id they do not already know (ids are random UUIDs).
 *
 * @example removalKey('9f1c…', '4be0…') // '5d41402abc4b2a76b9719d911017c592…' (64 hex)
 */
export function removalKey(memberId: string, promptId: string): string {
  return createHash('sha256').update(`${memberId}:${promptId}`).digest('hex');
}
