import type { Migration } from './types';

/**
 * What a readiness tick on "access levels" confirmed (issue 12 round 2, finding 2): the sharing
 * level and shares at the moment of the tick, as the canonical text of
 * core/readiness/checklist.ts `accessConfirmation`. Item 6 passes only while the prompt's access
 * still matches it, so widening and narrowing back, or changing a share, reopens the item.
 *
 * Ticks made before this column existed keep NULL: what they confirmed cannot be told, so item 6
 * is open again until someone confirms the access as it is now.
 */
export const accessConfirmed: Migration = {
  version: 210,
  name: 'access-confirmed',
  sql: `
    ALTER TABLE readiness_ticks ADD COLUMN confirmed TEXT;
  `,
};
