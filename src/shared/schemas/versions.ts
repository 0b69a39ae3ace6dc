import { z } from 'zod';
import { PromptNameSchema } from './prompts';
import type { ModelSettings } from './template';
import type { UserRef, VersionStatus } from './prompts';
import { VersionNumberSchema } from './version-number';

export { VersionNumberSchema };

export const PromoteInput = z.object({
  name: PromptNameSchema,
  number: VersionNumberSchema,
  notes: z.string().max(2000).default(''),
});

export const CompareInput = z.object({
  name: PromptNameSchema,
  from: VersionNumberSchema,
  to: VersionNumberSchema,
});

export const PromotionsInput = z.object({
  name: PromptNameSchema,
  userId: z.string().max(64).optional(),
  /**
   * Both inclusive: a bare date is that whole UTC day, a date-time needs its offset (checked by
   * listPromotions with parseInstant; the logs filter parses the same, with an exclusive `to`).
   * Empty: no bound.
   */
  from: z.string().max(40).optional(),
  to: z.string().max(40).optional(),
});

export const PinInput = z.object({
  name: PromptNameSchema,
  /** A version number to pin the API deployment to, or null to follow the published version. */
  version: VersionNumberSchema.nullable(),
});

export interface Promotion {
  id: string;
  version: number;
  previousVersion: number | null;
  promotedBy: UserRef;
  promotedAt: string;
  notes: string;
}

export interface Deployment {
  /** 'pinned' serves `pinnedVersion` whatever is published; 'published' follows promotions. */
  mode: 'published' | 'pinned';
  pinnedVersion: number | null;
  publishedVersion: number | null;
  /** What API callers get now (null when the prompt has no version at all). */
  servedVersion: number | null;
}

export interface DiffPart {
  value: string;
  added?: boolean;
  removed?: boolean;
}

export interface FieldChange {
  field: string;
  from: string;
  to: string;
}

export interface VersionComparison {
  from: { number: number; status: VersionStatus; createdAt: string };
  to: { number: number; status: VersionStatus; createdAt: string };
  /** Template text diff; 'lines' when a word diff would take too long. */
  template: DiffPart[];
  granularity: 'words' | 'lines';
  modelSettings: FieldChange[];
  variables: { added: string[]; removed: string[]; changed: FieldChange[] };
  displayMessage: FieldChange | null;
}

export type { ModelSettings };
