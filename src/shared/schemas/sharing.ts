import { z } from 'zod';
import { PromptNameSchema } from './prompts';
import { EmailSchema } from './users';

export const SHARING_LEVELS = ['private', 'chat_only', 'library_view', 'library_edit'] as const;
export type SharingLevel = (typeof SHARING_LEVELS)[number];

export const SHARING_LEVEL_LABELS: Record<SharingLevel, string> = {
  private: 'Private',
  chat_only: 'Chat only',
  library_view: 'Library View',
  library_edit: 'Library Edit',
};

export const SHARE_PERMISSIONS = ['view', 'run', 'edit'] as const;
export type SharePermission = (typeof SHARE_PERMISSIONS)[number];

/** What a member may do with a prompt; each service names the one it needs. */
export const ACTIONS = ['read', 'run', 'edit', 'promote', 'share', 'delete'] as const;
export type Action = (typeof ACTIONS)[number];

export const SetSharingLevelInput = z.object({
  name: PromptNameSchema,
  level: z.enum(SHARING_LEVELS, { message: 'Choose Private, Chat only, Library View or Library Edit' }),
});

export const AddShareInput = z.object({
  name: PromptNameSchema,
  email: EmailSchema,
  permission: z.enum(SHARE_PERMISSIONS, { message: 'Choose view, run or edit' }),
});

export const RemoveShareInput = z.object({
  name: PromptNameSchema,
  userId: z.string().min(1).max(64),
});

export interface Share {
  user: { id: string; name: string; email: string };
  permission: SharePermission;
  createdAt: string;
}

export interface SharingInfo {
  level: SharingLevel;
  owner: { id: string; name: string; email: string };
  shares: Share[];
  /** What the asking member may do, so the UI offers only what will work. */
  allowed: Action[];
  /** A team prompt held on a desktop: its sharing is changed on the team server only ({@link TEAM_SHARING_REFUSED}). */
  decidedOnTeamServer?: boolean;
}

/**
 * The one answer to changing a team prompt's sharing (level, shares, API access) on a desktop
 * (core/sharing/access.ts requirePrompt); the Sharing tab shows the same words next to its controls.
 */
export const TEAM_SHARING_REFUSED = 'Change sharing on the team server: who may see and change a team prompt is decided there';

/** One row of "who has access to what" for a member. */
export interface AccessEntry {
  prompt: { name: string; title: string };
  actions: Action[];
  via: 'admin' | 'owner' | 'share' | 'level';
}
