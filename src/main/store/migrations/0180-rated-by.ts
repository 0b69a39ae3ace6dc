import type { Migration } from './types';

/**
 * Who rated a run (issue 12, readiness item 7). The checklist's "two people found it useful"
 * counts a run's "useful" only when the member who rated it is the member who ran it: an admin
 * may still rate (correct) anyone's run, but that is not the runner's confirmation.
 *
 * Ratings given before this column existed keep `rated_by` NULL: who gave them cannot be told
 * (an admin could rate others' runs), so they no longer count for item 7 until rated again.
 */
export const ratedBy: Migration = {
  version: 180,
  name: 'rated-by',
  sql: `
    ALTER TABLE run_logs ADD COLUMN rated_by TEXT REFERENCES users(id);
  `,
};
