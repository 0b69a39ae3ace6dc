import type { Migration } from './types';

/**
 * Key scopes and expiry, and per-prompt API exposure. Existing keys keep full scopes (they were
 * made before scopes existed and act within their member's permissions anyway); existing prompts
 * get API access on, as they were already served, while new prompts start with it off.
 */
export const apiAccess: Migration = {
  version: 40,
  name: 'api-access',
  sql: `
    ALTER TABLE api_keys ADD COLUMN scopes TEXT NOT NULL DEFAULT '["read","run","write","admin"]';
    ALTER TABLE api_keys ADD COLUMN expires_at TEXT;
    ALTER TABLE prompts ADD COLUMN api_access INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE prompts ADD COLUMN api_key_required INTEGER NOT NULL DEFAULT 1;
    UPDATE prompts SET api_access = 1;
  `,
};
