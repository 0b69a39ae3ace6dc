import { z } from 'zod';

/**
 * "Acting as": the member to act as and, unless you are an admin (or switching to yourself),
 * that member's consent: one of their API keys.
 */
export const SwitchMemberInput = z.object({
  userId: z.string().min(1).max(64),
  key: z.string().trim().max(200).optional(),
});
export type SwitchMemberInput = z.input<typeof SwitchMemberInput>;

/** Signing in to the headless UI: with your API key, or a one-time link from `promptdesk users login-link`. */
export const SignInInput = z.union([
  z.object({ key: z.string().trim().min(1, 'Enter your API key').max(200) }),
  z.object({ link: z.string().trim().min(1, 'Paste the sign-in link').max(2000) }),
]);
export type SignInInput = z.input<typeof SignInInput>;

/** The secret of a sign-in link, from the whole link (`…/#login=SECRET`) or the bare secret. */
export function loginSecretOf(link: string): string {
  const at = link.indexOf('#login=');
  return at >= 0 ? link.slice(at + '#login='.length).trim() : link.trim();
}
