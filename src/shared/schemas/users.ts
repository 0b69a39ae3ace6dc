import { z } from 'zod';

// Deliberately loose: the desktop owner is `<os user>@localhost`, which stricter checks refuse.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@.][^\s@]*$/;
export const EmailSchema = z
  .string()
  .trim()
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
}

export const CreateKeyInput = z.object({
  userEmail: EmailSchema,
  label: z.string().trim().min(1).max(100).default('default'),
});

export interface ApiKeyInfo {
  id: string;
  userId: string;
  label: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export const UserRefInput = z.object({ userId: z.string().min(1).max(64) });
export const SetUserActiveInput = z.object({ userId: z.string().min(1).max(64), isActive: z.boolean() });
export const SearchUsersInput = z.object({ query: z.string().max(200).default('') });
