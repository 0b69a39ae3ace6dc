import { z } from 'zod';
import type { User } from './users';

/** Signing in to a team server's web UI. */
export const TeamSignInInput = z.object({
  email: z.string().trim().min(1, 'Enter your email address').max(254),
  password: z.string().min(1, 'Enter your password').max(1024),
});
export type TeamSignInInput = z.input<typeof TeamSignInInput>;

/** The code of an invite, from the whole link (`…/#invite=CODE`) or the bare code. */
export function inviteCodeOf(link: string): string {
  const at = link.indexOf('#invite=');
  return at >= 0 ? link.slice(at + '#invite='.length).trim() : link.trim();
}

export const InviteCodeInput = z.object({ code: z.string().trim().min(1, 'Paste the invite link or code').max(2000).transform(inviteCodeOf) });

/** Accepting an invite: the code, a new password (its rule: core/team/passwords.ts) and optionally another name. */
export const AcceptInviteInput = z.object({
  code: z.string().trim().min(1, 'Paste the invite link or code').max(2000).transform(inviteCodeOf),
  password: z.string().max(1024),
  name: z.string().trim().max(200).optional(),
});
export type AcceptInviteInput = z.input<typeof AcceptInviteInput>;

export const ChangePasswordInput = z.object({
  currentPassword: z.string().max(1024),
  newPassword: z.string().max(1024),
});

export const DeviceRefInput = z.object({ deviceId: z.string().min(1).max(64) });
export const InviteRefInput = z.object({ inviteId: z.string().min(1).max(64) });

/** A pending invite as an admin sees it (never its code). */
export interface InviteInfo {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'member';
  expiresAt: string;
}

/** What `GET /team/status` answers: the team (null: no team server) and who this browser is signed in as. */
export interface TeamStatus {
  team: { id: string; name: string; publicUrl: string } | null;
  member: User | null;
}

/** A device as its member (or an admin) sees it. */
export interface DeviceInfo {
  id: string;
  name: string;
  createdAt: string;
  lastSeenAt: string | null;
}

/** Settings → Team: join the team server at `serverUrl` (checked by core/team/join-team.ts teamServerOrigin), listed as `deviceName` (default: this computer's name). */
export const TeamJoinInput = z.object({
  serverUrl: z.string().trim().min(1, 'Enter the team server’s address, like https://prompts.example.com').max(2000),
  deviceName: z.string().trim().max(100, 'At most 100 characters').optional(),
});
export type TeamJoinInput = z.input<typeof TeamJoinInput>;
/** Leave team: `keepUnsent` (default true) keeps changes not yet synced as personal prompts `<name>-unsynced`. */
export const TeamLeaveInput = z.object({ keepUnsent: z.boolean().default(true) }).strict();
