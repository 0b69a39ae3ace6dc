/**
 * The settings row naming the member a desktop joined a team as (written with each pull page,
 * core/sync/replica-apply.ts). Its own module, imported by the access rules too
 * (core/sharing/access.ts), so they need nothing else of the sync.
 */
export const REPLICA_MEMBER_SETTING = 'sync.member_id';
