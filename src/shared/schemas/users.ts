import { z } from 'zod';

// Deliberately loose: the desktop owner is `<os user>@localhost`, which stricter checks refuse.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@.][^\s@]*$/;
// NFKC here only so a fullwidth "＠" passes the shape check; the member-email rule (look-alikes,
// invisible characters) is src/main/core/users/email-identity.ts.
export const EmailSchema = z
  .string()
  .trim()
  .normalize('NFKC')
  .toLowerCase()
  .pipe(z.string().max(254).regex(EMAIL_PATTERN, 'Enter an email address like ada@example.com'));

export const AddUserInput = z.object({
  email: EmailSchema,
  name: z.string().trim().min(1, 'Enter a name').max(200),
  role: z.enum(['admin', 'member']).default('member'),
});
export type AddUserInput = z.input<typeof AddUserInput>;

export interface User {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'member';
  isActive: boolean;
  createdAt: string;
  /** Member lists on a joined desktop only: a member the team replicated, changed only on the team server (core/users/team-members.ts). */
  managedByTeam?: boolean;
}

/** What a key may be used for, within its member's own permissions. */
export const KEY_SCOPES = ['read', 'run', 'write', 'admin'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

export const CreateKeyInput = z.object({
  userEmail: EmailSchema,
  label: z.string().trim().min(1, 'Give the key a label').max(100).default('default'),
  scopes: z
    .array(z.enum(KEY_SCOPES, { message: 'Scopes are read, run, write and admin' }))
    .min(1, 'Choose at least one scope')
    .transform((scopes) => KEY_SCOPES.filter((s) => scopes.includes(s)))
    // Left out: every scope, or every scope of the key making the request (see createKey).
    .optional(),
  /** When the key stops working (parseInstant): a bare date expires at its end (UTC); a date-time needs its offset. */
  expiresAt: z.string().max(40).nullable().optional(),
});

export const KeyRefInput = z.object({ keyId: z.string().min(1).max(64) });

export interface ApiKeyInfo {
  id: string;
  userId: string;
  label: string;
  prefix: string;
  scopes: KeyScope[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface ApiKeyListItem extends ApiKeyInfo {
  user: { id: string; name: string; email: string };
}

export const UserRefInput = z.object({ userId: z.string().min(1).max(64) });
export const SetUserActiveInput = z.object({ userId: z.string().min(1).max(64), isActive: z.boolean() });
export const SearchUsersInput = z.object({ query: z.string().max(200).default('') });
